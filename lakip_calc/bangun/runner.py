"""Execute parameterized notebooks with papermill.

Orchestration only: the notebooks call the pure core; this module checks their
parameters, runs them on a kernel over IPC transport (no TCP ports, so no port
races when notebooks run side by side), and turns a failing cell into an
Indonesian message that names the notebook and the cell, keeping the partial
notebook for inspection.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum, Unicode, default
from traitlets.config import Config

from lakip_calc.errors import LakipError
from lakip_calc.paths import tampil

__all__ = [
    "NotebookError",
    "IPCKernelManager",
    "nyalakan_kernel",
    "matikan_kernel",
    "parameter_notebook",
    "cek_parameter",
    "jalankan_notebook",
    "id_sel",
    "normalisasi",
]


class NotebookError(LakipError):
    """A notebook failed or was called wrongly."""


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over IPC (Unix sockets), not TCP.

    Only public, configurable traits are set: the transport, and where the
    connection file goes (``folder``, a private folder of the build:
    :func:`lakip_calc.bangun.proses.folder_kernel`). jupyter_client names the IPC
    sockets after the connection file, so both stay in that folder, and two
    kernels started at once never pick the same names.
    """

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)
    folder = Unicode("", config=True, help="Folder of the connection file and IPC sockets.")

    @default("connection_file")
    def _berkas_koneksi(self) -> str:
        if not self.folder:
            return ""
        return os.path.join(self.folder, f"k{uuid.uuid4().hex[:8]}.json")


def nyalakan_kernel(cwd: Path, folder_kernel: Path) -> IPCKernelManager:
    """Start a ``python3`` kernel ahead of its notebook (jupyter_client's ``start_kernel``).

    The same kernel, arguments and working folder as nbclient's own start (it
    gives an IPython kernel an in-memory history); :func:`jalankan_notebook`
    runs the notebook on it (``km``), and :func:`matikan_kernel` stops it.
    Raises :class:`NotebookError` when the kernel does not start.
    """
    from jupyter_core.utils import run_sync

    km = IPCKernelManager(kernel_name="python3", folder=str(folder_kernel))
    try:
        run_sync(km.start_kernel)(
            extra_arguments=["--HistoryManager.hist_file=:memory:"], cwd=str(cwd)
        )
    except Exception as e:
        matikan_kernel(km)
        raise NotebookError(
            f"kernel python3 tidak dapat dinyalakan: {type(e).__name__}: {e}"
        ) from None
    return km


def matikan_kernel(km: IPCKernelManager) -> None:
    """Stop a kernel started by :func:`nyalakan_kernel` now (its files are removed)."""
    from jupyter_core.utils import run_sync

    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


def parameter_notebook(path: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its cell tagged ``parameters``.

    Raises
    ------
    NotebookError
        When the notebook has no such cell, or more than one.
    """
    nb = nbformat.read(path, as_version=4)
    sel = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(sel) != 1:
        raise NotebookError(
            f"{tampil(path)}: harus ada tepat satu sel bertanda 'parameters' (ada {len(sel)})."
        )
    nama: dict[str, Any] = {}
    for baris in sel[0].source.splitlines():
        baris = baris.split("#", 1)[0].strip()
        if "=" in baris and not baris.startswith(("def ", "class ")):
            kiri = baris.split("=", 1)[0].strip().split(":", 1)[0].strip()
            if kiri.isidentifier():
                nama[kiri] = baris.split("=", 1)[1].strip()
    return nama


def cek_parameter(path: Path, parameters: dict[str, Any]) -> None:
    """Raise NotebookError for a parameter the notebook does not declare."""
    ada = parameter_notebook(path)
    asing = sorted(set(parameters) - set(ada))
    if asing:
        raise NotebookError(
            f"parameter tidak dikenal untuk {tampil(path)}: {', '.join(asing)}. "
            f"Parameter yang tersedia: {', '.join(sorted(ada))}."
        )


@dataclass(frozen=True)
class HasilNotebook:
    """What running one notebook produced."""

    sumber: Path
    hasil: Path
    detik: float


_TAG_GALAT = "papermill-error-cell-tag"


def id_sel(path: Path) -> list[str]:
    """Cell ids of a notebook in execution order (papermill's error banners left out)."""
    return [
        c.get("id", "")
        for c in nbformat.read(path, as_version=4).cells
        if _TAG_GALAT not in c.get("metadata", {}).get("tags", [])
    ]


#: stderr lines that depend on the state of the machine, not on the notebook:
#: matplotlib's one-time font cache build, fontconfig's complaints.
_PESAN_MESIN = re.compile(
    r"^(Matplotlib is building the font cache; this may take a moment\.|Fontconfig (warning|error):.*)\n?",
    re.M,
)


def _tanpa_pesan_mesin(outputs: list) -> list:
    """``outputs`` without the machine-state lines of stderr streams (and streams left empty)."""
    hasil = []
    for o in outputs:
        if o.get("output_type") == "stream" and o.get("name") == "stderr":
            o["text"] = _PESAN_MESIN.sub("", o.get("text", ""))
            if not o["text"]:
                continue
        hasil.append(o)
    return hasil


def normalisasi(path: Path, ganti: dict[str, str] | None = None) -> None:
    """Make an executed notebook deterministic: fixed ids, no clock times.

    Lines a kernel writes to stderr because of the machine's state (a font
    cache built for the first time) are dropped: they are not the notebook's.

    ``ganti`` maps temporary paths (the staging folder) to the final ones they
    become, so that the recorded parameters name the published folder.
    """
    ganti = ganti or {}
    nb = nbformat.read(path, as_version=4)
    for c in nb.cells:
        tags = c.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            c["id"] = "injected-parameters"
            for lama, baru in ganti.items():
                c["source"] = c["source"].replace(lama, baru)
        c.get("metadata", {}).pop("execution", None)  # nbclient's wall-clock timings
        if c.get("outputs"):
            c["outputs"] = _tanpa_pesan_mesin(c["outputs"])
        pm_meta = c.get("metadata", {}).get("papermill")
        if pm_meta is not None:
            c["metadata"]["papermill"] = {
                k: pm_meta[k] for k in ("status", "exception") if k in pm_meta
            }
    meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {
        k: meta[k] for k in ("parameters", "default_parameters") if k in meta
    }
    nb.metadata["papermill"]["parameters"] = {
        k: ganti.get(v, v) if isinstance(v, str) else v
        for k, v in meta.get("parameters", {}).items()
    }
    nbformat.write(nb, path)


def jalankan_notebook(
    sumber: Path,
    hasil: Path,
    parameters: dict[str, Any],
    *,
    cwd: Path | None = None,
    progress: bool = False,
    timeout: int = 600,
    ganti: dict[str, str] | None = None,
    folder_kernel: Path | None = None,
    km: IPCKernelManager | None = None,
) -> HasilNotebook:
    """Execute ``sumber`` with ``parameters`` into ``hasil``.

    The executed (or, on failure, partial) notebook is always written to
    ``hasil``. On failure a :class:`NotebookError` names the notebook, the cell
    (number and id) and the error. The kernel starts the standard way
    (papermill, nbclient, jupyter_client); its connection file and sockets go
    into ``folder_kernel`` (a private folder made and removed here when ``None``).
    ``km``: a kernel started ahead (:func:`nyalakan_kernel`, same ``cwd``) to run
    on; the caller stops it.
    """
    from lakip_calc.bangun.proses import folder_kernel as buat_folder

    if folder_kernel is None:
        with buat_folder() as folder:
            return jalankan_notebook(
                sumber, hasil, parameters, cwd=cwd, progress=progress, timeout=timeout,
                ganti=ganti, folder_kernel=folder, km=km,
            )  # fmt: skip
    import time

    mulai = time.monotonic()
    try:
        cek_parameter(sumber, parameters)
        hasil.parent.mkdir(parents=True, exist_ok=True)
        _eksekusi(sumber, hasil, parameters, cwd, progress, timeout, folder_kernel, km)
    except LakipError:
        raise
    except Exception as e:
        raise _galat_notebook(e, sumber, hasil, ganti) from None
    normalisasi(hasil, ganti)
    return HasilNotebook(sumber, hasil, time.monotonic() - mulai)


def _eksekusi(
    sumber: Path,
    hasil: Path,
    parameters: dict[str, Any],
    cwd: Path | None,
    progress: bool,
    timeout: int,
    folder_kernel: Path,
    km: IPCKernelManager | None = None,
) -> None:
    """papermill's run of one notebook on a new kernel (IPC, files in ``folder_kernel``)."""
    import papermill as pm

    from lakip_calc.bangun.proses import titik_jeda

    pm.execute_notebook(
        str(sumber),
        str(hasil),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=progress,
        # papermill changes this process's working folder around the run: not with a
        # kernel started ahead (already in ``cwd``), so that notebooks run side by side
        # in threads never move one another's folder.
        cwd=str(cwd) if cwd and km is None else None,
        kernel_manager_class=IPCKernelManager,
        config=Config({"IPCKernelManager": {"folder": str(folder_kernel)}}),
        execution_timeout=timeout,
        # Written once at the end (and when a cell fails), not twice per cell.
        request_save_on_cell_execute=False,
        # Stop the kernel at once when the last cell has ended: every cell has
        # ended and every file a cell writes is closed (atomic writes).
        shutdown_kernel="immediate",
        # nbclient's hook once the kernel answers: a pause point for tests only.
        on_notebook_start=lambda **_: titik_jeda(f"kernel-{sumber.name}"),
        # nbclient runs on a kernel it is given and leaves it running.
        **({"km": km} if km is not None else {}),
    )


def _galat_notebook(
    e: Exception, sumber: Path, hasil: Path, ganti: dict[str, str] | None
) -> NotebookError:
    """The Indonesian message of a failed run: the cell that failed, or why none ran."""
    from papermill.exceptions import PapermillExecutionError

    if not isinstance(e, PapermillExecutionError):  # kernel died, timeout, ...
        return NotebookError(
            f"notebook {sumber.name} tidak dapat dijalankan: {type(e).__name__}: {e}. "
            f"Notebook parsial (jika ada) di {tampil(hasil)}."
        )
    if hasil.exists():
        normalisasi(hasil, ganti)
    ids = id_sel(hasil) if hasil.exists() else []
    idx = e.cell_index
    sel_id = ids[idx] if 0 <= idx < len(ids) else "?"
    return NotebookError(
        f"notebook {sumber.name} gagal di sel #{idx + 1} (id '{sel_id}'): "
        f"{e.ename}: {e.evalue}. Notebook parsial disimpan di {tampil(hasil)}."
    )
