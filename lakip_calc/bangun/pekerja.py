"""The worker side of the notebook scheduler (:class:`lakip_calc.bangun.pipeline._Penjadwal`).

A worker is a new interpreter (:class:`lakip_calc.bangun.proses.PoolPekerja`):
it imports this module, the notebook runner and what the runner needs, not
the rest of the build.
"""

from __future__ import annotations

from multiprocessing.connection import Connection
from pathlib import Path

from lakip_calc.bangun.proses import bekal
from lakip_calc.bangun.runner import jalankan_notebook, matikan_kernel, nyalakan_kernel

__all__ = ["jalankan_tugas"]

#: A notebook's task: source, executed notebook, parameters, working folder, progress bar,
#: paths to replace in the executed notebook, kernel folder, the notebook's name.
Tugas = tuple[str, str, dict, str, bool, dict, str, str]


def jalankan_tugas(tugas: Tugas) -> float:
    """Start the notebook's kernel, wait for the scheduler's word, run the notebook; seconds.

    The word arrives on the notebook's pipe, whose reading end is in the
    worker's :func:`~lakip_calc.bangun.proses.bekal` under the notebook's name.
    Told not to run, the kernel is stopped and 0 seconds are returned.
    """
    sumber, hasil, params, cwd, progress, ganti, folder, nama = tugas
    km = nyalakan_kernel(Path(cwd), Path(folder))
    try:
        if not _boleh_jalan(bekal()[nama]):
            return 0.0
        h = jalankan_notebook(
            Path(sumber),
            Path(hasil),
            params,
            cwd=Path(cwd),
            progress=progress,
            ganti=ganti,
            folder_kernel=Path(folder),
            km=km,
        )
    finally:
        matikan_kernel(km)
    return h.detik


def _boleh_jalan(aba: Connection) -> bool:
    """The scheduler's word on ``aba``: ``b"1"`` run; ``b"0"``, or its end (the build is gone): not."""
    try:
        return aba.recv_bytes() == b"1"
    except EOFError:
        return False
