"""Every number of the report, computed once from a year's data, with provenance.

Each ``angka_*`` function takes a validated :class:`~lakip_calc.masukan.loader.DataTahun`
and returns a :class:`~lakip_calc.hitungan.angka.KumpulanAngka`. They call the pure
domain modules (:mod:`lakip_calc.hitungan.anggaran`, :mod:`lakip_calc.hitungan.kinerja`) and only
add keys, display text, formulas in words and the data cells used.

Key scheme (stable across years)::

    laporan.tahun
    anggaran.<kode>.{pagu,realisasi,sisa,persen_keuangan,persen_fisik}   (kode: 1, 1.2, 1.2.1)
    anggaran.<sub kegiatan>.{bobot_total,bobot_x_fisik}   (weights of the total % fisik)
    anggaran.total.bobot_total                         (their sum, the total row's 100%)
    anggaran.total.{...}     anggaran.jumlah_{program,kegiatan,sub_kegiatan}
    anggaran.riwayat.<tahun>.<kode>.{pagu,realisasi,persen_keuangan,persen_fisik}
    kinerja.<IK>.{target,realisasi,capaian,predikat,target_rpjmd,capaian_rpjmd,selisih_tahun_lalu}
    kinerja.<IK>.riwayat.<tahun>.{target,realisasi,capaian}
    kinerja.<SS>.{rata_rata_capaian,predikat,pagu_pendukung,realisasi_pendukung,
                  serapan_anggaran,indeks_efisiensi}
    kinerja.{jumlah_sasaran,jumlah_indikator,rata_rata_capaian,rata_rata_predikat}
    predikat.<predikat>.batas_bawah
    keluaran.<K>.{target,realisasi,capaian,kenaikan,kenaikan_persen}
    keluaran.<K>.riwayat.<tahun>.{target,realisasi}
    psks.<kode>.jumlah     psks.jumlah_jenis
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from lakip_calc.hitungan.anggaran import bobot_fisik, persen_keuangan, rekap_anggaran
from lakip_calc.hitungan.angka import KumpulanAngka, Sumber, digit_perlu
from lakip_calc.hitungan.kinerja import (
    SkalaPredikat,
    hitung_capaian,
    rumus_capaian,
)
from lakip_calc.masukan.loader import BARIS, BERKAS, DataTahun

__all__ = [
    "angka_laporan",
    "angka_anggaran",
    "angka_keluaran",
    "hitung_semua",
    "skala_dari_data",
    "sub_kegiatan_di_bawah",
]

_M = "lakip_calc.hitungan.hitung"
_HUNDRED = Decimal(100)


def _runtun(baris: list[int]) -> list[tuple[int, int | None]]:
    """Sorted row numbers as runs ``(first, last)``; ``last`` is None for a single row.

    >>> _runtun([5, 2, 3, 4, 9])
    [(2, 5), (9, None)]
    """
    runs: list[tuple[int, int | None]] = []
    for r in sorted(set(baris)):
        if runs and r == (runs[-1][1] or runs[-1][0]) + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, None))
    return runs


def _sel(
    data: DataTahun, tabel: str, rows: pd.DataFrame | dict | list[dict], *kolom: str
) -> list[Sumber]:
    """The cells ``kolom`` of these rows (a frame, one record or a list of records),
    as runs of rows per file."""
    berkas = data.berkas_tabel(tabel)
    if isinstance(rows, dict):
        rows = [rows]
    if isinstance(rows, list):
        nama, baris = [r.get(BERKAS) for r in rows], [r[BARIS] for r in rows]
    else:
        nama = rows[BERKAS].tolist() if BERKAS in rows.columns else [None] * len(rows)
        baris = rows[BARIS].tolist()
    per_berkas: dict[str, list[int]] = {}
    for f, b in zip(nama, baris, strict=True):
        # A row read from an earlier year's folder names its own file (../2023/keluaran.csv).
        per_berkas.setdefault(f if isinstance(f, str) and f else berkas, []).append(int(b))
    return [
        Sumber(f, awal, k, akhir)
        for f, baris in per_berkas.items()
        for awal, akhir in _runtun(baris)
        for k in kolom
    ]


def _ada_kosong(rows: pd.DataFrame | list[dict], *kolom: str) -> bool:
    """Whether any of these cells is blank ("belum diisi")."""
    if isinstance(rows, list):
        return any(r[k] is None for k in kolom for r in rows)
    return any(v is None for k in kolom for v in rows[k])


def angka_laporan(data: DataTahun) -> KumpulanAngka:
    """The report year itself."""
    k = KumpulanAngka()
    k.tambah(
        "laporan.tahun",
        data.tahun,
        "tahun",
        f"tahun laporan: parameter YEAR, folder data/{data.tahun}",
        [],
        f"{_M}:angka_laporan",
    )
    return k


def sub_kegiatan_di_bawah(sub: pd.DataFrame, kode: str | None) -> pd.DataFrame:
    """The sub kegiatan rows under a program/kegiatan code (all rows for None)."""
    if kode is None:
        return sub
    return sub[(sub["kode"] == kode) | sub["kode"].str.startswith(kode + ".")]


def _posisi_di_bawah(sub: pd.DataFrame) -> dict[str, list[int]]:
    """Positions of the sub kegiatan rows under every code (1, 1.2, 1.2.3), in one pass."""
    posisi: dict[str, list[int]] = {}
    for i, kode in enumerate(sub["kode"].tolist()):
        bagian = str(kode).split(".")
        for n in range(1, len(bagian) + 1):
            posisi.setdefault(".".join(bagian[:n]), []).append(i)
    return posisi


def _rumus_jumlah(tingkat: str, kode: str | None, n: int) -> tuple[str, str, str]:
    """Formula texts of pagu, realisasi and % fisik of one level of the budget tree."""
    if tingkat == "sub_kegiatan":
        asal = f"sub kegiatan {kode} (data)"
        return f"pagu {asal}", f"realisasi {asal}", f"% fisik {asal}"
    lingkup = "semua sub kegiatan" if tingkat == "total" else f"{tingkat} {kode}"
    return (
        f"jumlah pagu {n} sub kegiatan ({lingkup})",
        f"jumlah realisasi {n} sub kegiatan ({lingkup})",
        f"rata-rata % fisik tertimbang pagu atas {n} sub kegiatan ({lingkup}): "
        "Σ(pagu × % fisik) ÷ Σ pagu",
    )


def _anggaran_tingkat(data: DataTahun, k: KumpulanAngka, r: dict, daun: pd.DataFrame) -> None:
    """Pagu, realisasi, sisa and both percentages of one row of the budget roll-up."""
    code = f"{_M}:_anggaran_tingkat"
    kode = r["kode"] or None
    base = f"anggaran.{kode or 'total'}"
    n = len(daun)
    f_pagu, f_real, f_fisik = _rumus_jumlah(r["tingkat"], kode, n)
    # A blank leaf (incomplete year) makes the value missing: "belum diisi".
    kosong_pagu, kosong_real = _ada_kosong(daun, "pagu"), _ada_kosong(daun, "realisasi")
    kosong_fisik = _ada_kosong(daun, "fisik") or (n > 1 and kosong_pagu)
    sel_pagu_real = _sel(data, "sub_kegiatan", daun, "pagu", "realisasi")
    k.tambah(
        f"{base}.pagu",
        r["pagu"],
        "rupiah",
        f_pagu,
        _sel(data, "sub_kegiatan", daun, "pagu"),
        code,
        belum_diisi=kosong_pagu,
    )
    k.tambah(
        f"{base}.realisasi",
        r["realisasi"],
        "rupiah",
        f_real,
        _sel(data, "sub_kegiatan", daun, "realisasi"),
        code,
        belum_diisi=kosong_real,
    )
    k.tambah(
        f"{base}.sisa",
        r["sisa"],
        "rupiah",
        "pagu − realisasi",
        sel_pagu_real,
        code,
        belum_diisi=kosong_pagu or kosong_real,
    )
    k.tambah(
        f"{base}.persen_keuangan",
        r["persen_keuangan"],
        "persen",
        "Σ realisasi ÷ Σ pagu × 100" + ("" if n == 1 else f" atas {n} sub kegiatan"),
        sel_pagu_real,
        code,
        belum_diisi=kosong_pagu or kosong_real,
    )
    k.tambah(
        f"{base}.persen_fisik",
        r["persen_fisik"],
        "persen",
        f_fisik,
        _sel(data, "sub_kegiatan", daun, "pagu", "fisik")
        if n > 1
        else _sel(data, "sub_kegiatan", daun, "fisik"),
        code,
        belum_diisi=kosong_fisik,
    )


def _bobot_fisik(
    data: DataTahun, k: KumpulanAngka, rekap: pd.DataFrame, posisi: dict[str, list[int]]
) -> None:
    """The weights behind the total % fisik (shown in the Bobot Fisik appendix)."""
    code = f"{_M}:_bobot_fisik"
    sub = data["sub_kegiatan"]
    sel_pagu_semua = _sel(data, "sub_kegiatan", sub, "pagu")
    kosong_total = _ada_kosong(sub, "pagu")
    for r in bobot_fisik(rekap, "").to_dict("records"):
        baris = sub.iloc[posisi[r["kode"]][:1]]
        bobot = r["bobot"]
        k.tambah(
            f"anggaran.{r['kode']}.bobot_total",
            bobot,
            "proporsi",
            "pagu sub kegiatan ÷ jumlah pagu semua sub kegiatan",
            sel_pagu_semua,
            code,
            belum_diisi=bobot is None and kosong_total,
        )
        k.tambah(
            f"anggaran.{r['kode']}.bobot_x_fisik",
            r["bobot_x_fisik"],
            "persen",
            "bobot (pagu ÷ jumlah pagu) × % fisik; jumlahnya = % fisik keseluruhan",
            sel_pagu_semua + _sel(data, "sub_kegiatan", baris, "fisik"),
            code,
            belum_diisi=r["bobot_x_fisik"] is None
            and (kosong_total or _ada_kosong(baris, "fisik")),
        )
    total_bobot = rekap[rekap["tingkat"] == "total"].iloc[0]["bobot"]
    k.tambah(
        "anggaran.total.bobot_total",
        total_bobot,
        "proporsi",
        "jumlah pagu ÷ jumlah pagu semua sub kegiatan (bobot seluruh sub kegiatan bersama)",
        sel_pagu_semua,
        code,
        belum_diisi=total_bobot is None and kosong_total,
    )


def _jumlah_baris(data: DataTahun, k: KumpulanAngka) -> None:
    """How many programs, kegiatan and sub kegiatan the budget has."""
    code = f"{_M}:_jumlah_baris"
    for nama in ("program", "kegiatan", "sub_kegiatan"):
        df = data[nama]
        k.tambah(
            f"anggaran.jumlah_{nama}",
            len(df),
            "buah",
            f"banyaknya baris {data.berkas_tabel(nama)}",
            _sel(data, nama, df, "kode"),
            code,
        )


def _anggaran_riwayat(data: DataTahun, k: KumpulanAngka) -> None:
    """Budget figures of earlier years (``anggaran_riwayat.csv``)."""
    code = f"{_M}:_anggaran_riwayat"
    for r in data["anggaran_riwayat"].to_dict("records"):
        base = f"anggaran.riwayat.{r['tahun']}.{r['kode']}"
        sel = _sel(data, "anggaran_riwayat", r, "pagu", "realisasi")
        k.tambah(
            f"{base}.pagu",
            r["pagu"],
            "rupiah",
            f"pagu {r['kode']} tahun {r['tahun']} (data)",
            _sel(data, "anggaran_riwayat", r, "pagu"),
            code,
        )
        k.tambah(
            f"{base}.realisasi",
            r["realisasi"],
            "rupiah",
            f"realisasi {r['kode']} tahun {r['tahun']} (data)",
            _sel(data, "anggaran_riwayat", r, "realisasi"),
            code,
        )
        k.tambah(
            f"{base}.persen_keuangan",
            persen_keuangan(r["realisasi"], r["pagu"]),
            "persen",
            "realisasi ÷ pagu × 100",
            sel,
            code,
        )
        if r["fisik"] is not None:
            k.tambah(
                f"{base}.persen_fisik",
                r["fisik"],
                "persen",
                f"% fisik {r['kode']} tahun {r['tahun']} (data)",
                _sel(data, "anggaran_riwayat", r, "fisik"),
                code,
            )


def angka_anggaran(data: DataTahun) -> KumpulanAngka:
    """Budget figures at every level, computed from the sub kegiatan rows."""
    k = KumpulanAngka()
    sub = data["sub_kegiatan"]
    rekap = rekap_anggaran(data["program"], data["kegiatan"], sub)
    posisi = _posisi_di_bawah(sub)
    for r in rekap.to_dict("records"):
        kode = r["kode"] or None
        _anggaran_tingkat(data, k, r, sub if kode is None else sub.iloc[posisi.get(kode, [])])
    _bobot_fisik(data, k, rekap, posisi)
    _jumlah_baris(data, k)
    _anggaran_riwayat(data, k)
    return k


def skala_dari_data(data: DataTahun) -> SkalaPredikat:
    """The predikat scale configured in ``skala_predikat.csv``."""
    df = data["skala_predikat"]
    return SkalaPredikat.dari_baris(zip(df["batas_bawah"], df["predikat"], strict=True))


def _keluaran_baris(data: DataTahun, k: KumpulanAngka, kode: str, r: dict) -> None:
    """Target and realisasi of one year's row of an output indicator."""
    code = f"{_M}:_keluaran_baris"
    unit = "rupiah" if r["satuan"] == "rupiah" else r["satuan"]
    base = (
        f"keluaran.{kode}" if r["tahun"] == data.tahun else f"keluaran.{kode}.riwayat.{r['tahun']}"
    )
    # A report-year row with neither target nor realisasi is still to be filled in;
    # otherwise a blank cell means the source gives no such figure (no key, "-").
    belum = r["tahun"] == data.tahun and r["target"] is None and r["realisasi"] is None
    for kol in ("target", "realisasi"):
        if r[kol] is not None:
            k.tambah(
                f"{base}.{kol}",
                r[kol],
                unit,
                f"{kol} keluaran {kode} tahun {r['tahun']} (data)",
                _sel(data, "keluaran", r, kol),
                code,
                digit=digit_perlu(r[kol]),
            )
        elif belum:
            k.tambah(
                f"{base}.{kol}",
                None,
                unit,
                f"{kol} keluaran {kode} tahun {r['tahun']} (data)",
                _sel(data, "keluaran", r, kol),
                code,
                belum_diisi=True,
            )


def _keluaran_capaian(data: DataTahun, k: KumpulanAngka, kode: str, r: dict) -> None:
    """The report year's capaian of an output indicator (target and realisasi both given)."""
    if r["target"] is None or r["realisasi"] is None:
        return
    pol = r["polaritas"] or "positif"
    c = hitung_capaian(r["target"], r["realisasi"], pol)
    k.tambah(
        f"keluaran.{kode}.capaian",
        c.nilai,
        "persen",
        rumus_capaian(pol),
        _sel(data, "keluaran", r, "target", "realisasi"),
        f"{_M}:_keluaran_capaian",
        catatan=c.catatan,
    )


def _keluaran_kenaikan(data: DataTahun, k: KumpulanAngka, kode: str, r: dict, rl: dict) -> None:
    """The rise of an output's realisasi over the year before (``rl``), absolute and in %."""
    code = f"{_M}:_keluaran_kenaikan"
    sel = _sel(data, "keluaran", r, "realisasi") + _sel(data, "keluaran", rl, "realisasi")
    naik = r["realisasi"] - rl["realisasi"]
    k.tambah(
        f"keluaran.{kode}.kenaikan",
        naik,
        r["satuan"],
        f"realisasi {data.tahun} − realisasi {data.tahun - 1}",
        sel,
        code,
        digit=digit_perlu(naik),
    )
    pn = None if rl["realisasi"] == 0 else naik / rl["realisasi"] * _HUNDRED
    k.tambah(
        f"keluaran.{kode}.kenaikan_persen",
        pn,
        "persen",
        f"(realisasi {data.tahun} − realisasi {data.tahun - 1}) ÷ realisasi {data.tahun - 1} × 100",
        sel,
        code,
    )


def _psks(data: DataTahun, k: KumpulanAngka) -> None:
    """PSKS counts per kind and the number of kinds."""
    code = f"{_M}:_psks"
    psks = data["psks"]
    for r in psks.to_dict("records"):
        k.tambah(
            f"psks.{r['kode']}.jumlah",
            r["jumlah"],
            r["satuan"],
            f"jumlah {r['nama']} (data)",
            _sel(data, "psks", r, "jumlah"),
            code,
            belum_diisi=r["jumlah"] is None,
        )
    k.tambah(
        "psks.jumlah_jenis",
        len(psks),
        "jenis",
        "banyaknya jenis PSKS (baris psks.csv)",
        _sel(data, "psks", psks, "kode"),
        code,
    )


def angka_keluaran(data: DataTahun) -> KumpulanAngka:
    """Output indicators of sub kegiatan and PSKS counts."""
    k = KumpulanAngka()
    kel = data["keluaran"]
    for kode, grup in kel.groupby("kode", sort=True):
        grup = grup.sort_values("tahun")
        for r in grup.to_dict("records"):
            _keluaran_baris(data, k, kode, r)
        ini = grup[grup["tahun"] == data.tahun]
        lalu = grup[grup["tahun"] == data.tahun - 1]
        if not len(ini):
            continue
        r = ini.iloc[0].to_dict()
        _keluaran_capaian(data, k, kode, r)
        if len(lalu) and r["realisasi"] is not None and lalu.iloc[0]["realisasi"] is not None:
            _keluaran_kenaikan(data, k, kode, r, lalu.iloc[0].to_dict())
    _psks(data, k)
    return k


def hitung_semua(data: DataTahun) -> KumpulanAngka:
    """All numbers of the report (used by tests and the reconciliation)."""
    from lakip_calc.hitungan.hitung_kinerja import angka_kinerja  # they build on this module
    from lakip_calc.hitungan.sumber_dana import angka_sumber_dana

    k = KumpulanAngka()
    for f in (angka_laporan, angka_anggaran, angka_sumber_dana, angka_kinerja, angka_keluaran):
        k.gabung(f(data))
    return k
