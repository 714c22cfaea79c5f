"""Every number of the report, computed once from a year's data, with provenance.

Each ``angka_*`` function takes a validated :class:`~lakip_calc.loader.DataTahun`
and returns a :class:`~lakip_calc.angka.KumpulanAngka`. They call the pure
domain modules (:mod:`lakip_calc.anggaran`, :mod:`lakip_calc.kinerja`) and only
add keys, display text, formulas in words and the data cells used.

Key scheme (stable across years)::

    laporan.tahun
    anggaran.<kode>.{pagu,realisasi,sisa,persen_keuangan,persen_fisik}   (kode: 1, 1.2, 1.2.1)
    anggaran.<sub kegiatan>.{bobot_total,bobot_x_fisik}   (weights of the total % fisik)
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

from lakip_calc.anggaran import bobot_fisik, persen_keuangan, rekap_anggaran
from lakip_calc.angka import KumpulanAngka, Sumber, digit_perlu
from lakip_calc.kinerja import SkalaPredikat, hitung_capaian, rata_rata, tentukan_predikat
from lakip_calc.loader import BARIS, BERKAS, DataTahun

__all__ = [
    "angka_laporan",
    "angka_anggaran",
    "angka_kinerja",
    "angka_keluaran",
    "hitung_semua",
    "skala_dari_data",
    "sub_kegiatan_di_bawah",
]

_M = "lakip_calc.hitung"
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


def angka_anggaran(data: DataTahun) -> KumpulanAngka:
    """Budget figures at every level, computed from the sub kegiatan rows."""
    code = f"{_M}:angka_anggaran"
    k = KumpulanAngka()
    sub = data["sub_kegiatan"]
    rekap = rekap_anggaran(data["program"], data["kegiatan"], sub)
    posisi = _posisi_di_bawah(sub)
    # Plain records: a node's leaves are picked by position, not by a frame lookup per node.
    rekaman = sub.to_dict("records")
    for r in rekap.to_dict("records"):
        tingkat = r["tingkat"]
        kode = r["kode"] or None
        base = f"anggaran.{kode or 'total'}"
        daun = rekaman if kode is None else [rekaman[i] for i in posisi.get(kode, [])]
        n = len(daun)
        if tingkat == "sub_kegiatan":
            asal = f"sub kegiatan {kode} (data)"
            f_pagu, f_real = f"pagu {asal}", f"realisasi {asal}"
            f_fisik = f"% fisik {asal}"
        else:
            lingkup = "semua sub kegiatan" if tingkat == "total" else f"{tingkat} {kode}"
            f_pagu = f"jumlah pagu {n} sub kegiatan ({lingkup})"
            f_real = f"jumlah realisasi {n} sub kegiatan ({lingkup})"
            f_fisik = (
                f"rata-rata % fisik tertimbang pagu atas {n} sub kegiatan ({lingkup}): "
                "Σ(pagu × % fisik) ÷ Σ pagu"
            )
        # A blank leaf (incomplete year) makes the value missing: "belum diisi".
        kosong_pagu, kosong_real = _ada_kosong(daun, "pagu"), _ada_kosong(daun, "realisasi")
        kosong_fisik = _ada_kosong(daun, "fisik") or (n > 1 and kosong_pagu)
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
            _sel(data, "sub_kegiatan", daun, "pagu", "realisasi"),
            code,
            belum_diisi=kosong_pagu or kosong_real,
        )
        k.tambah(
            f"{base}.persen_keuangan",
            r["persen_keuangan"],
            "persen",
            "Σ realisasi ÷ Σ pagu × 100" + ("" if n == 1 else f" atas {n} sub kegiatan"),
            _sel(data, "sub_kegiatan", daun, "pagu", "realisasi"),
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
    # The weights behind the total % fisik (shown in the Bobot Fisik appendix).
    sel_pagu_semua = _sel(data, "sub_kegiatan", sub, "pagu")
    kosong_total = _ada_kosong(sub, "pagu")
    for r in bobot_fisik(rekap, "").to_dict("records"):
        baris = [rekaman[posisi[r["kode"]][0]]]
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
    return k


def skala_dari_data(data: DataTahun) -> SkalaPredikat:
    """The predikat scale configured in ``skala_predikat.csv``."""
    df = data["skala_predikat"]
    return SkalaPredikat.dari_baris(zip(df["batas_bawah"], df["predikat"], strict=True))


def _unit_indikator(satuan: str) -> str:
    return "persen" if satuan.strip().lower() in ("persen", "%") else "nilai"


def angka_kinerja(data: DataTahun) -> KumpulanAngka:
    """Capaian and predikat per indicator and sasaran, history, RPJMD and efficiency."""
    code = f"{_M}:angka_kinerja"
    k = KumpulanAngka()
    skala = skala_dari_data(data)
    sk = data["skala_predikat"]
    for r in sk.to_dict("records"):
        k.tambah(
            f"predikat.{r['predikat']}.batas_bawah",
            r["batas_bawah"],
            "persen",
            "batas bawah (inklusif) capaian untuk predikat ini (konfigurasi)",
            _sel(data, "skala_predikat", r, "batas_bawah"),
            code,
            digit=digit_perlu(r["batas_bawah"]),
        )
    skala_sel = _sel(data, "skala_predikat", sk, "batas_bawah", "predikat")
    tahunan = data["indikator_tahunan"]
    # (capaian, cells, belum diisi): a capaian missing because a cell is blank makes
    # the means that need it missing too (not a mean of the others).
    capaian_sasaran: dict[str, list[tuple[Decimal | None, list[Sumber], bool]]] = {}
    semua_capaian: list[tuple[Decimal | None, list[Sumber], bool]] = []
    for ind in data["indikator"].to_dict("records"):
        ik, unit, pol = ind["kode"], _unit_indikator(ind["satuan"]), ind["polaritas"]
        rumus_cap = (
            "realisasi ÷ target × 100"
            if pol == "positif"
            else "(2 × target − realisasi) ÷ target × 100, paling kecil 0 (polaritas negatif)"
        )
        baris = tahunan[tahunan["kode_indikator"] == ik].sort_values("tahun")
        sel_pol = _sel(data, "indikator", ind, "polaritas")

        def nilai(key, v, sel, rumus, _unit=unit, _kini=True):
            if v is None:
                # Report year: a cell still to be filled; earlier years: not recorded.
                if _kini:
                    return k.tambah(key, None, _unit, rumus, sel, code, belum_diisi=True)
                return k.tambah(key, None, _unit, rumus, sel, code, catatan="tidak tersedia")
            return k.tambah(key, v, _unit, rumus, sel, code, digit=digit_perlu(v))

        ini = baris[baris["tahun"] == data.tahun]
        if len(ini):
            r = ini.iloc[0].to_dict()
            s_t = _sel(data, "indikator_tahunan", r, "target")
            s_r = _sel(data, "indikator_tahunan", r, "realisasi")
            nilai(
                f"kinerja.{ik}.target", r["target"], s_t, f"target {ik} tahun {data.tahun} (data)"
            )
            nilai(
                f"kinerja.{ik}.realisasi",
                r["realisasi"],
                s_r,
                f"realisasi {ik} tahun {data.tahun} (data)",
            )
            c = hitung_capaian(r["target"], r["realisasi"], pol)
            kosong = r["target"] is None or r["realisasi"] is None
            catatan = c.catatan
            if kosong:
                belum = " dan ".join(x for x in ("target", "realisasi") if r[x] is None)
                catatan = f"{ik}: {belum} belum diisi, capaian belum dapat dihitung."
            k.tambah(
                f"kinerja.{ik}.capaian",
                c.nilai,
                "persen",
                rumus_cap,
                s_t + s_r + sel_pol,
                code,
                catatan=catatan,
                belum_diisi=kosong,
            )
            k.tambah(
                f"kinerja.{ik}.predikat",
                tentukan_predikat(c.nilai, skala),
                "predikat",
                "predikat dari capaian dibulatkan 2 desimal menurut skala predikat",
                s_t + s_r + sel_pol + skala_sel,
                code,
                belum_diisi=kosong,
            )
            sel_cap = s_t + s_r + sel_pol
            capaian_sasaran.setdefault(ind["kode_sasaran"], []).append((c.nilai, sel_cap, kosong))
            semua_capaian.append((c.nilai, s_t + s_r + sel_pol, kosong))
            if ind["target_rpjmd"] is not None:
                s_rp = _sel(data, "indikator", ind, "target_rpjmd")
                nilai(
                    f"kinerja.{ik}.target_rpjmd",
                    ind["target_rpjmd"],
                    s_rp,
                    f"{ind['label_target_rpjmd'] or 'target RPJMD'} {ik} (data)",
                )
                c2 = hitung_capaian(ind["target_rpjmd"], r["realisasi"], pol)
                k.tambah(
                    f"kinerja.{ik}.capaian_rpjmd",
                    c2.nilai,
                    "persen",
                    rumus_cap.replace("target", "target RPJMD"),
                    s_rp + s_r + sel_pol,
                    code,
                    catatan=c2.catatan,
                    belum_diisi=r["realisasi"] is None,
                )
            lalu = baris[baris["tahun"] == data.tahun - 1]
            if len(lalu) and lalu.iloc[0]["realisasi"] is not None:
                rl = lalu.iloc[0].to_dict()
                nilai(
                    f"kinerja.{ik}.selisih_tahun_lalu",
                    None if r["realisasi"] is None else r["realisasi"] - rl["realisasi"],
                    s_r + _sel(data, "indikator_tahunan", rl, "realisasi"),
                    f"realisasi {data.tahun} − realisasi {data.tahun - 1}",
                    _unit="poin persen" if unit == "persen" else unit,
                )
        for r in baris[baris["tahun"] != data.tahun].to_dict("records"):
            base = f"kinerja.{ik}.riwayat.{r['tahun']}"
            s_t = _sel(data, "indikator_tahunan", r, "target")
            s_r = _sel(data, "indikator_tahunan", r, "realisasi")
            nilai(
                f"{base}.target",
                r["target"],
                s_t,
                f"target {ik} tahun {r['tahun']} (data)",
                _kini=False,
            )
            nilai(
                f"{base}.realisasi",
                r["realisasi"],
                s_r,
                f"realisasi {ik} tahun {r['tahun']} (data)",
                _kini=False,
            )
            c = hitung_capaian(r["target"], r["realisasi"], pol)
            k.tambah(
                f"{base}.capaian",
                c.nilai,
                "persen",
                rumus_cap,
                s_t + s_r + sel_pol,
                code,
                catatan=c.catatan,
            )

    sub = data["sub_kegiatan"]
    posisi = _posisi_di_bawah(sub)
    dukungan = data["dukungan"]
    for sas in data["sasaran"].to_dict("records"):
        ss = sas["kode"]
        isi = capaian_sasaran.get(ss, [])
        sel = [s for _, ss_, _ in isi for s in ss_]
        kosong_ss = any(x for _, _, x in isi)
        rata = None if kosong_ss else rata_rata(v for v, _, _ in isi)
        k.tambah(
            f"kinerja.{ss}.rata_rata_capaian",
            rata,
            "persen",
            f"rata-rata capaian {len(isi)} indikator sasaran {ss}",
            sel,
            code,
            belum_diisi=kosong_ss,
        )
        k.tambah(
            f"kinerja.{ss}.predikat",
            tentukan_predikat(rata, skala),
            "predikat",
            "predikat dari rata-rata capaian sasaran menurut skala predikat",
            sel + skala_sel,
            code,
            belum_diisi=kosong_ss,
        )
        links = dukungan[dukungan["kode_sasaran"] == ss]
        if len(links):
            pilih: set[int] = set()
            for kode in links["kode_anggaran"]:
                pilih.update(posisi.get(kode, []))
            daun = sub.iloc[sorted(pilih)]
            s_link = _sel(data, "dukungan", links, "kode_sasaran", "kode_anggaran")
            kosong_p, kosong_r = _ada_kosong(daun, "pagu"), _ada_kosong(daun, "realisasi")
            pagu = None if kosong_p else sum(daun["pagu"], Decimal(0))
            real = None if kosong_r else sum(daun["realisasi"], Decimal(0))
            serapan = None if kosong_p or kosong_r else persen_keuangan(real, pagu)
            k.tambah(
                f"kinerja.{ss}.pagu_pendukung",
                pagu,
                "rupiah",
                f"jumlah pagu {len(daun)} sub kegiatan pendukung sasaran {ss} (dukungan.csv)",
                s_link + _sel(data, "sub_kegiatan", daun, "pagu"),
                code,
                belum_diisi=kosong_p,
            )
            k.tambah(
                f"kinerja.{ss}.realisasi_pendukung",
                real,
                "rupiah",
                f"jumlah realisasi {len(daun)} sub kegiatan pendukung sasaran {ss}",
                s_link + _sel(data, "sub_kegiatan", daun, "realisasi"),
                code,
                belum_diisi=kosong_r,
            )
            k.tambah(
                f"kinerja.{ss}.serapan_anggaran",
                serapan,
                "persen",
                "Σ realisasi ÷ Σ pagu sub kegiatan pendukung × 100",
                s_link + _sel(data, "sub_kegiatan", daun, "pagu", "realisasi"),
                code,
                belum_diisi=kosong_p or kosong_r,
            )
            efisiensi = None if rata is None or not serapan else rata / serapan
            k.tambah(
                f"kinerja.{ss}.indeks_efisiensi",
                efisiensi,
                "nilai",
                "rata-rata capaian sasaran ÷ serapan anggaran pendukung "
                "(di atas 1: capaian lebih tinggi daripada serapan)",
                sel + s_link + _sel(data, "sub_kegiatan", daun, "pagu", "realisasi"),
                code,
                digit=2,
                belum_diisi=kosong_ss or kosong_p or kosong_r,
            )
    sel_all = [s for _, ss_, _ in semua_capaian for s in ss_]
    kosong_semua = any(x for _, _, x in semua_capaian)
    rata = None if kosong_semua else rata_rata(v for v, _, _ in semua_capaian)
    k.tambah(
        "kinerja.jumlah_sasaran",
        len(data["sasaran"]),
        "buah",
        "banyaknya sasaran strategis",
        _sel(data, "sasaran", data["sasaran"], "kode"),
        code,
    )
    k.tambah(
        "kinerja.jumlah_indikator",
        len(data["indikator"]),
        "buah",
        "banyaknya indikator kinerja",
        _sel(data, "indikator", data["indikator"], "kode"),
        code,
    )
    k.tambah(
        "kinerja.rata_rata_capaian",
        rata,
        "persen",
        f"rata-rata capaian {len(semua_capaian)} indikator kinerja",
        sel_all,
        code,
        belum_diisi=kosong_semua,
    )
    k.tambah(
        "kinerja.rata_rata_predikat",
        tentukan_predikat(rata, skala),
        "predikat",
        "predikat dari rata-rata capaian semua indikator",
        sel_all + skala_sel,
        code,
        belum_diisi=kosong_semua,
    )
    return k


def angka_keluaran(data: DataTahun) -> KumpulanAngka:
    """Output indicators of sub kegiatan and PSKS counts."""
    code = f"{_M}:angka_keluaran"
    k = KumpulanAngka()
    per_kode: dict[str, list[dict]] = {}
    for r in data["keluaran"].to_dict("records"):  # one pass, not a frame per output
        per_kode.setdefault(r["kode"], []).append(r)
    for kode in sorted(per_kode):
        grup = sorted(per_kode[kode], key=lambda r: r["tahun"])
        for r in grup:
            unit = "rupiah" if r["satuan"] == "rupiah" else r["satuan"]
            base = (
                f"keluaran.{kode}"
                if r["tahun"] == data.tahun
                else f"keluaran.{kode}.riwayat.{r['tahun']}"
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
        ini = [r for r in grup if r["tahun"] == data.tahun]
        lalu = [r for r in grup if r["tahun"] == data.tahun - 1]
        if not ini:
            continue
        r = ini[0]
        if r["target"] is not None and r["realisasi"] is not None:
            c = hitung_capaian(r["target"], r["realisasi"], "positif")
            k.tambah(
                f"keluaran.{kode}.capaian",
                c.nilai,
                "persen",
                "realisasi ÷ target × 100",
                _sel(data, "keluaran", r, "target", "realisasi"),
                code,
                catatan=c.catatan,
            )
        if lalu and r["realisasi"] is not None and lalu[0]["realisasi"] is not None:
            rl = lalu[0]
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
    return k


def hitung_semua(data: DataTahun) -> KumpulanAngka:
    """All numbers of the report (used by tests and the reconciliation)."""
    k = KumpulanAngka()
    for f in (angka_laporan, angka_anggaran, angka_kinerja, angka_keluaran):
        k.gabung(f(data))
    return k
