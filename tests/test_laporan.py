"""End to end: the session's build of 2023 (``build_bersama``), and what it must contain."""

from __future__ import annotations

import csv
import importlib
import inspect
import itertools
import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from _docx import W, badan_docx, paragraf_docx

from lakip_calc.bangun.pipeline import LANGKAH
from lakip_calc.masukan.loader import muat_tahun

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
_VAR = re.compile(r"\{\{<\s*var\s+([A-Za-z0-9_.\-]+)\s*>\}\}")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def build(build_bersama) -> Path:
    """The session's build of a copy of ``data/2023`` (built-in renderer)."""
    return build_bersama.folder


@pytest.fixture(scope="module")
def numbers(build) -> dict[str, dict]:
    return {d["key"]: d for d in json.loads((build / "numbers.json").read_text(encoding="utf-8"))}


def test_outputs_exist(build):
    for name in (
        "numbers.json",
        "reconciliation.csv",
        "build.log",
        "lakip-2023.html",
        "lakip-2023.pdf",
        "lakip-2023.docx",
    ):
        assert (build / name).is_file(), name
    assert len(list((build / "notebooks").glob("*.ipynb"))) == len(LANGKAH)
    assert (build / "tables" / "tbl-realisasi-anggaran.csv").is_file()
    assert (build / "charts" / "fig-target-realisasi.svg").is_file()
    log = (build / "build.log").read_text(encoding="utf-8")
    for nb in (
        "01_anggaran",
        "02_kinerja",
        "03_keluaran",
        "04_rekonsiliasi",
        "05_grafik",
        "06_tabel",
    ):
        assert nb in log


def test_every_published_figure_has_a_computed_number(numbers):
    data = muat_tahun(2023)
    acuan = {a for a in data["angka_terbit"]["acuan"] if not a.startswith("predikat.")}
    assert acuan - set(numbers) == set()


def test_every_var_in_sources_exists(numbers):
    keys = set()
    for p in list((ROOT / "report").glob("*.qmd")) + list((DATA / "2023" / "teks").rglob("*")):
        if p.is_file():
            keys |= set(_VAR.findall(p.read_text(encoding="utf-8")))
    keys = {k for k in keys if not k.startswith("profil.")}
    assert keys and keys - set(numbers) == set()


def _csv_cells(path: Path) -> tuple[list[str], int]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], len(rows)


def test_provenance_of_every_number_resolves(build, numbers):
    cache: dict[str, tuple[list[str], int]] = {}
    for key, d in numbers.items():
        assert set(d) >= {
            "key",
            "value",
            "text",
            "unit",
            "formula",
            "inputs",
            "code",
            "notebook",
        }, key
        assert d["text"] and d["formula"], key
        for s in d["inputs"]:
            p = DATA / "2023" / s["file"]
            if s["file"] not in cache:
                cache[s["file"]] = _csv_cells(p)
            header, nrows = cache[s["file"]]
            assert s["column"] in header, (key, s)
            assert 2 <= s["row"] <= nrows, (key, s)
        # module:function@lakip_calc/file.py:line, the line inside that function
        fungsi, letak = d["code"].split("@")
        mod, func = fungsi.split(":")
        obj = getattr(importlib.import_module(mod), func)
        assert callable(obj), key
        berkas, baris = letak.rsplit(":", 1)
        assert Path(inspect.getsourcefile(obj)).as_posix().endswith("/" + berkas), key
        sumber, awal = inspect.getsourcelines(obj)
        assert awal <= int(baris) < awal + len(sumber), key
        nb_path, cell = d["notebook"].split("#")
        nb = nbformat.read(build / Path(nb_path).relative_to("build/2023"), as_version=4)
        assert cell in {c.get("id") for c in nb.cells}, key


def test_data_inputs_point_at_the_right_cell(numbers):
    d = numbers["anggaran.1.2.1.pagu"]
    (s,) = d["inputs"]
    with (DATA / "2023" / s["file"]).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[s["row"] - 2][s["column"]] == d["value"]


def _pdf_text(pdf: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _docx_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        return z.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_no_nan_none_or_unfilled_shortcode(build, fmt):
    p = build / f"lakip-2023.{fmt}"
    if fmt == "html":
        text = p.read_text(encoding="utf-8")
    elif fmt == "pdf":
        text = _pdf_text(p)
        if text is None:
            pytest.skip("pdftotext tidak terpasang")
    else:
        text = _docx_text(p)
    assert "{{<" not in text and "{{&lt;" not in text
    for kata in ("nan", "NaN", "None", "null"):
        assert not re.search(
            rf"(?<![A-Za-z]){kata}(?![A-Za-z])", _visible(text) if fmt == "html" else text
        ), kata


class _Teks(HTMLParser):
    """Visible text, split into: inside number spans, inside tables, elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.span_keys: list[tuple[str, str]] = []
        self.bebas: list[str] = []
        self._key: str | None = None
        self._buf: list[str] = []
        self.skip = 0
        self.table = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "table":
            self.table += 1
        if tag == "span" and "angka" in (a.get("class") or "").split() and a.get("data-key"):
            self._key, self._buf = a["data-key"], []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "table":
            self.table -= 1
        if tag == "span" and self._key is not None:
            self.span_keys.append((self._key, "".join(self._buf)))
            self._key = None

    def handle_data(self, data):
        if self.skip:
            return
        if self._key is not None:
            self._buf.append(data)
        elif not self.table:
            self.bebas.append(data)


def _visible(html: str) -> str:
    p = _Teks()
    p.feed(html)
    return " ".join(p.bebas) + " ".join(t for _, t in p.span_keys)


def test_html_numbers_are_traceable(build, numbers):
    html = (build / "lakip-2023.html").read_text(encoding="utf-8")
    p = _Teks()
    p.feed(html)
    assert len(p.span_keys) > 100
    for key, text in p.span_keys:
        assert key in numbers, key
        assert text.startswith(numbers[key]["text"]), (key, text)
    # no computed-looking figure (money, decimal percentage, grouped thousands) outside the spans
    prosa = " ".join(p.bebas)
    liar = re.findall(r"Rp\s?\d|\d+,\d+\s?%|\d{1,3}(?:\.\d{3}){2,}", prosa)
    assert liar == []


def test_html_is_self_contained(build):
    html = (build / "lakip-2023.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']https?://""", html)
    assert "@import" not in html
    assert 'lang="id"' in html


def test_jejak_angka_anchor_for_every_number(build, numbers):
    """Every number has its row in the companion, and the signed report's links go there."""
    from lakip_calc.isi.narasi import slug

    pendamping = (build / "jejak-angka-2023.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="(jejak-[^"]+)"', pendamping))
    assert {slug(k) for k in numbers} <= ids
    laporan = (build / "lakip-2023.html").read_text(encoding="utf-8")
    tautan = re.findall(r'<a href="([^"]*)" class="tautan-angka"', laporan)
    assert len(tautan) > 100
    assert {t.split("#")[0] for t in tautan} == {"jejak-angka-2023.html"}
    assert {t.split("#")[1] for t in tautan} <= ids


def test_numbers_in_tables_link_to_their_row_as_numbers_in_the_text(build):
    """A number in a table is a link to its Jejak Angka row, with its source as hover text,
    as a number of the text is (the fragments are changed when the project is staged)."""
    import html

    from lakip_calc.isi.narasi import slug

    laporan = (build / "lakip-2023.html").read_text(encoding="utf-8")
    tabel = "".join(re.findall(r'<table class="gt_table".*?</table>', laporan, re.S))
    sel = re.findall(
        r'(<a href="[^"]*" class="tautan-angka">)?<span class="angka" data-key="([^"]+)"'
        r'( title="[^"]+")?',
        tabel,
    )
    assert len(sel) > 300
    for tautan, kunci, judul in sel:
        tujuan = f"jejak-angka-2023.html#{slug(html.unescape(kunci))}"
        assert tautan == f'<a href="{tujuan}" class="tautan-angka">', kunci
        assert judul, kunci


def test_table_number_link_and_source_stay_inert_in_the_raw_html_block(tmp_path):
    """A source text with a fence, a line break and markup stays one escaped line in the
    table fragment, which the report puts inside a raw HTML block."""
    from lakip_calc.bangun.laporan import beri_sumber_tabel
    from lakip_calc.hitungan.angka import KumpulanAngka

    angka = KumpulanAngka()
    angka.tambah("uji.x", 5, "nilai", "a\n```{=html}\n<b>{{< var x >}}", [], "kode")
    fragmen = tmp_path / "tbl-uji.html"
    fragmen.write_text('<td><span class="angka" data-key="uji.x">5</span></td>\n')
    beri_sumber_tabel(tmp_path, angka, "jejak-angka-2023.html")
    teks = fragmen.read_text()
    assert teks.count("\n") == 1 and "`" not in teks and "<b>" not in teks and "{" not in teks
    assert teks.startswith('<td><a href="jejak-angka-2023.html#jejak-uji-x" class="tautan-angka">')
    assert 'data-key="uji.x" title="a &#96;&#96;&#96;&#123;&#61;html&#125; &lt;b&gt;' in teks


def test_signed_report_holds_no_build_material(build):
    """The audit trail is in the companion; the signed report names it with its SHA-256."""
    import hashlib

    laporan = subprocess.run(
        ["pdftotext", str(build / "lakip-2023.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "lakip_calc" not in laporan and ".ipynb" not in laporan
    rata = " ".join(laporan.split())
    for catatan in ("sumber mencetak", "Lampiran Rekonsiliasi", "penyusun data", "tercetak"):
        assert catatan not in rata, catatan  # data-maintenance notes stay in the data
    assert "Jejak angka: setiap angka laporan" not in laporan  # the companion's table
    sidik = hashlib.sha256((build / "jejak-angka-2023.pdf").read_bytes()).hexdigest()
    assert sidik in " ".join(laporan.split())
    pendamping = subprocess.run(
        ["pdftotext", str(build / "jejak-angka-2023.pdf"), "-"], capture_output=True, text=True
    ).stdout
    for judul in ("Jejak Angka", "Rekonsiliasi dengan Dokumen Sumber", "Rincian Pembangunan"):
        assert judul.upper() in pendamping.upper(), judul
    assert "Jejak angka: setiap angka laporan" in " ".join(pendamping.split())


def test_list_items_of_the_definitions_are_in_every_format(build):
    """The `butir` lists of definisi_sasaran.yaml reach the HTML, the PDF and the DOCX."""
    import html as html_

    import yaml

    from lakip_calc.paths import DATA

    definisi = yaml.safe_load((DATA / "2023" / "teks" / "definisi_sasaran.yaml").read_text())
    butir = [b for v in definisi.values() if isinstance(v, dict) for b in v.get("butir", [])]
    assert butir
    teks_html = html_.unescape(re.sub(r"<[^>]+>", " ", (build / "lakip-2023.html").read_text()))
    pdf = subprocess.run(
        ["pdftotext", str(build / "lakip-2023.pdf"), "-"], capture_output=True, text=True
    ).stdout
    with zipfile.ZipFile(build / "lakip-2023.docx") as z:
        docx = html_.unescape(re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode()))
    for teks in (teks_html, pdf, docx):
        rata = " ".join(teks.split())
        for b in butir:
            assert " ".join(b.split()) in rata, b[:40]


def test_docx_fills_its_contents_on_open_and_has_an_unnumbered_cover(build):
    """Word updates the contents field when it opens the file; the cover (the title block)
    is a page of its own without a page number; table rows do not split; headers repeat."""
    with zipfile.ZipFile(build / "lakip-2023.docx") as z:
        dokumen = z.read("word/document.xml").decode("utf-8")
        pengaturan = z.read("word/settings.xml").decode("utf-8")
        gaya = z.read("word/styles.xml").decode("utf-8")
    assert re.search(r'<w:updateFields w:val="true"\s*/>', pengaturan)
    assert 'TOC \\o "1-3"' in dokumen
    bagian = dokumen[dokumen.rindex("<w:sectPr") :]
    assert re.search(r"<w:titlePg\s*/>", bagian) and "footerReference" in bagian
    pemisah = re.search(r'<w:br w:type="page"\s*/>', dokumen).start()
    assert "Laporan Kinerja Instansi Pemerintah" in dokumen[:pemisah]  # the title before it
    assert "Kata Pengantar" not in dokumen[:pemisah]
    tabel = gaya[gaya.index('w:styleId="Table"') :]
    assert re.search(r"<w:cantSplit\s*/>", tabel[: tabel.index("</w:style>")])
    assert dokumen.count("<w:tblHeader") >= 10


def test_docx_lines_broken_by_hand_stay_whole_and_the_agreement_title_is_centred(build):
    """A justified paragraph with line breaks (the parties of the Perjanjian Kinerja:
    "Nama: ... / Jabatan: ...") is not stretched across the line (Word's compatibility
    setting doNotExpandShiftReturn); the agreement's title is centred in its own style."""
    with zipfile.ZipFile(build / "lakip-2023.docx") as z:
        dokumen = z.read("word/document.xml").decode("utf-8")
        pengaturan = z.read("word/settings.xml").decode("utf-8")
        gaya = z.read("word/styles.xml").decode("utf-8")
    compat = re.search(r"<w:compat>(.*?)</w:compat>", pengaturan, re.S)
    assert compat and re.search(r"<w:doNotExpandShiftReturn\s*/>", compat.group(1))
    judul = dokumen[: dokumen.index("PERJANJIAN KINERJA TAHUN")]
    assert judul[judul.rindex("<w:p>") :].count('<w:pStyle w:val="JudulDokumen" />') == 1
    gaya_judul = gaya[gaya.index('w:styleId="JudulDokumen"') :]
    assert '<w:jc w:val="center" />' in gaya_judul[: gaya_judul.index("</w:style>")]


def test_docx_every_chapter_starts_a_page_without_a_blank_one(build):
    """As in the PDF: each level-1 heading (Kata Pengantar, Daftar Isi, BAB I ...,
    Lampiran) opens a page, and no two page breaks follow each other."""
    paragraf = paragraf_docx(build / "lakip-2023.docx")
    pisah = [i for i, (_, teks) in enumerate(paragraf) if teks == "\f"]  # a break alone
    judul = [i for i, (gaya, _) in enumerate(paragraf) if gaya == "Heading1"]
    assert len(judul) >= 9
    assert all(i - 1 in pisah for i in judul)
    assert all(b - a > 1 for a, b in itertools.pairwise(pisah))


def test_docx_parties_of_the_agreement_sign_side_by_side(build):
    """As in the PDF: PIHAK KEDUA and PIHAK PERTAMA of the Perjanjian Kinerja sign in the
    two cells of one row, a table in the reference document's borderless style."""

    def teks(el) -> str:
        return "".join(t.text or "" for t in el.iter(f"{W}t"))

    tabel = [t for t in badan_docx(build / "lakip-2023.docx").iter(f"{W}tbl") if "PIHAK" in teks(t)]
    assert len(tabel) == 1
    sel = tabel[0].findall(f"{W}tr/{W}tc")
    assert [("PIHAK KEDUA," in teks(c), "PIHAK PERTAMA," in teks(c)) for c in sel] == [
        (True, False),
        (False, True),
    ]
    gaya = tabel[0].find(f"{W}tblPr/{W}tblStyle").get(f"{W}val")
    with zipfile.ZipFile(build / "lakip-2023.docx") as z:
        semua = z.read("word/styles.xml").decode("utf-8")
    definisi = semua[semua.index(f'w:styleId="{gaya}"') :]
    garis = re.search(
        r"<w:tblBorders>(.*?)</w:tblBorders>", definisi[: definisi.index("</w:style>")]
    )
    assert garis and set(re.findall(r'w:val="(\w+)"', garis.group(1))) == {"nil"}


def test_every_text_fragment_is_in_every_format(build):
    """Every paragraph, list item and YAML text of data/2023/teks reaches HTML, PDF and DOCX."""
    from _teks import teks_dokumen, teks_hilang

    assert teks_hilang(DATA / "2023" / "teks", teks_dokumen(build, "lakip-2023")) == []


def test_pdf_text_has_no_invisible_characters(build):
    """Searching or copying from the PDF finds the text as printed: no zero-width spaces,
    word joiners, soft hyphens or other format characters."""
    import unicodedata

    pdf = subprocess.run(
        ["pdftotext", str(build / "lakip-2023.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert [f"U+{ord(c):04X}" for c in set(pdf) if unicodedata.category(c) == "Cf"] == []
    assert "\u00ad" not in pdf


def test_links_to_notebook_cells_resolve_inside_the_build(build):
    """The companion's links to notebook cells land on a page and a cell in build/<YEAR>/."""
    pendamping = (build / "jejak-angka-2023.html").read_text(encoding="utf-8")
    tautan = set(re.findall(r'href="(notebooks/[^"#]+\.html)#([^"]+)"', pendamping))
    assert tautan
    for berkas, sel in tautan:
        halaman = build / berkas
        assert halaman.is_file(), berkas
        assert f'id="{sel}"' in halaman.read_text(encoding="utf-8"), (berkas, sel)


def test_captions_are_the_same_in_every_format(build):
    """Every numbered table and figure has one caption, printed the same in HTML, PDF, DOCX."""
    import html as html_

    from _teks import rata, teks_dokumen

    isi = (build / "lakip-2023.html").read_text(encoding="utf-8")
    judul = [
        " ".join(html_.unescape(re.sub(r"<[^>]+>", "", c)).split())
        for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", isi, re.S)
    ]
    assert len(judul) > 15 and all(re.match(r"(Tabel|Gambar) \d+: ", j) for j in judul)
    dokumen = teks_dokumen(build, "lakip-2023")
    for fmt in ("pdf", "docx"):
        hilang = [j for j in judul if rata(j) not in dokumen[fmt]]
        assert hilang == [], fmt
