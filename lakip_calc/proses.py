"""Worker processes that behave under Ctrl-C and under a killed parent.

The notebooks (:mod:`lakip_calc.pipeline`) and the report formats
(:mod:`lakip_calc.render.builtin`) run in forked worker processes. Both need
the same two guarantees:

- Ctrl-C is handled by the parent alone. A worker interrupted itself would
  print tracebacks and stop in the middle of its work; the parent decides what
  to wait for and what to stop.
- A worker never outlives its parent. A parent killed with SIGKILL cannot stop
  its workers; without a watch they would wait for work forever and keep the
  parent's output pipes open.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

__all__ = [
    "awasi_induk",
    "bekal",
    "boleh_fork",
    "pool_pekerja",
    "serahkan",
    "hentikan",
    "tanpa_gc",
]

#: What the pool's creator handed its workers (:func:`pool_pekerja` ``bekal``).
_BEKAL: Any = None


def bekal() -> Any:
    """In a worker: the ``bekal`` its pool was created with (``None`` if none)."""
    return _BEKAL


def awasi_induk(induk: int, titipan: Any = None) -> None:
    """Worker initializer: ignore Ctrl-C and leave as soon as process ``induk`` is gone.

    ``titipan`` becomes the worker's :func:`bekal`.
    """
    global _BEKAL
    _BEKAL = titipan
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked while forking

    def awasi() -> None:
        while os.getppid() == induk:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=awasi, name="awasi-induk", daemon=True).start()


def boleh_fork() -> bool:
    """Whether this process may fork workers that run arbitrary code.

    A forked child has only the thread that forked; a library whose threads
    were started in the parent believes they still exist. Typst's Rust thread
    pool, once used in the parent (a chart drawn, a PDF compiled), makes a
    forked child's compile wait forever for threads that are not there. So a
    fork is taken only from a process that runs a single OS thread (counted
    in ``/proc/self/task``: Python's ``threading`` does not see native threads).
    """
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # not Linux: no such count, no fork
        return False


@contextmanager
def pool_pekerja(n: int, mp_context: Any = None, bekal: Any = None):
    """A process pool whose workers run :func:`awasi_induk`; shut down on leaving.

    ``bekal`` is handed to every worker as it starts (read there with
    :func:`bekal`): what may only be passed to a process when it is created,
    not with each task, such as the file descriptors of inherited pipes.
    """
    ex = ProcessPoolExecutor(
        max_workers=max(1, n),
        mp_context=mp_context,
        initializer=awasi_induk,
        initargs=(os.getpid(), bekal),
    )
    try:
        yield ex
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def serahkan(
    ex: ProcessPoolExecutor, fungsi: Callable[[Any], Any], tugas: Iterable[Any]
) -> list[Future]:
    """Submit ``fungsi(t)`` for every ``t`` with Ctrl-C held back while workers fork.

    The workers are forked at the first submit: a Ctrl-C arriving during a fork
    would be lost in the fork handlers, so it waits (blocked) until they exist.
    """
    lama = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return [ex.submit(fungsi, t) for t in tugas]
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, lama)


def hentikan(ex: ProcessPoolExecutor) -> None:
    """Stop every worker of ``ex`` now (their work is being thrown away).

    Stopping workers under the executor breaks its management thread, which
    would print a traceback while the program exits on purpose: that thread's
    error is not reported.
    """
    threading.excepthook = lambda _args: None
    for proses in list((getattr(ex, "_processes", None) or {}).values()):
        proses.terminate()


@contextmanager
def tanpa_gc():
    """Hold Python's cyclic garbage collector off for the block (restored after).

    The renderer builds and rebuilds pandoc ASTs of some hundred thousand small
    dicts and lists. Every few hundred new objects the collector runs, and the
    older generations it scans hold the whole tree: for the 2023 report that
    was about 40 % of the filter's time. The trees have no reference cycles
    (plain JSON data), so reference counting frees them as before; workers
    forked inside the block inherit the setting.
    """
    aktif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if aktif:
            gc.enable()
