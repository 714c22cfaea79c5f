"""Faults are messages, and damaged output is rebuilt (issue 21, items 4 and 5).

- ``build/`` being a file, or not writable: an Indonesian message naming the
  path, a non-zero exit, nothing started and nothing left in ``TMPDIR``.
- One build of a year at a time: a second one is refused with the holder's
  pid; a lock left by a dead process is taken over; ``make publish`` during a
  build says a build is running.
- A file of the last build removed or changed: the next build restores it
  (files checked one by one against the manifest), and ``make publish``
  refuses the damaged build with a message that says what to do.
- Without ``git`` on PATH the manifest says why no commit is recorded.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import _potret, salin_build

from lakip_calc.audit.manifest import keluaran_rusak
from lakip_calc.bangun.proses import kunci_tahun, pemegang_kunci
from lakip_calc.bangun.sidik import info_git
from lakip_calc.cli import main
from lakip_calc.paths import ROOT


def _env(tmpdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(PYTHONIOENCODING="utf-8", CI="1", RENDERER="builtin", TMPDIR=str(tmpdir))
    return env


def _laporan(
    data: Path, build: Path, tmpdir: Path, awalan: list[str] | None = None
) -> subprocess.CompletedProcess:
    perintah = ["laporan", "--tahun", "2023", "--data", str(data), "--build", str(build)]
    return subprocess.run(
        [*(awalan or []), sys.executable, "-m", "lakip_calc", *perintah],
        cwd=tmpdir,
        env=_env(tmpdir),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _cek_pesan_galat(r: subprocess.CompletedProcess, jalur: Path) -> None:
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("GALAT: "), r.stderr
    assert str(jalur) in r.stderr, r.stderr
    assert "Traceback" not in r.stderr + r.stdout


@pytest.fixture
def tmp_pendek():
    """A world-readable temp folder with a short path (Unix socket paths are short)."""
    d = Path(tempfile.mkdtemp(prefix="lkg", dir="/tmp"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_build_folder_that_is_a_file_is_a_message(salin_data: Path, tmp_pendek: Path) -> None:
    build = tmp_pendek / "build"
    build.write_text("bukan folder\n")
    tmpdir = tmp_pendek / "tmp"
    tmpdir.mkdir()
    r = _laporan(salin_data, build, tmpdir)
    _cek_pesan_galat(r, build)
    assert "berkas, padahal harus berupa folder" in r.stderr
    assert build.read_text() == "bukan folder\n"
    assert list(tmpdir.iterdir()) == []  # no kernel folder: nothing was started


def test_build_folder_inside_a_file_is_a_message(salin_data: Path, tmp_pendek: Path) -> None:
    berkas = tmp_pendek / "build"
    berkas.write_text("x")
    r = _laporan(salin_data, berkas / "sub", tmp_pendek)
    _cek_pesan_galat(r, berkas / "sub")
    assert "bukan folder" in r.stderr


#: As root, the build runs without the capability to ignore file modes.
_TANPA_DAC = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
)


@pytest.mark.skipif(
    bool(_TANPA_DAC) and shutil.which("setpriv") is None,
    reason="root tanpa setpriv menulis ke folder mana pun",
)
def test_unwritable_build_folder_is_a_message(salin_data: Path, tmp_pendek: Path) -> None:
    data = tmp_pendek / "data"
    shutil.copytree(salin_data, data)
    build = tmp_pendek / "build"
    build.mkdir(mode=0o555)
    build.chmod(0o555)
    tmpdir = tmp_pendek / "tmp"
    tmpdir.mkdir(mode=0o777)
    tmpdir.chmod(0o777)
    r = _laporan(data, build, tmpdir, _TANPA_DAC)
    _cek_pesan_galat(r, build)
    assert "izin ditolak" in r.stderr
    assert list(build.iterdir()) == []
    assert list(tmpdir.iterdir()) == []


@pytest.mark.slow
def test_full_disk_is_a_message_and_leaves_nothing_running(salin_data: Path, tmp_pendek: Path):
    """Writes fail (a file size limit stands in for a full disk): a message, exit 1, the
    partial notebook where the message says, no process and no file in TMPDIR left."""
    import resource

    def batas_tulis() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))

    build, tmpdir = tmp_pendek / "build", tmp_pendek / "tmp"
    tmpdir.mkdir()
    perintah = ["laporan", "--tahun", "2023", "--data", str(salin_data), "--build", str(build)]
    p = subprocess.Popen(
        [sys.executable, "-m", "lakip_calc", *perintah],
        cwd=tmpdir,
        env=_env(tmpdir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=batas_tulis,
    )
    out, err = p.communicate(timeout=300)
    assert p.returncode == 1, err
    assert err.startswith("GALAT: ") and "Traceback" not in out + err, err
    assert "File too large" in err or "batas ukuran berkas" in err, err
    assert ".staging-" not in err  # the message names where the partial notebook is now
    if "Notebook parsial disimpan di " in err:
        parsial = err.split("Notebook parsial disimpan di ", 1)[1].split(".ipynb", 1)[0]
        assert Path(parsial + ".ipynb").is_file()
    assert not list(build.glob(".staging-*"))
    assert list(tmpdir.iterdir()) == []
    for pid in [pid for pid, (sid, cmd) in _proses().items() if sid == p.pid and not cmd]:
        _tunggu_akhir(pid)
    for sid, cmd in _proses().values():
        assert sid != p.pid and str(tmpdir).encode() not in cmd, cmd


def _proses() -> dict[int, tuple[int, bytes]]:
    """Every process but zombies: pid -> (session, command line)."""
    hasil = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                bagian = (d / "stat").read_text().rsplit(")", 1)[1].split()
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if bagian[0] != "Z":
                hasil[int(d.name)] = (int(bagian[3]), cmd)
    return hasil


def _tunggu_akhir(pid: int) -> None:
    """Wait (10 seconds at most) on a pidfd for a process that is ending to end.

    The build's stderr reaches its end when the last process holding it has
    closed its files, which a process does in the middle of its exit: it may
    still be listed for a moment, its memory (so its command line) already
    released.
    """
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        select.select([fd], [], [], 10)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- the lock


def test_second_build_of_a_year_is_refused_with_the_holders_pid(
    salin_data: Path, tmp_path: Path, capsys
) -> None:
    build = tmp_path / "build"
    build.mkdir()
    with kunci_tahun(build, 2023):
        assert pemegang_kunci(build, 2023) == os.getpid()
        status = main(["laporan", "--tahun", "2023", "--data", str(salin_data),
                       "--build", str(build)])  # fmt: skip
        err = capsys.readouterr().err
        assert status == 1
        assert f"sedang dibangun oleh proses lain (pid {os.getpid()}" in err
        assert str(build / ".kunci-2023") in err
        # publishing meanwhile says a build runs (it does not blame tampering)
        (build / "2023").mkdir()
        (build / "2023" / "lakip-2023.html").write_text("<title>x</title>")
        status = main(["publikasi", "--tahun", "2023", "--build", str(build),
                       "--situs", str(tmp_path / "situs")])  # fmt: skip
        err = capsys.readouterr().err
        assert status == 1
        assert f"laporan 2023 sedang dibangun (pid {os.getpid()})" in err
    assert pemegang_kunci(build, 2023) is None


def test_lock_of_a_dead_build_is_taken_over(tmp_path: Path) -> None:
    """A build killed with SIGKILL leaves its lock file; the kernel dropped its lock."""
    mati = subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from lakip_calc.bangun.proses import kunci_tahun\n"
         "with kunci_tahun(Path(sys.argv[1]), 2023): import os; os._exit(9)", str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )  # fmt: skip
    assert mati.returncode == 9
    assert (tmp_path / ".kunci-2023").read_text().strip().isdigit()
    assert pemegang_kunci(tmp_path, 2023) is None
    with kunci_tahun(tmp_path, 2023):
        assert (tmp_path / ".kunci-2023").read_text().strip() == str(os.getpid())


# --------------------------------------------------------------------------- damaged output


@pytest.fixture(scope="module")
def build_salinan(build_curiga) -> dict:
    """A copy of the session's shared build and its data, in a folder of its own."""
    bersama = build_curiga
    assert bersama["status"] == 0, bersama["stderr"]
    root = Path(tempfile.mkdtemp(prefix="lkr", dir="/tmp"))
    data, build = salin_build(bersama["data_dir"], bersama["build"].parent, root)
    (root / "tmp").mkdir()
    # The data and its build moved together: the copy is current as it is.
    r = _laporan(data, build, root / "tmp")
    assert r.returncode == 0, r.stderr
    assert "sudah mutakhir" in r.stdout, r.stdout
    yield {"root": root, "data": data, "build": build, "tmp": root / "tmp"}
    shutil.rmtree(root, ignore_errors=True)


def _publikasi(k: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "lakip_calc",
            "publikasi",
            "--tahun",
            "2023",
            "--data",
            str(k["data"]),
            "--build",
            str(k["build"]),
            "--situs",
            str(k["root"] / "situs"),
        ],  # fmt: skip
        cwd=k["tmp"],
        env=_env(k["tmp"]),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_removed_table_is_restored_and_publish_refuses_until_then(build_salinan: dict) -> None:
    k = build_salinan
    akhir = k["build"] / "2023"
    r = _laporan(k["data"], k["build"], k["tmp"])
    assert r.returncode == 0 and "sudah mutakhir" in r.stdout, r.stderr
    utuh = _potret(akhir)
    tabel = sorted((akhir / "tables").glob("*.csv"))[0]
    isi = tabel.read_bytes()
    tabel.unlink()
    assert keluaran_rusak(akhir) == {f"tables/{tabel.name}"}

    p = _publikasi(k)
    assert p.returncode == 1
    assert f"tables/{tabel.name}" in p.stderr and "make report YEAR=2023" in p.stderr, p.stderr
    assert not (k["root"] / "situs").exists()

    r = _laporan(k["data"], k["build"], k["tmp"])
    assert r.returncode == 0, r.stderr
    assert f"tables/{tabel.name}" in r.stdout and "sudah mutakhir" not in r.stdout
    assert tabel.read_bytes() == isi
    assert keluaran_rusak(akhir) == set()
    # only the step that writes it ran; the report files were intact and reused
    assert "Notebook dijalankan : 1 (06_tabel.ipynb" in r.stdout, r.stdout
    assert "Dipakai ulang       : 5 notebook dan berkas laporan" in r.stdout, r.stdout
    assert set(_potret(akhir)) == set(utuh)
    assert list(k["tmp"].iterdir()) == []
    assert _publikasi(k).returncode == 0


@pytest.mark.slow
def test_changed_html_byte_is_restored(build_salinan: dict) -> None:
    k = build_salinan
    akhir = k["build"] / "2023"
    html = akhir / "lakip-2023.html"
    asli = html.read_bytes()
    ubah = bytearray(asli)
    i = ubah.rindex(b"</p>") - 1
    ubah[i] ^= 0x01
    html.write_bytes(bytes(ubah))
    assert keluaran_rusak(akhir) == {"lakip-2023.html"}
    p = _publikasi(k)
    assert p.returncode == 1 and "lakip-2023.html" in p.stderr, p.stderr

    r = _laporan(k["data"], k["build"], k["tmp"])
    assert r.returncode == 0, r.stderr
    assert "Notebook dijalankan : 0" in r.stdout, r.stdout
    assert "Dipakai ulang       : 6 notebook (kunci" in r.stdout  # the report rendered again
    assert html.read_bytes() == asli
    assert keluaran_rusak(akhir) == set()


@pytest.mark.slow
def test_tampered_executed_notebook_is_run_again(build_salinan: dict) -> None:
    k = build_salinan
    akhir = k["build"] / "2023"
    nb = akhir / "notebooks" / "03_keluaran.ipynb"
    asli = nb.read_bytes()
    nb.write_bytes(asli.replace(b'"cells": [', b'"cells":  [', 1))
    assert keluaran_rusak(akhir) == {"notebooks/03_keluaran.ipynb"}
    r = _laporan(k["data"], k["build"], k["tmp"])
    assert r.returncode == 0, r.stderr
    assert "Notebook dijalankan : 1 (03_keluaran.ipynb" in r.stdout, r.stdout
    assert nb.read_bytes() == asli
    assert keluaran_rusak(akhir) == set()


# --------------------------------------------------------------------------- git


def test_manifest_says_why_no_commit_without_git(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no git here
    git = info_git(ROOT)
    assert git["commit"] is None
    assert "git tidak ditemukan di PATH" in git["catatan"]


def test_manifest_says_why_no_commit_outside_a_checkout(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git tidak terpasang")
    git = info_git(tmp_path)
    assert git["commit"] is None and "bukan checkout git" in git["catatan"]
