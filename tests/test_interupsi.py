"""Interrupted builds: Ctrl-C, SIGTERM and SIGKILL during the notebooks and during rendering.

A first good build of a private data copy exists in a private build folder;
then ``python -m lakip_calc laporan`` is started again and interrupted at a
pause point the build offers to tests (``LAKIP_UJI_JEDA``,
:func:`lakip_calc.bangun.proses.titik_jeda`): the build tells the test through a FIFO
that it has reached the step and blocks until the test lets it go, so the
signal arrives at a known step without racing the build.

The test sets the child's signal dispositions itself (SIGINT and SIGTERM at
their defaults), so the tests also hold when the suite runs with SIGINT
ignored (a background job of a script). Each run gets its own ``TMPDIR``.

After each interruption: the previous ``build/2023`` stays byte for byte (and
mtime for mtime) as it was, no process of the run stays (the build, its
kernels), Ctrl-C and SIGTERM end with an Indonesian message and no
traceback and leave no staging folder and no file in ``TMPDIR``; the next
normal build succeeds and removes what a killed run left.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import _potret, _ubah_sel, salin_build

from lakip_calc.bangun import pipeline
from lakip_calc.paths import ROOT

pytestmark = pytest.mark.slow

#: Upper bound for a build to reach its pause point (only a failing test waits that long).
_BATAS_DETIK = 240


def _env(tmpdir: Path, jeda: Path | None = None, titik: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    env["CI"] = "1"
    env["RENDERER"] = "builtin"
    env["TMPDIR"] = str(tmpdir)
    env.pop("LAKIP_UJI_JEDA", None)
    if jeda is not None:
        env["LAKIP_UJI_JEDA"] = f"{titik}:{jeda}"
    return env


def _perintah(data: Path, build: Path) -> list[str]:
    return [
        sys.executable, "-m", "lakip_calc", "laporan",
        "--tahun", "2023", "--data", str(data), "--build", str(build),
    ]  # fmt: skip


def _sinyal_bawaan() -> None:
    """In the child: SIGINT and SIGTERM at their defaults, whatever the suite inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _proses_milik(sesi: int, tmpdir: Path) -> dict[int, str]:
    """Processes of session ``sesi`` (the build) or whose command line names
    ``tmpdir`` (kernels: they run in sessions of their own, started with their connection
    file in the build's private folder); pid -> command line, zombies left out."""
    hasil = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        bagian = stat.rsplit(")", 1)[1].split()
        status, sid = bagian[0], int(bagian[3])
        if status != "Z" and (sid == sesi or str(tmpdir) in cmd):
            hasil[int(d.name)] = cmd
    return hasil


def _tunggu_habis(sesi: int, tmpdir: Path, batas: float = 30) -> dict[int, str]:
    """Wait (bounded) until no process of the run is left; what is left then.

    Only after SIGKILL: nobody can stop the kernels of a killed
    build, they leave by themselves when they see their parent gone. Each
    process found is waited for on a pidfd, readable once it has ended.
    """
    akhir = time.monotonic() + batas
    while (sisa := _proses_milik(sesi, tmpdir)) and time.monotonic() < akhir:
        fds = []
        for pid in sisa:
            with contextlib.suppress(ProcessLookupError):
                fds.append(os.pidfd_open(pid))
        if not fds:
            continue  # ended between the listing and the pidfd: look again
        try:
            select.select(fds, [], [], max(0.0, akhir - time.monotonic()))
        finally:
            for fd in fds:
                os.close(fd)
    return sisa


@pytest.fixture(scope="module")
def lingkungan(tmp_path_factory, build_curiga) -> dict:
    """A private data copy and build folder holding a first good build.

    The good build is a copy of the session's shared build
    (the ``build_curiga`` fixture), so that no extra full build is needed.
    """
    bersama = build_curiga
    assert bersama["status"] == 0, bersama["stderr"]
    root = tmp_path_factory.mktemp("interupsi")
    data, build = salin_build(bersama["data_dir"], bersama["build"].parent, root)
    potret = _potret(build / "2023")
    # A short TMPDIR of its own (Unix socket paths are short), emptied by every run.
    tmpdir = Path(tempfile.mkdtemp(prefix="lkt", dir="/tmp"))
    yield {
        "root": root,
        "data": data,
        "build": build,
        "potret": potret,
        "tmpdir": tmpdir,
    }
    shutil.rmtree(tmpdir, ignore_errors=True)


_FISIK = iter(f"99.{i}" for i in range(1, 100))


def _data_baru(lingkungan: dict) -> None:
    """Make the data differ from every build so far (one cell, a new value each run).

    Builds are incremental: a run whose data and code match an existing build is
    a no-op that cannot be interrupted. A fresh value per run keeps every run a
    real build, whatever an earlier run left in the build folder.
    """
    _ubah_sel(lingkungan["data"] / "2023" / "sub_kegiatan.csv", 2, "fisik", next(_FISIK))


def _baca_siap(jeda: Path, p: subprocess.Popen) -> str:
    """The line the build writes at its pause point (it then blocks until released)."""
    fd = os.open(jeda / "siap", os.O_RDONLY | os.O_NONBLOCK)
    pesan = b""
    batas = time.monotonic() + _BATAS_DETIK
    try:
        while not pesan.endswith(b"\n"):
            # The timeout only notices a build that ended or hangs before the pause point.
            siap, _, _ = select.select([fd], [], [], 1.0)
            if siap:
                pesan += os.read(fd, 256)
                continue
            assert p.poll() is None, "build berhenti sebelum mencapai titik jeda"
            assert time.monotonic() < batas, "build tidak mencapai titik jeda"
    finally:
        os.close(fd)
    return pesan.decode().strip()


def _lepas(jeda: Path) -> None:
    """Let a paused process go on (nothing to do when none waits any more)."""
    try:
        os.close(os.open(jeda / "lanjut", os.O_WRONLY | os.O_NONBLOCK))
    except OSError:  # ENXIO: no reader (the pause has ended)
        pass


def _sela(
    lingkungan: dict, titik: str, sinyal: list[int], ke_grup: bool
) -> tuple[subprocess.Popen, str, str]:
    """Start a build that pauses at ``titik`` (``a,b``: at each); send ``sinyal[i]`` at
    the i-th pause, to the build's process group (Ctrl-C in a terminal) or to the
    build alone, then let the paused process go on; wait for the build to end.

    The pause ``kernel-01_anggaran.ipynb`` is in a worker thread whose kernel is up: the
    signal arrives while kernels run. Returns the process, its stdout and stderr."""
    root = lingkungan["root"]
    _data_baru(lingkungan)
    jeda = Path(tempfile.mkdtemp(prefix="jeda", dir=root))
    os.mkfifo(jeda / "siap")
    os.mkfifo(jeda / "lanjut")
    keluar, galat = root / "stdout.txt", root / "stderr.txt"
    with keluar.open("wb") as fo, galat.open("wb") as fe:
        p = subprocess.Popen(
            _perintah(lingkungan["data"], lingkungan["build"]),
            cwd=root,
            env=_env(lingkungan["tmpdir"], jeda, titik),
            stdout=fo,
            stderr=fe,
            start_new_session=True,  # its own session and process group, as a shell job
            preexec_fn=_sinyal_bawaan,
        )
    try:
        for s in sinyal:
            titik_ini = _baca_siap(jeda, p).split()[0]
            if titik_ini.startswith("kernel-"):  # a kernel of this build runs now
                berjalan = _proses_milik(p.pid, lingkungan["tmpdir"]).values()
                assert any("ipykernel" in c and str(lingkungan["tmpdir"]) in c for c in berjalan)
            if ke_grup:
                os.killpg(p.pid, s)
            else:
                os.kill(p.pid, s)
            _lepas(jeda)
        p.wait(timeout=120)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return p, keluar.read_text(encoding="utf-8"), galat.read_text(encoding="utf-8")


def _cek_build_lama_utuh(lingkungan: dict) -> None:
    build = lingkungan["build"]
    assert _potret(build / "2023") == lingkungan["potret"]
    assert not list(build.glob(".lama-*"))
    assert not list(build.glob("2023-gagal"))


def _cek_bersih(lingkungan: dict, p: subprocess.Popen) -> None:
    """Nothing of the run is left: no process, no staging folder, nothing in TMPDIR."""
    assert _proses_milik(p.pid, lingkungan["tmpdir"]) == {}
    assert not list(lingkungan["build"].glob(".staging-*"))
    assert list(lingkungan["tmpdir"].iterdir()) == []


def _cek_pesan(p: subprocess.Popen, out: str, err: str, kode: int, pesan: str) -> None:
    assert p.returncode == kode, (p.returncode, err)
    assert pesan in err
    for aliran in (out, err):
        assert "Traceback" not in aliran, aliran
        assert 'File "' not in aliran, aliran


#: A pause point in a worker thread, with the kernel of notebook 01 up.
_KERNEL = "kernel-01_anggaran.ipynb"
_CTRL_C = "Dihentikan oleh pengguna; keluaran sebelumnya tidak diubah."


def test_ctrl_c_saat_notebook(lingkungan) -> None:
    p, out, err = _sela(lingkungan, _KERNEL, [signal.SIGINT], ke_grup=True)
    _cek_pesan(p, out, err, 130, _CTRL_C)
    _cek_build_lama_utuh(lingkungan)
    _cek_bersih(lingkungan, p)


def test_ctrl_c_dua_kali_berhenti_segera(lingkungan) -> None:
    """The first Ctrl-C lets running notebooks end; the second (while it waits) stops them."""
    p, out, err = _sela(
        lingkungan, "kernel-01_anggaran.ipynb,tutup", [signal.SIGINT] * 2, ke_grup=True
    )
    _cek_pesan(p, out, err, 130, _CTRL_C)
    _cek_build_lama_utuh(lingkungan)
    _cek_bersih(lingkungan, p)


def test_sigterm_saat_notebook(lingkungan) -> None:
    """SIGTERM (a CI timeout, systemd, ``timeout``) to the build alone: handled like Ctrl-C."""
    p, out, err = _sela(lingkungan, _KERNEL, [signal.SIGTERM], ke_grup=False)
    _cek_pesan(p, out, err, 143, "Dihentikan (SIGTERM); keluaran sebelumnya tidak diubah.")
    _cek_build_lama_utuh(lingkungan)
    _cek_bersih(lingkungan, p)


def test_ctrl_c_saat_render(lingkungan) -> None:
    p, out, err = _sela(lingkungan, "render", [signal.SIGINT], ke_grup=True)
    _cek_pesan(p, out, err, 130, _CTRL_C)
    _cek_build_lama_utuh(lingkungan)
    _cek_bersih(lingkungan, p)


def test_sigkill_lalu_build_berikutnya_membersihkan(lingkungan) -> None:
    """``kill -9 <pid>`` of the build alone: its kernels follow it, and the
    next build removes its staging folder and its kernel folder (connection files)."""
    p, _out, _err = _sela(lingkungan, _KERNEL, [signal.SIGKILL], ke_grup=False)
    assert p.returncode == -signal.SIGKILL
    _cek_build_lama_utuh(lingkungan)
    assert _tunggu_habis(p.pid, lingkungan["tmpdir"]) == {}
    build = lingkungan["build"]
    assert list(build.glob(f".staging-2023-{p.pid}"))  # nobody could clean up
    assert [x.name for x in lingkungan["tmpdir"].iterdir()][0].startswith(f"lakip-kernel-{p.pid}-")

    _data_baru(lingkungan)
    r = subprocess.run(
        _perintah(lingkungan["data"], build),
        cwd=lingkungan["root"],
        env=_env(lingkungan["tmpdir"]),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "Laporan 2023 selesai" in r.stdout
    assert not list(build.glob(".staging-*")) and not list(build.glob(".lama-*"))
    assert list(lingkungan["tmpdir"].iterdir()) == []
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


def test_titik_jeda_siap_sebelum_diumumkan(tmp_path) -> None:
    """When a pause is announced on ``siap``, the paused process already holds ``lanjut``
    open: a release sent at once is never lost (it was, when the signal and the release
    came between the two opens, and a worker that ignores Ctrl-C then waited forever)."""
    os.mkfifo(tmp_path / "siap")
    os.mkfifo(tmp_path / "lanjut")
    env = _env(tmp_path, tmp_path, "uji")
    kode = "from lakip_calc.bangun.proses import titik_jeda; titik_jeda('uji')"
    p = subprocess.Popen([sys.executable, "-c", kode], env=env)
    try:
        titik, pid = _baca_siap(tmp_path, p).split()
        assert (titik, int(pid)) == ("uji", p.pid)
        terbuka = {
            os.path.realpath(f"/proc/{p.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{p.pid}/fd")
        }
        assert str(tmp_path / "lanjut") in terbuka
        assert p.poll() is None  # still paused: announcing is not releasing
        _lepas(tmp_path)
        assert p.wait(timeout=60) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
