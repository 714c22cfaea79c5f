"""The analysts' Excel workbook: write a year's tables to ``isian-<YEAR>.xlsx``, read it back.

``make workbook YEAR=2024`` (:func:`tulis_buku_kerja`) writes one sheet per
input table of :data:`lakip_calc.masukan.schema.TABEL`: the sheet name is the table's
``lembar``, row 1 holds the Indonesian labels of the schema (locked; each
header cell carries a comment with the CSV column name and its rule), data
rows start at row 2, so that sheet row *n* is row *n* of the CSV file. Data
cells are unlocked, the sheets are protected without a password (rows may be
inserted and deleted), and every column gets the data validation of its type:
money ``>= 0``, percent ``0-100``, whole numbers, four-digit years, drop-down
lists for ``polaritas``, ``dasar``, ``jenis``, the units present in the data
and the codes of the referenced sheet. A first sheet, "Petunjuk", explains
it all in Indonesian and lists every sheet column with its CSV column. The
bytes are deterministic: fixed document dates, fixed zip entry times.

``make import YEAR=2024 XLSX=...`` (:func:`impor_buku_kerja`) reads the
workbook back with the rules the CSV loader uses, defined once: every cell
goes through :func:`lakip_calc.masukan.loader.parse_nilai` of its schema column, the
tables through :func:`lakip_calc.masukan.loader.baca_csv` (header, duplicates) and
:func:`lakip_calc.masukan.loader.periksa_antar_tabel` (references, budget tree).
Errors name sheet and cell (``Anggaran!D14``). Numbers arrive from Excel as
floats and are converted exactly (``Decimal(repr(x))``): a float whose
shortest repr has more than 2 decimals is refused for money, text with
thousands separators is refused as in a CSV file. Only when the whole
workbook is valid are the CSV files that changed written (temporary files,
then renames); the report lists the rows added and removed and every changed
cell. Unchanged rows keep their exact bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lakip_calc.bangun.berkas import tulis_atomik, tulis_semua_atomik
from lakip_calc.errors import ConfigError, DataError
from lakip_calc.isi.tulis import sel_teks
from lakip_calc.masukan.batas import periksa_xlsx
from lakip_calc.masukan.loader import (
    baca_csv,
    cek_kelengkapan,
    muat_tahun,
    parse_nilai,
    periksa_antar_tabel,
)
from lakip_calc.masukan.schema import TABEL, Kolom, Tabel
from lakip_calc.masukan.skema_teks import kutip
from lakip_calc.paths import folder_data, tampil

__all__ = [
    "LEMBAR_PETUNJUK",
    "nama_buku",
    "tulis_buku_kerja",
    "impor_buku_kerja",
    "HasilImpor",
    "PerubahanBerkas",
]

LEMBAR_PETUNJUK = "Petunjuk"
#: Data validation and unlocked cells reach at least this sheet row.
_BARIS_MIN = 1000
_MAKS_GALAT = 40

_ATURAN = {
    "kode": "kode: huruf, angka, titik atau garis bawah (mis. 1.2.1); diketik sebagai teks",
    "teks": "teks bebas",
    "uang": (
        "rupiah: angka polos >= 0, paling banyak 2 desimal, tanpa 'Rp' dan tanpa pemisah ribuan"
    ),
    "persen": "persen: angka 0 sampai 100 (tulis 96.53, bukan 96,53% atau 0,9653)",
    "angka": "angka polos (titik sebagai desimal)",
    "nilai": "angka polos, atau nilai kategori (BB, WTP) untuk indikator kategori",
    "bulat": "bilangan bulat >= 0",
    "tahun": "tahun empat angka, mis. 2024",
    "pilihan": "pilih dari daftar",
}


def nama_buku(tahun: int) -> str:
    """The workbook's file name: ``isian-<YEAR>.xlsx``."""
    return f"isian-{tahun}.xlsx"


def _lembar(t: Tabel) -> str:
    return t.lembar or t.nama


def _baca_baris_mentah(teks: str) -> list[tuple[list[str], str]]:
    """CSV records with their exact source text (so unchanged rows keep their bytes)."""
    dipakai: list[str] = []

    def baris():
        for b in io.StringIO(teks, newline=""):
            dipakai.append(b)
            yield b

    hasil = []
    for rec in csv.reader(baris()):
        hasil.append((rec, "".join(dipakai)))
        dipakai.clear()
    return hasil


def _baca_berkas(folder: Path, t: Tabel) -> tuple[list[str], list[tuple[list[str], str]], str]:
    """(header, data records with raw text, raw header text) of a CSV file; empty when absent."""
    p = folder / t.berkas
    if not p.is_file():
        return list(t.kolom_nama), [], ""
    teks = p.read_bytes().decode("utf-8-sig")
    semua = _baca_baris_mentah(teks)
    if not semua:
        return list(t.kolom_nama), [], ""
    header = [h.strip() for h in semua[0][0]]
    data = [(r, raw) for r, raw in semua[1:] if any(c.strip() for c in r)]
    return header, data, semua[0][1]


# --------------------------------------------------------------------------- writing


def _epoch_tetap(tahun: int) -> dt.datetime:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw.isdigit():
        return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).replace(tzinfo=None)
    return dt.datetime(tahun + 1, 1, 1)


def _deterministik(isi: bytes, waktu: dt.datetime) -> bytes:
    """Fix the dates openpyxl writes (docProps/core.xml and zip entry times)."""
    stempel = waktu.strftime("%Y-%m-%dT%H:%M:%SZ")
    masuk = zipfile.ZipFile(io.BytesIO(isi))
    keluar = io.BytesIO()
    with zipfile.ZipFile(keluar, "w", zipfile.ZIP_DEFLATED) as z:
        for info in masuk.infolist():
            data = masuk.read(info.filename)
            if info.filename == "docProps/core.xml":
                teks = data.decode("utf-8")
                teks = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: f"{m.group(1)}{stempel}{m.group(3)}",
                    teks,
                )
                data = teks.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, data)
    return keluar.getvalue()


def _nilai_sel(v: Any, k: Kolom) -> Any:
    """A typed value as it goes into a cell: numbers as numbers, everything else as text."""
    if v is None:
        return None
    if k.tipe in ("uang", "persen", "angka", "nilai") and isinstance(v, Decimal):
        return v
    if k.tipe in ("bulat", "tahun"):
        return int(v)
    return str(v)


def _validasi(ws, k: Kolom, t: Tabel, huruf: str, sampai: int, satuan: list[str]):
    from openpyxl.worksheet.datavalidation import DataValidation

    rentang = f"{huruf}2:{huruf}{sampai}"
    dv = None
    if k.tipe == "uang":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        dv.error = "Isi rupiah sebagai angka >= 0 (tanpa Rp dan tanpa pemisah ribuan)."
    elif k.tipe == "persen":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
        dv.error = "Isi persen sebagai angka 0 sampai 100 (96.53, bukan 0,9653)."
    elif k.tipe == "bulat":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        dv.error = "Isi bilangan bulat >= 0."
    elif k.tipe == "tahun":
        dv = DataValidation(type="whole", operator="between", formula1="1000", formula2="9999")
        dv.error = "Isi tahun dengan empat angka, misalnya 2024."
    elif k.tipe == "angka":
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1000000000000000",
            formula2="1000000000000000",
        )
        dv.error = "Isi angka polos (titik atau koma desimal sesuai Excel), bukan teks."
    elif k.tipe == "pilihan":
        dv = DataValidation(type="list", formula1='"' + ",".join(k.pilihan) + '"')
        dv.error = "Pilih salah satu: " + ", ".join(k.pilihan) + "."
    elif k.nama == "satuan" and satuan:
        dv = DataValidation(type="list", formula1='"' + ",".join(satuan) + '"')
        dv.errorStyle = "warning"
        dv.error = "Satuan ini belum dipakai di data. Lanjutkan bila memang satuan baru."
    else:
        rujukan = next((r for r in t.rujukan if r.kolom == k.nama and len(r.tabel) == 1), None)
        if rujukan is not None:
            tujuan = TABEL[rujukan.tabel[0]]
            kol = tujuan.kolom_nama.index(rujukan.kolom_tujuan)
            from openpyxl.utils import get_column_letter

            h = get_column_letter(kol + 1)
            dv = DataValidation(type="list", formula1=f"'{_lembar(tujuan)}'!${h}$2:${h}${sampai}")
            dv.error = f"Kode ini tidak ada di lembar '{_lembar(tujuan)}'."
    if dv is None:
        return
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorTitle = "Isian tidak sah"
    dv.showInputMessage = True
    dv.promptTitle = k.label[:32]
    dv.prompt = (_ATURAN[k.tipe] + ("" if k.wajib else "; boleh kosong"))[:255]
    dv.add(rentang)
    ws.add_data_validation(dv)


def _komentar(k: Kolom) -> str:
    wajib = (
        "wajib diisi"
        if k.wajib
        else (
            "boleh kosong selama draf, wajib untuk laporan final" if k.lengkap else "boleh kosong"
        )
    )
    pilihan = f" ({', '.join(k.pilihan)})" if k.pilihan else ""
    return f"Kolom CSV: {k.nama}\n{_ATURAN[k.tipe]}{pilihan}\n{wajib}"


def _teks_petunjuk(tahun: int, folder: Path) -> list[tuple[str, bool]]:
    """The instructions sheet's paragraphs: (text, bold)."""
    return [
        (f"Buku kerja isian LAKIP {tahun}", True),
        ("", False),
        (
            f"Buku kerja ini ditulis dari {tampil(folder)}/ oleh 'make workbook YEAR={tahun}'.",
            False,
        ),
        (
            "Setiap lembar = satu berkas CSV. Baris 1 berisi judul kolom (terkunci); komentar "
            "pada judul menyebut nama kolom CSV dan aturannya. Isi mulai baris 2: nomor baris "
            "lembar sama dengan nomor baris di berkas CSV.",
            False,
        ),
        (
            "Sel putih boleh diisi. Angka ditulis sebagai angka biasa: rupiah tanpa 'Rp' dan tanpa "
            "pemisah ribuan, persen sebagai 0-100 (96.53, bukan 96,53% atau 0,9653). Kode ditulis "
            "sebagai teks (1.10 tetap 1.10).",
            False,
        ),
        (
            "Sel kosong = belum diisi. Laporan final ('make report') menolak isian yang masih "
            "kosong; 'make report DRAFT=1' membuat pratinjau bertanda DRAFT.",
            False,
        ),
        (
            "Baris boleh ditambah atau dihapus; baris kosong dilewati. Jangan mengubah judul kolom "
            "atau nama lembar. Lembar dilindungi tanpa kata sandi (Tinjau > Buka Proteksi Lembar) "
            "hanya agar judul tidak terubah tanpa sengaja.",
            False,
        ),
        (
            "Tahun-tahun lalu (target dan realisasi, keluaran) tidak diisi di sini: laporan "
            "membacanya dari folder data tahun-tahun itu.",
            False,
        ),
        (
            f"Setelah selesai: simpan sebagai .xlsx, lalu jalankan 'make import YEAR={tahun} "
            "XLSX=<berkas>'. Impor memeriksa semua sel lebih dahulu dan menyebut lembar dan "
            "selnya bila ada yang salah (mis. Anggaran!D14); CSV baru ditulis hanya bila "
            "semuanya sah.",
            False,
        ),
        ("", False),
        ("Daftar lembar dan kolom", True),
    ]


def _daftar_kolom_petunjuk(ws, mulai: int) -> None:
    """The table of every sheet column with its CSV column, from row ``mulai``."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    kepala = ["Lembar", "Kolom", "Judul", "Kolom CSV", "Berkas CSV", "Aturan", "Wajib"]
    for j, h in enumerate(kepala, start=1):
        c = ws.cell(row=mulai, column=j, value=h)
        c.font = Font(bold=True)
    r = mulai + 1
    for t in TABEL.values():
        for j, k in enumerate(t.kolom, start=1):
            wajib = "ya" if k.wajib else ("untuk laporan final" if k.lengkap else "tidak")
            isi = [
                _lembar(t),
                get_column_letter(j),
                k.label,
                k.nama,
                t.berkas,
                _ATURAN[k.tipe],
                wajib,
            ]
            for jj, v in enumerate(isi, start=1):
                ws.cell(row=r, column=jj, value=v)
            r += 1
    for j, lebar in zip(range(2, 8), (7, 26, 20, 24, 60, 18), strict=True):
        ws.column_dimensions[get_column_letter(j)].width = lebar


def _lembar_petunjuk(wb, tahun: int, folder: Path) -> None:
    """The first sheet, "Petunjuk": instructions and the list of sheet columns (locked)."""
    from openpyxl.styles import Alignment, Font, Protection

    ws = wb.active
    ws.title = LEMBAR_PETUNJUK
    teks = _teks_petunjuk(tahun, folder)
    for i, (isi, tebal) in enumerate(teks, start=1):
        c = ws.cell(row=i, column=1, value=isi or None)
        c.font = Font(bold=tebal, size=13 if i == 1 else 11)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 100
    _daftar_kolom_petunjuk(ws, len(teks) + 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    for row in ws.iter_rows():
        for c in row:
            c.protection = Protection(locked=True)


def _kepala_kolom(ws, j: int, k: Kolom) -> None:
    """Column ``j``'s locked header cell (label, comment) and its width and cell format."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    c = ws.cell(row=1, column=j, value=k.label)
    c.font = Font(bold=True)
    c.fill = PatternFill("solid", fgColor="D9D9D9")
    c.alignment = Alignment(wrap_text=True, vertical="top")
    c.protection = Protection(locked=True)
    c.comment = Comment(_komentar(k), "lakip", width=260, height=110)
    kolom = ws.column_dimensions[get_column_letter(j)]
    kolom.width = (
        60
        if k.tipe == "teks" and k.nama in ("nama", "uraian")
        else max(14, min(40, len(k.label) + 4))
    )
    kolom.protection = Protection(locked=False)
    if k.tipe in ("kode", "teks", "pilihan"):
        kolom.number_format = "@"


def _lembar_tabel(wb, t: Tabel, folder: Path) -> None:
    """One input table's sheet: headers, validations and the folder's own rows (unlocked)."""
    from openpyxl.styles import Protection
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(_lembar(t))
    # The folder's own rows only (not the earlier years the loader adds).
    p = folder / t.berkas
    sendiri = baca_csv(p.read_bytes(), t, t.berkas).to_dict("records") if p.is_file() else []
    sampai = max(_BARIS_MIN, len(sendiri) + 200)
    for j, k in enumerate(t.kolom, start=1):
        _kepala_kolom(ws, j, k)
        satuan = (
            sorted({str(r[k.nama]) for r in sendiri if r[k.nama]}) if k.nama == "satuan" else []
        )
        _validasi(ws, k, t, get_column_letter(j), sampai, satuan)
        for i, r in enumerate(sendiri, start=2):
            sel = sel_teks(ws.cell(row=i, column=j, value=_nilai_sel(r[k.nama], k)))
            sel.protection = Protection(locked=False)
            if k.tipe in ("kode", "teks", "pilihan"):
                sel.number_format = "@"
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    for izin in ("formatColumns", "formatRows", "insertRows", "deleteRows", "autoFilter"):
        setattr(ws.protection, izin, False)


def tulis_buku_kerja(tahun: int, data_dir: Path | None = None, keluar: Path | None = None) -> Path:
    """Write the workbook of ``data/<tahun>`` (default ``data/<tahun>/isian-<tahun>.xlsx``)."""
    from openpyxl import Workbook

    data = muat_tahun(tahun, data_dir)  # only a valid year is written out
    folder = data.folder
    tujuan = keluar or folder / nama_buku(tahun)
    wb = Workbook()
    _lembar_petunjuk(wb, tahun, folder)
    for t in TABEL.values():
        _lembar_tabel(wb, t, folder)
    wb.properties.creator = "lakip_calc"
    wb.properties.title = f"Isian LAKIP {tahun}"
    waktu = _epoch_tetap(tahun)
    wb.properties.created = waktu
    buf = io.BytesIO()
    wb.save(buf)
    isi = _deterministik(buf.getvalue(), waktu)
    return tulis_atomik(tujuan, isi)


# --------------------------------------------------------------------------- reading


@dataclass
class PerubahanBerkas:
    """What an import changes in one CSV file."""

    berkas: str
    ditambah: list[int] = field(default_factory=list)
    dihapus: list[int] = field(default_factory=list)
    sel: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, column, old, new)

    @property
    def ada(self) -> bool:
        return bool(self.ditambah or self.dihapus or self.sel)


@dataclass
class HasilImpor:
    """The result of :func:`impor_buku_kerja`."""

    tahun: int
    xlsx: Path
    folder: Path
    perubahan: list[PerubahanBerkas]
    ditulis: bool
    belum_diisi: int = 0

    def teks(self) -> str:
        """The change report, in Indonesian."""
        f = tampil(self.folder)
        baris = [
            f"Impor {tampil(self.xlsx)} -> {f}/"
            + ("" if self.ditulis else " (coba: tidak ditulis)")
        ]
        sama = [p.berkas for p in self.perubahan if not p.ada]
        for p in self.perubahan:
            if not p.ada:
                continue
            baris.append(
                f"  {p.berkas}: {len(p.sel)} sel berubah, {len(p.ditambah)} baris ditambah, "
                f"{len(p.dihapus)} baris dihapus"
            )
            baris += [f"    {p.berkas} baris {n} ditambah" for n in p.ditambah]
            baris += [f"    {p.berkas} baris {n} (lama) dihapus" for n in p.dihapus]
            baris += [
                f"    {p.berkas} baris {n} {k}: {lama or '(kosong)'} -> {baru or '(kosong)'}"
                for n, k, lama, baru in p.sel
            ]
        if sama:
            baris.append(f"  Tidak berubah: {', '.join(sama)}")
        if not any(p.ada for p in self.perubahan):
            baris.append("  Tidak ada perubahan.")
        if self.belum_diisi:
            baris.append(
                f"  Masih belum diisi: {self.belum_diisi} isian (laporan final menolaknya; "
                f"'make report YEAR={self.tahun} DRAFT=1' untuk pratinjau)."
            )
        elif self.ditulis:
            baris.append(f"  Data lengkap: 'make report YEAR={self.tahun}'.")
        return "\n".join(baris)


def _teks_angka(d: Decimal) -> str:
    """A Decimal as plain text: no exponent, no trailing zeros (92092800, 68.23)."""
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def _ke_teks(v: Any, k: Kolom) -> str:
    """A cell value as the text a CSV cell would hold; raise ValueError with the reason."""
    if v is None:
        return ""
    if isinstance(v, bool):
        raise ValueError("berisi nilai TRUE/FALSE; isi dengan angka atau teks")
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        raise ValueError(
            "terbaca sebagai tanggal/jam oleh Excel; ubah format sel menjadi Angka atau Teks "
            "lalu ketik ulang nilainya"
        )
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError("bukan angka yang sah")
        try:
            d = Decimal(repr(v))  # the shortest decimal that is this float: what was typed
        except InvalidOperation:  # pragma: no cover - repr of a finite float is a decimal
            raise ValueError("bukan angka yang sah") from None
        if k.tipe == "kode" and d != d.to_integral_value():
            raise ValueError(
                f"kode {repr(v)} terbaca sebagai angka (1.10 menjadi 1.1); "
                "ubah format sel menjadi Teks lalu ketik ulang kodenya"
            )
        return _teks_angka(d)
    if isinstance(v, Decimal):
        return _teks_angka(v)
    return str(v).strip()


def _sel_ref(lembar: str, huruf: str, baris: int) -> str:
    nama = f"'{lembar}'" if re.search(r"[^A-Za-z0-9_]", lembar) else lembar
    return f"{nama}!{huruf}{baris}"


def _galat_sel(xlsx: str, lembar: str, huruf: str, baris: int, kolom: str, pesan: str) -> str:
    return f"{xlsx}, sel {_sel_ref(lembar, huruf, baris)} (kolom '{kolom}'): {pesan}"


def _galat_bentuk_lembar(ws, t: Tabel, lembar: str, xlsx: str) -> str | None:
    """The first error in a sheet's shape: a changed header, or a value right of the table."""
    from openpyxl.utils import get_column_letter

    lebar = len(t.kolom)
    for j, k in enumerate(t.kolom, start=1):
        judul = ws.cell(row=1, column=j).value
        judul = "" if judul is None else str(judul).strip()
        if judul not in (k.label, k.nama):
            return (
                f"{xlsx}, sel {_sel_ref(lembar, get_column_letter(j), 1)}: judul kolom "
                f"{kutip(judul)} tidak sesuai; seharusnya {k.label!r} (kolom CSV '{k.nama}'). "
                "Jangan mengubah, menyisipkan atau memindah kolom."
            )
    for j in range(lebar + 1, ws.max_column + 1):
        for i in range(1, ws.max_row + 1):
            if ws.cell(row=i, column=j).value not in (None, ""):
                return (
                    f"{xlsx}, sel {_sel_ref(lembar, get_column_letter(j), i)}: sel di luar "
                    f"kolom tabel ({lebar} kolom) berisi nilai; kosongkan sel itu."
                )
    return None


def _teks_sel(v: Any, rumus: Any, k: Kolom, lembar: str, baris: int) -> str:
    """A cell's CSV text, checked by the loader's rule; raise ValueError with the reason."""
    if v is None and isinstance(rumus, str) and rumus.startswith("="):
        raise ValueError("rumus tanpa nilai tersimpan; buka dan simpan ulang di Excel")
    s = _ke_teks(v, k)
    try:
        parse_nilai(s, k, file=lembar, row=baris)
    except DataError as e:
        raise ValueError(e.pesan) from None
    return s


def _baca_lembar(wb, wb_rumus, t: Tabel, xlsx: str, galat: list[str]):
    """(rows as CSV text lists in schema order, their sheet rows) of one sheet."""
    from openpyxl.utils import get_column_letter

    lembar = _lembar(t)
    if lembar not in wb.sheetnames:
        galat.append(
            f"{xlsx}: lembar '{lembar}' ({t.berkas}) tidak ada. Tulis ulang buku kerja "
            "dengan 'make workbook'."
        )
        return [], []
    ws, wr = wb[lembar], wb_rumus[lembar]
    salah_bentuk = _galat_bentuk_lembar(ws, t, lembar, xlsx)
    if salah_bentuk is not None:
        galat.append(salah_bentuk)
        return [], []
    lebar = len(t.kolom)
    baris, nomor = [], []
    for i in range(2, ws.max_row + 1):
        nilai = [ws.cell(row=i, column=j).value for j in range(1, lebar + 1)]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in nilai):
            continue
        teks = []
        for j, (k, v) in enumerate(zip(t.kolom, nilai, strict=True), start=1):
            try:
                teks.append(_teks_sel(v, wr.cell(row=i, column=j).value, k, lembar, i))
            except ValueError as e:
                galat.append(_galat_sel(xlsx, lembar, get_column_letter(j), i, k.nama, str(e)))
                teks.append("")
        baris.append(teks)
        nomor.append(i)
    return baris, nomor


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _sama(a: str, b: str, k: Kolom) -> bool:
    """Whether two cell texts hold the same value (``92092800`` = ``92092800.0``)."""
    if a.strip() == b.strip():
        return True
    try:
        return parse_nilai(a, k, file="", row=0) == parse_nilai(b, k, file="", row=0)
    except DataError:
        return False


def _buka_buku(tahun: int, xlsx: Path, folder: Path):
    """The workbook twice: (cached values, formulas); ConfigError when it cannot be read."""
    from openpyxl import load_workbook

    if not folder.is_dir():
        raise ConfigError(
            f"folder data tahun {tahun} tidak ada ({tampil(folder)}). "
            f"Buat dengan 'make new-year YEAR={tahun}'."
        )
    if not xlsx.is_file():
        raise ConfigError(
            f"buku kerja tidak ditemukan: {tampil(xlsx)}. Tulis dengan "
            f"'make workbook YEAR={tahun}' atau periksa XLSX."
        )
    periksa_xlsx(xlsx, xlsx.name)
    try:
        return load_workbook(xlsx, data_only=True), load_workbook(xlsx, data_only=False)
    except FileNotFoundError:
        raise ConfigError(f"buku kerja tidak ditemukan: {tampil(xlsx)}") from None
    except Exception as e:  # noqa: BLE001 - any unreadable file: one clear message
        raise ConfigError(
            f"buku kerja {tampil(xlsx)} tidak dapat dibaca ({type(e).__name__}). "
            "Simpan sebagai 'Excel Workbook (.xlsx)'."
        ) from None


def _isi_sah(
    wb, wb_rumus, folder: Path, nama_x: str
) -> dict[str, tuple[list[list[str]], list[int]]]:
    """Every sheet's rows and sheet row numbers, checked cell by cell, per table and across
    tables with the loader's own rules; DataError listing every error otherwise."""
    galat: list[str] = []
    isi: dict[str, tuple[list[list[str]], list[int]]] = {}
    for t in TABEL.values():
        isi[t.nama] = _baca_lembar(wb, wb_rumus, t, nama_x, galat)
    _lapor(galat, nama_x)

    # Whole tables: the loader's own checks on the CSV bytes that would be written.
    frames = {}
    for t in TABEL.values():
        rows, nomor = isi[t.nama]
        try:
            frames[t.nama] = baca_csv(_csv_bytes(t.kolom_nama, rows), t, t.berkas)
        except DataError as e:
            galat.append(_terjemah(e, t, nomor, nama_x))
    _lapor(galat, nama_x)
    try:
        periksa_antar_tabel(frames, tampil(folder))
    except DataError as e:
        t = next((x for x in TABEL.values() if e.file and e.file.endswith("/" + x.berkas)), None)
        galat.append(_terjemah(e, t, isi[t.nama][1], nama_x) if t else f"{nama_x}: {e}")
    _lapor(galat, nama_x)
    return isi


def _baris_csv(header: list[str], nilai: list[str]) -> str:
    """One CSV record's text (with its line end) as the CSV writer writes it."""
    return _csv_bytes(header, [nilai]).decode("utf-8").split("\n", 1)[1]


def _bandingkan(folder: Path, t: Tabel, rows: list[list[str]]) -> tuple[PerubahanBerkas, str]:
    """(the changes, the new file text) of one table: rows matched by key with the file as
    it is; unchanged rows keep their exact text, the file's column order is kept."""
    header, lama, raw_header = _baca_berkas(folder, t)
    if sorted(header) != sorted(t.kolom_nama):
        header, lama, raw_header = list(t.kolom_nama), [], ""
    idx = [t.kolom_nama.index(h) for h in header]
    kol = {k.nama: k for k in t.kolom}
    lama_per_kunci: dict[tuple, tuple[int, list[str], str]] = {}
    for n, (r, raw) in enumerate(lama, start=2):
        rec = dict(zip(header, r, strict=False))
        kunci = tuple(rec.get(k, "").strip() for k in t.kunci)
        lama_per_kunci.setdefault(kunci, (n, r, raw))
    p = PerubahanBerkas(t.berkas)
    keluar = [raw_header or _csv_bytes(header, []).decode("utf-8")]
    dipakai: set[tuple] = set()
    for n, row in enumerate(rows, start=2):
        baru = [row[i] for i in idx]
        rec_baru = dict(zip(header, baru, strict=True))
        kunci = tuple(rec_baru[k].strip() for k in t.kunci)
        cocok = lama_per_kunci.get(kunci) if kunci not in dipakai else None
        if cocok is None:
            p.ditambah.append(n)
            keluar.append(_baris_csv(header, baru))
            continue
        dipakai.add(kunci)
        _, r_lama, raw = cocok
        rec_lama = dict(zip(header, r_lama, strict=False))
        beda = [h for h in header if not _sama(rec_lama.get(h, ""), rec_baru[h], kol[h])]
        for h in beda:
            p.sel.append((n, h, rec_lama.get(h, "").strip(), rec_baru[h]))
        if beda:
            keluar.append(
                _baris_csv(
                    header, [rec_baru[h] if h in beda else rec_lama.get(h, "") for h in header]
                )
            )
        else:
            keluar.append(raw if raw.endswith(("\n", "\r")) else raw + "\n")
    p.dihapus = sorted(n for kunci, (n, _, _) in lama_per_kunci.items() if kunci not in dipakai)
    return p, "".join(keluar)


def impor_buku_kerja(
    tahun: int, xlsx: Path, data_dir: Path | None = None, *, coba: bool = False
) -> HasilImpor:
    """Validate a filled-in workbook and write the CSV files of ``data/<tahun>`` that changed.

    All or nothing: every sheet and cell is checked first (all errors are
    reported at once, naming sheet and cell); files are written only when the
    whole workbook is valid. ``coba=True`` checks and reports without writing.

    Raises
    ------
    DataError
        Any invalid cell, sheet or table (the message lists each, up to 40).
    ConfigError
        The workbook or the year's folder cannot be read.
    """
    folder = folder_data(tahun, data_dir)
    wb, wb_rumus = _buka_buku(tahun, xlsx, folder)
    isi = _isi_sah(wb, wb_rumus, folder, xlsx.name)

    # Compare with the files as they are, keep unchanged rows' bytes, write what changed.
    perubahan: list[PerubahanBerkas] = []
    tulis: dict[Path, bytes] = {}
    for t in TABEL.values():
        rows, _ = isi[t.nama]
        p, teks_baru = _bandingkan(folder, t, rows)
        baru_bytes = teks_baru.encode("utf-8")
        path = folder / t.berkas
        opsional_kosong = not t.wajib and not rows and not path.is_file()
        if (p.ada or not path.is_file()) and not opsional_kosong:
            if not path.is_file() or path.read_bytes() != baru_bytes:
                tulis[path] = baru_bytes
        perubahan.append(p)

    if not coba and tulis:
        tulis_semua_atomik(tulis)
    belum = 0
    if not coba:
        belum = len(cek_kelengkapan(muat_tahun(tahun, data_dir)))
    return HasilImpor(
        tahun=tahun,
        xlsx=xlsx,
        folder=folder,
        perubahan=perubahan,
        ditulis=not coba,
        belum_diisi=belum,
    )


def _terjemah(e: DataError, t: Tabel | None, nomor: list[int], xlsx: str) -> str:
    """A loader error on the generated CSV, named by sheet and cell."""
    from openpyxl.utils import get_column_letter

    if t is None:
        return f"{xlsx}: {e.pesan}"
    baris = nomor[e.row - 2] if e.row is not None and 2 <= e.row < len(nomor) + 2 else e.row
    if e.column in t.kolom_nama and baris is not None:
        huruf = get_column_letter(t.kolom_nama.index(e.column) + 1)
        return _galat_sel(xlsx, _lembar(t), huruf, baris, e.column, e.pesan)
    lokasi = f"lembar {_lembar(t)!r}" + (f" baris {baris}" if baris is not None else "")
    return f"{xlsx}, {lokasi}: {e.pesan}"


def _lapor(galat: list[str], xlsx: str) -> None:
    if not galat:
        return
    lebih = len(galat) - _MAKS_GALAT
    daftar = galat[:_MAKS_GALAT] + ([f"... dan {lebih} kesalahan lain"] if lebih > 0 else [])
    raise DataError(
        f"buku kerja {xlsx} tidak diimpor ({len(galat)} kesalahan; tidak ada CSV yang diubah):\n"
        + "\n".join(f"  - {g}" for g in daftar)
    )
