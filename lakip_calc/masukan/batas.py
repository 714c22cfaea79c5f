"""Size and range limits of the tables' cells (CSV files and the analysts' workbook).

The shapes of the tables are in :mod:`lakip_calc.masukan.schema`, those of the text files
in :mod:`lakip_calc.masukan.skema_teks`. This module holds what every cell must also be:

- a text cell is one line (line breaks, Alt+Enter in Excel, are refused: the
  report lays a name out on one line, and a line break in a name is almost
  always a paste accident) without control characters, at most
  :data:`MAKS_SEL_TEKS` characters;
- a number is within what the report can print: money below
  :data:`MAKS_UANG` (so that any sum of a year's rows stays within
  :func:`lakip_calc.hitungan.terbilang.terbilang`'s range), any other number below
  :data:`MAKS_ANGKA`, with at most :data:`MAKS_DESIMAL` decimals;
- a CSV file is at most :data:`MAKS_BERKAS_CSV` bytes; a workbook's sheets and
  shared strings are checked in the zip before the workbook is opened
  (:func:`periksa_xlsx`).

Every message quotes at most a few dozen characters of the bad value.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lakip_calc.errors import DataError
from lakip_calc.hitungan.terbilang import TERBILANG_MAKSIMUM
from lakip_calc.masukan.skema_teks import kutip

__all__ = [
    "MAKS_ANGKA",
    "MAKS_BERKAS_CSV",
    "MAKS_DESIMAL",
    "MAKS_SEL_LAIN",
    "MAKS_SEL_TEKS",
    "MAKS_UANG",
    "MAKS_XLSX_BAGIAN",
    "MAKS_XLSX_TOTAL",
    "periksa_angka",
    "periksa_sel",
    "periksa_sel_teks",
    "periksa_xlsx",
]

#: Bytes of one CSV file.
MAKS_BERKAS_CSV = 20_000_000
#: Characters of one text cell.
MAKS_SEL_TEKS = 2_000
#: Characters of any other cell (a code, a choice, a year, a number).
MAKS_SEL_LAIN = 64
#: Money (rupiah) of one cell: below 10^15 (seribu triliun). A million such rows
#: still sum below terbilang's maximum (10^21 - 1).
MAKS_UANG = 10**15
#: Any other number of one cell (targets, realisations, counts, thresholds).
MAKS_ANGKA = 10**15
#: Decimals of a number (money has its own limit of 2).
MAKS_DESIMAL = 6
#: Uncompressed bytes of one part of a workbook (a sheet, the shared strings).
MAKS_XLSX_BAGIAN = 50_000_000
#: Uncompressed bytes of a whole workbook.
MAKS_XLSX_TOTAL = 200_000_000

assert MAKS_UANG * 10**6 <= TERBILANG_MAKSIMUM + 1

_KENDALI = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_BARIS_BARU = re.compile(r"[\r\n\x85]")


def periksa_sel(s: str, tipe: str, *, file: str, row: int | None, column: str) -> None:
    """Any cell (already trimmed): a text cell by :func:`periksa_sel_teks`; a code, a
    choice, a year or a number at most :data:`MAKS_SEL_LAIN` characters (so that every
    later message quoting it stays short)."""
    if tipe == "teks":
        periksa_sel_teks(s, file=file, row=row, column=column)
    elif len(s) > MAKS_SEL_LAIN:
        raise DataError(
            f"isi sel terlalu panjang untuk kolom ini ({len(s)} karakter; paling banyak "
            f"{MAKS_SEL_LAIN}): {kutip(s)}.",
            file=file,
            row=row,
            column=column,
        )


def periksa_sel_teks(s: str, *, file: str, row: int | None, column: str) -> None:
    """A text cell (already trimmed) must be one line, without control characters, not too long."""
    if len(s) > MAKS_SEL_TEKS:
        raise DataError(
            f"teks terlalu panjang ({len(s)} karakter; paling banyak {MAKS_SEL_TEKS}): {kutip(s)}.",
            file=file,
            row=row,
            column=column,
        )
    if _BARIS_BARU.search(s):
        raise DataError(
            f"sel memuat pindah baris (Alt+Enter di Excel): {kutip(s)}. "
            "Tulis isi sel dalam satu baris.",
            file=file,
            row=row,
            column=column,
        )
    if _KENDALI.search(s):
        raise DataError(
            f"sel memuat karakter kendali (tak terlihat): {kutip(s)}. Ketik ulang isinya.",
            file=file,
            row=row,
            column=column,
        )


def periksa_angka(s: str, tipe: str, *, file: str, row: int | None, column: str) -> None:
    """A plain number's text (``-?digits(.digits)?``) must be within what the report prints."""
    bulat, _, desimal = s.lstrip("-").partition(".")
    bulat = bulat.lstrip("0")
    batas = MAKS_UANG if tipe == "uang" else MAKS_ANGKA
    if len(bulat) > len(str(batas)) - 1:
        raise DataError(
            f"angka {kutip(s)} terlalu besar ({len(bulat)} digit); paling besar "
            f"{len(str(batas)) - 1} digit (kurang dari {batas:_}).".replace("_", "."),
            file=file,
            row=row,
            column=column,
        )
    if len(desimal.rstrip("0")) > MAKS_DESIMAL:
        raise DataError(
            f"angka {kutip(s)} memiliki lebih dari {MAKS_DESIMAL} angka di belakang titik.",
            file=file,
            row=row,
            column=column,
        )


def periksa_xlsx(xlsx: Path, nama: str) -> None:
    """Refuse a workbook whose parts are too large, from the zip's directory, before opening it.

    openpyxl reads a sheet and the shared strings whole into memory: a single
    cell of hundreds of megabytes would take gigabytes before any check.
    """
    try:
        with zipfile.ZipFile(xlsx) as z:
            bagian = [(i.filename, i.file_size) for i in z.infolist()]
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: openpyxl's own message ("tidak dapat dibaca")
    total = sum(n for _, n in bagian)
    for berkas, n in bagian:
        if n > MAKS_XLSX_BAGIAN:
            raise DataError(
                f"buku kerja {nama} terlalu besar: bagian {kutip(berkas)} berukuran {n} bita "
                f"(paling banyak {MAKS_XLSX_BAGIAN}). Mungkin ada sel berisi teks yang sangat "
                "panjang; hapus isinya lalu simpan ulang."
            )
    if total > MAKS_XLSX_TOTAL:
        raise DataError(
            f"buku kerja {nama} terlalu besar: {total} bita setelah diekstrak "
            f"(paling banyak {MAKS_XLSX_TOTAL})."
        )
