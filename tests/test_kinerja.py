"""Tests of lakip_calc.hitungan.kinerja: capaian, predikat scale, mean."""

from __future__ import annotations

import dataclasses
import doctest
from decimal import ROUND_DOWN, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakip_calc.errors import DataError
from lakip_calc.hitungan import kinerja
from lakip_calc.hitungan.kinerja import (
    SKALA_PERMENDAGRI_86_2017,
    Capaian,
    SkalaPredikat,
    hitung_capaian,
    rata_rata,
    tentukan_predikat,
)

D = Decimal


def test_doctests() -> None:
    hasil = doctest.testmod(kinerja)
    assert hasil.attempted > 0
    assert hasil.failed == 0


# ----------------------------------------------------------------------------- capaian


@pytest.mark.parametrize(
    ("target", "realisasi", "polaritas", "nilai"),
    [
        pytest.param(D("100"), D("80"), "positif", D("80"), id="positif-biasa"),
        pytest.param(D("80"), D("76"), "positif", D("95"), id="positif-95"),
        pytest.param(D("50"), D("75"), "positif", D("150"), id="positif-di-atas-100"),
        pytest.param(D("3"), D("1"), "positif", D(1) / D(3) * 100, id="positif-presisi-28"),
        pytest.param(100, 91, "positif", D("91"), id="positif-int"),
        pytest.param(D("10"), D("8"), "negatif", D("120"), id="negatif-lebih-baik"),
        pytest.param(D("10"), D("12"), "negatif", D("80"), id="negatif-lebih-buruk"),
        pytest.param(D("10"), D("10"), "negatif", D("100"), id="negatif-tepat"),
        pytest.param(D("10"), D("0"), "negatif", D("200"), id="negatif-realisasi-0"),
        pytest.param(D("10"), D("20"), "negatif", D("0"), id="negatif-tepat-0"),
        pytest.param(D("10"), D("25"), "negatif", D("0"), id="negatif-dibatasi-0"),
        pytest.param(D("0"), D("0"), "negatif", D("100"), id="negatif-target-0-realisasi-0"),
        pytest.param(D("4.5"), D("4.5"), " Negatif ", D("100"), id="polaritas-huruf-besar"),
    ],
)
def test_hitung_capaian(target, realisasi, polaritas, nilai) -> None:
    capaian = hitung_capaian(target, realisasi, polaritas)
    assert capaian.nilai == nilai
    assert isinstance(capaian.nilai, Decimal)
    assert capaian.catatan is None
    assert capaian.ditandai is False


def test_capaian_tidak_dibulatkan() -> None:
    capaian = hitung_capaian(D("3"), D("2"), "positif")
    assert capaian.nilai == D("66.66666666666666666666666667")


def test_konteks_pemanggil_tidak_berpengaruh() -> None:
    with localcontext(prec=4, rounding=ROUND_DOWN):
        nilai = hitung_capaian(D("3"), D("2"), "positif").nilai
        rata = rata_rata([D("2"), D("2"), D("3")])
    assert nilai == D("66.66666666666666666666666667")
    assert rata == D("2.333333333333333333333333333")


@pytest.mark.parametrize("realisasi", [D("0"), D("5")])
def test_target_0_positif_tanpa_capaian(realisasi) -> None:
    capaian = hitung_capaian(D("0"), realisasi, "positif")
    assert capaian == Capaian(None, "target 0: capaian tidak dapat dihitung", False)


def test_target_0_negatif_realisasi_bukan_0_ditandai() -> None:
    capaian = hitung_capaian(D("0"), D("3"), "negatif")
    assert capaian.nilai is None
    assert capaian.ditandai is True
    assert "target 0" in capaian.catatan
    assert "polaritas negatif" in capaian.catatan


@pytest.mark.parametrize("polaritas", ["positif", "negatif"])
def test_target_negatif_ditandai(polaritas) -> None:
    capaian = hitung_capaian(D("-2"), D("-1"), polaritas)
    assert capaian.nilai is None
    assert capaian.ditandai is True
    assert "target negatif" in capaian.catatan


@pytest.mark.parametrize("polaritas", ["netral", "", "pos", None])
def test_polaritas_tidak_dikenal(polaritas) -> None:
    with pytest.raises(DataError, match="polaritas tidak dikenal") as info:
        hitung_capaian(D("10"), D("5"), polaritas)
    assert "(harus 'positif' atau 'negatif')" in str(info.value)
    assert info.value.column == "polaritas"


@pytest.mark.parametrize(
    ("target", "realisasi"),
    [(10.0, D("5")), (D("10"), 0.5), (D("NaN"), D("5")), (D("10"), "5"), (True, D("1"))],
)
def test_nilai_bukan_decimal_ditolak(target, realisasi) -> None:
    with pytest.raises(DataError):
        hitung_capaian(target, realisasi, "positif")


@pytest.mark.parametrize(
    ("target", "realisasi", "catatan"),
    [
        (D("10"), None, "realisasi tidak tersedia: capaian tidak dapat dihitung"),
        (None, D("5"), "target tidak tersedia: capaian tidak dapat dihitung"),
        (None, None, "target dan realisasi tidak tersedia: capaian tidak dapat dihitung"),
    ],
)
@pytest.mark.parametrize("polaritas", ["positif", "negatif"])
def test_nilai_kosong_tanpa_capaian(target, realisasi, catatan, polaritas) -> None:
    assert hitung_capaian(target, realisasi, polaritas) == Capaian(None, catatan, False)


def test_capaian_beku() -> None:
    capaian = hitung_capaian(D("10"), D("5"), "positif")
    with pytest.raises(dataclasses.FrozenInstanceError):
        capaian.nilai = D("1")


@given(
    target=st.decimals(min_value=D("0.01"), max_value=D("1e9"), places=2),
    realisasi=st.decimals(min_value=0, max_value=D("1e9"), places=2),
)
def test_negatif_tidak_pernah_di_bawah_0(target, realisasi) -> None:
    nilai = hitung_capaian(target, realisasi, "negatif").nilai
    assert nilai >= 0
    positif = hitung_capaian(target, realisasi, "positif").nilai
    # Where the floor does not apply the two polarities mirror each other around 100.
    if realisasi <= 2 * target:
        assert abs((nilai - 100) + (positif - 100)) < D("1e-10")


# ----------------------------------------------------------------------------- predikat


@pytest.mark.parametrize(
    ("capaian", "predikat"),
    [
        (D("250"), "Sangat Tinggi"),
        (D("100"), "Sangat Tinggi"),
        (D("91"), "Sangat Tinggi"),
        (D("90.995"), "Sangat Tinggi"),
        (D("90.994"), "Tinggi"),
        (D("90.99"), "Tinggi"),
        (D("76"), "Tinggi"),
        (D("75.999"), "Tinggi"),  # rounds half-up to 76.00
        (D("75.994"), "Sedang"),
        (D("75.99"), "Sedang"),
        (D("66"), "Sedang"),
        (D("65.99"), "Rendah"),
        (D("51"), "Rendah"),
        (D("50.995"), "Rendah"),
        (D("50.99"), "Sangat Rendah"),
        (D("0"), "Sangat Rendah"),
        (D("-5"), "Sangat Rendah"),
        (D("1E+40"), "Sangat Tinggi"),
        (91, "Sangat Tinggi"),
        (None, None),
    ],
)
def test_predikat_permendagri(capaian, predikat) -> None:
    assert tentukan_predikat(capaian) == predikat


def test_predikat_dari_hitung_capaian() -> None:
    # 90.995 exactly: 18199 / 20000 x 100.
    capaian = hitung_capaian(D("20000"), D("18199"), "positif")
    assert capaian.nilai == D("90.995")
    assert tentukan_predikat(capaian.nilai) == "Sangat Tinggi"


def test_skala_default() -> None:
    assert SKALA_PERMENDAGRI_86_2017.baris == (
        (D("91"), "Sangat Tinggi"),
        (D("76"), "Tinggi"),
        (D("66"), "Sedang"),
        (D("51"), "Rendah"),
        (D("0"), "Sangat Rendah"),
    )


SKALA_KUSTOM = SkalaPredikat.dari_baris(
    [(D("50"), "Baik"), (D("85.5"), "Sangat Baik"), (D("20"), "Kurang")]
)


@pytest.mark.parametrize(
    ("capaian", "predikat"),
    [
        (D("120"), "Sangat Baik"),
        (D("85.5"), "Sangat Baik"),
        (D("85.495"), "Sangat Baik"),
        (D("85.494"), "Baik"),
        (D("50"), "Baik"),
        (D("49.99"), "Kurang"),
        (D("20"), "Kurang"),
        (D("5"), "Kurang"),  # below the last bound: still the lowest predikat
    ],
)
def test_skala_kustom(capaian, predikat) -> None:
    assert SKALA_KUSTOM.predikat == ("Sangat Baik", "Baik", "Kurang")
    assert tentukan_predikat(capaian, SKALA_KUSTOM) == predikat


def test_dari_baris_menerima_int() -> None:
    skala = SkalaPredikat.dari_baris([(0, "C"), (90, "A"), (60, "B")])
    assert skala.baris == ((D("90"), "A"), (D("60"), "B"), (D("0"), "C"))
    assert all(isinstance(batas, Decimal) for batas, _ in skala.baris)


@pytest.mark.parametrize(
    ("baris", "pesan"),
    [
        pytest.param((), "kosong", id="kosong"),
        pytest.param(((D("50"), "A"), (D("50"), "B")), "batas bawah ganda", id="batas-ganda"),
        pytest.param(((D("50"), "A"), (D("80"), "B")), "urut menurun", id="naik"),
        pytest.param(((D("80"), "A"), (D("50"), "A")), "predikat ganda", id="nama-ganda"),
        pytest.param(((D("80"), "A"), (D("50"), " ")), "tidak kosong", id="nama-kosong"),
        pytest.param(((80.0, "A"),), "bukan float", id="batas-float"),
        pytest.param(((D("80"),),), "batas_bawah, predikat", id="baris-cacat"),
    ],
)
def test_skala_tidak_sah(baris, pesan) -> None:
    with pytest.raises(DataError, match=pesan):
        SkalaPredikat(baris)


def test_dari_baris_batas_ganda() -> None:
    with pytest.raises(DataError, match="batas bawah ganda"):
        SkalaPredikat.dari_baris([(D("50"), "A"), (D("0"), "C"), (D("50.0"), "B")])


def _peringkat(predikat: str, skala: SkalaPredikat) -> int:
    """0 is the best predikat."""
    return skala.predikat.index(predikat)


_capaian = st.decimals(
    min_value=D("-50"), max_value=D("300"), places=4, allow_nan=False, allow_infinity=False
)


@given(a=_capaian, b=_capaian)
def test_predikat_monoton(a, b) -> None:
    rendah, tinggi = sorted((a, b))
    skala = SKALA_PERMENDAGRI_86_2017
    assert _peringkat(tentukan_predikat(tinggi), skala) <= _peringkat(
        tentukan_predikat(rendah), skala
    )


@st.composite
def _skala_acak(draw) -> SkalaPredikat:
    batas = draw(
        st.lists(
            st.decimals(min_value=-20, max_value=200, places=2),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    return SkalaPredikat.dari_baris((b, f"P{i}") for i, b in enumerate(batas))


@given(skala=_skala_acak(), a=_capaian, b=_capaian)
def test_predikat_monoton_skala_acak(skala, a, b) -> None:
    rendah, tinggi = sorted((a, b))
    assert _peringkat(tentukan_predikat(tinggi, skala), skala) <= _peringkat(
        tentukan_predikat(rendah, skala), skala
    )


# ----------------------------------------------------------------------------- rata_rata


@pytest.mark.parametrize(
    ("nilai", "hasil"),
    [
        ([D("80"), D("91")], D("85.5")),
        ([D("80"), None, D("91"), None], D("85.5")),
        ([D("1"), D("1"), D("2")], D(4) / D(3)),
        ([100], D("100")),
        ([], None),
        ([None, None], None),
    ],
)
def test_rata_rata(nilai, hasil) -> None:
    assert rata_rata(nilai) == hasil


def test_rata_rata_menerima_generator() -> None:
    assert rata_rata(x for x in (D("2"), D("4"))) == D("3")
