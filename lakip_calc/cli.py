"""Command-line entry point: ``python -m lakip_calc <perintah>``.

The Makefile is a thin face over this module, so the same steps run from make,
from Python and in tests. Messages are Indonesian; bad input never produces a
traceback, only a message that names the file, row and column and a non-zero
exit status.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakip_calc.bangun.proses import Dihentikan, pasang_sigterm
from lakip_calc.errors import LakipError
from lakip_calc.paths import cek_tahun, folder_data, tampil

if TYPE_CHECKING:  # the loader imports pandas: only where a command needs it
    from lakip_calc.masukan.loader import DataTahun
    from lakip_calc.masukan.regensi import TataLetak

__all__ = ["main"]


def _ringkasan_data(tahun: int, data_dir: Path | None, data: DataTahun | None = None) -> str:
    """The validation summary; ``data``: the year already loaded (read again when None)."""
    from lakip_calc.hitungan.anggaran import rekap_anggaran
    from lakip_calc.hitungan.angka import BELUM_DIISI
    from lakip_calc.hitungan.formats import format_persen as _persen
    from lakip_calc.hitungan.formats import format_rupiah as _rupiah
    from lakip_calc.masukan.loader import cek_kelengkapan, muat_tahun

    data = data if data is not None else muat_tahun(tahun, data_dir)
    rekap = rekap_anggaran(data["program"], data["kegiatan"], data["sub_kegiatan"])
    total = rekap[rekap["tingkat"] == "total"].iloc[0]

    def format_rupiah(v):  # a blank cell under the total: "belum diisi"
        return BELUM_DIISI if v is None else _rupiah(v)

    def format_persen(v):
        return BELUM_DIISI if v is None else _persen(v)

    baris = [
        f"Data {tahun} valid ({len(data.berkas)} berkas di {data.folder.name}/).",
        f"  Program          : {len(data['program'])}",
        f"  Kegiatan         : {len(data['kegiatan'])}",
        f"  Sub kegiatan     : {len(data['sub_kegiatan'])}",
        f"  Sasaran          : {len(data['sasaran'])}",
        f"  Indikator kinerja: {len(data['indikator'])}",
        f"  Indikator keluaran: {data['keluaran']['kode'].nunique()}",
        f"  Angka terbit (untuk rekonsiliasi): {len(data['angka_terbit'])}",
        f"  Total pagu       : {format_rupiah(total['pagu'])} (dijumlah dari sub kegiatan)",
        f"  Total realisasi  : {format_rupiah(total['realisasi'])}"
        f" ({format_persen(total['persen_keuangan'])})",
    ]
    kosong = cek_kelengkapan(data)
    if kosong:
        baris.append(f"  Isian belum diisi: {len(kosong)} (laporan final perlu semuanya)")
    return "\n".join(baris)


def _cmd_validasi(args: argparse.Namespace) -> int:
    tahun = cek_tahun(args.tahun)
    print(_ringkasan_data(tahun, args.data))
    return 0


def _cmd_laporan(args: argparse.Namespace) -> int:
    from lakip_calc.bangun.pipeline import bangun

    tahun = cek_tahun(args.tahun)
    diam = bool(os.environ.get("CI"))
    lapor = (lambda _s: None) if diam else (lambda s: print(s, flush=True))

    def render(data, staging, tunggu_gambar):
        from lakip_calc.bangun.laporan import render_laporan

        lapor("      render laporan (HTML, PDF, DOCX) ...")
        render_laporan(data, staging, draft=args.draft, tunggu_gambar=tunggu_gambar)

    h = bangun(
        tahun,
        data_dir=args.data,
        build_dir=args.build,
        lapor=lapor,
        # one line per step (its start and its end), not papermill's per-cell bars:
        # several notebooks run at once and their bars would interleave
        progress=False,
        setelah_notebook=render,
        draft=args.draft,
    )
    if getattr(args, "tautkan", args.build is None):
        from lakip_calc.bangun.laporan import tautkan_proyek

        tautkan_proyek(h.folder)
    if h.tanpa_perubahan:
        # the previous build is current: no kernel started, nothing rendered
        print(f"Tidak ada perubahan: {tampil(h.folder)}/ sudah mutakhir ({h.detik:.2f} dtk).")
        return 0
    print(_ringkasan_data(tahun, args.data, h.data))
    print(_ringkasan_bangun(h))
    if args.draft:
        print(
            f"  DRAFT               : {h.belum_diisi} isian belum diisi; setiap halaman "
            "bertanda DRAFT"
        )
    return 0


def _cmd_tahun_baru(args: argparse.Namespace) -> int:
    from lakip_calc.tahunan.tahun_baru import buat_tahun_baru

    h = buat_tahun_baru(cek_tahun(args.tahun), args.data)
    print(h.ringkasan())
    return 0


def _cmd_buku_kerja(args: argparse.Namespace) -> int:
    from lakip_calc.tahunan.buku_kerja import tulis_buku_kerja

    p = tulis_buku_kerja(cek_tahun(args.tahun), args.data, args.keluar)
    print(f"Buku kerja ditulis: {tampil(p)}")
    print("  Isi sel putih (baris judul terkunci), simpan sebagai .xlsx, lalu:")
    opd = f" OPD={args.opd}" if getattr(args, "opd", None) else ""
    print(f"  make import YEAR={args.tahun}{opd} XLSX={tampil(p)}")
    return 0


def _cmd_impor(args: argparse.Namespace) -> int:
    from lakip_calc.tahunan.buku_kerja import impor_buku_kerja

    tahun = cek_tahun(args.tahun)
    xlsx = args.xlsx or folder_data(tahun, args.data) / f"isian-{tahun}.xlsx"
    h = impor_buku_kerja(tahun, xlsx, args.data, coba=args.coba)
    print(h.teks())
    return 0


def _cmd_verifikasi(args: argparse.Namespace) -> int:
    from lakip_calc.audit.verifikasi import verifikasi

    tahun = cek_tahun(args.tahun)
    h = verifikasi(tahun, data_dir=args.data, build_dir=args.build, html=args.html)
    print(h.teks(), flush=True)
    return 0 if h.cocok else 1


def _cmd_publikasi(args: argparse.Namespace) -> int:
    from lakip_calc.audit.publikasi import terbitkan

    tahun = cek_tahun(args.tahun)
    h = terbitkan(tahun, build_dir=args.build, situs=args.situs, data_dir=args.data)
    print(h.teks(), flush=True)
    return 0


def _ringkasan_bangun(h) -> str:
    baris = [
        "",
        f"Laporan {h.tahun} selesai dalam {h.detik:.1f} dtk -> {tampil(h.folder)}/",
        f"  Notebook dijalankan : {len(h.notebook)} ("
        + ", ".join(f"{n} {d:.1f} dtk" for n, d in h.notebook)
        + ")",
        f"  Dipakai ulang       : {len(h.dipakai_ulang)} notebook"
        + (" dan berkas laporan" if h.render_dipakai_ulang else "")
        + " (kunci cache tidak berubah)",
        f"  Angka dihitung      : {h.jumlah_angka} (numbers.json)",
        f"  Cek rekonsiliasi    : {h.cocok} cocok, {h.selisih} selisih (reconciliation.csv)",
    ]
    if h.terbesar:
        baris.append("  Selisih terbesar:")
        baris += [f"    - {t}" for t in h.terbesar]
    if h.dipulihkan:
        baris.append(
            f"  Dipulihkan          : {len(h.dipulihkan)} berkas yang hilang atau berubah sejak "
            "build terakhir: "
            + ", ".join(h.dipulihkan[:5])
            + (f" dan {len(h.dipulihkan) - 5} lainnya" if len(h.dipulihkan) > 5 else "")
        )
    baris += [f"  PERINGATAN: {p}" for p in h.peringatan]
    return "\n".join(baris)


class _Parser(argparse.ArgumentParser):
    """argparse with Indonesian errors and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        terjemahan = (
            message.replace("the following arguments are required", "argumen wajib belum diberikan")
            .replace("invalid choice", "pilihan tidak dikenal")
            .replace("unrecognized arguments", "argumen tidak dikenal")
            .replace("expected one argument", "argumen ini memerlukan satu nilai")
        )
        self.exit(2, f"GALAT: {terjemahan}\n")


def _jalur(flag: str, bantuan: str) -> tuple[str, dict[str, Any]]:
    """An option that names a file or folder (``None`` when not given)."""
    return flag, {"type": Path, "default": None, "help": bantuan}


def _tanda(flag: str, bantuan: str) -> tuple[str, dict[str, Any]]:
    """An on/off option."""
    return flag, {"action": "store_true", "help": bantuan}


_BUILD = _jalur("--build", "folder build (bawaan: build/)")

#: The subcommands in help order: name, description, handler and the options they add to
#: the shared ``--tahun``, ``--data`` and ``--opd``.
_PERINTAH: tuple[tuple[str, str, Callable[[argparse.Namespace], int], tuple], ...] = (
    ("validasi", "Muat dan periksa data satu tahun, lalu cetak ringkasannya.", _cmd_validasi, ()),
    (
        "laporan",
        "Bangun laporan satu tahun.",
        _cmd_laporan,
        (
            _jalur("--build", "folder keluaran (bawaan: build/)"),
            _tanda(
                "--draft",
                "buat laporan walau masih ada isian kosong: 'belum diisi' dan tanda DRAFT",
            ),
        ),
    ),
    (
        "tahun-baru",
        "Buat folder data tahun baru dari tahun terakhir yang ada (struktur dibawa, fakta kosong).",
        _cmd_tahun_baru,
        (),
    ),
    (
        "buku-kerja",
        "Tulis buku kerja Excel untuk mengisi data satu tahun.",
        _cmd_buku_kerja,
        (
            _jalur(
                "--keluar", "berkas .xlsx yang ditulis (bawaan: data/<TAHUN>/isian-<TAHUN>.xlsx)"
            ),
        ),
    ),
    (
        "impor",
        "Periksa buku kerja Excel yang sudah diisi, lalu tulis CSV-nya (semua atau tidak sama "
        "sekali).",
        _cmd_impor,
        (
            _jalur(
                "--xlsx",
                "buku kerja yang sudah diisi (bawaan: <folder data>/<TAHUN>/isian-<TAHUN>.xlsx)",
            ),
            _tanda("--coba", "periksa dan tampilkan perubahan tanpa menulis CSV"),
        ),
    ),
    (
        "verifikasi",
        "Jalankan ulang semua notebook dari data dan bandingkan dengan manifest build "
        "(atau dengan HTML terbitan).",
        _cmd_verifikasi,
        (
            _BUILD,
            _jalur(
                "--html",
                "periksa berkas HTML terbitan ini (manifest dan angka tertanam) alih-alih build/",
            ),
        ),
    ),
    (
        "publikasi",
        "Isi folder situs statis (_site/) dari build yang sudah ada.",
        _cmd_publikasi,
        (_BUILD, _jalur("--situs", "folder situs (bawaan: _site/)")),
    ),
)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lakip", description="Pipeline LAKIP: data -> angka -> laporan.")
    sub = p.add_subparsers(dest="perintah", required=True)
    for nama, bantuan, fungsi, opsi in _PERINTAH:
        sp = sub.add_parser(nama, help=bantuan, description=bantuan)
        sp.error = p.error  # type: ignore[method-assign]
        sp.add_argument("--tahun", required=True, help="tahun laporan, empat angka (2023)")
        sp.add_argument("--data", type=Path, default=None, help="folder data (bawaan: data/)")
        sp.add_argument(
            "--opd",
            default=None,
            help="instansi di folder data yang berisi beberapa instansi (<DATA>/<OPD>/<TAHUN>/); "
            "tanpa --opd perintah dijalankan untuk setiap instansi",
        )
        for flag, kw in opsi:
            sp.add_argument(flag, **kw)
        sp.set_defaults(fungsi=fungsi)
    return p


def _jalankan(args: argparse.Namespace) -> int:
    """Run the command on the office the data folder and ``--opd`` select, or on every office.

    A folder of one office is used as it is (``--opd`` is refused). In a regency
    folder (:mod:`lakip_calc.masukan.regensi`) ``--opd`` picks the office: its folder
    becomes the data folder and ``<build>/<office>`` the build folder; without
    ``--opd`` the command runs for every office (:func:`_semua_opd`).
    """
    from lakip_calc.masukan.regensi import kenali

    tata = kenali(args.data)
    if tata.regensi and args.opd is None:
        return _semua_opd(args, tata)
    args.data = tata.folder_opd(args.opd) if tata.regensi or args.opd else args.data
    if tata.regensi and "build" in args:
        args.tautkan = args.build is None  # the project's preview follows the office built
        args.build = tata.build_opd(args.opd, args.build)
    return args.fungsi(args)


#: What each command is called for every office of a regency folder.
_JUDUL_SEMUA = {
    "validasi": "Validasi data",
    "laporan": "Laporan",
    "verifikasi": "Verifikasi",
    "tahun-baru": "Tahun baru",
}


def _daftar_opd(args: argparse.Namespace, tata: TataLetak, tahun: int) -> tuple[list[str], str]:
    """The offices a command runs for, and a note on those it skips (empty when none)."""
    from lakip_calc.errors import ConfigError

    if args.perintah == "tahun-baru":  # offices that do not have the year yet
        daftar = [o for o in tata.opd if not (tata.akar / o / str(tahun)).exists()]
        if not daftar:
            raise ConfigError(f"setiap instansi di {tampil(tata.akar)} sudah memiliki {tahun}/.")
    else:
        daftar = tata.opd_dengan_tahun(tahun)
        if not daftar:
            raise ConfigError(
                f"tidak ada instansi di {tampil(tata.akar)} yang memiliki folder {tahun}/ "
                f"(instansi: {', '.join(tata.opd)}). Periksa YEAR."
            )
    lewat = [o for o in tata.opd if o not in daftar]
    if not lewat:
        return daftar, ""
    alasan = "sudah ada" if args.perintah == "tahun-baru" else "tidak ada"
    return daftar, f"Dilewati (folder {tahun}/ {alasan}): {', '.join(lewat)}"


def _semua_opd(args: argparse.Namespace, tata: TataLetak) -> int:
    """Run the command for every office of a regency folder; non-zero when any failed."""
    from lakip_calc.bangun.serentak import jalankan_semua, ringkasan
    from lakip_calc.paths import BUILD

    tahun = cek_tahun(args.tahun)
    if args.perintah == "publikasi":
        from lakip_calc.audit.situs import terbitkan_regensi

        h = terbitkan_regensi(tahun, tata, build_dir=args.build, situs=args.situs)
        print(h.teks(), flush=True)
        return 0
    if args.perintah not in _JUDUL_SEMUA or getattr(args, "html", None) is not None:
        tata.folder_opd(None)  # one office only (a workbook, an HTML file): names the offices
    daftar, dilewati = _daftar_opd(args, tata, tahun)
    tambahan = []
    if "build" in args:
        tambahan += ["--build", str(Path(args.build or BUILD).resolve())]
    if getattr(args, "draft", False):
        tambahan.append("--draft")
    akar = str(tata.akar.resolve())

    def perintah(opd: str) -> list[str]:
        return [args.perintah, "--tahun", str(tahun), "--data", akar, "--opd", opd, *tambahan]

    n = min(os.cpu_count() or 1, len(daftar))
    judul = f"{_JUDUL_SEMUA[args.perintah]} {tahun}"
    print(f"{judul}: {len(daftar)} instansi di {tampil(tata.akar)}, {n} sekaligus.", flush=True)
    hasil = jalankan_semua(daftar, perintah, n=n, lapor=lambda s: print(s, flush=True))
    print(ringkasan(judul, hasil, dilewati), flush=True)
    return 0 if all(h.berhasil for h in hasil) else 1


#: Indonesian words for the filesystem failures a build meets (errno -> what it means).
_GALAT_OS = {
    errno.EACCES: "tidak boleh ditulisi atau dibaca (izin ditolak)",
    errno.EPERM: "tidak boleh diubah (izin ditolak)",
    errno.EROFS: "berada di sistem berkas yang hanya-baca",
    errno.ENOSPC: "tidak dapat ditulisi: disk penuh",
    errno.EDQUOT: "tidak dapat ditulisi: kuota disk habis",
    errno.EFBIG: "tidak dapat ditulisi: batas ukuran berkas tercapai",
    errno.EEXIST: "sudah ada sebagai berkas, padahal harus berupa folder",
    errno.ENOTDIR: "tidak dapat dipakai: salah satu bagian jalurnya berupa berkas, bukan folder",
    errno.ENOENT: "tidak ditemukan",
    errno.EISDIR: "berupa folder, padahal harus berupa berkas",
}


def pesan_os(e: OSError) -> str:
    """An Indonesian message for a filesystem failure, naming the path."""
    jalur = e.filename if e.filename is not None else "(jalur tidak diketahui)"
    arti = _GALAT_OS.get(e.errno or 0, f"tidak dapat dipakai ({e.strerror or e})")
    return f"{tampil(Path(jalur)) if e.filename else jalur} {arti}."


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit status."""
    args = _parser().parse_args(argv)
    if argv is None and threading.current_thread() is threading.main_thread():
        pasang_sigterm()  # SIGTERM (CI timeout, systemd) is handled like Ctrl-C
    try:
        return _jalankan(args)
    except LakipError as e:
        print(f"GALAT: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"GALAT: {pesan_os(e)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as e:
        if argv is None:  # the program itself (not a call from Python)
            # Everything is cleaned up by now: a further Ctrl-C while the interpreter
            # exits would only kill it with a signal instead of exit status 130.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if isinstance(e, Dihentikan):
            print("Dihentikan (SIGTERM); keluaran sebelumnya tidak diubah.", file=sys.stderr)
            return 143
        print("Dihentikan oleh pengguna; keluaran sebelumnya tidak diubah.", file=sys.stderr)
        return 130
