"""Tests of the built-in renderer (lakip_calc.render).

The fixture projects live in tests/fixtures/render/; small broken projects for
error cases are written into tmp_path by ``_project``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from lakip_calc.errors import RenderError
from lakip_calc.render import choose_renderer, quarto_command, render_project

FIXTURES = Path(__file__).parent / "fixtures" / "render"
DASAR = FIXTURES / "dasar"
FORMATS = ("html", "pdf", "docx")

pytestmark = pytest.mark.slow


# -- helpers ------------------------------------------------------------------------------


def _project(root: Path, files: dict[str, str], variables: str = "tahun: '2023'\n") -> Path:
    """Write a small project: ``files`` maps file names to text, in render order."""
    root.mkdir(parents=True, exist_ok=True)
    render = "\n".join(f"    - {name}" for name in files if name.endswith(".qmd"))
    (root / "_quarto.yml").write_text(
        f"project:\n  render:\n{render}\ntitle: Uji\n", encoding="utf-8"
    )
    (root / "_variables.yml").write_text(variables, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def _docx_text(path: Path) -> str:
    return re.sub(r"<[^>]+>", "", _docx_xml(path))


def _html_text(path: Path) -> str:
    body = path.read_text(encoding="utf-8")
    body = re.sub(r"<script>.*?</script>", "", body, flags=re.S)
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def _pdf_text(outputs: dict[str, Path]) -> str:
    """The PDF's text with pdftotext when installed, otherwise the Typst source."""
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-layout", str(outputs["pdf"]), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout
    typ = outputs["typ"].read_text(encoding="utf-8")
    # Variable values are Typst string literals #"...";  show them as their text.
    typ = re.sub(r'#"((?:[^"\\]|\\.)*)";', lambda m: m.group(1), typ)
    return re.sub(r"\\(.)", r"\1", typ)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("laporan")
    return render_project(DASAR, out, formats=FORMATS, basename="laporan", keep_intermediate=True)


# -- outputs ------------------------------------------------------------------------------


def test_every_format_is_written(rendered: dict[str, Path]) -> None:
    assert {"html", "pdf", "docx", "typ"} <= set(rendered)
    for fmt in FORMATS:
        assert rendered[fmt].name == f"laporan.{fmt}"
        assert rendered[fmt].stat().st_size > 1000
    assert rendered["pdf"].read_bytes().startswith(b"%PDF")
    leftovers = [p.name for p in rendered["html"].parent.iterdir() if p.name.startswith(".render-")]
    assert leftovers == []


def test_variable_value_is_text_in_html(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "*x* #set $y$ _z_ @w" in html
    assert '<html lang="id">' in html


def test_variable_span_has_key_title_and_link(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert (
        '<a href="#jejak-anggaran-total-persen" class="tautan-angka">'
        '<span class="angka" data-key="anggaran.total.persen" '
        'title="Realisasi dibagi pagu (Rp 1.234 / Rp 1.278)">96,53%</span></a>'
    ) in html
    assert '<span class="angka" data-key="sasaran.jumlah" tabindex="0">4</span>' in html


def test_variable_value_is_text_in_pdf(rendered: dict[str, Path]) -> None:
    text = _pdf_text(rendered)
    assert "<script>alert(1)</script>" in text
    assert "*x* #set $y$ _z_ @w" in text
    typ = rendered["typ"].read_text(encoding="utf-8")
    assert '#"<script>alert(1)</script>";' in typ


def test_variable_value_is_text_in_docx(rendered: dict[str, Path]) -> None:
    xml = _docx_xml(rendered["docx"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert "<script>" not in xml
    assert "*x* #set $y$ _z_ @w" in xml


def test_variables_in_title_headings_and_cells(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert "<title>Laporan Uji 2023</title>" in html
    assert 'id="rincian-2023"' in html  # identifier made from the value, not the shortcode
    assert re.search(r"<td[^>]*><a href=\"#jejak-anggaran-total-persen\"", html)


def test_include_brings_in_the_other_file(rendered: dict[str, Path]) -> None:
    assert "Pendahuluan" in _html_text(rendered["html"])
    assert "Pendahuluan" in _docx_text(rendered["docx"])


def test_crossrefs_are_numbered_in_document_order(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert '<a href="#tbl-anggaran" class="rujukan">Tabel 1</a>' in html
    assert '<a href="#fig-tren" class="rujukan">Gambar 1</a>' in html
    assert '<a href="#tbl-sasaran" class="rujukan">Tabel 2</a>' in html
    assert '<table id="tbl-anggaran">' in html
    assert '<figure id="fig-tren">' in html
    assert '<span class="label-keterangan">Tabel 1:</span> Realisasi anggaran' in html
    pdf = _pdf_text(rendered)
    assert "Tabel 1: Realisasi anggaran tahun 2023" in pdf
    assert "Gambar 1: Tren capaian 2023" in pdf
    assert "Tabel 2: Capaian sasaran strategis" in pdf
    typ = rendered["typ"].read_text(encoding="utf-8")
    assert "#link(<tbl-anggaran>)[Tabel 1]" in typ
    docx = _docx_text(rendered["docx"])
    assert "Tabel 1" in docx and "Gambar 1" in docx


def test_html_table_fragment_gets_caption_and_number(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    figure = re.search(r'<figure id="tbl-sasaran" class="tabel-html">(.*?)</figure>', html, re.S)
    assert figure is not None
    assert "Tabel 2:" in figure.group(1)
    assert '<table class="gt">' in figure.group(1)


def test_conditional_content(rendered: dict[str, Path]) -> None:
    html = _html_text(rendered["html"])
    pdf = _pdf_text(rendered)
    docx = _docx_text(rendered["docx"])
    assert "hanya tampil di HTML" in html
    assert "hanya tampil di HTML" not in pdf and "hanya tampil di HTML" not in docx
    assert "tampil di PDF dan DOCX" in pdf and "tampil di PDF dan DOCX" in docx
    assert "tampil di PDF dan DOCX" not in html


def test_pagebreak(rendered: dict[str, Path]) -> None:
    typ = rendered["typ"].read_text(encoding="utf-8")
    assert "#pagebreak()" in typ
    assert '<w:br w:type="page"/>' in _docx_xml(rendered["docx"])
    assert 'class="pemisah-halaman"' in rendered["html"].read_text(encoding="utf-8")


def test_front_matter_lists_and_roman_page_numbers(rendered: dict[str, Path]) -> None:
    typ = rendered["typ"].read_text(encoding="utf-8")
    assert 'numbering: "i"' in typ
    assert '#set page(numbering: "1")' in typ
    assert "#daftar-isi(3)" in typ and '#daftar-keterangan("tbl-")' in typ
    pdf = _pdf_text(rendered)
    for label in ("Daftar Isi", "Daftar Tabel", "Daftar Gambar", "Halaman"):
        assert label.lower() in pdf.lower()  # chapter headings are set in capitals
    html = _html_text(rendered["html"])
    for label in ("Daftar Isi", "Daftar Tabel", "Daftar Gambar"):
        assert label in html
    assert 'w:instrText xml:space="preserve"> TOC' in _docx_xml(rendered["docx"])


def test_html_is_self_contained(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    external = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert external == []
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html, re.I)
    assert "data:image/svg+xml" in html  # the figure is inlined
    assert "<style" in html and "<link" not in html


def test_html_loading_raw_html_is_embedded_by_pandoc(tmp_path: Path) -> None:
    """Raw HTML that loads a local file: the writer leaves it to --embed-resources."""
    shutil.copytree(DASAR / "gambar", tmp_path / "p" / "gambar")
    root = _project(
        tmp_path / "p",
        {
            "index.qmd": '# Satu\n\n```{=html}\n<p><img src="gambar/tren.svg" alt="t"></p>\n```\n'
            "\n![Tren](gambar/tren.svg)\n"
        },
    )
    html = render_project(root, tmp_path / "o", formats=("html",), basename="x")["html"]
    text = html.read_text(encoding="utf-8")
    assert "gambar/tren.svg" not in text
    assert text.count("data:image/svg+xml") == 2


def test_embedding_ourselves_only_when_nothing_else_loads() -> None:
    from lakip_calc.render.builtin import _embed_ourselves

    def doc(*blocks):
        return {"blocks": list(blocks)}

    gambar = {"t": "Para", "c": [{"t": "Image", "c": [["", [], []], [], ["media/a.svg", ""]]}]}
    assert _embed_ourselves(doc(gambar), "body { color: red; }")
    assert not _embed_ourselves(doc(gambar), "body { background: url(a.png); }")
    assert not _embed_ourselves(
        doc(gambar, {"t": "RawBlock", "c": ["html", "<img src='a.png'>"]}), ""
    )
    assert _embed_ourselves(doc({"t": "RawBlock", "c": ["typst", "#image(src)"]}), "")
    lain = {"t": "Para", "c": [{"t": "Image", "c": [["", [], []], [], ["media/a.webp", ""]]}]}
    assert not _embed_ourselves(doc(lain), "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_placeholder_leftovers(rendered: dict[str, Path], fmt: str) -> None:
    if fmt == "html":
        text = _html_text(rendered["html"])
    elif fmt == "pdf":
        text = _pdf_text(rendered) + rendered["typ"].read_text(encoding="utf-8")
    else:
        text = _docx_text(rendered["docx"])
    assert "{{<" not in text
    assert not re.search(r"\bnan\b", text, re.I)
    assert not re.search(r"\bNone\b", text)
    assert not re.search(r"QZ[VEBF]\d{6}ZQ", text)


def test_render_is_deterministic(rendered: dict[str, Path], tmp_path: Path) -> None:
    again = render_project(DASAR, tmp_path, formats=FORMATS, basename="laporan")
    for fmt in FORMATS:
        assert again[fmt].read_bytes() == rendered[fmt].read_bytes(), fmt


_SKRIP_PARALEL = """
import sys
from pathlib import Path
import lakip_calc.render.builtin as b
from lakip_calc.render import svg_png

dasar, out, typst_dulu = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
if typst_dulu:  # Typst's threads now run in this process: a fork would hang in Typst
    svg_png(dasar / "gambar" / "tren.svg", root=dasar)
pool = []
asli = b.pool_pekerja
b.pool_pekerja = lambda *a, **k: (pool.append(1), asli(*a, **k))[1]
b.render_project(dasar, out, formats=("html", "pdf", "docx"), basename="laporan")
print("paralel" if pool else "berurutan")
"""


@pytest.mark.parametrize("typst_dulu", [False, True], ids=["proses-baru", "setelah-typst"])
def test_formats_in_parallel_give_the_same_bytes_and_never_hang(
    rendered: dict[str, Path], tmp_path: Path, typst_dulu: bool
) -> None:
    """A fresh process renders the formats in forked workers, a process that has run
    Typst renders them one by one (a forked Typst would wait forever); same bytes."""
    import os
    import sys

    r = subprocess.run(
        [sys.executable, "-c", _SKRIP_PARALEL, str(DASAR), str(tmp_path), str(int(typst_dulu))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    jalur = r.stdout.strip()
    if (os.cpu_count() or 1) >= 2:
        assert jalur == ("berurutan" if typst_dulu else "paralel")
    for fmt in FORMATS:
        assert (tmp_path / f"laporan.{fmt}").read_bytes() == rendered[fmt].read_bytes(), fmt


# -- draft: true (a diagonal mark in the PDF, a banner in HTML, a page header in DOCX) ------


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = tmp_path_factory.mktemp("draft") / "dasar"
    shutil.copytree(DASAR, project)
    with (project / "_quarto.yml").open("a", encoding="utf-8") as config:
        # A mark with characters that mean something in HTML, Typst and XML.
        config.write("draft: true\ndraft-text: 'KONSEP \"uji\" <b> & \\ #set'\n")
    with (project / "bab1.qmd").open("a", encoding="utf-8") as bab:
        bab.write("\n::: {.landscape}\nHalaman melintang.\n:::\n")
    out = project.parent / "out"
    return render_project(project, out, formats=FORMATS, basename="laporan", keep_intermediate=True)


def _pdf_pages(pdf: Path) -> list[str]:
    result = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout.split("\f")[:-1]


def test_draft_pdf_mark_on_every_page_including_the_cover(draft: dict[str, Path]) -> None:
    typ = draft["typ"].read_text(encoding="utf-8")
    assert '#let tanda-draft = "KONSEP \\"uji\\" <b> & \\\\ #set"' in typ
    document = typ.split("// Document ---")[1]
    # Set before the cover, and drawn on the cover's own background too.
    assert document.index("#set page(background: latar-draft)") < document.index("#page(")
    cover = document[document.index("#page(") :].split(")[", 1)[0]
    assert "latar-draft" in cover
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext tidak terpasang")
    pages = _pdf_pages(draft["pdf"])
    assert len(pages) >= 5
    for number, text in enumerate(pages, start=1):
        # The mark comes out before the text of the page (rotated along the diagonal
        # of a portrait page, letter by letter).
        assert re.sub(r"\s", "", text).startswith('KONSEP"uji"<b>&\\#set'), (number, text)
    assert pages[0].lstrip().startswith("K\nO\nN\nS\nE\nP\n")
    assert "LAPORAN UJI 2023" in pages[0]
    assert "Halaman melintang." in pages[-1]  # a landscape page is marked too


def test_draft_html_banner_is_the_first_element_of_the_body(draft: dict[str, Path]) -> None:
    html = draft["html"].read_text(encoding="utf-8")
    mark = "KONSEP &quot;uji&quot; &lt;b&gt; &amp; \\ #set"
    banner = f'<div class="spanduk-draft" role="note">{mark}</div>'
    assert re.search(r"<body>\s*" + re.escape(banner) + r"\s*<header class=\"sampul\">", html)
    style = re.search(r"<style[^>]*>(.*?)</style>", html, re.S)
    assert style is not None
    rule = re.search(r"\.spanduk-draft \{(.*?)\}", style.group(1), re.S)
    assert rule is not None
    assert "position: sticky" in rule.group(1) and "top: 0" in rule.group(1)
    # Printed too: not hidden, in its colours, and the cover stays under it.
    printed = style.group(1).split("@media print")[-1]
    assert ".spanduk-draft {" in printed and "print-color-adjust: exact" in printed
    assert "display: none" not in printed.split(".spanduk-draft {")[1].split("}")[0]


def test_draft_docx_mark_in_the_page_header(draft: dict[str, Path]) -> None:
    header = _docx_part(draft["docx"], "word/header1.xml")
    assert '<w:t xml:space="preserve">KONSEP "uji" &lt;b&gt; &amp; \\ #set</w:t>' in header
    xml = _docx_xml(draft["docx"])
    section = re.findall(r"<w:sectPr>.*?</w:sectPr>", xml, re.S)[-1]
    # One section, no separate first page: the header is on every page, the title page too.
    assert len(re.findall(r"<w:sectPr>", xml)) == 1 and "titlePg" not in section
    reference = re.search(r'<w:headerReference r:id="([^"]+)" w:type="default" />', section)
    assert reference is not None
    rels = _docx_part(draft["docx"], "word/_rels/document.xml.rels")
    assert re.search(rf'Id="{reference.group(1)}"[^>]*Target="header1.xml"', rels)
    types = _docx_part(draft["docx"], "[Content_Types].xml")
    assert 'PartName="/word/header1.xml"' in types


def test_without_draft_there_is_no_mark(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert "spanduk-draft" not in html and "draft" not in html.lower()  # nor its CSS
    assert "latar-draft" not in rendered["typ"].read_text(encoding="utf-8")
    with zipfile.ZipFile(rendered["docx"]) as archive:
        assert "word/header1.xml" not in archive.namelist()
    assert "headerReference" not in _docx_xml(rendered["docx"])


@pytest.mark.parametrize(
    ("options", "pattern"),
    [
        ("draft: ya\n", r"opsi 'draft' harus true atau false"),
        ("draft: true\ndraft-text: ''\n", r"opsi 'draft-text' tidak boleh kosong"),
        ("draft: true\ndraft-text: [a]\n", r"opsi 'draft-text' harus berupa teks"),
    ],
)
def test_wrong_draft_options_are_errors(tmp_path: Path, options: str, pattern: str) -> None:
    project = _project(tmp_path / "p", {"index.qmd": "# A\n"})
    with (project / "_quarto.yml").open("a", encoding="utf-8") as config:
        config.write(options)
    with pytest.raises(RenderError, match=pattern):
        render_project(project, tmp_path / "out", formats=("html",))
    assert not (tmp_path / "out").exists()  # found before anything is written


# -- errors -----------------------------------------------------------------------------------


def test_unknown_variable_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(RenderError) as info:
        render_project(FIXTURES / "variabel_tak_dikenal", tmp_path, formats=("html",))
    message = str(info.value)
    assert "variabel tidak dikenal: 'anggaran.tidak_ada'" in message
    assert "variabel_tak_dikenal/bab1.qmd baris 9" in message
    assert list(tmp_path.iterdir()) == []


def test_include_cycle_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="include melingkar") as info:
        render_project(FIXTURES / "include_melingkar", tmp_path, formats=("html",))
    assert "bagian/b.qmd baris 3" in str(info.value)


def test_missing_include_is_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"index.qmd": "# A\n\n{{< include tidak-ada.qmd >}}\n"})
    with pytest.raises(RenderError, match=r"berkas include tidak ditemukan: .*tidak-ada\.qmd"):
        render_project(project, tmp_path / "out", formats=("html",))


def test_unknown_reference_names_file_and_line(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"index.qmd": "# A\n\nLihat @tbl-hilang.\n"})
    with pytest.raises(RenderError) as info:
        render_project(project, tmp_path / "out", formats=("html",))
    assert "rujukan tidak dikenal: '@tbl-hilang' (p/index.qmd baris 3)" in str(info.value)
    assert [p.name for p in (tmp_path / "out").iterdir()] == []  # nothing half-written


def test_failure_in_a_later_format_writes_nothing(tmp_path: Path) -> None:
    text = (
        "# A\n\nLihat @tbl-x.\n\n::: {#tbl-x}\n```{=html}\n"
        "<table><tr><td>1</td></tr></table>\n```\n\n"
        "Keterangan.\n:::\n"
    )
    project = _project(tmp_path / "p", {"index.qmd": text})
    out = tmp_path / "out"
    with pytest.raises(RenderError, match=r"'#tbl-x' hanya berisi HTML.*p/index.qmd baris 5"):
        render_project(project, out, formats=("html", "pdf"))
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("Teks {{< var >}}.\n", r"'var' memerlukan tepat satu kunci \(p/index.qmd baris 1\)"),
        ("Teks {{< meta title >}}.\n", r"shortcode 'meta' tidak didukung"),
        ("Teks {{< entah >}}.\n", r"shortcode tidak dikenal: 'entah'"),
        ("Teks {{< var tahun\n", r"shortcode tidak ditutup:.*baris 1"),
        ("Teks {{< pagebreak >}} di tengah.\n", r"'pagebreak' harus berdiri sendiri"),
        (
            "- butir\n\n    {{< pagebreak >}}\n",
            r"'pagebreak' harus berada di tingkat teratas .*baris 3",
        ),
        (
            "::: {.kotak}\n{{< mulai-isi >}}\n:::\n",
            r"'mulai-isi' harus berada di tingkat teratas .*baris 2",
        ),
        (
            "{{< daftar-tabel >}}\n\n{{< daftar-tabel >}}\n",
            r"'daftar-tabel' hanya boleh dipakai sekali",
        ),
        ('::: {.content-visible when-format="hmtl"}\nx\n:::\n', r"format tidak dikenal .*'hmtl'"),
        ("Lihat @sec-a.\n", r"jenis rujukan tidak didukung: '@sec-a'"),
        ("---\njudul: [\n---\n# A\n", r"front matter YAML tidak valid"),
        (
            "![Grafik](tidak-ada.svg){#fig-a}\n",
            r"berkas gambar tidak ditemukan: tidak-ada.svg \(p/index.qmd baris 1\)",
        ),
        ("![Grafik](https://contoh.go.id/a.png)\n", r"gambar harus berupa berkas lokal"),
        ("| a |\n|---|\n| 1 |\n\n: {#tbl-a}\n", r"'#tbl-a' tidak memiliki keterangan"),
        (
            "| a |\n|---|\n| 1 |\n\n: A {#tbl-a}\n\n| b |\n|---|\n| 2 |\n\n: B {#tbl-a}\n",
            r"label ganda",
        ),
    ],
)
def test_source_problems_are_reported(tmp_path: Path, text: str, pattern: str) -> None:
    project = _project(tmp_path / "p", {"index.qmd": text})
    with pytest.raises(RenderError, match=pattern):
        render_project(project, tmp_path / "out", formats=("html", "pdf", "docx"))


def test_missing_render_list_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "_quarto.yml").write_text("title: Tanpa daftar\n", encoding="utf-8")
    with pytest.raises(RenderError, match="'project: render:' tidak ada"):
        render_project(tmp_path, tmp_path / "out")


def test_unknown_format_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="format keluaran tidak dikenal: 'epub'"):
        render_project(DASAR, tmp_path, formats=("epub",))


def test_variables_argument_overrides_file(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"index.qmd": "# A\n\nTahun {{< var tahun >}}.\n"})
    out = render_project(
        project, tmp_path / "out", formats=("html",), variables={"tahun": {"text": "2030"}}
    )
    assert ">2030</span>" in out["html"].read_text(encoding="utf-8")


def test_float_variable_is_rejected(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"index.qmd": "# A\n"}, variables="persen: 96.53\n")
    with pytest.raises(RenderError, match="'persen' berupa bilangan pecahan"):
        render_project(project, tmp_path / "out", formats=("html",))


def test_escaped_shortcode_is_shown_literally(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"index.qmd": "# A\n\nTulis `{{{< var tahun >}}}`.\n"})
    out = render_project(project, tmp_path / "out", formats=("html",))
    assert "<code>{{&lt; var tahun &gt;}}</code>" in out["html"].read_text(encoding="utf-8")


def test_figure_div_span_visibility_and_plain_at_words(tmp_path: Path) -> None:
    shutil.copy(DASAR / "gambar" / "tren.svg", tmp_path / "tren.svg")
    text = (
        '# A\n\nTeks [khusus PDF]{.content-visible when-format="pdf"} dan '
        '[khusus HTML]{.content-visible when-format="html"}.\n\n'
        "::: {#fig-div}\n![](tren.svg)\n\nKeterangan gambar.\n:::\n\n"
        "Lihat [@fig-div] dan -@fig-div. Salam @budi.\n"
    )
    project = _project(tmp_path, {"index.qmd": text})
    out = render_project(project, tmp_path / "out", formats=FORMATS, keep_intermediate=True)
    html = out["html"].read_text(encoding="utf-8")
    assert "khusus HTML" in html and "khusus PDF" not in html
    assert re.search(r'<figure id="fig-div">.*Gambar 1:.*Keterangan gambar', html, re.S)
    assert '<a href="#fig-div" class="rujukan">1</a>' in html
    assert "Salam @budi." in html
    pdf = _pdf_text(out)
    assert "khusus PDF" in pdf and "khusus HTML" not in pdf
    assert "Gambar 1: Keterangan gambar." in pdf and "Salam @budi." in pdf


def test_pdf_table_cells_starting_with_markup_stay_text(tmp_path: Path) -> None:
    text = "| a | b |\n|---|---|\n| - 5 | = x |\n| 1. y | + z |\n\n: Sel {#tbl-sel}\n"
    project = _project(tmp_path / "p", {"index.qmd": text})
    out = render_project(project, tmp_path / "out", formats=("pdf",), keep_intermediate=True)
    typ = out["typ"].read_text(encoding="utf-8")
    assert "[\\- 5]" in typ and "[\\= x]" in typ and "[1\\. y]" in typ and "[\\+ z]" in typ


# -- the formal look (fixture "gaya") -----------------------------------------------------------

GAYA = FIXTURES / "gaya"


@pytest.fixture(scope="module")
def gaya(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("gaya")
    return render_project(GAYA, out, formats=FORMATS, basename="gaya", keep_intermediate=True)


def _docx_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def test_section_labels() -> None:
    from lakip_calc.render._filter import section_label

    assert section_label(1, 1) == "BAB I"
    assert section_label(1, 4) == "BAB IV"
    assert section_label(1, 9) == "BAB IX"
    assert section_label(2, 1) == "A."
    assert section_label(2, 27) == "AA."
    assert section_label(3, 2) == "2."
    assert section_label(4, 3) == "c."
    assert section_label(5, 2) == "2)"


def test_chapters_are_numbered_bab_in_pdf(gaya: dict[str, Path]) -> None:
    typ = gaya["typ"].read_text(encoding="utf-8")
    assert "#set heading(numbering: penomoran-judul)" in typ
    assert '"BAB " + numbering("I", n.at(0))' in typ
    pdf = _pdf_text(gaya)
    if shutil.which("pdftotext"):
        # The chapter: "BAB I" on one line, the title in capitals on the next.
        assert re.search(r"^\s*BAB I\s*\n\s*PENDAHULUAN\s*$", pdf, re.M)
        assert re.search(r"^\s*BAB II\s*\n\s*CAPAIAN KINERJA\s*$", pdf, re.M)
        # The table of contents lists the chapters as "BAB I PENDAHULUAN".
        assert re.search(r"BAB I PENDAHULUAN[ .]+1", pdf)
        assert re.search(r"A\. Latar Belakang[ .\u2060]+1", pdf)
        assert re.search(r"1\. Rincian[ .\u2060]+1", pdf)
        # Unnumbered headings stay unnumbered (in capitals as chapters).
        assert "KATA PENGANTAR" in pdf and "LAMPIRAN" in pdf
        assert "BAB III" not in pdf


def test_chapters_are_numbered_bab_in_html_and_docx(gaya: dict[str, Path]) -> None:
    html = gaya["html"].read_text(encoding="utf-8")
    assert '<h1 id="pendahuluan"><span class="nomor-bagian">BAB I</span> Pendahuluan</h1>' in html
    assert '<span class="nomor-bagian">A.</span> Latar Belakang</h2>' in html
    assert '<span class="nomor-bagian">1.</span> Rincian</h3>' in html
    assert '<span class="nomor-bagian">BAB II</span> Capaian Kinerja' in html
    assert '<h1 class="unnumbered" id="kata-pengantar">Kata Pengantar</h1>' in html
    docx = _docx_text(gaya["docx"])
    assert "BAB I Pendahuluan" in docx and "A. Latar Belakang" in docx
    xml = _docx_xml(gaya["docx"])
    # Every chapter starts on a new page in Word too.
    assert re.search(
        r'<w:br w:type="page"/></w:r></w:p>\s*(<w:bookmarkStart[^>]*/>\s*)?'
        r'<w:p><w:pPr><w:pStyle w:val="Heading1" />',
        xml,
    )


def test_signature_block(gaya: dict[str, Path]) -> None:
    typ = gaya["typ"].read_text(encoding="utf-8")
    assert "#tanda-tangan[" in typ
    assert "#let tanda-tangan(isi) = align(right, block(" in typ
    html = gaya["html"].read_text(encoding="utf-8")
    assert re.search(r'<div class="tanda-tangan">\s*<div class="line-block">Kota Contoh', html)
    assert ".tanda-tangan {" in html  # styled: the right half of the page
    xml = _docx_xml(gaya["docx"])
    assert '<w:pStyle w:val="TandaTangan" />' in xml
    styles = _docx_part(gaya["docx"], "word/styles.xml")
    assert re.search(r'w:styleId="TandaTangan".*?<w:ind w:left="\d+" />', styles)


def test_small_tables_in_every_format(gaya: dict[str, Path]) -> None:
    typ = gaya["typ"].read_text(encoding="utf-8")
    # A ::: {.tabel-kecil} block, the class on a caption, and a table of > 60 rows.
    assert typ.count("#tabel-kecil[") >= 3
    assert re.search(r"#tabel-kecil\[\n#let tabel-berikut = .*kecil: true", typ)
    html = gaya["html"].read_text(encoding="utf-8")
    assert '<div class="tabel-kecil">' in html
    assert html.count('<div class="tabel-gulir tabel-kecil">') == 3
    assert ".tabel-kecil table {" in html
    xml = _docx_xml(gaya["docx"])
    assert '<w:rStyle w:val="TeksTabelKecil" />' in xml
    styles = _docx_part(gaya["docx"], "word/styles.xml")
    assert re.search(r'w:styleId="TeksTabelKecil".*?<w:sz w:val="16" />', styles)


def test_pdf_tables_are_sized_by_the_template(gaya: dict[str, Path]) -> None:
    typ = gaya["typ"].read_text(encoding="utf-8")
    assert "#table(" not in typ.split("// Document ---")[1]  # every table goes through it
    assert typ.count("#tabel-pas(tabel-berikut,") == 5
    # Numbers keep the width of the widest one; text columns share the rest.
    assert re.search(r'kolom: \(\("Program A".*\("Rp1\.278\.000\.000"', typ)
    assert re.search(r"kolom: \(\(bagi: [\d.]+, kata: \(", typ)
    # A short table is kept on one page; the header row repeats (table.header).
    assert "#tabel-utuh[" in typ and "table.header(" in typ
    # Long keys may break after their dots and underscores (zero-width space).
    assert "anggaran.\u200b1.\u200bpersen\\_\u200bkeuangan\\_\u200bsub\\_\u200bkegiatan" in typ


def test_number_columns_are_right_aligned(gaya: dict[str, Path]) -> None:
    html = gaya["html"].read_text(encoding="utf-8")
    table = re.search(r'<table id="tbl-pagu">.*?</table>', html, re.S)
    assert table is not None
    assert '<td style="text-align: right;">Rp1.000.000</td>' in table.group(0)
    assert "<td>1.1.1</td>" in table.group(0)  # a code such as 1.1.1 is not a number
    typ = gaya["typ"].read_text(encoding="utf-8")
    assert "rata: (left, right, left,)" in typ


def test_html_long_words_in_tables_may_break(gaya: dict[str, Path]) -> None:
    html = gaya["html"].read_text(encoding="utf-8")
    assert (
        '<span id="jejak-anggaran-1">anggaran.<wbr>1.<wbr>persen_<wbr>keuangan_<wbr>sub_<wbr>'
        "kegiatan</span>"
    ) in html


def test_numbers_in_raw_html_get_tooltip_and_link(gaya: dict[str, Path]) -> None:
    html = gaya["html"].read_text(encoding="utf-8")
    assert (
        '<a href="#jejak-anggaran-total-pagu" class="tautan-angka"><span class="angka" '
        'data-key="anggaran.total.pagu" title="jumlah pagu 2 program. Sumber: '
        'sub_kegiatan.csv [pagu] baris 2-3">Rp1.278.000.000</span></a>'
    ) in html
    assert (
        '<span class="angka" data-key="anggaran.total.persen" title="realisasi dibagi pagu" '
        'tabindex="0">96,53%</span>'
    ) in html
    assert '<span class="angka" data-key="tidak.ada">7</span>' in html  # unknown: untouched


def test_html_tooltip_target_row_and_toc_helpers(gaya: dict[str, Path]) -> None:
    html = gaya["html"].read_text(encoding="utf-8")
    assert "tr:has(:target) > td" in html  # the row a number links to is highlighted
    assert 'tip.className = "tip-angka"' in html  # tooltip drawn by the script
    assert "daftar-samping" in html and "ke-daftar-isi" in html
    assert 'class="sampul-bingkai"' in html


def test_docx_styles_for_headings_and_tables(gaya: dict[str, Path]) -> None:
    styles = _docx_part(gaya["docx"], "word/styles.xml")
    heading = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, re.S)
    assert heading is not None
    assert '<w:jc w:val="center" />' in heading.group(0) and "<w:caps />" in heading.group(0)
    table = re.search(r'<w:style [^>]*w:styleId="Table".*?</w:style>', styles, re.S)
    assert table is not None
    assert "<w:tblBorders>" in table.group(0) and "<w:insideV " in table.group(0)
    assert 'w:type="firstRow"' in table.group(0) and 'w:fill="E4E9F0"' in table.group(0)
    xml = _docx_xml(gaya["docx"])
    assert '<w:tblHeader w:val="on" />' in xml  # the header row repeats on every page
    assert re.search(r'<w:pStyle w:val="Heading2" />', xml)


def test_gaya_render_is_deterministic(gaya: dict[str, Path], tmp_path: Path) -> None:
    again = render_project(GAYA, tmp_path, formats=FORMATS, basename="gaya")
    for fmt in FORMATS:
        assert again[fmt].read_bytes() == gaya[fmt].read_bytes(), fmt


# -- quarto and renderer choice ------------------------------------------------------------


def test_quarto_command() -> None:
    command = quarto_command(
        Path("report"), Path("build/2023"), ["html", "pdf", "docx"], {"tahun": 2023, "draf": False}
    )
    assert command == [
        "quarto",
        "render",
        "report",
        "--output-dir",
        "build/2023",
        "--to",
        "html,typst,docx",
        "-P",
        "tahun:2023",
        "-P",
        "draf:false",
    ]
    with pytest.raises(RenderError, match="format keluaran tidak dikenal"):
        quarto_command(Path("r"), Path("o"), ["odt"], {})


def test_choose_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert choose_renderer("builtin") == "builtin"
    assert choose_renderer("auto") == "builtin"
    assert choose_renderer(" AUTO ") == "builtin"
    with pytest.raises(RenderError, match="tidak ditemukan di PATH"):
        choose_renderer("quarto")
    with pytest.raises(RenderError, match="RENDERER tidak dikenal: 'pandoc'"):
        choose_renderer("pandoc")
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/quarto")
    assert choose_renderer("auto") == "quarto"
    assert choose_renderer("quarto") == "quarto"
    assert choose_renderer("builtin") == "builtin"


# -- parsing in pieces ---------------------------------------------------------------------


def test_source_is_cut_only_where_a_file_starts_and_parses_the_same(tmp_path: Path) -> None:
    """Two pandoc processes parse whole files at once; joined, the AST is the whole text's."""
    from lakip_calc.render import _tools
    from lakip_calc.render._project import load_project
    from lakip_calc.render._source import assemble_source, split_source
    from lakip_calc.render.builtin import load_variables

    panjang = "\n\n".join(f"Paragraf {i} dengan *penekanan* dan `kode`." for i in range(200))
    files = {
        "a.qmd": "# Satu\n\n- butir\n- butir dua\n\n" + panjang,
        "b.qmd": "# Dua\n\n| K | N |\n|:--|--:|\n| x | 1 |\n\n: Tabel {#tbl-x}\n\n" + panjang,
        "c.qmd": "# Tiga {.unnumbered}\n\n::: {.catatan}\nIsi {{< var tahun >}}.\n:::\n",
    }
    project = load_project(_project(tmp_path / "p", files))
    source = assemble_source(project, load_variables(project, None))
    pieces = split_source(source.text, 2)
    assert len(pieces) == 2 and "".join(pieces) == source.text
    assert re.match(r"\n\nQZF\d{6}ZQ\n", pieces[1])  # a file's start, never mid-file
    whole = _tools.pandoc_parse(source.text, cwd=project.root, epoch=0)
    assert _tools.pandoc_parse(pieces, cwd=project.root, epoch=0) == whole


@pytest.mark.parametrize(
    "teks",
    ["Lihat catatan[^1].\n\n[^1]: Catatan.\n", "Lihat [situs][s].\n\n[s]: https://contoh.id\n"],
    ids=["catatan-kaki", "rujukan-tautan"],
)
def test_text_with_definitions_across_files_is_parsed_whole(teks: str) -> None:
    from lakip_calc.render._source import split_source

    text = "---\ntitle: x\n---\n\n\nQZF000001ZQ\n\n" + teks + "\n\nQZF000002ZQ\n\nLagi.\n"
    assert split_source(text, 2) == [text]


def test_garbage_collector_is_held_off_only_inside_the_block() -> None:
    import gc

    from lakip_calc.proses import tanpa_gc

    assert gc.isenabled()
    with tanpa_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with tanpa_gc():
            pass
        assert not gc.isenabled()  # a caller's own setting is kept
    finally:
        gc.enable()


def test_docx_takes_a_png_only_when_it_is_this_svg_rasterised(tmp_path, monkeypatch) -> None:
    """The charts notebook writes a PNG beside each SVG; the DOCX writer takes it
    instead of rasterising again only when its text chunk names this SVG and ppi."""
    import hashlib

    from lakip_calc.render import _tools

    svg = tmp_path / "g.svg"
    shutil.copyfile(DASAR / "gambar" / "tren.svg", svg)
    png = _tools.svg_png(svg, root=tmp_path)
    tanda = f"sha256={hashlib.sha256(svg.read_bytes()).hexdigest()} ppi=200".encode()
    assert _tools._teks_png(png) == tanda
    ada = tmp_path / "g.png"
    ada.write_bytes(png)

    def tidak_boleh(*_a, **_k):
        raise AssertionError("SVG dirasterisasi lagi")

    with monkeypatch.context() as m:
        m.setattr(_tools, "svg_png", tidak_boleh)
        ukuran = _tools.svg_to_png(svg, tmp_path / "a.png", root=tmp_path, ada=ada)
    assert (tmp_path / "a.png").read_bytes() == png and ukuran[0] > 0
    # another ppi, or another picture: rasterised anew, never the PNG beside it
    _tools.svg_to_png(svg, tmp_path / "b.png", root=tmp_path, ppi=100, ada=ada)
    assert _tools._teks_png((tmp_path / "b.png").read_bytes()) == tanda.replace(b"200", b"100")
    svg.write_text(svg.read_text(encoding="utf-8").replace("</svg>", "<g/></svg>"), "utf-8")
    _tools.svg_to_png(svg, tmp_path / "c.png", root=tmp_path, ada=ada)
    assert (tmp_path / "c.png").read_bytes() != png
    assert _tools._teks_png((tmp_path / "c.png").read_bytes()) != tanda


def _dengan_ast(root: Path, md: str, sha: str | None, index: str) -> Path:
    """A project whose index includes x.md, beside which a sidecar AST says 'dariast'."""
    import hashlib

    project = _project(root, {"index.qmd": index, "x.md": md})
    sidecar = {
        "sha256": sha or hashlib.sha256(md.encode("utf-8")).hexdigest(),
        "blocks": [{"t": "Para", "c": [{"t": "Str", "c": "dariast"}]}],
    }
    (project / "x.md.ast.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return project


@pytest.mark.parametrize(
    ("index", "sha", "dipakai"),
    [
        ("# Judul\n\n{{< include x.md >}}\n\nSesudah.\n", None, True),
        ("# Judul\n\n{{< include x.md >}}\n\nSesudah.\n", "0" * 64, False),  # stale AST
        ("# Judul\n\n  {{< include x.md >}}\n\nSesudah.\n", None, False),  # indented
        ("# Judul\n\nAwal paragraf\n{{< include x.md >}}\n", None, False),  # continues it
    ],
    ids=["dipakai", "sidik-lain", "menjorok", "sambungan"],
)
def test_included_file_is_taken_from_its_ast_only_when_it_is_that_file(
    tmp_path: Path, index: str, sha: str | None, dipakai: bool
) -> None:
    from lakip_calc.render import _tools
    from lakip_calc.render._filter import prepare
    from lakip_calc.render._project import load_project
    from lakip_calc.render._source import assemble_source
    from lakip_calc.render.builtin import load_variables

    project = load_project(_dengan_ast(tmp_path / "p", "darimd\n", sha, index))
    source = assemble_source(project, load_variables(project, None))
    doc = prepare(_tools.pandoc_parse(source.text, cwd=project.root, epoch=0), source, project)
    teks = json.dumps(doc.doc["blocks"])
    assert ("dariast" in teks, "darimd" in teks) == (dipakai, not dipakai)
    assert "Sesudah" in teks or "Awal" in teks
