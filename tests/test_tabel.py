"""Report tables (lakip_calc.isi.tabel) and their files (lakip_calc.isi.tulis), on the real 2023 data."""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pandas as pd
import pytest

from lakip_calc.hitungan.hitung import hitung_semua
from lakip_calc.hitungan.rekonsiliasi import rekonsiliasi
from lakip_calc.isi.tabel import TabelLaporan, semua_tabel
from lakip_calc.isi.tulis import escape_markdown, tabel_html, tabel_markdown, tulis_tabel
from lakip_calc.masukan.loader import muat_tahun

ID_TETAP = [
    "tbl-perjanjian-kinerja",
    "tbl-alokasi-anggaran",
    "tbl-skala-predikat",
    "tbl-capaian-kinerja",
    "tbl-sasaran-ss1",
    "tbl-sasaran-ss2",
    "tbl-sasaran-ss3",
    "tbl-keluaran",
    "tbl-psks",
    "tbl-realisasi-anggaran",
    "tbl-efisiensi",
    "tbl-bobot-fisik",
    "tbl-pk-sasaran",
    "tbl-pk-program",
    "tbl-rekonsiliasi-ringkas",
    "tbl-rekonsiliasi",
]

#: Words a rendered table must never contain (STYLE.md).
_BOCOR = re.compile(r"\b(nan|NaN|None|NaT|<NA>|null)\b")


@pytest.fixture(scope="module")
def bahan():
    data = muat_tahun(2023)
    angka = hitung_semua(data)
    return data, angka, rekonsiliasi(data, angka)


@pytest.fixture(scope="module")
def tabel(bahan) -> dict[str, TabelLaporan]:
    return {t.id: t for t in semua_tabel(*bahan)}


def _sel(t: TabelLaporan):
    for kolom in t.tampil.columns:
        for i in range(len(t.tampil)):
            yield i, kolom, t.tampil.at[i, kolom], t.kunci.at[i, kolom], t.data.at[i, kolom]


def test_id_tetap_dan_unik(bahan):
    ids = [t.id for t in semua_tabel(*bahan)]
    assert ids == ID_TETAP
    assert len(set(ids)) == len(ids)


def test_lapisan_sebentuk(tabel):
    for t in tabel.values():
        assert t.data.shape == t.tampil.shape == t.kunci.shape, t.id
        assert list(t.data.columns) == list(t.tampil.columns) == list(t.kunci.columns)
        assert t.tingkat is None or len(t.tingkat) == len(t.tampil)
        assert t.judul and len(t.tampil) > 0


def test_realisasi_anggaran_semua_tingkat_dan_jumlah(tabel, bahan):
    _, angka, _ = bahan
    t = tabel["tbl-realisasi-anggaran"]
    assert len(t.tampil) == 6 + 13 + 29 + 1
    assert [t.tingkat.count(v) for v in ("program", "kegiatan", "sub_kegiatan", "total")] == [
        6,
        13,
        29,
        1,
    ]
    akhir = t.tampil.iloc[-1]
    assert akhir["Program/Kegiatan/Sub Kegiatan"] == "Jumlah"
    assert akhir["Pagu (Rp)"] == angka["anggaran.total.pagu"].text == "Rp5.148.323.747"
    assert t.kunci.iloc[-1]["Pagu (Rp)"] == "anggaran.total.pagu"
    assert t.data.iloc[-1]["Pagu (Rp)"] == "5148323747"
    # Tree order: every kegiatan follows its program, every sub kegiatan its kegiatan.
    kode = list(t.data["Kode"])[:-1]
    for sebelum, ini in zip(kode, kode[1:], strict=False):
        if ini.count(".") > sebelum.count("."):
            assert ini.startswith(sebelum + ".")


def test_alokasi_anggaran(tabel, bahan):
    _, angka, _ = bahan
    t = tabel["tbl-alokasi-anggaran"]
    assert list(t.tampil.columns) == ["Kode", "Program/Kegiatan/Sub Kegiatan", "Pagu (Rp)"]
    assert len(t.tampil) == 49
    assert t.tampil.iloc[-1]["Pagu (Rp)"] == angka["anggaran.total.pagu"].text


def test_setiap_kunci_ada_dan_teksnya_sama(tabel, bahan):
    _, angka, _ = bahan
    n = 0
    for t in tabel.values():
        for i, kolom, tampil, kunci, mentah in _sel(t):
            if not kunci:
                continue
            if isinstance(kunci, tuple):  # several numbers in one cell, each keyed
                assert "".join(teks for teks, _ in kunci) == tampil, f"{t.id}[{i}, {kolom}]"
                for teks, k in kunci:
                    if k:
                        n += 1
                        assert angka[k].text == teks, f"{t.id}[{i}, {kolom}]: {k}"
                continue
            n += 1
            assert kunci in angka, f"{t.id}[{i}, {kolom}]: kunci {kunci!r} tidak ada"
            a = angka[kunci]
            assert tampil == a.text, f"{t.id}[{i}, {kolom}]"
            assert mentah == ("" if a.value is None else str(a.value))
    assert n > 300


def test_tidak_ada_nan_atau_none(tabel):
    for t in tabel.values():
        for teks in [t.judul, t.catatan, *t.tampil.columns]:
            assert not _BOCOR.search(teks), (t.id, teks)
        for lapis in (t.tampil, t.data, t.kunci):
            for v in lapis.to_numpy().ravel():
                if lapis is t.kunci and isinstance(v, tuple):  # a cell keyed in parts
                    v = "".join(f"{teks}{k}" for teks, k in v)
                assert isinstance(v, str), (t.id, v)
                assert not _BOCOR.search(v), (t.id, v)


def test_capaian_kinerja_baris_rata_rata(tabel, bahan):
    _, angka, _ = bahan
    t = tabel["tbl-capaian-kinerja"]
    assert len(t.tampil) == 5 + 1
    akhir = t.tampil.iloc[-1]
    assert akhir["Sasaran Strategis"] == "Rata-rata capaian 5 indikator"
    assert akhir["% Capaian"] == angka["kinerja.rata_rata_capaian"].text == "96,78%"
    assert akhir["Predikat"] == angka["kinerja.rata_rata_predikat"].text
    assert t.tingkat[-1] == "total"
    # in the HTML the number is keyed and the words around it stay apart
    jumlah = angka["kinerja.jumlah_indikator_dirata"].text
    assert (
        f'Rata-rata capaian <span class="angka" data-key="kinerja.jumlah_indikator_dirata">'
        f"{jumlah}</span> indikator<"
    ) in tabel_html(t)
    ik3 = t.tampil.iloc[2]
    assert (ik3["Target"], ik3["Realisasi"], ik3["% Capaian"]) == ("69", "68,23", "98,88%")


def test_tabel_sasaran_semua_tahun(tabel, bahan):
    _, angka, _ = bahan
    ss1 = tabel["tbl-sasaran-ss1"]
    assert list(ss1.tampil.columns) == [
        "Indikator Kinerja",
        "Target Awal RPJMD 2021",
        "Target 2022",
        "Realisasi 2022",
        "Target 2023",
        "Realisasi 2023",
        "Capaian 2023",
        "Capaian thd. target RPJMD",
    ]
    assert ss1.kunci.iloc[0]["Target 2022"] == "kinerja.IK1.riwayat.2022.target"
    ss3 = tabel["tbl-sasaran-ss3"]
    assert len(ss3.tampil) == 3
    assert "Target 2021" in ss3.tampil.columns
    assert (
        ss3.tampil.iloc[0]["Capaian thd. target RPJMD"] == angka["kinerja.IK3.capaian_rpjmd"].text
    )


def test_skala_predikat_dari_konfigurasi(tabel):
    t = tabel["tbl-skala-predikat"]
    assert list(t.tampil["Rentang capaian"]) == [
        "≥ 91%",
        "76% s.d. < 91%",
        "66% s.d. < 76%",
        "51% s.d. < 66%",
        "< 51%",
    ]
    assert list(t.tampil["Predikat"])[0] == "Sangat Tinggi"
    # each bound of a range is its own keyed number
    assert t.kunci.at[1, "Rentang capaian"] == (
        ("76%", "predikat.Tinggi.batas_bawah"),
        (" s.d. < ", ""),
        ("91%", "predikat.Sangat Tinggi.batas_bawah"),
    )


def test_keluaran_dan_psks(tabel):
    kel = tabel["tbl-keluaran"]
    assert "APBD Provinsi Jambi" in set(kel.tampil["Sub Kegiatan"])
    assert kel.tampil.iloc[0]["Sub Kegiatan"] == "3.1.1 Penyediaan Permakanan"
    # PKH has a target only: realisasi and capaian are "-" without a key.
    pkh = kel.data.index[kel.tampil["Keluaran"].str.contains("PKH")][0]
    assert kel.tampil.at[pkh, "Realisasi"] == "-" and kel.kunci.at[pkh, "Realisasi"] == ""
    psks = tabel["tbl-psks"]
    assert list(psks.tampil["No"]) == [str(i) for i in range(1, 8)]


def test_bobot_fisik_jumlah(tabel, bahan):
    _, angka, _ = bahan
    t = tabel["tbl-bobot-fisik"]
    assert len(t.tampil) == 29 + 1
    akhir = t.tampil.iloc[-1]
    assert akhir["Bobot × Fisik"] == angka["anggaran.total.persen_fisik"].text
    assert akhir["Bobot"] == "100,00%"
    bobot = sum(Decimal(v) for v in t.data["Bobot"][:-1])
    assert abs(bobot - 1) < Decimal("1e-20")
    assert t.tampil.iloc[2]["Bobot"] == "48,74%"  # 1.2.1 gaji: the largest weight


def test_rekonsiliasi(tabel, bahan):
    _, _, rekon = bahan
    ringkas = tabel["tbl-rekonsiliasi-ringkas"]
    akhir = ringkas.data.iloc[-1]
    assert akhir["Pemeriksaan"] == "Jumlah"
    assert int(akhir["Jumlah pemeriksaan"]) == len(rekon)
    selisih = int((rekon["verdict"] == "selisih").sum())
    assert int(akhir["Selisih"]) == selisih
    assert sum(int(v) for v in ringkas.data["Jumlah pemeriksaan"][:-1]) == len(rekon)
    daftar = tabel["tbl-rekonsiliasi"]
    assert len(daftar.tampil) == selisih
    assert "+16.334.000" in set(daftar.tampil["Selisih"])


def test_rekonsiliasi_dari_csv_sama(bahan, tabel):
    """The notebook reads reconciliation.csv back as text: the tables must not change."""
    data, angka, rekon = bahan
    teks = rekon.to_csv(index=False, lineterminator="\n")
    kembali = pd.read_csv(io.StringIO(teks), dtype=str, keep_default_na=False)
    ts = {t.id: t for t in semua_tabel(data, angka, kembali)}
    for tid in ("tbl-rekonsiliasi-ringkas", "tbl-rekonsiliasi"):
        assert ts[tid].tampil.equals(tabel[tid].tampil)


# --------------------------------------------------------------------------- files


def _tabel_jahat() -> TabelLaporan:
    kolom = ["Uraian", "Nilai"]
    tampil = pd.DataFrame(
        {
            "Uraian": ["a | b", "*x* dan _y_", "<script>alert(1)</script>", "$x$ #h @c \\n [l](u)"],
            "Nilai": ["Rp1.000", "96,53%", "-", "12"],
        },
        dtype=object,
    )
    kunci = pd.DataFrame(
        {"Uraian": [""] * 4, "Nilai": ["k.satu", "k.dua", "", "k.\"<x>'"]}, dtype=object
    )
    return TabelLaporan(
        id="tbl-uji",
        judul="Uji <b>judul</b> | *x*",
        data=tampil.copy(),
        tampil=tampil,
        kunci=kunci[kolom],
        catatan="catatan <i>x</i>",
        tingkat=["", "", "", "total"],
    )


def test_markdown_di_escape():
    md = tabel_markdown(_tabel_jahat())
    assert "a \\| b" in md
    assert "\\*x\\* dan \\_y\\_" in md
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in md
    assert "\\$x\\$ \\#h \\@c \\\\n \\[l\\]\\(u\\)" in md
    assert "<script>" not in md
    baris = md.splitlines()
    assert baris[1].startswith("|---") and baris[1].endswith(":|")  # Nilai is right-aligned
    assert baris[-1] == ": Uji \\<b\\>judul\\<\\/b\\> \\| \\*x\\* {#tbl-uji}"
    assert md.endswith("\n")


def test_markdown_dibaca_pandoc_apa_adanya():
    pypandoc = pytest.importorskip("pypandoc")
    keluar = pypandoc.convert_text(tabel_markdown(_tabel_jahat()), "html", format="markdown")
    assert '<table id="tbl-uji"' in keluar
    assert "<script>" not in keluar and "<em>" not in keluar and "<a " not in keluar
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in keluar
    assert "a | b" in keluar and "*x* dan _y_" in keluar
    assert "<strong>12</strong>" in keluar  # total row in bold


def test_escape_markdown_baris_baru():
    assert escape_markdown("a\nb\r\nc") == "a b c"


def test_html_fragmen():
    h = tabel_html(_tabel_jahat())
    assert h.startswith('<div id="gt-tbl-uji"')
    assert "<script>" not in h and "<b>" not in h and "<i>" not in h
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in h
    assert '<span class="angka" data-key="k.satu">Rp1.000</span>' in h
    assert 'data-key="k.&quot;&lt;x&gt;&#x27;"' in h
    assert "http://" not in h and "https://" not in h and "@import" not in h


def test_html_sel_tepat_di_tempatnya():
    """Cells go into great-tables as placeholders and come back as the cells, in order."""
    t = _tabel_jahat()
    h = tabel_html(t)
    assert "QZSEL" not in h
    sel = re.findall(r"<td [^>]*class=\"gt_row[^\"]*\"[^>]*>(.*?)</td>", h, flags=re.S)
    harap = [
        f'<span class="angka" data-key="{html.escape(str(c), quote=True)}">'
        f"{html.escape(str(v), quote=True)}</span>"
        if str(c)
        else html.escape(str(v), quote=True)
        for baris_v, baris_c in zip(
            t.tampil.itertuples(index=False), t.kunci.itertuples(index=False), strict=True
        )
        for v, c in zip(baris_v, baris_c, strict=True)
    ]
    # Same text; a fence's, shortcode's or reference's characters are entities as well.
    assert [html.unescape(x) for x in sel] == [html.unescape(x) for x in harap]
    assert not [x for x in sel if re.search(r"[`{}@=]", re.sub(r"<[^>]*>", "", x))]


def test_html_judul_label_dan_catatan_selembam_sel():
    """Title, column labels and note from the data reach the fragment as text, their fence,
    shortcode and reference characters as entities, as the cells' are: the built-in
    renderer scans every line of the source for ``@tbl-`` references and conditions."""
    from dataclasses import replace

    muatan = "```{=html} {{< var x >}} @tbl-tidak-ada <b>x</b>"
    t = _tabel_jahat()
    label = f"Uraian {muatan}"
    tampil = t.tampil.rename(columns={"Uraian": label})
    t = replace(
        t,
        judul=f"Judul {muatan}",
        catatan=f"Catatan {muatan}",
        data=tampil.copy(),
        tampil=tampil,
        kunci=t.kunci.rename(columns={"Uraian": label}),
    )
    h = tabel_html(t)
    teks = [
        html.unescape(m) for m in re.findall(r">([^<>]*)<", h) if "tidak-ada" in html.unescape(m)
    ]
    assert sorted(teks) == sorted([f"Judul {muatan}", label, f"Catatan {muatan}"])
    tanpa_tag = re.sub(r"<[^>]*>", "", h[h.index("</style>") :])
    assert not re.search(r"[`{}@=]", tanpa_tag)


def test_html_pola_cadangan_ditolak():
    from dataclasses import replace

    from lakip_calc.errors import LakipError

    t = _tabel_jahat()
    with pytest.raises(LakipError, match="pola cadangan"):
        tabel_html(replace(t, judul="Judul QZSEL000000ZQ"))


def test_html_tabel_nyata(tabel, bahan):
    _, angka, _ = bahan
    for t in tabel.values():
        h = tabel_html(t)
        assert f'id="gt-{t.id}"' in h
        assert "http://" not in h and "https://" not in h and "@import" not in h
        assert not _BOCOR.search(re.sub(r"<[^>]+>", " ", h))
    h = tabel_html(tabel["tbl-realisasi-anggaran"])
    teks = angka["anggaran.total.pagu"].text
    assert f'<span class="angka" data-key="anggaran.total.pagu">{teks}</span>' in h
    assert h.count('class="angka"') == 49 * 5


def test_tulis_deterministik(tmp_path, tabel):
    pilihan = [tabel[i] for i in ("tbl-realisasi-anggaran", "tbl-rekonsiliasi", "tbl-sasaran-ss3")]
    pilihan.append(_tabel_jahat())
    for t in pilihan:
        a = tulis_tabel(t, tmp_path / "a")
        b = tulis_tabel(t, tmp_path / "b")
        c = tulis_tabel(t, tmp_path / "a")  # overwrite in place
        assert set(a) == {"csv", "html", "md"}
        for jenis in a:
            assert a[jenis].name == f"{t.id}.{jenis}"
            assert a[jenis].read_bytes() == b[jenis].read_bytes() == c[jenis].read_bytes()
            assert b"\r\n" not in a[jenis].read_bytes()
    # No temporary file is left behind.
    assert sorted(p.name for p in (tmp_path / "a").iterdir() if p.name.startswith(".")) == []


def test_csv_rapi(tmp_path, tabel):
    t = tabel["tbl-realisasi-anggaran"]
    p = tulis_tabel(t, tmp_path)["csv"]
    kembali = pd.read_csv(p, dtype=str, keep_default_na=False)
    assert list(kembali.columns) == list(t.data.columns)
    assert kembali.iloc[-1]["Pagu (Rp)"] == "5148323747"
    assert p.read_bytes().decode("utf-8").endswith("\n")


def test_csv_tidak_memulai_rumus(tmp_path):
    """Open data: a text cell that a spreadsheet would run as a formula gets a leading
    quote (OWASP); numbers, also negative ones, and the lone "-" stay as they are."""
    import csv

    uraian = [
        '=HYPERLINK("http://contoh.invalid","klik")',
        "+62 811",
        "@SUM(A1)",
        "\tx",
        "-x",
        "Biasa",
    ]
    data = pd.DataFrame(
        {"Uraian": uraian, "Nilai": ["-12.5", "-", "3", "+4", "0", "7"]}, dtype=object
    )
    t = TabelLaporan(
        id="tbl-rumus",
        judul="Rumus",
        data=data,
        tampil=data.copy(),
        kunci=pd.DataFrame({"Uraian": [""] * 6, "Nilai": [""] * 6}, dtype=object),
        catatan="",
        tingkat=None,
    )
    berkas = tulis_tabel(t, tmp_path)["csv"]
    baris = list(csv.reader(io.StringIO(berkas.read_text(encoding="utf-8"))))[1:]
    assert [b[0] for b in baris] == [
        "'" + uraian[0],
        "'+62 811",
        "'@SUM(A1)",
        "'\tx",
        "'-x",
        "Biasa",
    ]
    assert [b[1] for b in baris] == ["-12.5", "-", "3", "+4", "0", "7"]
    for b in baris:
        assert not b[0].startswith(("=", "+", "-", "@", "\t", "\r")), b


def test_lebar_kolom_angka_tidak_tertimpa() -> None:
    """A number column (never wrapped) keeps the room its longest cell needs; the text
    columns, which wrap, give it up. A table whose numbers fit is left as the content says."""
    from lakip_calc.isi.tulis import _BARIS_PENUH, lebar_kolom

    pas = lebar_kolom([12, 8, 30], [False, True, False])
    assert pas == [12, 8, 30]
    lebar = [60, 30, 17, 15, 12, 60]  # the reconciliation: place, key, three amounts, note
    angka = [False, False, True, True, True, False]
    hasil = lebar_kolom(lebar, angka)
    jumlah = sum(hasil)
    for n, w, d in zip(lebar, hasil, angka, strict=True):
        if d:  # each amount's share of the line holds its longest cell
            assert w * _BARIS_PENUH >= n * jumlah
    assert hasil[0] > hasil[1]  # text columns still in proportion to their length
    # numbers too wide for any split: the widths follow the content
    assert lebar_kolom([10, 50, 50], [False, True, True]) == [10, 40, 40]


def test_markdown_tiap_kolom_selebar_kata_terpanjangnya() -> None:
    """A pipe table's dashes are the columns' relative widths in the PDF and DOCX; a
    column narrower than its longest word (a word does not wrap) runs into the next
    one ("TargetRealisasi"). A number column's header wraps between its words."""
    kolom = ["Uraian", "Satuan", "Target", "Realisasi 2023", "% Capaian"]
    tampil = pd.DataFrame(
        {
            "Uraian": ["Meningkatnya Kesejahteraan Pemerlu Pelayanan " * 3] * 2,
            "Satuan": ["orang", "kecamatan"],
            "Target": ["5%", "7"],
            "Realisasi 2023": ["4%", "7"],
            "% Capaian": ["80,00%", "100,00%"],
        },
        dtype=object,
    )
    kunci = pd.DataFrame({k: ["", ""] if k in kolom[:2] else ["a", "b"] for k in kolom})
    t = TabelLaporan(
        id="tbl-lebar",
        judul="Lebar kolom",
        data=tampil.copy(),
        tampil=tampil,
        kunci=kunci,
        catatan="",
        tingkat=["", ""],
    )
    pemisah = tabel_markdown(t).splitlines()[1]
    lebar = [len(s) for s in pemisah.strip("|").split("|")]
    for k, n in zip(kolom, lebar, strict=True):
        kata = [w for teks in [k, *tampil[k]] for w in teks.split()]
        assert n > max(map(len, kata)), (k, pemisah)
    assert lebar[0] == max(lebar)  # the long text still gets the most room


def _tabel_kolom(n: int, kata: str, isi: str = "99%") -> TabelLaporan:
    """A table of ``n`` number columns headed "``kata`` <i>", one row of ``isi``."""
    kolom = [f"{kata} {i}" for i in range(n)]
    tampil = pd.DataFrame({k: [isi] for k in kolom}, dtype=object)
    return TabelLaporan(
        id="tbl-kolom",
        judul="Banyak kolom",
        data=tampil.copy(),
        tampil=tampil,
        kunci=pd.DataFrame({k: ["a"] for k in kolom}),
        catatan="",
        tingkat=[""],
    )


def test_markdown_tabel_yang_katanya_lebih_lebar_dari_halaman_berhuruf_kecil() -> None:
    """Ten columns whose headers hold a 9-letter word need 10 x 13 characters, more than
    a line of the page at 9.5 pt: the table is set in small type in the PDF and the DOCX
    (the extension's ``.tabel-kecil``), each column as wide as its longest word needs.
    Five such columns fit, and so do ten short ones; ten whose cells hold a long number
    do not."""
    lebar = tabel_markdown(_tabel_kolom(10, "Realisasi"))
    assert lebar.startswith("::: {.tabel-kecil}\n| Realisasi 0 |")
    assert lebar.splitlines()[2] == "|" + "|".join(["-" * 12 + ":"] * 10) + "|"
    assert lebar.endswith("{#tbl-kolom}\n\n:::\n")
    uraian = _tabel_kolom(10, "Realisasi")
    uraian.tampil.insert(0, "Uraian", ["kata " * 30])
    uraian.kunci.insert(0, "Uraian", [""])
    pemisah = tabel_markdown(uraian).splitlines()[2].strip("|").split("|")
    assert pemisah[0] == "-" * len("Uraian    ")  # its longest word and room: the text wraps
    for muat in (_tabel_kolom(5, "Realisasi"), _tabel_kolom(10, "Th")):
        assert tabel_markdown(muat).startswith("| ")
    assert tabel_markdown(_tabel_kolom(10, "Th", "Rp1.234.567")).startswith("::: {.tabel-kecil}")
