"""Run one command for every office of a regency folder, several offices at once.

Each office runs as its own ``python -m lakip_calc <perintah> --opd <office>``
process: its build is the single-office build, with its own kernels, staging
folder and state under ``build/<office>/``. At most ``n`` offices run at once
(default: the number of CPUs), each running at most CPUs / ``n`` notebooks at
once (``LAKIP_PARALEL``, :func:`lakip_calc.bangun.pipeline.paralel_bawaan`), so that
the machine is shared rather than oversubscribed; one line is printed as each
office ends, and
one office's failure does not stop the others. :func:`ringkasan` is the table
printed at the end.

The offices run in process groups of their own, so that a Ctrl-C reaches this
process alone: it then starts no further office and passes one SIGINT to each
running office, which stops its build as a single-office build does (previous
output untouched), and waits for them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from lakip_calc.paths import ROOT

__all__ = ["HasilOpd", "jalankan_semua", "ringkasan"]

#: Lines of a failed office's output shown in the summary.
_MAKS_BARIS = 12


@dataclass
class HasilOpd:
    """How one office's command ended."""

    opd: str
    kode: int
    detik: float
    keluaran: str = ""
    galat: str = ""

    @property
    def berhasil(self) -> bool:
        return self.kode == 0

    def pesan(self) -> list[str]:
        """The lines that say why a failed office failed (its GALAT lines, else the last lines)."""
        baris = [b for b in (self.galat + "\n" + self.keluaran).splitlines() if b.strip()]
        galat = [b for b in baris if b.startswith("GALAT")]
        return (galat or baris[-_MAKS_BARIS:])[:_MAKS_BARIS]


@dataclass
class _Pelaksana:
    perintah: Callable[[str], list[str]]
    env: dict[str, str]
    stop: threading.Event = field(default_factory=threading.Event)
    proses: dict[str, subprocess.Popen] = field(default_factory=dict)
    kunci: threading.Lock = field(default_factory=threading.Lock)

    def jalankan(self, opd: str) -> HasilOpd:
        """In a thread: run the office's command to its end (not started after a stop)."""
        mulai = time.monotonic()
        with self.kunci:
            if self.stop.is_set():
                return HasilOpd(opd, 130, 0.0, galat="GALAT: tidak dijalankan (dihentikan).")
            p = subprocess.Popen(
                [sys.executable, "-m", "lakip_calc", *self.perintah(opd)],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                process_group=0,
            )
            self.proses[opd] = p
        keluar, galat = p.communicate()
        with self.kunci:
            del self.proses[opd]
        return HasilOpd(opd, p.returncode, time.monotonic() - mulai, keluar, galat)

    def hentikan(self) -> None:
        """Start no further office; pass one SIGINT to each running one."""
        with self.kunci:
            self.stop.set()
            for p in self.proses.values():
                try:
                    p.send_signal(signal.SIGINT)
                except ProcessLookupError:
                    pass


def _env_opd(n: int) -> dict[str, str]:
    """The environment of an office's process: quiet, and its share of the CPUs."""
    bagian = max(1, (os.cpu_count() or 1) // n)
    return {**os.environ, "CI": "1", "PYTHONIOENCODING": "utf-8", "LAKIP_PARALEL": str(bagian)}


def jalankan_semua(
    daftar_opd: Sequence[str],
    perintah: Callable[[str], list[str]],
    *,
    n: int | None = None,
    lapor: Callable[[str], None] = print,
) -> list[HasilOpd]:
    """Run ``python -m lakip_calc <perintah(office)>`` for every office, ``n`` at once.

    Prints one line per office as it ends; returns the results in the order of
    ``daftar_opd``. Raises KeyboardInterrupt after a Ctrl-C, once every running
    office has stopped.
    """
    n = max(1, min(n or os.cpu_count() or 1, len(daftar_opd)))
    pelaksana = _Pelaksana(perintah, _env_opd(n))
    hasil: dict[str, HasilOpd] = {}
    lebar = max((len(o) for o in daftar_opd), default=0)
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="opd") as ex:
        janji: dict[Future, str] = {ex.submit(pelaksana.jalankan, o): o for o in daftar_opd}
        sisa = set(janji)
        try:
            while sisa:
                beres, sisa = wait(sisa, return_when=FIRST_COMPLETED)
                for j in sorted(beres, key=lambda j: janji[j]):
                    h = j.result()
                    hasil[h.opd] = h
                    status = "selesai" if h.berhasil else f"GAGAL (kode {h.kode})"
                    lapor(
                        f"[{len(hasil)}/{len(daftar_opd)}] {h.opd.ljust(lebar)}  {status} "
                        f"({h.detik:.1f} dtk)"
                    )
        except KeyboardInterrupt:
            pelaksana.hentikan()
            wait(sisa)
            raise
    return [hasil[o] for o in daftar_opd]


def ringkasan(judul: str, hasil: Sequence[HasilOpd], catatan: str = "") -> str:
    """The table printed after every office has ended, failed offices' messages included."""
    lebar = max([len("Instansi"), *(len(h.opd) for h in hasil)])
    gagal = [h for h in hasil if not h.berhasil]
    baris = [
        "",
        f"{judul}: {len(hasil) - len(gagal)} berhasil, {len(gagal)} gagal "
        f"dari {len(hasil)} instansi.",
        f"  {'Instansi'.ljust(lebar)}  {'Status':<8}  {'Waktu':>9}",
    ]
    for h in hasil:
        status = "berhasil" if h.berhasil else "GAGAL"
        baris.append(f"  {h.opd.ljust(lebar)}  {status:<8}  {h.detik:7.1f} dtk")
    if catatan:
        baris.append(f"  {catatan}")
    for h in gagal:
        baris.append(f"Instansi {h.opd} gagal:")
        baris += [f"  {b}" for b in h.pesan()]
    return "\n".join(baris)
