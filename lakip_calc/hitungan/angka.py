"""A number and where it came from.

Every number the report shows is one :class:`Angka`: its exact value, the text
as displayed in Indonesian, the formula in words, the data cells it was
computed from and the function that computed it. A :class:`KumpulanAngka`
holds each key once; ``numbers.json``, the report variables, the Jejak Angka
appendix and the auditor's verification all read these records.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from lakip_calc.errors import LakipError
from lakip_calc.hitungan.formats import bulatkan, format_angka, format_persen, format_rupiah
from lakip_calc.hitungan.terbilang import terbilang_rupiah

__all__ = ["Sumber", "Angka", "KumpulanAngka", "teks_nilai", "digit_perlu", "BELUM_DIISI"]

#: Display text of a value whose input cell is still blank (an incomplete year, a draft).
BELUM_DIISI = "belum diisi"


@dataclass(frozen=True, order=True)
class Sumber:
    """Data cells: a file in ``data/<YEAR>/``, a column and a spreadsheet row, or
    the run of rows ``row`` to ``sampai`` (inclusive).

    A total over hundreds of rows, or a share of the sum of a whole column,
    names its cells as runs, so that the record of every number stays small
    and numbers.json grows linearly with the data.
    """

    file: str
    row: int
    column: str
    sampai: int | None = None

    def baris(self) -> range:
        """The spreadsheet rows of these cells."""
        return range(self.row, (self.sampai or self.row) + 1)


def _sel_dict(s: Sumber) -> dict[str, Any]:
    """A Sumber for numbers.json: ``sampai`` only for a run of rows."""
    d: dict[str, Any] = {"file": s.file, "row": s.row, "column": s.column}
    if s.sampai is not None:
        d["sampai"] = s.sampai
    return d


def letak_kode(code: str, naik: int = 2) -> str:
    """``module:function`` completed with the file and line that registered the number.

    Walks up the stack from the caller of :meth:`KumpulanAngka.tambah` to the
    frame of ``function`` (a helper between them is skipped) and returns
    ``module:function@lakip_calc/file.py:line``: the line of that call, where
    the number's value is taken and its formula text stands. Without such a
    frame ``code`` is returned as it is.
    """
    fungsi = code.rsplit(":", 1)[-1]
    f = sys._getframe(naik)
    while f is not None and f.f_code.co_name != fungsi:
        f = f.f_back
    if f is None:
        return code
    berkas = f.f_code.co_filename.replace("\\", "/")
    i = berkas.rfind("/lakip_calc/")
    if i < 0:
        return code
    return f"{code}@{berkas[i + 1 :]}:{f.f_lineno}"


@dataclass(frozen=True)
class Angka:
    """One published number with its provenance.

    Attributes
    ----------
    key
        Stable dotted key (``anggaran.total.pagu``).
    value
        Exact value: Decimal, int, str (predikat) or None (cannot be computed).
    text
        As displayed (``Rp5.148.323.747``, ``96,34%``, ``-`` for None).
    unit
        ``rupiah``, ``persen``, ``proporsi`` (a share 0..1 shown as a percentage),
        ``nilai``, ``tahun``, ``predikat`` or a count unit.
    formula
        How it was computed, in Indonesian words.
    inputs
        The data cells it depends on.
    code
        Where it is computed: ``module:function@path:line``, the function of
        ``lakip_calc`` and the line of the call that registers it, where its
        formula text is written (:func:`letak_kode`).
    notebook
        Executed notebook and cell id (``build/2023/notebooks/01_anggaran.ipynb#hitung``),
        filled in by the notebook runner.
    terbilang
        Amount in words, for rupiah.
    catatan
        A note shown next to the number (for example why there is no capaian).
    """

    key: str
    value: Decimal | int | str | None
    text: str
    unit: str
    formula: str
    inputs: tuple[Sumber, ...]
    code: str
    notebook: str | None = None
    terbilang: str | None = None
    catatan: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["value"] = str(self.value) if isinstance(self.value, Decimal) else self.value
        d["inputs"] = [_sel_dict(s) for s in sorted(set(self.inputs))]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Angka:
        v = d["value"]
        if isinstance(v, str) and d["unit"] not in ("predikat", "teks", "kategori"):
            v = Decimal(v)
        return cls(
            key=d["key"],
            value=v,
            text=d["text"],
            unit=d["unit"],
            formula=d["formula"],
            inputs=tuple(Sumber(**s) for s in d["inputs"]),
            code=d["code"],
            notebook=d.get("notebook"),
            terbilang=d.get("terbilang"),
            catatan=d.get("catatan"),
        )


def digit_perlu(nilai: Decimal, maks: int = 2) -> int:
    """Decimals needed to show ``nilai`` without loss, at most ``maks``.

    >>> digit_perlu(Decimal("55")), digit_perlu(Decimal("68.23")), digit_perlu(Decimal("97.1"))
    (0, 2, 1)
    """
    for d in range(maks + 1):
        if bulatkan(nilai, d) == nilai:
            return d
    return maks


def teks_nilai(value: Decimal | int | str | None, unit: str, digit: int | None = None) -> str:
    """Display text of a value in Indonesian formatting, by unit.

    >>> teks_nilai(Decimal("5148323747"), "rupiah")
    'Rp5.148.323.747'
    >>> teks_nilai(Decimal("96.3398"), "persen")
    '96,34%'
    >>> teks_nilai(Decimal("55"), "persen", digit=0)
    '55%'
    """
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit == "tahun":
        return str(value)
    if unit == "rupiah":
        return format_rupiah(value, 0 if Decimal(value) == Decimal(value).to_integral() else 2)
    if unit == "persen":
        return format_persen(value, 2 if digit is None else digit)
    if unit == "proporsi":  # a share between 0 and 1, shown as a percentage
        return format_persen(Decimal(value) * 100, 2 if digit is None else digit)
    if unit == "poin persen":
        d = digit_perlu(Decimal(value)) if digit is None else digit
        return f"{format_angka(value, d)} poin persen"
    d = digit_perlu(Decimal(value)) if digit is None else digit
    return format_angka(value, d)


@dataclass
class KumpulanAngka:
    """An ordered set of :class:`Angka`, each key at most once."""

    _isi: dict[str, Angka] = field(default_factory=dict)

    def tambah(
        self,
        key: str,
        value: Decimal | int | str | None,
        unit: str,
        formula: str,
        inputs: Iterable[Sumber],
        code: str,
        *,
        digit: int | None = None,
        catatan: str | None = None,
        belum_diisi: bool = False,
    ) -> Angka:
        """Register a number; its text (and terbilang for rupiah) is derived here, once.

        ``belum_diisi=True`` registers a value that cannot exist yet because an
        input cell is blank: value ``None``, text :data:`BELUM_DIISI`.
        """
        if belum_diisi:
            value = None
            catatan = catatan or BELUM_DIISI
        if key in self._isi:
            raise LakipError(f"kunci angka ganda: {key!r} sudah terdaftar")
        tb = None
        if unit == "rupiah" and value is not None:
            tb = ("minus " if value < 0 else "") + terbilang_rupiah(abs(value))
        a = Angka(
            key=key,
            value=value,
            text=BELUM_DIISI if belum_diisi else teks_nilai(value, unit, digit),
            unit=unit,
            formula=formula,
            inputs=tuple(sorted(set(inputs))),
            code=code if "@" in code else letak_kode(code),
            terbilang=tb,
            catatan=catatan,
        )
        self._isi[key] = a
        return a

    def gabung(self, lain: Iterable[Angka]) -> None:
        for a in lain:
            if a.key in self._isi:
                raise LakipError(f"kunci angka ganda: {a.key!r} sudah terdaftar")
            self._isi[a.key] = a

    def tandai_notebook(self, notebook: str) -> None:
        self._isi = {k: replace(a, notebook=notebook) for k, a in self._isi.items()}

    def __getitem__(self, key: str) -> Angka:
        return self._isi[key]

    def __contains__(self, key: object) -> bool:
        return key in self._isi

    def __iter__(self) -> Iterator[Angka]:
        return iter(self._isi.values())

    def __len__(self) -> int:
        return len(self._isi)

    def get(self, key: str) -> Angka | None:
        return self._isi.get(key)

    def nilai(self, key: str) -> Any:
        return self._isi[key].value

    def to_json(self) -> str:
        """Deterministic JSON (sorted by key, UTF-8, 1-space indent)."""
        data = [a.to_dict() for a in sorted(self._isi.values(), key=lambda a: a.key)]
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, teks: str) -> KumpulanAngka:
        k = cls()
        k.gabung(Angka.from_dict(d) for d in json.loads(teks))
        return k
