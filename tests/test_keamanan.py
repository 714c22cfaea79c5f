"""Untrusted text end to end: markup in the data never becomes markup in the report.

One build of a private copy of ``data/2023`` whose names and text carry HTML,
Markdown, Typst, pandoc and Quarto markup. Every payload must reach the HTML,
the PDF and the DOCX as the text the analyst typed: escaped in HTML, literal in
PDF and DOCX. A ``{{< var >}}`` shortcode inside a *name* (a CSV value) is
shown as written; only ``teks/`` prose may use var shortcodes and ``*emphasis*``
(``data/2023/README.md``). Charts must not read ``$...$`` in names as mathtext.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pytest
from _bersama import INDIKATOR, MUATAN, PENUTUP, SASARAN

from lakip_calc.hitungan.angka import KumpulanAngka
from lakip_calc.isi.grafik import semua_grafik
from lakip_calc.masukan.loader import muat_tahun

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kasus(build_curiga: dict) -> dict:
    k = build_curiga
    assert k["status"] == 0, k["stderr"]
    return k


def _rata(teks: str) -> str:
    return " ".join(teks.split())


class _Terlihat(HTMLParser):
    """Visible text of the HTML (without script and style), and the links and elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.teks: list[str] = []
        self.href: list[str] = []
        self.tag: list[str] = []
        self.atribut: set[str] = set()
        self._lewati = 0

    def handle_starttag(self, tag, attrs):
        self.tag.append(tag)
        if tag in ("script", "style"):
            self._lewati += 1
        for k, v in attrs:
            self.atribut.add(k)
            if k in ("href", "src") and v:
                self.href.append(v)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._lewati -= 1

    def handle_data(self, data):
        if not self._lewati:
            self.teks.append(data)


@pytest.fixture(scope="module")
def html_laporan(kasus) -> str:
    return (kasus["build"] / "lakip-2023.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def terlihat(html_laporan) -> _Terlihat:
    p = _Terlihat()
    p.feed(html_laporan)
    return p


def test_build_berhasil_dan_data_tidak_diubah(kasus):
    for ext in ("html", "pdf", "docx"):
        assert (kasus["build"] / f"lakip-2023.{ext}").is_file()
    assert kasus["data_tetap"]
    assert "Traceback" not in kasus["stdout"] + kasus["stderr"]


def test_html_memuat_muatan_sebagai_teks_yang_di_escape(html_laporan):
    for n in (1, 2, 3):
        assert f"&lt;script&gt;alert({n})&lt;/script&gt;" in html_laporan, n
    assert html.escape(MUATAN, quote=False) in html_laporan  # table cells
    assert html.escape(INDIKATOR, quote=False) in html_laporan


def test_html_muatan_isu_21_tanpa_skrip_atau_atribut(html_laporan, terlihat):
    """No javascript: link, no event handler, no Typst rule: the issue's payloads are text."""
    assert not [h for h in terlihat.href if "javascript:" in h.lower()]
    # as the browser parses it: no element carries an event-handler attribute (the payload's
    # "onmouseover=" may stand, escaped, inside an attribute's text, e.g. a table's label)
    assert not [a for a in terlihat.atribut if a.startswith("on")]
    teks = _rata(" ".join(terlihat.teks))
    assert SASARAN in teks
    assert _rata(PENUTUP) in teks
    assert '<meta http-equiv="Content-Security-Policy"' in html_laporan


def test_html_tanpa_elemen_dari_data(html_laporan, terlihat):
    assert "<script>alert(" not in html_laporan
    assert "<b>x</b>" not in html_laporan and "b" not in terlihat.tag
    assert not [h for h in terlihat.href if "contoh.invalid" in h]
    assert not re.search(r"""href\s*=\s*["']?https?://contoh""", html_laporan)


def test_html_nama_tampil_apa_adanya_di_luar_tabel(terlihat):
    teks = _rata(" ".join(terlihat.teks))
    # cells, the Bab III paragraph and the figure caption: the whole name, unchanged
    assert teks.count(INDIKATOR) >= 4, teks.count(INDIKATOR)
    # a var shortcode inside a name is never expanded (it would read "@tbl-psks 2023")
    assert "@tbl-psks 2023" not in teks
    assert "IND tebal" not in teks  # no emphasis taken from a name


def test_html_teks_prosa_hanya_penekanan_yang_hidup(html_laporan, terlihat):
    teks = _rata(" ".join(terlihat.teks))
    assert "_miring_ #set text(red) $x^2$ [tautan](http://contoh.invalid) @tbl-psks `kode`" in teks
    assert "| pipa | <b>x</b> &amp; akhir" in teks
    assert "VISI <script>alert(3)</script> #set text(red) $x^2$" in teks
    # documented: prose may carry *italic*
    assert "&lt;/script&gt; <em>tebal</em> _miring_" in html_laporan


def _teks_pdf(pdf: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    r = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return _rata(r.stdout)


def test_pdf_muatan_literal(kasus):
    teks = _teks_pdf(kasus["build"] / "lakip-2023.pdf")
    if teks is None:
        pytest.skip("pdftotext tidak terpasang")
    for potongan in (
        "#set text(red)",
        "$x^2$",
        "*tebal* _miring_",
        "<script>alert(1)</script>",
        "<script>alert(2)</script>",
        "<script>alert(3)</script>",
        "<b>x</b>",
        "{{< var laporan.tahun >}}",
        "[tautan](http://contoh.",
        "`kode` | pipa |",
        "&amp;",
    ):
        assert potongan in teks, potongan
    assert "@tbl-psks 2023" not in teks
    # The Typst rules from the data are text, not rules (they would rewrite every 2023).
    assert '#show "2023": "X"' in teks and '#show "2023": "Y"' in teks
    assert teks.count("2023") > 10


def _teks_docx(docx: Path) -> tuple[str, str]:
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", xml)), rels


def test_docx_muatan_literal(kasus):
    teks, rels = _teks_docx(kasus["build"] / "lakip-2023.docx")
    assert MUATAN in teks
    assert INDIKATOR in teks
    for n in (1, 2, 3):
        assert f"<script>alert({n})</script>" in teks, n
    assert "_miring_ #set text(red) $x^2$ [tautan](http://contoh.invalid) @tbl-psks" in teks
    assert "@tbl-psks 2023" not in teks
    assert "contoh.invalid" not in rels  # no hyperlink made from data text


def test_grafik_tidak_membaca_dolar_sebagai_mathtext(kasus):
    data = muat_tahun(2023, kasus["data_dir"])
    angka = KumpulanAngka.from_json((kasus["build"] / "numbers.json").read_text(encoding="utf-8"))
    grafik = {gid: fig for gid, _judul, fig in semua_grafik(data, angka)}
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        grafik["fig-target-realisasi"].savefig(buf, format="svg")
    # the drawn strings only (the SVG repeats every label in a comment)
    teks = [
        html.unescape(t)
        for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", buf.getvalue().decode())
    ]
    assert any("$x^2$" in t for t in teks), teks  # drawn as typed, not as x squared
    assert any("IND *tebal* _miring_" in t for t in teks), teks


def test_grafik_mathtext_rusak_di_nama_tidak_menggagalkan_build(kasus):
    data = muat_tahun(2023, kasus["data_dir"])
    angka = KumpulanAngka.from_json((kasus["build"] / "numbers.json").read_text(encoding="utf-8"))
    for tabel in ("indikator", "program"):
        df = data.tabel[tabel].copy()
        df["nama"] = df["nama"].astype(object)
        df.loc[df.index[0], "nama"] = r"Biaya $\tidakada{x}$ dan $\frac{1}"
        data.tabel[tabel] = df
    for _gid, _judul, fig in semua_grafik(data, angka):
        fig.savefig(io.BytesIO(), format="svg")  # mathtext would raise ValueError here
