"""Property: random data text stays text in the HTML and the PDF (Hypothesis).

Random strings made of the pieces that markup is built from (backticks and
fences, ``:::``, ``{=html}``, ``<``, ``#``, ``$``, shortcodes, line breaks, ...)
go through the same steps as the office's data:

- a *CSV name* (one line) is accepted by the loader's cell check, then shown as a
  table cell (the great-tables fragment in a raw HTML block, the pipe table
  elsewhere: :func:`lakip_calc.isi.narasi.blok_tabel`), in prose
  (:func:`lakip_calc.isi.narasi.md_nama`) and as a ``{{< var >}}`` value
  (:func:`lakip_calc.render._variables.markdown_text`, as ``profil.*``);
- a *YAML paragraph* (line breaks allowed) round-trips through the bounded YAML
  loader and its declared shape, then becomes prose (:func:`lakip_calc.isi.narasi.paragraf`).

Every example renders one small document holding a batch of strings with the
built-in renderer (the report's own extension), HTML and PDF. The HTML must have
exactly the elements and attributes of the same document with plain words
(paragraphs split at blank lines aside), and show each string as text; the PDF
text must hold each string. Few examples, derandomised: the run time is bounded
and the same every run.
"""

from __future__ import annotations

import shutil
import string
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lakip_calc.isi.narasi import blok_tabel, md_nama, paragraf
from lakip_calc.isi.tabel import TabelLaporan
from lakip_calc.isi.tulis import tabel_html, tabel_markdown
from lakip_calc.masukan.loader import parse_nilai
from lakip_calc.masukan.schema import TABEL
from lakip_calc.masukan.skema_teks import muat_yaml, periksa_teks
from lakip_calc.paths import ROOT
from lakip_calc.render import render_project
from lakip_calc.render._variables import markdown_text

pytestmark = pytest.mark.slow

#: Pieces of markup in every language the report passes through.
POTONGAN = (
    "```",
    "~~~",
    ":::",
    "{=html}",
    "{=typst}",
    "{{< var x >}}",
    "{{< include a.qmd >}}",
    "<script>",
    "</div>",
    '<a href="javascript:alert(1)">',
    "<div onmouseover=alert(2)>",
    '#show "2023": "X"',
    "#set text(red)",
    "$x$",
    "@tbl-x",
    "[a](b)",
    "{.x}",
    "\\",
    "|",
    "&amp;",
    "<!--",
    "- ",
    "1. ",
    "> ",
    "# ",
    "...",
    "--",
    "---",
    '"q"',
    "'q'",
    "//",
    "/*",
    "~",
)
_HURUF = string.ascii_letters + string.digits + string.punctuation + " "
_BAGIAN = st.one_of(st.sampled_from(POTONGAN), st.text(alphabet=_HURUF, min_size=1, max_size=6))
#: A CSV name: one line (the loader refuses line breaks), trimmed, not empty.
NAMA = (
    st.lists(_BAGIAN, min_size=1, max_size=6)
    .map(lambda b: " ".join("".join(b).split()))
    .filter(bool)
)
#: A YAML paragraph: line breaks too; prose may hold *emphasis* and var
#: shortcodes (documented), so neither comes from here.
PARAGRAF = (
    st.lists(st.one_of(_BAGIAN, st.sampled_from(("\n", "\n\n"))), min_size=1, max_size=8)
    .map("".join)
    .map(lambda s: s.replace("*", "+").replace("{{<", "{ {<"))
    .filter(lambda s: s.strip() != "")
)
N_NAMA, N_PARAGRAF = 8, 4

KOLOM_NAMA = next(k for k in TABEL["program"].kolom if k.nama == "nama")


class _Struktur(HTMLParser):
    """Elements with their attribute names, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elemen: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.nilai_atribut: list[str] = []
        self.teks: list[str] = []
        self._lewati = 0

    def handle_starttag(self, tag, attrs):
        self.elemen[(tag, tuple(sorted(k for k, _ in attrs)))] += 1
        self.nilai_atribut += [v or "" for _, v in attrs]
        if tag in ("script", "style"):
            self._lewati += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._lewati -= 1

    def handle_data(self, data):
        if not self._lewati:
            self.teks.append(data)


def _rata(s: str) -> str:
    return " ".join(s.split())


def _tanpa_spasi(s: str) -> str:
    return "".join(s.split())


def _tabel(nama: list[str]) -> TabelLaporan:
    import pandas as pd

    kolom = ["Kode", "Nama"]
    isi = pd.DataFrame({"Kode": [f"{i + 1}" for i in range(len(nama))], "Nama": nama}, dtype=object)
    kunci = pd.DataFrame({"Kode": [""] * len(nama), "Nama": [""] * len(nama)}, dtype=object)
    return TabelLaporan("tbl-uji", "Tabel Uji", isi[kolom], isi[kolom].copy(), kunci)


def _render(folder: Path, nama: list[str], paragraf_yaml: list[str]) -> tuple[str, str]:
    """HTML and PDF text of one document holding the strings."""
    proyek = folder / "proyek"
    shutil.copytree(ROOT / "_extensions", proyek / "_extensions")
    (proyek / "_quarto.yml").write_text(
        'project:\n  render: [index.qmd]\ntitle: "Uji"\nlang: id\n'
        "crossref:\n  tbl-title: Tabel\n"
        "format:\n  lakip-html: {embed-resources: true}\n  lakip-typst: {}\n",
        encoding="utf-8",
    )
    t = _tabel(nama)
    hasil = proyek / "_hasil"
    hasil.mkdir()
    (hasil / "tbl-uji.html").write_text(tabel_html(t), encoding="utf-8")
    (hasil / "tbl-uji.md").write_text(tabel_markdown(t), encoding="utf-8")
    badan = [
        "# Uji",
        blok_tabel("tbl-uji", "Tabel Uji", dasar="_hasil"),
        *(f"Nama: {md_nama(n)}" for n in nama),
        *(f"Variabel: {{{{< var nama{i} >}}}}" for i in range(len(nama))),
        *(paragraf(p) for p in paragraf_yaml),
    ]
    (proyek / "index.qmd").write_text("\n\n".join(badan) + "\n", encoding="utf-8")
    variabel = {f"nama{i}": markdown_text(n) for i, n in enumerate(nama)}
    keluar = render_project(proyek, folder / "keluar", ("html", "pdf"), variables=variabel)
    teks_pdf = subprocess.run(
        ["pdftotext", "-raw", str(keluar["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    return keluar["html"].read_text(encoding="utf-8"), teks_pdf


def _struktur(html: str) -> _Struktur:
    s = _Struktur()
    s.feed(html)
    return s


@pytest.fixture(scope="module")
def dasar(tmp_path_factory) -> _Struktur:
    """The same document with plain words: the elements every example must have."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext tidak terpasang")
    html, _ = _render(
        tmp_path_factory.mktemp("dasar"),
        [f"nama{i}" for i in range(N_NAMA)],
        [f"paragraf{i}" for i in range(N_PARAGRAF)],
    )
    return _struktur(html)


def _lolos_loader(nama: list[str], paragraf_yaml: list[str]) -> list[str]:
    """The strings as the loader hands them on (and proof that it accepts them)."""
    for n in nama:
        assert parse_nilai(n, KOLOM_NAMA, file="program.csv", row=2) == n
    berkas = {"penutup": paragraf_yaml[0], "kendala": paragraf_yaml}
    isi = yaml.safe_dump({"penutup": berkas["penutup"], "kendala": berkas["kendala"]})
    dimuat = muat_yaml(isi, "penutup.yaml")
    periksa_teks("penutup", dimuat, "penutup.yaml", markdown=False)
    assert dimuat["kendala"] == paragraf_yaml
    return dimuat["kendala"]


@settings(
    max_examples=20,
    derandomize=True,
    # No shrinking: each example renders a document, and a failing batch names its strings.
    phases=(Phase.explicit, Phase.generate),
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    nama=st.lists(NAMA, min_size=N_NAMA, max_size=N_NAMA),
    paragraf_yaml=st.lists(PARAGRAF, min_size=N_PARAGRAF, max_size=N_PARAGRAF),
)
def test_teks_acak_tetap_teks(tmp_path_factory, dasar, nama, paragraf_yaml) -> None:
    paragraf_yaml = _lolos_loader(nama, paragraf_yaml)
    html, pdf = _render(tmp_path_factory.mktemp("acak"), nama, paragraf_yaml)
    s = _struktur(html)

    # No element or attribute gained; only prose paragraphs split at blank lines.
    harap_p = sum(len([b for b in p.split("\n\n") if b.strip()]) for p in paragraf_yaml)
    beda = (s.elemen - dasar.elemen) + (dasar.elemen - s.elemen)
    assert set(beda) <= {("p", ())}, beda
    assert s.elemen[("p", ())] - dasar.elemen[("p", ())] == harap_p - N_PARAGRAF
    assert not [v for v in s.nilai_atribut if v.strip().lower().startswith("javascript:")]

    # Every string is shown as text: in the HTML, and in the PDF's text.
    terlihat = _rata(" ".join(s.teks))
    teks_pdf = _tanpa_spasi(pdf)
    for n in nama:
        # table cell, prose and variable: three times
        assert terlihat.count(n) >= 3, (n, terlihat)
        assert _tanpa_spasi(n) in teks_pdf, n
    for p in paragraf_yaml:
        for bagian in p.split("\n\n"):
            if bagian.strip():
                assert _rata(bagian) in terlihat, bagian
                assert _tanpa_spasi(bagian) in teks_pdf, bagian


#: The payloads of issue 21: a multi-line name closing the raw HTML block around the table.
MULTIBARIS = (
    'Nama\n```\n\n```{=html}\n<a href="javascript:alert(1)">x</a>\n```',
    'Nama\n```\n<div onmouseover="alert(2)" style="position:fixed;inset:0">\n```',
    'Nama\n```\n\n```{=typst}\n#show "2023": "X"\n```',
    'Nama\n:::\n::: {.content-visible when-format="html"}\n[x](javascript:alert(3))',
    "Nama\n{{< var x >}}\n$x$\n<script>alert(4)</script>",
    "Nama\n\n# Judul\n\n- butir",
    "Nama\r\n```\r\n<b>x</b>",
    "Nama",
)


def test_nama_multibaris_tanpa_loader_tetap_teks(tmp_path: Path, dasar) -> None:
    """The loader refuses line breaks in a cell; the table writer is safe without it too."""
    html, pdf = _render(tmp_path, list(MULTIBARIS), ["paragraf0", "paragraf1", "p2", "p3"])
    s = _struktur(html)
    beda = (s.elemen - dasar.elemen) + (dasar.elemen - s.elemen)
    assert not beda, beda
    assert not [v for v in s.nilai_atribut if "javascript:" in v.lower()]
    terlihat = _rata(" ".join(s.teks))
    for n in MULTIBARIS:
        assert terlihat.count(_rata(n)) >= 3, n
    teks_pdf = _tanpa_spasi(pdf)
    assert '#show"2023":"X"' in teks_pdf
    assert _tanpa_spasi(_rata(MULTIBARIS[2])) in teks_pdf
