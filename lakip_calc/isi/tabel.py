"""The report's tables, built from the computed numbers and the raw facts.

Pure: every function takes the validated year (:class:`~lakip_calc.masukan.loader.DataTahun`)
and the computed numbers (:class:`~lakip_calc.hitungan.angka.KumpulanAngka`) and returns a
:class:`TabelLaporan`; nothing is read or written here (see :mod:`lakip_calc.isi.tulis`).

Rules
-----
- Every derived number shown comes from the ``KumpulanAngka``: its display text
  is ``angka[key].text`` and the cell remembers its key (``kunci``), so the
  rendered table can say where each figure came from. A missing key raises
  ``KeyError``: a table never computes a figure that :mod:`lakip_calc.hitungan.hitung`
  does not register.
- Raw facts (names, codes, units) come from the ``DataTahun``; their ``kunci``
  is ``""``.
- A cell showing several numbers (a predikat range "76% s.d. < 91%") has as
  its ``kunci`` a tuple of ``(text, key)`` parts whose texts make up the cell;
  each number is keyed on its own (``key`` ``""`` for the words between).
- Cells shown without a key: the reconciliation counts and differences (from
  the reconciliation frame).
- ``"-"`` marks a value that does not exist (no target, no capaian); ``""`` an
  intentionally blank cell (a repeated sasaran name, a label row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from lakip_calc.hitungan.anggaran import bobot_fisik, rekap_anggaran
from lakip_calc.hitungan.angka import BELUM_DIISI, Angka, KumpulanAngka
from lakip_calc.hitungan.formats import bulatkan, format_angka
from lakip_calc.hitungan.kinerja import POLARITAS, RUMUS_CAPAIAN, RUMUS_KATEGORI
from lakip_calc.hitungan.rekonsiliasi import CEK, ringkasan
from lakip_calc.hitungan.sumber_dana import kunci_sumber, sumber_dana
from lakip_calc.masukan.loader import DataTahun

__all__ = [
    "TabelLaporan",
    "tabel_perjanjian_kinerja",
    "tabel_alokasi_anggaran",
    "tabel_skala_predikat",
    "tabel_capaian_kinerja",
    "tabel_sasaran",
    "tabel_keluaran",
    "tabel_psks",
    "tabel_realisasi_anggaran",
    "tabel_sumber_dana",
    "ringkas_per_program",
    "ID_RINCIAN",
    "tabel_efisiensi",
    "tabel_bobot_fisik",
    "tabel_pk_program",
    "tabel_rekonsiliasi_ringkas",
    "tabel_rekonsiliasi",
    "semua_tabel",
]

_TIDAK_ADA = "-"


@dataclass(frozen=True, eq=False)
class TabelLaporan:
    """One report table in three aligned layers.

    Attributes
    ----------
    id
        Fixed cross-reference id (``tbl-realisasi-anggaran``); also the file stem.
    judul
        Caption, in Indonesian.
    data
        Tidy raw values: exact Decimals as strings (``"90.9090..."``), codes,
        names; ``""`` where there is no value.
    tampil
        Same shape: the display strings (Indonesian formatting).
    kunci
        Same shape: the ``numbers.json`` key of each cell, ``""`` for raw facts.
    catatan
        A note printed under the table.
    tingkat
        Per-row level for styling: ``program``, ``kegiatan``, ``sub_kegiatan``,
        ``total`` or ``""`` (an ordinary row); ``None`` when all rows are ordinary.
    """

    id: str
    judul: str
    data: pd.DataFrame
    tampil: pd.DataFrame
    kunci: pd.DataFrame
    catatan: str = ""
    tingkat: list[str] | None = None

    def __post_init__(self) -> None:
        for nama in ("data", "kunci"):
            lain = getattr(self, nama)
            if list(lain.columns) != list(self.tampil.columns) or lain.shape != self.tampil.shape:
                raise ValueError(f"{self.id}: '{nama}' tidak sebentuk dengan 'tampil'")
        if self.tingkat is not None and len(self.tingkat) != len(self.tampil):
            raise ValueError(f"{self.id}: panjang 'tingkat' tidak sama dengan banyaknya baris")


# --------------------------------------------------------------------------- cells


@dataclass(frozen=True)
class _Sel:
    data: str
    tampil: str
    kunci: str | tuple[tuple[str, str], ...] = ""


def _mentah(nilai: object) -> str:
    """A raw value as text for the tidy layer (exact; ``""`` for no value)."""
    if nilai is None:
        return ""
    return str(nilai)


def _angka(angka: KumpulanAngka, key: str) -> _Sel:
    """A computed number: its text, its exact value and its key (KeyError if missing)."""
    a: Angka = angka[key]
    return _Sel(_mentah(a.value), a.text, key)


def _angka_opsional(angka: KumpulanAngka, key: str) -> _Sel:
    """Like :func:`_angka`, but ``"-"`` when the key was not registered (no value exists)."""
    return _angka(angka, key) if key in angka else _Sel("", _TIDAK_ADA)


def _fakta(tampil: str, data: str | None = None) -> _Sel:
    """A raw fact (name, code, unit); ``data`` defaults to the displayed text."""
    return _Sel(tampil if data is None else data, tampil)


_KOSONG = _Sel("", "")


def _susun(
    id: str,
    judul: str,
    kolom: Sequence[str],
    baris: Sequence[Sequence[_Sel]],
    *,
    catatan: str = "",
    tingkat: list[str] | None = None,
) -> TabelLaporan:
    for b in baris:
        if len(b) != len(kolom):
            raise ValueError(f"{id}: baris dengan {len(b)} sel untuk {len(kolom)} kolom")
    if any(sel.tampil == BELUM_DIISI for b in baris for sel in b):
        catatan = (catatan + " " if catatan else "") + (
            f'"{BELUM_DIISI}": sel data tahun ini masih kosong; angka yang memerlukannya '
            "belum dapat dihitung (laporan DRAFT)."
        )

    def lapis(attr: str) -> pd.DataFrame:
        isi = {k: [getattr(b[i], attr) for b in baris] for i, k in enumerate(kolom)}
        return pd.DataFrame(isi, columns=list(kolom), dtype=object)

    return TabelLaporan(
        id=id,
        judul=judul,
        data=lapis("data"),
        tampil=lapis("tampil"),
        kunci=lapis("kunci"),
        catatan=catatan,
        tingkat=tingkat,
    )


def _tahun(angka: KumpulanAngka) -> str:
    return angka["laporan.tahun"].text


def _indikator_per_sasaran(data: DataTahun) -> list[tuple[dict, list[dict]]]:
    ind = data["indikator"].to_dict("records")
    return [
        (s, [i for i in ind if i["kode_sasaran"] == s["kode"]])
        for s in data["sasaran"].to_dict("records")
    ]


# --------------------------------------------------------------------------- Bab II


def tabel_perjanjian_kinerja(
    data: DataTahun,
    angka: KumpulanAngka,
    id: str = "tbl-perjanjian-kinerja",
    judul: str = "Sasaran, Indikator dan Target Perjanjian Kinerja Tahun",
) -> TabelLaporan:
    """``tbl-perjanjian-kinerja``: sasaran, indikator and the report year's targets
    (Bab II; ``tbl-pk-sasaran`` is the same table in the Perjanjian Kinerja of Lampiran 1).

    The sasaran name and number are shown once, on the first row of their
    indicators (the tidy ``data`` repeats them on every row).
    """
    baris = []
    for no, (s, daftar) in enumerate(_indikator_per_sasaran(data), start=1):
        for j, i in enumerate(daftar):
            baris.append(
                [
                    _Sel(str(no), str(no) if j == 0 else ""),
                    _Sel(s["nama"], s["nama"] if j == 0 else ""),
                    _fakta(i["nama"]),
                    _angka_opsional(angka, f"kinerja.{i['kode']}.target"),
                ]
            )
    return _susun(
        id,
        f"{judul} {_tahun(angka)}",
        ["No", "Sasaran Strategis", "Indikator Kinerja", "Target"],
        baris,
    )


def tabel_pk_program(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-pk-program``: the programs of the Perjanjian Kinerja with their budgets
    (Lampiran 1), and the total."""
    baris, tingkat = [], []
    for r in _pohon(data).to_dict("records"):
        if r["tingkat"] not in ("program", "total"):
            continue
        baris.append([_fakta(r["kode"]), _fakta(r["nama"]), _angka(angka, f"{_basis(r)}.pagu")])
        tingkat.append(r["tingkat"])
    return _susun(
        "tbl-pk-program",
        f"Program dan Anggaran Perjanjian Kinerja Tahun {_tahun(angka)}",
        ["Kode", "Program", "Anggaran (Rp)"],
        baris,
        tingkat=tingkat,
    )


def _pohon(data: DataTahun) -> pd.DataFrame:
    """The budget tree in tree order with a final total row (codes, names, levels)."""
    return rekap_anggaran(data["program"], data["kegiatan"], data["sub_kegiatan"])


#: Above this many sub kegiatan the chapters show the budget per program and the
#: full tree goes to the appendix (``tbl-realisasi-anggaran-rinci``).
BATAS_RINCIAN_BAB = 60
ID_RINCIAN = "tbl-realisasi-anggaran-rinci"


def ringkas_per_program(data: DataTahun) -> bool:
    """Whether the chapters summarise the budget per program (a large budget tree)."""
    return len(data["sub_kegiatan"]) > BATAS_RINCIAN_BAB


def _pohon_bab(data: DataTahun) -> tuple[pd.DataFrame, str]:
    """The rows a chapter table shows and a note saying where the rest is."""
    pohon = _pohon(data)
    if not ringkas_per_program(data):
        return pohon, ""
    catatan = (
        f"Ringkasan per program ({len(data['sub_kegiatan'])} sub kegiatan); rincian setiap "
        "kegiatan dan sub kegiatan tercantum pada Lampiran (Realisasi Anggaran per Sub Kegiatan)."
    )
    return pohon[pohon["tingkat"].isin(["program", "total"])], catatan


def _basis(r: dict) -> str:
    return f"anggaran.{r['kode'] or 'total'}"


def tabel_alokasi_anggaran(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-alokasi-anggaran``: pagu of every program, kegiatan and sub kegiatan, and the total."""
    baris, tingkat = [], []
    pohon, ringkas = _pohon_bab(data)
    for r in pohon.to_dict("records"):
        baris.append([_fakta(r["kode"]), _fakta(r["nama"]), _angka(angka, f"{_basis(r)}.pagu")])
        tingkat.append(r["tingkat"])
    catatan = "Pagu program, kegiatan dan jumlah = penjumlahan pagu sub kegiatan di bawahnya."
    return _susun(
        "tbl-alokasi-anggaran",
        f"Program, Kegiatan dan Sub Kegiatan serta Alokasi Anggaran Tahun {_tahun(angka)}",
        ["Kode", "Program/Kegiatan/Sub Kegiatan", "Pagu (Rp)"],
        baris,
        catatan=f"{catatan} {ringkas}".strip(),
        tingkat=tingkat,
    )


# --------------------------------------------------------------------------- Bab III


def tabel_skala_predikat(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-skala-predikat``: the configured predikat scale as ranges of capaian.

    Each range is built from the configured lower bounds
    (``predikat.<nama>.batas_bawah``): the highest band reads "≥ 91%", a middle
    band "76% s.d. < 91%", a lowest band starting at 0 "< 51%". The range
    combines two numbers, so its cell is keyed in parts, each bound by its own
    key; the tidy layer holds the interval as ``[76, 91)``.
    """
    skala = sorted(
        data["skala_predikat"].to_dict("records"), key=lambda r: r["batas_bawah"], reverse=True
    )
    baris = []
    atas: Angka | None = None
    ka = ""
    for r in skala:
        kb = f"predikat.{r['predikat']}.batas_bawah"
        bawah = angka[kb]
        if atas is None:
            bagian, mentah = (("≥ ", ""), (bawah.text, kb)), f"[{bawah.value}, ∞)"
        elif bawah.value == 0:
            bagian, mentah = (("< ", ""), (atas.text, ka)), f"[{bawah.value}, {atas.value})"
        else:
            bagian = ((bawah.text, kb), (" s.d. < ", ""), (atas.text, ka))
            mentah = f"[{bawah.value}, {atas.value})"
        teks = "".join(t for t, _ in bagian)
        baris.append([_Sel(mentah, teks, bagian), _fakta(r["predikat"])])
        atas, ka = bawah, kb
    return _susun(
        "tbl-skala-predikat",
        "Skala Nilai Predikat Capaian Kinerja",
        ["Rentang capaian", "Predikat"],
        baris,
        catatan=(
            "Batas bawah setiap rentang inklusif dan dibandingkan dengan capaian yang dibulatkan "
            "dua desimal; rentang tanpa celah sesuai konfigurasi skala_predikat.csv."
        ),
    )


def tabel_capaian_kinerja(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-capaian-kinerja``: target, realisasi, capaian and predikat of every indicator.

    A last row gives the mean capaian of the indicators and its predikat.
    """
    baris, tingkat = [], []
    for no, (s, daftar) in enumerate(_indikator_per_sasaran(data), start=1):
        for j, i in enumerate(daftar):
            ik = f"kinerja.{i['kode']}"
            baris.append(
                [
                    _Sel(str(no), str(no) if j == 0 else ""),
                    _Sel(s["nama"], s["nama"] if j == 0 else ""),
                    _fakta(i["nama"]),
                    _angka_opsional(angka, f"{ik}.target"),
                    _angka_opsional(angka, f"{ik}.realisasi"),
                    _angka_opsional(angka, f"{ik}.capaian"),
                    _angka_opsional(angka, f"{ik}.predikat"),
                ]
            )
            tingkat.append("")
    jumlah = angka["kinerja.jumlah_indikator_dirata"].text
    akhir = (
        " indikator numerik" if angka.nilai("kinerja.jumlah_indikator_kategori") else " indikator"
    )
    bagian = (("Rata-rata capaian ", ""), (jumlah, "kinerja.jumlah_indikator_dirata"), (akhir, ""))
    label = "".join(t for t, _ in bagian)
    baris.append(
        [
            _KOSONG,
            _Sel(label, label, bagian),
            _KOSONG,
            _KOSONG,
            _KOSONG,
            _angka(angka, "kinerja.rata_rata_capaian"),
            _angka(angka, "kinerja.rata_rata_predikat"),
        ]
    )
    tingkat.append("total")
    catatan = [
        a.catatan
        for i in data["indikator"].to_dict("records")
        if (a := angka.get(f"kinerja.{i['kode']}.capaian")) is not None and a.catatan
    ]
    return _susun(
        "tbl-capaian-kinerja",
        f"Target, Realisasi dan Capaian Indikator Kinerja Tahun {_tahun(angka)}",
        [
            "No",
            "Sasaran Strategis",
            "Indikator Kinerja",
            "Target",
            "Realisasi",
            "% Capaian",
            "Predikat",
        ],
        baris,
        catatan=" ".join([catatan_rumus(data), *catatan]),
        tingkat=tingkat,
    )


def catatan_rumus(data: DataTahun, tabel: str = "indikator") -> str:
    """The capaian formulas of the polaritas present in ``tabel`` (``indikator``/``keluaran``)."""
    ada = {p or "positif" for p in data[tabel]["polaritas"]}
    bagian = [f"polaritas {p}: capaian = {RUMUS_CAPAIAN[p]}" for p in POLARITAS if p in ada]
    if "kategori" in ada:
        bagian.append(
            f"{RUMUS_KATEGORI}; indikator kategori tidak dirata-rata dan tidak diberi predikat"
        )
    teks = "; ".join(bagian)
    return (teks[0].upper() + teks[1:] + ". " if teks else "") + (
        "Predikat menurut skala predikat." if tabel == "indikator" else ""
    )


def _tahun_indikator(data: DataTahun, kode: Sequence[str]) -> list[int]:
    th = data["indikator_tahunan"]
    return sorted({int(t) for t in th[th["kode_indikator"].isin(list(kode))]["tahun"]})


def tabel_sasaran(data: DataTahun, angka: KumpulanAngka) -> list[TabelLaporan]:
    """``tbl-sasaran-<kode>``: each sasaran's indicators over every year present.

    Columns: the RPJMD target, Target/Realisasi for every year in
    ``indikator_tahunan.csv`` (earlier years from ``kinerja.<IK>.riwayat.<tahun>``),
    the report year's capaian and the capaian against the RPJMD target. The
    RPJMD column carries the label the source printed when all indicators of
    the sasaran share it.
    """
    tahun_laporan = data.tahun
    hasil = []
    for s, daftar in _indikator_per_sasaran(data):
        semua_tahun = _tahun_indikator(data, [i["kode"] for i in daftar])
        label = {i["label_target_rpjmd"] or "Target RPJMD" for i in daftar}
        kolom_rpjmd = label.pop() if len(label) == 1 else "Target RPJMD"
        kolom = ["Indikator Kinerja", kolom_rpjmd]
        for t in semua_tahun:
            kolom += [f"Target {t}", f"Realisasi {t}"]
        kolom += [f"Capaian {tahun_laporan}", "Capaian thd. target RPJMD"]
        baris = []
        for i in daftar:
            ik = f"kinerja.{i['kode']}"
            sel = [_fakta(i["nama"]), _angka_opsional(angka, f"{ik}.target_rpjmd")]
            for t in semua_tahun:
                basis = ik if t == tahun_laporan else f"{ik}.riwayat.{t}"
                sel += [
                    _angka_opsional(angka, f"{basis}.target"),
                    _angka_opsional(angka, f"{basis}.realisasi"),
                ]
            sel += [
                _angka_opsional(angka, f"{ik}.capaian"),
                _angka_opsional(angka, f"{ik}.capaian_rpjmd"),
            ]
            baris.append(sel)
        hasil.append(
            _susun(
                f"tbl-sasaran-{s['kode'].lower()}",
                f"Perbandingan Target dan Realisasi Indikator Sasaran {s['nama']}",
                kolom,
                baris,
                catatan=(
                    f"Capaian terhadap target RPJMD: rumus capaian dengan realisasi tahun "
                    f"{tahun_laporan} dan target RPJMD sebagai target. {catatan_rumus(data)}"
                ),
            )
        )
    return hasil


def tabel_keluaran(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-keluaran``: output indicators of the report year, by sub kegiatan.

    Outputs funded outside this office's budget (no sub kegiatan) show their
    ``sumber_dana`` (``keluaran.csv``). The sub kegiatan is shown once for
    consecutive outputs.
    """
    nama_sub = dict(zip(data["sub_kegiatan"]["kode"], data["sub_kegiatan"]["nama"], strict=True))
    kel = data["keluaran"]
    kel = kel[kel["tahun"] == data.tahun].sort_values("kode", kind="stable")
    baris = []
    sebelumnya: str | None = None
    for r in kel.to_dict("records"):
        sub = r["kode_sub_kegiatan"] or ""
        teks_sub = (
            f"{sub} {nama_sub[sub]}" if sub else (r["sumber_dana"] or "Di luar anggaran instansi")
        )
        base = f"keluaran.{r['kode']}"
        baris.append(
            [
                _Sel(sub, teks_sub if sub != sebelumnya else ""),
                _fakta(r["uraian"]),
                _fakta(r["satuan"]),
                _angka_opsional(angka, f"{base}.target"),
                _angka_opsional(angka, f"{base}.realisasi"),
                _angka_opsional(angka, f"{base}.capaian"),
            ]
        )
        sebelumnya = sub
    return _susun(
        "tbl-keluaran",
        f"Target dan Realisasi Keluaran Sub Kegiatan Tahun {_tahun(angka)}",
        ["Sub Kegiatan", "Keluaran", "Satuan", "Target", "Realisasi", "% Capaian"],
        baris,
        catatan=catatan_rumus(data, "keluaran")
        + 'Tanda "-" berarti data tidak mencantumkan target atau realisasinya, sehingga '
        "capaian tidak dihitung.",
    )


def tabel_psks(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-psks``: potential and sources of social welfare (PSKS), one row per type."""
    baris = [
        [
            _fakta(str(no)),
            _fakta(r["nama"]),
            _angka(angka, f"psks.{r['kode']}.jumlah"),
            _fakta(r["satuan"]),
        ]
        for no, r in enumerate(data["psks"].to_dict("records"), start=1)
    ]
    return _susun(
        "tbl-psks",
        "Jumlah Potensi dan Sumber Kesejahteraan Sosial (PSKS)",
        ["No", "Jenis PSKS", "Jumlah", "Satuan"],
        baris,
    )


def tabel_sumber_dana(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-sumber-dana``: pagu, realisasi and % keuangan per funding source, and the total
    (made only when the office names its sources; otherwise the report leaves it out)."""
    baris, tingkat = [], []
    for nama in sumber_dana(data):
        b = f"anggaran.sumber_dana.{kunci_sumber(nama)}"
        baris.append(
            [
                _fakta(nama),
                _angka(angka, f"{b}.pagu"),
                _angka(angka, f"{b}.realisasi"),
                _angka(angka, f"{b}.persen_keuangan"),
            ]
        )
        tingkat.append("")
    if baris:
        baris.append(
            [
                _fakta("Jumlah"),
                _angka(angka, "anggaran.total.pagu"),
                _angka(angka, "anggaran.total.realisasi"),
                _angka(angka, "anggaran.total.persen_keuangan"),
            ]
        )
        tingkat.append("total")
    return _susun(
        "tbl-sumber-dana",
        f"Pagu dan Realisasi Anggaran per Sumber Dana Tahun {_tahun(angka)}",
        ["Sumber Dana", "Pagu (Rp)", "Realisasi (Rp)", "% Keuangan"],
        baris,
        tingkat=tingkat,
    )


def tabel_realisasi_anggaran(
    data: DataTahun, angka: KumpulanAngka, rinci: bool = False
) -> TabelLaporan:
    """``tbl-realisasi-anggaran``: pagu, realisasi, sisa, % keuangan and % fisik of every node.

    For a large budget (:func:`ringkas_per_program`) the chapter's table holds the
    programs and the total, and ``rinci=True`` gives the appendix's full tree
    (``tbl-realisasi-anggaran-rinci``).
    """
    baris, tingkat = [], []
    pohon, ringkas = (_pohon(data), "") if rinci else _pohon_bab(data)
    for r in pohon.to_dict("records"):
        b = _basis(r)
        baris.append(
            [
                _fakta(r["kode"]),
                _fakta(r["nama"]),
                _angka(angka, f"{b}.pagu"),
                _angka(angka, f"{b}.realisasi"),
                _angka(angka, f"{b}.sisa"),
                _angka(angka, f"{b}.persen_keuangan"),
                _angka(angka, f"{b}.persen_fisik"),
            ]
        )
        tingkat.append(r["tingkat"])
    judul = "Realisasi Anggaran dan Fisik " + (
        "per Sub Kegiatan" if rinci else "Program, Kegiatan dan Sub Kegiatan"
    )
    return _susun(
        ID_RINCIAN if rinci else "tbl-realisasi-anggaran",
        f"{judul} Tahun Anggaran {_tahun(angka)}",
        [
            "Kode",
            "Program/Kegiatan/Sub Kegiatan",
            "Pagu (Rp)",
            "Realisasi (Rp)",
            "Sisa (Rp)",
            "Keuangan (%)",
            "Fisik (%)",
        ],
        baris,
        catatan=(
            "Keuangan (%) = jumlah realisasi ÷ jumlah pagu × 100 pada setiap tingkat. Fisik (%) "
            "program, kegiatan dan jumlah = rata-rata % fisik sub kegiatan tertimbang pagu. "
            + ringkas
        ).strip(),
        tingkat=tingkat,
    )


def tabel_efisiensi(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-efisiensi``: capaian of each sasaran against the budget that supports it.

    A sasaran without supporting budget shows "-". Links recorded as a
    transcription decision (``dasar = inferensi``) are named in the note.
    """
    baris = []
    for s in data["sasaran"].to_dict("records"):
        ss = f"kinerja.{s['kode']}"
        baris.append(
            [
                _fakta(s["nama"]),
                _angka(angka, f"{ss}.rata_rata_capaian"),
                _angka_opsional(angka, f"{ss}.pagu_pendukung"),
                _angka_opsional(angka, f"{ss}.realisasi_pendukung"),
                _angka_opsional(angka, f"{ss}.serapan_anggaran"),
                _angka_opsional(angka, f"{ss}.indeks_efisiensi"),
            ]
        )
    dukungan = data["dukungan"]
    inferensi = sorted(set(dukungan[dukungan["dasar"] == "inferensi"]["kode_sasaran"]))
    catatan = (
        "Indeks efisiensi = rata-rata capaian sasaran ÷ serapan anggaran sub kegiatan "
        "pendukungnya; di atas 1 berarti capaian lebih tinggi daripada serapan."
    )
    if inferensi:
        nama = dict(zip(data["sasaran"]["kode"], data["sasaran"]["nama"], strict=True))
        daftar = "; ".join(nama[k] for k in inferensi)
        catatan += (
            f" Anggaran pendukung sasaran berikut tidak disebut sumber dan dikaitkan sebagai "
            f"keputusan transkripsi: {daftar}."
        )
    return _susun(
        "tbl-efisiensi",
        f"Efisiensi Penggunaan Sumber Daya per Sasaran Tahun {_tahun(angka)}",
        [
            "Sasaran",
            "Rata-rata capaian",
            "Pagu pendukung",
            "Realisasi pendukung",
            "Serapan anggaran",
            "Indeks efisiensi",
        ],
        baris,
        catatan=catatan,
    )


def tabel_bobot_fisik(data: DataTahun, angka: KumpulanAngka) -> TabelLaporan:
    """``tbl-bobot-fisik``: how the total % fisik is weighted from the sub kegiatan.

    Bobot (pagu ÷ total pagu; a fraction in the CSV) and Bobot × Fisik are the keys
    ``anggaran.<sub kegiatan>.bobot_total`` and ``.bobot_x_fisik`` of
    :mod:`lakip_calc.hitungan.hitung`. The total row's Bobot (100%) is
    ``anggaran.total.bobot_total`` and its Bobot × Fisik is the total % fisik (``anggaran.total.persen_fisik``).
    """
    rekap = _pohon(data)
    baris, tingkat = [], []
    for r in bobot_fisik(rekap, "").to_dict("records"):
        b = f"anggaran.{r['kode']}"
        baris.append(
            [
                _fakta(r["kode"]),
                _fakta(r["nama"]),
                _angka(angka, f"{b}.pagu"),
                _angka(angka, f"{b}.bobot_total"),
                _angka(angka, f"{b}.persen_fisik"),
                _angka(angka, f"{b}.bobot_x_fisik"),
            ]
        )
        tingkat.append("sub_kegiatan")
    baris.append(
        [
            _KOSONG,
            _fakta("Jumlah"),
            _angka(angka, "anggaran.total.pagu"),
            _angka(angka, "anggaran.total.bobot_total"),
            _KOSONG,
            _angka(angka, "anggaran.total.persen_fisik"),
        ]
    )
    tingkat.append("total")
    return _susun(
        "tbl-bobot-fisik",
        f"Bobot Pagu Sub Kegiatan dalam Rata-rata Fisik Tahun Anggaran {_tahun(angka)}",
        ["Kode", "Sub Kegiatan", "Pagu", "Bobot", "Fisik (%)", "Bobot × Fisik"],
        baris,
        catatan=(
            "Bobot = pagu sub kegiatan ÷ jumlah pagu. % fisik keseluruhan = Σ (bobot × % fisik). "
            "Bobot dan Bobot × Fisik ditampilkan dua desimal, sehingga penjumlahan yang "
            "ditampilkan dapat berbeda sedikit dari jumlahnya."
        ),
        tingkat=tingkat,
    )


# --------------------------------------------------------------------------- Lampiran


def _hitung(n: int) -> _Sel:
    return _Sel(str(n), format_angka(n))


def tabel_rekonsiliasi_ringkas(
    data: DataTahun, angka: KumpulanAngka, rekon: pd.DataFrame
) -> TabelLaporan:
    """``tbl-rekonsiliasi-ringkas``: per check, how many figures were checked, agree, differ.

    ``rekon`` is the frame of :func:`lakip_calc.hitungan.rekonsiliasi.rekonsiliasi`
    (or its CSV read back as text). Checks appear in the order of
    :data:`lakip_calc.hitungan.rekonsiliasi.CEK`; the total row uses
    :func:`lakip_calc.hitungan.rekonsiliasi.ringkasan`.
    """
    urutan = list(CEK.values())
    nama_cek = list(dict.fromkeys(rekon["check"]))
    nama_cek.sort(key=lambda c: urutan.index(c) if c in urutan else len(urutan))
    baris, tingkat = [], []
    for c in nama_cek:
        bagian = rekon[rekon["check"] == c]
        baris.append(
            [
                _fakta(c),
                _hitung(len(bagian)),
                _hitung(int((bagian["verdict"] == "cocok").sum())),
                _hitung(int((bagian["verdict"] == "selisih").sum())),
            ]
        )
        tingkat.append("")
    cocok, selisih, _ = ringkasan(rekon, 0)
    baris.append([_fakta("Jumlah"), _hitung(len(rekon)), _hitung(cocok), _hitung(selisih)])
    tingkat.append("total")
    return _susun(
        "tbl-rekonsiliasi-ringkas",
        "Ringkasan Rekonsiliasi Angka Tercetak dengan Hasil Hitungan",
        ["Pemeriksaan", "Jumlah pemeriksaan", "Cocok", "Selisih"],
        baris,
        catatan="Angka tercetak dianggap cocok bila hasil hitungan, dibulatkan ke presisi "
        "cetakannya, sama dengan angka tersebut.",
        tingkat=tingkat,
    )


def _teks_selisih(teks: str) -> str:
    """Display a reconciliation difference (tercetak − hitungan) with an explicit sign."""
    if not str(teks).strip():
        return _TIDAK_ADA
    d = Decimal(str(teks))
    digit = 0 if d == d.to_integral_value() else 2
    hasil = format_angka(d, digit)
    return f"+{hasil}" if bulatkan(d, digit) > 0 else hasil


def tabel_rekonsiliasi(data: DataTahun, angka: KumpulanAngka, rekon: pd.DataFrame) -> TabelLaporan:
    """``tbl-rekonsiliasi``: every contradiction (``verdict == "selisih"``), in check order."""
    baris = []
    for r in rekon[rekon["verdict"] == "selisih"].to_dict("records"):
        sid = str(r["source_id"] or "")
        lokasi = f"{r['location']} ({sid})" if sid else str(r["location"])
        baris.append(
            [
                _Sel(str(r["location"]), lokasi),
                _fakta(str(r["key"])),
                _fakta(str(r["stated"])),
                _fakta(str(r["computed"])),
                _Sel(str(r["difference"]), _teks_selisih(r["difference"])),
                _fakta(str(r["note"])),
            ]
        )
    return _susun(
        "tbl-rekonsiliasi",
        "Daftar Selisih antara Angka Tercetak dan Hasil Hitungan",
        ["Lokasi di sumber", "Angka (key)", "Tercetak", "Hitungan", "Selisih", "Catatan"],
        baris,
        catatan=(
            "Selisih = angka tercetak − angka pembanding (hasil hitungan, atau cetakan lain untuk "
            "angka yang sama yang tercetak di dua tempat), dengan nilai penuh sebelum pembulatan."
        ),
    )


def semua_tabel(data: DataTahun, angka: KumpulanAngka, rekon: pd.DataFrame) -> list[TabelLaporan]:
    """Every table of the report, in report order (fixed ids)."""
    return [
        tabel_perjanjian_kinerja(data, angka),
        tabel_alokasi_anggaran(data, angka),
        tabel_skala_predikat(data, angka),
        tabel_capaian_kinerja(data, angka),
        *tabel_sasaran(data, angka),
        tabel_keluaran(data, angka),
        tabel_psks(data, angka),
        tabel_realisasi_anggaran(data, angka),
        *([tabel_sumber_dana(data, angka)] if sumber_dana(data) else []),
        *([tabel_realisasi_anggaran(data, angka, rinci=True)] if ringkas_per_program(data) else []),
        tabel_efisiensi(data, angka),
        tabel_bobot_fisik(data, angka),
        tabel_perjanjian_kinerja(
            data, angka, "tbl-pk-sasaran", "Lampiran Perjanjian Kinerja: Sasaran dan Target Tahun"
        ),
        tabel_pk_program(data, angka),
        tabel_rekonsiliasi_ringkas(data, angka, rekon),
        tabel_rekonsiliasi(data, angka, rekon),
    ]
