"""Start a new report year: ``data/<YEAR>/`` from the latest year present.

``make new-year YEAR=2024`` (``python -m lakip_calc tahun-baru --tahun 2024``)
copies the *structure* of the latest earlier year and leaves every fact of the
new year blank, so that the analyst fills in only what happened that year:

- carried as they are: ``program.csv``, ``kegiatan.csv``, ``sasaran.csv``,
  ``indikator.csv``, ``dukungan.csv``, ``skala_predikat.csv`` and all of
  ``teks/`` (profile, Renstra, organisation, prose);
- ``sub_kegiatan.csv``: the same tree, ``pagu``, ``realisasi`` and ``fisik`` blank;
- ``indikator_tahunan.csv``: one row per indicator for the new year, ``target``
  taken from ``indikator.target_rpjmd`` (the Renstra/RPJMD figure) when the
  data has one, ``realisasi`` blank. Earlier years are *not* copied: the
  loader reads them from the earlier year folders (:data:`loader.TABEL_TAHUNAN`);
- ``keluaran.csv``: the previous report year's output indicators, for the new
  year, ``target`` and ``realisasi`` blank;
- ``psks.csv``: the PSKS types, ``jumlah`` blank;
- ``anggaran_riwayat.csv`` and ``angka_terbit.csv``: header only (a new year has
  no hand-made source that quotes earlier budgets or prints figures to
  reconcile; earlier budgets stay in their own year folder);
- ``teks/analisis/<sasaran>.md`` and ``teks/evaluasi/<sasaran>.yaml``: the previous text describes last year's
  facts, so it is replaced by a stub paragraph marked
  :data:`~lakip_calc.masukan.loader.BELUM_DITULIS` (a final report refuses it);
- ``teks/profil.yaml``: the signing year (``penandatanganan.tahun``) becomes the
  year after the report year; ``teks/CATATAN.md`` (the transcription notes of
  the earlier year) is replaced by a short note;
- ``README.md``: the rules above and the list of what the analyst must fill.

It never overwrites: an existing ``data/<YEAR>`` is refused. The folder is
written next to its destination and renamed into place when complete and
valid, so an interrupted run leaves nothing half-made.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from lakip_calc.errors import ConfigError
from lakip_calc.masukan.loader import (
    BELUM_DITULIS,
    KUNCI_EVALUASI,
    Kosong,
    cek_kelengkapan,
    muat_tahun,
)
from lakip_calc.masukan.schema import TABEL
from lakip_calc.paths import DATA, tampil

__all__ = ["buat_tahun_baru", "HasilTahunBaru", "tahun_sumber"]

#: Files carried byte for byte.
_SALIN = (
    "program",
    "kegiatan",
    "sasaran",
    "indikator",
    "dukungan",
    "skala_predikat",
    "skala_kategori",
)
#: Files written with their header only.
_HANYA_HEADER = ("anggaran_riwayat", "angka_terbit")


@dataclass
class HasilTahunBaru:
    """What :func:`buat_tahun_baru` made."""

    tahun: int
    sumber: int
    folder: Path
    kosong: list[Kosong] = field(default_factory=list)

    def ringkasan(self) -> str:
        """A short Indonesian summary for the command line."""
        f = tampil(self.folder)
        return "\n".join(
            [
                f"Folder {f}/ dibuat dari data {self.sumber}.",
                f"  Isian yang masih harus dilengkapi: {len(self.kosong)} "
                f"(daftarnya di {f}/README.md).",
                f"  Langkah berikutnya: 'make workbook YEAR={self.tahun}' (isi lewat Excel),",
                f"  atau sunting CSV di {f}/, lalu 'make report YEAR={self.tahun}'"
                f" (pratinjau: DRAFT=1).",
            ]
        )


def tahun_sumber(tahun: int, data_dir: Path | None = None) -> int:
    """The latest year before ``tahun`` that has a folder in ``data/``."""
    root = data_dir or DATA
    ada = sorted(
        int(p.name)
        for p in (root.iterdir() if root.is_dir() else [])
        if p.is_dir() and re.fullmatch(r"[0-9]{4}", p.name) and int(p.name) < tahun
    )
    if not ada:
        raise ConfigError(
            f"tidak ada folder data tahun sebelum {tahun} di {tampil(root)}/: "
            "tahun baru dibuat dari tahun terakhir yang ada."
        )
    return ada[-1]


def _baca(path: Path) -> tuple[list[str], list[list[str]]]:
    teks = path.read_bytes().decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(teks, newline=""))]
    header = [h.strip() for h in rows[0]]
    return header, [r for r in rows[1:] if any(c.strip() for c in r)]


def _tulis(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _sebagai_dict(header: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(header, r, strict=False)) for r in rows]


def _susun(header: list[str], recs: list[dict[str, str]]) -> list[list[str]]:
    return [[r.get(h, "") for h in header] for r in recs]


def _stub_analisis(kode: str, sumber: int) -> str:
    return (
        f"{BELUM_DITULIS} Uraian pelaksanaan sasaran {kode} tahun {{{{< var laporan.tahun >}}}} "
        "belum ditulis. Tuliskan penerima manfaat, sub kegiatan pendukung dan anggarannya; "
        "setiap angka ditulis sebagai rujukan ke numbers.json (shortcode var), tidak diketik. "
        f"Contohnya uraian tahun {sumber} di data/{sumber}/teks/analisis/{kode}.md. "
        f"Hapus tanda {BELUM_DITULIS} setelah uraian selesai.\n"
    )


def _stub_evaluasi(kode: str, sumber: int) -> str:
    """A new year's per-sasaran analysis: every part to be written again."""
    baris = [
        f"# Analisis Bab III sasaran {kode}: penyebab keberhasilan atau kegagalan, alternatif",
        f"# solusi dan efisiensi sumber daya tahun ini. Contohnya data/{sumber}/teks/evaluasi/{kode}.yaml.",
        "# Ganti setiap bagian yang bertanda belum ditulis dengan teks tahun ini.",
    ]
    for kunci in KUNCI_EVALUASI:
        baris.append(f'{kunci}: "{BELUM_DITULIS} Bagian ini belum ditulis."')
    return "\n".join(baris) + "\n"


def _ganti_tahun_ttd(teks: str, tahun_ttd: int) -> str:
    """Set ``penandatanganan.tahun`` in profil.yaml's text, keeping comments and layout."""
    m = re.search(r"(?m)^penandatanganan:[ \t]*\n((?:[ \t]+.*(?:\n|$))*)", teks)
    if not m:
        return teks
    blok = re.sub(
        r"(?m)^([ \t]+tahun:[ \t]*)[0-9]{4}",
        lambda x: f"{x.group(1)}{tahun_ttd}",
        m.group(1),
        count=1,
    )
    return teks[: m.start(1)] + blok + teks[m.end(1) :]


def _catatan(tahun: int, sumber: int) -> str:
    return (
        f"# teks/ tahun {tahun}\n\n"
        f"Dibuat oleh `make new-year YEAR={tahun}` dari `data/{sumber}/teks/`. Catatan transkripsi "
        f"tahun {sumber} ada di `data/{sumber}/teks/CATATAN.md`. Catat di sini setiap keputusan "
        f"penulisan teks tahun {tahun}.\n"
    )


def _ringkas_kosong(kosong: list[Kosong]) -> list[str]:
    """Missing inputs grouped by file and column, with row ranges."""
    per: dict[tuple[str, str], list[int]] = {}
    for k in kosong:
        per.setdefault((k.berkas, k.kolom or ""), []).append(k.baris or 0)
    out = []
    for (berkas, kolom), rows in per.items():
        rows = sorted(rows)
        rentang, mulai, prev = [], rows[0], rows[0]
        for r in rows[1:]:
            if r == prev + 1:
                prev = r
                continue
            rentang.append(str(mulai) if mulai == prev else f"{mulai}-{prev}")
            mulai = prev = r
        rentang.append(str(mulai) if mulai == prev else f"{mulai}-{prev}")
        if kolom:
            out.append(
                f"- `{berkas}` kolom `{kolom}`: {len(rows)} sel (baris {', '.join(rentang)})"
            )
        else:
            out.append(f"- `{berkas}`: teks belum ditulis (tanda `{BELUM_DITULIS}`)")
    return out


def _readme(tahun: int, sumber: int, profil: str, kosong: list[Kosong], n_target: int) -> str:
    daftar = "\n".join(_ringkas_kosong(kosong))
    return f"""# data/{tahun}: LAKIP {tahun}{profil}

Dibuat oleh `make new-year YEAR={tahun}` (`python -m lakip_calc tahun-baru --tahun {tahun}`)
dari `data/{sumber}/`. Format setiap berkas sama dengan tahun {sumber}: lihat
`data/{sumber}/README.md` (setiap berkas dan kolom). Sel kosong = belum diisi.

## Yang harus diisi analis

{daftar}

Selain itu, periksa:

- `indikator_tahunan.csv` kolom `target`: {n_target} target tahun {tahun} diisi awal dari
  `indikator.csv` kolom `target_rpjmd` (angka Renstra/RPJMD). Ganti dengan target
  Perjanjian Kinerja {tahun} bila berbeda, dan tulis asalnya di kolom `sumber`.
  Indikator tanpa `target_rpjmd` mendapat target kosong.
- `keluaran.csv`: satu baris per indikator keluaran tahun {sumber}, untuk tahun {tahun}.
  Isi `target` dan/atau `realisasi`; baris yang kedua selnya kosong dianggap belum diisi,
  baris yang salah satunya terisi dianggap lengkap (sumber tidak mencantumkan yang lain).
  Hapus baris yang tidak ada lagi, tambahkan keluaran baru dengan kode baru.
- `teks/`: profil, Renstra, organisasi dan uraian umum dibawa dari tahun {sumber}.
  Tahun penandatanganan (`teks/profil.yaml`, `penandatanganan.tahun`) diubah menjadi
  {tahun + 1}; periksa nama dan jabatan penandatangan, `teks/penutup.yaml` (kendala,
  kesimpulan, saran) dan `teks/isu_strategis.md`.
- Program, kegiatan dan sub kegiatan dibawa dari tahun {sumber}: sesuaikan dengan DPA
  {tahun} (tambah, hapus atau ganti nama baris), begitu pula `dukungan.csv`.

`make report YEAR={tahun}` berhenti sebelum menjalankan notebook selama masih ada isian
yang kosong, dan menuliskan berkas, baris dan kolomnya. `make report YEAR={tahun} DRAFT=1`
tetap membuat laporan dengan tulisan "belum diisi" di tempat setiap angka yang belum ada
dan tanda DRAFT di setiap halaman.

Cara mengisi lewat Excel: `make workbook YEAR={tahun}` menulis `isian-{tahun}.xlsx` di
folder ini; setelah diisi, `make import YEAR={tahun} XLSX=data/{tahun}/isian-{tahun}.xlsx`
memeriksa isinya dan menulis CSV-nya (semua atau tidak sama sekali).

## Aturan tahun baru

1. **Struktur dibawa, fakta dikosongkan.** `program.csv`, `kegiatan.csv`, `sasaran.csv`,
   `indikator.csv`, `dukungan.csv`, `skala_predikat.csv` dan `teks/` disalin;
   `sub_kegiatan.csv` (pagu, realisasi, fisik) dan `psks.csv` (jumlah) dikosongkan.
2. **Target dari Renstra/RPJMD.** Target indikator tahun {tahun} = `target_rpjmd` di
   `indikator.csv` bila ada; realisasinya kosong.
3. **Tahun-tahun lalu tidak disalin.** `indikator_tahunan.csv` dan `keluaran.csv` tahun ini
   hanya memuat baris tahun {tahun}. Tabel dan grafik perbandingan antartahun membaca
   tahun-tahun sebelumnya dari folder tahun itu (`data/{sumber}/...`, termasuk angka tahun
   lalu yang dicatat folder itu); baris tahun laporan sebuah folder mengalahkan salinannya
   di folder lain. Asal-usul angka itu di `numbers.json` menunjuk ke
   `../{sumber}/indikator_tahunan.csv`.
4. **Tanpa dokumen sumber.** `angka_terbit.csv` dan `anggaran_riwayat.csv` hanya berisi
   header: laporan ini dibuat dari data, tidak disalin dari dokumen buatan tangan yang
   perlu direkonsiliasi, dan anggaran tahun lalu tetap berada di `data/{sumber}/`.
5. **Uraian dan analisis per sasaran ditulis ulang.** `teks/analisis/*.md` dan
   `teks/evaluasi/*.yaml` tahun {sumber} menceritakan fakta tahun {sumber}; di sini diganti
   teks bertanda `{BELUM_DITULIS}` yang tampil di laporan DRAFT dan menghentikan laporan
   final sampai tanda itu dihapus.
"""


def _kosongkan(asal: Path, baru: Path, nama: str, kolom: tuple[str, ...]) -> None:
    """Copy a table with the facts of ``kolom`` blanked (an absent optional file stays absent)."""
    berkas = TABEL[nama].berkas
    if not (asal / berkas).is_file():
        return
    h, rows = _baca(asal / berkas)
    recs = _sebagai_dict(h, rows)
    for r in recs:
        r.update(dict.fromkeys(kolom, ""))
    _tulis(baru / berkas, h, _susun(h, recs))


def _target_awal(asal: Path, baru: Path, tahun: int) -> int:
    """``indikator_tahunan.csv`` of the new year: targets proposed from the RPJMD column
    (to be checked against the new Perjanjian Kinerja); returns how many were proposed."""
    h_ind, rows = _baca(asal / TABEL["indikator"].berkas)
    tahunan, n_target = [], 0
    for r in _sebagai_dict(h_ind, rows):
        target = (r.get("target_rpjmd") or "").strip()
        n_target += bool(target)
        sumber = (
            f"target: {r.get('label_target_rpjmd') or 'target RPJMD'} (indikator.csv), "
            f"usulan awal make new-year; periksa dengan Perjanjian Kinerja {tahun}"
        )
        tahunan.append(
            {
                "kode_indikator": r["kode"],
                "tahun": str(tahun),
                "target": target,
                "realisasi": "",
                "sumber": sumber if target else "",
            }
        )
    h = TABEL["indikator_tahunan"].kolom_nama
    _tulis(baru / TABEL["indikator_tahunan"].berkas, h, _susun(h, tahunan))
    return n_target


def _keluaran_baru(asal: Path, baru: Path, tahun: int, sumber: int) -> None:
    """The outputs of the latest year, for the new year, with their figures blank."""
    berkas = TABEL["keluaran"].berkas
    if not (asal / berkas).is_file():
        return
    h, rows = _baca(asal / berkas)
    kosong = {"tahun": str(tahun), "target": "", "realisasi": "", "sumber": ""}
    keluaran = [
        {**r, **kosong} for r in _sebagai_dict(h, rows) if r["tahun"].strip() == str(sumber)
    ]
    _tulis(baru / berkas, h, _susun(h, keluaran))


def _salin_tabel(asal: Path, baru: Path, tahun: int, sumber: int) -> int:
    """Every CSV file of the new year; returns the number of proposed targets."""
    for nama in _SALIN:
        if (asal / TABEL[nama].berkas).is_file():
            shutil.copyfile(asal / TABEL[nama].berkas, baru / TABEL[nama].berkas)
    for nama in _HANYA_HEADER:
        _tulis(baru / TABEL[nama].berkas, TABEL[nama].kolom_nama, [])
    _kosongkan(asal, baru, "sub_kegiatan", ("pagu", "realisasi", "fisik"))
    _kosongkan(asal, baru, "psks", ("jumlah",))
    _keluaran_baru(asal, baru, tahun, sumber)
    return _target_awal(asal, baru, tahun)


def _tulis_stub(folder: Path, pola: str, stub) -> None:
    for p in sorted(folder.glob(pola)):
        p.write_text(stub(p.stem), encoding="utf-8", newline="\n")


def _salin_teks(asal: Path, baru: Path, tahun: int, sumber: int) -> None:
    """``teks/`` of the new year: year-specific texts become stubs, the signing year moves."""
    if not (asal / "teks").is_dir():
        return
    teks = baru / "teks"
    shutil.copytree(asal / "teks", teks)
    _tulis_stub(teks / "analisis", "*.md", lambda kode: _stub_analisis(kode, sumber))
    _tulis_stub(teks / "evaluasi", "*.yaml", lambda kode: _stub_evaluasi(kode, sumber))
    profil = teks / "profil.yaml"
    if profil.is_file():
        isi = profil.read_text(encoding="utf-8")
        profil.write_text(_ganti_tahun_ttd(isi, tahun + 1), encoding="utf-8", newline="\n")
    if (teks / "CATATAN.md").is_file():
        (teks / "CATATAN.md").write_text(_catatan(tahun, sumber), encoding="utf-8", newline="\n")


def buat_tahun_baru(tahun: int, data_dir: Path | None = None) -> HasilTahunBaru:
    """Create ``data/<tahun>`` from the latest earlier year (see the module docstring).

    Raises
    ------
    ConfigError
        ``data/<tahun>`` already exists, or there is no earlier year.
    DataError
        The earlier year's data is not valid.
    """
    root = data_dir or DATA
    tujuan = root / str(tahun)
    if tujuan.exists():
        raise ConfigError(
            f"folder data tahun {tahun} sudah ada ({tampil(tujuan)}); 'tahun-baru' tidak pernah "
            "menimpa data. Lanjutkan mengisi folder itu, atau pindahkan/hapus dulu bila memang "
            "ingin membuatnya ulang."
        )
    sumber = tahun_sumber(tahun, root)
    lama = muat_tahun(sumber, root)  # the earlier year must be valid
    asal = lama.folder
    staging = root / f".tahun-baru-{tahun}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    baru = staging / str(tahun)
    try:
        baru.mkdir(parents=True)
        n_target = _salin_tabel(asal, baru, tahun, sumber)
        _salin_teks(asal, baru, tahun, sumber)
        data_baru = muat_tahun(tahun, staging)  # the new folder must load as it is
        kosong = cek_kelengkapan(data_baru)
        prof = data_baru.teks.get("profil") or {}
        nama_instansi = ", ".join(str(x) for x in (prof.get("instansi"), prof.get("daerah")) if x)
        judul = f", {nama_instansi}" if nama_instansi else ""
        (baru / "README.md").write_text(
            _readme(tahun, sumber, judul, kosong, n_target), encoding="utf-8", newline="\n"
        )
        if tujuan.exists():  # created meanwhile by someone else: never overwrite
            raise ConfigError(f"folder data tahun {tahun} sudah ada ({tampil(tujuan)}).")
        baru.rename(tujuan)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return HasilTahunBaru(tahun=tahun, sumber=sumber, folder=tujuan, kosong=kosong)
