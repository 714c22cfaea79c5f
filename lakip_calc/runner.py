"""Execute parameterized notebooks with papermill.

Orchestration only: the notebooks call the pure core; this module checks their
parameters, runs them on a kernel over IPC transport (no TCP ports, so no port
races when notebooks run side by side), and turns a failing cell into an
Indonesian message that names the notebook and the cell, keeping the partial
notebook for inspection.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum, default

from lakip_calc.errors import LakipError
from lakip_calc.paths import tampil

__all__ = [
    "NotebookError",
    "IPCKernelManager",
    "KernelSiap",
    "nyalakan_kernel",
    "parameter_notebook",
    "cek_parameter",
    "jalankan_notebook",
    "id_sel",
    "normalisasi",
]


class NotebookError(LakipError):
    """A notebook failed or was called wrongly."""


class _KlienSiap(AsyncKernelClient):
    """A kernel client whose channels may be started again (a no-op once they run).

    A kernel started ahead of its notebook (:func:`nyalakan_kernel`) already has
    a connected client; nbclient starts the channels of the client it is given.
    """

    #: The kernel has answered a ``kernel_info`` request on this client.
    _beres: bool = False

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        # jupyter_client's check ends by draining IOPub until it has been quiet
        # for 0.2 s. nbclient checks again the client it is given; once is enough.
        if self._beres:
            return
        await AsyncKernelClient.wait_for_ready(self, timeout)
        self._beres = True


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over IPC (Unix sockets), not TCP."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)
    #: The connected client of a kernel started ahead (handed out once by ``client()``).
    _klien_siap: _KlienSiap | None = None
    #: The socket of a template to fork the kernel from
    #: (:mod:`lakip_calc.induk_kernel`); ``None``, or a kernel command other
    #: than ``ipykernel_launcher`` on this Python: start a new process.
    induk: str | None = None

    @default("client_factory")
    def _klien_default(self) -> type:
        return _KlienSiap

    def client(self, **kwargs: Any) -> Any:
        kc, self._klien_siap = self._klien_siap, None
        return kc if kc is not None else super().client(**kwargs)

    @default("ip")
    def _ip_unik(self) -> str:
        # A private folder per kernel: IPC "ports" are file names, and two
        # kernels started at once must never pick the same ones.
        return os.path.join(tempfile.mkdtemp(prefix="lakip-ipc-"), "kernel")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if self.induk is None or kernel_cmd[:3] != [sys.executable, "-m", "ipykernel_launcher"]:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        from lakip_calc.induk_kernel import fork_kernel

        prov = self.provisioner
        assert prov is not None
        cwd = str(kw.get("cwd") or os.getcwd())
        proses = fork_kernel(self.induk, kernel_cmd[3:], cwd, dict(kw.get("env") or os.environ))
        # The template signals the kernel's process group itself (KernelTerfork).
        prov.process, prov.pid, prov.pgid, prov.cwd = proses, proses.pid, None, cwd
        self._reconcile_connection_info(prov.connection_info)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        folder = os.path.dirname(self.ip)
        if not restart and os.path.basename(folder).startswith("lakip-ipc-"):
            shutil.rmtree(folder, ignore_errors=True)  # its socket files are gone already

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # After the kill, jupyter_client looks every 100 ms whether the kernel
        # has gone; it goes within milliseconds, and the next notebook of a chain
        # waits for this one's worker.
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts (SIGINT) every kernel before asking it to shut
        # down. Ours are idle by then (the last cell has ended), and a SIGINT that
        # reaches ipykernel between two messages makes it print "KeyboardInterrupt
        # caught in kernel" on the terminal of the build. The shutdown request is
        # enough; an interrupt asked for at any other time (a cell over its time
        # limit) is sent as before.
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


@dataclass
class KernelSiap:
    """A kernel started, and answering, before its notebook may run.

    A notebook that waits for other notebooks' outputs need not also wait for
    its kernel to start (about half a second): :func:`nyalakan_kernel` starts
    it while those notebooks still run, and :func:`jalankan_notebook` runs the
    notebook on it. The kernel starts like any other (from the template, when
    one is given: :mod:`lakip_calc.induk_kernel`); nothing runs in it before
    the notebook's first cell.
    """

    km: IPCKernelManager
    kc: _KlienSiap

    def matikan(self) -> None:
        """Stop the kernel now (also when it never ran a notebook)."""
        from jupyter_core.utils import run_sync

        async def matikan() -> None:
            self.kc.stop_channels()
            if self.km.has_kernel:
                await self.km.shutdown_kernel(now=True)

        run_sync(matikan)()


def nyalakan_kernel(
    cwd: Path | None = None, timeout: int = 60, induk: str | None = None
) -> KernelSiap:
    """Start a ``python3`` kernel the way papermill would and wait until it answers.

    Same kernel, arguments and working folder as papermill's own start
    (``cwd``: the folder the notebook runs in). ``induk``: fork the kernel from
    that template (:class:`lakip_calc.induk_kernel.IndukKernel`) instead of
    starting a new Python. Raises :class:`NotebookError` when the kernel does
    not start.
    """
    from jupyter_core.utils import run_sync

    km = IPCKernelManager(kernel_name="python3")
    km.induk = induk

    async def mulai() -> _KlienSiap:
        # nbclient gives an IPython kernel an in-memory history (no history.sqlite).
        await km.start_kernel(
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            cwd=str(cwd) if cwd else None,
        )
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=timeout)
        except BaseException:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            raise
        return kc

    try:
        kc = run_sync(mulai)()
    except Exception as e:
        raise NotebookError(
            f"kernel python3 tidak dapat dinyalakan: {type(e).__name__}: {e}"
        ) from None
    km._klien_siap = kc
    return KernelSiap(km, kc)


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


def normalisasi(path: Path, ganti: dict[str, str] | None = None) -> None:
    """Make an executed notebook deterministic: fixed ids, no clock times.

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
    kernel: KernelSiap | None = None,
) -> HasilNotebook:
    """Execute ``sumber`` with ``parameters`` into ``hasil``.

    The executed (or, on failure, partial) notebook is always written to
    ``hasil``. On failure a :class:`NotebookError` names the notebook, the cell
    (number and id) and the error. ``kernel``: a kernel started ahead
    (:func:`nyalakan_kernel`, with the same ``cwd``) to run on instead of
    starting one; it is stopped here whatever happens.
    """
    import time

    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    mulai = time.monotonic()
    try:
        cek_parameter(sumber, parameters)
        hasil.parent.mkdir(parents=True, exist_ok=True)
        pm.execute_notebook(
            str(sumber),
            str(hasil),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=progress,
            cwd=str(cwd) if cwd else None,
            kernel_manager_class=IPCKernelManager,
            execution_timeout=timeout,
            # Written once at the end (and when a cell fails), not twice per cell.
            request_save_on_cell_execute=False,
            # Stop the kernel at once when the last cell has ended. A graceful
            # shutdown waits for ipykernel to exit, which now and then takes 3.4 s
            # instead of 0.1 s (10 of 80 empty notebooks here); every cell has ended
            # and every file a cell writes is closed (atomic writes), so nothing
            # is lost.
            shutdown_kernel="immediate",
            # nbclient does not stop a kernel it was given: the finally below does.
            **({"km": kernel.km} if kernel is not None else {}),
        )
    except PapermillExecutionError as e:
        if hasil.exists():
            normalisasi(hasil, ganti)
        ids = id_sel(hasil) if hasil.exists() else []
        idx = e.cell_index
        sel_id = ids[idx] if 0 <= idx < len(ids) else "?"
        raise NotebookError(
            f"notebook {sumber.name} gagal di sel #{idx + 1} (id '{sel_id}'): "
            f"{e.ename}: {e.evalue}. Notebook parsial disimpan di {tampil(hasil)}."
        ) from None
    except LakipError:
        raise
    except Exception as e:  # kernel died, timeout, ...
        raise NotebookError(
            f"notebook {sumber.name} tidak dapat dijalankan: {type(e).__name__}: {e}. "
            f"Notebook parsial (jika ada) di {tampil(hasil)}."
        ) from None
    finally:
        if kernel is not None:
            kernel.matikan()
    normalisasi(hasil, ganti)
    return HasilNotebook(sumber, hasil, time.monotonic() - mulai)
