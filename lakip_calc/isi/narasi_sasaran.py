"""Bab III per sasaran, in the order PermenPAN-RB 53/2014 asks for.

For each sasaran strategis: (1) target and realisasi of the report year,
(2) comparison with earlier years, (3) comparison with the medium-term
(Renstra/RPJMD) target, (4) causes of success or failure, (5) alternative
solutions, (6) efficiency of the resources used, (7) the programs and
kegiatan that support it. Parts 1-3, 6 and 7 are computed; parts 4-6 take the
office's own analysis from ``teks/evaluasi/<sasaran>.yaml`` (keys ``penyebab``,
``solusi``, ``efisiensi``), and the year's account of what was done from
``teks/analisis/<sasaran>.md``. A final report needs every part of the text
(:func:`lakip_calc.masukan.loader.cek_kelengkapan`); a DRAFT marks a missing one.

Numbers enter only as ``{{< var key >}}`` shortcodes; data text is escaped.
"""

from __future__ import annotations

from typing import Any

from lakip_calc.hitungan.angka import KumpulanAngka
from lakip_calc.isi.narasi import _md_berdaftar, blok_gambar, blok_tabel, md_nama, paragraf, var
from lakip_calc.masukan.loader import DataTahun

__all__ = ["BAGIAN_EVALUASI", "fragmen_sasaran"]

#: The headings of the parts of the office's own analysis per sasaran
#: (:data:`lakip_calc.masukan.loader.KUNCI_EVALUASI`; a final report needs them all).
BAGIAN_EVALUASI = {
    "penyebab": "Analisis Penyebab Keberhasilan atau Kegagalan",
    "solusi": "Alternatif Solusi",
    "efisiensi": "Efisiensi Penggunaan Sumber Daya",
}

_BELUM = "**[Belum ditulis: {bagian} (teks/evaluasi/{ss}.yaml, kunci '{kunci}').]**"


def _evaluasi(data: DataTahun, ss: str) -> dict[str, Any]:
    isi = data.teks.get(f"evaluasi/{ss}")
    return isi if isinstance(isi, dict) else {}


def _teks_evaluasi(data: DataTahun, ss: str, kunci: str) -> str:
    nilai = _evaluasi(data, ss).get(kunci)
    if not nilai:
        return _BELUM.format(bagian=BAGIAN_EVALUASI[kunci].lower(), ss=md_nama(ss), kunci=kunci)
    return paragraf(nilai)


def _kalimat_tahun_ini(angka: KumpulanAngka, ik: str) -> str:
    if f"kinerja.{ik}.capaian" not in angka:
        return ""
    target, realisasi = var(f"kinerja.{ik}.target"), var(f"kinerja.{ik}.realisasi")
    dasar = f"Pada tahun {var('laporan.tahun')} target {target} dengan realisasi {realisasi}"
    if isinstance(angka[f"kinerja.{ik}.capaian"].value, str):
        return f"{dasar}: target {var(f'kinerja.{ik}.capaian')}."
    return (
        f"{dasar}, sehingga capaiannya {var(f'kinerja.{ik}.capaian')} dengan predikat "
        f"{var(f'kinerja.{ik}.predikat')}."
    )


def _teks_capaian(angka: KumpulanAngka, key: str) -> str:
    """``capaian 90,91%`` for a numeric indicator, the result alone for a categorical one."""
    if isinstance(angka[key].value, str):
        return var(key)
    return f"capaian {var(key)}"


def _kalimat_riwayat(angka: KumpulanAngka, ik: str) -> str:
    prefix = f"kinerja.{ik}.riwayat."
    tahun = sorted({a.key.split(".")[3] for a in angka if a.key.startswith(prefix)})
    p = []
    for t in tahun:
        base = f"{prefix}{t}"
        if f"{base}.realisasi" in angka and angka[f"{base}.realisasi"].value is not None:
            p.append(
                f"Pada tahun {md_nama(t)} realisasinya {var(base + '.realisasi')} dari target "
                f"{var(base + '.target')} ({_teks_capaian(angka, base + '.capaian')})."
            )
    if f"kinerja.{ik}.selisih_tahun_lalu" in angka:
        p.append(
            "Dibandingkan tahun sebelumnya, realisasi berubah sebesar "
            f"{var(f'kinerja.{ik}.selisih_tahun_lalu')}."
        )
    return " ".join(p)


def _kalimat_rpjmd(angka: KumpulanAngka, ik: str) -> str:
    key = f"kinerja.{ik}.capaian_rpjmd"
    if key not in angka:
        return ""
    dasar = f"Terhadap target jangka menengah ({var(f'kinerja.{ik}.target_rpjmd')}), realisasi tahun ini"
    if isinstance(angka[key].value, str):
        return f"{dasar}: {var(key)}."
    return f"{dasar} mencapai {var(key)}."


def _per_indikator(daftar: list[dict], kalimat) -> list[str]:
    """One paragraph per indicator that has something to say, led by its name."""
    out = []
    for i in daftar:
        teks = kalimat(i)
        if teks:
            out.append(f"**{md_nama(i['nama'])}.** {teks}")
    return out


def _bagian(judul: str, isi: list[str]) -> list[str]:
    return [f"#### {judul}", *isi] if isi else []


def _pendukung(data: DataTahun, ss: str) -> list[str]:
    nama = {
        r["kode"]: r["nama"]
        for df in (data["program"], data["kegiatan"], data["sub_kegiatan"])
        for r in df.to_dict("records")
    }
    dukungan = data["dukungan"]
    butir = [
        f"- {md_nama(kode)} {md_nama(nama.get(kode, ''))}: pagu {var(f'anggaran.{kode}.pagu')}, "
        f"realisasi {var(f'anggaran.{kode}.realisasi')} "
        f"({var(f'anggaran.{kode}.persen_keuangan')})"
        for kode in dukungan[dukungan["kode_sasaran"] == ss]["kode_anggaran"]
    ]
    out = ["\n".join(butir)] if butir else []
    uraian = data.teks.get(f"analisis/{ss}")
    if isinstance(uraian, str) and uraian.strip():
        out.append(_md_berdaftar(uraian))
    return out


def _efisiensi(data: DataTahun, angka: KumpulanAngka, ss: str) -> list[str]:
    out = []
    if f"kinerja.{ss}.serapan_anggaran" in angka:
        out.append(
            f"Rata-rata capaian sasaran ini {var(f'kinerja.{ss}.rata_rata_capaian')} (predikat "
            f"{var(f'kinerja.{ss}.predikat')}), sedangkan anggaran sub kegiatan pendukungnya "
            f"terserap {var(f'kinerja.{ss}.serapan_anggaran')}: realisasi "
            f"{var(f'kinerja.{ss}.realisasi_pendukung')} dari pagu "
            f"{var(f'kinerja.{ss}.pagu_pendukung')}. Indeks efisiensi (capaian dibagi serapan) "
            f"{var(f'kinerja.{ss}.indeks_efisiensi')}."
        )
    out.append(_teks_evaluasi(data, ss, "efisiensi"))
    return out


def _satu_sasaran(
    data: DataTahun, angka: KumpulanAngka, judul: dict[str, str], n: int, s: dict
) -> str:
    ss = s["kode"]
    ind = data["indikator"]
    daftar = ind[ind["kode_sasaran"] == ss].to_dict("records")
    tren = [
        blok_gambar(
            f"fig-tren-{i['kode'].lower()}", f"Tren target dan realisasi: {md_nama(i['nama'])}"
        )
        for i in daftar
        if i["polaritas"] != "kategori"
    ]
    tid = f"tbl-sasaran-{ss.lower()}"
    out = [f"### Sasaran Strategis {n}: {md_nama(s['nama'])}"]
    out += _bagian(
        "Perbandingan Target dan Realisasi Tahun Ini",
        [
            blok_tabel(tid, judul.get(tid, "")),
            *_per_indikator(daftar, lambda i: _kalimat_tahun_ini(angka, i["kode"])),
        ],
    )
    out += _bagian(
        "Perbandingan dengan Tahun-Tahun Sebelumnya",
        [*_per_indikator(daftar, lambda i: _kalimat_riwayat(angka, i["kode"])), *tren],
    )
    out += _bagian(
        "Perbandingan dengan Target Jangka Menengah",
        _per_indikator(daftar, lambda i: _kalimat_rpjmd(angka, i["kode"])),
    )
    for kunci in ("penyebab", "solusi"):
        out += _bagian(BAGIAN_EVALUASI[kunci], [_teks_evaluasi(data, ss, kunci)])
    out += _bagian(BAGIAN_EVALUASI["efisiensi"], _efisiensi(data, angka, ss))
    out += _bagian("Program dan Kegiatan Pendukung", _pendukung(data, ss))
    return "\n\n".join(out) + "\n"


def fragmen_sasaran(data: DataTahun, angka: KumpulanAngka, judul: dict[str, str]) -> dict[str, str]:
    """Per sasaran: the Bab III analysis, numbers only through var shortcodes.

    ``judul``: each table's caption as the table file has it (the same in every format).
    """
    return {
        s["kode"]: _satu_sasaran(data, angka, judul, n, s)
        for n, s in enumerate(data["sasaran"].to_dict("records"), 1)
    }
