"""Kernels forked from the kernel template (lakip_calc.induk_kernel).

A forked kernel must be indistinguishable, for a notebook, from a kernel that
jupyter_client starts anew; the template must never leave a kernel or a folder
behind, whoever goes first.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from lakip_calc.errors import LakipError
from lakip_calc.induk_kernel import PRAMUAT, IndukKernel
from lakip_calc.paths import ROOT
from lakip_calc.runner import NotebookError, jalankan_notebook, nyalakan_kernel

pytestmark = pytest.mark.slow

#: What a notebook can see of the process it runs in, printed cell by cell (one
#: print per cell, at its end: how a stream is cut into messages depends on time).
_SEL_KEADAAN = [
    # the command line, working folder and module path of ipykernel_launcher
    "import os, sys\n"
    "print(Path(sys.argv[0]).name, sys.argv[1], sys.argv[3:], os.getcwd(), sys.path, sep='\\n')",
    # its own session, its parent as ipykernel watches it, no stray signal handler
    "import signal\n"
    "print(os.getsid(0) == os.getpid(), os.getppid() == int(os.environ['JPY_PARENT_PID']),\n"
    "      [str(signal.getsignal(s)) for s in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE)])",
    # modules that ask at import whether they run in a kernel (pandas' display width)
    "import pandas as pd\n"
    "print(pd.get_option('display.max_columns'), pd.get_option('display.width'))\n"
    "pd.DataFrame({f'kolom_{i}': ['x' * 12] * 3 for i in range(30)})",
    "import matplotlib\nprint(matplotlib.rcParams['backend'])",
    "import matplotlib.pyplot as plt\nprint(plt.get_backend())",
    "import gc\nprint(gc.isenabled(), sorted(k for k in os.environ if k.startswith('JPY')))",
]


def _nb_keadaan(path: Path) -> None:
    sel = [
        nbformat.v4.new_code_cell(
            "out_dir = ''", id="parameters", metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell("from pathlib import Path", id="impor"),
    ] + [nbformat.v4.new_code_cell(kode, id=f"keadaan-{i}") for i, kode in enumerate(_SEL_KEADAAN)]
    nb = nbformat.v4.new_notebook(
        cells=sel,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, path)


def _hidup(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _tunggu_mati(pid: int, detik: float = 10) -> bool:
    batas = time.monotonic() + detik
    while _hidup(pid) and time.monotonic() < batas:
        time.sleep(0.05)
    return not _hidup(pid)


def test_forked_kernel_looks_like_a_new_one(tmp_path):
    """Same executed notebook, byte for byte, on a new kernel and on a forked one."""
    sumber = tmp_path / "keadaan.ipynb"
    _nb_keadaan(sumber)
    baru, terfork = tmp_path / "baru.ipynb", tmp_path / "terfork.ipynb"
    jalankan_notebook(sumber, baru, {}, cwd=ROOT)
    with IndukKernel(cwd=ROOT) as induk:
        kernel = nyalakan_kernel(ROOT, induk=induk.alamat)
        pid = kernel.km.provisioner.pid
        # the kernel is the template's child, not this process's
        assert int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]) == (
            induk.proses.pid
        )
        jalankan_notebook(sumber, terfork, {}, cwd=ROOT, kernel=kernel)
    keluaran = nbformat.read(terfork, as_version=4)
    teks = "".join(o.get("text", "") for c in keluaran.cells for o in c.get("outputs", []))
    assert "ipykernel_launcher.py\n-f\n['--HistoryManager.hist_file=:memory:']\n" in teks
    assert "True True" in teks and "module://matplotlib_inline.backend_inline" in teks
    assert terfork.read_bytes() == baru.read_bytes()
    assert _tunggu_mati(pid)


def test_template_has_imported_what_the_notebooks_import():
    with IndukKernel() as induk:
        kernel = nyalakan_kernel(induk=induk.alamat)
        try:
            from jupyter_core.utils import run_sync

            keluar: list[str] = []
            run_sync(kernel.kc.execute_interactive)(
                "import sys; print(sorted(sys.modules))",
                output_hook=lambda m: keluar.append(m["content"].get("text", "")),
                timeout=30,
            )
        finally:
            kernel.matikan()
    modul = "".join(keluar)
    for nama in PRAMUAT:
        assert repr(nama) in modul
    assert "'matplotlib'" not in modul


def test_closing_the_template_stops_its_kernels_and_removes_its_folder():
    induk = IndukKernel()
    kernel = nyalakan_kernel(induk=induk.alamat)
    pid = kernel.km.provisioner.pid
    assert _hidup(pid) and Path(induk.alamat).exists()
    induk.tutup()
    assert _tunggu_mati(pid)
    assert not induk.folder.exists()
    assert induk.proses.returncode is not None
    kernel.matikan()  # the manager learns that its kernel is gone; no wait, no error
    assert not kernel.km.has_kernel


def test_kernel_whose_manager_is_gone_is_killed():
    with IndukKernel() as induk:
        kernel = nyalakan_kernel(induk=induk.alamat)
        proses = kernel.km.provisioner.process
        pid = proses.pid
        proses._sambungan.close()  # as when the worker holding the manager dies
        assert _tunggu_mati(pid)
        assert proses.poll() is not None
        kernel.matikan()


def test_kernel_status_and_signals_go_through_the_template():
    with IndukKernel() as induk:
        kernel = nyalakan_kernel(induk=induk.alamat)
        proses = kernel.km.provisioner.process
        assert proses.poll() is None
        proses.send_signal(signal.SIGTERM)
        assert proses.wait(timeout=10) == -signal.SIGTERM
        assert not _hidup(proses.pid)
        kernel.matikan()


def test_template_leaves_when_its_creator_is_killed(tmp_path):
    """A build killed with SIGKILL cannot stop the template: it goes by itself, with its kernels."""
    kode = (
        "import os, sys, time\n"
        "from lakip_calc.induk_kernel import IndukKernel\n"
        "from lakip_calc.runner import nyalakan_kernel\n"
        "induk = IndukKernel()\n"
        "k = nyalakan_kernel(induk=induk.alamat)\n"
        "print(induk.proses.pid, k.km.provisioner.pid, induk.folder, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    r = subprocess.run([sys.executable, "-c", kode], capture_output=True, text=True, timeout=120)
    assert r.returncode == -signal.SIGKILL, r.stderr
    templat, kernel, folder = r.stdout.split()
    assert _tunggu_mati(int(kernel)) and _tunggu_mati(int(templat))
    batas = time.monotonic() + 5
    while Path(folder).exists() and time.monotonic() < batas:
        time.sleep(0.05)
    assert not Path(folder).exists()


def test_template_gone_before_the_kernel_is_asked_for():
    induk = IndukKernel()
    induk.tutup()
    with pytest.raises(NotebookError, match="kernel python3 tidak dapat dinyalakan"):
        nyalakan_kernel(induk=induk.alamat)


def test_template_that_cannot_start_is_a_clear_error(tmp_path, monkeypatch):
    """A temporary folder too deep for a Unix socket: an Indonesian message, nothing left."""
    import tempfile

    dalam = tmp_path / ("d" * 60) / ("e" * 60)
    dalam.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(dalam))
    with pytest.raises(LakipError, match="induk kernel tidak dapat dimulai"):
        IndukKernel()
    assert list(dalam.iterdir()) == []


def test_no_template_no_fork():
    """Without a template the kernel is a new ``python -m ipykernel_launcher`` as before."""
    kernel = nyalakan_kernel()
    try:
        with open(f"/proc/{kernel.km.provisioner.pid}/cmdline", "rb") as f:
            assert b"ipykernel_launcher" in f.read()
        assert kernel.km.provisioner.process.__class__.__name__ == "Popen"
    finally:
        kernel.matikan()
