"""The shape of a year's data: which files, which columns, which types.

The schema is declarative so that the CSV loader, the Excel workbook and the
documentation all read the same description. Nothing here touches files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Kolom", "Tabel", "TABEL", "JENIS_ANGKA_TERBIT", "POLARITAS", "DASAR_DUKUNGAN"]

TipeKolom = Literal["kode", "teks", "uang", "persen", "angka", "nilai", "bulat", "tahun", "pilihan"]

POLARITAS = ("positif", "negatif")
#: An indicator may also be categorical: its values are grades of an ordered scale.
POLARITAS_INDIKATOR = (*POLARITAS, "kategori")
DASAR_DUKUNGAN = ("narasi", "inferensi")
#: Kinds of published figures (see data/README): how to read ``tercetak``.
JENIS_ANGKA_TERBIT = ("rupiah", "persen", "angka", "terbilang", "tahun", "teks", "rentang")


@dataclass(frozen=True)
class Kolom:
    """One column of an input table.

    Parameters
    ----------
    nama
        Column name in the header row.
    tipe
        ``kode`` (identifier), ``teks``, ``uang`` (rupiah, >= 0, at most 2 decimals),
        ``persen`` (0..100), ``angka`` (any plain decimal number), ``nilai`` (a plain
        decimal number or a grade such as ``BB`` or ``WTP``), ``bulat`` (integer
        >= 0), ``tahun`` (four digits) or ``pilihan`` (one of ``pilihan``).
    wajib
        Whether a value must be present (an empty cell is an error).
    pilihan
        Allowed values for ``tipe='pilihan'``.
    label
        Indonesian header used in the Excel workbook.
    lengkap
        For a column that may be blank while a year is being filled in
        (``wajib=False``): whether a *final* report needs it. A blank cell of such
        a column (in the report year's rows, for tables with a ``tahun`` column)
        is listed as "belum diisi" and stops ``make report`` unless ``DRAFT=1``.
    """

    nama: str
    tipe: TipeKolom
    wajib: bool = True
    pilihan: tuple[str, ...] = ()
    label: str = ""
    lengkap: bool = False
    #: The header may leave this column out (an optional column added after the
    #: format was first published); every cell is then empty.
    boleh_absen: bool = False


@dataclass(frozen=True)
class Rujukan:
    """A foreign key: values of ``kolom`` must exist in ``tabel.kolom_tujuan``."""

    kolom: str
    tabel: tuple[str, ...]
    kolom_tujuan: str = "kode"


@dataclass(frozen=True)
class Tabel:
    """One CSV file of a year."""

    nama: str
    berkas: str
    kolom: tuple[Kolom, ...]
    kunci: tuple[str, ...] = ("kode",)
    rujukan: tuple[Rujukan, ...] = ()
    keterangan: str = ""
    wajib: bool = True
    #: Sheet name in the analysts' Excel workbook (``lakip_calc.tahunan.buku_kerja``).
    lembar: str = ""
    #: Columns of which at least one must be filled in a final report (report-year rows).
    lengkap_salah_satu: tuple[str, ...] = ()
    kolom_nama: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kolom_nama", [k.nama for k in self.kolom])

    def kolom_boleh_absen(self, nama: str) -> bool:
        """Whether the header may leave out column ``nama``."""
        return any(k.nama == nama and k.boleh_absen for k in self.kolom)


def _k(nama: str, tipe: TipeKolom, wajib: bool = True, label: str = "", **kw) -> Kolom:
    return Kolom(nama, tipe, wajib, label=label or nama.replace("_", " ").capitalize(), **kw)


TABEL: dict[str, Tabel] = {
    t.nama: t
    for t in (
        Tabel(
            "program",
            "program.csv",
            (_k("kode", "kode"), _k("nama", "teks")),
            keterangan="Program (tingkat teratas pohon anggaran).",
            lembar="Program",
        ),
        Tabel(
            "kegiatan",
            "kegiatan.csv",
            (_k("kode", "kode"), _k("kode_program", "kode"), _k("nama", "teks")),
            rujukan=(Rujukan("kode_program", ("program",)),),
            keterangan="Kegiatan di bawah program.",
            lembar="Kegiatan",
        ),
        Tabel(
            "sub_kegiatan",
            "sub_kegiatan.csv",
            (
                _k("kode", "kode"),
                _k("kode_kegiatan", "kode"),
                _k("nama", "teks"),
                _k("pagu", "uang", wajib=False, lengkap=True, label="Pagu (Rp)"),
                _k("realisasi", "uang", wajib=False, lengkap=True, label="Realisasi (Rp)"),
                _k("fisik", "persen", wajib=False, lengkap=True, label="Realisasi fisik (%)"),
                _k("sumber_dana", "teks", wajib=False, boleh_absen=True, label="Sumber dana"),
            ),
            rujukan=(Rujukan("kode_kegiatan", ("kegiatan",)),),
            keterangan="Sub kegiatan: satu-satunya tingkat yang memuat pagu, realisasi dan % fisik.",
            lembar="Anggaran",
        ),
        Tabel(
            "sasaran",
            "sasaran.csv",
            (_k("kode", "kode"), _k("nama", "teks")),
            keterangan="Sasaran strategis Perjanjian Kinerja.",
            lembar="Sasaran",
        ),
        Tabel(
            "indikator",
            "indikator.csv",
            (
                _k("kode", "kode"),
                _k("kode_sasaran", "kode"),
                _k("nama", "teks"),
                _k("satuan", "teks"),
                _k("polaritas", "pilihan", pilihan=POLARITAS_INDIKATOR),
                _k("target_rpjmd", "nilai", wajib=False, label="Target RPJMD"),
                _k("label_target_rpjmd", "teks", wajib=False, label="Label target RPJMD"),
                _k("skala", "teks", wajib=False, boleh_absen=True, label="Skala kategori"),
            ),
            rujukan=(Rujukan("kode_sasaran", ("sasaran",)),),
            keterangan="Indikator kinerja utama (IKU) per sasaran.",
            lembar="Indikator",
        ),
        Tabel(
            "indikator_tahunan",
            "indikator_tahunan.csv",
            (
                _k("kode_indikator", "kode"),
                _k("tahun", "tahun"),
                _k("target", "nilai", wajib=False, lengkap=True),
                _k("realisasi", "nilai", wajib=False, lengkap=True),
                _k("sumber", "teks", wajib=False),
            ),
            kunci=("kode_indikator", "tahun"),
            rujukan=(Rujukan("kode_indikator", ("indikator",)),),
            keterangan="Target dan realisasi indikator per tahun (tahun laporan dan tahun-tahun lalu).",
            lembar="Target Realisasi IKU",
        ),
        Tabel(
            "keluaran",
            "keluaran.csv",
            (
                _k("kode", "kode"),
                _k("kode_sub_kegiatan", "kode", wajib=False),
                _k("tahun", "tahun"),
                _k("uraian", "teks"),
                _k("satuan", "teks"),
                _k("target", "angka", wajib=False),
                _k("realisasi", "angka", wajib=False),
                _k("sumber", "teks", wajib=False),
                _k("polaritas", "pilihan", wajib=False, pilihan=POLARITAS, boleh_absen=True),
                _k("sumber_dana", "teks", wajib=False, boleh_absen=True, label="Sumber dana"),
            ),
            kunci=("kode", "tahun"),
            rujukan=(Rujukan("kode_sub_kegiatan", ("sub_kegiatan",)),),
            keterangan="Indikator keluaran sub kegiatan (jumlah penerima manfaat, dsb.).",
            wajib=False,
            lembar="Keluaran",
            lengkap_salah_satu=("target", "realisasi"),
        ),
        Tabel(
            "psks",
            "psks.csv",
            (
                _k("kode", "kode"),
                _k("no_tercetak", "bulat", label="Nomor urut tercetak"),
                _k("nama", "teks"),
                _k("jumlah", "bulat", wajib=False, lengkap=True),
                _k("satuan", "teks"),
            ),
            keterangan="Jumlah Potensi dan Sumber Kesejahteraan Sosial (PSKS).",
            wajib=False,
            lembar="PSKS",
        ),
        Tabel(
            "dukungan",
            "dukungan.csv",
            (
                _k("kode_sasaran", "kode"),
                _k("kode_anggaran", "kode"),
                _k("dasar", "pilihan", pilihan=DASAR_DUKUNGAN),
                _k("catatan", "teks", wajib=False),
            ),
            kunci=("kode_sasaran", "kode_anggaran"),
            rujukan=(
                Rujukan("kode_sasaran", ("sasaran",)),
                Rujukan("kode_anggaran", ("program", "kegiatan", "sub_kegiatan")),
            ),
            keterangan="Program/kegiatan/sub kegiatan yang mendukung tiap sasaran.",
            wajib=False,
            lembar="Dukungan",
        ),
        Tabel(
            "anggaran_riwayat",
            "anggaran_riwayat.csv",
            (
                _k("tahun", "tahun"),
                _k("kode", "kode"),
                _k("nama", "teks"),
                _k("pagu", "uang"),
                _k("realisasi", "uang"),
                _k("fisik", "persen", wajib=False),
                _k("sumber", "teks", wajib=False),
            ),
            kunci=("tahun", "kode"),
            keterangan="Angka anggaran tahun-tahun lalu yang dikutip sumber.",
            wajib=False,
            lembar="Riwayat Anggaran",
        ),
        Tabel(
            "skala_predikat",
            "skala_predikat.csv",
            (_k("batas_bawah", "angka"), _k("predikat", "teks")),
            kunci=("predikat",),
            keterangan="Skala predikat capaian (batas bawah inklusif).",
            lembar="Skala Predikat",
        ),
        Tabel(
            "skala_kategori",
            "skala_kategori.csv",
            (_k("skala", "kode"), _k("urutan", "bulat"), _k("nilai", "teks")),
            kunci=("skala", "nilai"),
            keterangan="Skala kategori tambahan (urutan 1 = terbaik), selain SAKIP dan opini.",
            wajib=False,
            lembar="Skala Kategori",
        ),
        Tabel(
            "angka_terbit",
            "angka_terbit.csv",
            (
                _k("id", "kode"),
                _k("lokasi", "teks"),
                _k("uraian", "teks"),
                _k("tercetak", "teks"),
                _k("jenis", "pilihan", pilihan=JENIS_ANGKA_TERBIT),
                _k("acuan", "teks"),
                _k("catatan", "teks", wajib=False),
            ),
            kunci=("id",),
            keterangan="Angka yang dicetak dokumen sumber (untuk rekonsiliasi).",
            wajib=False,
            lembar="Angka Terbit",
        ),
    )
}
