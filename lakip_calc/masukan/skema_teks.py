"""The declared shape of every text file of a year (``data/<YEAR>/teks/``) and its limits.

The CSV tables have their shape in :mod:`lakip_calc.masukan.schema`; this module does the
same for the YAML and Markdown text, and holds the size limits of every input:

- a YAML file is read with alias expansion bounded (:func:`muat_yaml`): a
  "billion laughs" file is refused at once instead of filling the memory;
- each known YAML file has a shape (:data:`BENTUK`): its keys, their types, which
  value is a paragraph (text), a list of paragraphs or a number, the maximum
  length of a text and of a list. A key that is not declared is refused (with
  the closest known key as a hint), except in the two open places: the office
  profile (``profil.yaml``, identity fields an office may add) and one group of
  ``definisi_sasaran.yaml`` (any further paragraph or list is laid out);
- a YAML file not declared here and every Markdown file are text: a Markdown
  file is one text of at most :data:`MAKS_MARKDOWN` characters, an undeclared
  YAML file holds only text, numbers, lists and mappings within the same limits;
- every message is Indonesian, names the file and the key path (``misi[2].teks``)
  and quotes at most :data:`KUTIP` characters of the bad value.

Nothing here reads files: the loader hands the parsed values in.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from lakip_calc.errors import DataError

__all__ = [
    "BENTUK",
    "KUTIP",
    "MAKS_BERKAS_TEKS",
    "MAKS_MARKDOWN",
    "MAKS_PARAGRAF",
    "MAKS_PARAGRAF_MD",
    "MAKS_SIMPUL_YAML",
    "Bentuk",
    "Bilangan",
    "Daftar",
    "Paragraf",
    "Peta",
    "kutip",
    "muat_yaml",
    "pendek",
    "periksa_teks",
]

#: Bytes of one file under ``teks/`` (read whole before anything else).
MAKS_BERKAS_TEKS = 1_000_000
#: Characters of one Markdown file.
MAKS_MARKDOWN = 200_000
#: Characters of one paragraph (a YAML text value).
MAKS_PARAGRAF = 5_000
#: Characters of one paragraph of a Markdown file.
MAKS_PARAGRAF_MD = 10_000
#: Characters of a short text (a name, a title, a place).
MAKS_JUDUL = 300
#: Items of one list.
MAKS_BUTIR = 500
#: Nodes of one YAML file once its aliases are expanded.
MAKS_SIMPUL_YAML = 50_000
#: Characters of a bad value quoted in a message.
KUTIP = 40


def pendek(nilai: object) -> str:
    """A bad value for a message: at most :data:`KUTIP` characters, on one line."""
    s = " ".join(str(nilai).split())
    return s if len(s) <= KUTIP else s[: KUTIP - 3] + "..."


def kutip(nilai: object) -> str:
    """:func:`pendek`, quoted."""
    return repr(pendek(nilai))


# --------------------------------------------------------------------------- shapes


class Bentuk:
    """A shape: :meth:`periksa` raises DataError naming ``berkas`` and ``jalur``."""

    nama = "nilai"

    def periksa(self, nilai: Any, berkas: str, jalur: str) -> None:
        raise NotImplementedError


def _galat(berkas: str, jalur: str, pesan: str) -> DataError:
    return DataError(f"kunci '{jalur or '(akar)'}': {pesan}", file=berkas)


def _jenis(nilai: Any) -> str:
    if isinstance(nilai, bool):
        return "nilai benar/salah"
    if isinstance(nilai, (int, float)):
        return "angka"
    if isinstance(nilai, str):
        return "teks"
    if isinstance(nilai, list):
        return "daftar"
    if isinstance(nilai, dict):
        return "pemetaan"
    return "kosong" if nilai is None else type(nilai).__name__


@dataclass(frozen=True)
class Paragraf(Bentuk):
    """A text (one paragraph or a short text) of at most ``maks`` characters."""

    maks: int = MAKS_PARAGRAF
    nama = "teks"

    def periksa(self, nilai: Any, berkas: str, jalur: str) -> None:
        if not isinstance(nilai, str):
            raise _galat(berkas, jalur, f"harus berupa teks, bukan {_jenis(nilai)} {kutip(nilai)}.")
        if len(nilai) > self.maks:
            raise _galat(
                berkas,
                jalur,
                f"teks terlalu panjang ({len(nilai)} karakter; paling banyak {self.maks}): "
                f"{kutip(nilai)}.",
            )


@dataclass(frozen=True)
class Bilangan(Bentuk):
    """A whole number from ``min`` to ``maks`` (a year, an item number)."""

    min: int = 0
    maks: int = 9999
    nama = "bilangan bulat"

    def periksa(self, nilai: Any, berkas: str, jalur: str) -> None:
        if isinstance(nilai, bool) or not isinstance(nilai, int):
            raise _galat(
                berkas,
                jalur,
                f"harus berupa bilangan bulat, bukan {_jenis(nilai)} {kutip(nilai)}.",
            )
        if not self.min <= nilai <= self.maks:
            raise _galat(berkas, jalur, f"{kutip(nilai)} di luar rentang {self.min}-{self.maks}.")


@dataclass(frozen=True)
class Daftar(Bentuk):
    """A list of at most ``maks`` items of one shape."""

    butir: Bentuk
    maks: int = MAKS_BUTIR
    nama = "daftar"

    def periksa(self, nilai: Any, berkas: str, jalur: str) -> None:
        if not isinstance(nilai, list):
            raise _galat(
                berkas,
                jalur,
                f"harus berupa daftar ({self.butir.nama} per butir, diawali '- '), "
                f"bukan {_jenis(nilai)} {kutip(nilai)}.",
            )
        if len(nilai) > self.maks:
            raise _galat(
                berkas,
                jalur,
                f"daftar terlalu panjang ({len(nilai)} butir; paling banyak {self.maks}).",
            )
        for i, b in enumerate(nilai, 1):
            self.butir.periksa(b, berkas, f"{jalur}[{i}]")


@dataclass(frozen=True)
class Peta(Bentuk):
    """A mapping with the keys of ``kunci``; other keys need ``lain`` (else refused)."""

    kunci: dict[str, Bentuk] = field(default_factory=dict)
    lain: Bentuk | None = None
    nama = "pemetaan"

    def periksa(self, nilai: Any, berkas: str, jalur: str) -> None:
        if not isinstance(nilai, dict):
            raise _galat(
                berkas, jalur, f"harus berupa pemetaan (kunci: nilai), bukan {_jenis(nilai)}."
            )
        if len(nilai) > MAKS_BUTIR:
            raise _galat(berkas, jalur, f"terlalu banyak kunci ({len(nilai)}).")
        for k, v in nilai.items():
            anak = f"{jalur}.{k}" if jalur else str(k)
            bentuk = self.kunci.get(k) if isinstance(k, str) else None
            if bentuk is None and self.lain is None:
                raise _galat(berkas, anak, _kunci_asing(k, self.kunci))
            bentuk = bentuk or self.lain
            if v is None:
                # An empty text or number is shown as nothing; an empty list or
                # mapping would be walked by the report: write it or remove the key.
                if isinstance(bentuk, (Daftar, Peta, Unit)):
                    raise _galat(berkas, anak, "kosong; tulis isinya atau hapus kunci ini.")
                continue
            bentuk.periksa(v, berkas, anak)


def _kunci_asing(k: object, dikenal: dict[str, Bentuk]) -> str:
    mirip = difflib.get_close_matches(str(k), list(dikenal), n=1)
    saran = f" Mungkin maksudnya '{mirip[0]}'?" if mirip else ""
    return f"kunci tidak dikenal.{saran} Kunci yang dikenal: {', '.join(dikenal) or '-'}."


@dataclass(frozen=True)
class Bebas(Bentuk):
    """Text, numbers, lists and mappings of them, within the limits (undeclared YAML)."""

    nama = "teks"

    def periksa(self, nilai: Any, berkas: str, jalur: str) -> None:
        if isinstance(nilai, str):
            Paragraf().periksa(nilai, berkas, jalur)
        elif isinstance(nilai, list):
            Daftar(self).periksa(nilai, berkas, jalur)
        elif isinstance(nilai, dict):
            Peta(lain=self).periksa(nilai, berkas, jalur)
        elif not (nilai is None or isinstance(nilai, (bool, int, float))):
            raise _galat(berkas, jalur, f"jenis nilai tidak didukung ({_jenis(nilai)}).")


# --------------------------------------------------------------------------- the files

_P = Paragraf()
_J = Paragraf(MAKS_JUDUL)
_TAHUN = Bilangan(1900, 2200)
_NOMOR = Bilangan(0, 999)
_DAFTAR = Daftar(_P)


@dataclass(frozen=True)
class SatuAtauBanyak(Bentuk):
    """A paragraph, or a list of paragraphs."""

    nama = "teks atau daftar teks"

    def periksa(self, nilai: Any, berkas: str, jalur: str) -> None:
        if isinstance(nilai, list):
            _DAFTAR.periksa(nilai, berkas, jalur)
        else:
            _P.periksa(nilai, berkas, jalur)


_SATU_ATAU_BANYAK = SatuAtauBanyak()

_DEFINISI = Peta(
    {
        "judul": _J,
        "uraian": _SATU_ATAU_BANYAK,
        "kriteria": _DAFTAR,
        "syarat": Peta(lain=Peta({"pengantar": _P, "butir": _DAFTAR})),
        "pengantar_bantuan": _P,
        "penyaluran": _P,
        "sumber_bantuan": _P,
        "bantuan": Peta({"judul": _J, "uraian": _P}),
        "tujuan": _DAFTAR,
        "butir": _DAFTAR,
    },
    lain=_SATU_ATAU_BANYAK,
)


class Unit(Bentuk):
    """A unit of the organisation chart: ``nama`` and its ``bawahan`` (units too)."""

    nama = "unit (nama, bawahan)"

    def periksa(self, nilai: Any, berkas: str, jalur: str) -> None:
        Peta({"nama": _J, "bawahan": Daftar(self)}).periksa(nilai, berkas, jalur)


_UNIT = Unit()

#: Shape of each YAML file, by its path under ``teks/`` without suffix.
BENTUK: dict[str, Bentuk] = {
    "profil": Peta(
        {
            "instansi": _J,
            "daerah": _J,
            "provinsi": _J,
            "ibu_kota": _J,
            "kepala": Peta(
                {
                    "nama": _J,
                    "jabatan": _J,
                    "nama_tercetak": _J,
                    "jabatan_tercetak": _J,
                    "jabatan_tercetak_baris_kedua": _J,
                    "catatan": _P,
                    "pangkat": _J,
                    "nip": _J,
                },
                lain=_P,
            ),
            "kepala_daerah": Peta({"jabatan": _J, "nama": _J}),
            "perjanjian_kinerja": Peta({"tempat": _J, "tanggal": _J}),
            "penandatanganan": Peta({"tempat": _J, "bulan": _J, "tahun": _TAHUN}),
            "dasar_hukum": Daftar(
                Peta(
                    {
                        "jenis": _J,
                        "nomor": _J,
                        "tahun": _TAHUN,
                        "tentang": _P,
                        "disebut_di": Daftar(_J),
                        "singkatan_tercetak": _J,
                        "tanggal": _J,
                        "catatan": _P,
                    }
                )
            ),
        },
        lain=Bebas(),
    ),
    "renstra": Peta(
        {
            "periode": Peta({"awal": _TAHUN, "akhir": _TAHUN}),
            "visi_pengantar": _P,
            "visi": _P,
            "makna_visi_pengantar": _P,
            "makna_visi": Daftar(Peta({"judul": _J, "uraian": _P})),
            "misi_pengantar": _P,
            "misi": Daftar(Peta({"nomor": _NOMOR, "teks": _P, "makna": _P})),
            "tujuan": Daftar(Peta({"nomor": _NOMOR, "teks": _P})),
            "sasaran_renstra_pengantar": _P,
            "sasaran_renstra": Daftar(
                Peta({"tujuan": _NOMOR, "judul_tercetak": _P, "butir": _DAFTAR})
            ),
            "tujuan_dinas_struktur_pengantar": _P,
            "tujuan_dinas_struktur": _DAFTAR,
            "fokus_area": Peta({"pengantar": _P, "bidang": _J, "uraian": _P, "iku": _P}),
            "arah_kebijakan": _DAFTAR,
        }
    ),
    "organisasi": Peta(
        {
            "dasar": _DAFTAR,
            "struktur_pengantar": _P,
            "struktur": Daftar(_UNIT),
            "tugas_fungsi_pengantar": _DAFTAR,
            "tugas_fungsi": Daftar(
                Peta(
                    {
                        "huruf": _J,
                        "unit": _J,
                        "tugas": _P,
                        "pengantar": _P,
                        "fungsi": _DAFTAR,
                    }
                )
            ),
        }
    ),
    "penutup": Peta(
        {
            "kendala_pengantar": _P,
            "kendala": _DAFTAR,
            "kesimpulan_pengantar": _P,
            "kesimpulan": _DAFTAR,
            "kesimpulan_kedua": _P,
            "saran": _DAFTAR,
            "penutup": _P,
        }
    ),
    "psks": Peta(
        {
            "definisi": _P,
            "jenis": Daftar(Peta({"kode": _J, "nama": _J, "definisi": _P, "kriteria": Daftar(_P)})),
        }
    ),
    "jenis_pmks": Daftar(_J),
    "definisi_sasaran": Peta(lain=_DEFINISI),
}

#: Shape of the files of a folder under ``teks/`` (one file per sasaran).
BENTUK_FOLDER: dict[str, Bentuk] = {
    "evaluasi": Peta(
        {"penyebab": _SATU_ATAU_BANYAK, "solusi": _SATU_ATAU_BANYAK, "efisiensi": _SATU_ATAU_BANYAK}
    ),
}


def bentuk_berkas(kunci: str) -> Bentuk:
    """The declared shape of ``teks/<kunci>.yaml`` (free-form when none is declared)."""
    folder = kunci.split("/", 1)[0] if "/" in kunci else None
    return BENTUK.get(kunci) or BENTUK_FOLDER.get(folder or "", Bebas())


def _periksa_markdown(teks: str, berkas: str) -> None:
    """A Markdown file: at most :data:`MAKS_MARKDOWN` characters, paragraphs of at most
    :data:`MAKS_PARAGRAF_MD` (the message names the paragraph's first line)."""
    if len(teks) > MAKS_MARKDOWN:
        raise DataError(
            f"teks terlalu panjang ({len(teks)} karakter; paling banyak {MAKS_MARKDOWN}).",
            file=berkas,
        )
    baris = 1
    for bagian in re.split(r"(\n[ \t]*\n)", teks):
        isi = bagian.strip()
        if len(isi) > MAKS_PARAGRAF_MD:
            spasi_awal = bagian[: len(bagian) - len(bagian.lstrip())]
            raise DataError(
                f"paragraf terlalu panjang ({len(isi)} karakter; paling banyak "
                f"{MAKS_PARAGRAF_MD}): {kutip(isi)}. Pecah menjadi beberapa paragraf.",
                file=berkas,
                row=baris + spasi_awal.count("\n"),
            )
        baris += bagian.count("\n")


def periksa_teks(kunci: str, nilai: Any, berkas: str, markdown: bool) -> None:
    """Check one parsed text file against its declared shape; raise DataError.

    ``kunci`` is the file's path under ``teks/`` without suffix (``profil``,
    ``analisis/SS1``); ``berkas`` is the name shown in messages.
    """
    if markdown:
        _periksa_markdown(nilai, berkas)
        return
    if nilai is None:
        return  # an empty file: nothing written yet
    try:
        bentuk_berkas(kunci).periksa(nilai, berkas, "")
    except RecursionError:
        raise DataError("YAML tidak sah: struktur bersarang terlalu dalam.", file=berkas) from None


# --------------------------------------------------------------------------- bounded YAML


class _PemuatTerbatas(yaml.SafeLoader):
    """PyYAML's safe loader that counts nodes as an alias expands them.

    An alias is a reference, so a "billion laughs" file loads quickly but
    becomes billions of values for whoever walks it; counting the expanded
    size of every alias (memoised per node, linear in the file) refuses it.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.simpul = 0
        self._ukuran: dict[int, int] = {}

    def _ukuran_simpul(self, node: yaml.Node) -> int:
        ada = self._ukuran.get(id(node))
        if ada is not None:
            return ada
        if isinstance(node, yaml.MappingNode):
            n = 1 + sum(self._ukuran_simpul(k) + self._ukuran_simpul(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            n = 1 + sum(self._ukuran_simpul(x) for x in node.value)
        else:
            n = 1
        self._ukuran[id(node)] = n
        return n

    def _tambah(self, n: int) -> None:
        self.simpul += n
        if self.simpul > MAKS_SIMPUL_YAML:
            raise _TerlaluBesar

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        alias = self.check_event(yaml.AliasEvent)
        node = super().compose_node(parent, index)
        self._tambah(self._ukuran_simpul(node) if alias else 1)
        return node


class _TerlaluBesar(Exception):
    pass


def muat_yaml(isi: str, berkas: str) -> Any:
    """Parse YAML text safely (no tags, aliases bounded); raise DataError naming ``berkas``."""
    pemuat = _PemuatTerbatas(isi)
    try:
        return pemuat.get_single_data()
    except _TerlaluBesar:
        raise DataError(
            f"YAML terlalu besar: lebih dari {MAKS_SIMPUL_YAML} nilai setelah alias (*) "
            "diperluas. Tulis teksnya langsung, tanpa anchor (&) dan alias (*) berlapis.",
            file=berkas,
        ) from None
    finally:
        pemuat.dispose()
