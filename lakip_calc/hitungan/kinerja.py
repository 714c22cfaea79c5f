"""Capaian and predikat of performance indicators (indikator kinerja).

Pure calculation: every function takes and returns values, reads no file and
prints nothing. All arithmetic is done with :class:`decimal.Decimal` in a fixed
context (precision 28, half-even), independent of the caller's context, so the
same data always gives the same digits. Results are never rounded here;
rounding is for display only, except where a rule says otherwise (the predikat
is decided on the capaian rounded half-up to 2 decimals).

The rules follow ``DOMAIN.md`` ("Calculation rules"):

- positif: ``realisasi / target x 100``;
- negatif: ``(2 x target - realisasi) / target x 100``, floored at 0
  (PermenPANRB 6/2022, "kondisi khusus");
- target 0: positif has no capaian; negatif gives 100 when realisasi is 0,
  anything else is flagged for the reconciliation;
- a capaian above 100 is kept as it is, never clamped;
- predikat: Permendagri 86/2017 scale, lower bound inclusive, configurable.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from lakip_calc.errors import DataError

__all__ = [
    "POLARITAS",
    "Capaian",
    "SkalaPredikat",
    "SKALA_PERMENDAGRI_86_2017",
    "hitung_capaian",
    "hitung_capaian_kategori",
    "CapaianKategori",
    "SKALA_KATEGORI",
    "RUMUS_KATEGORI",
    "rumus_capaian",
    "tentukan_predikat",
    "rata_rata",
]

#: The accepted values of ``polaritas`` of a numeric indicator.
POLARITAS: tuple[str, str] = ("positif", "negatif")

#: Built-in ordered scales of categorical indicators, best first. Other scales
#: are declared in the data (``skala_kategori.csv``).
SKALA_KATEGORI: dict[str, tuple[str, ...]] = {
    "SAKIP": ("AA", "A", "BB", "B", "CC", "C", "D"),
    "opini": ("WTP", "WDP", "TW", "TMP"),
}

_KONTEKS = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
_SERATUS = Decimal(100)
_DUA_DESIMAL = Decimal("0.01")


def _ke_decimal(nilai: object, nama: str) -> Decimal:
    """Return ``nilai`` as a finite Decimal; ints are converted, floats refused.

    Floats are refused because their binary value is not the number the
    analyst typed (``Decimal(0.1)`` is ``0.1000000000000000055...``).
    """
    if isinstance(nilai, bool):
        raise DataError(f"{nama} harus berupa angka, bukan {nilai!r}", column=nama)
    if isinstance(nilai, Decimal):
        if not nilai.is_finite():
            raise DataError(f"{nama} harus berupa angka terhingga, bukan {nilai}", column=nama)
        return nilai
    if isinstance(nilai, numbers.Integral):
        return Decimal(int(nilai))
    raise DataError(
        f"{nama} harus berupa Decimal atau bilangan bulat, bukan {type(nilai).__name__} "
        f"({nilai!r})",
        column=nama,
    )


@dataclass(frozen=True)
class Capaian:
    """The achievement (capaian) of one indicator, in percent.

    Parameters
    ----------
    nilai
        Capaian in percent, exact and unrounded; ``None`` when it cannot be
        computed.
    catatan
        Indonesian note explaining a missing or flagged capaian, else ``None``.
    ditandai
        ``True`` when the case must be listed in the reconciliation appendix.
    """

    nilai: Decimal | None
    catatan: str | None = None
    ditandai: bool = False


def hitung_capaian(target: Decimal | None, realisasi: Decimal | None, polaritas: str) -> Capaian:
    """Compute the capaian of one indicator from its target and realisasi.

    The polaritas is matched case-insensitively after trimming spaces, so a
    hand-typed ``"Negatif "`` is accepted. A missing target or realisasi
    (``None``: the optional cells of ``indikator_tahunan``) gives no capaian, with
    a note, unflagged. A negative target has no meaningful capaian under either
    formula: it gives ``nilai=None`` and is flagged.

    Parameters
    ----------
    target
        Planned value (Decimal or int), ``None`` when not set.
    realisasi
        Achieved value (Decimal or int), ``None`` when not yet known.
    polaritas
        ``"positif"`` (higher is better) or ``"negatif"`` (lower is better).

    Returns
    -------
    Capaian
        The unrounded capaian with its note and flag.

    Raises
    ------
    DataError
        Unknown polaritas, or a value that is not a finite Decimal or int.

    Examples
    --------
    >>> hitung_capaian(Decimal("80"), Decimal("76"), "positif").nilai
    Decimal('95.00')
    >>> hitung_capaian(Decimal("10"), Decimal("8"), "negatif").nilai
    Decimal('120.0')
    >>> hitung_capaian(Decimal("10"), Decimal("25"), "negatif").nilai
    Decimal('0')
    >>> hitung_capaian(Decimal("0"), Decimal("5"), "positif")
    Capaian(nilai=None, catatan='target 0: capaian tidak dapat dihitung', ditandai=False)
    """
    arah = polaritas.strip().lower() if isinstance(polaritas, str) else polaritas
    if arah not in POLARITAS:
        raise DataError(
            f"polaritas tidak dikenal: {polaritas!r} (harus 'positif' atau 'negatif')",
            column="polaritas",
        )
    if target is None or realisasi is None:
        kosong = " dan ".join(
            nama for nama, nilai in (("target", target), ("realisasi", realisasi)) if nilai is None
        )
        return Capaian(None, f"{kosong} tidak tersedia: capaian tidak dapat dihitung")
    target = _ke_decimal(target, "target")
    realisasi = _ke_decimal(realisasi, "realisasi")
    if target <= 0:
        return _capaian_target_bukan_positif(arah, target, realisasi)
    return Capaian(_nilai_capaian(arah, target, realisasi))


def _capaian_target_bukan_positif(arah: str, target: Decimal, realisasi: Decimal) -> Capaian:
    """A target of 0 or below: no formula applies, except negatif with realisasi 0 (100)."""
    if target < 0:
        return Capaian(
            None,
            f"target negatif ({target}): rumus capaian tidak berlaku, perlu diperiksa",
            ditandai=True,
        )
    if arah == "positif":
        return Capaian(None, "target 0: capaian tidak dapat dihitung")
    if realisasi == 0:
        return Capaian(_SERATUS)
    return Capaian(
        None,
        f"target 0 dengan polaritas negatif dan realisasi {realisasi}: "
        "capaian tidak dapat dihitung, perlu diperiksa",
        ditandai=True,
    )


#: The printed formula of each polaritas, next to the code that computes it.
RUMUS_CAPAIAN = {
    "positif": "realisasi ÷ target × 100",
    "negatif": "(2 × target − realisasi) ÷ target × 100, paling kecil 0 (polaritas negatif)",
}


def _nilai_capaian(arah: str, target: Decimal, realisasi: Decimal) -> Decimal:
    """The formula ``RUMUS_CAPAIAN[arah]`` for a target above 0, unrounded."""
    with localcontext(_KONTEKS):
        if arah == "positif":
            return realisasi / target * _SERATUS
        nilai = (2 * target - realisasi) / target * _SERATUS
        return max(nilai, Decimal(0))


def rumus_capaian(polaritas: str | None) -> str:
    """The formula text of :func:`hitung_capaian` for a polaritas (blank = positif)."""
    return RUMUS_CAPAIAN[(polaritas or "positif").strip().lower()]


@dataclass(frozen=True)
class CapaianKategori:
    """The achievement of a categorical indicator: a grade against a target grade.

    ``selisih`` counts the steps of the ordered scale by which the realisasi is
    better (positive) or worse (negative) than the target.
    """

    tercapai: bool
    selisih: int

    @property
    def teks(self) -> str:
        """``tercapai``, ``tercapai (1 tingkat di atas target)``, ``tidak tercapai (2 tingkat di bawah target)``."""
        dasar = "tercapai" if self.tercapai else "tidak tercapai"
        if self.selisih == 0:
            return dasar
        arah = "di atas" if self.selisih > 0 else "di bawah"
        return f"{dasar} ({abs(self.selisih)} tingkat {arah} target)"


#: How a categorical indicator counts, printed in the method text and formula notes.
RUMUS_KATEGORI = (
    "indikator kategori: tercapai bila realisasi sama dengan atau lebih baik daripada target "
    "pada skala berurutan; selisih dihitung dalam tingkat skala"
)


def hitung_capaian_kategori(
    target: str | None, realisasi: str | None, urutan: tuple[str, ...]
) -> CapaianKategori | None:
    """Compare a realisasi grade with a target grade on an ordered scale (best first).

    Returns ``None`` when either is missing.

    >>> hitung_capaian_kategori("B", "BB", SKALA_KATEGORI["SAKIP"]).teks
    'tercapai (1 tingkat di atas target)'
    >>> hitung_capaian_kategori("WTP", "WDP", SKALA_KATEGORI["opini"]).teks
    'tidak tercapai (1 tingkat di bawah target)'
    """
    if target is None or realisasi is None:
        return None
    for nilai in (target, realisasi):
        if nilai not in urutan:
            raise DataError(
                f"nilai {nilai!r} tidak ada dalam skala ({', '.join(urutan)})", column="realisasi"
            )
    selisih = urutan.index(target) - urutan.index(realisasi)
    return CapaianKategori(tercapai=selisih >= 0, selisih=selisih)


@dataclass(frozen=True)
class SkalaPredikat:
    """A predikat scale: lower bounds (inclusive) with their predikat, best first.

    The bounds must be strictly descending and the predikat names distinct and
    non-empty. A capaian below the last bound still gets the last (lowest)
    predikat, so the last bound may be 0 or any other value.

    Parameters
    ----------
    baris
        ``(batas_bawah, predikat)`` pairs, highest bound first. Int bounds are
        converted to Decimal.

    Raises
    ------
    DataError
        Empty scale, duplicate or non-descending bounds, duplicate or empty
        predikat names, or a bound that is not a Decimal or int.

    Examples
    --------
    >>> skala = SkalaPredikat.dari_baris([(0, "Kurang"), (80, "Baik")])
    >>> skala.baris
    ((Decimal('80'), 'Baik'), (Decimal('0'), 'Kurang'))
    >>> skala.predikat
    ('Baik', 'Kurang')
    """

    baris: tuple[tuple[Decimal, str], ...]

    def __post_init__(self) -> None:
        bersih: list[tuple[Decimal, str]] = []
        for pasangan in self.baris:
            try:
                batas, predikat = pasangan
            except (TypeError, ValueError):
                raise DataError(
                    f"baris skala predikat harus berupa (batas_bawah, predikat), bukan {pasangan!r}"
                ) from None
            batas = _ke_decimal(batas, "batas_bawah")
            if not isinstance(predikat, str) or not predikat.strip():
                raise DataError(
                    f"predikat untuk batas {batas} harus berupa teks yang tidak kosong",
                    column="predikat",
                )
            bersih.append((batas, predikat))
        if not bersih:
            raise DataError("skala predikat kosong")
        for (atas, p_atas), (bawah, p_bawah) in zip(bersih, bersih[1:], strict=False):
            if atas == bawah:
                raise DataError(
                    f"batas bawah ganda dalam skala predikat: {atas} ({p_atas!r} dan {p_bawah!r})",
                    column="batas_bawah",
                )
            if atas < bawah:
                raise DataError(
                    f"skala predikat harus urut menurun: {atas} ({p_atas!r}) "
                    f"sebelum {bawah} ({p_bawah!r})",
                    column="batas_bawah",
                )
        nama = [p for _, p in bersih]
        ganda = sorted({p for p in nama if nama.count(p) > 1})
        if ganda:
            raise DataError(
                f"predikat ganda dalam skala predikat: {', '.join(ganda)}", column="predikat"
            )
        object.__setattr__(self, "baris", tuple(bersih))

    @classmethod
    def dari_baris(cls, rows: Iterable[tuple[Decimal, str]]) -> SkalaPredikat:
        """Build a scale from rows in any order (e.g. a configuration table).

        Parameters
        ----------
        rows
            ``(batas_bawah, predikat)`` pairs; they are sorted by bound, highest
            first.

        Returns
        -------
        SkalaPredikat
            The validated scale.
        """
        daftar = list(rows)
        try:
            urut = sorted(daftar, key=lambda r: _ke_decimal(r[0], "batas_bawah"), reverse=True)
        except (TypeError, IndexError):
            # Malformed rows: let the constructor name the bad one.
            urut = daftar
        return cls(tuple(urut))

    @property
    def predikat(self) -> tuple[str, ...]:
        """The predikat names, best first (the rank order)."""
        return tuple(p for _, p in self.baris)


#: Permendagri 86/2017 scale with the printed gaps (90-91, 75-76, ...) closed.
SKALA_PERMENDAGRI_86_2017 = SkalaPredikat(
    (
        (Decimal(91), "Sangat Tinggi"),
        (Decimal(76), "Tinggi"),
        (Decimal(66), "Sedang"),
        (Decimal(51), "Rendah"),
        (Decimal(0), "Sangat Rendah"),
    )
)


def tentukan_predikat(
    capaian: Decimal | None, skala: SkalaPredikat = SKALA_PERMENDAGRI_86_2017
) -> str | None:
    """Return the predikat of a capaian.

    The capaian is first rounded half-up to 2 decimals (as it is printed), then
    compared with the lower bounds, which are inclusive. A capaian below the
    lowest bound gets the lowest predikat.

    Parameters
    ----------
    capaian
        Capaian in percent, or ``None`` when there is none.
    skala
        The predikat scale; Permendagri 86/2017 by default.

    Returns
    -------
    str or None
        The predikat, or ``None`` when ``capaian`` is ``None``.

    Examples
    --------
    >>> tentukan_predikat(Decimal("90.995"))
    'Sangat Tinggi'
    >>> tentukan_predikat(Decimal("90.994"))
    'Tinggi'
    >>> tentukan_predikat(Decimal("50.99"))
    'Sangat Rendah'
    >>> tentukan_predikat(None) is None
    True
    """
    if capaian is None:
        return None
    capaian = _ke_decimal(capaian, "capaian")
    with localcontext(_KONTEKS) as ctx:
        # Enough digits for quantize to never fail on a huge capaian.
        ctx.prec = max(ctx.prec, capaian.adjusted() + 4)
        dibulatkan = capaian.quantize(_DUA_DESIMAL, rounding=ROUND_HALF_UP)
    for batas, predikat in skala.baris:
        if dibulatkan >= batas:
            return predikat
    return skala.baris[-1][1]


def rata_rata(nilai: Iterable[Decimal | None]) -> Decimal | None:
    """Return the mean of the values that are not ``None``.

    Parameters
    ----------
    nilai
        Values (Decimal or int), ``None`` for "no value".

    Returns
    -------
    Decimal or None
        The unrounded mean, or ``None`` when every value is ``None``.

    Examples
    --------
    >>> rata_rata([Decimal("80"), None, Decimal("91")])
    Decimal('85.5')
    >>> rata_rata([None]) is None
    True
    """
    ada = [_ke_decimal(n, "nilai") for n in nilai if n is not None]
    if not ada:
        return None
    with localcontext(_KONTEKS):
        return sum(ada, Decimal(0)) / len(ada)
