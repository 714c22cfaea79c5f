"""Indonesian (PUEBI) number formatting and parsing, with half-up rounding.

Every figure the report prints goes through this module: thousands are
separated by ``.``, decimals by ``,``, rupiah is written ``Rp5.164.657.747``
(no space, no full stop) and percentages ``96,53%`` (no space before ``%``).
Rounding for display is half-up, never Python's default half-even.

All arithmetic is done on :class:`decimal.Decimal`. A ``float`` is accepted only
through ``Decimal(str(x))``, i.e. by its shortest printed form, so ``0.1``
becomes ``Decimal("0.1")`` and not the binary value behind it.

Two parsers are offered:

- :func:`parse_angka` is the strict inverse of :func:`format_angka`,
  :func:`format_rupiah` and :func:`format_persen`.
- :func:`parse_angka_tercetak` is tolerant: it reads figures as a hand-made
  report printed them (``Rp. 3.698.220.902``, ``49,422,100``, ``98.42``) and is
  used by the reconciliation of stated against computed values. It tolerates
  these decorations:

  - a leading ``Rp`` in any case, with or without a full stop and spaces
    (``Rp. 3.698.220.902``, ``Rp.2.503.195.548``, ``RP 1.000``);
  - a trailing "no cents" marker ``,-`` / ``.-`` / ``-`` and trailing sentence
    punctuation ``.`` or ``,`` (``Rp.92.092.800.``, ``Rp. 58.289.900,``);
  - a trailing ``%``, with or without a space before it;
  - a minus sign before or after ``Rp``; surrounding whitespace.

  Its reading of the ``.`` and ``,`` separators is described at ``_pisah_inti``.

Examples
--------
>>> format_rupiah(5164657747)
'Rp5.164.657.747'
>>> format_persen(Decimal("96.5349"))
'96,53%'
>>> parse_angka("Rp5.164.657.747")
Decimal('5164657747')
"""

from __future__ import annotations

import operator
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from lakip_calc.errors import DataError

__all__ = [
    "bulatkan",
    "format_angka",
    "format_rupiah",
    "format_persen",
    "parse_angka",
    "parse_angka_tercetak",
]

Angka = int | str | Decimal | float

_BENTUK_BAKU = (
    "gunakan bentuk seperti 5.164.657.747, 96,53, -1.234,5, Rp5.164.657.747 atau 96,53% "
    "(titik sebagai pemisah ribuan, koma sebagai pemisah desimal)"
)

# Strict PUEBI number: either correctly grouped thousands or no grouping at all,
# optionally followed by a decimal comma and at least one digit.
_ANGKA_BAKU = re.compile(
    r"""
    (?P<bulat>0|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*)
    (?:,(?P<pecahan>\d+))?
    """,
    re.VERBOSE,
)
_BAKU = re.compile(r"(?P<tanda>-)?(?P<rp>Rp)?(?P<inti>[0-9.,]+)(?P<persen>%)?")


def _ke_decimal(nilai: Angka) -> Decimal:
    """Convert an accepted input to a finite Decimal.

    ``str`` must be a Python decimal literal (``"1234.5"``); Indonesian text
    such as ``"1.234,5"`` is read with :func:`parse_angka` instead.
    """
    if isinstance(nilai, bool):
        raise TypeError("nilai boolean bukan angka")
    if isinstance(nilai, Decimal):
        hasil = nilai
    elif isinstance(nilai, int):
        hasil = Decimal(nilai)
    elif isinstance(nilai, float):
        hasil = Decimal(str(nilai))
    elif isinstance(nilai, str):
        try:
            hasil = Decimal(nilai.strip())
        except InvalidOperation:
            raise DataError(
                f"'{nilai}' bukan angka; tulis dengan titik desimal tanpa pemisah ribuan "
                "(mis. 1234.5), atau baca teks berformat Indonesia dengan parse_angka"
            ) from None
    else:
        raise TypeError(f"jenis nilai tidak didukung: {type(nilai).__name__}")
    if not hasil.is_finite():
        raise DataError(f"nilai '{nilai}' kosong atau tidak terhingga, tidak dapat diolah")
    return hasil


def _cek_digit(digit: int) -> int:
    digit = operator.index(digit)
    if digit < 0:
        raise ValueError(f"jumlah digit desimal tidak boleh negatif: {digit}")
    return digit


def bulatkan(nilai: Angka, digit: int = 0) -> Decimal:
    """Round half-up (away from zero on a tie) to ``digit`` decimals.

    Parameters
    ----------
    nilai
        ``int``, ``Decimal``, a Python decimal literal as ``str`` (``"1234.5"``),
        or a ``float``, which is read through ``Decimal(str(nilai))`` so that its
        shortest printed form, not its binary value, is rounded.
    digit
        Number of decimals to keep (0 or more).

    Returns
    -------
    Decimal
        The rounded value with exactly ``digit`` decimals. A zero result is
        never negative (``-0.001`` rounds to ``0.00``, not ``-0.00``).

    Raises
    ------
    DataError
        If a ``str`` is not a number, or the value is NaN or infinite.

    Examples
    --------
    >>> bulatkan(Decimal("2.5"))
    Decimal('3')
    >>> bulatkan(Decimal("0.125"), 2)
    Decimal('0.13')
    >>> bulatkan(-2.5)
    Decimal('-3')
    >>> bulatkan("96.5349", 2)
    Decimal('96.53')
    """
    angka = _ke_decimal(nilai)
    digit = _cek_digit(digit)
    with localcontext() as ctx:
        # quantize fails when the result needs more digits than the precision.
        ctx.prec = max(28, angka.adjusted() + digit + 2)
        hasil = angka.quantize(Decimal(1).scaleb(-digit), rounding=ROUND_HALF_UP)
    if hasil.is_zero():
        hasil = hasil.copy_abs()
    return hasil


def format_angka(nilai: Angka, digit: int = 0) -> str:
    """Format a number the Indonesian way: ``.`` for thousands, ``,`` for decimals.

    The value is first rounded half-up with :func:`bulatkan`.

    Parameters
    ----------
    nilai
        The number (see :func:`bulatkan` for the accepted types).
    digit
        Number of decimals to print.

    Returns
    -------
    str
        E.g. ``"5.164.657.747"`` or ``"-1.234,50"``; never ``"-0"``.

    Examples
    --------
    >>> format_angka(5164657747)
    '5.164.657.747'
    >>> format_angka(Decimal("96.5349"), 2)
    '96,53'
    >>> format_angka(-1234)
    '-1.234'
    >>> format_angka(Decimal("0.005"), 2)
    '0,01'
    >>> format_angka(Decimal("-0.001"), 2)
    '0,00'
    """
    hasil = bulatkan(nilai, digit)
    tanda = "-" if hasil < 0 else ""
    teks = format(hasil.copy_abs(), f",.{digit}f")
    return tanda + teks.translate(str.maketrans(",.", ".,"))


def format_rupiah(nilai: Angka, digit: int = 0) -> str:
    """Format a rupiah amount: ``Rp`` glued to the number, no space, no full stop.

    Parameters
    ----------
    nilai
        The amount in rupiah.
    digit
        Number of decimals (sen) to print; 0 for whole rupiah.

    Returns
    -------
    str
        E.g. ``"Rp5.164.657.747"``; a negative amount puts the sign first:
        ``"-Rp1.000"``.

    Examples
    --------
    >>> format_rupiah(5164657747)
    'Rp5.164.657.747'
    >>> format_rupiah(Decimal("1234.5"), 2)
    'Rp1.234,50'
    >>> format_rupiah(-1000)
    '-Rp1.000'
    """
    teks = format_angka(nilai, digit)
    if teks.startswith("-"):
        return "-Rp" + teks[1:]
    return "Rp" + teks


def format_persen(nilai: Angka, digit: int = 2) -> str:
    """Format a percentage with ``%`` glued to the number.

    Parameters
    ----------
    nilai
        The percentage itself (``96.53`` for 96,53%), not a fraction.
    digit
        Number of decimals to print.

    Returns
    -------
    str
        E.g. ``"96,53%"``.

    Examples
    --------
    >>> format_persen(Decimal("96.5349"))
    '96,53%'
    >>> format_persen(100, 0)
    '100%'
    """
    return format_angka(nilai, digit) + "%"


def parse_angka(teks: str) -> Decimal:
    """Read a number written by :func:`format_angka`, :func:`format_rupiah`, :func:`format_persen`.

    The form is strict: an optional ``-``, an optional ``Rp`` (no space, no
    full stop), digits whose thousands are either all grouped with ``.`` or not
    grouped at all, an optional decimal part after ``,`` and an optional ``%``
    (not together with ``Rp``). Surrounding whitespace is ignored. For figures
    printed by hand, use :func:`parse_angka_tercetak`.

    Parameters
    ----------
    teks
        The printed number.

    Returns
    -------
    Decimal
        The value, with as many decimals as were printed. For every ``d`` and
        ``k``: ``parse_angka(format_angka(d, k)) == bulatkan(d, k)``.

    Raises
    ------
    DataError
        If the text does not have that form; the message quotes the text and
        the expected form.

    Examples
    --------
    >>> parse_angka("5.164.657.747")
    Decimal('5164657747')
    >>> parse_angka("96,53%")
    Decimal('96.53')
    >>> parse_angka("-1.234,5")
    Decimal('-1234.5')
    >>> parse_angka("1.23.4")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lakip_calc.errors.DataError: Angka '1.23.4' tidak dapat dibaca: gunakan bentuk ...
    """
    if not isinstance(teks, str):
        raise TypeError(f"parse_angka membutuhkan teks, bukan {type(teks).__name__}")
    bersih = teks.strip()
    luar = _BAKU.fullmatch(bersih)
    dalam = _ANGKA_BAKU.fullmatch(luar.group("inti")) if luar else None
    if luar is None or dalam is None or (luar.group("rp") and luar.group("persen")):
        raise DataError(f"Angka '{teks}' tidak dapat dibaca: {_BENTUK_BAKU}")
    literal = dalam.group("bulat").replace(".", "")
    if dalam.group("pecahan") is not None:
        literal += "." + dalam.group("pecahan")
    hasil = Decimal((luar.group("tanda") or "") + literal)
    return hasil.copy_abs() if hasil.is_zero() else hasil


# Tolerant reading of printed figures -------------------------------------------------

#: A printed figure: optional sign, ``Rp``, digits with separators, ``%`` (see the
#: decorations listed in the module docstring).
_TERCETAK = re.compile(
    r"""
    (?P<tanda1>[-\u2212])?\s*
    (?P<rp>rp\.?)?\s*
    (?P<tanda2>[-\u2212])?\s*
    (?P<inti>\d[\d.,]*)
    \s*(?P<persen>%)?
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _kelompok_ribuan_sah(bulat: str, pemisah: str) -> bool:
    """True if ``bulat`` is digits correctly grouped by threes with ``pemisah``."""
    pola = r"[1-9]\d{0,2}(?:" + re.escape(pemisah) + r"\d{3})+"
    return re.fullmatch(pola, bulat) is not None


def _pisah_inti(inti: str) -> tuple[str, str] | None:
    """Split the digits-and-separators core into (integer digits, decimal digits).

    Returns None when the separators cannot be read consistently.

    Separators are disambiguated as follows:

    1. Only digits: an integer.
    2. Both ``.`` and ``,``: the one that comes last is the decimal separator
       and must appear once; the other must group the thousands by threes
       (``1.234,5`` and ``1,234.5`` both read 1234.5).
    3. One kind of separator appearing more than once: thousands separators,
       which must group by threes (``5.164.657.747``, ``49,422,100``).
    4. One separator appearing once: it is a thousands separator when exactly
       three digits follow it and the part before it is 1-3 digits not
       starting with ``0`` (``9,741`` reads 9741, ``1.500`` and ``1.000%``
       read 1500 and 1000). Otherwise it is the decimal separator: ``98.42``,
       ``97,1``, ``0,125`` and ``96.5349`` are decimals. This relies on
       hand-made reports printing at most two decimals; a figure printed with
       exactly three decimals and no thousands (``99,125%``) is misread as
       99125, so the reconciliation will flag it rather than pass it.
    """
    jumlah_titik, jumlah_koma = inti.count("."), inti.count(",")
    if jumlah_titik == 0 and jumlah_koma == 0:
        return inti, ""
    if jumlah_titik and jumlah_koma:
        # Both present: the last one is the decimal separator and appears once.
        desimal = "." if inti.rfind(".") > inti.rfind(",") else ","
        ribuan = "," if desimal == "." else "."
        bulat, _, pecahan = inti.rpartition(desimal)
        if desimal in bulat or not pecahan.isdigit():
            return None
        if not _kelompok_ribuan_sah(bulat, ribuan):
            return None
        return bulat.replace(ribuan, ""), pecahan
    pemisah = "." if jumlah_titik else ","
    if inti.count(pemisah) > 1:
        # Repeated separator: thousands ("5.164.657.747", "49,422,100").
        return (inti.replace(pemisah, ""), "") if _kelompok_ribuan_sah(inti, pemisah) else None
    bulat, _, pecahan = inti.partition(pemisah)
    if not bulat.isdigit() or not pecahan.isdigit():
        return None
    if len(pecahan) == 3 and _kelompok_ribuan_sah(inti, pemisah):
        return bulat + pecahan, ""
    return bulat, pecahan


def _bagian_tercetak(cocok: re.Match[str] | None) -> tuple[str, str] | None:
    """(integer digits, decimal digits) of a figure matched by ``_TERCETAK``; None when
    it is not one number (no match, two minus signs, both ``Rp`` and ``%``, bad separators)."""
    if cocok is None or (cocok.group("tanda1") and cocok.group("tanda2")):
        return None
    if cocok.group("rp") and cocok.group("persen"):
        return None
    return _pisah_inti(cocok.group("inti"))


def parse_angka_tercetak(teks: str) -> tuple[Decimal, int]:
    """Read a figure as a hand-made report printed it, and how many decimals it showed.

    Used by the reconciliation of stated against computed values, where the
    printed precision matters (``97,1`` is compared at one decimal). The
    decorations it tolerates are listed in the module docstring; how it reads the
    ``.`` and ``,`` separators (``9,741`` is 9741, ``97,1`` is 97.1) at ``_pisah_inti``.

    Parameters
    ----------
    teks
        The printed figure.

    Returns
    -------
    tuple[Decimal, int]
        The value (carrying the printed decimals) and the number of decimals
        printed.

    Raises
    ------
    DataError
        If the text cannot be read as one number (e.g. ``"-"``, ``"1.23.4"``,
        ``"Rp"``, ``"12 %%"``).

    Examples
    --------
    >>> parse_angka_tercetak("Rp. 3.698.220.902")
    (Decimal('3698220902'), 0)
    >>> parse_angka_tercetak("Rp.2.503.195.548,-")
    (Decimal('2503195548'), 0)
    >>> parse_angka_tercetak("49,422,100")
    (Decimal('49422100'), 0)
    >>> parse_angka_tercetak("98.42")
    (Decimal('98.42'), 2)
    >>> parse_angka_tercetak("96,53 %")
    (Decimal('96.53'), 2)
    >>> parse_angka_tercetak("97,1")
    (Decimal('97.1'), 1)
    """
    if not isinstance(teks, str):
        raise TypeError(f"parse_angka_tercetak membutuhkan teks, bukan {type(teks).__name__}")
    bersih = teks.replace("\u00a0", " ").strip()
    # "no cents" marker and sentence punctuation after the figure.
    bersih = re.sub(r"(?<=[\d%])\s*(?:[.,]?-|[.,])$", "", bersih)
    cocok = _TERCETAK.fullmatch(bersih)
    bagian = _bagian_tercetak(cocok)
    if bagian is None:
        raise DataError(
            f"Angka tercetak '{teks}' tidak dapat dibaca: diharapkan satu angka, boleh diawali "
            "'Rp'/'Rp.' dan diakhiri '%' atau ',-', dengan pemisah ribuan yang teratur "
            "(mis. Rp. 3.698.220.902, 49,422,100, 96,53 %, 98.42)"
        )
    bulat, pecahan = bagian
    negatif = bool(cocok.group("tanda1") or cocok.group("tanda2"))
    literal = ("-" if negatif else "") + bulat + ("." + pecahan if pecahan else "")
    hasil = Decimal(literal)
    if hasil.is_zero():
        hasil = hasil.copy_abs()
    return hasil, len(pecahan)
