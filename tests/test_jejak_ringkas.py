"""The companion's Jejak Angka above its print limit (issue 22).

Up to :data:`lakip_calc.isi.narasi.BATAS_JEJAK_PDF` numbers the table is one
pipe table with a row per number in every format (the example office). Above
it the HTML keeps every row and anchor (a raw HTML table, which pandoc does not
parse cell by cell) and the PDF prints the numbers per notebook cell and code,
with as many rows whatever the size of the data, and names where every row is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from lakip_calc.hitungan.angka import KumpulanAngka, Sumber
from lakip_calc.isi import narasi
from lakip_calc.isi.narasi import fragmen_jejak, ringkasan_jejak, slug
from lakip_calc.render import render_project

ROOT = Path(__file__).resolve().parents[1]
KODE = "lakip_calc.hitungan.hitung:_anggaran_tingkat@lakip_calc/hitungan/hitung.py:158"
SEL = "build/2023/notebooks/01_anggaran.ipynb#hitung-anggaran"


def _angka(n: int) -> KumpulanAngka:
    """``n`` sub kegiatan with a pagu each, and one count, as a notebook registers them."""
    k = KumpulanAngka()
    for i in range(1, n + 1):
        kode = f"{i // 10 + 1}.{i % 10 + 1}.{i}"
        k.tambah(
            f"anggaran.{kode}.pagu",
            Decimal(1000 * i),
            "rupiah",
            f"pagu sub kegiatan {kode} (data)",
            [Sumber("sub_kegiatan.csv", i + 1, "pagu")],
            KODE,
        )
    k.tandai_notebook(SEL)
    lain = KumpulanAngka()
    lain.tambah("rekonsiliasi.jumlah_cek", 3, "cek", "banyaknya <cek> & @tbl-x", [], "m:f@m.py:1")
    lain.tandai_notebook("build/2023/notebooks/04_r.ipynb#r")
    k.gabung(lain)
    return k


def test_bawah_batas_satu_tabel_untuk_semua_format():
    """The example office's size: one pipe table, a row per number, no format variant."""
    teks = fragmen_jejak(_angka(30))
    assert "::: {.content-visible" not in teks
    assert "{=html}" not in teks
    assert teks.count("{#jejak-anggaran-") == 30
    assert teks.rstrip().endswith("{#tbl-jejak-angka}")


def test_ringkasan_tidak_tumbuh_dengan_data():
    """The per-cell summary has as many rows for 50 numbers as for 500."""
    kecil, besar = ringkasan_jejak(_angka(50)), ringkasan_jejak(_angka(500))
    assert len(kecil) == len(besar) == 2
    assert besar[0] == (SEL, KODE, "pagu sub kegiatan … (data)", "anggaran.….pagu", 500)


def test_atas_batas_html_penuh_pdf_ringkas(monkeypatch):
    monkeypatch.setattr(narasi, "BATAS_JEJAK_PDF", 100)
    angka = _angka(200)
    teks = fragmen_jejak(angka)
    html, _, cetak = teks.partition('::: {.content-visible unless-format="html"}')
    assert html.startswith('::: {.content-visible when-format="html"}')
    assert all(f'<span id="{slug(a.key)}">' in html for a in angka)
    assert "banyaknya &lt;cek&gt; &amp; &#64;tbl-x" in html  # data text stays text
    assert "{#jejak-" not in cetak and "<span" not in cetak
    assert "jejak-angka.csv" in cetak and "numbers.json" in cetak
    assert "memuat 201 angka" in cetak
    assert re.search(r"\| 200 \|", cetak)  # the count of the cell's pagu numbers


def test_atas_batas_teks_data_tidak_menutup_blok_html(monkeypatch):
    """A line break and backticks in data text (a CSV cell may hold both) stay inside
    their cell: the raw HTML block's fence is closed once, by the code, and nowhere else."""
    monkeypatch.setattr(narasi, "BATAS_JEJAK_PDF", 10)
    angka = _angka(20)
    jahat = KumpulanAngka()
    rumus = "x\n````\n# Judul sisipan\n<script>alert(1)</script>\n````{=html}"
    jahat.tambah("jahat.nilai", 1, "cek", rumus, [], "m:f@m.py:1")
    jahat.tandai_notebook("build/2023/notebooks/04_r.ipynb#r")
    angka.gabung(jahat)
    html, _, _ = fragmen_jejak(angka).partition('::: {.content-visible unless-format="html"}')
    assert html.count("````") == 2  # the block's own opening and closing fence
    assert "<script>" not in html and "\n# Judul" not in html
    assert "x &#96;&#96;&#96;&#96; # Judul sisipan &lt;script&gt;" in html


@pytest.mark.slow
def test_dokumen_atas_batas_dirender(tmp_path, monkeypatch):
    """Rendered by the built-in renderer: the HTML has every row and its anchor, the PDF
    the per-cell summary (a few pages, not one row per number)."""
    monkeypatch.setattr(narasi, "BATAS_JEJAK_PDF", 100)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    angka = _angka(400)
    proyek = tmp_path / "proj"
    proyek.mkdir()
    shutil.copytree(ROOT / "_extensions", proyek / "_extensions")
    (proyek / "_quarto.yml").write_text(
        "project:\n  render: [index.qmd]\ntitle: Uji\nformat:\n  lakip-html: {}\n"
        "  lakip-typst: {}\n",
        encoding="utf-8",
    )
    (proyek / "_variables.yml").write_text('laporan:\n  tahun: "2023"\n', encoding="utf-8")
    (proyek / "jejak.md").write_text(fragmen_jejak(angka), encoding="utf-8")
    (proyek / "index.qmd").write_text(
        "# Jejak Angka\n\n{{< include jejak.md >}}\n\nLihat @tbl-jejak-angka.\n", encoding="utf-8"
    )
    keluar = render_project(proyek, tmp_path / "keluar", formats=("html", "pdf"))
    html = keluar["html"].read_text(encoding="utf-8")
    assert {slug(a.key) for a in angka} <= set(re.findall(r'id="(jejak-[^"]+)"', html))
    assert 'href="notebooks/01_anggaran.html#hitung-anggaran"' in html
    assert re.search(r"<figcaption[^>]*>Tabel\s1: Jejak angka: setiap angka laporan", html, re.S)
    pdf = subprocess.run(
        ["pdftotext", str(keluar["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    rata = " ".join(pdf.split())
    assert "Jejak angka per sel notebook" in rata
    assert "anggaran.1.2.1.pagu" not in rata  # no row per number
    assert "anggaran.….pagu" in rata and "400" in rata
    assert pdf.count("\f") <= 3


def test_jejak_csv_setiap_angka_tanpa_rumus_lembar_kerja(tmp_path):
    """The open-data trail has a row per number; text that a spreadsheet would run stays text."""
    import csv

    from lakip_calc.audit.publikasi import tulis_jejak_csv

    angka = _angka(20)
    angka.tambah("x.rumus", 1, "cek", "=HYPERLINK(1)", [], "m:f@m.py:2")
    numbers = tmp_path / "numbers.json"
    numbers.write_text(angka.to_json(), encoding="utf-8")
    baris = list(csv.DictReader(tulis_jejak_csv(numbers, tmp_path / "j.csv").open()))
    assert len(baris) == len(angka)
    pagu = next(b for b in baris if b["key"] == "anggaran.1.2.1.pagu")
    assert pagu["text"] == "Rp1.000" and pagu["inputs"] == "sub_kegiatan.csv [pagu] baris 2"
    assert pagu["notebook"] == SEL and pagu["code"] == KODE
    assert next(b for b in baris if b["key"] == "x.rumus")["formula"] == "'=HYPERLINK(1)"
