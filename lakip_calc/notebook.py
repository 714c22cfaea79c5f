"""Small helpers that the notebooks call (loading, saving their results).

Notebooks orchestrate and show; these helpers keep them short. Everything a
notebook writes goes under its ``out_dir`` (the build's staging folder).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from lakip_calc.angka import KumpulanAngka
from lakip_calc.errors import LakipError
from lakip_calc.loader import DataTahun, muat_tahun
from lakip_calc.paths import ROOT, cek_tahun

__all__ = ["jalur", "muat", "simpan_angka", "baca_angka", "tulis_teks", "tampilkan", "BAGIAN_ANGKA"]

#: Folder (under out_dir) holding each notebook's numbers before they are merged.
BAGIAN_ANGKA = "bagian"


def jalur(p: str | Path) -> Path:
    """A path relative to the project root (absolute paths are kept)."""
    p = Path(p)
    return p if p.is_absolute() else ROOT / p


def muat(tahun: int | str, data_dir: str | Path, tabel: list[str] | None = None) -> DataTahun:
    """Load (a subset of) a validated year for a notebook."""
    return muat_tahun(cek_tahun(tahun), jalur(data_dir), tabel)


def tulis_teks(path: Path, isi: str) -> Path:
    """Write text atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(isi, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
    return path


def simpan_angka(angka: KumpulanAngka, out_dir: str | Path, bagian: str, *, sel: str) -> Path:
    """Save a notebook's numbers with the id of the cell that computed them."""
    isi = {"sel": sel, "angka": json.loads(angka.to_json())}
    teks = json.dumps(isi, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return tulis_teks(jalur(out_dir) / BAGIAN_ANGKA / f"{bagian}.json", teks)


def baca_angka(out_dir: str | Path, bagian: list[str] | None = None) -> KumpulanAngka:
    """Merge the saved parts under ``out_dir`` (all, or the named ``bagian``) into one.

    A notebook that runs beside others names the parts it reads: a part still
    being written by a neighbour is then neither read nor missed by accident.
    """
    folder = jalur(out_dir) / BAGIAN_ANGKA
    if bagian is None:
        berkas = sorted(folder.glob("*.json"))
    else:
        berkas = [folder / f"{b}.json" for b in bagian]
        hilang = [p.name for p in berkas if not p.is_file()]
        if hilang:
            raise LakipError(
                f"bagian angka belum ada di {folder}: {', '.join(hilang)} "
                "(notebook yang menghitungnya belum dijalankan)"
            )
    k = KumpulanAngka()
    for p in berkas:
        isi = json.loads(p.read_text(encoding="utf-8"))
        k.gabung(KumpulanAngka.from_json(json.dumps(isi["angka"])))
    return k


def tampilkan(df: pd.DataFrame, kolom: list[str] | None = None) -> pd.DataFrame:
    """A copy of a frame fit for display in a notebook (Decimals shown as text)."""
    out = df[kolom] if kolom else df.drop(columns=[c for c in df.columns if c.startswith("_")])
    return out.map(lambda v: "" if v is None else str(v))
