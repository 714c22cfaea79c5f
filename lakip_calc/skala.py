"""An N-times copy of an office's data, for the scale benchmark and tests.

``python -m lakip_calc.skala --kali 100 --ke /tmp/x100 [--tahun 2023] [--dari data]``
writes ``/tmp/x100/<tahun>/``: the year's folder with every kegiatan (and its
sub kegiatan) present ``kali`` times. Copy ``c`` (1 .. kali-1) of kegiatan
``p.j`` gets the code ``p.(j + c*m)``, ``m`` being the largest kegiatan number
of program ``p``; its sub kegiatan keep their own number under the new code.
Every row that names a copied kegiatan or sub kegiatan (``dukungan.csv``,
``keluaran.csv``, ``anggaran_riwayat.csv``, ``angka_terbit.csv``) is copied
with the new codes, so every reference stays valid and every program and
total figure is exactly ``kali`` times the original. Nothing here is stored
data: the copy is made on demand and the source folder is only read.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from lakip_calc.paths import DATA

__all__ = ["salin_berlipat", "main"]

_Baris = dict[str, str]


def _baca(p: Path) -> tuple[list[str], list[_Baris]]:
    with p.open(encoding="utf-8-sig", newline="") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def _tulis(p: Path, kolom: list[str], baris: list[_Baris]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=kolom, lineterminator="\n")
    w.writeheader()
    w.writerows(baris)
    p.write_text(buf.getvalue(), encoding="utf-8")


def _peta_kegiatan(kegiatan: list[_Baris], c: int) -> dict[str, str]:
    """New code of every kegiatan in copy ``c`` (``{}`` for ``c == 0``)."""
    if c == 0:
        return {}
    nomor_maks: dict[str, int] = {}
    for r in kegiatan:
        akhir = r["kode"].rsplit(".", 1)[-1]
        if akhir.isdigit():
            p = r["kode_program"]
            nomor_maks[p] = max(nomor_maks.get(p, 0), int(akhir))
    peta = {}
    for r in kegiatan:
        kode, p = r["kode"], r["kode_program"]
        akhir = kode.rsplit(".", 1)[-1]
        if akhir.isdigit() and kode == f"{p}.{akhir}":
            peta[kode] = f"{p}.{int(akhir) + c * nomor_maks[p]}"
        else:  # a code that is not <program>.<n>: a suffix keeps it unique
            peta[kode] = f"{kode}_{c}"
    return peta


def _peta_kode(kegiatan: list[_Baris], sub: list[_Baris], c: int) -> dict[str, str]:
    """New code of every kegiatan and sub kegiatan in copy ``c``."""
    peta = _peta_kegiatan(kegiatan, c)
    for r in sub:
        induk = r["kode_kegiatan"]
        if induk in peta and r["kode"].startswith(induk + "."):
            peta[r["kode"]] = peta[induk] + r["kode"][len(induk) :]
    return peta


def _ganti_acuan(acuan: str, peta: dict[str, str], peta_keluaran: dict[str, str]) -> str | None:
    """The ``acuan`` key with copied codes, or None when it names no copied code."""
    bagian = acuan.split(".")
    if bagian[0] == "keluaran" and len(bagian) > 1 and bagian[1] in peta_keluaran:
        return ".".join(["keluaran", peta_keluaran[bagian[1]], *bagian[2:]])
    if bagian[0] != "anggaran":
        return None
    awal = 3 if len(bagian) > 3 and bagian[1] == "riwayat" else 1
    for akhir in range(len(bagian) - 1, awal, -1):
        kode = ".".join(bagian[awal:akhir])
        if kode in peta:
            return ".".join([*bagian[:awal], peta[kode], *bagian[akhir:]])
    return None


def _salin_baris(
    baris: list[_Baris], kali: int, ganti: Callable[[_Baris, int], _Baris | None]
) -> list[_Baris]:
    """The rows followed by each copy's changed rows (rows ``ganti`` skips are not copied)."""
    hasil = list(baris)
    for c in range(1, kali):
        hasil.extend(b for b in (ganti(r, c) for r in baris) if b is not None)
    return hasil


def salin_berlipat(tahun: int, kali: int, ke: Path, dari: Path | None = None) -> Path:
    """Write a ``kali``-times copy of ``<dari>/<tahun>`` to ``<ke>/<tahun>``; return that folder.

    ``ke/<tahun>`` must not exist yet. ``kali`` = 1 gives an exact copy.
    """
    if kali < 1:
        raise ValueError("kali harus paling sedikit 1")
    asal = (dari or DATA) / str(tahun)
    tujuan = ke / str(tahun)
    shutil.copytree(asal, tujuan)
    kol_keg, kegiatan = _baca(asal / "kegiatan.csv")
    kol_sub, sub = _baca(asal / "sub_kegiatan.csv")
    peta = [_peta_kode(kegiatan, sub, c) for c in range(kali)]
    kol_kel, keluaran = _baca(asal / "keluaran.csv")
    peta_kel = [
        {} if c == 0 else {r["kode"]: f"{r['kode']}_{c}" for r in keluaran} for c in range(kali)
    ]

    def kode_di(kolom: str) -> Callable[[_Baris, int], _Baris | None]:
        def ganti(r: _Baris, c: int) -> _Baris | None:
            return {**r, kolom: peta[c][r[kolom]]} if r[kolom] in peta[c] else None

        return ganti

    def ganti_sub(r: _Baris, c: int) -> _Baris:
        return {**r, "kode": peta[c][r["kode"]], "kode_kegiatan": peta[c][r["kode_kegiatan"]]}

    def ganti_keluaran(r: _Baris, c: int) -> _Baris | None:
        if r["kode_sub_kegiatan"] not in peta[c]:
            return None  # an output not funded by this office's budget is not copied
        return {
            **r,
            "kode": peta_kel[c][r["kode"]],
            "kode_sub_kegiatan": peta[c][r["kode_sub_kegiatan"]],
        }

    def ganti_terbit(r: _Baris, c: int) -> _Baris | None:
        acuan = _ganti_acuan(r["acuan"], peta[c], peta_kel[c])
        return None if acuan is None else {**r, "id": f"{r['id']}_{c}", "acuan": acuan}

    _tulis(tujuan / "kegiatan.csv", kol_keg, _salin_baris(kegiatan, kali, kode_di("kode")))
    _tulis(tujuan / "sub_kegiatan.csv", kol_sub, _salin_baris(sub, kali, ganti_sub))
    _tulis(tujuan / "keluaran.csv", kol_kel, _salin_baris(keluaran, kali, ganti_keluaran))
    for berkas, ganti in (
        ("dukungan.csv", kode_di("kode_anggaran")),
        ("anggaran_riwayat.csv", kode_di("kode")),
        ("angka_terbit.csv", ganti_terbit),
    ):
        kolom, baris = _baca(asal / berkas)
        _tulis(tujuan / berkas, kolom, _salin_baris(baris, kali, ganti))
    return tujuan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m lakip_calc.skala",
        description="Salinan data satu perangkat daerah N kali lipat (untuk uji skala).",
    )
    ap.add_argument("--kali", type=int, required=True, help="berapa kali lipat (>= 1)")
    ap.add_argument("--ke", type=Path, required=True, help="folder data tujuan (baru)")
    ap.add_argument("--tahun", default="2023")
    ap.add_argument("--dari", type=Path, default=None, help="folder data asal (default: data/)")
    args = ap.parse_args(argv)
    if not re.fullmatch(r"[0-9]{4}", args.tahun):
        print(f"GALAT: tahun tidak sah: {args.tahun!r}", file=sys.stderr)
        return 2
    if args.kali < 1:
        print("GALAT: --kali harus paling sedikit 1", file=sys.stderr)
        return 2
    tujuan = args.ke / args.tahun
    if tujuan.exists():
        print(f"GALAT: {tujuan} sudah ada; pilih folder tujuan yang belum ada", file=sys.stderr)
        return 2
    asal = (args.dari or DATA) / args.tahun
    if not asal.is_dir():
        print(f"GALAT: folder data {asal} tidak ada", file=sys.stderr)
        return 2
    salin_berlipat(int(args.tahun), args.kali, args.ke, args.dari)
    print(f"Salinan {args.kali}x ditulis ke {tujuan}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
