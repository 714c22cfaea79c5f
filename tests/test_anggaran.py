"""Tests of lakip_calc.hitungan.anggaran: the budget recap of the program tree."""

from __future__ import annotations

import doctest
from decimal import ROUND_DOWN, Decimal, localcontext

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakip_calc.errors import DataError
from lakip_calc.hitungan import anggaran
from lakip_calc.hitungan.anggaran import (
    KOLOM_BOBOT_FISIK,
    KOLOM_REKAP,
    bobot_fisik,
    fisik_tertimbang,
    persen_keuangan,
    rekap_anggaran,
)

D = Decimal
JUTA = D(1_000_000)
KOLOM_SUB = ["kode", "kode_kegiatan", "kode_program", "nama", "pagu", "realisasi", "fisik"]


def test_doctests() -> None:
    hasil = doctest.testmod(anggaran)
    assert hasil.attempted > 0
    assert hasil.failed == 0


def _frame(baris: list[tuple], kolom: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(baris, columns=kolom)
    for k in ("pagu", "realisasi", "fisik"):
        if k in frame.columns:
            frame[k] = frame[k].astype(object)
    return frame


def _program(*baris: tuple) -> pd.DataFrame:
    return _frame(list(baris), ["kode", "nama"])


def _kegiatan(*baris: tuple) -> pd.DataFrame:
    return _frame(list(baris), ["kode", "kode_program", "nama"])


def _sub(*baris: tuple) -> pd.DataFrame:
    return _frame(list(baris), KOLOM_SUB)


# ----------------------------------------------------------------------------- small functions


@pytest.mark.parametrize(
    ("realisasi", "pagu", "hasil"),
    [
        (D("74"), D("100"), D("74")),
        (D("120"), D("100"), D("120")),
        (D("0"), D("100"), D("0")),
        (D("1"), D("3"), D(1) / D(3) * 100),
        (D("0"), D("0"), None),
        (D("5"), D("0"), None),
        (5, 10, D("50")),
    ],
)
def test_persen_keuangan(realisasi, pagu, hasil) -> None:
    assert persen_keuangan(realisasi, pagu) == hasil


@pytest.mark.parametrize(
    ("realisasi", "pagu"), [(D("1"), D("-1")), (1.0, D("2")), (D("1"), None), (D("sNaN"), D("1"))]
)
def test_persen_keuangan_tidak_sah(realisasi, pagu) -> None:
    with pytest.raises(DataError):
        persen_keuangan(realisasi, pagu)


@pytest.mark.parametrize(
    ("pagu", "fisik", "hasil"),
    [
        ([D("60"), D("40")], [D("100"), D("50")], D("80")),
        ([D("1"), D("1"), D("1")], [D("0"), D("0"), D("100")], D(100) / D(3)),
        ([D("0"), D("10")], [D("100"), D("20")], D("20")),  # a zero pagu weighs nothing
        ([D("0"), D("0")], [D("100"), D("20")], None),
        ([], [], None),
    ],
)
def test_fisik_tertimbang(pagu, fisik, hasil) -> None:
    assert fisik_tertimbang(pagu, fisik) == hasil


def test_fisik_tertimbang_panjang_beda() -> None:
    with pytest.raises(ValueError):
        fisik_tertimbang([D("1")], [])


# ----------------------------------------------------------------------------- worked example
#
# Program 1                                       pagu 200 jt, realisasi 170 jt
#   Kegiatan 1.1                                  pagu 100 jt, realisasi  74 jt
#     1.1.1  pagu 60 jt  realisasi 54 jt  fisik 100
#     1.1.2  pagu 40 jt  realisasi 20 jt  fisik  50
#   Kegiatan 1.2                                  pagu 100 jt, realisasi  96 jt
#     1.2.1  pagu 100 jt realisasi 96 jt  fisik  80
# Program 2                                       pagu  50 jt, realisasi   0
#   Kegiatan 2.1
#     2.1.1  pagu 50 jt  realisasi 0      fisik   0
#   Kegiatan 2.2 (no sub kegiatan)
#
# % fisik 1.1     = (60 x 100 + 40 x 50) / 100              = 80
# % fisik 1       = (60 x 100 + 40 x 50 + 100 x 80) / 200   = 80
# % fisik total   = (16 000 + 50 x 0) / 250                 = 64
# % keuangan total = 170 / 250 x 100 = 68 (the mean of the sub kegiatan percents is 59)

PROGRAM = _program(("2", "Program Pemberdayaan Sosial"), ("1", "Program Perlindungan Sosial"))
KEGIATAN = _kegiatan(
    ("2.2", "2", "Kegiatan tanpa sub kegiatan"),
    ("1.2", "1", "Rehabilitasi Sosial"),
    ("1.1", "1", "Perlindungan Sosial"),
    ("2.1", "2", "Pemberdayaan PSKS"),
)
SUB_KEGIATAN = _sub(
    ("2.1.1", "2.1", "2", "Bimbingan TAGANA", 50 * JUTA, D(0), D(0)),
    ("1.2.1", "1.2", "1", "Rehabilitasi ODGJ", 100 * JUTA, 96 * JUTA, D(80)),
    ("1.1.2", "1.1", "1", "Pemulangan PPKS", 40 * JUTA, 20 * JUTA, D(50)),
    ("1.1.1", "1.1", "1", "Permakanan lansia", 60 * JUTA, 54 * JUTA, D(100)),
)

# tingkat, kode, kode_induk, pagu (jt), realisasi (jt), sisa (jt), % keu, % fisik, bobot, jumlah
HARAPAN = [
    ("program", "1", "", 200, 170, 30, D(85), D(80), D("0.8"), 3),
    ("kegiatan", "1.1", "1", 100, 74, 26, D(74), D(80), D("0.5"), 2),
    ("sub_kegiatan", "1.1.1", "1.1", 60, 54, 6, D(90), D(100), D("0.6"), 1),
    ("sub_kegiatan", "1.1.2", "1.1", 40, 20, 20, D(50), D(50), D("0.4"), 1),
    ("kegiatan", "1.2", "1", 100, 96, 4, D(96), D(80), D("0.5"), 1),
    ("sub_kegiatan", "1.2.1", "1.2", 100, 96, 4, D(96), D(80), D(1), 1),
    ("program", "2", "", 50, 0, 50, D(0), D(0), D("0.2"), 1),
    ("kegiatan", "2.1", "2", 50, 0, 50, D(0), D(0), D(1), 1),
    ("sub_kegiatan", "2.1.1", "2.1", 50, 0, 50, D(0), D(0), D(1), 1),
    ("kegiatan", "2.2", "2", 0, 0, 0, None, None, D(0), 0),
    ("total", "", "", 250, 170, 80, D(68), D(64), D(1), 4),
]


@pytest.fixture(scope="module")
def rekap() -> pd.DataFrame:
    return rekap_anggaran(PROGRAM, KEGIATAN, SUB_KEGIATAN)


def test_contoh_kolom_dan_dtype(rekap) -> None:
    assert list(rekap.columns) == list(KOLOM_REKAP)
    for kolom in ("pagu", "realisasi", "sisa", "persen_keuangan", "persen_fisik", "bobot"):
        assert rekap[kolom].dtype == object
    assert rekap["jumlah_sub_kegiatan"].dtype == "int64"
    assert list(rekap.index) == list(range(len(HARAPAN)))


@pytest.mark.parametrize("nomor", range(len(HARAPAN)), ids=[h[1] or "total" for h in HARAPAN])
def test_contoh_dihitung_tangan(rekap, nomor) -> None:
    tingkat, kode, induk, pagu, realisasi, sisa, keu, fisik, bobot, jumlah = HARAPAN[nomor]
    baris = rekap.iloc[nomor]
    assert (baris["tingkat"], baris["kode"], baris["kode_induk"]) == (tingkat, kode, induk)
    assert baris["pagu"] == pagu * JUTA
    assert baris["realisasi"] == realisasi * JUTA
    assert baris["sisa"] == sisa * JUTA
    assert baris["persen_keuangan"] == keu
    assert baris["persen_fisik"] == fisik
    assert baris["bobot"] == bobot
    assert baris["jumlah_sub_kegiatan"] == jumlah
    for kolom in ("pagu", "realisasi", "sisa"):
        assert isinstance(baris[kolom], Decimal)


def test_konteks_pemanggil_tidak_berpengaruh(rekap) -> None:
    with localcontext(prec=3, rounding=ROUND_DOWN):
        lagi = rekap_anggaran(PROGRAM, KEGIATAN, SUB_KEGIATAN)
    pd.testing.assert_frame_equal(lagi, rekap)


def test_contoh_nama(rekap) -> None:
    nama = dict(zip(rekap["kode"], rekap["nama"], strict=True))
    assert nama["1"] == "Program Perlindungan Sosial"
    assert nama["1.1.1"] == "Permakanan lansia"
    assert nama[""] == "Jumlah"


def test_tanpa_nan_atau_none_di_kolom_teks(rekap) -> None:
    for kolom in ("tingkat", "kode", "kode_induk", "nama"):
        assert all(isinstance(v, str) for v in rekap[kolom])


def test_bobot_fisik_kegiatan(rekap) -> None:
    bobot = bobot_fisik(rekap, "1.1")
    assert list(bobot.columns) == list(KOLOM_BOBOT_FISIK)
    assert list(bobot["kode"]) == ["1.1.1", "1.1.2"]
    assert list(bobot["bobot"]) == [D("0.6"), D("0.4")]
    assert list(bobot["fisik"]) == [D(100), D(50)]
    assert list(bobot["bobot_x_fisik"]) == [D(60), D(20)]


def test_bobot_fisik_program_dan_total(rekap) -> None:
    program = bobot_fisik(rekap, "1")
    assert list(program["kode"]) == ["1.1.1", "1.1.2", "1.2.1"]
    assert list(program["bobot"]) == [D("0.3"), D("0.2"), D("0.5")]
    assert sum(program["bobot_x_fisik"]) == D(80)
    total = bobot_fisik(rekap, "")
    assert list(total["kode"]) == ["1.1.1", "1.1.2", "1.2.1", "2.1.1"]
    assert list(total["bobot"]) == [D("0.24"), D("0.16"), D("0.4"), D("0.2")]
    assert sum(total["bobot_x_fisik"]) == D(64)


def test_bobot_fisik_sub_dan_kosong(rekap) -> None:
    sendiri = bobot_fisik(rekap, "1.2.1")
    assert list(sendiri["bobot"]) == [D(1)]
    kosong = bobot_fisik(rekap, "2.2")
    assert kosong.empty
    assert list(kosong.columns) == list(KOLOM_BOBOT_FISIK)


def test_bobot_fisik_kode_tidak_ada(rekap) -> None:
    with pytest.raises(DataError, match="9.9"):
        bobot_fisik(rekap, "9.9")


# ----------------------------------------------------------------------------- ordering and edges


def test_urutan_kode_alami() -> None:
    program = _program(("10", "P10"), ("2", "P2"), ("1", "P1"))
    kegiatan = _kegiatan(
        ("1.10", "1", "K"), ("1.9", "1", "K"), ("1.2", "1", "K"), ("2.1", "2", "K"),
        ("10.1", "10", "K"),
    )  # fmt: skip
    sub = _sub(
        ("1.9.10", "1.9", "1", "S", D(1), D(1), D(1)),
        ("1.9.9", "1.9", "1", "S", D(1), D(1), D(1)),
        ("1.10.1", "1.10", "1", "S", D(1), D(1), D(1)),
    )
    rekap = rekap_anggaran(program, kegiatan, sub)
    assert list(rekap["kode"]) == [
        "1", "1.2", "1.9", "1.9.9", "1.9.10", "1.10", "1.10.1",
        "2", "2.1", "10", "10.1", "",
    ]  # fmt: skip


def test_kegiatan_tanpa_sub_kegiatan_tidak_crash() -> None:
    rekap = rekap_anggaran(
        _program(("1", "P"), ("2", "Tanpa kegiatan")), _kegiatan(("1.1", "1", "K")), _sub()
    )
    assert list(rekap["tingkat"]) == ["program", "kegiatan", "program", "total"]
    assert all(p == 0 for p in rekap["pagu"])
    assert rekap["persen_keuangan"].isna().all()
    assert rekap["persen_fisik"].isna().all()
    assert list(rekap["bobot"]) == [None, None, None, D(1)]
    assert list(rekap["jumlah_sub_kegiatan"]) == [0, 0, 0, 0]


def test_menerima_int_dan_numpy_int() -> None:
    sub = pd.DataFrame(
        {
            "kode": ["1.1.1", "1.1.2"],
            "kode_kegiatan": ["1.1", "1.1"],
            "kode_program": ["1", "1"],
            "nama": ["A", "B"],
            "pagu": np.array([300, 100], dtype="int64"),
            "realisasi": [150, 100],
            "fisik": [D("50"), D("100")],
        }
    )
    rekap = rekap_anggaran(_program(("1", "P")), _kegiatan(("1.1", "1", "K")), sub)
    total = rekap.iloc[-1]
    assert total["pagu"] == D(400)
    assert isinstance(total["pagu"], Decimal)
    assert total["persen_keuangan"] == D("62.5")
    assert total["persen_fisik"] == D("62.5")


def test_kode_program_boleh_tidak_ada() -> None:
    sub = SUB_KEGIATAN.drop(columns=["kode_program"])
    rekap = rekap_anggaran(PROGRAM, KEGIATAN, sub)
    assert rekap.iloc[-1]["pagu"] == 250 * JUTA


def _sub_satu(**ubah) -> pd.DataFrame:
    nilai = dict(
        kode="1.1.1",
        kode_kegiatan="1.1",
        kode_program="1",
        nama="S",
        pagu=D(100),
        realisasi=D(50),
        fisik=D(50),
    )
    nilai.update(ubah)
    return _sub(tuple(nilai[k] for k in KOLOM_SUB))


@pytest.mark.parametrize(
    ("sub", "pesan", "kolom"),
    [
        pytest.param(
            _sub_satu(kode="9.9.9", kode_kegiatan="9.9", kode_program="9"),
            "sub kegiatan 9.9.9: kegiatan 9.9 tidak ada",
            "kode_kegiatan",
            id="kegiatan-tidak-ada",
        ),
        pytest.param(
            _sub_satu(kode_program="2"),
            "sub kegiatan 1.1.1: program 2 tidak sama dengan program kegiatan 1.1",
            "kode_program",
            id="program-beda",
        ),
        pytest.param(_sub_satu(pagu=D(-1)), "pagu tidak boleh negatif", "pagu", id="pagu-negatif"),
        pytest.param(
            _sub_satu(realisasi=D(-1)),
            "realisasi tidak boleh negatif",
            "realisasi",
            id="realisasi-negatif",
        ),
        pytest.param(_sub_satu(fisik=D("100.01")), "fisik harus antara", "fisik", id="fisik>100"),
        pytest.param(_sub_satu(fisik=D("-1")), "fisik harus antara", "fisik", id="fisik<0"),
        pytest.param(_sub_satu(pagu=100.0), "bukan float", "pagu", id="pagu-float"),
        pytest.param(_sub_satu(pagu=float("nan")), "pagu kosong", "pagu", id="pagu-nan"),
        pytest.param(_sub_satu(kode=None), "kode kosong", "kode", id="kode-kosong"),
        pytest.param(
            pd.concat([_sub_satu(), _sub_satu()], ignore_index=True),
            "sub kegiatan 1.1.1: kode ganda",
            "kode",
            id="kode-ganda",
        ),
        pytest.param(_sub_satu(kode="1.1"), "kode 1.1 dipakai", "kode", id="kode-sama-kegiatan"),
        pytest.param(
            _sub_satu().drop(columns=["fisik"]), "kolom fisik tidak ada", "fisik", id="kolom-hilang"
        ),
    ],
)
def test_sub_kegiatan_tidak_sah(sub, pesan, kolom) -> None:
    with pytest.raises(DataError, match=pesan) as info:
        rekap_anggaran(_program(("1", "P"), ("2", "Q")), _kegiatan(("1.1", "1", "K")), sub)
    assert info.value.column == kolom
    assert info.value.file == "sub_kegiatan"
    assert info.value.row is None  # no ``_baris`` column: the row is unknown


def test_galat_menyebut_baris_dari_loader() -> None:
    sub = pd.concat(
        [_sub_satu(), _sub_satu(kode="1.1.2", fisik=D("120"))], ignore_index=True
    ).assign(_baris=[2, 3])
    with pytest.raises(DataError) as info:
        rekap_anggaran(_program(("1", "P")), _kegiatan(("1.1", "1", "K")), sub)
    galat = info.value
    assert (galat.file, galat.row, galat.column) == ("sub_kegiatan", 3, "fisik")
    assert str(galat).startswith("sub_kegiatan, baris 3, kolom 'fisik': sub kegiatan 1.1.2")


@pytest.mark.parametrize(
    ("program", "kegiatan", "pesan"),
    [
        pytest.param(
            _program(("1", "P")), _kegiatan(("1.1", "1", "K"), ("9.1", "9", "K")),
            "kegiatan 9.1: program 9 tidak ada", id="program-tidak-ada",
        ),
        pytest.param(
            _program(("1", "P"), ("1", "P lagi")), _kegiatan(("1.1", "1", "K")),
            "program 1: kode ganda", id="program-ganda",
        ),
        pytest.param(
            _program(("1", "P")), _kegiatan(("1.1", "1", "K"), ("1.1", "1", "K")),
            "kegiatan 1.1: kode ganda", id="kegiatan-ganda",
        ),
        pytest.param(
            _program(("1", "P")), _kegiatan(("1.1", "1", "K"), ("1", "1", "K")),
            "kode 1 dipakai oleh program dan kegiatan", id="kegiatan-sama-program",
        ),
    ],
)  # fmt: skip
def test_program_kegiatan_tidak_sah(program, kegiatan, pesan) -> None:
    with pytest.raises(DataError, match=pesan) as info:
        rekap_anggaran(program, kegiatan, _sub_satu())
    assert info.value.file in ("program", "kegiatan")


# ----------------------------------------------------------------------------- properties


@st.composite
def _pohon(draw) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    program, kegiatan, sub = [], [], []
    for p in range(1, draw(st.integers(1, 4)) + 1):
        program.append((str(p), f"Program {p}"))
        for k in range(1, draw(st.integers(1, 3)) + 1):
            kode_kegiatan = f"{p}.{k}"
            kegiatan.append((kode_kegiatan, str(p), f"Kegiatan {kode_kegiatan}"))
            for s in range(1, draw(st.integers(1, 4)) + 1):
                sen = draw(st.integers(0, 10**14))
                sen_realisasi = draw(st.integers(0, sen * 12 // 10))
                fisik = draw(st.decimals(min_value=0, max_value=100, places=2))
                sub.append(
                    (
                        f"{kode_kegiatan}.{s}",
                        kode_kegiatan,
                        str(p),
                        f"Sub {kode_kegiatan}.{s}",
                        D(sen).scaleb(-2),
                        D(sen_realisasi).scaleb(-2),
                        fisik,
                    )
                )
    # The input order must not matter.
    return (
        _program(*draw(st.permutations(program))),
        _kegiatan(*draw(st.permutations(kegiatan))),
        _sub(*draw(st.permutations(sub))),
    )


def _daun(rekap_baris: pd.Series, sub: pd.DataFrame) -> pd.DataFrame:
    """The input sub kegiatan under a recap row, found without the module."""
    tingkat, kode = rekap_baris["tingkat"], rekap_baris["kode"]
    if tingkat == "program":
        return sub[sub["kode_program"] == kode]
    if tingkat == "kegiatan":
        return sub[sub["kode_kegiatan"] == kode]
    if tingkat == "sub_kegiatan":
        return sub[sub["kode"] == kode]
    return sub


def _kunci(kode: str) -> tuple[int, ...]:
    return tuple(int(b) for b in kode.split("."))


@settings(deadline=None, max_examples=60)
@given(pohon=_pohon())
def test_properti_jumlah_dari_daun(pohon) -> None:
    program, kegiatan, sub = pohon
    rekap = rekap_anggaran(program, kegiatan, sub)

    # Tree order: depth-first in natural code order, then the total.
    kode = list(rekap["kode"])
    assert kode[-1] == "" and rekap.iloc[-1]["tingkat"] == "total"
    assert kode[:-1] == sorted(kode[:-1], key=_kunci)
    assert len(rekap) == len(program) + len(kegiatan) + len(sub) + 1

    for _, baris in rekap.iterrows():
        daun = _daun(baris, sub)
        pagu = sum(daun["pagu"], D(0))
        realisasi = sum(daun["realisasi"], D(0))
        assert baris["pagu"] == pagu
        assert baris["realisasi"] == realisasi
        assert baris["sisa"] == pagu - realisasi
        assert baris["jumlah_sub_kegiatan"] == len(daun)
        if pagu == 0:
            assert baris["persen_keuangan"] is None
            assert baris["persen_fisik"] is None or baris["tingkat"] == "sub_kegiatan"
        else:
            assert baris["persen_keuangan"] == realisasi / pagu * 100
            assert min(daun["fisik"]) <= baris["persen_fisik"] <= max(daun["fisik"])


def _anak(rekap: pd.DataFrame, baris: pd.Series) -> pd.DataFrame:
    tingkat = baris["tingkat"]
    if tingkat == "total":
        return rekap[rekap["tingkat"] == "program"]
    return rekap[(rekap["kode_induk"] == baris["kode"]) & (rekap["tingkat"] != "program")]


@settings(deadline=None, max_examples=60)
@given(pohon=_pohon())
def test_properti_bobot_berjumlah_1(pohon) -> None:
    rekap = rekap_anggaran(*pohon)
    assert rekap.iloc[-1]["bobot"] == 1
    for _, induk in rekap[rekap["tingkat"] != "sub_kegiatan"].iterrows():
        anak = _anak(rekap, induk)
        assert len(anak) > 0
        if induk["pagu"] > 0:
            assert abs(sum(anak["bobot"], D(0)) - 1) <= D("1e-25")
            assert all(0 <= b <= 1 for b in anak["bobot"])
            rincian = bobot_fisik(rekap, induk["kode"])
            assert abs(sum(rincian["bobot"], D(0)) - 1) <= D("1e-25")
            assert abs(sum(rincian["bobot_x_fisik"], D(0)) - induk["persen_fisik"]) <= D("1e-22")
        else:
            assert all(b is None for b in anak["bobot"])


def test_sel_kosong_membuat_jumlah_hilang_bukan_sebagian() -> None:
    """None (a blank cell, "belum diisi") makes every sum and percentage above it None."""
    sub = pd.concat([_sub_satu(), _sub_satu(kode="1.1.2", realisasi=None, fisik=None)])
    rekap = rekap_anggaran(_program(("1", "P")), _kegiatan(("1.1", "1", "K")), sub)
    total = rekap[rekap["tingkat"] == "total"].iloc[0]
    assert total["pagu"] is not None
    assert total["realisasi"] is None and total["sisa"] is None
    assert total["persen_keuangan"] is None and total["persen_fisik"] is None
    baris = rekap[rekap["kode"] == "1.1.1"].iloc[0]
    assert baris["realisasi"] is not None and baris["persen_keuangan"] is not None


def test_provenance_names_runs_of_rows_not_every_cell() -> None:
    """A total, and each weight over the whole column, names its cells as runs of
    rows: the record grows linearly with the sub kegiatan, and still covers every cell."""
    from lakip_calc.hitungan.angka import Sumber
    from lakip_calc.hitungan.hitung import angka_anggaran
    from lakip_calc.isi.narasi import ringkas_masukan
    from lakip_calc.masukan.loader import muat_tahun

    data = muat_tahun(2023)
    n = len(data["sub_kegiatan"])
    angka = {a.key: a for a in angka_anggaran(data)}
    semua = Sumber("sub_kegiatan.csv", 2, "pagu", n + 1)
    assert angka["anggaran.total.pagu"].inputs == (semua,)
    assert angka["anggaran.1.1.1.bobot_total"].inputs == (semua,)
    assert list(semua.baris()) == list(range(2, n + 2))
    assert (
        ringkas_masukan(angka["anggaran.total.pagu"]) == f"sub_kegiatan.csv [pagu] baris 2–{n + 1}"
    )
    tunggal = angka["anggaran.1.1.1.pagu"]
    assert tunggal.inputs == (Sumber("sub_kegiatan.csv", 2, "pagu"),)
    assert "sampai" not in tunggal.to_dict()["inputs"][0]
    assert sorted(angka["anggaran.1.1.sisa"].inputs) == [
        Sumber("sub_kegiatan.csv", 2, c, 3) for c in ("pagu", "realisasi")
    ]
