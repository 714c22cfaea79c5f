"""Notebook kernels forked from one process that has already imported what they need.

A kernel used to be a fresh ``python -m ipykernel_launcher``: about 0.23 s of
CPU to start Python and import ipykernel, and then its first cell spent
another 0.2 s importing pandas and ``lakip_calc``. A build of six notebooks paid
that six times over, on two cores. Now a build first starts one *induk*
(template) process. It imports ipykernel, pandas and the ``lakip_calc``
modules the notebooks use (:data:`PRAMUAT`) and then only waits. Each kernel is
a fork of it that starts the way ``ipykernel_launcher`` would, with the same
arguments, working folder and environment (``JPY_PARENT_PID`` names the
template, its parent, which ipykernel watches), in a session of its own with
stdin from ``/dev/null``.

A forked kernel shares with its template only what those imports did. The
template runs no notebook code. It starts no thread, event loop or ZeroMQ
context, because none of them survives a fork. It imports as a kernel's cell
would, in the kernels' working folder and with ``get_ipython()`` answering
that this is a kernel. It does not import matplotlib: ipykernel sets the
backend as it starts (``MPLBACKEND``), and matplotlib reads it when imported.

The template talks to the kernel managers over a Unix socket in a private
folder. One connection is made per kernel and lasts as long as the kernel:

- the request is one JSON line ``{"argv", "cwd", "env"}``, and the reply is
  the kernel's pid;
- a signal for the kernel goes the same way (``"<signum>\\n"``); the template
  sends it to the kernel's process group while the kernel is its child and not
  yet reaped, so a pid is never signalled after it could have been reused;
- when the kernel ends, the template writes its exit status and closes the
  connection. A connection closed by the other side while its kernel runs
  means the kernel's manager is gone, and the kernel is killed.

The template leaves, and kills the kernels still running, when it gets
SIGTERM (:meth:`IndukKernel.tutup`) or when the process that started it is gone.
"""

from __future__ import annotations

import builtins
import gc
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lakip_calc.errors import LakipError

__all__ = ["PRAMUAT", "IndukKernel", "KernelTerfork", "fork_kernel", "main"]

#: Modules imported by the template before it forks any kernel: the kernel
#: itself and what most notebooks' first cells import. What one notebook alone
#: imports (matplotlib, great-tables) is left to it: importing it here would
#: not save any work, and on two cores it would take a core from the notebooks
#: running meanwhile.
PRAMUAT = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "pandas",
    "lakip_calc.notebook",
    "lakip_calc.hitung",
    "lakip_calc.anggaran",
    "lakip_calc.kinerja",
    "lakip_calc.rekonsiliasi",
    "lakip_calc.tulis",
)


class IndukKernel:
    """The template process of one build (a context manager: stopped on leaving).

    ``cwd``: the folder the kernels will run in. The template imports its modules
    there, as a kernel's cell would (matplotlib, for one, reads a
    ``matplotlibrc`` in the working folder). ``alamat`` is the socket kernel
    managers connect to (:func:`fork_kernel`).
    The socket listens before the template has finished its imports; a kernel
    asked for early is forked as soon as they are done.
    """

    def __init__(self, cwd: Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="lakip-induk-"))
        self.alamat = str(self.folder / "induk.sock")
        dengar = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            dengar.bind(self.alamat)
            dengar.listen(64)
            self.proses = subprocess.Popen(
                [sys.executable, "-m", "lakip_calc.induk_kernel", str(dengar.fileno())],
                stdin=subprocess.DEVNULL,
                pass_fds=(dengar.fileno(),),
                cwd=cwd,
                # Not in the terminal's process group: Ctrl-C is the build's to handle.
                start_new_session=True,
            )
        except BaseException as e:
            shutil.rmtree(self.folder, ignore_errors=True)
            if isinstance(e, OSError):  # a socket path too long for AF_UNIX, for one
                raise LakipError(
                    f"induk kernel tidak dapat dimulai di {self.folder}: {e}"
                ) from None
            raise
        finally:
            dengar.close()

    def __enter__(self) -> IndukKernel:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.tutup()

    def tutup(self) -> None:
        """Stop the template and the kernels it still runs; remove its folder."""
        if self.proses.poll() is None:
            self.proses.terminate()
            try:
                self.proses.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proses.kill()
                self.proses.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class KernelTerfork:
    """A forked kernel as its manager sees it: the parts of ``Popen`` jupyter_client uses.

    The kernel is the template's child, not ours: its exit status and the
    signals sent to it go through the connection it was asked for on.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, sambungan: socket.socket) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._sambungan = sambungan
        self._sisa = b""

    def _baca(self, timeout: float | None) -> None:
        if self.returncode is not None:
            return
        if self._sambungan.fileno() < 0:  # closed on this side: the template kills the kernel
            self.returncode = -signal.SIGKILL
            return
        siap, _, _ = select.select([self._sambungan], [], [], timeout)
        if not siap:
            return
        data = self._sambungan.recv(64)
        self._sisa += data
        if data and b"\n" not in self._sisa:
            return
        # The exit status, or an empty read: the template is gone and so is the
        # kernel (it leaves when its parent does); its status is not known.
        baris = self._sisa.split(b"\n", 1)[0]
        self.returncode = int(baris) if baris.lstrip(b"-").isdigit() else -signal.SIGKILL
        self._sambungan.close()

    def poll(self) -> int | None:
        self._baca(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        batas = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            sisa = None if batas is None else batas - time.monotonic()
            if sisa is not None and sisa <= 0:
                raise subprocess.TimeoutExpired("kernel", timeout or 0)
            self._baca(sisa)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                self._sambungan.sendall(f"{int(signum)}\n".encode())
            except OSError:
                pass  # the template is gone: so is the kernel

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def fork_kernel(alamat: str, argv: list[str], cwd: str, env: dict[str, str]) -> KernelTerfork:
    """Ask the template at ``alamat`` for a kernel: ``ipykernel_launcher`` with ``argv``.

    Raises OSError when the template cannot be reached or cannot fork.
    """
    sambungan = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sambungan.connect(alamat)
        sambungan.sendall(json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n")
        balasan = _baca_baris(sambungan)
        if balasan is None:
            raise OSError("induk kernel berhenti sebelum menjawab")
        if not balasan.strip().isdigit():
            raise OSError(f"induk kernel tidak dapat membuat kernel: {balasan.decode().strip()}")
    except BaseException:
        sambungan.close()
        raise
    return KernelTerfork(int(balasan), sambungan)


# --------------------------------------------------------------------------- the template


def _jadi_kernel(permintaan: dict[str, Any], tutup: list[Any]) -> None:
    """In the forked child: become ``python -m ipykernel_launcher <argv>``; never returns."""
    kode = 1
    try:
        gc.enable()  # as in any Python; what the template made stays frozen
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        for benda in tutup:
            if isinstance(benda, int):
                os.close(benda)
            else:
                benda.close()
        os.setsid()
        nul = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nul, 0)
        os.close(nul)
        os.chdir(permintaan["cwd"])
        env = dict(permintaan["env"])
        # The poller of ipykernel ends the kernel when this parent is gone.
        env["JPY_PARENT_PID"] = os.environ["JPY_PARENT_PID"]
        os.environ.clear()
        os.environ.update(env)
        import ipykernel_launcher

        sys.argv = [ipykernel_launcher.__file__, *permintaan["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        kode = 0
    except SystemExit as e:
        kode = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(kode)


class _ShellKernel:
    """What ``get_ipython()`` answers in a kernel, as far as an import asks: it has a kernel."""

    kernel = None


@contextmanager
def _seperti_di_kernel() -> Iterator[None]:
    """Imports see ``get_ipython()`` as a notebook cell's imports do.

    A module that asks at import whether it runs in a Jupyter kernel gets the
    answer a kernel gives: pandas, for one, then shows at most 20 columns of a
    table instead of fitting them to a terminal (``display.max_columns``).
    """
    builtins.get_ipython = lambda: _ShellKernel()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]


def _kirim(sambungan: socket.socket, teks: str) -> bool:
    """Send ``teks``; False when the other side has gone."""
    try:
        sambungan.sendall(teks.encode())
    except OSError:
        return False
    return True


def _baca_baris(sambungan: socket.socket) -> bytes | None:
    """One line from a blocking connection (``None`` on EOF before its end)."""
    data = b""
    while not data.endswith(b"\n"):
        bagian = sambungan.recv(65536)
        if not bagian:
            return None
        data += bagian
    return data


def main(argv: list[str] | None = None) -> int:
    """The template: ``python -m lakip_calc.induk_kernel <fd of the listening socket>``."""
    import importlib

    args = sys.argv[1:] if argv is None else argv
    dengar = socket.socket(fileno=int(args[0]))
    induk = os.getppid()
    # Like ipykernel_launcher: the working folder is not on sys.path while
    # modules are imported (the kernel puts it back as it starts).
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    bangun_r, bangun_w = os.pipe()
    os.set_blocking(bangun_w, False)
    signal.set_wakeup_fd(bangun_w)
    berhenti = []
    signal.signal(signal.SIGTERM, lambda *_: berhenti.append(True))
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the select below

    # ipykernel reads its parent's pid from the environment when imported (a
    # class default), and a forked kernel's parent is this process.
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    gc.disable()  # no collection until the fork: see gc.freeze() below
    with _seperti_di_kernel():
        for nama in PRAMUAT:
            importlib.import_module(nama)

    # pid -> its manager's connection (None once the manager has gone)
    kernel: dict[int, socket.socket | None] = {}
    sisa: dict[int, bytes] = {}

    def bunuh(pid: int, signum: int) -> None:
        try:
            os.killpg(pid, signum)
        except OSError:
            pass

    try:
        while not berhenti and os.getppid() == induk:
            pantau = [dengar, bangun_r, *(k for k in kernel.values() if k is not None)]
            siap, _, _ = select.select(pantau, [], [], 0.5)
            for s in siap:
                if s is bangun_r:
                    os.read(bangun_r, 512)
                elif s is dengar:
                    sambungan, _ = dengar.accept()
                    try:
                        permintaan = _baca_baris(sambungan)
                    except OSError:  # its manager went while asking
                        permintaan = None
                    if permintaan is None:
                        sambungan.close()
                        continue
                    sys.stdout.flush()
                    sys.stderr.flush()
                    # Objects that exist now are never collected here: a collection
                    # in a kernel would otherwise write to (and so copy) every
                    # page of the template it inherited.
                    gc.freeze()
                    try:
                        pid = os.fork()
                    except OSError as e:
                        _kirim(sambungan, f"{e}\n")
                        sambungan.close()
                        continue
                    if pid == 0:
                        _jadi_kernel(
                            json.loads(permintaan),
                            [
                                dengar,
                                sambungan,
                                *(k for k in kernel.values() if k),
                                bangun_r,
                                bangun_w,
                            ],
                        )
                    kernel[pid] = sambungan
                    if not _kirim(sambungan, f"{pid}\n"):  # its manager went meanwhile
                        bunuh(pid, signal.SIGKILL)
                        sambungan.close()
                        kernel[pid] = None
                else:
                    pid = next(p for p, k in kernel.items() if k is s)
                    try:
                        data = s.recv(512)
                    except OSError:
                        data = b""
                    if not data:  # its manager is gone: so goes the kernel
                        bunuh(pid, signal.SIGKILL)
                        s.close()
                        kernel[pid] = None
                        continue
                    sisa[pid] = sisa.get(pid, b"") + data
                    *baris, sisa[pid] = sisa[pid].split(b"\n")
                    for b in baris:
                        if b.strip().isdigit():
                            bunuh(pid, int(b))
            while kernel:  # reap: each ended kernel's status goes to its manager
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                sambungan = kernel.pop(pid, None)
                sisa.pop(pid, None)
                if sambungan is not None:
                    _kirim(sambungan, f"{os.waitstatus_to_exitcode(status)}\n")
                    sambungan.close()
    finally:
        for pid in kernel:
            bunuh(pid, signal.SIGKILL)
        folder = Path(dengar.getsockname()).parent if dengar.getsockname() else None
        dengar.close()
        if folder is not None and folder.name.startswith("lakip-induk-"):
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
