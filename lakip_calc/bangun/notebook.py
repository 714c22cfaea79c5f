"""Small helpers that the notebooks call (loading, saving their results).

Notebooks orchestrate and show; these helpers keep them short. Everything a
notebook writes goes under its ``out_dir`` (the build's staging folder).

The notebooks also run under stock papermill, as an auditor runs them::

    papermill notebooks/01_anggaran.ipynb out.ipynb -p tahun 2023 -p data_dir data -p out_dir /tmp/x

so relative paths resolve against the working folder (the pipeline runs its
kernels in the project root), an undeclared parameter is an error
(:func:`cek_parameter`), a notebook whose inputs are not yet under
``out_dir`` stops naming the notebooks to run first (:func:`baca_angka`,
:func:`baca_rekonsiliasi`), and what a load read is an ordinary display output
(:func:`tampilkan_dibaca`), which stock papermill keeps like any other.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pandas as pd

from lakip_calc.bangun.berkas import tulis_atomik
from lakip_calc.errors import LakipError
from lakip_calc.hitungan.angka import KumpulanAngka
from lakip_calc.masukan.dibaca import MIME as MIME_DIBACA
from lakip_calc.masukan.loader import DataTahun, muat_tahun
from lakip_calc.paths import cek_tahun

__all__ = [
    "jalur",
    "muat",
    "tampilkan_dibaca",
    "cek_parameter",
    "simpan_angka",
    "baca_angka",
    "baca_rekonsiliasi",
    "tulis_teks",
    "tampilkan",
    "BAGIAN_ANGKA",
    "PARAMETER",
    "PEMBUAT",
]

#: Folder (under out_dir) holding each notebook's numbers before they are merged.
BAGIAN_ANGKA = "bagian"
#: The parameters every notebook declares in its cell tagged ``parameters``.
PARAMETER = ("tahun", "data_dir", "out_dir")
#: The notebook that writes each part of the numbers (and the reconciliation).
PEMBUAT = {
    "anggaran": "01_anggaran.ipynb",
    "kinerja": "02_kinerja.ipynb",
    "keluaran": "03_keluaran.ipynb",
    "rekonsiliasi": "04_rekonsiliasi.ipynb",
    "reconciliation.csv": "04_rekonsiliasi.ipynb",
}


def jalur(p: str | Path) -> Path:
    """A path as given: relative paths resolve against the working folder."""
    return Path(p).absolute()


def cek_parameter(nama: tuple[str, ...] = PARAMETER) -> None:
    """Raise LakipError when papermill injected a parameter the notebook does not declare.

    Stock papermill only warns about an unknown parameter and defines it anyway;
    a notebook calls this first, before its own imports define names. Names that
    papermill could have injected are the visible (``%who``) names bound to a
    plain value; modules, functions and classes come from imports.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    tersembunyi = shell.user_ns_hidden
    asing = sorted(
        k
        for k, v in shell.user_ns.items()
        if not k.startswith("_")
        and k not in tersembunyi
        and k not in nama
        and not (callable(v) or inspect.ismodule(v))
    )
    if asing:
        raise LakipError(
            f"parameter tidak dikenal: {', '.join(asing)}. "
            f"Notebook ini hanya menerima {', '.join(nama)}."
        )


def _belum_ada(folder: Path, hilang: list[str]) -> LakipError:
    """The error for parts missing under ``out_dir``, naming the notebooks that write them.

    ``hilang``: part names (``anggaran``) or file names (``reconciliation.csv``).
    """
    dulu = sorted({PEMBUAT.get(h, "?") for h in hilang} - {"?"})
    berkas = [h if "." in h else f"{h}.json" for h in hilang]
    return LakipError(
        f"hasil notebook sebelumnya belum ada di {folder}: {', '.join(berkas)}. "
        f"Jalankan dulu {', '.join(dulu)} dengan tahun, data_dir dan out_dir yang sama "
        "(urutan: 01_anggaran, 02_kinerja, 03_keluaran, 04_rekonsiliasi, 05_grafik, 06_tabel)."
    )


def muat(tahun: int | str, data_dir: str | Path, tabel: list[str] | None = None) -> DataTahun:
    """Load (a subset of) a validated year for a notebook, and show what was read.

    A subset of tables (``tabel``) loads no ``teks/``: the notebooks that compute
    numbers need none, so that an edit of the prose reruns only the notebooks
    that load everything. What the loader touched (``DataTahun.dibaca``) becomes
    an output of the calling cell (:func:`tampilkan_dibaca`): the build keys the
    notebook's next run on it, whatever the table list here says.
    """
    data = muat_tahun(cek_tahun(tahun), jalur(data_dir), tabel, teks=tabel is None)
    tampilkan_dibaca(data)
    return data


def tampilkan_dibaca(data: DataTahun) -> None:
    """Show ``data.dibaca`` as an output of the running cell (nothing outside a kernel).

    The output is ordinary display data: the record under the MIME type
    :data:`~lakip_calc.masukan.dibaca.MIME` (JSON, for the build) and a plain
    text list (what notebook viewers and stock papermill show).
    """
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is None:
        return
    teks = (
        f"Data yang dibaca notebook ini (relatif terhadap folder data {data.tahun}); "
        "pembangunan berikutnya menjalankannya lagi bila salah satunya berubah:\n"
        + "\n".join(f"  {b}: {_ringkas(v)}" for b, v in data.dibaca.items())
    )
    display({MIME_DIBACA: {"dibaca": data.dibaca}, "text/plain": teks}, raw=True)


def _ringkas(sidik: str) -> str:
    """A fingerprint as the plain text shows it (a SHA-256 cut to 12 digits)."""
    if sidik.startswith("daftar "):
        return "daftar " + sidik[7:19]
    return sidik[:12] if len(sidik) == 64 else sidik


def tulis_teks(path: Path, isi: str) -> Path:
    """Write text atomically (temp file + rename)."""
    return tulis_atomik(path, isi.encode("utf-8"))


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
        hilang = [b for b, p in zip(bagian, berkas, strict=True) if not p.is_file()]
        if hilang:
            raise _belum_ada(folder, hilang)
    k = KumpulanAngka()
    for p in berkas:
        isi = json.loads(p.read_text(encoding="utf-8"))
        k.gabung(KumpulanAngka.from_json(json.dumps(isi["angka"])))
    return k


def baca_rekonsiliasi(out_dir: str | Path) -> pd.DataFrame:
    """The reconciliation written by ``04_rekonsiliasi`` under ``out_dir``, as text."""
    path = jalur(out_dir) / "reconciliation.csv"
    if not path.is_file():
        raise _belum_ada(path.parent, ["reconciliation.csv"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def tampilkan(df: pd.DataFrame, kolom: list[str] | None = None) -> pd.DataFrame:
    """A copy of a frame fit for display in a notebook (Decimals shown as text)."""
    out = df[kolom] if kolom else df.drop(columns=[c for c in df.columns if c.startswith("_")])
    return out.map(lambda v: "" if v is None else str(v))
