"""Content hashes that decide whether a build step must run again.

A step's key is the SHA-256 of everything it depends on: the notebook's source,
its parameters (the staging folder excepted), the data files it reads, the
``lakip_calc`` sources and templates, the dependency lock, and the keys of the
steps whose outputs it reads. Equal key, equal outputs: the previous build's
outputs are reused and no kernel starts. Unlike Quarto's freeze, a change to
the data or to the code changes the keys of exactly the steps that depend on
it (and of the steps downstream of those).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "kunci",
    "baca_cache",
    "berkas_data",
    "BERKAS_CACHE",
]

#: Where a build records the keys of its steps (inside build/<YEAR>/).
BERKAS_CACHE = "cache.json"


def kunci(*bagian: object) -> str:
    """Combine strings and JSON-able values into one key."""
    teks = json.dumps([str(b) if isinstance(b, Path) else b for b in bagian], sort_keys=True)
    return hashlib.sha256(teks.encode()).hexdigest()


def baca_cache(folder: Path) -> dict:
    """The step keys recorded by the build in ``folder`` (empty when none)."""
    p = folder / BERKAS_CACHE
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def berkas_data(folder_data: Path, tahun: int, nama: Iterable[str]) -> list[Path]:
    """The data files a step reads: in ``<tahun>/`` and, as the loader also reads
    earlier years' records, the same names in every earlier year folder (``*``: all)."""
    folder = folder_data / str(tahun)
    lalu = sorted(
        p for p in folder_data.glob("[0-9][0-9][0-9][0-9]") if p.is_dir() and int(p.name) < tahun
    )
    hasil: list[Path] = []
    for n in nama:
        if n == "*":
            hasil.append(folder)
            hasil += lalu
        else:
            hasil.append(folder / n)
            hasil += [p / n for p in lalu if (p / n).exists()]
    return hasil
