"""Interrupted builds: Ctrl-C and SIGKILL during the notebooks and during rendering.

A first good build of a private data copy exists in a private build folder;
then ``python -m lakip_calc laporan`` is started again and interrupted. The
previous ``build/2023`` must stay byte for byte (and mtime for mtime) as it
was, no process of the interrupted run may stay behind (workers, kernels), a
Ctrl-C ends with an Indonesian message and no traceback, and the next normal
build succeeds and removes what the killed run left.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import _potret, _ubah_sel
from test_keamanan import bangun_bersama

from lakip_calc import pipeline
from lakip_calc.paths import ROOT

pytestmark = pytest.mark.slow

_BATAS_DETIK = 240


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    env["CI"] = "1"
    env["RENDERER"] = "builtin"
    return env


def _perintah(data: Path, build: Path) -> list[str]:
    return [
        sys.executable, "-m", "lakip_calc", "laporan",
        "--tahun", "2023", "--data", str(data), "--build", str(build),
    ]  # fmt: skip


def _proses() -> dict[int, tuple[int, str, str]]:
    """pid -> (ppid, state, command line) of every process (``ps``)."""
    r = subprocess.run(
        ["ps", "-eo", "pid=,ppid=,stat=,args="], capture_output=True, text=True, check=True
    )
    hasil = {}
    for baris in r.stdout.splitlines():
        bagian = baris.split(None, 3)
        if len(bagian) == 4:
            hasil[int(bagian[0])] = (int(bagian[1]), bagian[2], bagian[3])
    return hasil


def _turunan(akar: int, semua: dict[int, tuple[int, str, str]]) -> dict[int, str]:
    anak: dict[int, list[int]] = {}
    for pid, (ppid, _st, _cmd) in semua.items():
        anak.setdefault(ppid, []).append(pid)
    hasil, antre = {}, [akar]
    while antre:
        for c in anak.get(antre.pop(), []):
            hasil[c] = semua[c][2]
            antre.append(c)
    return hasil


def _ada_kernel(akar: int, semua: dict[int, tuple[int, str, str]]) -> bool:
    """Whether a kernel runs under ``akar``: forked from the kernel template, or started anew."""
    for pid, cmd in _turunan(akar, semua).items():
        induk = semua.get(semua[pid][0], (0, "", ""))[2]
        if "ipykernel" in cmd or ("lakip_calc.induk_kernel" in cmd and cmd == induk):
            return True
    return False


def _masih_hidup(dicatat: dict[int, str]) -> dict[int, str]:
    """Recorded processes that still run (same pid *and* command line, not a zombie)."""
    semua = _proses()
    return {
        pid: cmd
        for pid, cmd in dicatat.items()
        if pid in semua and semua[pid][2] == cmd and not semua[pid][1].startswith("Z")
    }


@pytest.fixture(scope="module")
def lingkungan(tmp_path_factory) -> dict:
    """A private data copy and build folder holding a first good build.

    The good build is a copy of the session's shared build
    (``test_keamanan.bangun_bersama``), so that no extra full build is needed.
    """
    bersama = bangun_bersama(tmp_path_factory)
    assert bersama["status"] == 0, bersama["stderr"]
    root = tmp_path_factory.mktemp("interupsi")
    data, build = root / "data", root / "build"
    shutil.copytree(bersama["data_dir"], data)
    shutil.copytree(bersama["build"], build / "2023")
    potret = _potret(build / "2023")
    # From now on the data differ from the published build, so that every run has to
    # execute its notebooks (nothing can be reused from build/2023).
    _ubah_sel(data / "2023" / "sub_kegiatan.csv", 2, "fisik", "99.5")
    return {"root": root, "data": data, "build": build, "potret": potret}


_FISIK = iter(f"99.{i}" for i in range(1, 100))


def _data_baru(lingkungan: dict) -> None:
    """Make the data differ from every build so far (one cell, a new value each run).

    Builds are incremental: a run whose data and code match an existing build is
    a no-op that cannot be interrupted. A fresh value per run keeps every run a
    real build, whatever an earlier run left in the build folder.
    """
    _ubah_sel(lingkungan["data"] / "2023" / "sub_kegiatan.csv", 2, "fisik", next(_FISIK))


def _sela(
    lingkungan: dict, siap: Callable[[Path], bool], sinyal: int, ke_grup: bool, kali: int = 1
) -> tuple[subprocess.Popen, str, str, dict[int, str], Path]:
    """Start a build, wait until ``siap(staging)``, send ``sinyal`` (``kali`` times); wait.

    Returns the process, its stdout and stderr, every descendant seen while it ran
    (pid -> command line) and the staging folder.
    """
    root = lingkungan["root"]
    _data_baru(lingkungan)
    keluar, galat = root / "stdout.txt", root / "stderr.txt"
    with keluar.open("wb") as fo, galat.open("wb") as fe:
        p = subprocess.Popen(
            _perintah(lingkungan["data"], lingkungan["build"]),
            cwd=root,
            env=_env(),
            stdout=fo,
            stderr=fe,
            start_new_session=True,  # its own process group, as a shell job
        )
    turunan: dict[int, str] = {}
    staging = None
    kernel_terlihat = False
    batas = time.monotonic() + _BATAS_DETIK
    try:
        while True:
            assert p.poll() is None, (
                "build selesai sebelum sempat disela",
                sorted(x.name for x in lingkungan["build"].iterdir()),
                turunan,
            )
            assert time.monotonic() < batas, "build tidak mencapai titik sela"
            if not kernel_terlihat:  # `ps` is slow on a busy machine: only until a kernel ran
                semua = _proses()
                turunan.update(_turunan(p.pid, semua))
                kernel_terlihat = _ada_kernel(p.pid, semua)
            calon = list(lingkungan["build"].glob(f".staging-2023-{p.pid}"))
            if calon and kernel_terlihat and siap(calon[0]):
                staging = calon[0]
                break
            time.sleep(0.02)
        turunan.update(_turunan(p.pid, _proses()))
        for i in range(kali):
            if i:
                time.sleep(0.3)
            if ke_grup:
                os.killpg(p.pid, sinyal)  # Ctrl-C in a terminal: the whole foreground job
            else:
                os.kill(p.pid, sinyal)
        p.wait(timeout=120)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    # the run's output files are closed only when every process holding them has gone
    batas = time.monotonic() + 30
    while _masih_hidup(turunan) and time.monotonic() < batas:
        time.sleep(0.2)
    return (
        p,
        keluar.read_text(encoding="utf-8"),
        galat.read_text(encoding="utf-8"),
        turunan,
        staging,
    )


def _notebook_berjalan(staging: Path) -> bool:
    return any((staging / "notebooks").glob("*.ipynb"))


def _sedang_render(staging: Path) -> bool:
    return (staging / "proyek").is_dir()


def _cek_build_lama_utuh(lingkungan: dict) -> None:
    build = lingkungan["build"]
    assert _potret(build / "2023") == lingkungan["potret"]
    assert not list(build.glob(".lama-*"))
    assert not list(build.glob("2023-gagal"))


def _cek_ctrl_c(p: subprocess.Popen, out: str, err: str) -> None:
    assert p.returncode == 130, (p.returncode, err)
    assert "Dihentikan oleh pengguna; keluaran sebelumnya tidak diubah." in err
    for aliran in (out, err):
        assert "Traceback" not in aliran, aliran
        assert 'File "' not in aliran, aliran


def test_ctrl_c_saat_notebook(lingkungan) -> None:
    p, out, err, turunan, staging = _sela(
        lingkungan, _notebook_berjalan, signal.SIGINT, ke_grup=True
    )
    _cek_ctrl_c(p, out, err)
    _cek_build_lama_utuh(lingkungan)
    assert not staging.exists()  # Ctrl-C cleans up its own staging folder
    assert any("lakip_calc.induk_kernel" in c for c in turunan.values())
    assert _masih_hidup(turunan) == {}  # no kernel, no worker left running


def test_ctrl_c_saat_notebook_gelombang_akhir(lingkungan) -> None:
    """A wave of one notebook also runs in a worker: Ctrl-C never reaches a kernel."""
    p, out, err, turunan, staging = _sela(
        lingkungan,
        lambda st: (st / "notebooks" / "04_rekonsiliasi.ipynb").exists(),
        signal.SIGINT,
        ke_grup=True,
    )
    _cek_ctrl_c(p, out, err)
    _cek_build_lama_utuh(lingkungan)
    assert not staging.exists()
    assert _masih_hidup(turunan) == {}


def test_ctrl_c_dua_kali_berhenti_segera(lingkungan) -> None:
    """The first Ctrl-C lets running notebooks end; the second stops them at once."""
    mulai = time.monotonic()
    p, out, err, turunan, _staging = _sela(
        lingkungan, _notebook_berjalan, signal.SIGINT, ke_grup=True, kali=2
    )
    _cek_ctrl_c(p, out, err)
    _cek_build_lama_utuh(lingkungan)
    assert _masih_hidup(turunan) == {}, _masih_hidup(turunan)
    assert time.monotonic() - mulai < _BATAS_DETIK


def test_sigkill_saat_notebook(lingkungan) -> None:
    """``kill -9 <pid>`` of the build process alone: its workers and kernels must follow it."""
    p, _out, _err, turunan, staging = _sela(
        lingkungan, _notebook_berjalan, signal.SIGKILL, ke_grup=False
    )
    assert p.returncode == -signal.SIGKILL
    _cek_build_lama_utuh(lingkungan)
    assert _masih_hidup(turunan) == {}, _masih_hidup(turunan)
    assert staging.exists()  # nobody could clean up; the next build does (last test)


def test_ctrl_c_saat_render(lingkungan) -> None:
    p, out, err, turunan, staging = _sela(lingkungan, _sedang_render, signal.SIGINT, ke_grup=True)
    _cek_ctrl_c(p, out, err)
    _cek_build_lama_utuh(lingkungan)
    assert not staging.exists()
    assert _masih_hidup(turunan) == {}


def test_build_berikutnya_berhasil_dan_membersihkan_sisa(lingkungan) -> None:
    build = lingkungan["build"]
    # a staging folder of a run that was killed (its process is gone)
    mati = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    sisa = build / f".staging-2023-{int(mati.stdout)}"
    (sisa / "notebooks").mkdir(parents=True, exist_ok=True)
    assert list(build.glob(".staging-2023-*"))
    _data_baru(lingkungan)
    r = subprocess.run(
        _perintah(lingkungan["data"], build),
        cwd=lingkungan["root"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "Laporan 2023 selesai" in r.stdout
    assert not list(build.glob(".staging-*")) and not list(build.glob(".lama-*"))
    baru = _potret(build / "2023")
    assert baru != lingkungan["potret"]  # replaced by the new build
    for ext in ("html", "pdf", "docx"):
        assert (build / "2023" / f"lakip-2023.{ext}").is_file()


# ---------------------------------------------------------------------------
# the replacement itself (renames only), without notebooks


def test_ganti_atomik_yang_disela_mengembalikan_build_lama(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    akhir, staging = tmp_path / "2023", tmp_path / ".staging-2023-1"
    akhir.mkdir()
    (akhir / "lakip-2023.html").write_text("lama")
    staging.mkdir()
    (staging / "lakip-2023.html").write_text("baru")
    asli = Path.rename

    def rename(self: Path, target):
        if self == staging:
            raise KeyboardInterrupt  # Ctrl-C between the two renames
        return asli(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        pipeline._ganti_atomik(staging, akhir)
    assert (akhir / "lakip-2023.html").read_text() == "lama"
    assert not list(tmp_path.glob(".lama-*"))


def test_build_lama_yang_tertinggal_dikembalikan(tmp_path: Path) -> None:
    """Killed between the two renames: ``.lama-2023-<pid>`` is all there is; put it back."""
    mati = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(mati.stdout)
    lama = tmp_path / f".lama-2023-{pid}"
    lama.mkdir()
    (lama / "lakip-2023.html").write_text("lama")
    (tmp_path / f".staging-2023-{pid}").mkdir()
    pipeline._bersihkan_sisa(tmp_path, 2023)
    assert (tmp_path / "2023" / "lakip-2023.html").read_text() == "lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023"]
