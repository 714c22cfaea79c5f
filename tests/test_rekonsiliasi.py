"""Reconciliation rules and the contradictions of the 2023 source."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from lakip_calc.hitungan.hitung import hitung_semua
from lakip_calc.hitungan.rekonsiliasi import CEK, KOLOM, cocok_presisi, rekonsiliasi, ringkasan
from lakip_calc.masukan.loader import muat_tahun

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("tercetak", "digit", "hitungan", "cocok"),
    [
        ("94", 0, "94.1176", True),  # a printed 94% agrees with 94,12
        ("90", 0, "90.909", False),  # a printed 90% does not agree with 90,91
        ("96.53", 2, "96.5349", True),
        ("97.1", 1, "97.0067", False),
        ("94", 0, "93.5", True),  # half-up at the boundary
        ("93", 0, "93.5", False),
        ("93", 0, "93.4999", True),
        ("5164657747", 0, "5164657747", True),
        ("5164657747", 0, "5148323747", False),
    ],
)
def test_printed_precision(tercetak, digit, hitungan, cocok):
    assert cocok_presisi(Decimal(tercetak), digit, Decimal(hitungan)) is cocok


@pytest.fixture(scope="module")
def rekon_2023() -> pd.DataFrame:
    data = muat_tahun(2023)
    return rekonsiliasi(data, hitung_semua(data))


def _baris(df, check, key, stated=None):
    sel = df[(df["check"] == CEK[check]) & (df["key"] == key)]
    if stated is not None:
        sel = sel[sel["stated"] == stated]
    assert len(sel), f"no {check} row for {key} {stated}"
    return sel


def test_columns_and_verdicts(rekon_2023):
    assert list(rekon_2023.columns) == KOLOM
    assert set(rekon_2023["verdict"]) == {"cocok", "selisih"}


@pytest.mark.parametrize(
    ("check", "key", "stated", "verdict"),
    [
        # subtotal printed vs sum of sub kegiatan facts
        ("subtotal", "anggaran.1.2.pagu", "Rp2.650.240.735", "selisih"),
        ("subtotal", "anggaran.total.pagu", "Rp5.164.657.747", "selisih"),
        ("subtotal", "anggaran.1.4.pagu", "Rp489.348.500", "cocok"),
        # subtotal printed vs sum of the printed rows under it
        ("subtotal_cetak", "anggaran.1.pagu", "Rp3.849.045.590", "cocok"),
        ("subtotal_cetak", "anggaran.1.realisasi", "Rp. 3.698.220.902", "selisih"),
        # percentage vs its own money figures
        ("persen_uang", "anggaran.1.3.persen_keuangan", "99.81", "selisih"),
        ("persen_uang_cetak", "anggaran.1.3.persen_keuangan", "99.81", "selisih"),
        ("persen_uang", "anggaran.1.2.1.persen_keuangan", "94.82", "cocok"),
        # capaian at printed precision
        ("capaian", "kinerja.IK1.capaian", "90%", "selisih"),
        ("capaian", "kinerja.IK2.capaian", "94%", "cocok"),
        ("rata_rata", "kinerja.rata_rata_capaian", "96 %", "selisih"),
        # the same quantity printed in two places
        ("dua_tempat", "anggaran.2.1.1.persen_keuangan", "97,1 %", "selisih"),
        ("fakta", "kinerja.IK3.target", "68", "selisih"),
        ("fakta", "anggaran.4.1.1.persen_fisik", "97 %", "selisih"),
        # year labels
        ("tahun", "laporan.tahun", "2022", "selisih"),
        # narrative claim
        ("klaim", "keluaran.K01.kenaikan_persen", "4 %", "selisih"),
        ("jumlah", "psks.jumlah_jenis", "8", "selisih"),
        ("predikat", "kinerja.rata_rata_predikat", "Sangat Tinggi", "cocok"),
    ],
)
def test_known_cases_of_the_2023_source(rekon_2023, check, key, stated, verdict):
    rows = _baris(rekon_2023, check, key, stated)
    assert set(rows["verdict"]) == {verdict}


def test_terbilang_checks(rekon_2023):
    salah = _baris(rekon_2023, "terbilang", "anggaran.2.1.1.pagu")
    assert set(salah["verdict"]) == {"selisih"}
    assert "387.938.700" in salah.iloc[0]["note"]
    rusak = _baris(rekon_2023, "terbilang", "anggaran.4.1.1.realisasi")
    assert "tidak terbaca" in rusak.iloc[0]["note"]
    benar = _baris(rekon_2023, "terbilang", "anggaran.3.2.1.pagu")
    assert set(benar["verdict"]) == {"cocok"}


def test_year_labels(rekon_2023):
    tahun = rekon_2023[rekon_2023["check"] == CEK["tahun"]]
    salah = tahun[tahun["verdict"] == "selisih"]
    lokasi = " ".join(salah["location"])
    assert "Tabel 3.4" in lokasi and "Tabel 3.6" in lokasi and "Lanjut usia" in lokasi
    assert "Tabel 3.3" not in lokasi


def test_predikat_scale_gaps(rekon_2023):
    celah = rekon_2023[rekon_2023["check"] == CEK["skala_celah"]]
    assert len(celah) == 4 and set(celah["verdict"]) == {"selisih"}
    batas = rekon_2023[rekon_2023["check"] == CEK["skala"]]
    assert set(batas["verdict"]) == {"cocok"}


def test_summary_names_largest(rekon_2023):
    cocok, selisih, terbesar = ringkasan(rekon_2023, n=3)
    assert cocok + selisih == len(rekon_2023)
    assert selisih > 40 and len(terbesar) == 3


def _salin(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "2023", tmp_path / "data" / "2023")
    return tmp_path / "data"


def _ubah(path: Path, kode: str, kolom: str, nilai: str) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[df["kode"] == kode, kolom] = nilai
    df.to_csv(path, index=False, lineterminator="\n")


def test_a_fixed_fact_turns_the_check_green(tmp_path):
    data_dir = _salin(tmp_path)
    # add the missing 16.334.000 to 1.2.2: kegiatan 1.2 then matches its printed pagu
    _ubah(data_dir / "2023" / "sub_kegiatan.csv", "1.2.2", "pagu", str(124380000 + 16334000))
    data = muat_tahun(2023, data_dir)
    df = rekonsiliasi(data, hitung_semua(data))
    assert set(_baris(df, "subtotal", "anggaran.1.2.pagu", "Rp2.650.240.735")["verdict"]) == {
        "cocok"
    }
    assert set(_baris(df, "subtotal", "anggaran.total.pagu", "Rp5.164.657.747")["verdict"]) == {
        "cocok"
    }


def test_realisasi_above_pagu_is_flagged_not_fatal(tmp_path):
    data_dir = _salin(tmp_path)
    _ubah(data_dir / "2023" / "sub_kegiatan.csv", "1.6.1", "realisasi", "3500000")
    data = muat_tahun(2023, data_dir)
    df = rekonsiliasi(data, hitung_semua(data))
    lebih = df[df["check"] == CEK["lebih_pagu"]]
    assert list(lebih["key"]) == ["anggaran.1.6.1.realisasi"]
    assert "sub_kegiatan.csv" in lebih.iloc[0]["location"]


def test_target_zero_is_reported(tmp_path):
    data_dir = _salin(tmp_path)
    p = data_dir / "2023" / "indikator_tahunan.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[(df["kode_indikator"] == "IK4") & (df["tahun"] == "2023"), "target"] = "0"
    df.to_csv(p, index=False, lineterminator="\n")
    data = muat_tahun(2023, data_dir)
    angka = hitung_semua(data)
    assert angka["kinerja.IK4.capaian"].value is None
    assert angka["kinerja.IK4.capaian"].text == "-"
    df = rekonsiliasi(data, angka)
    kosong = df[df["check"] == CEK["capaian_kosong"]]
    assert list(kosong["key"]) == ["kinerja.IK4.capaian"]
