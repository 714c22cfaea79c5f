"""Performance numbers: capaian and predikat per indicator and sasaran, history,
Renstra/RPJMD target, supporting budget and efficiency.

An indicator is numeric (polaritas ``positif`` or ``negatif``) or categorical
(``kategori``: grades of an ordered scale such as the SAKIP grades). A numeric
capaian is a percentage (:func:`lakip_calc.hitungan.kinerja.hitung_capaian`); a
categorical one reads "tercapai" or "tidak tercapai" with the steps above or
below the target (:func:`lakip_calc.hitungan.kinerja.hitung_capaian_kategori`). Means
and predikat of sasaran and of the office take the numeric indicators only.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal

from lakip_calc.hitungan.anggaran import persen_keuangan
from lakip_calc.hitungan.angka import KumpulanAngka, Sumber, digit_perlu
from lakip_calc.hitungan.hitung import (
    _ada_kosong,
    _posisi_di_bawah,
    _sel,
    skala_dari_data,
)
from lakip_calc.hitungan.kinerja import (
    RUMUS_KATEGORI,
    SkalaPredikat,
    hitung_capaian,
    hitung_capaian_kategori,
    rata_rata,
    rumus_capaian,
    tentukan_predikat,
)
from lakip_calc.masukan.loader import DataTahun, skala_indikator

__all__ = ["angka_kinerja"]


def _kode(naik: int = 1) -> str:
    """``lakip_calc.hitungan.hitung_kinerja:<function>`` of the function that registers a number
    (``naik=2`` from a helper: its caller); :func:`lakip_calc.hitungan.angka.letak_kode` adds the
    line of the call, where the formula text stands."""
    return f"{__name__}:{sys._getframe(naik).f_code.co_name}"


@dataclass(frozen=True)
class _Capaian:
    """A numeric indicator's capaian as the means need it."""

    nilai: Decimal | None
    sel: list[Sumber]
    kosong: bool


@dataclass(frozen=True)
class _Konteks:
    data: DataTahun
    k: KumpulanAngka
    skala: SkalaPredikat
    skala_sel: list[Sumber]


@dataclass(frozen=True)
class _Indikator:
    kode: str
    unit: str
    polaritas: str
    urutan: tuple[str, ...] | None  # the scale of a categorical indicator
    sel_pol: list[Sumber]

    @property
    def rumus(self) -> str:
        return RUMUS_KATEGORI if self.urutan else rumus_capaian(self.polaritas)


def _unit_indikator(satuan: str) -> str:
    return "persen" if satuan.strip().lower() in ("persen", "%") else "nilai"


def _nilai(
    kx: _Konteks, ind: _Indikator, key: str, v, sel: list[Sumber], rumus: str, kini: bool = True
) -> None:
    """A target or realisasi as data: a number, a grade, or blank."""
    unit = "kategori" if ind.urutan else ind.unit
    if v is None:
        # Report year: a cell still to be filled; earlier years: not recorded.
        if kini:
            kx.k.tambah(key, None, unit, rumus, sel, _kode(2), belum_diisi=True)
        else:
            kx.k.tambah(key, None, unit, rumus, sel, _kode(2), catatan="tidak tersedia")
        return
    digit = None if isinstance(v, str) else digit_perlu(v)
    kx.k.tambah(key, v, unit, rumus, sel, _kode(2), digit=digit)


def _capaian(
    kx: _Konteks, ind: _Indikator, key: str, target, realisasi, sel, rumus: str = "", **kw
) -> Decimal | None:
    """Register a capaian (numeric or categorical); return the numeric value."""
    if ind.urutan:
        c = hitung_capaian_kategori(target, realisasi, ind.urutan)
        teks = None if c is None else c.teks
        kx.k.tambah(key, teks, "teks", rumus or ind.rumus, sel, _kode(2), **kw)
        return None
    c = hitung_capaian(target, realisasi, ind.polaritas)
    kw.setdefault("catatan", c.catatan)
    kx.k.tambah(key, c.nilai, "persen", rumus or ind.rumus, sel, _kode(2), **kw)
    return c.nilai


def _tahun_ini(kx: _Konteks, ind: _Indikator, r: dict) -> _Capaian | None:
    """Target, realisasi, capaian and predikat of the report year."""
    data, ik = kx.data, ind.kode
    s_t = _sel(data, "indikator_tahunan", r, "target")
    s_r = _sel(data, "indikator_tahunan", r, "realisasi")
    _nilai(
        kx, ind, f"kinerja.{ik}.target", r["target"], s_t, f"target {ik} tahun {data.tahun} (data)"
    )
    _nilai(
        kx,
        ind,
        f"kinerja.{ik}.realisasi",
        r["realisasi"],
        s_r,
        f"realisasi {ik} tahun {data.tahun} (data)",
    )
    kosong = r["target"] is None or r["realisasi"] is None
    catatan = {}
    if kosong:
        belum = " dan ".join(x for x in ("target", "realisasi") if r[x] is None)
        catatan = {"catatan": f"{ik}: {belum} belum diisi, capaian belum dapat dihitung."}
    sel = s_t + s_r + ind.sel_pol
    nilai = _capaian(
        kx,
        ind,
        f"kinerja.{ik}.capaian",
        r["target"],
        r["realisasi"],
        sel,
        belum_diisi=kosong,
        **catatan,
    )
    if ind.urutan:
        kx.k.tambah(
            f"kinerja.{ik}.predikat",
            None,
            "predikat",
            "indikator kategori tidak diberi predikat skala capaian",
            sel,
            _kode(),
            catatan="indikator kategori: tercapai atau tidak tercapai, tanpa predikat",
        )
        return None
    kx.k.tambah(
        f"kinerja.{ik}.predikat",
        tentukan_predikat(nilai, kx.skala),
        "predikat",
        "predikat dari capaian dibulatkan 2 desimal menurut skala predikat",
        sel + kx.skala_sel,
        _kode(),
        belum_diisi=kosong,
    )
    return _Capaian(nilai, sel, kosong)


def _rpjmd(kx: _Konteks, ind: _Indikator, rec: dict, r: dict) -> None:
    """The Renstra/RPJMD end target and the report year's capaian against it."""
    if rec["target_rpjmd"] is None:
        return
    data, ik = kx.data, ind.kode
    s_rp = _sel(data, "indikator", rec, "target_rpjmd")
    s_r = _sel(data, "indikator_tahunan", r, "realisasi")
    label = rec["label_target_rpjmd"] or "target RPJMD"
    _nilai(kx, ind, f"kinerja.{ik}.target_rpjmd", rec["target_rpjmd"], s_rp, f"{label} {ik} (data)")
    _capaian(
        kx,
        ind,
        f"kinerja.{ik}.capaian_rpjmd",
        rec["target_rpjmd"],
        r["realisasi"],
        s_rp + s_r + ind.sel_pol,
        rumus=ind.rumus.replace("target", "target RPJMD"),
        belum_diisi=r["realisasi"] is None,
    )


def _selisih_tahun_lalu(kx: _Konteks, ind: _Indikator, r: dict, lalu: dict | None) -> None:
    """Change of a numeric realisasi since the year before."""
    if ind.urutan or lalu is None or lalu["realisasi"] is None:
        return
    data = kx.data
    unit = "poin persen" if ind.unit == "persen" else ind.unit
    selisih = None if r["realisasi"] is None else r["realisasi"] - lalu["realisasi"]
    sel = _sel(data, "indikator_tahunan", r, "realisasi") + _sel(
        data, "indikator_tahunan", lalu, "realisasi"
    )
    rumus = f"realisasi {data.tahun} − realisasi {data.tahun - 1}"
    key = f"kinerja.{ind.kode}.selisih_tahun_lalu"
    if selisih is None:
        kx.k.tambah(key, None, unit, rumus, sel, _kode(), belum_diisi=True)
    else:
        kx.k.tambah(key, selisih, unit, rumus, sel, _kode(), digit=digit_perlu(selisih))


def _riwayat(kx: _Konteks, ind: _Indikator, r: dict) -> None:
    """An earlier year's target, realisasi and capaian."""
    data, ik = kx.data, ind.kode
    base = f"kinerja.{ik}.riwayat.{r['tahun']}"
    s_t = _sel(data, "indikator_tahunan", r, "target")
    s_r = _sel(data, "indikator_tahunan", r, "realisasi")
    _nilai(
        kx, ind, f"{base}.target", r["target"], s_t, f"target {ik} tahun {r['tahun']} (data)", False
    )
    _nilai(
        kx,
        ind,
        f"{base}.realisasi",
        r["realisasi"],
        s_r,
        f"realisasi {ik} tahun {r['tahun']} (data)",
        False,
    )
    _capaian(kx, ind, f"{base}.capaian", r["target"], r["realisasi"], s_t + s_r + ind.sel_pol)


def _indikator(kx: _Konteks, rec: dict, skala_kategori: dict) -> _Capaian | None:
    """Every number of one indicator; its report-year capaian when numeric."""
    data = kx.data
    ind = _Indikator(
        kode=rec["kode"],
        unit=_unit_indikator(rec["satuan"]),
        polaritas=rec["polaritas"],
        urutan=skala_kategori[rec["skala"]] if rec["polaritas"] == "kategori" else None,
        sel_pol=_sel(data, "indikator", rec, "polaritas", *(["skala"] if rec["skala"] else [])),
    )
    tahunan = data["indikator_tahunan"]
    baris = tahunan[tahunan["kode_indikator"] == ind.kode].sort_values("tahun")
    per_tahun = {int(r["tahun"]): r for r in baris.to_dict("records")}
    capaian = None
    if data.tahun in per_tahun:
        r = per_tahun[data.tahun]
        capaian = _tahun_ini(kx, ind, r)
        _rpjmd(kx, ind, rec, r)
        _selisih_tahun_lalu(kx, ind, r, per_tahun.get(data.tahun - 1))
    for tahun, r in per_tahun.items():
        if tahun != data.tahun:
            _riwayat(kx, ind, r)
    return capaian


def _rata_rata(
    kx: _Konteks, prefix: str, isi: list[_Capaian], rumus: str, rumus_predikat: str
) -> Decimal | None:
    """Mean capaian of numeric indicators and its predikat (``<prefix>.rata_rata_capaian``)."""
    sel = [s for c in isi for s in c.sel]
    kosong = any(c.kosong for c in isi)
    rata = None if kosong else rata_rata(c.nilai for c in isi)
    kx.k.tambah(
        f"{prefix}.rata_rata_capaian", rata, "persen", rumus, sel, _kode(), belum_diisi=kosong
    )
    kunci_predikat = f"{prefix}.predikat" if prefix != "kinerja" else "kinerja.rata_rata_predikat"
    kx.k.tambah(
        kunci_predikat,
        tentukan_predikat(rata, kx.skala),
        "predikat",
        rumus_predikat,
        sel + kx.skala_sel,
        _kode(),
        belum_diisi=kosong,
    )
    return rata


def _pendukung(kx: _Konteks, ss: str, rata: Decimal | None, isi: list[_Capaian]) -> None:
    """Budget of the sub kegiatan supporting a sasaran, its absorption and efficiency."""
    data = kx.data
    sub, dukungan = data["sub_kegiatan"], data["dukungan"]
    links = dukungan[dukungan["kode_sasaran"] == ss]
    if not len(links):
        return
    # Positions under each code from one pass over the codes: no scan of every
    # sub kegiatan per link (that grew with links x sub kegiatan).
    posisi = _posisi_di_bawah(sub)
    pilih: set[int] = set()
    for kode in links["kode_anggaran"]:
        pilih.update(posisi.get(kode, []))
    daun = sub.iloc[sorted(pilih)]
    s_link = _sel(data, "dukungan", links, "kode_sasaran", "kode_anggaran")
    kosong_p, kosong_r = _ada_kosong(daun, "pagu"), _ada_kosong(daun, "realisasi")
    pagu = None if kosong_p else sum(daun["pagu"], Decimal(0))
    real = None if kosong_r else sum(daun["realisasi"], Decimal(0))
    serapan = None if kosong_p or kosong_r else persen_keuangan(real, pagu)
    s_pagu, s_real = (
        _sel(data, "sub_kegiatan", daun, "pagu"),
        _sel(data, "sub_kegiatan", daun, "realisasi"),
    )
    n = len(daun)
    for key, nilai, unit, rumus, sel, kosong in (
        ("pagu_pendukung", pagu, "rupiah",
         f"jumlah pagu {n} sub kegiatan pendukung sasaran {ss} (dukungan.csv)",
         s_link + s_pagu, kosong_p),
        ("realisasi_pendukung", real, "rupiah",
         f"jumlah realisasi {n} sub kegiatan pendukung sasaran {ss}",
         s_link + s_real, kosong_r),
        ("serapan_anggaran", serapan, "persen",
         "Σ realisasi ÷ Σ pagu sub kegiatan pendukung × 100",
         s_link + s_pagu + s_real, kosong_p or kosong_r),
    ):  # fmt: skip
        kx.k.tambah(f"kinerja.{ss}.{key}", nilai, unit, rumus, sel, _kode(), belum_diisi=kosong)
    efisiensi = None if rata is None or not serapan else rata / serapan
    kx.k.tambah(
        f"kinerja.{ss}.indeks_efisiensi",
        efisiensi,
        "nilai",
        "rata-rata capaian sasaran ÷ serapan anggaran pendukung "
        "(di atas 1: capaian lebih tinggi daripada serapan)",
        [s for c in isi for s in c.sel] + s_link + s_pagu + s_real,
        _kode(),
        digit=2,
        belum_diisi=any(c.kosong for c in isi) or kosong_p or kosong_r,
    )


def _skala_predikat(data: DataTahun, k: KumpulanAngka) -> list[Sumber]:
    """The configured predikat bounds; returns the scale's cells."""
    sk = data["skala_predikat"]
    for r in sk.to_dict("records"):
        k.tambah(
            f"predikat.{r['predikat']}.batas_bawah",
            r["batas_bawah"],
            "persen",
            "batas bawah (inklusif) capaian untuk predikat ini (konfigurasi)",
            _sel(data, "skala_predikat", r, "batas_bawah"),
            _kode(),
            digit=digit_perlu(r["batas_bawah"]),
        )
    return _sel(data, "skala_predikat", sk, "batas_bawah", "predikat")


def _jumlah(kx: _Konteks) -> None:
    """How many sasaran and indicators (all, and the categorical ones)."""
    data = kx.data
    ind = data["indikator"]
    kategori = ind["polaritas"] == "kategori"
    for key, tabel, df, teks in (
        ("jumlah_sasaran", "sasaran", data["sasaran"], "banyaknya sasaran strategis"),
        ("jumlah_indikator", "indikator", ind, "banyaknya indikator kinerja"),
        ("jumlah_indikator_kategori", "indikator", ind[kategori], "banyaknya indikator kategori"),
        (
            "jumlah_indikator_dirata",
            "indikator",
            ind[~kategori],
            "banyaknya indikator numerik (yang capaiannya dirata-rata)",
        ),
    ):
        kx.k.tambah(f"kinerja.{key}", len(df), "buah", teks, _sel(data, tabel, df, "kode"), _kode())


def angka_kinerja(data: DataTahun) -> KumpulanAngka:
    """Capaian and predikat per indicator and sasaran, history, RPJMD and efficiency."""
    k = KumpulanAngka()
    kx = _Konteks(data, k, skala_dari_data(data), _skala_predikat(data, k))
    skala_kategori = skala_indikator(data.tabel)
    per_sasaran: dict[str, list[_Capaian]] = {}
    for rec in data["indikator"].to_dict("records"):
        c = _indikator(kx, rec, skala_kategori)
        if c is not None:
            per_sasaran.setdefault(rec["kode_sasaran"], []).append(c)
    for sas in data["sasaran"].to_dict("records"):
        ss = sas["kode"]
        isi = per_sasaran.get(ss, [])
        rata = _rata_rata(
            kx,
            f"kinerja.{ss}",
            isi,
            f"rata-rata capaian {len(isi)} indikator numerik sasaran {ss}",
            "predikat dari rata-rata capaian sasaran menurut skala predikat",
        )
        _pendukung(kx, ss, rata, isi)
    semua = [c for isi in per_sasaran.values() for c in isi]
    _jumlah(kx)
    _rata_rata(
        kx,
        "kinerja",
        semua,
        f"rata-rata capaian {len(semua)} indikator numerik (indikator kategori tidak dirata-rata)",
        "predikat dari rata-rata capaian semua indikator numerik",
    )
    return k
