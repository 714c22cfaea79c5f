"""The worker side of the notebook scheduler (:class:`lakip_calc.bangun.pipeline._Penjadwal`).

A worker is a thread of the build's process: the notebook's client (papermill,
nbclient). The notebook's code runs in its kernel, a process of its own.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lakip_calc.bangun.runner import jalankan_notebook, matikan_kernel, nyalakan_kernel

__all__ = ["Aba", "jalankan_tugas"]

#: A notebook's task: source, executed notebook, parameters, working folder, progress bar,
#: paths to replace in the executed notebook, kernel folder.
Tugas = tuple[str, str, dict, str, bool, dict, str]


class Aba:
    """The scheduler's one word to a notebook's worker: run it, or not."""

    def __init__(self) -> None:
        self._ada = threading.Event()
        self._jalan = False

    def beri(self, jalan: bool) -> None:
        """Give the word (the first one counts)."""
        if not self._ada.is_set():
            self._jalan = jalan
            self._ada.set()

    def tunggu(self) -> bool:
        """Wait for the word; whether to run."""
        self._ada.wait()
        return self._jalan


def jalankan_tugas(tugas: Tugas, aba: Aba) -> float:
    """Start the notebook's kernel, wait for the scheduler's word, run the notebook; seconds.

    Told not to run, the kernel is stopped and 0 seconds are returned.
    """
    sumber, hasil, params, cwd, progress, ganti, folder = tugas
    km = nyalakan_kernel(Path(cwd), Path(folder))
    try:
        if not aba.tunggu():
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
