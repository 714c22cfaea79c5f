"""Paths built from the project root, never from the working directory.

The notebooks run in the folder that holds the data folder (:func:`folder_kerja`:
the project root for ``data/``) and receive their paths relative to it
(:func:`jalur_kerja`): a data folder and a build folder beside it can be moved
or copied together and the build stays current, with the same bytes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lakip_calc.errors import ConfigError

__all__ = [
    "ROOT",
    "DATA",
    "BUILD",
    "NOTEBOOKS",
    "REPORT",
    "cek_tahun",
    "folder_data",
    "folder_kerja",
    "jalur_kerja",
    "tampil",
]

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


def folder_kerja(data_root: Path) -> Path:
    """The folder the notebooks run in: the one holding the data folder ``data_root``."""
    return Path(data_root).resolve().parent


def jalur_kerja(path: Path, data_root: Path) -> str:
    """``path`` as the notebooks of ``data_root`` receive it: relative to :func:`folder_kerja`.

    >>> jalur_kerja(ROOT / "build" / "2023", ROOT / "data")
    'build/2023'
    """
    return os.path.relpath(Path(path).resolve(), folder_kerja(data_root))
