"""Tests of the built-in renderer (lakip_calc.render.builtin) and of choosing a renderer.

The renderer drives pandoc and Typst with the report's own Quarto extension
(``_extensions/lakip``). Each test project is a copy of a small Quarto project
(tests/fixtures/render/dasar, or a few files written here) with that extension,
rendered into tmp_path; the outputs are read back: the HTML with html.parser,
the PDF with ``pdftotext``, the DOCX from ``word/document.xml``.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from _docx import paragraf_docx

from lakip_calc.errors import RenderError
from lakip_calc.render import choose_renderer, render_project
from lakip_calc.render._variables import markdown_text, quarto_var_keys
from lakip_calc.render.builtin import builtin_versions

ROOT = Path(__file__).resolve().parents[1]
EXTENSIONS = ROOT / "_extensions"
FIXTURE = Path(__file__).parent / "fixtures" / "render" / "dasar"
FORMATS = ("html", "pdf", "docx")
slow = pytest.mark.slow

#: A 1x1 PNG (the test project's picture, written by ``sebelum_gambar``).
PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)
#: Plain text full of Markdown, HTML and Typst markup: it must stay text.
NAMA = "Dinas *x* <script>alert(1)</script> #set text(red) $5 `kode` _z_"
VARIABLES = {
    "tahun": "2023",
    "nama": markdown_text(NAMA),
    "jumlah": 4,
    "anggaran": {
        # The span form the pipeline writes, and the {text, title} mapping.
        "total": {
            "persen_keuangan": '[96\\,53\\%]{.angka data-key="anggaran.total.persen_keuangan" '
            'title="Σ realisasi ÷ Σ pagu"}'
        },
        "1.2.pagu": {"text": "Rp1.278.000", "title": "pagu program 1.2"},
    },
}
#: A minimal project for the small cases (files written by ``_project``).
QUARTO_YML = """\
project:
  render: [index.qmd]
title: "Uji {{< var tahun >}}"
format:
  lakip-html: {}
  lakip-typst: {}
  lakip-docx: {}
"""


# -- reading the outputs ------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split())


class _Node:
    """An HTML element: tag, attributes, parent, children (elements and strings)."""

    def __init__(self, tag: str, attrs: list, parent: _Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list[_Node | str] = []

    @property
    def text(self) -> str:
        return _norm("".join(c if isinstance(c, str) else c.text for c in self.children))

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, _Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[_Node]:
        def wanted(n: _Node) -> bool:
            return tag in (None, n.tag) and cls in (None, *(n.attrs.get("class") or "").split())

        return [n for n in self.iter() if wanted(n)]

    def find(self, tag: str | None = None, cls: str | None = None) -> _Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}>"
        return found[0]


class _Parser(HTMLParser):
    VOID = {"meta", "link", "img", "br", "hr", "input", "col", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = _Node("#document", [], None)

    def handle_starttag(self, tag, attrs):
        self.current.children.append(node := _Node(tag, attrs, self.current))
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.tag == tag:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def _dom(html: str) -> _Node:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.root


def _pdf_pages(path: Path, *, raw: bool = False) -> list[str]:
    """The text of each page (``raw``: in content-stream order, for rotated text)."""
    command = ["pdftotext", *(["-raw"] if raw else []), str(path), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def _page_of(pages: list[str], text: str) -> int:
    return next(i for i, page in enumerate(pages) if text in _norm(page))


def _read(paths: dict[str, Path]) -> SimpleNamespace:
    """The outputs, parsed, and the whole text of each (whitespace normalised)."""
    out = SimpleNamespace(paths=paths)
    out.html = paths["html"].read_text(encoding="utf-8")
    out.dom = _dom(out.html)
    out.pdf = _pdf_pages(paths["pdf"])
    out.pdf_raw = _pdf_pages(paths["pdf"], raw=True)
    out.docx = paragraf_docx(paths["docx"])
    with zipfile.ZipFile(paths["docx"]) as archive:
        out.docx_xml = archive.read("word/document.xml").decode("utf-8")
    out.text = {
        "html": out.dom.find("main").text,
        "pdf": _norm(" ".join(out.pdf)),
        "docx": _norm(" ".join(text for _, text in out.docx)),
    }
    return out


# -- projects -----------------------------------------------------------------------------


def _render_dasar(base: Path, extra_config: str = "") -> dict[str, Path]:
    """Copy the fixture project into ``base/proj`` with the extension, its
    _variables.yml and ``extra_config`` for _quarto.yml; render it into
    ``base/keluaran`` (``sebelum_gambar`` draws its picture)."""
    root = base / "proj"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(EXTENSIONS, root / "_extensions")
    variables = yaml.safe_dump(VARIABLES, allow_unicode=True)
    (root / "_variables.yml").write_text(variables, encoding="utf-8")
    with (root / "_quarto.yml").open("a", encoding="utf-8") as config:
        config.write(extra_config)

    def draw() -> None:
        (root / "gambar.png").write_bytes(base64.b64decode(PNG_B64))

    return render_project(root, base / "keluaran", sebelum_gambar=draw)


def _project(root: Path, files: dict[str, str], variables: str = 'tahun: "2023"\n') -> Path:
    """A minimal project: ``files`` (name -> text) over QUARTO_YML and ``variables``."""
    root.mkdir(parents=True)
    shutil.copytree(EXTENSIONS, root / "_extensions")
    (root / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
    (root / "_variables.yml").write_text(variables, encoding="utf-8")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def dasar(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The fixture project rendered once into all formats (default creation date)."""
    base = tmp_path_factory.mktemp("dasar")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        result = _read(_render_dasar(base))
    result.base = base
    return result


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    base = tmp_path_factory.mktemp("draft")
    return _read(_render_dasar(base, 'lakip-draft: true\nlakip-draft-text: "DRAFT UJI"\n'))


# -- outputs ------------------------------------------------------------------------------


@slow
def test_every_format_is_written_under_its_name(dasar):
    out = dasar.base / "keluaran"
    assert dasar.paths == {fmt: out / f"index.{fmt}" for fmt in FORMATS}
    assert sorted(p.name for p in out.iterdir()) == ["index.docx", "index.html", "index.pdf"]
    assert dasar.html.startswith("<!DOCTYPE html>")
    assert dasar.paths["pdf"].read_bytes().startswith(b"%PDF-")
    assert dasar.docx[0] == ("Title", "Laporan Uji 2023")
    # Nothing the render put next to the sources is left behind.
    assert not [p.name for p in (dasar.base / "proj").iterdir() if p.name.startswith(".")]


@slow
def test_chosen_formats_basename_and_relative_paths(tmp_path, monkeypatch):
    _project(tmp_path / "proj", {"index.qmd": "Tahun {{< var tahun >}}.\n"})
    monkeypatch.chdir(tmp_path)
    paths = render_project(Path("proj"), Path("keluaran/a"), formats=["DOCX"], basename="uji")
    assert paths == {"docx": tmp_path / "keluaran/a/uji.docx"}
    assert [p.name for p in (tmp_path / "keluaran/a").iterdir()] == ["uji.docx"]
    assert "Tahun 2023." in [text for _, text in paragraf_docx(paths["docx"])]
    with pytest.raises(RenderError, match="format keluaran tidak dikenal: 'odt'"):
        render_project(Path("proj"), Path("lain"), formats=("html", "odt"))
    assert not Path("lain").exists()


@slow
def test_rendering_twice_gives_identical_files(dasar, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = _render_dasar(tmp_path / "lain")
    for fmt in FORMATS:
        assert again[fmt].read_bytes() == dasar.paths[fmt].read_bytes(), fmt
    # Without SOURCE_DATE_EPOCH the creation date is the fixed default, 2000-01-01.
    assert b"/CreationDate(D:20000101000000Z)" in again["pdf"].read_bytes()
    with zipfile.ZipFile(again["docx"]) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert ">2000-01-01T00:00:00Z</dcterms:created>" in core


@slow
def test_html_is_self_contained_and_names_its_generator(dasar):
    links = [n.attrs[a] for n in dasar.dom.iter() for a in ("src", "href") if n.attrs.get(a)]
    assert links and all(link.startswith(("#", "data:")) for link in links), links
    assert not dasar.dom.find_all("link")
    [image] = dasar.dom.find("main").find_all("img")
    assert image.attrs["src"] == f"data:image/png;base64,{PNG_B64}"  # drawn by sebelum_gambar
    [meta] = [m for m in dasar.dom.find_all("meta") if m.attrs.get("name") == "generator"]
    assert meta.attrs["content"].startswith("lakip_calc renderer bawaan")
    assert f"pandoc {builtin_versions()['pandoc']}" in meta.attrs["content"]


# -- variables ----------------------------------------------------------------------------


@slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_variables_show_their_text(dasar, fmt):
    text = dasar.text[fmt]
    assert "Laporan tahun 2023" in text
    assert NAMA in text  # plain text stays text: no emphasis, no HTML, no Typst code
    assert "jumlah sasaran 4." in text
    assert "Realisasi keuangan 96,53% dari pagu program Rp1.278.000." in text
    assert "Tulisan {{< var tahun >}} tetap tulisan." in text
    if fmt == "html":
        assert not dasar.dom.find("main").find_all("script")
        assert not dasar.dom.find("main").find_all("em")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dasar.html


@slow
def test_number_spans_link_to_their_trace_in_html(dasar):
    spans = dasar.dom.find_all("span", "angka")
    assert [s.parent.tag for s in spans] == ["a", "a"]
    found = [(s.parent.attrs["href"], s.attrs["data-key"], s.attrs["title"], s.text) for s in spans]
    assert found == [
        ("#jejak-anggaran-total-persen-keuangan", "anggaran.total.persen_keuangan",
         "Σ realisasi ÷ Σ pagu", "96,53%"),
        ("#jejak-anggaran-1-2-pagu", "anggaran.1.2.pagu", "pagu program 1.2", "Rp1.278.000"),
    ]  # fmt: skip
    assert "jejak-" not in dasar.docx_xml  # only HTML links a number


def test_escaped_dot_key_is_the_form_the_pipeline_writes():
    written = quarto_var_keys("{{< var anggaran.1.2.pagu >}}")
    assert written == '{{< var "anggaran.1\\.2\\.pagu" >}}'
    assert written in (FIXTURE / "index.qmd").read_text(encoding="utf-8")


@slow
def test_variables_argument_overrides_the_file(tmp_path):
    root = _project(
        tmp_path / "proj",
        {"index.qmd": "Tahun {{< var tahun >}}, {{< var unit >}}.\n"},
        variables='tahun: "2023"\nunit: Dinas Sosial\n',
    )
    paths = render_project(
        root, tmp_path / "keluaran", formats=["html"], variables={"tahun": "2099"}
    )
    dom = _dom(paths["html"].read_text(encoding="utf-8"))
    assert dom.find("h1", "title").text == "Uji 2099"
    assert dom.find("main").text == "Tahun 2099, Dinas Sosial."


# -- includes, numbered tables and figures, conditional content -----------------------------


@slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_nested_includes_are_relative_to_the_rendered_file(dasar, fmt):
    text = dasar.text[fmt]
    assert "Bagian A dimuat. Bagian B dicari relatif terhadap index.qmd." in text
    assert "SALAH" not in text and "FRONTMATTERBAGIAN" not in text and "tidak tampil" not in text


@slow
def test_numbered_tables_and_figures_in_html(dasar):
    figures = {f.attrs["id"]: f for f in dasar.dom.find_all("figure")}
    captions = {key: f.find("figcaption").text for key, f in figures.items()}
    assert captions == {
        "tbl-a": "Tabel 1: Tabel pertama",
        "tbl-b": "Tabel 2: Tabel kedua",
        "fig-a": "Gambar 1: Grafik pertama",
    }
    assert [td.text for td in figures["tbl-b"].find_all("td")] == ["SELHTML"]
    refs = [(a.attrs["href"], a.text) for a in dasar.dom.find_all("a", "quarto-xref")]
    assert refs == [("#tbl-a", "Tabel 1"), ("#tbl-b", "Tabel 2"), ("#fig-a", "Gambar 1")]


@slow
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_numbered_tables_and_figures_in_print(dasar, fmt):
    text = dasar.text[fmt]
    assert "Lihat Tabel 1, Tabel 2 dan Gambar 1." in text
    for caption in ("Tabel 1: Tabel pertama", "Tabel 2: Tabel kedua", "Gambar 1: Grafik pertama"):
        assert caption in text
    # The table without caption and the print variant of tbl-b take no number of their own.
    assert "Tabel 3" not in text and "Gambar 2" not in text
    assert "SELCETAK" in text and "SELHTML" not in text


@slow
def test_docx_table_cells_in_the_reference_table_styles(dasar):
    """9.5 pt as the PDF's tables ("Isi Tabel"); 8 pt in a `.tabel-kecil`; not pandoc's
    "Compact", which the reference document leaves at the body's size."""
    gaya = {_norm(teks): g for g, teks in dasar.docx}
    assert gaya["satu"] == gaya["Uraian"] == gaya["SELCETAK"] == "IsiTabel"
    assert gaya["SELKECIL"] == "IsiTabelKecil"
    with zipfile.ZipFile(dasar.paths["docx"]) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    for nama, ukuran in (("IsiTabel", 19), ("IsiTabelKecil", 16)):
        gaya_xml = re.search(rf'w:styleId="{nama}".*?</w:style>', styles, re.S)
        assert gaya_xml and f'<w:sz w:val="{ukuran}"' in gaya_xml.group(0)


@slow
def test_docx_table_caption_above_its_table_figure_caption_below(dasar):
    """As in the PDF and the HTML: a table's caption comes before it, a figure's after
    (the lists of tables and figures at the start aside)."""
    isi = [(gaya, _norm(teks)) for gaya, teks in dasar.docx]
    isi = isi[isi.index(("FirstParagraph", "Lihat Tabel 1, Tabel 2 dan Gambar 1.")) :]
    urutan = [teks for _, teks in isi]
    tabel = urutan.index("Tabel 1: Tabel pertama")
    assert isi[tabel][0] == "TableCaption"
    assert tabel < urutan.index("Uraian") < urutan.index("satu")
    gambar = urutan.index("Gambar 1: Grafik pertama")
    assert isi[gambar][0] == "ImageCaption"
    assert urutan.index("Tabel 2: Tabel kedua") < urutan.index("SELCETAK") < gambar


@slow
@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        ("html", {"HANYAHTML", "BUKANDOCX"}),
        ("pdf", {"HANYAPDF", "BUKANHTML", "BUKANDOCX"}),
        ("docx", {"HANYADOCX", "BUKANHTML"}),
    ],
)
def test_conditional_content(dasar, fmt, shown):
    markers = {"HANYAHTML", "HANYAPDF", "HANYADOCX", "BUKANHTML", "BUKANDOCX"}
    assert {m for m in markers if m in dasar.text[fmt]} == shown


# -- the extension: shortcodes, headings, draft ---------------------------------------------


@slow
def test_lists_of_contents_tables_and_figures_in_html(dasar):
    def links(node):
        return [(a.attrs["href"], a.text) for a in node.find_all("a")]

    toc = [href for href, _ in links(dasar.dom.find(cls="daftar-isi"))]
    assert toc == [
        "#kata-pengantar", "#daftar-tabel", "#daftar-gambar", "#pendahuluan",
        "#latar-belakang", "#rincian", "#tujuan", "#penutup", "#simpulan", "#lampiran",
    ]  # fmt: skip
    lists = [links(div) for div in dasar.dom.find_all("div", "daftar-keterangan")]
    assert lists == [
        [("#tbl-a", "Tabel 1: Tabel pertama"), ("#tbl-b", "Tabel 2: Tabel kedua")],
        [("#fig-a", "Gambar 1: Grafik pertama")],
    ]


@slow
def test_lists_of_contents_tables_and_figures_in_print(dasar):
    pages = [_norm(p) for p in dasar.pdf]
    isi = pages[_page_of(pages, "DAFTAR ISI Halaman")]
    assert re.search(r"KATA PENGANTAR .* BAB I PENDAHULUAN .* A\. Latar .* BAB II .* LAMPIRAN", isi)
    tabel = pages[_page_of(pages, "DAFTAR TABEL Halaman")]
    assert "Tabel 1: Tabel pertama" in tabel and "Tabel 2: Tabel kedua" in tabel
    assert "Gambar 1: Grafik pertama" in pages[_page_of(pages, "DAFTAR GAMBAR Halaman")]
    assert 'TOC \\o "1-3"' in dasar.docx_xml  # Word fills in the table of contents
    texts = [_norm(text) for _, text in dasar.docx]
    start = texts.index("Daftar Tabel")
    assert texts[start + 1 : start + 3] == ["Tabel 1: Tabel pertama", "Tabel 2: Tabel kedua"]


@slow
def test_mulai_isi_and_pagebreak(dasar):
    # PDF: roman page numbers before mulai-isi, arabic from 1 after it.
    assert dasar.pdf[_page_of(dasar.pdf, "Laporan tahun 2023")].split()[-1] == "i"
    assert dasar.pdf[_page_of(dasar.pdf, "Bagian A dimuat.")].split()[-1] == "1"
    docx = "\n".join(text for _, text in dasar.docx).split("\f")
    assert _page_of(docx, "BAB I Pendahuluan") == _page_of(docx, "Daftar Gambar") + 1
    for pages in (dasar.pdf, docx):
        assert _page_of(pages, "SESUDAHJEDA") == _page_of(pages, "SEBELUMJEDA") + 1
    assert (
        '<p>SEBELUMJEDA</p>\n<div style="page-break-after: always;"></div>\n<p>SESUDAHJEDA</p>'
        in dasar.html
    )


HEADINGS = [
    (1, "Kata Pengantar"), (1, "Daftar Isi"), (1, "Daftar Tabel"), (1, "Daftar Gambar"),
    (1, "BAB I Pendahuluan"), (2, "A. Latar Belakang"), (3, "1. Rincian"), (2, "B. Tujuan"),
    (1, "BAB II Penutup"), (2, "A. Simpulan"), (1, "Lampiran"),
]  # fmt: skip


@slow
def test_headings_are_numbered_the_indonesian_way(dasar):
    main = dasar.dom.find("main")
    html = [(int(n.tag[1]), n.text) for n in main.iter() if n.tag in ("h1", "h2", "h3")]
    assert html == HEADINGS
    docx = [(int(s[-1]), t) for s, t in dasar.docx if s.startswith("Heading")]
    assert docx == HEADINGS
    pdf = dasar.text["pdf"]
    # Typst numbers them itself.
    assert "KATA PENGANTAR Laporan" in pdf and "BAB I PENDAHULUAN A. Latar Belakang Bagian" in pdf
    assert "1. Rincian Lihat" in pdf and "B. Tujuan SEBELUMJEDA" in pdf
    assert "BAB II PENUTUP A. Simpulan" in pdf and "BAB III" not in pdf


@slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_draft_mark(draft, dasar, fmt):
    if fmt == "html":
        assert [d.text for d in draft.dom.find_all("div", "spanduk-draft")] == ["DRAFT UJI"]
        assert not dasar.dom.find_all("div", "spanduk-draft")
    elif fmt == "pdf":  # the rotated mark on every page, the cover included
        assert all("DRAFTUJI" in "".join(page.split()) for page in draft.pdf_raw)
        assert not any("DRAFT" in page for page in dasar.pdf_raw)
    else:
        assert draft.docx[0][1] == "Laporan Uji 2023"
        assert draft.docx[1][1] == "DRAFT UJI"  # the first paragraph under the title
        assert "DRAFT" not in dasar.text["docx"]


# -- errors -------------------------------------------------------------------------------

# fmt: off
ERRORS = [  # (case, files over the minimal project, message)
    ("unknown variable", {"index.qmd": "Satu.\n\nNilai {{< var tidak.ada >}}.\n"},
     r"variabel tidak dikenal: 'tidak\.ada' \(proj/index\.qmd baris 3\)"),
    ("unknown variable in an include",
     {"index.qmd": "{{< include bab/satu.qmd >}}\n", "bab/satu.qmd": "Satu.\n{{< var x >}}\n"},
     r"variabel tidak dikenal: 'x' \(proj/bab/satu\.qmd baris 2\)"),
    ("float variable", {"index.qmd": "{{< var rasio >}}\n", "_variables.yml": "rasio: 0.5\n"},
     r"nilai variabel 'rasio' harus teks yang sudah diformat.*proj/_variables\.yml"),
    ("missing include", {"index.qmd": "Satu.\n{{< include bab/hilang.qmd >}}\n"},
     r"berkas include tidak ditemukan: proj/bab/hilang\.qmd \(proj/index\.qmd baris 2\)"),
    ("include cycle",
     {"index.qmd": "{{< include bab/a.qmd >}}\n", "bab/a.qmd": "A.\n\n{{< include bab/b.qmd >}}\n",
      "bab/b.qmd": "{{< include bab/a.qmd >}}\n"},
     r"include melingkar: proj/index\.qmd -> proj/bab/a\.qmd -> proj/bab/b\.qmd -> "
     r"proj/bab/a\.qmd \(proj/bab/b\.qmd baris 1\)"),
    ("unknown reference", {"index.qmd": "Satu.\n\nLihat @tbl-zzz.\n"},
     r"rujukan tidak dikenal: '@tbl-zzz' \(proj/index\.qmd baris 3\)"),
    ("reference to a table hidden in print",
     {"index.qmd": "@tbl-q\n\n::: {.content-visible when-format=html}\n|a|\n|-|\n|1|\n\n: Q {#tbl-q}\n:::\n"},
     r"rujukan tidak dikenal atau tersembunyi di format ini: @tbl-q"),
    ("unknown format name", {"index.qmd": 'Satu.\n::: {.content-visible when-format="hmtl"}\nx\n:::\n'},
     r"format tidak dikenal pada 'when-format': 'hmtl'.*\(proj/index\.qmd baris 2\)"),
    ("unknown shortcode", {"index.qmd": "Satu.\n\n{{< tidak-ada >}}\n"},
     r"shortcode tidak dikenal: 'tidak-ada' \(proj/index\.qmd baris 3\)"),
    ("shortcode inside a line", {"index.qmd": "Satu {{< pagebreak >}} dua.\n"},
     r"shortcode 'pagebreak' tidak didukung di sini.*\(proj/index\.qmd baris 1\)"),
    ("typst fails", {"index.qmd": "Satu.\n\n```{=typst}\n#fungsi-tidak-ada()\n```\n"},
     r"Typst gagal menyusun PDF: .*unknown variable: fungsi-tidak-ada"),
]
# fmt: on


@slow
@pytest.mark.parametrize(("files", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_name_their_place_and_write_nothing(tmp_path, files, message):
    root = _project(tmp_path / "proj", files)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    out = tmp_path / "keluaran"
    out.mkdir()
    (out / "index.html").write_text("laporan lama", encoding="utf-8")
    with pytest.raises(RenderError, match=message):
        render_project(root, out)
    # The old output is untouched: no half-written file, no temporary folder.
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "laporan lama"
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


# -- choosing the renderer ----------------------------------------------------------------


def _quarto_on_path(folder: Path, monkeypatch, version: str | None) -> None:
    """PATH holds only ``folder``, with a fake ``quarto`` of ``version`` (None: no quarto)."""
    folder.mkdir()
    if version is not None:
        (folder / "quarto").write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
        (folder / "quarto").chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


@pytest.mark.parametrize(
    ("mode", "version", "chosen"),
    [
        ("builtin", "1.7.34", "builtin"),
        ("builtin", None, "builtin"),
        ("auto", "1.7.34", "quarto"),
        ("auto", "1.6.40", "builtin"),
        ("auto", None, "builtin"),
        ("quarto", "1.8.1", "quarto"),
    ],
)
def test_choose_renderer(tmp_path, monkeypatch, mode, version, chosen):
    _quarto_on_path(tmp_path / "bin", monkeypatch, version)
    assert choose_renderer(mode) == chosen


@pytest.mark.parametrize(
    ("mode", "version", "message"),
    [
        ("quarto", None, r"RENDERER=quarto diminta, tetapi program 'quarto' tidak ada di PATH\."),
        ("quarto", "1.6.40", r"berversi '1\.6\.40'; diperlukan 1\.7 atau lebih baru\."),
        ("pandoc", None, r"RENDERER tidak dikenal: 'pandoc' \(pilihan: auto, quarto, builtin\)"),
    ],
)
def test_choose_renderer_errors(tmp_path, monkeypatch, mode, version, message):
    _quarto_on_path(tmp_path / "bin", monkeypatch, version)
    with pytest.raises(RenderError, match=message) as info:
        choose_renderer(mode)
    if mode == "quarto":  # the way out, in the message
        assert "RENDERER=builtin" in str(info.value)


@slow
def test_sections_follow_when_meta_from_metadata_files(tmp_path):
    """Sections wrapped in `when-meta` / `unless-meta` follow a boolean of a file listed
    in `metadata-files` (as the build's report/_hasil/bagian.yml), in every format; a
    metadata file that does not exist is skipped, as in Quarto."""
    qmd = (
        "# Bab\n\n"
        '::: {.content-visible when-meta="lakip-ada.psks"}\n## Bagian PSKS\n\nIsi psks.\n:::\n\n'
        '::: {.content-visible when-meta="lakip-ada.akip"}\n## Bagian AKIP\n\nIsi akip.\n:::\n\n'
        '::: {.content-visible unless-meta="lakip-ada.akip"}\nTanpa akip.\n:::\n'
    )
    root = _project(tmp_path / "proj", {"index.qmd": qmd, "meta/bagian.yml": ""})
    (root / "meta" / "bagian.yml").write_text("lakip-ada:\n  psks: true\n  akip: false\n")
    with (root / "_quarto.yml").open("a", encoding="utf-8") as config:
        config.write("metadata-files:\n  - meta/bagian.yml\n  - meta/tidak-ada.yml\n")
    out = _read(render_project(root, tmp_path / "keluaran"))
    for fmt, teks in out.text.items():
        assert "Bagian PSKS" in teks and "Isi psks." in teks, fmt
        assert "Bagian AKIP" not in teks and "Isi akip." not in teks, fmt
        assert "Tanpa akip." in teks, fmt


def test_long_raw_html_is_set_aside_and_put_back():
    """A long raw HTML block without resources is replaced by a placeholder (and kept);
    a short one, or one that loads an image, stays in the Markdown pandoc reads."""
    from lakip_calc.render.builtin import RAW_HTML_ASIDE, _aside_raw_html

    besar = "<table>\n" + "<tr><td>a &amp; b</td></tr>\n" * (RAW_HTML_ASIDE // 20) + "</table>"
    teks = (
        "```{=html}\n<p>kecil</p>\n```\n\n"
        f"````{{=html}}\n{besar}\n````\n\n"
        f'```{{=html}}\n<img src="g.png">{besar}\n```\n'
    )
    md, blok = _aside_raw_html(teks)
    assert blok == [besar]
    assert "<!--lakip-raw-html-0-->" in md and "<p>kecil</p>" in md
    assert md.count("<tr>") == RAW_HTML_ASIDE // 20  # the block with an image stays


@slow
def test_long_raw_html_reaches_the_html_unchanged(tmp_path):
    """The long table is in the HTML byte for byte, in its place, and only there."""
    from lakip_calc.render.builtin import RAW_HTML_ASIDE

    baris = "".join(f'<tr><td id="b{i}">x{i} &lt;y&gt;</td></tr>\n' for i in range(20000))
    besar = f'<table class="besar">\n{baris}</table>'
    assert len(besar) >= RAW_HTML_ASIDE
    qmd = f"# Bab\n\nSebelum.\n\n```{{=html}}\n{besar}\n```\n\nSesudah.\n"
    root = _project(tmp_path / "proj", {"index.qmd": qmd})
    out = render_project(root, tmp_path / "keluaran", formats=("html", "pdf"))
    html = out["html"].read_text(encoding="utf-8")
    assert besar in html and "lakip-raw-html" not in html
    assert html.index("Sebelum.") < html.index(besar) < html.index("Sesudah.")
    pdf = subprocess.run(["pdftotext", str(out["pdf"]), "-"], capture_output=True, text=True)
    assert "Sesudah." in pdf.stdout and "x19999" not in pdf.stdout
