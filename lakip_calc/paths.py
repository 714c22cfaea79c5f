"""Paths built from the project root, never from the working directory."""

from __future__ import annotations

import re
from pathlib import Path

from lakip_calc.errors import ConfigError

__all__ = ["ROOT", "DATA", "BUILD", "NOTEBOOKS", "REPORT", "cek_tahun", "folder_data", "tampil"]

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
BUILD = ROOT / "build"
NOTEBOOKS = ROOT / "notebooks"
REPORT = ROOT / "report"

_TAHUN = re.compile(r"[0-9]{4}")


def cek_tahun(teks: str | int) -> int:
    """Return the year as int, or raise ConfigError unless it is exactly four digits.

    >>> cek_tahun("2023")
    2023
    """
    s = str(teks).strip()
    if not _TAHUN.fullmatch(s):
        raise ConfigError(
            f"TAHUN tidak sah: {s!r}. Tulis tahun dengan empat angka, misalnya YEAR=2023."
        )
    return int(s)


def folder_data(tahun: int, data_dir: Path | None = None) -> Path:
    """The data folder of a year (``data/<tahun>``)."""
    return (data_dir or DATA) / str(tahun)


def tampil(path: Path) -> str:
    """A path as the user should see it: relative to the project root when inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
