"""Budget realisation (realisasi anggaran) of the program > kegiatan > sub kegiatan tree.

Pure calculation: functions take and return data frames or Decimals, read no
file and print nothing. Sub kegiatan rows hold the facts (pagu, realisasi,
fisik); every kegiatan, program and total figure is computed from them, never
typed in (``DOMAIN.md``, "Calculation rules"):

- % keuangan = sum of realisasi / sum of pagu x 100 at every level, never an
  average of percentages;
- % fisik of a kegiatan, program or the total = pagu-weighted mean of its sub
  kegiatan (the e-Monev convention); :func:`bobot_fisik` shows the weights.

All arithmetic uses :class:`decimal.Decimal` in a fixed context (precision 28,
half-even), independent of the caller's context. Results are exact and
unrounded; rounding is for display only.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

import pandas as pd

from lakip_calc.errors import DataError

__all__ = [
    "KOLOM_REKAP",
    "KOLOM_BOBOT_FISIK",
    "persen_keuangan",
    "fisik_tertimbang",
    "rekap_anggaran",
    "bobot_fisik",
]

#: Columns of the frame returned by :func:`rekap_anggaran`, in order:
#:
#: - ``tingkat``: ``"program"``, ``"kegiatan"``, ``"sub_kegiatan"`` or ``"total"``;
#: - ``kode`` (``""`` for the total), ``kode_induk`` (``""`` for programs and the
#:   total), ``nama`` (``"Jumlah"`` for the total);
#: - ``pagu``, ``realisasi``, ``sisa`` (pagu - realisasi; negative when overspent),
#:   summed from the sub kegiatan; ``None`` ("belum diisi") when a sub kegiatan
#:   under the node has that value ``None`` (a blank cell of an incomplete year),
#:   and so are the percentages that need it;
#: - ``persen_keuangan``: sum of realisasi / sum of pagu x 100, ``None`` when the
#:   pagu is 0;
#: - ``persen_fisik``: a sub kegiatan's own fisik; above it the pagu-weighted mean
#:   of its sub kegiatan, ``None`` when the pagu is 0;
#: - ``bobot``: share of the parent's pagu as a fraction (sub kegiatan in its
#:   kegiatan, kegiatan in its program, program in the total; the total is 1);
#:   ``None`` when the parent's pagu is 0;
#: - ``jumlah_sub_kegiatan``: number of sub kegiatan under the node (1 for a sub
#:   kegiatan row).
#:
#: Decimal columns hold exact, unrounded Decimals (object dtype). A kegiatan or
#: program without sub kegiatan has pagu 0 and no percents.
KOLOM_REKAP: tuple[str, ...] = (
    "tingkat",
    "kode",
    "kode_induk",
    "nama",
    "pagu",
    "realisasi",
    "sisa",
    "persen_keuangan",
    "persen_fisik",
    "bobot",
    "jumlah_sub_kegiatan",
)

#: Columns of the frame returned by :func:`bobot_fisik`, in order.
KOLOM_BOBOT_FISIK: tuple[str, ...] = (
    "kode",
    "kode_induk",
    "nama",
    "pagu",
    "bobot",
    "fisik",
    "bobot_x_fisik",
)

_KOLOM_DECIMAL = ("pagu", "realisasi", "sisa", "persen_keuangan", "persen_fisik", "bobot")

_KONTEKS = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
_NOL = Decimal(0)
_SATU = Decimal(1)
_SERATUS = Decimal(100)
_NAMA_TOTAL = "Jumlah"
#: Row-number column added by the loader (``lakip_calc.masukan.loader.BARIS``); optional here.
_KOLOM_BARIS = "_baris"


# --------------------------------------------------------------------------- helpers


def _ke_decimal(nilai: object, kolom: str, kode: str | None = None) -> Decimal:
    """Return ``nilai`` as a finite Decimal; ints are converted, floats and blanks refused."""
    tempat = f"sub kegiatan {kode}: " if kode is not None else ""
    if isinstance(nilai, Decimal):
        if nilai.is_finite():
            return nilai
    elif isinstance(nilai, numbers.Integral) and not isinstance(nilai, bool):
        return Decimal(int(nilai))
    if nilai is None or (isinstance(nilai, float) and nilai != nilai) or nilai is pd.NA:
        raise DataError(f"{tempat}{kolom} kosong", column=kolom)
    raise DataError(
        f"{tempat}{kolom} harus berupa Decimal atau bilangan bulat, bukan "
        f"{type(nilai).__name__} ({nilai!r})",
        column=kolom,
    )


def _ke_decimal_opsional(nilai: object, kolom: str, kode: str | None = None) -> Decimal | None:
    """Like :func:`_ke_decimal`, but ``None`` (a blank cell: "belum diisi") stays ``None``."""
    return None if nilai is None else _ke_decimal(nilai, kolom, kode)


def _ke_kode(nilai: object, kolom: str, tingkat: str) -> str:
    """Return a code as a trimmed string (codes typed as numbers are accepted)."""
    if nilai is None or nilai is pd.NA or (isinstance(nilai, float) and nilai != nilai):
        raise DataError(f"{tingkat}: {kolom} kosong", column=kolom)
    if isinstance(nilai, float):
        raise DataError(
            f"{tingkat}: {kolom} {nilai!r} harus berupa teks (mis. '1.2'), bukan angka pecahan",
            column=kolom,
        )
    kode = str(nilai).strip()
    if not kode:
        raise DataError(f"{tingkat}: {kolom} kosong", column=kolom)
    return kode


def _kunci_kode(kode: str) -> tuple[tuple[int, int | str], ...]:
    """Natural sort key of a code: ``"1.10"`` sorts after ``"1.9"``.

    >>> sorted(["1.10", "1.9", "1.2", "10", "2"], key=_kunci_kode)
    ['1.2', '1.9', '1.10', '2', '10']
    """
    bagian = []
    for potong in re.split(r"[.\s]+", kode):
        if potong.isdigit():
            bagian.append((0, int(potong)))
        else:
            bagian.append((1, potong))
    return tuple(bagian)


def _periksa_kolom(frame: pd.DataFrame, kolom: Sequence[str], nama_tabel: str) -> None:
    hilang = [k for k in kolom if k not in frame.columns]
    if hilang:
        raise DataError(
            f"tabel {nama_tabel}: kolom {', '.join(hilang)} tidak ada",
            file=nama_tabel,
            column=hilang[0],
        )


def _bagi(pembilang: Decimal | None, penyebut: Decimal | None) -> Decimal | None:
    if pembilang is None or penyebut is None or penyebut == 0:
        return None
    with localcontext(_KONTEKS):
        return pembilang / penyebut


def _nama(nilai: object) -> str:
    if nilai is None or nilai is pd.NA or (isinstance(nilai, float) and nilai != nilai):
        return ""
    return str(nilai).strip()


# --------------------------------------------------------------------------- public API


def persen_keuangan(realisasi: Decimal, pagu: Decimal) -> Decimal | None:
    """Return the financial realisation, ``realisasi / pagu x 100``.

    Parameters
    ----------
    realisasi
        Money spent (Decimal or int).
    pagu
        Allocated budget (Decimal or int), not negative.

    Returns
    -------
    Decimal or None
        Unrounded percentage; ``None`` when ``pagu`` is 0.

    Raises
    ------
    DataError
        Negative pagu, or a value that is not a finite Decimal or int.

    Examples
    --------
    >>> persen_keuangan(Decimal("92092800"), Decimal("95400000"))
    Decimal('96.53333333333333333333333333')
    >>> persen_keuangan(Decimal("0"), Decimal("0")) is None
    True
    """
    realisasi = _ke_decimal(realisasi, "realisasi")
    pagu = _ke_decimal(pagu, "pagu")
    if pagu < 0:
        raise DataError(f"pagu tidak boleh negatif ({pagu})", column="pagu")
    hasil = _bagi(realisasi, pagu)
    if hasil is None:
        return None
    with localcontext(_KONTEKS):
        return hasil * _SERATUS


def fisik_tertimbang(pagu: Sequence[Decimal], fisik: Sequence[Decimal]) -> Decimal | None:
    """Return the pagu-weighted mean of physical progress (the e-Monev convention).

    ``sum(pagu_i x fisik_i) / sum(pagu_i)``.

    Parameters
    ----------
    pagu
        Pagu of each sub kegiatan (Decimal or int), not negative.
    fisik
        Physical progress of each sub kegiatan in percent, same order and length.

    Returns
    -------
    Decimal or None
        Unrounded weighted mean; ``None`` when the total pagu is 0 (or there
        are no sub kegiatan).

    Raises
    ------
    ValueError
        ``pagu`` and ``fisik`` differ in length.
    DataError
        Negative pagu, or a value that is not a finite Decimal or int.

    Examples
    --------
    >>> fisik_tertimbang([Decimal("60"), Decimal("40")], [Decimal("100"), Decimal("50")])
    Decimal('80')
    >>> fisik_tertimbang([], []) is None
    True
    """
    if len(pagu) != len(fisik):
        raise ValueError(f"pagu ({len(pagu)}) dan fisik ({len(fisik)}) harus sama panjang")
    daftar_pagu = [_ke_decimal(p, "pagu") for p in pagu]
    daftar_fisik = [_ke_decimal(f, "fisik") for f in fisik]
    for p in daftar_pagu:
        if p < 0:
            raise DataError(f"pagu tidak boleh negatif ({p})", column="pagu")
    with localcontext(_KONTEKS):
        total = sum(daftar_pagu, _NOL)
        if total == 0:
            return None
        tertimbang = sum((p * f for p, f in zip(daftar_pagu, daftar_fisik, strict=True)), _NOL)
        return tertimbang / total


@contextmanager
def _lokasi(nama_tabel: str, rekaman: dict[str, object]) -> Iterator[None]:
    """Give a DataError raised inside the block the table name and spreadsheet row.

    The row is taken from the loader's ``_baris`` column when the frame has it.
    """
    try:
        yield
    except DataError as galat:
        nomor = rekaman.get(_KOLOM_BARIS)
        if galat.row is not None:
            baris = galat.row
        elif isinstance(nomor, numbers.Integral) and not isinstance(nomor, bool):
            baris = int(nomor)
        else:
            baris = None
        raise DataError(
            galat.pesan, file=galat.file or nama_tabel, row=baris, column=galat.column
        ) from None


def _baca_program(program: pd.DataFrame) -> dict[str, str]:
    _periksa_kolom(program, ("kode", "nama"), "program")
    hasil: dict[str, str] = {}
    for rekaman in program.to_dict("records"):
        with _lokasi("program", rekaman):
            kode = _ke_kode(rekaman["kode"], "kode", "program")
            if kode in hasil:
                raise DataError(f"program {kode}: kode ganda", column="kode")
            hasil[kode] = _nama(rekaman["nama"])
    return hasil


def _baca_kegiatan(kegiatan: pd.DataFrame, program: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Return ``{kode: (kode_program, nama)}``."""
    _periksa_kolom(kegiatan, ("kode", "kode_program", "nama"), "kegiatan")
    hasil: dict[str, tuple[str, str]] = {}
    for rekaman in kegiatan.to_dict("records"):
        with _lokasi("kegiatan", rekaman):
            kode = _ke_kode(rekaman["kode"], "kode", "kegiatan")
            induk = _ke_kode(rekaman["kode_program"], "kode_program", f"kegiatan {kode}")
            if kode in hasil:
                raise DataError(f"kegiatan {kode}: kode ganda", column="kode")
            if kode in program:
                raise DataError(f"kode {kode} dipakai oleh program dan kegiatan", column="kode")
            if induk not in program:
                raise DataError(
                    f"kegiatan {kode}: program {induk} tidak ada", column="kode_program"
                )
            hasil[kode] = (induk, _nama(rekaman["nama"]))
    return hasil


def _baca_sub_kegiatan(
    sub_kegiatan: pd.DataFrame, kegiatan: dict[str, tuple[str, str]], program: dict[str, str]
) -> list[dict[str, object]]:
    """Validate the sub kegiatan rows and return them as plain records."""
    _periksa_kolom(
        sub_kegiatan,
        ("kode", "kode_kegiatan", "nama", "pagu", "realisasi", "fisik"),
        "sub_kegiatan",
    )
    ada_kode_program = "kode_program" in sub_kegiatan.columns
    hasil: list[dict[str, object]] = []
    terlihat: set[str] = set()
    for rekaman in sub_kegiatan.to_dict("records"):
        with _lokasi("sub_kegiatan", rekaman):
            hasil.append(
                _baca_satu_sub_kegiatan(rekaman, kegiatan, program, terlihat, ada_kode_program)
            )
    return hasil


def _baca_satu_sub_kegiatan(
    rekaman: dict[str, object],
    kegiatan: dict[str, tuple[str, str]],
    program: dict[str, str],
    terlihat: set[str],
    ada_kode_program: bool,
) -> dict[str, object]:
    kode = _ke_kode(rekaman["kode"], "kode", "sub kegiatan")
    if kode in terlihat:
        raise DataError(f"sub kegiatan {kode}: kode ganda", column="kode")
    if kode in program or kode in kegiatan:
        raise DataError(
            f"kode {kode} dipakai oleh sub kegiatan dan program/kegiatan", column="kode"
        )
    terlihat.add(kode)
    induk = _ke_kode(rekaman["kode_kegiatan"], "kode_kegiatan", f"sub kegiatan {kode}")
    if induk not in kegiatan:
        raise DataError(f"sub kegiatan {kode}: kegiatan {induk} tidak ada", column="kode_kegiatan")
    if ada_kode_program:
        kode_program = _ke_kode(rekaman["kode_program"], "kode_program", f"sub kegiatan {kode}")
        if kode_program != kegiatan[induk][0]:
            raise DataError(
                f"sub kegiatan {kode}: program {kode_program} tidak sama dengan program "
                f"kegiatan {induk} ({kegiatan[induk][0]})",
                column="kode_program",
            )
    # None: a blank cell of an incomplete year ("belum diisi"); it makes every sum
    # and percentage above it missing too (never a partial sum).
    pagu = _ke_decimal_opsional(rekaman["pagu"], "pagu", kode)
    realisasi = _ke_decimal_opsional(rekaman["realisasi"], "realisasi", kode)
    fisik = _ke_decimal_opsional(rekaman["fisik"], "fisik", kode)
    if pagu is not None and pagu < 0:
        raise DataError(f"sub kegiatan {kode}: pagu tidak boleh negatif ({pagu})", column="pagu")
    if realisasi is not None and realisasi < 0:
        raise DataError(
            f"sub kegiatan {kode}: realisasi tidak boleh negatif ({realisasi})",
            column="realisasi",
        )
    if fisik is not None and not 0 <= fisik <= 100:
        raise DataError(
            f"sub kegiatan {kode}: fisik harus antara 0 dan 100 ({fisik})", column="fisik"
        )
    return {
        "kode": kode,
        "kode_induk": induk,
        "nama": _nama(rekaman["nama"]),
        "pagu": pagu,
        "realisasi": realisasi,
        "fisik": fisik,
    }


def _simpul(
    tingkat: str,
    kode: str,
    kode_induk: str,
    nama: str,
    daun: list[dict[str, object]],
) -> dict[str, object]:
    """One rekap row computed from its leaves (bobot is filled in later).

    A leaf value that is ``None`` (blank, "belum diisi") makes the sums and
    percentages that need it ``None``: missing, never partial.
    """

    def jumlah(kolom: str) -> Decimal | None:
        nilai = [d[kolom] for d in daun]
        if any(v is None for v in nilai):
            return None
        with localcontext(_KONTEKS):
            return sum(nilai, _NOL)

    pagu, realisasi = jumlah("pagu"), jumlah("realisasi")
    sisa = None
    if pagu is not None and realisasi is not None:
        with localcontext(_KONTEKS):
            sisa = pagu - realisasi
    if tingkat == "sub_kegiatan":
        (satu,) = daun
        fisik = satu["fisik"]
    elif any(d["pagu"] is None or d["fisik"] is None for d in daun):
        fisik = None
    else:
        fisik = fisik_tertimbang([d["pagu"] for d in daun], [d["fisik"] for d in daun])
    keuangan = None if sisa is None else persen_keuangan(realisasi, pagu)
    return {
        "tingkat": tingkat,
        "kode": kode,
        "kode_induk": kode_induk,
        "nama": nama,
        "pagu": pagu,
        "realisasi": realisasi,
        "sisa": sisa,
        "persen_keuangan": keuangan,
        "persen_fisik": fisik,
        "bobot": None,
        "jumlah_sub_kegiatan": len(daun),
    }


def rekap_anggaran(
    program: pd.DataFrame, kegiatan: pd.DataFrame, sub_kegiatan: pd.DataFrame
) -> pd.DataFrame:
    """Compute the budget recap of the whole tree from the sub kegiatan facts.

    One row per node in tree order (each program, then each of its kegiatan
    followed by that kegiatan's sub kegiatan), siblings in natural code order
    (``"1.10"`` after ``"1.9"``), then a final total row.

    Parameters
    ----------
    program
        Columns ``kode``, ``nama``.
    kegiatan
        Columns ``kode``, ``kode_program``, ``nama``.
    sub_kegiatan
        Columns ``kode``, ``kode_kegiatan``, ``nama``, ``pagu``, ``realisasi``,
        ``fisik`` (Decimal or int) and, optionally, ``kode_program``, which is
        then checked against the program of the kegiatan.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KOLOM_REKAP` (their meaning is documented there).

    Raises
    ------
    DataError
        Missing columns, blank or duplicate codes (one code per node across all
        levels), a missing parent, a ``kode_program`` that differs from the
        kegiatan's, negative pagu or realisasi, fisik outside 0..100, or a value
        that is not a Decimal or int; it names the table (``file``) and, when the
        frame has the loader's ``_baris`` column, the spreadsheet row.

    Examples
    --------
    >>> program = pd.DataFrame({"kode": ["1"], "nama": ["Program A"]})
    >>> kegiatan = pd.DataFrame({"kode": ["1.1"], "kode_program": ["1"], "nama": ["Kegiatan"]})
    >>> sub = pd.DataFrame({
    ...     "kode": ["1.1.1", "1.1.2"], "kode_kegiatan": ["1.1", "1.1"],
    ...     "kode_program": ["1", "1"], "nama": ["Sub A", "Sub B"],
    ...     "pagu": [Decimal("600"), Decimal("400")],
    ...     "realisasi": [Decimal("540"), Decimal("200")],
    ...     "fisik": [Decimal("100"), Decimal("50")],
    ... })
    >>> rekap = rekap_anggaran(program, kegiatan, sub)
    >>> rekap[["tingkat", "kode", "pagu", "realisasi", "persen_fisik", "bobot"]]
            tingkat   kode  pagu realisasi persen_fisik bobot
    0       program      1  1000       740           80     1
    1      kegiatan    1.1  1000       740           80     1
    2  sub_kegiatan  1.1.1   600       540          100   0.6
    3  sub_kegiatan  1.1.2   400       200           50   0.4
    4         total         1000       740           80     1
    >>> rekap.loc[4, "persen_keuangan"]
    Decimal('74.00')
    """
    daftar_program = _baca_program(program)
    daftar_kegiatan = _baca_kegiatan(kegiatan, daftar_program)
    daftar_sub = _baca_sub_kegiatan(sub_kegiatan, daftar_kegiatan, daftar_program)
    return _frame_rekap(_simpul_pohon(daftar_program, daftar_kegiatan, daftar_sub))


def _frame_rekap(baris: list[dict[str, object]]) -> pd.DataFrame:
    """The rekap rows as a frame: exact Decimals in object columns, counts as int64."""
    rekap = pd.DataFrame(baris, columns=list(KOLOM_REKAP))
    for kolom in _KOLOM_DECIMAL:
        rekap[kolom] = rekap[kolom].astype(object)
    rekap["jumlah_sub_kegiatan"] = rekap["jumlah_sub_kegiatan"].astype("int64")
    return rekap


def _simpul_pohon(
    daftar_program: dict[str, str],
    daftar_kegiatan: dict[str, tuple[str, str]],
    daftar_sub: list[dict[str, object]],
) -> list[dict[str, object]]:
    """The rekap rows of the whole tree in tree order, with their bobot, then the total."""
    sub_per_kegiatan: dict[str, list[dict[str, object]]] = {k: [] for k in daftar_kegiatan}
    for sub in daftar_sub:
        sub_per_kegiatan[sub["kode_induk"]].append(sub)
    kegiatan_per_program: dict[str, list[str]] = {p: [] for p in daftar_program}
    for kode, (induk, _) in daftar_kegiatan.items():
        kegiatan_per_program[induk].append(kode)

    baris: list[dict[str, object]] = []
    semua_program: list[dict[str, object]] = []
    for kode_program in sorted(daftar_program, key=_kunci_kode):
        kode_kegiatan = sorted(kegiatan_per_program[kode_program], key=_kunci_kode)
        daun_program = [s for k in kode_kegiatan for s in sub_per_kegiatan[k]]
        simpul_program = _simpul(
            "program", kode_program, "", daftar_program[kode_program], daun_program
        )
        semua_program.append(simpul_program)
        baris.append(simpul_program)
        for kode in kode_kegiatan:
            daun = sorted(sub_per_kegiatan[kode], key=lambda s: _kunci_kode(s["kode"]))
            simpul_kegiatan = _simpul(
                "kegiatan", kode, kode_program, daftar_kegiatan[kode][1], daun
            )
            simpul_kegiatan["bobot"] = _bagi(simpul_kegiatan["pagu"], simpul_program["pagu"])
            baris.append(simpul_kegiatan)
            for sub in daun:
                simpul_sub = _simpul("sub_kegiatan", sub["kode"], kode, sub["nama"], [sub])
                simpul_sub["bobot"] = _bagi(simpul_sub["pagu"], simpul_kegiatan["pagu"])
                baris.append(simpul_sub)

    total = _simpul("total", "", "", _NAMA_TOTAL, daftar_sub)
    total["bobot"] = _SATU
    for simpul_program in semua_program:
        simpul_program["bobot"] = _bagi(simpul_program["pagu"], total["pagu"])
    baris.append(total)
    return baris


def bobot_fisik(rekap: pd.DataFrame, kode: str) -> pd.DataFrame:
    """Show how the % fisik of a node is weighted from its sub kegiatan.

    Parameters
    ----------
    rekap
        The frame returned by :func:`rekap_anggaran`.
    kode
        Code of a program, kegiatan or sub kegiatan; ``""`` for the total.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KOLOM_BOBOT_FISIK`: one row per sub kegiatan under the
        node, in tree order, with ``bobot`` = its pagu / the node's pagu (a
        fraction; ``None`` when the node's pagu is 0), its ``fisik`` and
        ``bobot_x_fisik``. The ``bobot_x_fisik`` column sums to the node's
        ``persen_fisik`` (up to the last of 28 digits). For a sub kegiatan the
        frame holds the sub kegiatan itself with bobot 1.

    Raises
    ------
    DataError
        ``kode`` is not in the recap.

    Examples
    --------
    >>> program = pd.DataFrame({"kode": ["1"], "nama": ["Program A"]})
    >>> kegiatan = pd.DataFrame({"kode": ["1.1"], "kode_program": ["1"], "nama": ["Kegiatan"]})
    >>> sub = pd.DataFrame({
    ...     "kode": ["1.1.1", "1.1.2"], "kode_kegiatan": ["1.1", "1.1"],
    ...     "nama": ["Sub A", "Sub B"], "pagu": [Decimal("600"), Decimal("400")],
    ...     "realisasi": [Decimal("540"), Decimal("200")],
    ...     "fisik": [Decimal("100"), Decimal("50")],
    ... })
    >>> bobot_fisik(rekap_anggaran(program, kegiatan, sub), "1.1")
        kode kode_induk   nama pagu bobot fisik bobot_x_fisik
    0  1.1.1        1.1  Sub A  600   0.6   100          60.0
    1  1.1.2        1.1  Sub B  400   0.4    50          20.0
    """
    kode = str(kode).strip()
    cocok = rekap[rekap["kode"] == kode] if kode else rekap[rekap["tingkat"] == "total"]
    if len(cocok) != 1:
        raise DataError(f"kode {kode!r} tidak ada dalam rekap anggaran", column="kode")
    simpul = cocok.iloc[0]
    daun = _daun_rekap(rekap, simpul["tingkat"], kode)
    hasil = [_baris_bobot(baris, simpul["pagu"]) for _, baris in daun.iterrows()]
    frame = pd.DataFrame(hasil, columns=list(KOLOM_BOBOT_FISIK))
    for kolom in ("pagu", "bobot", "fisik", "bobot_x_fisik"):
        frame[kolom] = frame[kolom].astype(object)
    return frame.reset_index(drop=True)


def _daun_rekap(rekap: pd.DataFrame, tingkat: str, kode: str) -> pd.DataFrame:
    """The sub kegiatan rows of the rekap under the node ``kode`` of level ``tingkat``."""
    sub = rekap[rekap["tingkat"] == "sub_kegiatan"]
    if tingkat == "sub_kegiatan":
        return sub[sub["kode"] == kode]
    if tingkat == "kegiatan":
        return sub[sub["kode_induk"] == kode]
    if tingkat == "program":
        anak = rekap[(rekap["tingkat"] == "kegiatan") & (rekap["kode_induk"] == kode)]["kode"]
        return sub[sub["kode_induk"].isin(list(anak))]
    return sub


def _baris_bobot(baris: pd.Series, pagu_simpul: Decimal) -> dict[str, object]:
    """A sub kegiatan's bobot in its node (pagu / node pagu) and bobot x % fisik."""
    bobot = _bagi(baris["pagu"], pagu_simpul)
    if bobot is None or baris["persen_fisik"] is None:
        kali = None
    else:
        with localcontext(_KONTEKS):
            kali = bobot * baris["persen_fisik"]
    return {
        "kode": baris["kode"],
        "kode_induk": baris["kode_induk"],
        "nama": baris["nama"],
        "pagu": baris["pagu"],
        "bobot": bobot,
        "fisik": baris["persen_fisik"],
        "bobot_x_fisik": kali,
    }
