"""Load and validate a year of data into typed tables.

Every problem becomes a :class:`~lakip_calc.errors.DataError` whose Indonesian
message names the file, the row (the header is row 1, as in a spreadsheet) and
the column. The loader only reads: ``data/`` is never written.

Numbers in the CSV files are plain: digits, an optional leading ``-`` and ``.``
as the decimal point, with no thousands separators. Values are returned as
:class:`decimal.Decimal` so that money is exact.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lakip_calc.bangun.berkas import sha256_berkas
from lakip_calc.errors import DataError
from lakip_calc.hitungan.kinerja import SKALA_KATEGORI
from lakip_calc.masukan.batas import MAKS_BERKAS_CSV, periksa_angka, periksa_sel
from lakip_calc.masukan.dibaca import CatatanBaca, berkas_teks, tahun_lalu
from lakip_calc.masukan.profil import baca_profil
from lakip_calc.masukan.schema import TABEL, Kolom, Tabel
from lakip_calc.masukan.skema_teks import MAKS_BERKAS_TEKS, muat_yaml, pendek, periksa_teks
from lakip_calc.paths import folder_data, tampil

__all__ = [
    "DataTahun",
    "muat_tahun",
    "baca_csv",
    "parse_nilai",
    "periksa_antar_tabel",
    "cek_kelengkapan",
    "pesan_kelengkapan",
    "Kosong",
    "DataBelumLengkap",
    "BARIS",
    "BERKAS",
    "BELUM_DITULIS",
    "TABEL_TAHUNAN",
]

#: Name of the column that keeps each row's spreadsheet row number (provenance).
BARIS = "_baris"
#: Column added to a yearly table when some of its rows come from an earlier year's
#: folder: that row's file relative to ``data/<YEAR>`` (``../2023/keluaran.csv``);
#: ``None`` for the folder's own rows. Absent when no earlier folder contributed.
BERKAS = "_berkas"
#: Tables that also record earlier years (``tahun`` column): when ``data/`` holds
#: earlier year folders, their rows for earlier years are read as well.
TABEL_TAHUNAN = ("indikator_tahunan", "keluaran")
#: Marker of a text the analyst still has to write (``make new-year`` writes it).
BELUM_DITULIS = "[BELUM DITULIS]"

_ANGKA_POLOS = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_ANGKA_BERPEMISAH = re.compile(r"-?(Rp\.?\s*)?[0-9]{1,3}([.,][0-9]{3})+([.,][0-9]+)?%?|Rp.*|.*%")
_KODE = re.compile(r"[A-Za-z0-9_]+([.\-][A-Za-z0-9_]+)*")


@dataclass(frozen=True)
class DataTahun:
    """All validated inputs of one report year.

    Attributes
    ----------
    tahun
        The report year.
    folder
        ``data/<tahun>``.
    tabel
        Table name -> DataFrame. Every frame has a ``_baris`` column with the
        row number of each record in its CSV file (header = row 1).
    teks
        Relative path under ``teks/`` without suffix -> parsed YAML (dict/list)
        or Markdown text (str).
    berkas
        Every input file, relative to ``folder``, sorted: what the year's outputs
        depend on.
    dibaca
        What this load touched, relative to ``folder``, sorted by path: each file
        it read (SHA-256 of the bytes), each file it looked for and did not find,
        each folder it listed (path ending in ``/``); see
        :mod:`lakip_calc.masukan.dibaca`. A notebook's cache key is built on it.
    """

    tahun: int
    folder: Path
    tabel: dict[str, pd.DataFrame]
    teks: dict[str, Any] = field(default_factory=dict)
    berkas: tuple[str, ...] = ()
    dibaca: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, nama: str) -> pd.DataFrame:
        return self.tabel[nama]

    def berkas_tabel(self, nama: str) -> str:
        """The file name of a table, as used in provenance (``sub_kegiatan.csv``)."""
        return TABEL[nama].berkas

    def hash_berkas(self) -> dict[str, str]:
        """SHA-256 of every input file, keyed by its path relative to ``folder``."""
        return {b: sha256_berkas(self.folder / b) for b in self.berkas}


def _baca_berkas(p: Path, nama: str, maks: int = MAKS_BERKAS_CSV) -> bytes:
    try:
        ukuran = p.stat().st_size
        if ukuran > maks:
            raise DataError(
                f"berkas terlalu besar ({ukuran} bita; paling banyak {maks}).", file=nama
            )
        return p.read_bytes()
    except OSError as e:
        raise DataError(
            f"berkas tidak dapat dibaca ({e.strerror or e}). "
            "Tutup berkas itu di Excel atau periksa izin aksesnya.",
            file=nama,
        ) from None


def _baris_csv(awal: str) -> int:
    """Spreadsheet row of the record that continues after ``awal`` (header = 1)."""
    try:
        # The sentinel makes the record being read (or the next one) count.
        return sum(1 for _ in csv.reader(io.StringIO(awal + "x", newline="")))
    except csv.Error:
        return awal.count("\n") + 1


def _decode(raw: bytes, nama: str, *, csv_baris: bool = False) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        awal = raw[: e.start].decode("utf-8")
        # A quoted CSV cell may span lines: count records, not lines, for CSV.
        baris = _baris_csv(awal) if csv_baris else awal.count("\n") + 1
        raise DataError(
            "berkas tidak dalam pengodean UTF-8 (mungkin Windows-1252 dari Excel). "
            "Simpan ulang sebagai 'CSV UTF-8 (Comma delimited)'.",
            file=nama,
            row=baris,
        ) from None


#: A grade of a categorical indicator: letters, then optional ``+``/``-`` (BB, A+, WTP).
_NILAI_KATEGORI = re.compile(r"[A-Za-z]{1,6}[+-]?")


def _kutip(s: str, maks: int = 40) -> str:
    """A bad value quoted for a message, cut to ``maks`` characters."""
    return repr(s if len(s) <= maks else s[:maks] + "…")


def _parse_teks(s: str, kolom: Kolom, file: str, row: int) -> str:
    return s


def _parse_kode(s: str, kolom: Kolom, file: str, row: int) -> str:
    if not _KODE.fullmatch(s):
        raise DataError(
            f"kode {s!r} tidak sah; gunakan huruf, angka, titik atau garis bawah (misalnya 1.2.1).",
            file=file,
            row=row,
            column=kolom.nama,
        )
    return s


def _parse_pilihan(s: str, kolom: Kolom, file: str, row: int) -> str:
    if s not in kolom.pilihan:
        pilihan = ", ".join(f"'{p}'" for p in kolom.pilihan)
        raise DataError(
            f"nilai {s!r} tidak dikenal; harus salah satu dari {pilihan}.",
            file=file,
            row=row,
            column=kolom.nama,
        )
    return s


def _parse_tahun(s: str, kolom: Kolom, file: str, row: int) -> int:
    if not re.fullmatch(r"[0-9]{4}", s):
        raise DataError(
            f"{s!r} bukan tahun; tulis empat angka, misalnya 2023.",
            file=file,
            row=row,
            column=kolom.nama,
        )
    return int(s)


def _parse_nilai(s: str, kolom: Kolom, file: str, row: int) -> Decimal | str:
    """A plain number, or the grade of a categorical indicator (BB, WTP)."""
    if _ANGKA_POLOS.fullmatch(s):
        return _parse_angka(s, kolom, file, row)
    if not _NILAI_KATEGORI.fullmatch(s):
        raise DataError(
            f"{_kutip(s)} bukan angka polos maupun nilai kategori (misalnya 96.53, BB, WTP).",
            file=file,
            row=row,
            column=kolom.nama,
        )
    return s


def _periksa_rentang(d: Decimal, s: str, kolom: Kolom, file: str, row: int) -> None:
    """The range of a numeric type: money >= 0 with at most 2 decimals, percent 0-100,
    whole numbers >= 0."""
    t = kolom.tipe
    if t == "uang":
        if d < 0:
            raise DataError(f"nilai uang {s} negatif.", file=file, row=row, column=kolom.nama)
        # Count decimals in the text: Decimal.quantize fails on more than 28 digits.
        if "." in s and len(s.split(".")[1].rstrip("0")) > 2:
            raise DataError(
                f"nilai uang {s} memiliki lebih dari 2 desimal (sen). "
                "Jangan gunakan titik sebagai pemisah ribuan.",
                file=file,
                row=row,
                column=kolom.nama,
            )
    elif t == "persen":
        if not Decimal(0) <= d <= Decimal(100):
            raise DataError(
                f"persentase {s} di luar rentang 0-100.", file=file, row=row, column=kolom.nama
            )
    elif t == "bulat":
        if d < 0 or d != d.to_integral_value():
            raise DataError(
                f"{s!r} harus bilangan bulat tidak negatif.", file=file, row=row, column=kolom.nama
            )


def _parse_angka(s: str, kolom: Kolom, file: str, row: int) -> Decimal | int:
    """A plain number (no thousands separators, ``.`` as the decimal point) of a numeric type."""
    if not _ANGKA_POLOS.fullmatch(s):
        if _ANGKA_BERPEMISAH.fullmatch(s):
            pesan = (
                f"angka {s!r} ditulis dengan pemisah ribuan, 'Rp' atau '%'. "
                "Tulis angka polos tanpa pemisah ribuan dengan titik sebagai desimal, "
                "misalnya 1234567 atau 96.53."
            )
        else:
            pesan = f"{s!r} bukan angka. Tulis angka polos, misalnya 1234567 atau 96.53."
        raise DataError(pesan, file=file, row=row, column=kolom.nama)
    try:
        d = Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex already guarantees a number
        raise DataError(f"{s!r} bukan angka.", file=file, row=row, column=kolom.nama) from None
    _periksa_rentang(d, s, kolom, file, row)
    periksa_angka(s, kolom.tipe, file=file, row=row, column=kolom.nama)
    return int(d) if kolom.tipe == "bulat" else d


#: One parser per column type: (stripped text, column, file, row) -> typed value.
_PARSER = {
    "teks": _parse_teks,
    "kode": _parse_kode,
    "pilihan": _parse_pilihan,
    "tahun": _parse_tahun,
    "nilai": _parse_nilai,
    "uang": _parse_angka,
    "persen": _parse_angka,
    "angka": _parse_angka,
    "bulat": _parse_angka,
}


def parse_nilai(teks: str, kolom: Kolom, *, file: str, row: int) -> Any:
    """Parse one cell according to its column type; raise DataError when invalid."""
    s = teks.strip()
    if s == "":
        if kolom.wajib:
            raise DataError(
                "sel kosong; kolom ini wajib diisi.", file=file, row=row, column=kolom.nama
            )
        return None
    periksa_sel(s, kolom.tipe, file=file, row=row, column=kolom.nama)
    return _PARSER[kolom.tipe](s, kolom, file, row)


def _periksa_header(header: list[str], tabel: Tabel, nama_berkas: str) -> None:
    """Row 1 names each schema column once: no unknown, missing or repeated column."""
    harap = tabel.kolom_nama
    for h in header:
        if h not in harap:
            mirip = difflib.get_close_matches(h, harap, n=1)
            saran = f" Mungkin maksudnya '{mirip[0]}'?" if mirip else ""
            raise DataError(
                f"kolom '{pendek(h)}' tidak dikenal.{saran} Kolom yang diharapkan: {', '.join(harap)}.",
                file=nama_berkas,
                row=1,
                column=pendek(h),
            )
    for h in harap:
        if h not in header and not tabel.kolom_boleh_absen(h):
            raise DataError(
                f"kolom '{h}' tidak ada. Kolom yang diharapkan: {', '.join(harap)}.",
                file=nama_berkas,
                row=1,
                column=h,
            )
    dup = [h for h in header if header.count(h) > 1]
    if dup:
        raise DataError(
            f"kolom '{dup[0]}' muncul dua kali.", file=nama_berkas, row=1, column=dup[0]
        )


def _rekaman(
    rows: list[list[str]], header: list[str], tabel: Tabel, nama_berkas: str
) -> list[dict[str, Any]]:
    """The typed records of the data rows (blank lines skipped), each with its row number."""
    harap = tabel.kolom_nama
    idx = {h: header.index(h) for h in harap if h in header}
    records = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # blank line
        if len(row) != len(header):
            raise DataError(
                f"baris memiliki {len(row)} sel, padahal header memiliki {len(header)} kolom.",
                file=nama_berkas,
                row=n,
            )
        rec = {
            k.nama: parse_nilai(row[idx[k.nama]], k, file=nama_berkas, row=n)
            if k.nama in idx
            else None
            for k in tabel.kolom
        }
        rec[BARIS] = n
        records.append(rec)
    return records


def baca_csv(raw: bytes, tabel: Tabel, nama_berkas: str) -> pd.DataFrame:
    """Parse and type-check one CSV file's bytes against its schema.

    Parameters
    ----------
    raw
        The file's bytes (UTF-8, a BOM is accepted).
    tabel
        The schema of the table.
    nama_berkas
        The file name shown in messages.

    Returns
    -------
    pandas.DataFrame
        Typed columns (Decimal/int/str/None, object dtype) plus ``_baris``.
    """
    teks = _decode(raw, nama_berkas, csv_baris=True)
    if not teks.strip():
        raise DataError("berkas kosong; baris pertama harus berisi nama kolom.", file=nama_berkas)
    try:
        rows = list(csv.reader(io.StringIO(teks, newline="")))
    except csv.Error as e:
        raise DataError(f"format CSV rusak: {e}.", file=nama_berkas) from None
    header = [h.strip() for h in rows[0]]
    _periksa_header(header, tabel, nama_berkas)
    records = _rekaman(rows, header, tabel, nama_berkas)
    kolom = [*tabel.kolom_nama, BARIS]
    df = pd.DataFrame(
        {k: pd.Series([r[k] for r in records], dtype=object) for k in kolom}, columns=kolom
    )
    _cek_kunci_unik(df, tabel, nama_berkas)
    return df


def _cek_kunci_unik(df: pd.DataFrame, tabel: Tabel, nama_berkas: str) -> None:
    seen: dict[tuple, int] = {}
    for rec in df.to_dict("records"):
        key = tuple(rec[k] for k in tabel.kunci)
        if key in seen:
            kolom = ", ".join(tabel.kunci)
            nilai = ", ".join(str(v) for v in key)
            raise DataError(
                f"duplikat: ({kolom}) = ({nilai}) sudah ada di baris {seen[key]}.",
                file=nama_berkas,
                row=rec[BARIS],
                column=tabel.kunci[0],
            )
        seen[key] = rec[BARIS]


def _cek_rujukan(tabel: dict[str, pd.DataFrame], folder_tampil: str) -> None:
    for nama, df in tabel.items():
        skema = TABEL[nama]
        for r in skema.rujukan:
            tujuan: set[str] = set()
            for t in r.tabel:
                tujuan |= set(tabel[t][r.kolom_tujuan])
            for rec in df.to_dict("records"):
                v = rec[r.kolom]
                if rec.get(BERKAS):
                    continue  # a row of an earlier year's folder, checked against that year
                if v is not None and v not in tujuan:
                    nama_tujuan = " atau ".join(TABEL[t].berkas for t in r.tabel)
                    raise DataError(
                        f"kode {v!r} tidak ada di {nama_tujuan}.",
                        file=f"{folder_tampil}/{skema.berkas}",
                        row=rec[BARIS],
                        column=r.kolom,
                    )


def _cek_pohon(tabel: dict[str, pd.DataFrame], folder_tampil: str) -> None:
    """Codes must be unique across the whole budget tree and follow their parent."""
    semua: dict[str, str] = {}
    for nama in ("program", "kegiatan", "sub_kegiatan"):
        berkas = f"{folder_tampil}/{TABEL[nama].berkas}"
        for rec in tabel[nama].to_dict("records"):
            if rec["kode"] in semua:
                raise DataError(
                    f"kode {rec['kode']!r} sudah dipakai di {semua[rec['kode']]}.",
                    file=berkas,
                    row=rec[BARIS],
                    column="kode",
                )
            semua[rec["kode"]] = berkas
    for nama, induk in (("kegiatan", "kode_program"), ("sub_kegiatan", "kode_kegiatan")):
        berkas = f"{folder_tampil}/{TABEL[nama].berkas}"
        for rec in tabel[nama].to_dict("records"):
            if not rec["kode"].startswith(rec[induk] + "."):
                raise DataError(
                    f"kode {rec['kode']!r} tidak diawali kode induknya {rec[induk]!r}.",
                    file=berkas,
                    row=rec[BARIS],
                    column="kode",
                )


def periksa_antar_tabel(tabel: dict[str, pd.DataFrame], folder_tampil: str) -> None:
    """The checks across a year's tables (references, budget tree), as the loader runs them."""
    _cek_rujukan(tabel, folder_tampil)
    _cek_pohon(tabel, folder_tampil)
    _cek_kategori(tabel, folder_tampil)


def skala_indikator(tabel: dict[str, pd.DataFrame]) -> dict[str, tuple[str, ...]]:
    """Every ordered scale of categorical indicators: the built-in ones and the data's."""
    skala = dict(SKALA_KATEGORI)
    df = tabel["skala_kategori"].sort_values("urutan", kind="stable")
    for nama, grup in df.groupby("skala", sort=True):
        skala[nama] = tuple(grup["nilai"])
    return skala


def _cek_nilai_indikator(
    rec: dict, kolom: str, urutan: tuple[str, ...] | None, berkas: str
) -> None:
    """A categorical indicator holds grades of its scale; a numeric one holds numbers."""
    v = rec[kolom]
    if v is None:
        return
    if urutan is None and isinstance(v, str):
        pesan = f"nilai kategori {v!r} untuk indikator numerik; tulis angka polos."
    elif urutan is not None and v not in urutan:
        pesan = f"nilai {str(v)!r} tidak ada dalam skala indikator ini ({', '.join(urutan)})."
    else:
        return
    raise DataError(pesan, file=berkas, row=rec[BARIS], column=kolom)


def _cek_kategori(tabel: dict[str, pd.DataFrame], folder_tampil: str) -> None:
    """Scales of categorical indicators exist, and their values are grades of them."""
    skala = skala_indikator(tabel)
    berkas_ind = f"{folder_tampil}/{TABEL['indikator'].berkas}"
    urutan: dict[str, tuple[str, ...] | None] = {}
    for rec in tabel["indikator"].to_dict("records"):
        if rec["polaritas"] != "kategori":
            urutan[rec["kode"]] = None
        elif rec["skala"] not in skala:
            raise DataError(
                f"skala {rec['skala']!r} tidak dikenal; isi salah satu dari "
                f"{', '.join(sorted(skala))} atau nyatakan di skala_kategori.csv.",
                file=berkas_ind,
                row=rec[BARIS],
                column="skala",
            )
        else:
            urutan[rec["kode"]] = skala[rec["skala"]]
        _cek_nilai_indikator(rec, "target_rpjmd", urutan[rec["kode"]], berkas_ind)
    berkas_th = f"{folder_tampil}/{TABEL['indikator_tahunan'].berkas}"
    for rec in tabel["indikator_tahunan"].to_dict("records"):
        berkas = rec.get(BERKAS) or berkas_th
        for kolom in ("target", "realisasi"):
            _cek_nilai_indikator(rec, kolom, urutan.get(rec["kode_indikator"]), berkas)


def _folder_tahun_lalu(data_root: Path, tahun: int, catatan: CatatanBaca) -> list[int]:
    """Years before ``tahun`` that have a folder in ``data_root``, newest first (recorded)."""
    lalu = tahun_lalu(data_root, tahun)
    catatan.daftar(data_root, (str(y) for y in lalu))
    return lalu


def _gabung_tahun_lalu(
    df: pd.DataFrame, skema: Tabel, tahun: int, data_root: Path, catatan: CatatanBaca
) -> tuple[pd.DataFrame, list[str]]:
    """Add the rows that earlier year folders record for earlier years.

    Only codes the folder's own table has are taken, and only years before the
    report year. When several folders record the same (code, year), the folder
    of that year wins (its own report-year row), then the folder being loaded,
    then the newest earlier folder. Returns the frame (with a :data:`BERKAS`
    column when rows were added) and the files read, relative to the folder.
    """
    lalu = _folder_tahun_lalu(data_root, tahun, catatan)
    kode_kol = skema.kunci[0]
    sendiri = df.to_dict("records")
    kode_sendiri = list(dict.fromkeys(r[kode_kol] for r in sendiri))
    if not lalu or not kode_sendiri:
        return df, []
    pilih: dict[tuple, tuple[int, dict]] = {}
    for r in sendiri:
        pilih[(r[kode_kol], r["tahun"])] = (0 if r["tahun"] == tahun else 1, {**r, BERKAS: None})
    dibaca: list[str] = []
    for y in lalu:
        p = data_root / str(y) / skema.berkas
        if not catatan.ada(p):
            continue
        nama = f"{tampil(data_root / str(y))}/{skema.berkas}"
        relatif = f"../{y}/{skema.berkas}"
        dibaca.append(relatif)
        isi = catatan.baca(p, _baca_berkas(p, nama))
        for r in baca_csv(isi, skema, nama).to_dict("records"):
            if r[kode_kol] not in kode_sendiri or r["tahun"] >= tahun:
                continue
            key = (r[kode_kol], r["tahun"])
            prioritas = 0 if r["tahun"] == y else 2 + (tahun - y)
            if key not in pilih or prioritas < pilih[key][0]:
                pilih[key] = (prioritas, {**r, BERKAS: relatif})
    if all(rec[BERKAS] is None for _, rec in pilih.values()):
        return df, dibaca
    kunci_sendiri = [(r[kode_kol], r["tahun"]) for r in sendiri]
    tambahan = sorted(
        (k for k in pilih if k not in set(kunci_sendiri)),
        key=lambda k: (kode_sendiri.index(k[0]), k[1]),
    )
    records = [pilih[k][1] for k in kunci_sendiri + tambahan]
    kolom = [*skema.kolom_nama, BARIS, BERKAS]
    hasil = pd.DataFrame(
        {k: pd.Series([r[k] for r in records], dtype=object) for k in kolom}, columns=kolom
    )
    return hasil, dibaca


class DataBelumLengkap(DataError):
    """A final report was asked for while some inputs are still blank (``kosong``)."""

    def __init__(self, pesan: str, kosong: list[Kosong]) -> None:
        super().__init__(pesan)
        self.kosong = kosong


@dataclass(frozen=True)
class Kosong:
    """One input a final report still needs: a blank cell or an unwritten text.

    ``berkas`` is relative to ``data/<YEAR>``; ``baris`` counts the header as row 1.
    """

    berkas: str
    baris: int | None
    kolom: str | None
    keterangan: str = ""

    def __str__(self) -> str:
        bagian = [self.berkas]
        if self.baris is not None:
            bagian.append(f"baris {self.baris}")
        if self.kolom:
            bagian.append(f"kolom '{self.kolom}'")
        teks = ", ".join(bagian)
        return f"{teks} ({self.keterangan})" if self.keterangan else teks


#: The parts of the office's own analysis of each sasaran (``teks/evaluasi/<kode>.yaml``)
#: that PermenPAN-RB 53/2014 asks for: causes, alternative solutions, efficiency.
KUNCI_EVALUASI = ("penyebab", "solusi", "efisiensi")


def _evaluasi_kosong(data: DataTahun) -> list[Kosong]:
    """Every part of a sasaran's analysis that a final report still needs."""
    hasil = []
    for ss in data["sasaran"]["kode"]:
        isi = data.teks.get(f"evaluasi/{ss}")
        isi = isi if isinstance(isi, dict) else {}
        for kunci in KUNCI_EVALUASI:
            if not isi.get(kunci):
                hasil.append(Kosong(f"teks/evaluasi/{ss}.yaml", None, kunci, "teks belum ditulis"))
    return hasil


def cek_kelengkapan(data: DataTahun) -> list[Kosong]:
    """What a final report of ``data`` still needs, in file and row order.

    A blank cell of a column with ``lengkap=True`` (for tables with a ``tahun``
    column: in the report year's own rows), a report-year row of a table with
    ``lengkap_salah_satu`` whose columns are all blank, and every text under
    ``teks/`` that still holds the :data:`BELUM_DITULIS` marker.
    """
    hasil: list[Kosong] = []
    for nama, df in data.tabel.items():
        skema = TABEL[nama]
        wajib = [k.nama for k in skema.kolom if k.lengkap]
        if not wajib and not skema.lengkap_salah_satu:
            continue
        for rec in df.to_dict("records"):
            if rec.get(BERKAS) or ("tahun" in skema.kolom_nama and rec["tahun"] != data.tahun):
                continue
            for k in wajib:
                if rec[k] is None:
                    hasil.append(Kosong(skema.berkas, rec[BARIS], k, "belum diisi"))
            salah_satu = skema.lengkap_salah_satu
            if salah_satu and all(rec[k] is None for k in salah_satu):
                hasil.append(
                    Kosong(skema.berkas, rec[BARIS], " atau ".join(salah_satu), "belum diisi")
                )
    hasil += _evaluasi_kosong(data)
    base = data.folder / "teks"
    if base.is_dir():
        for p in sorted(base.rglob("*")):
            if p.suffix in (".yaml", ".yml", ".md") and p.is_file():
                isi = p.read_bytes().decode("utf-8", errors="replace")
                if BELUM_DITULIS in isi:
                    baris = isi[: isi.index(BELUM_DITULIS)].count("\n") + 1
                    rel = p.relative_to(data.folder).as_posix()
                    hasil.append(Kosong(rel, baris, None, "teks belum ditulis"))
    return hasil


def pesan_kelengkapan(data: DataTahun, kosong: list[Kosong]) -> str:
    """The Indonesian message that lists every missing input of a year."""
    folder = tampil(data.folder)
    baris = [
        f"data {data.tahun} belum lengkap: {len(kosong)} isian belum diisi "
        "(laporan final tidak dibuat, notebook tidak dijalankan).",
        *(f"  - {folder}/{k}" for k in kosong),
        f"Isi sel-sel tersebut di {folder}/ (atau di buku kerja Excel: "
        f"'make workbook YEAR={data.tahun}', lalu 'make import YEAR={data.tahun} XLSX=...'), "
        "lalu jalankan ulang.",
        f"Untuk pratinjau dengan tanda DRAFT: 'make report YEAR={data.tahun} DRAFT=1'.",
    ]
    return "\n".join(baris)


def _muat_teks(folder: Path, folder_tampil: str, catatan: CatatanBaca) -> dict[str, Any]:
    teks: dict[str, Any] = {}
    base = folder / "teks"
    daftar = berkas_teks(base)
    catatan.daftar(base, (p.relative_to(base).as_posix() for p in daftar))
    for p in daftar:
        nama = f"{folder_tampil}/{p.relative_to(folder).as_posix()}"
        isi = _decode(catatan.baca(p, _baca_berkas(p, nama, MAKS_BERKAS_TEKS)), nama)
        kunci = p.relative_to(base).with_suffix("").as_posix()
        if p.suffix == ".md":
            periksa_teks(kunci, isi, nama, markdown=True)
            teks[kunci] = isi
            continue
        try:
            teks[kunci] = muat_yaml(isi, nama)
            periksa_teks(kunci, teks[kunci], nama, markdown=False)
        except yaml.MarkedYAMLError as e:
            baris = e.problem_mark.line + 1 if e.problem_mark else None
            raise DataError(
                f"YAML tidak sah: {e.problem}. Hanya YAML biasa (tanpa tag '!!') yang diterima.",
                file=nama,
                row=baris,
            ) from None
        except yaml.YAMLError as e:
            raise DataError(f"YAML tidak sah: {e}.", file=nama) from None
        except RecursionError:
            raise DataError(
                "YAML tidak sah: struktur bersarang terlalu dalam.", file=nama
            ) from None
    return teks


def _muat_tabel(
    nama: str, tahun: int, folder: Path, folder_tampil: str, catatan: CatatanBaca
) -> tuple[pd.DataFrame, list[str]]:
    """(one table of the year, the files it was read from relative to ``folder``).

    A yearly table also gets its rows for earlier years from earlier year folders.
    """
    skema = TABEL[nama]
    p = folder / skema.berkas
    tampil_p = f"{folder_tampil}/{skema.berkas}"
    if not catatan.ada(p):
        if skema.wajib:
            raise DataError(f"berkas wajib tidak ada: {skema.keterangan}", file=tampil_p)
        # An optional file that is absent: no rows, and the report leaves out what it adds.
        return baca_csv(",".join(skema.kolom_nama).encode(), skema, tampil_p), []
    df = baca_csv(catatan.baca(p, _baca_berkas(p, tampil_p)), skema, tampil_p)
    if nama not in TABEL_TAHUNAN:
        return df, [skema.berkas]
    df, lalu = _gabung_tahun_lalu(df, skema, tahun, folder.parent, catatan)
    return df, [skema.berkas, *lalu]


def _berkas_teks(folder: Path) -> list[str]:
    """Every file under ``teks/``, relative to ``folder``."""
    if not (folder / "teks").is_dir():
        return []
    return [
        p.relative_to(folder).as_posix()
        for p in sorted((folder / "teks").rglob("*"))
        if p.is_file()
    ]


def muat_tahun(
    tahun: int,
    data_dir: Path | None = None,
    tabel: Iterable[str] | None = None,
    *,
    teks: bool = True,
) -> DataTahun:
    """Load and validate ``data/<tahun>``.

    Parameters
    ----------
    tahun
        The report year.
    data_dir
        The ``data`` folder (default: the project's ``data/``).
    tabel
        Restrict loading to these tables (default: all).
    teks
        Load ``teks/`` too (default). A load without it reads nothing under
        ``teks/``: ``DataTahun.teks`` is empty and the profile is not checked.

    What the load touched is recorded in ``DataTahun.dibaca``.

    Raises
    ------
    DataError
        For any missing or invalid file, row or cell.
    """
    folder = folder_data(tahun, data_dir)
    folder_tampil = tampil(folder)
    if not folder.is_dir():
        raise DataError(
            f"folder data tahun {tahun} tidak ada ({folder_tampil}). "
            f"Buat dengan 'make new-year YEAR={tahun}' atau periksa YEAR."
        )
    catatan = CatatanBaca(folder)
    nama_tabel = list(tabel) if tabel is not None else list(TABEL)
    hasil: dict[str, pd.DataFrame] = {}
    berkas: list[str] = []
    for nama in nama_tabel:
        hasil[nama], dibaca = _muat_tabel(nama, tahun, folder, folder_tampil, catatan)
        berkas += dibaca
    if tabel is None:
        periksa_antar_tabel(hasil, folder_tampil)
    isi_teks = _muat_teks(folder, folder_tampil, catatan) if teks else {}
    if tabel is None and teks:
        baca_profil(isi_teks, folder_tampil)  # the office's identity is complete
    if teks:
        berkas += _berkas_teks(folder)
    return DataTahun(
        tahun=tahun,
        folder=folder,
        tabel=hasil,
        teks=isi_teks,
        berkas=tuple(sorted(berkas)),
        dibaca=catatan.hasil(),
    )
