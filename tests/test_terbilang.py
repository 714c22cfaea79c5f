"""Tests for lakip_calc.hitungan.terbilang: a hand-checked table and round-trip properties."""

from __future__ import annotations

import doctest
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakip_calc.hitungan import terbilang as modul
from lakip_calc.hitungan.terbilang import (
    baca_terbilang,
    kapital_awal,
    normalisasi_terbilang,
    terbilang,
    terbilang_rupiah,
)

# Each line checked by hand against PUEBI usage (se- only before puluh, belas,
# ratus, and ribu when the thousands group is exactly one; "satu juta").
REFERENSI = [
    (0, "nol"),
    (1, "satu"),
    (7, "tujuh"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (12, "dua belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (21, "dua puluh satu"),
    (99, "sembilan puluh sembilan"),
    (100, "seratus"),
    (101, "seratus satu"),
    (110, "seratus sepuluh"),
    (111, "seratus sebelas"),
    (199, "seratus sembilan puluh sembilan"),
    (200, "dua ratus"),
    (999, "sembilan ratus sembilan puluh sembilan"),
    (1000, "seribu"),
    (1001, "seribu satu"),
    (1010, "seribu sepuluh"),
    (1100, "seribu seratus"),
    (1999, "seribu sembilan ratus sembilan puluh sembilan"),
    (2000, "dua ribu"),
    (10000, "sepuluh ribu"),
    (11000, "sebelas ribu"),
    (12345, "dua belas ribu tiga ratus empat puluh lima"),
    (21000, "dua puluh satu ribu"),
    (100000, "seratus ribu"),
    (101000, "seratus satu ribu"),
    (111000, "seratus sebelas ribu"),
    (111111, "seratus sebelas ribu seratus sebelas"),
    (1000000, "satu juta"),
    (1000001, "satu juta satu"),
    (1001000, "satu juta seribu"),
    (1100000, "satu juta seratus ribu"),
    (2000000, "dua juta"),
    (10000000, "sepuluh juta"),
    (100000000, "seratus juta"),
    (1000000000, "satu miliar"),
    (1001001001, "satu miliar satu juta seribu satu"),
    (100000000000, "seratus miliar"),
    (1000000000000, "satu triliun"),
    (10**15, "satu kuadriliun"),
    (10**18, "satu kuintiliun"),
    (92092800, "sembilan puluh dua juta sembilan puluh dua ribu delapan ratus"),
    (
        5164657747,
        "lima miliar seratus enam puluh empat juta enam ratus lima puluh tujuh ribu "
        "tujuh ratus empat puluh tujuh",
    ),
    (
        380938700,
        "tiga ratus delapan puluh juta sembilan ratus tiga puluh delapan ribu tujuh ratus",
    ),
]

REFERENSI_RUPIAH = [
    (0, "nol rupiah"),
    (92092800, "sembilan puluh dua juta sembilan puluh dua ribu delapan ratus rupiah"),
    (Decimal("1500.25"), "seribu lima ratus rupiah dua puluh lima sen"),
    (Decimal("0.05"), "nol rupiah lima sen"),
    (Decimal("0.5"), "nol rupiah lima puluh sen"),
    (Decimal("1000000.10"), "satu juta rupiah sepuluh sen"),
    (Decimal("1000000.00"), "satu juta rupiah"),
    (Decimal("0.005"), "nol rupiah satu sen"),  # half-up, not half-even
    (Decimal("0.015"), "nol rupiah dua sen"),
    (Decimal("99.995"), "seratus rupiah"),
    (Decimal("11.11"), "sebelas rupiah sebelas sen"),
    ("1500.25", "seribu lima ratus rupiah dua puluh lima sen"),
    (15000000, "lima belas juta rupiah"),
]

SKALA = ("ribu", "juta", "miliar", "triliun", "kuadriliun")

bilangan = st.integers(min_value=0, max_value=10**18 - 1)
# Mostly small and "round" numbers, where the se- rules bite, plus the full range.
bilangan_campur = st.one_of(
    bilangan,
    st.integers(min_value=0, max_value=2_000_000),
    st.builds(
        lambda k, p: k * 10**p,
        st.integers(min_value=1, max_value=1001),
        st.integers(min_value=0, max_value=15),
    ),
)


@pytest.mark.parametrize(("n", "kata"), REFERENSI)
def test_terbilang_referensi(n: int, kata: str) -> None:
    assert terbilang(n) == kata


@pytest.mark.parametrize(("n", "kata"), REFERENSI)
def test_baca_terbilang_referensi(n: int, kata: str) -> None:
    assert baca_terbilang(kata) == n


@pytest.mark.parametrize(("nilai", "kata"), REFERENSI_RUPIAH)
def test_terbilang_rupiah_referensi(nilai: object, kata: str) -> None:
    assert terbilang_rupiah(nilai) == kata


@pytest.mark.parametrize(("nilai", "kata"), REFERENSI_RUPIAH)
def test_baca_terbilang_rupiah(nilai: object, kata: str) -> None:
    from lakip_calc.hitungan.formats import bulatkan

    assert baca_terbilang(kata) == bulatkan(nilai, 2)


@pytest.mark.parametrize(
    ("teks", "nilai"),
    [
        # As printed in the 2023 seed report.
        (
            "Tiga ratus delapan puluh tujuh juta Sembilan ratus tiga puluh delapan ribu "
            "tujuh ratus rupiah",
            Decimal(387938700),
        ),
        ("(Tujuh Puluh Juta Delapan Ratus Enam Puluh Ribu Rupiah)", Decimal(70860000)),
        ("(Lima belas juta rupiah)", Decimal(15000000)),
        (
            "Enam Puluh Tiga Juta Tujuh Ratus Lima Puluh Dua Ribu Delapan Ratus Empat "
            "Puluh Delapan Rupiah",
            Decimal(63752848),
        ),
        ("Lima\npuluh  lima juta", Decimal(55000000)),
        ("dua-puluh-satu ribu", Decimal(21000)),
        ("SERATUS RUPIAH,-", Decimal(100)),
        ("sejuta", Decimal(1000000)),
        ("sejuta seribu", Decimal(1001000)),
        ("nol", Decimal(0)),
    ],
)
def test_baca_terbilang_tercetak(teks: str, nilai: Decimal) -> None:
    assert baca_terbilang(teks) == nilai


@pytest.mark.parametrize(
    "teks",
    [
        "enam puluh juta Sembilan ratus tujuh puluhse ribu ratusenam puluh dua rupiah",
        "Senam puluh tiga juta tiga ratus tujuh puluh ribu lima ratus Rupiah",
        "",
        "rupiah",
        "sen",
        "ribu",
        "ribu juta",
        "dua ribu juta",
        "juta juta",
        "seribu seribu",
        "satu ribu",
        "satu juta satu ribu",
        "satu ratus",
        "satu puluh",
        "satu belas",
        "sepuluh satu",
        "dua puluh tiga puluh",
        "dua ratus tiga ratus",
        "seratus seribu",
        "nol satu",
        "satu nol",
        "se ratus",
        "semiliar",
        "lima puluh sen",
        "seratus rupiah seratus sen",
        "seratus rupiah nol sen",
        "seratus rupiah lima",
        "seratus rupiah dua rupiah",
        "12 ribu",
    ],
)
def test_baca_terbilang_menolak(teks: str) -> None:
    assert baca_terbilang(teks) is None


@pytest.mark.parametrize("n", [-1, 10**21])
def test_terbilang_di_luar_jangkauan(n: int) -> None:
    with pytest.raises(ValueError):
        terbilang(n)


def test_terbilang_terbesar() -> None:
    assert terbilang(10**21 - 1).startswith("sembilan ratus sembilan puluh sembilan kuintiliun")


@pytest.mark.parametrize("n", [1.0, Decimal(1), "1", True])
def test_terbilang_bukan_bulat(n: object) -> None:
    with pytest.raises(TypeError):
        terbilang(n)  # type: ignore[arg-type]


def test_terbilang_rupiah_negatif() -> None:
    with pytest.raises(ValueError):
        terbilang_rupiah(Decimal("-1"))


@pytest.mark.parametrize(
    ("teks", "hasil"),
    [
        ("seratus rupiah", "Seratus rupiah"),
        ("(lima belas juta rupiah)", "(Lima belas juta rupiah)"),
        ("Sudah", "Sudah"),
        ("", ""),
        ("123", "123"),
    ],
)
def test_kapital_awal(teks: str, hasil: str) -> None:
    assert kapital_awal(teks) == hasil


def test_normalisasi_terbilang() -> None:
    teks = " (Tujuh Puluh\tJuta  Delapan-Ratus Rupiah),- "
    assert normalisasi_terbilang(teks) == "tujuh puluh juta delapan ratus rupiah"


@given(bilangan_campur)
def test_sifat_bolak_balik(n: int) -> None:
    assert baca_terbilang(terbilang(n)) == n


@given(bilangan_campur)
def test_sifat_bolak_balik_tercetak(n: int) -> None:
    # The same words as a report prints them: capitalised, in brackets, with "Rupiah".
    teks = f"({kapital_awal(terbilang(n)).replace(' juta', ' Juta')} Rupiah),-"
    assert baca_terbilang(teks) == n


@given(st.decimals(min_value=0, max_value=10**15, places=2))
def test_sifat_bolak_balik_rupiah(nilai: Decimal) -> None:
    assert baca_terbilang(terbilang_rupiah(nilai)) == nilai


@given(bilangan_campur)
def test_sifat_bentuk_kata(n: int) -> None:
    kata = terbilang(n)
    assert kata == kata.strip()
    assert "  " not in kata
    assert kata == kata.lower()
    token = kata.split()
    assert "sejuta" not in token
    for salah in ("satu ratus", "satu puluh", "satu belas"):
        assert salah not in kata
    # "satu ribu" is right inside a larger group ("seratus satu ribu" = 101.000,
    # "dua puluh satu ribu" = 21.000) but never for a thousands group of exactly one.
    assert not re.search(r"(^|\b(?:juta|miliar|triliun|kuadriliun) )satu ribu", kata)
    assert ("seribu" in token) == (n // 1000 % 1000 == 1)


@st.composite
def terbilang_rusak(draw: st.DrawFn) -> str:
    """Valid words for some n, garbled in a way that can never be valid."""
    kata = terbilang(draw(bilangan_campur)).split()
    cara = draw(st.sampled_from(["gabung", "awalan_s", "skala_depan", "skala_ganda", "asing"]))
    if cara == "gabung" and len(kata) >= 2:
        i = draw(st.integers(min_value=0, max_value=len(kata) - 2))
        kata[i : i + 2] = [kata[i] + kata[i + 1]]  # e.g. "puluhse", "ratusenam"
    elif cara == "awalan_s":
        i = draw(st.integers(min_value=0, max_value=len(kata) - 1))
        kata[i] = "s" + kata[i]  # e.g. "Senam"
    elif cara == "skala_depan":
        kata.insert(0, draw(st.sampled_from(SKALA)))
    elif cara == "skala_ganda" and any(k in SKALA for k in kata):
        i = next(i for i, k in enumerate(kata) if k in SKALA)
        kata.insert(i, kata[i])  # "juta juta"
    else:
        i = draw(st.integers(min_value=0, max_value=len(kata)))
        kata.insert(i, draw(st.sampled_from(["dan", "koma", "se", "ribuan", "x"])))
    huruf_besar = draw(st.booleans())
    teks = " ".join(kata)
    return kapital_awal(teks) if huruf_besar else teks


@given(terbilang_rusak())
def test_sifat_teks_rusak_ditolak(teks: str) -> None:
    assert baca_terbilang(teks) is None


def test_doctest() -> None:
    hasil = doctest.testmod(modul)
    assert hasil.attempted > 0
    assert hasil.failed == 0
