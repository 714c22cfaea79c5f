"""Content hashes that decide whether a build step must run again.

A step's key is the SHA-256 of everything it depends on: the notebook's source,
its parameters (the staging folder excepted), the data it read, the
``lakip_calc`` sources and templates, the dependency lock, and the keys of the
steps whose outputs it reads. Equal key, equal outputs: the previous build's
outputs are reused and no kernel starts. Unlike Quarto's freeze, a change to
the data or to the code changes the keys of exactly the steps that depend on
it (and of the steps downstream of those).

What a step read is not declared anywhere: the loader records every data file
it opens or looks for and every folder it lists
(:mod:`lakip_calc.masukan.dibaca`), the notebook shows that record as an output,
and the build keeps it in ``cache.json`` (``dibaca``). The next build keys the
step on those paths as they are then: a step whose previous run left no record
runs. Why this is enough: a notebook whose source, code, parameters, upstream
outputs and every path it touched are unchanged reads the same paths again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from lakip_calc.masukan.dibaca import BERUBAH, MIME, sidik_jalur

__all__ = [
    "kunci",
    "baca_cache",
    "folder_tahun",
    "dibaca_notebook",
    "dibaca_tercatat",
    "dibaca_sekarang",
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
        isi = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return isi if isinstance(isi, dict) else {}


def folder_tahun(folder_data: Path, tahun: int) -> list[Path]:
    """The year's folder and every earlier year's folder (all the data a report may read)."""
    lalu = sorted(
        p for p in folder_data.glob("[0-9][0-9][0-9][0-9]") if p.is_dir() and int(p.name) < tahun
    )
    return [folder_data / str(tahun), *lalu]


def _rekaman_sah(isi: object) -> bool:
    return isinstance(isi, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in isi.items()
    )


def dibaca_notebook(path: Path) -> dict[str, str]:
    """What an executed notebook recorded as read (:mod:`lakip_calc.masukan.dibaca`).

    The records of all its outputs together (a notebook may load twice); empty
    when it loaded nothing. A path recorded with two values matches nothing later.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    hasil: dict[str, str] = {}
    for sel in nb.get("cells", []):
        for keluaran in sel.get("outputs", []):
            isi = (keluaran.get("data") or {}).get(MIME)
            rekaman = isi.get("dibaca") if isinstance(isi, dict) else None
            if not _rekaman_sah(rekaman):
                continue
            for b, v in rekaman.items():
                hasil[b] = v if hasil.setdefault(b, v) == v else BERUBAH
    return dict(sorted(hasil.items()))


def dibaca_tercatat(cache: dict) -> dict[str, dict[str, str]]:
    """The records a build kept in its ``cache.json`` (``dibaca``), by notebook; malformed
    ones are left out (their steps run)."""
    semua = cache.get("dibaca")
    if not isinstance(semua, dict):
        return {}
    return {nb: rek for nb, rek in semua.items() if isinstance(nb, str) and _rekaman_sah(rek)}


def dibaca_sekarang(folder: Path, jalur: Iterable[str]) -> dict[str, str]:
    """What the recorded paths (relative to the year's ``folder``) hold now."""
    return {b: sidik_jalur(folder, b) for b in sorted(jalur)}
