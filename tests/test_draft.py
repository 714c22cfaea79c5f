"""End to end for a new year: a DRAFT of the blank 2024, then the filled-in final report.

One temporary data folder: 2023 (a copy) and 2024 made by ``make new-year``.
First the unfilled 2024 is rendered with ``--draft`` ("belum diisi" and the
DRAFT mark everywhere); then the analyst's work is simulated through the Excel
workbook (written with openpyxl), imported, and the final report is built:
its multi-year tables show 2022 (recorded by 2023), 2023 and 2024.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from lakip_calc.bangun.laporan import render_laporan
from lakip_calc.bangun.pipeline import bangun
from lakip_calc.paths import DATA
from lakip_calc.tahunan.buku_kerja import impor_buku_kerja, tulis_buku_kerja
from lakip_calc.tahunan.tahun_baru import buat_tahun_baru

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _bangun(data: Path, build: Path, draft: bool) -> Path:
    bangun(
        2024,
        data_dir=data,
        build_dir=build,
        lapor=lambda s: None,
        paralel=1,
        draft=draft,
        setelah_notebook=lambda d, s, t: render_laporan(
            d, s, mode="builtin", draft=draft, tunggu_gambar=t
        ),
    )
    return build / "2024"


@pytest.fixture(scope="module")
def tahun(tmp_path_factory) -> dict[str, Path]:
    """Build the draft of the blank 2024, fill it through the workbook, build the final report.

    The draft is built by the CLI (``--draft``) in a subprocess, on its own copy
    of the data, while this process fills the workbook and builds the final report.
    """
    akar = tmp_path_factory.mktemp("tahun-baru")
    data = akar / "data"
    shutil.copytree(DATA / "2023", data / "2023")
    buat_tahun_baru(2024, data)
    shutil.copytree(data, akar / "data-draft")
    env = {**os.environ, "CI": "1", "RENDERER": "builtin"}
    proses = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lakip_calc",
            "laporan",
            "--tahun",
            "2024",
            "--draft",
            "--data",
            str(akar / "data-draft"),
            "--build",
            str(akar / "build-draft"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        buku = tulis_buku_kerja(2024, data)
        wb = openpyxl.load_workbook(buku)
        ws = wb["Anggaran"]
        for i in range(2, ws.max_row + 1):
            ws.cell(row=i, column=4).value = 1_000_000.0 * i  # pagu
            ws.cell(row=i, column=5).value = 950_000.0 * i  # realisasi
            ws.cell(row=i, column=6).value = 97.5  # fisik
        realisasi = {"IK1": 52.0, "IK2": 90, "IK3": 70.15, "IK4": 83, "IK5": 100}
        wt = wb["Target Realisasi IKU"]
        for i in range(2, wt.max_row + 1):
            wt.cell(row=i, column=4).value = realisasi[wt.cell(row=i, column=1).value]
        wk = wb["Keluaran"]
        for i in range(2, wk.max_row + 1):
            wk.cell(row=i, column=7).value = 10 * i  # realisasi
        wp = wb["PSKS"]
        for i in range(2, wp.max_row + 1):
            wp.cell(row=i, column=4).value = i
        isi = akar / "isian-terisi.xlsx"
        wb.save(isi)
        impor = impor_buku_kerja(2024, isi, data)
        for ss in ("SS1", "SS2", "SS3"):
            (data / "2024" / "teks" / "analisis" / f"{ss}.md").write_text(
                f"Uraian pelaksanaan {ss} tahun {{{{< var laporan.tahun >}}}} dengan pagu "
                f"pendukung {{{{< var kinerja.{ss}.pagu_pendukung >}}}}.\n",
                encoding="utf-8",
            )
            (data / "2024" / "teks" / "evaluasi" / f"{ss}.yaml").write_text(
                f'penyebab: "Penyebab {ss}."\nsolusi: "Solusi {ss}."\nefisiensi: "Efisiensi {ss}."\n',
                encoding="utf-8",
            )
        final = _bangun(data, akar / "build-final", draft=False)
    finally:
        out, err = proses.communicate(timeout=600)
    assert proses.returncode == 0, err
    assert "DRAFT               : 116 isian belum diisi" in out, out
    return {"draft": akar / "build-draft" / "2024", "final": final, "impor": impor.teks()}


def _pdf_halaman(pdf: Path) -> list[str]:
    """The raw text of every page (pdftotext), or skip when poppler is not installed."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext tidak terpasang")
    r = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return r.stdout.split("\f")[:-1]


def _angka(build: Path) -> dict[str, dict]:
    return {d["key"]: d for d in json.loads((build / "numbers.json").read_text(encoding="utf-8"))}


# --------------------------------------------------------------------------- draft


def test_draft_angka_belum_diisi(tahun) -> None:
    n = _angka(tahun["draft"])
    for key in (
        "anggaran.total.pagu",
        "anggaran.1.persen_fisik",
        "kinerja.IK1.realisasi",
        "kinerja.IK1.capaian",
        "kinerja.rata_rata_predikat",
        "keluaran.K01.realisasi",
    ):
        assert n[key]["value"] is None and n[key]["text"] == "belum diisi", key
    assert n["kinerja.IK1.target"]["text"] == "58%"  # from target_rpjmd


def test_draft_proyek_memakai_opsi_draft_renderer(tahun) -> None:
    proyek = tahun["draft"] / "proyek"
    meta = yaml.safe_load((proyek / "_quarto.yml").read_text(encoding="utf-8"))
    assert meta["lakip-draft"] is True and meta["title"].startswith("DRAFT — Laporan Kinerja")
    # The fragment only says how many inputs are blank: the mark is the renderer's.
    fragmen = (proyek / "report" / "_hasil" / "teks" / "draft.md").read_text(encoding="utf-8")
    assert fragmen.startswith("**DRAFT — bukan laporan final: 116 isian data tahun 2024")
    for mentah in ("```{=", "#set page", "draft-banner", "content-visible"):
        assert mentah not in fragmen, mentah
    # Included at the top of the rendered file, after its front matter.
    utama = (proyek / "report" / "lakip.qmd").read_text(encoding="utf-8")
    akhir_front_matter = utama.index("\n---\n", 4) + 5
    assert utama[akhir_front_matter:].startswith("{{< include _hasil/teks/draft.md >}}")


def test_draft_html_spanduk_dan_belum_diisi(tahun) -> None:
    html = (tahun["draft"] / "lakip-2024.html").read_text(encoding="utf-8")
    # The extension's banner, first in the report's content, sticky (lakip.css).
    assert re.search(
        r'<main class="isi">\s*<div class="spanduk-draft" role="note">\s*DRAFT\s*</div>', html
    )
    assert re.search(r"\.spanduk-draft \{[^}]*position: sticky", html)
    assert "DRAFT — bukan laporan final: 116 isian data tahun 2024 belum diisi" in html
    assert "<title>DRAFT — Laporan Kinerja" in html
    sel = re.findall(r'data-key="anggaran\.total\.pagu"[^>]*>([^<]*)<', html)
    assert sel and set(sel) == {"belum diisi"}, sel
    tabel = (tahun["draft"] / "tables" / "tbl-sasaran-ss1.md").read_text(encoding="utf-8")
    assert "Realisasi 2024" in tabel and "belum diisi" in tabel
    catatan = (tahun["draft"] / "tables" / "tbl-sasaran-ss1.html").read_text(encoding="utf-8")
    assert "sel data tahun ini masih kosong" in catatan  # the table's note says what it means


def test_draft_pdf_bertanda_di_setiap_halaman(tahun) -> None:
    halaman = _pdf_halaman(tahun["draft"] / "lakip-2024.pdf")
    assert "DRAFT — LAPORAN KINERJA" in halaman[0].upper()  # the cover
    for i, teks in enumerate(halaman, start=1):
        # the watermark, rotated, comes out letter by letter before the page's text:
        # on every page, the cover included
        assert teks.lstrip().startswith("D\nR\nA\nF\nT\n"), (i, teks[:80])
    assert "DRAFT — bukan laporan final: 116 isian" in halaman[1]
    semua = "\n".join(halaman)
    assert "belum diisi" in semua


def test_draft_docx_bertanda(tahun) -> None:
    with zipfile.ZipFile(tahun["draft"] / "lakip-2024.docx") as z:
        doc = z.read("word/document.xml").decode("utf-8")
    assert "DRAFT — Laporan Kinerja" in doc
    assert "DRAFT — bukan laporan final" in doc and "belum diisi" in doc
    # the mark in bold, a paragraph of its own before the report's first chapter
    tanda = doc.index(">DRAFT</w:t>")
    paragraf = doc[doc.rindex("<w:p>", 0, tanda) : tanda]
    assert "<w:b" in paragraf and tanda < doc.index("Kata Pengantar")


# --------------------------------------------------------------------------- final


def test_impor_melaporkan_isian(tahun) -> None:
    teks = tahun["impor"]
    assert "sub_kegiatan.csv baris 2 pagu: (kosong) -> 2000000" in teks
    assert "indikator_tahunan.csv baris 4 realisasi: (kosong) -> 70.15" in teks
    # the texts written next: analisis and evaluasi of three sasaran
    assert "Masih belum diisi: 6 isian" in teks


def test_final_tanpa_tanda_draft(tahun) -> None:
    html = (tahun["final"] / "lakip-2024.html").read_text(encoding="utf-8")
    assert "DRAFT" not in html and 'class="spanduk-draft"' not in html
    assert "belum diisi" not in html
    proyek = tahun["final"] / "proyek"
    assert "lakip-draft" not in yaml.safe_load((proyek / "_quarto.yml").read_text(encoding="utf-8"))
    assert not (proyek / "report" / "_hasil" / "teks" / "draft.md").exists()
    with zipfile.ZipFile(tahun["final"] / "lakip-2024.docx") as z:
        assert "word/header1.xml" not in z.namelist()
    semua = "\n".join(_pdf_halaman(tahun["final"] / "lakip-2024.pdf"))
    assert "DRAFT" not in semua and "belum diisi" not in semua


def test_final_tabel_antartahun_2022_2023_2024(tahun) -> None:
    build = tahun["final"]
    for ss in ("ss1", "ss2", "ss3"):
        kepala = (build / "tables" / f"tbl-sasaran-{ss}.csv").read_text(encoding="utf-8")
        kepala = kepala.splitlines()[0]
        for t in (2022, 2023, 2024):
            assert f"Target {t},Realisasi {t}" in kepala, (ss, kepala)
    baris = (build / "tables" / "tbl-sasaran-ss1.csv").read_text(encoding="utf-8").splitlines()[1]
    # IK1: 2022 57/50 and 2023 55/50 (data/2023), 2024 58/52 (data/2024)
    assert ",57,50,55,50,58,52," in baris, baris
    html = (build / "lakip-2024.html").read_text(encoding="utf-8")
    for t in (2022, 2023, 2024):
        assert f"Realisasi {t}" in html
    n = _angka(build)
    assert n["kinerja.IK1.capaian"]["text"] == "89,66%"
    assert {i["file"] for i in n["kinerja.IK1.riwayat.2022.realisasi"]["inputs"]} == {
        "../2023/indikator_tahunan.csv"
    }
    assert {i["file"] for i in n["keluaran.K01.riwayat.2023.realisasi"]["inputs"]} == {
        "../2023/keluaran.csv"
    }
    assert n["anggaran.total.pagu"]["value"] == str(sum(1_000_000 * i for i in range(2, 31)))
