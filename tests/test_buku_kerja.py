"""The analysts' Excel workbook: what it contains, and importing it back (all or nothing)."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from lakip_calc.cli import main
from lakip_calc.errors import DataError
from lakip_calc.masukan.loader import muat_tahun
from lakip_calc.masukan.schema import TABEL
from lakip_calc.tahunan.buku_kerja import LEMBAR_PETUNJUK, impor_buku_kerja, tulis_buku_kerja
from lakip_calc.tahunan.tahun_baru import buat_tahun_baru


@pytest.fixture
def data_2024(salin_data: Path) -> Path:
    buat_tahun_baru(2024, salin_data)
    return salin_data


@pytest.fixture
def buku(data_2024: Path) -> Path:
    return tulis_buku_kerja(2024, data_2024)


def _dv(ws) -> dict[str, object]:
    """First column letter of each validation's range -> the validation."""
    return {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
        for dv in ws.data_validations.dataValidation
    }


# --------------------------------------------------------------------------- writing


def test_buku_kerja_lembar_judul_dan_kolom_csv(buku: Path) -> None:
    assert buku.name == "isian-2024.xlsx" and buku.parent.name == "2024"
    wb = openpyxl.load_workbook(buku)
    assert wb.sheetnames[0] == LEMBAR_PETUNJUK
    assert wb.sheetnames[1:] == [t.lembar for t in TABEL.values()]
    petunjuk = "\n".join(
        str(c.value) for row in wb[LEMBAR_PETUNJUK].iter_rows() for c in row if c.value
    )
    for kata in (
        "make import YEAR=2024",
        "pemisah ribuan",
        "Anggaran!D14",
        "Kolom CSV",
        "belum diisi",
    ):
        assert kata in petunjuk, kata
    for t in TABEL.values():
        ws = wb[t.lembar]
        assert [c.value for c in ws[1]] == [k.label for k in t.kolom], t.nama
        for j, k in enumerate(t.kolom, start=1):
            sel = ws.cell(row=1, column=j)
            assert sel.comment is not None and f"Kolom CSV: {k.nama}" in sel.comment.text
            assert sel.protection.locked
        assert ws.protection.sheet and ws.freeze_panes == "A2"
    ws = wb["Anggaran"]
    assert ws["D1"].value == "Pagu (Rp)" and ws["A14"].value == "1.5.2"
    assert ws["D14"].value is None and not ws["D14"].protection.locked
    assert ws["A2"].number_format == "@"  # codes stay text: 1.10 is not 1.1
    assert ws.max_row == 30  # sheet row n = CSV row n


def test_buku_kerja_validasi_data(buku: Path) -> None:
    wb = openpyxl.load_workbook(buku)
    dv = _dv(wb["Anggaran"])
    assert (dv["D"].type, dv["D"].operator, dv["D"].formula1) == (
        "decimal",
        "greaterThanOrEqual",
        "0",
    )
    assert (dv["E"].type, dv["E"].formula1) == ("decimal", "0")
    assert (dv["F"].type, dv["F"].operator, dv["F"].formula1, dv["F"].formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert dv["B"].type == "list" and "'Kegiatan'!$A$2" in dv["B"].formula1
    assert all(d.allow_blank and d.showErrorMessage for d in dv.values())
    dv = _dv(wb["Indikator"])
    assert dv["E"].type == "list" and dv["E"].formula1 == '"positif,negatif,kategori"'
    assert dv["D"].type == "list" and dv["D"].formula1 == '"nilai,persen"'  # units in the data
    assert dv["D"].errorStyle == "warning"  # a new unit is allowed after a warning
    dv = _dv(wb["Target Realisasi IKU"])
    assert (dv["B"].type, dv["B"].formula1, dv["B"].formula2) == ("whole", "1000", "9999")
    dv = _dv(wb["Keluaran"])
    assert dv["E"].type == "list" and "orang" in dv["E"].formula1 and "KPM" in dv["E"].formula1
    dv = _dv(wb["PSKS"])
    assert (dv["D"].type, dv["D"].operator, dv["D"].formula1) == (
        "whole",
        "greaterThanOrEqual",
        "0",
    )
    assert _dv(wb["Dukungan"])["C"].formula1 == '"narasi,inferensi"'
    assert _dv(wb["Angka Terbit"])["E"].type == "list"


def test_buku_kerja_byte_sama(data_2024: Path, tmp_path: Path) -> None:
    a = tulis_buku_kerja(2024, data_2024, tmp_path / "a.xlsx").read_bytes()
    b = tulis_buku_kerja(2024, data_2024, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    core = zipfile.ZipFile(tmp_path / "a.xlsx").read("docProps/core.xml").decode()
    assert "2025-01-01T00:00:00Z" in core
    assert {i.date_time for i in zipfile.ZipFile(tmp_path / "a.xlsx").infolist()} == {
        (1980, 1, 1, 0, 0, 0)
    }


def test_bolak_balik_2023_tidak_mengubah_apa_pun(salin_data: Path, potret) -> None:
    folder = salin_data / "2023"
    sebelum = potret(folder)
    p = tulis_buku_kerja(2023, salin_data, salin_data.parent / "isian.xlsx")
    h = impor_buku_kerja(2023, p, salin_data)
    assert not any(x.ada for x in h.perubahan)
    assert "Tidak ada perubahan" in h.teks()
    assert potret(folder) == sebelum


# --------------------------------------------------------------------------- importing


def _isi(buku: Path, tujuan: Path, ubah) -> Path:
    wb = openpyxl.load_workbook(buku)
    ubah(wb)
    wb.save(tujuan)
    return tujuan


def test_impor_menulis_csv_dan_melaporkan_perubahan(buku: Path, data_2024: Path, potret) -> None:
    folder = data_2024 / "2024"
    program = (folder / "program.csv").read_bytes()

    def ubah(wb):
        ws = wb["Anggaran"]
        ws["D5"] = 2509526735.0  # floats, as Excel gives them
        ws["E5"] = 92092800.0
        ws["F5"] = 99.54
        ws["E6"] = 1234.5
        wb["Target Realisasi IKU"]["D4"] = 68.23
        wb["Keluaran"]["G2"] = 105
        ws.append(["1.2.3", "1.2", "Sub kegiatan baru", 10.0, 0, 0])  # a new row (31)

    h = impor_buku_kerja(2024, _isi(buku, folder.parent / "isi.xlsx", ubah), data_2024)
    teks = h.teks()
    assert "sub_kegiatan.csv baris 5 realisasi: (kosong) -> 92092800" in teks
    assert "sub_kegiatan.csv baris 5 pagu: (kosong) -> 2509526735" in teks
    assert "sub_kegiatan.csv baris 5 fisik: (kosong) -> 99.54" in teks
    assert "sub_kegiatan.csv baris 6 realisasi: (kosong) -> 1234.5" in teks
    assert "sub_kegiatan.csv baris 31 ditambah" in teks
    assert "indikator_tahunan.csv baris 4 realisasi: (kosong) -> 68.23" in teks
    assert "keluaran.csv baris 2 realisasi: (kosong) -> 105" in teks
    assert "Tidak berubah: program.csv" in teks and "Masih belum diisi" in teks
    baris = (folder / "sub_kegiatan.csv").read_text(encoding="utf-8").splitlines()
    assert baris[4] == (
        "1.2.2,1.2,Penyediaan Administrasi Pelaksanaan Tugas ASN,2509526735,92092800,99.54,"
    )
    assert baris[30] == "1.2.3,1.2,Sub kegiatan baru,10,0,0,"
    assert (folder / "program.csv").read_bytes() == program  # untouched file, same bytes
    data = muat_tahun(2024, data_2024)
    r = data["sub_kegiatan"][data["sub_kegiatan"]["kode"] == "1.2.2"].iloc[0]
    assert (r["pagu"], r["realisasi"], r["fisik"]) == (
        Decimal("2509526735"),
        Decimal("92092800"),
        Decimal("99.54"),
    )
    assert not list(folder.glob(".*.tmp"))
    # the same workbook again changes nothing
    h2 = impor_buku_kerja(2024, folder.parent / "isi.xlsx", data_2024)
    assert not any(x.ada for x in h2.perubahan)


@pytest.mark.parametrize(
    ("ubah", "harap"),
    [
        (
            lambda wb: wb["Anggaran"].__setitem__("E14", "92.092.800"),
            "sel Anggaran!E14 (kolom 'realisasi'): angka '92.092.800' ditulis dengan pemisah",
        ),
        (
            lambda wb: wb["Anggaran"].__setitem__("D7", 1000.125),
            "sel Anggaran!D7 (kolom 'pagu'): nilai uang 1000.125 memiliki lebih dari 2 desimal",
        ),
        (
            lambda wb: wb["Anggaran"].__setitem__("F9", 100.5),
            "sel Anggaran!F9 (kolom 'fisik'): persentase 100.5 di luar rentang 0-100",
        ),
        (
            lambda wb: wb["Anggaran"].__setitem__("A3", 1.1),
            "sel Anggaran!A3 (kolom 'kode'): kode 1.1 terbaca sebagai angka",
        ),
        (
            lambda wb: wb["Anggaran"].__setitem__("B4", "9.9"),
            "sel Anggaran!B4 (kolom 'kode_kegiatan'): kode '9.9' tidak ada di kegiatan.csv",
        ),
        (
            lambda wb: wb["Anggaran"].__setitem__("A5", "1.1.1"),
            "sel Anggaran!A5 (kolom 'kode'): duplikat: (kode) = (1.1.1) sudah ada di baris 2",
        ),
        (
            lambda wb: wb["Indikator"].__setitem__("E3", "naik"),
            "sel Indikator!E3 (kolom 'polaritas'): nilai 'naik' tidak dikenal",
        ),
        (
            lambda wb: wb["Target Realisasi IKU"].__setitem__("B2", 24),
            "sel 'Target Realisasi IKU'!B2 (kolom 'tahun'): '24' bukan tahun",
        ),
        (
            lambda wb: wb["PSKS"].__setitem__("D4", 2.5),
            "sel PSKS!D4 (kolom 'jumlah'): '2.5' harus bilangan bulat",
        ),
        (
            lambda wb: wb["Anggaran"].__setitem__("D10", "=1+1"),
            "sel Anggaran!D10 (kolom 'pagu'): rumus tanpa nilai tersimpan",
        ),
        (
            lambda wb: wb["Anggaran"].__setitem__("D1", "Anggaran"),
            "sel Anggaran!D1: judul kolom 'Anggaran' tidak sesuai; seharusnya 'Pagu (Rp)'",
        ),
        (lambda wb: wb.remove(wb["PSKS"]), "lembar 'PSKS' (psks.csv) tidak ada"),
    ],
    ids=[
        "ribuan",
        "sen",
        "persen",
        "kode-angka",
        "rujukan",
        "duplikat",
        "pilihan",
        "tahun",
        "bulat",
        "rumus",
        "judul",
        "lembar",
    ],
)
def test_impor_menolak_dengan_lembar_dan_sel(buku, data_2024, potret, ubah, harap) -> None:
    def isi(wb):
        wb["Anggaran"]["E2"] = 5.0  # a valid change that must not be written either
        ubah(wb)

    xlsx = _isi(buku, data_2024.parent / "salah.xlsx", isi)
    sebelum = potret(data_2024 / "2024")
    with pytest.raises(DataError) as e:
        impor_buku_kerja(2024, xlsx, data_2024)
    pesan = str(e.value)
    assert harap in pesan, pesan
    assert pesan.startswith("buku kerja salah.xlsx tidak diimpor") and "tidak ada CSV" in pesan
    assert potret(data_2024 / "2024") == sebelum  # all or nothing


def test_impor_melaporkan_semua_kesalahan_sekaligus(buku: Path, data_2024: Path) -> None:
    def ubah(wb):
        wb["Anggaran"]["E3"] = "Rp5.000"
        wb["Anggaran"]["F20"] = -1
        wb["Keluaran"]["G5"] = "banyak"

    with pytest.raises(DataError) as e:
        impor_buku_kerja(2024, _isi(buku, data_2024.parent / "x.xlsx", ubah), data_2024)
    pesan = str(e.value)
    for sel in ("Anggaran!E3", "Anggaran!F20", "Keluaran!G5"):
        assert sel in pesan, pesan
    assert "(3 kesalahan" in pesan


def test_baris_kosong_dilewati_dan_galat_menyebut_baris_lembar(buku, data_2024) -> None:
    def ubah(wb):
        ws = wb["Kegiatan"]
        ws.append([None, None, None])
        ws.append([None, None, None])
        ws.append(["7.1", "7", "Kegiatan tanpa program"])  # row 17, CSV row 15

    with pytest.raises(DataError, match=r"sel Kegiatan!B17 \(kolom 'kode_program'\)"):
        impor_buku_kerja(2024, _isi(buku, data_2024.parent / "y.xlsx", ubah), data_2024)


def test_impor_cli_coba_dan_galat(buku: Path, data_2024: Path, potret, capsys) -> None:
    xlsx = _isi(buku, data_2024.parent / "c.xlsx", lambda wb: wb["PSKS"].__setitem__("D2", 53))
    sebelum = potret(data_2024 / "2024")
    argv = ["impor", "--tahun", "2024", "--data", str(data_2024), "--xlsx", str(xlsx)]
    assert main([*argv, "--coba"]) == 0
    out = capsys.readouterr().out
    assert "(coba: tidak ditulis)" in out and "psks.csv baris 2 jumlah: (kosong) -> 53" in out
    assert potret(data_2024 / "2024") == sebelum
    assert main(argv) == 0
    assert "53" in (data_2024 / "2024" / "psks.csv").read_text(encoding="utf-8").splitlines()[1]
    bad = _isi(buku, data_2024.parent / "d.xlsx", lambda wb: wb["PSKS"].__setitem__("D2", "x"))
    assert main(["impor", "--tahun", "2024", "--data", str(data_2024), "--xlsx", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("GALAT: buku kerja d.xlsx tidak diimpor") and "PSKS!D2" in err
    assert main(["buku-kerja", "--tahun", "2024", "--data", str(data_2024)]) == 0
    assert "isian-2024.xlsx" in capsys.readouterr().out


def test_teks_seperti_rumus_tetap_teks_bolak_balik(salin_data: Path, ubah_sel, potret) -> None:
    """A name that begins like a formula goes into the workbook as text and comes back the same."""
    nama = '=HYPERLINK("http://contoh.invalid","klik")'
    ubah_sel(salin_data / "2023" / "sub_kegiatan.csv", 2, "nama", nama)
    sebelum = potret(salin_data / "2023")
    p = tulis_buku_kerja(2023, salin_data, salin_data.parent / "isian.xlsx")
    with zipfile.ZipFile(p) as z:
        lembar = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert all("<f>" not in x and "<f " not in x for x in lembar)
    h = impor_buku_kerja(2023, p, salin_data)
    assert not any(x.ada for x in h.perubahan)
    assert potret(salin_data / "2023") == sebelum
