"""Another kind of office, end to end: a Dinas Pendidikan of a Kota (test fixture).

It has negative-polarity and categorical indicators (a SAKIP grade, a BPK
opinion), a negative-polarity output, funding sources, and no PSKS, PPKS or
AKIP text. Its report must carry its own region and head of region, its
sections and nothing of the first office, and the source tree must name no
office or region.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from lakip_calc.bangun.laporan import render_laporan
from lakip_calc.bangun.pipeline import bangun
from lakip_calc.errors import DataError
from lakip_calc.masukan.loader import muat_tahun

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "kota_pendidikan"
TAHUN = 2024

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    build_dir = tmp_path_factory.mktemp("build-kota")
    bangun(
        TAHUN,
        data_dir=FIXTURE,
        build_dir=build_dir,
        lapor=lambda s: None,
        setelah_notebook=lambda data, staging, tunggu: render_laporan(
            data, staging, mode="builtin", tunggu_gambar=tunggu
        ),
    )
    return build_dir / str(TAHUN)


@pytest.fixture(scope="module")
def numbers(build) -> dict[str, dict]:
    return {d["key"]: d for d in json.loads((build / "numbers.json").read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def teks(build) -> dict[str, str]:
    """The text of the signed report in each format, whitespace collapsed."""
    pdf = subprocess.run(
        ["pdftotext", str(build / f"lakip-{TAHUN}.pdf"), "-"], capture_output=True, text=True
    ).stdout
    isi_html = re.sub(
        r"<script.*?</script>|<style.*?</style>",
        " ",
        (build / f"lakip-{TAHUN}.html").read_text(),
        flags=re.S,
    )
    with zipfile.ZipFile(build / f"lakip-{TAHUN}.docx") as z:
        docx = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode())
    hasil = {
        "pdf": pdf,
        "html": html.unescape(re.sub(r"<[^>]+>", " ", isi_html)),
        "docx": html.unescape(docx),
    }
    return {k: " ".join(v.split()) for k, v in hasil.items()}


@pytest.mark.parametrize("fmt", ["pdf", "html", "docx"])
def test_region_and_head_of_region_are_the_offices_own(teks, fmt):
    t = teks[fmt]
    assert "Dinas Pendidikan Kota Tepian Raya" in t
    assert "Wali Kota Tepian Raya" in t
    for asing in ("Kabupaten", "Bupati", "Tanjung Jabung", "Jambi", "Dinas Sosial"):
        assert asing not in t, asing


@pytest.mark.parametrize("fmt", ["pdf", "html", "docx"])
def test_sections_without_data_are_left_out(teks, fmt):
    t = teks[fmt]
    for judul in (
        "Potensi dan Sumber Kesejahteraan Sosial",
        "Pemerlu Pelayanan Kesejahteraan Sosial",
        "Akuntabilitas Kinerja Instansi Pemerintah A",
    ):
        assert judul not in t, judul
    assert "Keluaran Sub Kegiatan" in t  # the office has outputs


def test_negative_polarity(numbers):
    # (2 x 0.4 - 0.3) / 0.4 x 100; against the Renstra target 0.2: (0.4 - 0.3) / 0.2 x 100
    assert Decimal(numbers["kinerja.I1.capaian"]["value"]) == Decimal("125")
    assert Decimal(numbers["kinerja.I1.capaian_rpjmd"]["value"]) == Decimal("50")
    assert "polaritas negatif" in numbers["kinerja.I1.capaian"]["formula"]
    # an output where fewer is better: (2 x 120 - 95) / 120 x 100
    assert numbers["keluaran.O2.capaian"]["text"] == "120,83%"


def test_letter_grades(numbers):
    assert numbers["kinerja.I3.target"]["text"] == "B"
    assert numbers["kinerja.I3.capaian"]["text"] == "tercapai (1 tingkat di atas target)"
    assert numbers["kinerja.I4.capaian"]["text"] == "tidak tercapai (1 tingkat di bawah target)"
    assert numbers["kinerja.I3.riwayat.2023.capaian"]["text"] == "tercapai"
    # categorical indicators are not averaged: the mean is of I1 and I2 only
    rata = (Decimal(125) + Decimal("82.4") / 81 * 100) / 2
    assert Decimal(numbers["kinerja.rata_rata_capaian"]["value"]) == rata
    assert numbers["kinerja.jumlah_indikator_kategori"]["value"] == 2


def test_method_text_explains_categorical_indicators(teks):
    assert "tidak ikut dalam rata-rata capaian" in teks["pdf"]


def test_output_outside_budget_shows_its_funding_source(tmp_path):
    import shutil

    salinan = tmp_path / "data"
    shutil.copytree(FIXTURE, salinan)
    p = salinan / str(TAHUN) / "keluaran.csv"
    p.write_text(p.read_text() + "O3,,2024,Beasiswa siswa miskin,orang,100,100,,,APBD Provinsi\n")
    from lakip_calc.hitungan.hitung import hitung_semua
    from lakip_calc.isi.tabel import tabel_keluaran

    data = muat_tahun(TAHUN, salinan)
    tabel = tabel_keluaran(data, hitung_semua(data))
    assert "APBD Provinsi" in set(tabel.tampil["Sub Kegiatan"])


@pytest.mark.parametrize(
    ("berkas", "cari", "ganti", "kolom"),
    [
        ("indikator_tahunan.csv", "I2,2024,81,82.4", "I2,2024,81,BB", "realisasi"),
        ("indikator_tahunan.csv", "I3,2024,B,BB", "I3,2024,B,Z", "realisasi"),
        (
            "indikator.csv",
            "kategori,A,Target Akhir Renstra 2026,SAKIP",
            "kategori,A,Target Akhir Renstra 2026,NILAI",
            "skala",
        ),
    ],
)
def test_grades_are_checked_against_their_scale(tmp_path, berkas, cari, ganti, kolom):
    import shutil

    salinan = tmp_path / "data"
    shutil.copytree(FIXTURE, salinan)
    p = salinan / str(TAHUN) / berkas
    assert cari in p.read_text()
    p.write_text(p.read_text().replace(cari, ganti))
    with pytest.raises(DataError) as e:
        muat_tahun(TAHUN, salinan)
    pesan = str(e.value)
    assert berkas in pesan and "baris" in pesan and kolom in pesan


def test_optional_files_absent_change_nothing_else():
    data = muat_tahun(TAHUN, FIXTURE)
    assert len(data["psks"]) == 0 and len(data["angka_terbit"]) == 0
    assert "psks.csv" not in data.berkas


def test_sources_name_no_office_or_region():
    """Names of the first office and its region appear in no code or report source."""
    nama = re.compile(r"Tanjung Jabung|Kuala Tungkal|Jambi|Dinas Sosial|Bupati|Kabupaten [A-Z]")
    sumber = [
        p
        for folder in ("lakip_calc", "report", "_extensions", "notebooks")
        for p in (ROOT / folder).rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".qmd", ".lua", ".typ", ".css", ".ipynb", ".yml", ".html", ".md"}
        and "_hasil" not in p.parts
    ] + [ROOT / "_quarto.yml"]
    temu = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sumber
        for n, baris in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if nama.search(baris)
    ]
    assert temu == []


def test_every_text_fragment_is_in_every_format(build):
    from _teks import teks_dokumen, teks_hilang

    assert teks_hilang(FIXTURE / str(TAHUN) / "teks", teks_dokumen(build, f"lakip-{TAHUN}")) == []


def test_new_year_from_an_office_without_optional_files(tmp_path):
    """make new-year works for an office without psks.csv, and the new year loads."""
    import shutil

    from lakip_calc.tahunan.tahun_baru import buat_tahun_baru

    shutil.copytree(FIXTURE / str(TAHUN), tmp_path / str(TAHUN))
    hasil = buat_tahun_baru(TAHUN + 1, tmp_path)
    assert not (hasil.folder / "psks.csv").exists()
    data = muat_tahun(TAHUN + 1, tmp_path)
    assert set(data["indikator_tahunan"]["kode_indikator"]) >= {"I1", "I3"}
    # the categorical indicator's proposed target is its Renstra grade
    baru = data["indikator_tahunan"]
    assert (
        baru[(baru["kode_indikator"] == "I3") & (baru["tahun"] == TAHUN + 1)]["target"].item()
        == "A"
    )
    assert any(k.berkas == "teks/evaluasi/S1.yaml" for k in hasil.kosong)


def test_workbook_round_trip_keeps_grades_and_absent_files(tmp_path, potret):
    import shutil

    from lakip_calc.tahunan.buku_kerja import impor_buku_kerja, tulis_buku_kerja

    shutil.copytree(FIXTURE / str(TAHUN), tmp_path / str(TAHUN))
    sebelum = potret(tmp_path / str(TAHUN))
    xlsx = tulis_buku_kerja(TAHUN, tmp_path, tmp_path / "isian.xlsx")
    hasil = impor_buku_kerja(TAHUN, xlsx, tmp_path)
    assert not any(x.ada for x in hasil.perubahan)
    assert potret(tmp_path / str(TAHUN)) == sebelum  # no psks.csv appeared, grades kept


def test_per_sasaran_analysis_has_a_declared_shape(tmp_path):
    import shutil

    shutil.copytree(FIXTURE, tmp_path / "data")
    p = tmp_path / "data" / str(TAHUN) / "teks" / "evaluasi" / "S1.yaml"
    p.write_text('penyebab: 5\nsolusi: "x"\nefisiensi: "y"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"evaluasi/S1\.yaml.*'penyebab'"):
        muat_tahun(TAHUN, tmp_path / "data")
    p.write_text('penyebab: "x"\nsolusi: "x"\nefisiensi: "y"\npenyebap: "z"\n', encoding="utf-8")
    with pytest.raises(DataError, match="penyebap"):
        muat_tahun(TAHUN, tmp_path / "data")


def test_funding_sources_come_from_the_data(build, numbers, teks):
    """Pagu and realisasi per source as the office labels them (APBD, DAK, APBN), in the
    report's own section; the first office, which names none, has no such section."""
    assert Decimal(numbers["anggaran.sumber_dana.dak.pagu"]["value"]) == Decimal(3200000000)
    assert Decimal(numbers["anggaran.sumber_dana.apbd.pagu"]["value"]) == Decimal(46650000000)
    assert "sub_kegiatan.csv" in {
        s["file"] for s in numbers["anggaran.sumber_dana.apbn.pagu"]["inputs"]
    }
    for fmt in ("html", "pdf", "docx"):
        assert "Pagu dan Realisasi Anggaran per Sumber Dana" in teks[fmt], fmt


def test_two_spellings_of_one_funding_source_are_refused(tmp_path):
    import shutil

    shutil.copytree(FIXTURE, tmp_path / "data")
    p = tmp_path / "data" / str(TAHUN) / "sub_kegiatan.csv"
    p.write_text(p.read_text().replace("97,APBD", "97,apbd"), encoding="utf-8")
    from lakip_calc.hitungan.sumber_dana import sumber_dana

    with pytest.raises(DataError, match=r"sub_kegiatan\.csv, baris 5, kolom 'sumber_dana'"):
        sumber_dana(muat_tahun(TAHUN, tmp_path / "data"))
