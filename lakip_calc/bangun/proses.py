"""Worker processes that behave under Ctrl-C and under a killed parent.

The notebooks (:mod:`lakip_calc.bangun.pipeline`) run in worker processes of a
:class:`PoolPekerja`: each worker is a new interpreter (multiprocessing's
``spawn`` start method) that imports only what it runs. The workers need two
guarantees:

- Ctrl-C is handled by the parent alone. A worker interrupted itself would
  print tracebacks and stop in the middle of its work; the parent decides what
  to wait for and what to stop.
- A worker never outlives its parent. A parent killed with SIGKILL cannot stop
  its workers; without a watch they would wait for work forever and keep the
  parent's output pipes open.

It also holds what a build needs to behave as one process among others:
SIGTERM handled like Ctrl-C (:func:`pasang_sigterm`), one build of a year at
a time (:func:`kunci_tahun`), the private folder of the notebook kernels'
connection files and sockets (:func:`folder_kernel`), and the pause point that
tests use to interrupt a build at a known step (:func:`titik_jeda`).
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import select
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from lakip_calc.errors import LakipError

__all__ = [
    "Dihentikan",
    "pasang_sigterm",
    "kunci_tahun",
    "pemegang_kunci",
    "folder_kernel",
    "bersihkan_kernel_sisa",
    "titik_jeda",
    "ENV_JEDA",
    "awasi_induk",
    "bekal",
    "PoolPekerja",
]

#: What the pool's creator handed its workers (:class:`PoolPekerja` ``bekal``).
_BEKAL: Any = None


def bekal() -> Any:
    """In a worker: the ``bekal`` its pool was created with (``None`` if none)."""
    return _BEKAL


def awasi_induk(henti: Connection, titipan: Any = None) -> None:
    """Worker initializer: ignore Ctrl-C, and leave as soon as ``henti`` reaches its end.

    ``henti`` is the reading end of a pipe whose only writing end the pool's
    creator holds (:class:`PoolPekerja`); nothing is ever written on it. Its
    end comes when the creator closes it (:meth:`PoolPekerja.hentikan`) or
    when the creator is gone, killed with SIGKILL included: the system closes
    a dead process's files. ``titipan`` becomes the worker's :func:`bekal`.
    """
    global _BEKAL
    _BEKAL = titipan
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C pending since the start is dropped
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # terminate() (a broken pool) ends it at once
    # SIGINT was blocked when this process was started (PoolPekerja.serahkan) and
    # the block is inherited through exec: Python's start-up ran with it held back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_tunggu_henti, args=(henti,), name="awasi-induk", daemon=True).start()


def _tunggu_henti(henti: Connection) -> None:
    """Block until ``henti`` ends (the pool is stopped, or its creator is gone), then leave."""
    try:
        henti.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(1)


class PoolPekerja:
    """A :class:`~concurrent.futures.ProcessPoolExecutor` whose workers run :func:`awasi_induk`.

    The workers are started by ``spawn``: a new interpreter that receives, as
    it is created, the initializer's arguments (``bekal`` included: what may
    only be handed to a process when it starts, such as the reading ends of
    :func:`multiprocessing.Pipe`). A worker starts when a task is submitted
    and no worker is free (at most ``n``).

    Stopping the workers now (:meth:`hentikan`) closes the pipe they all
    watch; no process is signalled and no attribute of the executor is read.
    """

    def __init__(self, n: int, bekal: Any = None) -> None:
        konteks = multiprocessing.get_context("spawn")
        self._baca_henti, self._tulis_henti = konteks.Pipe(duplex=False)
        self.ex = ProcessPoolExecutor(
            max_workers=max(1, n),
            mp_context=konteks,
            initializer=awasi_induk,
            initargs=(self._baca_henti, bekal),
        )

    def serahkan(self, fungsi: Callable[[Any], Any], tugas: Any) -> Future:
        """Submit ``fungsi(tugas)`` with Ctrl-C held back while a worker is started for it.

        The submit starts a worker when none is free. A Ctrl-C in its middle
        would leave a started worker the executor does not know of; the block
        is also inherited by the new process, which thus cannot be interrupted
        before :func:`awasi_induk` has made it ignore Ctrl-C. A Ctrl-C sent
        meanwhile is raised here once the submit is done.
        """
        lama = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self.ex.submit(fungsi, tugas)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, lama)

    def hentikan(self) -> None:
        """Stop every worker now (their work is being thrown away); :meth:`tutup` follows.

        The executor sees its workers end under it and marks the pool broken
        (its running tasks raise :class:`~concurrent.futures.process.BrokenProcessPool`;
        :meth:`tutup` cancels those still queued).
        Should its management thread fail meanwhile, that error is not
        reported: the program is stopping on purpose.
        """
        threading.excepthook = lambda _args: None
        self._tulis_henti.close()

    def tutup(self) -> None:
        """Wait for the running tasks and the workers' end (pending tasks are cancelled)."""
        self.ex.shutdown(wait=True, cancel_futures=True)
        self._tulis_henti.close()
        self._baca_henti.close()


# --------------------------------------------------------------------------- SIGTERM


class Dihentikan(KeyboardInterrupt):
    """SIGTERM arrived (a CI timeout, systemd, ``timeout``): handled like Ctrl-C.

    Unlike a first Ctrl-C, running notebooks are not waited for: the workers
    and kernels are stopped at once, the staging folder removed, and the
    previous build stays as it was.
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

    The system drops the lock of a build that died (no worker or kernel has
    the lock file open: they are started by exec, which closes it). A build
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
        _hentikan_kernel(folder)
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


def _hentikan_kernel(folder: Path) -> None:
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
            _hentikan_kernel(p)
            shutil.rmtree(p, ignore_errors=True)


# --------------------------------------------------------------------------- pause point

#: Test-only: ``<titik>[,...]:<folder>`` makes the build pause at those steps:
#: ``kernel-<notebook>`` (in the worker, that notebook's kernel started, before its
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
