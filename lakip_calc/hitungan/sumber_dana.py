"""Pagu and realisasi per funding source (``sub_kegiatan.sumber_dana``: APBD, DAK,
APBN, BLUD, ... as the office labels them).

The labels come from the data; nothing here knows a source by name. A sub
kegiatan with a blank ``sumber_dana`` counts under "tanpa keterangan" once any
other row names a source; an office that names none gets no such numbers and
the report leaves the section out (:mod:`lakip_calc.isi.bagian`).
"""

from __future__ import annotations

import re
from decimal import Decimal

from lakip_calc.errors import DataError
from lakip_calc.hitungan.anggaran import persen_keuangan
from lakip_calc.hitungan.angka import KumpulanAngka
from lakip_calc.hitungan.hitung import _ada_kosong, _sel
from lakip_calc.masukan.loader import BARIS, DataTahun
from lakip_calc.paths import tampil

__all__ = ["TANPA_KETERANGAN", "angka_sumber_dana", "kunci_sumber", "sumber_dana"]

#: The label of sub kegiatan whose funding source is blank.
TANPA_KETERANGAN = "tanpa keterangan"
_M = "lakip_calc.hitungan.sumber_dana:angka_sumber_dana"


def kunci_sumber(label: str) -> str:
    """The key segment of a funding source: lower case, runs of other characters as ``-``.

    >>> kunci_sumber("APBD Provinsi"), kunci_sumber("DAK Fisik / Reguler")
    ('apbd-provinsi', 'dak-fisik-reguler')
    """
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "lain"


def sumber_dana(data: DataTahun) -> list[str]:
    """The funding sources of the year's sub kegiatan, in order of first appearance
    (empty when no row names one)."""
    sub = data["sub_kegiatan"]
    if not sub["sumber_dana"].notna().any():
        return []
    per_kunci: dict[str, str] = {}
    for rec in sub.to_dict("records"):
        label = rec["sumber_dana"] or TANPA_KETERANGAN
        ada = per_kunci.setdefault(kunci_sumber(label), label)
        if ada != label:
            raise DataError(
                f"sumber dana {label!r} dan {ada!r} ditulis berbeda untuk sumber yang sama; "
                "tulis dengan ejaan yang sama.",
                file=f"{tampil(data.folder)}/{data.berkas_tabel('sub_kegiatan')}",
                row=rec[BARIS],
                column="sumber_dana",
            )
    return list(per_kunci.values())


def angka_sumber_dana(data: DataTahun) -> KumpulanAngka:
    """``anggaran.sumber_dana.<sumber>.{pagu,realisasi,persen_keuangan}`` per source."""
    k = KumpulanAngka()
    sub = data["sub_kegiatan"]
    label = sub["sumber_dana"].map(lambda s: s if s else TANPA_KETERANGAN)
    for nama in sumber_dana(data):
        baris = sub[label == nama]
        base = f"anggaran.sumber_dana.{kunci_sumber(nama)}"
        kosong_p, kosong_r = _ada_kosong(baris, "pagu"), _ada_kosong(baris, "realisasi")
        pagu = None if kosong_p else sum(baris["pagu"], Decimal(0))
        real = None if kosong_r else sum(baris["realisasi"], Decimal(0))
        s_p = _sel(data, "sub_kegiatan", baris, "sumber_dana", "pagu")
        s_r = _sel(data, "sub_kegiatan", baris, "sumber_dana", "realisasi")
        n = len(baris)
        rumus_p = f"Σ pagu {n} sub kegiatan bersumber dana {nama}"
        k.tambah(f"{base}.pagu", pagu, "rupiah", rumus_p, s_p, _M, belum_diisi=kosong_p)
        rumus_r = f"Σ realisasi {n} sub kegiatan bersumber dana {nama}"
        k.tambah(f"{base}.realisasi", real, "rupiah", rumus_r, s_r, _M, belum_diisi=kosong_r)
        persen = None if kosong_p or kosong_r else persen_keuangan(real, pagu)
        rumus_k = "Σ realisasi ÷ Σ pagu sub kegiatan sumber dana ini × 100"
        k.tambah(
            f"{base}.persen_keuangan", persen, "persen", rumus_k, s_p + s_r, _M,
            belum_diisi=kosong_p or kosong_r,
        )  # fmt: skip
    return k
