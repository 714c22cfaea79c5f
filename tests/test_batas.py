"""Hostile and oversize input is refused at validation, with a short message naming the place.

One test per class of issue 21: text of the YAML files against their declared shape
(``lakip_calc.masukan.skema_teks``), YAML alias bombs, oversize text, numbers the report
cannot print, oversize workbook cells and parts (``lakip_calc.masukan.batas``), and
formula-like text through the workbook round trip and the open data.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lakip_calc.cli import main
from lakip_calc.errors import DataError
from lakip_calc.isi.tulis import csv_terbuka
from lakip_calc.masukan.batas import MAKS_SEL_TEKS, MAKS_XLSX_BAGIAN
from lakip_calc.masukan.loader import muat_tahun
from lakip_calc.masukan.skema_teks import KUTIP, MAKS_PARAGRAF, MAKS_SIMPUL_YAML
from lakip_calc.tahunan.buku_kerja import impor_buku_kerja, tulis_buku_kerja

TAHUN = 2023
#: A message quotes at most KUTIP characters of a value: the whole message stays short.
PESAN_PENDEK = 400


def _galat_muat(data: Path) -> DataError:
    with pytest.raises(DataError) as e:
        muat_tahun(TAHUN, data_dir=data)
    assert len(str(e.value)) < PESAN_PENDEK, str(e.value)
    return e.value


# --------------------------------------------------------------------------- YAML shapes


@pytest.mark.parametrize(
    ("berkas", "isi", "kunci", "kata"),
    [
        # an integer where a list of paragraphs belongs
        ("penutup.yaml", "saran: 5\n", "saran", "harus berupa daftar"),
        # a list where a paragraph belongs
        ("penutup.yaml", "penutup: [a, b]\n", "penutup", "harus berupa teks"),
        # a mapping inside a list of paragraphs
        ("renstra.yaml", "arah_kebijakan:\n  - {a: 1}\n", "arah_kebijakan[1]", "harus berupa teks"),
        # a year that is text
        ("profil.yaml", "penandatanganan: {tahun: dua ribu}\n", "penandatanganan.tahun", "bulat"),
        # a misspelt key: its text would be left out of the report
        ("penutup.yaml", "sarann: [a]\n", "sarann", "Mungkin maksudnya 'saran'"),
        # a whole file of the wrong kind
        ("jenis_pmks.yaml", "a: b\n", "(akar)", "harus berupa daftar"),
        # an empty key where a list belongs (narasi would iterate None)
        ("penutup.yaml", "saran:\n", "saran", "kosong"),
    ],
)
def test_yaml_bentuk_salah_ditolak(salin_data: Path, berkas, isi, kunci, kata) -> None:
    (salin_data / "2023" / "teks" / berkas).write_text(isi, encoding="utf-8")
    e = _galat_muat(salin_data)
    assert e.file.endswith(f"teks/{berkas}")
    assert f"kunci '{kunci}'" in e.pesan and kata in e.pesan, e.pesan


def test_yaml_teks_terlalu_panjang_ditolak_dengan_kutipan_pendek(salin_data: Path) -> None:
    panjang = "kata " * (MAKS_PARAGRAF // 4)
    p = salin_data / "2023" / "teks" / "penutup.yaml"
    p.write_text(f"penutup: {panjang}\n", encoding="utf-8")
    e = _galat_muat(salin_data)
    assert "kunci 'penutup'" in e.pesan and "terlalu panjang" in e.pesan
    kutipan = e.pesan.split(": ", 2)[-1]
    assert len(kutipan) <= KUTIP + 4, kutipan


def test_yaml_bom_alias_ditolak(salin_data: Path) -> None:
    """A "billion laughs" file: refused while it is read, not after filling the memory."""
    baris = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        baris.append(f"{chr(97 + i)}: &{chr(97 + i)} [{','.join(['*' + chr(96 + i)] * 9)}]")
    (salin_data / "2023" / "teks" / "bom.yaml").write_text("\n".join(baris) + "\n", "utf-8")
    e = _galat_muat(salin_data)
    assert e.file.endswith("teks/bom.yaml")
    assert "YAML terlalu besar" in e.pesan and str(MAKS_SIMPUL_YAML) in e.pesan


def test_yaml_alias_wajar_diterima(salin_data: Path) -> None:
    p = salin_data / "2023" / "teks" / "penutup.yaml"
    p.write_text("saran: &s [satu, dua]\nkendala: *s\n", encoding="utf-8")
    assert muat_tahun(TAHUN, data_dir=salin_data).teks["penutup"]["kendala"] == ["satu", "dua"]


def test_berkas_teks_terlalu_besar_ditolak_sebelum_dibaca(salin_data: Path) -> None:
    p = salin_data / "2023" / "teks" / "latar_belakang.md"
    p.write_text("kata " * 400_000, encoding="utf-8")  # 2 MB
    e = _galat_muat(salin_data)
    assert e.file.endswith("teks/latar_belakang.md") and "terlalu besar" in e.pesan


# --------------------------------------------------------------------------- CSV cells


@pytest.mark.parametrize(
    ("berkas", "kolom", "nilai", "kata"),
    [
        ("sub_kegiatan.csv", "pagu", "1" * 42, "terlalu besar (42 digit)"),
        ("sub_kegiatan.csv", "realisasi", "1000000000000000", "terlalu besar (16 digit)"),
        ("indikator_tahunan.csv", "target", "-" + "9" * 20, "terlalu besar"),
        ("indikator_tahunan.csv", "realisasi", "1.1234567", "lebih dari 6 angka"),
        ("psks.csv", "jumlah", "9" * 30, "terlalu besar"),
        ("program.csv", "nama", "x" * (MAKS_SEL_TEKS + 1), "teks terlalu panjang"),
        ("program.csv", "nama", "Program\nPerlindungan", "pindah baris"),
        ("program.csv", "nama", "Program\x07Perlindungan", "karakter kendali"),
        # a code, a choice or a number is short: any message quoting it stays short
        ("program.csv", "kode", "1" * 5000, "isi sel terlalu panjang"),
        ("indikator.csv", "polaritas", "x" * 5000, "isi sel terlalu panjang"),
    ],
)
def test_sel_di_luar_batas_ditolak(salin_data: Path, ubah_sel, berkas, kolom, nilai, kata) -> None:
    ubah_sel(salin_data / "2023" / berkas, 2, kolom, nilai)
    e = _galat_muat(salin_data)
    assert e.file.endswith(berkas) and (e.row, e.column) == (2, kolom)
    assert kata in e.pesan, e.pesan


def test_pagu_42_digit_ditolak_oleh_validasi(salin_data: Path, ubah_sel, capsys) -> None:
    """Through the command line: exit 1, the file, row and column, no traceback."""
    ubah_sel(salin_data / "2023" / "sub_kegiatan.csv", 3, "pagu", "1" * 42)
    assert main(["validasi", "--tahun", "2023", "--data", str(salin_data)]) == 1
    err = capsys.readouterr().err
    assert "sub_kegiatan.csv, baris 3, kolom 'pagu'" in err and "terlalu besar" in err
    assert "Traceback" not in err and len(err) < PESAN_PENDEK


# --------------------------------------------------------------------------- workbook


def _ganti_bagian(xlsx: Path, nama: str, ubah) -> None:
    """Rewrite one part of a workbook's zip."""
    with zipfile.ZipFile(xlsx) as z:
        isi = {i.filename: z.read(i.filename) for i in z.infolist()}
    isi[nama] = ubah(isi[nama])
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in isi.items():
            z.writestr(n, b)


def test_buku_kerja_bagian_raksasa_ditolak_sebelum_dibuka(salin_data: Path, monkeypatch) -> None:
    xlsx = tulis_buku_kerja(TAHUN, salin_data, salin_data.parent / "isian.xlsx")
    tambahan = b"<!--" + b"A" * (MAKS_XLSX_BAGIAN + 1) + b"-->"
    _ganti_bagian(xlsx, "xl/worksheets/sheet2.xml", lambda b: b + tambahan)

    def jangan_dibuka(*a, **k):
        raise AssertionError("openpyxl membuka buku kerja yang terlalu besar")

    monkeypatch.setattr(openpyxl, "load_workbook", jangan_dibuka)
    with pytest.raises(DataError) as e:
        impor_buku_kerja(TAHUN, xlsx, salin_data)
    pesan = str(e.value)
    assert "isian.xlsx terlalu besar" in pesan and "xl/worksheets/sheet2.xml" in pesan
    assert len(pesan) < PESAN_PENDEK


@pytest.mark.parametrize(
    ("nilai", "kata"),
    [
        ("x" * 100_000, "teks terlalu panjang"),
        # Alt+Enter in a cell, with the payload after the line break
        ('Program\n```\n\n```{=html}\n<a href="javascript:alert(1)">x</a>', "pindah baris"),
    ],
)
def test_buku_kerja_sel_teks_ditolak_dengan_pesan_pendek(salin_data: Path, nilai, kata) -> None:
    xlsx = tulis_buku_kerja(TAHUN, salin_data, salin_data.parent / "isian.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    wb["Program"]["B2"] = nilai
    wb.save(xlsx)
    with pytest.raises(DataError) as e:
        impor_buku_kerja(TAHUN, xlsx, salin_data)
    pesan = str(e.value)
    assert "Program!B2" in pesan and kata in pesan
    assert len(pesan) < PESAN_PENDEK


# --------------------------------------------------------------------------- formula text


@pytest.mark.parametrize("awal", ["=", "+", "-", "@", "\t", "\r"])
def test_teks_seperti_rumus_bolak_balik_buku_kerja(salin_data: Path, ubah_sel, awal) -> None:
    """Workbook out, workbook in: the same data, the text never a formula on the way."""
    nama = f'{awal}HYPERLINK("http://contoh.invalid","klik")'
    p = salin_data / "2023" / "sub_kegiatan.csv"
    ubah_sel(p, 2, "nama", nama)
    sebelum = muat_tahun(TAHUN, data_dir=salin_data)
    xlsx = tulis_buku_kerja(TAHUN, salin_data, salin_data.parent / "isian.xlsx")
    with zipfile.ZipFile(xlsx) as z:
        lembar = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert all(b"<f>" not in x and b"<f " not in x for x in lembar)
    ws = openpyxl.load_workbook(xlsx)["Anggaran"]
    assert ws["C2"].data_type == "s" and ws["C2"].value == nama.strip()
    impor_buku_kerja(TAHUN, xlsx, salin_data)
    sesudah = muat_tahun(TAHUN, data_dir=salin_data)
    for t in sebelum.tabel:
        pd.testing.assert_frame_equal(sebelum.tabel[t], sesudah.tabel[t])


def test_csv_terbuka_tanpa_rumus_angka_tetap_angka() -> None:
    df = pd.DataFrame(
        {
            "=judul": ["=1+1", "+62 812", "-x", "@SUM(A1)", "\tTab", "\rCR", "-12.5", "-", "Dinas"],
            "nilai": [1, -2, 3, 0, 7, 8, 9, 10, 11],
        }
    )
    baris = list(csv.reader(io.StringIO(csv_terbuka(df), newline="")))
    assert baris[0] == ["'=judul", "nilai"]
    awal_rumus = ("=", "+", "-", "@", "\t", "\r")
    for b in baris[1:]:
        assert not b[0].startswith(awal_rumus) or b[0] in ("-12.5", "-"), b
    assert [b[1] for b in baris[1:]] == ["1", "-2", "3", "0", "7", "8", "9", "10", "11"]


def test_markdown_paragraf_terlalu_panjang_ditolak_dengan_barisnya(salin_data: Path) -> None:
    """A 10 MB paragraph kept pandoc's Typst writer busy for minutes: refused at validation."""
    p = salin_data / "2023" / "teks" / "metodologi.md"
    awal = p.read_text(encoding="utf-8").rstrip("\n")
    p.write_text(f"{awal}\n\n\n{'kata ' * 3000}\n", encoding="utf-8")
    e = _galat_muat(salin_data)
    assert e.file.endswith("teks/metodologi.md") and "paragraf terlalu panjang" in e.pesan
    assert e.row == awal.count("\n") + 4


def test_xlsx_terbuka_judul_kolom_seperti_rumus_tetap_teks(tmp_path: Path) -> None:
    from lakip_calc.audit.publikasi import tulis_xlsx

    (tmp_path / "a.csv").write_text("=Nama,+Nilai\n-x,1\n", encoding="utf-8")
    xlsx = tulis_xlsx({"tbl-a": tmp_path / "a.csv"}, tmp_path / "a.xlsx", 1704067200)
    with zipfile.ZipFile(xlsx) as z:
        lembar = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in lembar and "<f " not in lembar
    ws = openpyxl.load_workbook(xlsx)["a"]
    assert [c.data_type for c in ws[1]] == ["s", "s"] and ws["A1"].value == "=Nama"
    assert ws["B2"].value == 1  # numbers stay numbers
