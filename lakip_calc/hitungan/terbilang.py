"""Numbers in Indonesian words (terbilang), and reading them back.

Official documents print an amount next to its words:
"Rp92.092.800 (sembilan puluh dua juta sembilan puluh dua ribu delapan ratus
rupiah)". This module writes those words following PUEBI usage and reads
printed words back so that the reconciliation can check them against the
figure. It is written here on purpose: num2words' Indonesian output has known
bugs ("satu juta satu ribu" for 1.001.000).

Rules of the words produced:

- ``se-`` replaces ``satu`` before ``puluh`` (sepuluh), ``belas`` (sebelas),
  ``ratus`` (seratus) and before ``ribu`` only when the whole thousands group
  is exactly one (1.001.000 is "satu juta seribu", but 101.000 is "seratus
  satu ribu" and 21.000 "dua puluh satu ribu").
- Larger scales always take ``satu``: "satu juta", "satu miliar", never "sejuta".
- Scales: ribu (10^3), juta (10^6), miliar (10^9), triliun (10^12),
  kuadriliun (10^15), kuintiliun (10^18); the largest number written is
  10^21 - 1.

Examples
--------
>>> terbilang(1001000)
'satu juta seribu'
>>> terbilang_rupiah(92092800)
'sembilan puluh dua juta sembilan puluh dua ribu delapan ratus rupiah'
>>> baca_terbilang("Sembilan puluh dua juta sembilan puluh dua ribu delapan ratus Rupiah")
Decimal('92092800')
"""

from __future__ import annotations

import operator
import re
from decimal import Decimal

from lakip_calc.hitungan.formats import bulatkan

__all__ = [
    "TERBILANG_MAKSIMUM",
    "terbilang",
    "terbilang_rupiah",
    "kapital_awal",
    "baca_terbilang",
    "normalisasi_terbilang",
]

_SATUAN = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_NILAI_SATUAN = {kata: nilai for nilai, kata in enumerate(_SATUAN) if kata}

# Scale words and their power of ten, largest first.
_SKALA = (
    ("kuintiliun", 18),
    ("kuadriliun", 15),
    ("triliun", 12),
    ("miliar", 9),
    ("juta", 6),
    ("ribu", 3),
)
_PANGKAT_SKALA = dict(_SKALA)

TERBILANG_MAKSIMUM = 10**21 - 1
"""The largest integer :func:`terbilang` writes (999 kuintiliun ...)."""


def _kelompok(n: int) -> list[str]:
    """Words for 1 <= n <= 999."""
    kata: list[str] = []
    ratusan, sisa = divmod(n, 100)
    if ratusan == 1:
        kata.append("seratus")
    elif ratusan > 1:
        kata += [_SATUAN[ratusan], "ratus"]
    puluhan, satuan = divmod(sisa, 10)
    if sisa == 10:
        kata.append("sepuluh")
    elif sisa == 11:
        kata.append("sebelas")
    elif puluhan == 1:
        kata += [_SATUAN[satuan], "belas"]
    else:
        if puluhan > 1:
            kata += [_SATUAN[puluhan], "puluh"]
        if satuan:
            kata.append(_SATUAN[satuan])
    return kata


def terbilang(n: int) -> str:
    """Write a non-negative integer in Indonesian words.

    Parameters
    ----------
    n
        An integer from 0 to :data:`TERBILANG_MAKSIMUM` (10^21 - 1).

    Returns
    -------
    str
        Lowercase words separated by single spaces.

    Raises
    ------
    TypeError
        If ``n`` is not an integer (a bool is refused too).
    ValueError
        If ``n`` is negative or larger than :data:`TERBILANG_MAKSIMUM`.

    Examples
    --------
    >>> terbilang(0)
    'nol'
    >>> terbilang(111)
    'seratus sebelas'
    >>> terbilang(1001000)
    'satu juta seribu'
    >>> terbilang(111000)
    'seratus sebelas ribu'
    >>> terbilang(100_000_000_000)
    'seratus miliar'
    """
    if isinstance(n, bool):
        raise TypeError("terbilang membutuhkan bilangan bulat, bukan boolean")
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"terbilang hanya untuk bilangan bulat tidak negatif, bukan {n}")
    if n > TERBILANG_MAKSIMUM:
        raise ValueError(f"bilangan {n} terlalu besar untuk terbilang (maksimum 10^21 - 1)")
    if n == 0:
        return "nol"
    kata: list[str] = []
    for nama, pangkat in _SKALA:
        kelompok, n = divmod(n, 10**pangkat)
        if kelompok == 0:
            continue
        if nama == "ribu" and kelompok == 1:
            kata.append("seribu")
        else:
            kata += _kelompok(kelompok)
            kata.append(nama)
    if n:
        kata += _kelompok(n)
    return " ".join(kata)


def terbilang_rupiah(nilai: int | str | Decimal | float) -> str:
    """Write a rupiah amount in words, with its sen if any.

    The amount is rounded half-up to whole sen (2 decimals) first.

    Parameters
    ----------
    nilai
        A non-negative amount in rupiah (types as accepted by
        :func:`lakip_calc.hitungan.formats.bulatkan`; a ``str`` is a Python decimal
        literal such as ``"1500.25"``).

    Returns
    -------
    str
        ``"<words> rupiah"``, followed by ``"<words> sen"`` when the sen are
        not zero.

    Raises
    ------
    ValueError
        If the amount is negative.

    Examples
    --------
    >>> terbilang_rupiah(92092800)
    'sembilan puluh dua juta sembilan puluh dua ribu delapan ratus rupiah'
    >>> terbilang_rupiah(Decimal("1500.25"))
    'seribu lima ratus rupiah dua puluh lima sen'
    >>> terbilang_rupiah(Decimal("0.5"))
    'nol rupiah lima puluh sen'
    >>> terbilang_rupiah(Decimal("0.005"))
    'nol rupiah satu sen'
    """
    jumlah = bulatkan(nilai, 2)
    if jumlah < 0:
        raise ValueError(f"terbilang rupiah hanya untuk jumlah tidak negatif, bukan {jumlah}")
    sen_total = int(jumlah.scaleb(2))
    rupiah, sen = divmod(sen_total, 100)
    teks = f"{terbilang(rupiah)} rupiah"
    if sen:
        teks += f" {terbilang(sen)} sen"
    return teks


def kapital_awal(teks: str) -> str:
    """Capitalise the first letter only, leaving the rest as it is.

    Parameters
    ----------
    teks
        Any text, typically terbilang that starts a sentence.

    Returns
    -------
    str
        The text with its first alphabetic character in upper case.

    Examples
    --------
    >>> kapital_awal("seratus rupiah")
    'Seratus rupiah'
    >>> kapital_awal("(lima belas juta rupiah)")
    '(Lima belas juta rupiah)'
    """
    for i, huruf in enumerate(teks):
        if huruf.isalpha():
            return teks[:i] + huruf.upper() + teks[i + 1 :]
    return teks


_BUKAN_KATA = re.compile(r"[\W_]+")


def normalisasi_terbilang(teks: str) -> str:
    """Normalise printed terbilang so that it can be compared with ours.

    Lowercases, turns punctuation (brackets, hyphens, commas, full stops ...)
    into spaces, and collapses whitespace to single spaces.

    Parameters
    ----------
    teks
        Terbilang as printed, e.g. ``"(Lima Belas Juta Rupiah),-"``.

    Returns
    -------
    str
        E.g. ``"lima belas juta rupiah"``.

    Examples
    --------
    >>> normalisasi_terbilang("  (Tujuh Puluh  Juta-Rupiah),- ")
    'tujuh puluh juta rupiah'
    """
    return " ".join(_BUKAN_KATA.sub(" ", teks.lower()).split())


def _baca_kelompok(kata: list[str], i: int) -> tuple[int, int] | None:
    """Read a group 1..999 starting at ``kata[i]``; return (value, next index)."""
    awal, nilai = i, 0
    if i < len(kata) and kata[i] == "seratus":
        nilai, i = 100, i + 1
    elif (
        i + 1 < len(kata)
        and kata[i + 1] == "ratus"
        and _NILAI_SATUAN.get(kata[i], 1) > 1  # "satu ratus" is not accepted
    ):
        nilai, i = 100 * _NILAI_SATUAN[kata[i]], i + 2
    if i < len(kata):
        if kata[i] == "sepuluh":
            nilai, i = nilai + 10, i + 1
        elif kata[i] == "sebelas":
            nilai, i = nilai + 11, i + 1
        elif kata[i] in _NILAI_SATUAN:
            angka = _NILAI_SATUAN[kata[i]]
            berikut = kata[i + 1] if i + 1 < len(kata) else None
            if berikut in ("belas", "puluh", "ratus") and angka == 1:
                return None  # satu belas / satu puluh / satu ratus
            if berikut == "ratus":
                return None  # a second hundreds
            if berikut == "belas":
                nilai, i = nilai + 10 + angka, i + 2
            elif berikut == "puluh":
                nilai, i = nilai + 10 * angka, i + 2
                if i < len(kata) and kata[i] in _NILAI_SATUAN:
                    nilai, i = nilai + _NILAI_SATUAN[kata[i]], i + 1
            else:
                nilai, i = nilai + angka, i + 1
    if i == awal:
        return None
    return nilai, i


def _baca_bulat(kata: list[str]) -> int | None:
    """Read the words of a whole number, or None if they are not valid terbilang."""
    if kata == ["nol"]:
        return 0
    if not kata:
        return None
    total, i, pangkat_sebelumnya = 0, 0, None
    while i < len(kata):
        if kata[i] in ("seribu", "sejuta"):
            kelompok, pangkat = 1, (3 if kata[i] == "seribu" else 6)
            i += 1
        else:
            hasil = _baca_kelompok(kata, i)
            if hasil is None:
                return None
            kelompok, i = hasil
            if i == len(kata):
                pangkat = 0
            elif kata[i] in _PANGKAT_SKALA:
                pangkat = _PANGKAT_SKALA[kata[i]]
                i += 1
                if pangkat == 3 and kelompok == 1:
                    return None  # "satu ribu": Indonesian says "seribu"
            else:
                return None
        if pangkat_sebelumnya is not None and pangkat >= pangkat_sebelumnya:
            return None  # scales must strictly decrease ("ribu juta", "juta juta")
        pangkat_sebelumnya = pangkat
        total += kelompok * 10**pangkat
    return total


def baca_terbilang(teks: str) -> Decimal | None:
    """Read Indonesian number words back to their value.

    Tolerant of case, extra spaces, punctuation and hyphens (see
    :func:`normalisasi_terbilang`) and of a trailing ``rupiah``, optionally
    followed by ``<words> sen`` (1 to 99 sen). Strict about everything else:
    it accepts exactly the words :func:`terbilang` and :func:`terbilang_rupiah`
    produce, plus ``sejuta`` for "satu juta". Forms that PUEBI usage does not
    allow, such as "satu ribu" (for a thousands group of one), "satu ratus",
    "satu belas" or "satu puluh", scales out of order ("ribu juta") and
    unknown or run-together words are refused.

    Parameters
    ----------
    teks
        The words, e.g. as printed in brackets after a rupiah figure.

    Returns
    -------
    Decimal | None
        The value (with 2 decimals when sen were read), or None when the text
        is not valid number words. For every ``n``:
        ``baca_terbilang(terbilang(n)) == n``.

    Examples
    --------
    >>> baca_terbilang("Tiga ratus delapan puluh tujuh juta Sembilan ratus "
    ...                "tiga puluh delapan ribu tujuh ratus rupiah")
    Decimal('387938700')
    >>> baca_terbilang("seribu lima ratus rupiah dua puluh lima sen")
    Decimal('1500.25')
    >>> baca_terbilang("Senam puluh tiga juta") is None
    True
    >>> baca_terbilang("dua ribu juta") is None
    True
    """
    if not isinstance(teks, str):
        raise TypeError(f"baca_terbilang membutuhkan teks, bukan {type(teks).__name__}")
    kata = normalisasi_terbilang(teks).split()
    sen = 0
    if "rupiah" in kata:
        posisi = kata.index("rupiah")
        kata, sisa = kata[:posisi], kata[posisi + 1 :]
        if sisa:
            if sisa[-1] != "sen":
                return None
            dibaca = _baca_bulat(sisa[:-1])
            if dibaca is None or not 1 <= dibaca <= 99:
                return None
            sen = dibaca
    bulat = _baca_bulat(kata)
    if bulat is None:
        return None
    if sen:
        return Decimal(bulat) + Decimal(sen).scaleb(-2)
    return Decimal(bulat)
