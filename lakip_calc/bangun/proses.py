"""What a build needs to behave as one process among others.

SIGTERM handled like Ctrl-C (:func:`pasang_sigterm`), one build of a year at
a time (:func:`kunci_tahun`), the private folder of the notebook kernels'
connection files and sockets, whose kernels are killed when the build stops
(:func:`folder_kernel`, :func:`hentikan_kernel`), and the pause point that
tests use to interrupt a build at a known step (:func:`titik_jeda`).
"""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lakip_calc.errors import LakipError

__all__ = [
    "Dihentikan",
    "pasang_sigterm",
    "kunci_tahun",
    "pemegang_kunci",
    "folder_kernel",
    "hentikan_kernel",
    "bersihkan_kernel_sisa",
    "titik_jeda",
    "ENV_JEDA",
]


# --------------------------------------------------------------------------- SIGTERM


class Dihentikan(KeyboardInterrupt):
    """SIGTERM arrived (a CI timeout, systemd, ``timeout``): handled like Ctrl-C.

    Unlike a first Ctrl-C, running notebooks are not waited for: their kernels
    are stopped at once, the staging folder removed, and the previous build
    stays as it was.
    """


def _sigterm(_signum: int, _frame: Any) -> None:
    raise Dihentikan


def pasang_sigterm() -> None:
    """Turn SIGTERM into :class:`Dihentikan` in this (main) thread."""
    signal.signal(signal.SIGTERM, _sigterm)


# --------------------------------------------------------------------------- one build per year


def _berkas_kunci(build_root: Path, tahun: int) -> Path:
    return Path(build_root) / f".kunci-{tahun}"


@contextmanager
def kunci_tahun(build_root: Path, tahun: int) -> Iterator[None]:
    """Hold the lock of ``build/<tahun>`` for the block; refuse when another build holds it.

    The lock is an ``flock`` on ``build/.kunci-<tahun>``, which holds the pid
    of its holder (for the message). The kernel drops the lock of a process
    that died, so a lock left by a killed build is simply taken over.
    """
    p = _berkas_kunci(build_root, tahun)
    fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if not _ambil_kunci(fd):
            pid = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise LakipError(
                f"laporan {tahun} sedang dibangun oleh proses lain (pid {pid}, berkas kunci "
                f"{p}). Tunggu sampai pembangunan itu selesai, lalu jalankan lagi."
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _ambil_kunci(fd: int) -> bool:
    """Take the lock on ``fd``; False when a running build holds it.

    The system drops the lock of a build that died (no kernel has the lock
    file open: kernels are started by exec, which closes it). A build
    that has just taken the lock has not yet written its pid over the previous
    holder's: while the recorded holder is dead, wait (a few seconds at most)
    for the lock to come free or a living holder's pid to appear.
    """
    batas = time.monotonic() + 5
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            isi = os.pread(fd, 32, 0).decode(errors="replace").strip()
            if not isi.isdigit() or _pid_hidup(int(isi)) or time.monotonic() > batas:
                return False
            time.sleep(0.05)


def pemegang_kunci(build_root: Path, tahun: int) -> int | None:
    """The pid of the build holding ``build/<tahun>``'s lock, ``None`` when none does."""
    p = _berkas_kunci(build_root, tahun)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            isi = os.pread(fd, 32, 0).decode(errors="replace").strip()
            return int(isi) if isi.isdigit() else -1
        return None
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- kernel files

_AWALAN_KERNEL = "lakip-kernel-"


def _pid_hidup(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def folder_kernel() -> Iterator[Path]:
    """A private folder for the kernels' connection files (HMAC keys) and IPC sockets.

    ``$TMPDIR/lakip-kernel-<pid>-<random>``: a Unix socket path is limited to
    about 100 bytes, too short for a path inside a deep build folder. On
    leaving, every kernel still running from it is killed (each kernel's pid
    is recorded next to its connection file) and the folder is removed; what a
    killed build left is removed by the next build (:func:`bersihkan_kernel_sisa`).
    """
    bersihkan_kernel_sisa()
    folder = Path(tempfile.mkdtemp(prefix=f"{_AWALAN_KERNEL}{os.getpid()}-", dir=_dasar_kernel()))
    try:
        yield folder
    finally:
        hentikan_kernel(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _dasar_kernel() -> str:
    """``$TMPDIR``, or ``/tmp`` when ``$TMPDIR`` is too long for the kernels' socket paths."""
    dasar = tempfile.gettempdir()
    return dasar if len(dasar) <= _PANJANG_DASAR else "/tmp"


#: Longest temp folder that leaves room for ``/lakip-kernel-<pid>-<8>/k<8>-ipc-<port>``
#: within a Unix socket path's 107 bytes.
_PANJANG_DASAR = 60


def _proses_dengan(teks: str) -> list[int]:
    """Pids of the processes whose command line contains ``teks`` (from ``/proc``)."""
    hasil = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if teks.encode() in (d / "cmdline").read_bytes():
                    hasil.append(int(d.name))
            except OSError:
                continue  # gone meanwhile
    return hasil


def hentikan_kernel(folder: Path) -> None:
    """Kill the kernels started from ``folder`` that still run, and wait until they are gone.

    A kernel's command line names its connection file in ``folder``; it leads a
    session of its own (jupyter_client starts it so), killed as a group.
    """
    hidup = _proses_dengan(str(folder) + os.sep)
    for pid in hidup:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    batas = time.monotonic() + 5
    while hidup and time.monotonic() < batas:
        hidup = [pid for pid in hidup if _masih_ada(pid)]
        if hidup:
            time.sleep(0.01)


def _masih_ada(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, killed and waiting for its parent, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def bersihkan_kernel_sisa() -> None:
    """Remove the kernel folders of builds whose process is gone (killed with SIGKILL)."""
    for p in Path(_dasar_kernel()).glob(f"{_AWALAN_KERNEL}*"):
        pid = p.name[len(_AWALAN_KERNEL) :].split("-", 1)[0]
        if pid.isdigit() and not _pid_hidup(int(pid)):
            hentikan_kernel(p)
            shutil.rmtree(p, ignore_errors=True)


# --------------------------------------------------------------------------- pause point

#: Test-only: ``<titik>[,...]:<folder>`` makes the build pause at those steps:
#: ``kernel-<notebook>`` (in the notebook's worker thread, its kernel started, before its
#: first cell), ``tutup`` (after a first Ctrl-C, before waiting for running
#: notebooks), ``render`` (before the report is rendered).
ENV_JEDA = "LAKIP_UJI_JEDA"


def titik_jeda(titik: str) -> None:
    """A pause point for tests; does nothing unless ``LAKIP_UJI_JEDA`` names ``titik``.

    Test-only (never set it in normal use). With ``LAKIP_UJI_JEDA=<titik>[,<titik>...]:<folder>``
    and two FIFOs ``<folder>/siap`` and ``<folder>/lanjut`` made by the test, the
    build writes ``<titik> <pid>`` into ``siap`` and then blocks until the test
    opens ``lanjut`` for writing and closes it. A test thus interrupts the build
    at a known step without racing it; a signal received while blocked is
    handled as anywhere else (Ctrl-C, SIGTERM).

    ``lanjut`` is opened (without blocking) before ``siap`` is written: the test's
    release can never come before the build waits for it. The wait is a ``poll``
    that ends when a writer has opened ``lanjut`` since (Linux reports a FIFO's
    hang-up only for writers that came after the reader opened it).
    """
    nilai = os.environ.get(ENV_JEDA, "")
    nama, _, folder = nilai.partition(":")
    if titik not in nama.split(",") or not folder:
        return
    fd = os.open(Path(folder) / "lanjut", os.O_RDONLY | os.O_NONBLOCK)
    try:
        with open(Path(folder) / "siap", "w", encoding="utf-8") as f:
            f.write(f"{titik} {os.getpid()}\n")
        tunggu = select.poll()
        tunggu.register(fd, select.POLLIN)
        while not tunggu.poll():
            pass
    finally:
        os.close(fd)
