"""The build's worker processes (:class:`lakip_calc.bangun.proses.PoolPekerja`).

Workers are new interpreters (``spawn``); these tests run real workers and
check what the build relies on: Ctrl-C never reaches a worker, not even while
it starts; a stopped pool's workers leave at once; a worker whose parent was
killed leaves by itself. The tasks are this module's functions (a spawned
worker imports them by name).
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import subprocess
import sys
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from lakip_calc.bangun.proses import PoolPekerja, bekal
from lakip_calc.paths import ROOT


def _sinyal_proses(_tugas: object) -> tuple[int, bool, bool]:
    """In a worker: its pid, and whether SIGINT is blocked and whether it is ignored."""
    status = dict(
        baris.split(":\t", 1)
        for baris in Path("/proc/self/status").read_text().splitlines()
        if ":\t" in baris
    )
    bit = 1 << (signal.SIGINT - 1)
    return os.getpid(), bool(int(status["SigBlk"], 16) & bit), bool(int(status["SigIgn"], 16) & bit)


def _tunggu_selamanya(_tugas: object) -> None:
    """In a worker: work that never ends by itself."""
    threading.Event().wait()


def _tandai_lalu_tunggu(fifo: str) -> None:
    """In a worker: write one mark into ``fifo`` (the task runs), then never end."""
    with open(fifo, "wb") as f:
        f.write(b"x")
    _tunggu_selamanya(None)


def _tunggu_tanda(fd: int, jumlah: int) -> None:
    """Block until ``jumlah`` tasks have written their mark into the FIFO open as ``fd``."""
    tanda = b""
    while len(tanda) < jumlah:
        assert select.select([fd], [], [], 120)[0], "tugas tidak mulai di pekerja"
        tanda += os.read(fd, jumlah)


def _isi_bekal(kunci: str) -> object:
    return bekal()[kunci]


def _tunggu_pergi(pid: int, detik: float) -> bool:
    """Wait (at most ``detik``) for process ``pid`` to end; whether it did."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], detik)[0])
    finally:
        os.close(fd)


def test_worker_ignores_ctrl_c_even_while_it_starts() -> None:
    """A Ctrl-C sent the moment a worker exists (its interpreter still starting) is lost
    on it: the start runs with SIGINT blocked, then the worker ignores SIGINT."""
    pool = PoolPekerja(1)
    try:
        janji = pool.serahkan(_sinyal_proses, None)
        (pekerja,) = multiprocessing.active_children()
        os.kill(pekerja.pid, signal.SIGINT)
        pid, diblok, diabaikan = janji.result(timeout=60)
    finally:
        pool.tutup()
    assert pid == pekerja.pid
    assert (diblok, diabaikan) == (False, True)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # restored here


def test_bekal_reaches_every_worker_and_the_pool_ends_clean() -> None:
    baca, tulis = multiprocessing.Pipe(duplex=False)
    pool = PoolPekerja(2, bekal={"teks": "halo", "pipa": baca})
    try:
        assert pool.serahkan(_isi_bekal, "teks").result(timeout=60) == "halo"
    finally:
        pool.tutup()
        baca.close()
        tulis.close()
    assert multiprocessing.active_children() == []


def test_stopped_pool_leaves_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """:meth:`PoolPekerja.hentikan` ends workers in the middle of their work.

    Both tasks must be running first (each writes a mark into a FIFO): a task still
    queued when the pool stops is cancelled instead, which a busy machine showed.
    """
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)  # hentikan replaces it
    fifo = tmp_path / "mulai"
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDWR)  # a writer of its own: no end of file between the marks
    pool = PoolPekerja(2)
    try:
        janji = [pool.serahkan(_tandai_lalu_tunggu, str(fifo)) for _ in range(2)]
        _tunggu_tanda(fd, 2)
    finally:
        os.close(fd)
    pekerja = multiprocessing.active_children()
    assert len(pekerja) == 2
    pool.hentikan()
    pool.tutup()
    for j in janji:
        with pytest.raises(BrokenProcessPool):
            j.result(timeout=0)
    assert all(p.exitcode is not None for p in pekerja)
    assert multiprocessing.active_children() == []


_INDUK = """
import sys
sys.path.insert(0, sys.argv[1])
from test_proses import _sinyal_proses, _tunggu_selamanya
from lakip_calc.bangun.proses import PoolPekerja

pool = PoolPekerja(1)
pid, _, _ = pool.serahkan(_sinyal_proses, None).result()
pool.serahkan(_tunggu_selamanya, None)
print(pid, flush=True)
sys.stdin.read()  # until the test kills this process
"""


def test_worker_leaves_when_its_parent_is_killed() -> None:
    """SIGKILL leaves no one to stop the workers: they see their stop pipe end and leave."""
    induk = subprocess.Popen(
        [sys.executable, "-c", _INDUK, str(Path(__file__).parent)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        pid = int(induk.stdout.readline())
        induk.kill()
        induk.wait(timeout=60)
        assert _tunggu_pergi(pid, 10), f"pekerja {pid} masih berjalan"
    finally:
        if induk.poll() is None:
            induk.kill()
            induk.wait()
