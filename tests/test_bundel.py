"""The source bundle on the site rebuilds the published report byte for byte (issue 18, item 4).

End to end, as an auditor holding only ``_site/``: a bundle of this project is
extracted into a folder without git (A), built and published there with
``make`` (starting from this checkout's build of the same data); the bundle that
A's site carries is extracted elsewhere (B) and built from scratch with ``make
report``; B's HTML, PDF and DOCX must equal A's published files.
Both folders reuse this project's pinned ``.venv`` (a link), so no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from lakip_calc.audit.bundel import daftar_isi, tulis_bundel
from lakip_calc.bangun.sidik import info_git
from lakip_calc.paths import ROOT

TAHUN = 2023
_EPOCH = 1704067200


def _make(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("YEAR", "DATA", "DRAFT", "XLSX", "HTML")
    }
    env["CI"] = "1"
    return subprocess.run(
        ["make", *args, f"YEAR={TAHUN}", "RENDERER=builtin"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _ekstrak(bundel: Path, ke: Path) -> Path:
    ke.mkdir(parents=True)
    with tarfile.open(bundel) as tar:
        for m in tar.getmembers():  # files and folders only, every one inside ``ke``
            assert m.isfile() or m.isdir(), m.name
            assert not m.name.startswith("/") and ".." not in m.name.split("/"), m.name
        # The "data" filter checks the same (Python 3.11.4 and later; Debian 12 has 3.11.2).
        tar.extractall(ke, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    folder = ke / f"lakip-{TAHUN}"
    (folder / ".venv").symlink_to(ROOT / ".venv")
    return folder


def test_bundle_is_deterministic_and_holds_sources_only(tmp_path):
    git = {"commit": "0" * 40, "dirty": False}
    a = tulis_bundel(tmp_path / "a.tar.gz", TAHUN, git, _EPOCH)
    b = tulis_bundel(tmp_path / "b.tar.gz", TAHUN, git, _EPOCH)
    assert a.read_bytes() == b.read_bytes()
    with tarfile.open(a) as tar:
        anggota = tar.getmembers()
    nama = [m.name for m in anggota]
    assert nama == sorted(nama)
    assert {m.mtime for m in anggota} == {_EPOCH}
    assert {(m.uid, m.gid, m.uname, m.gname) for m in anggota} == {(0, 0, "", "")}
    isi = set(daftar_isi(TAHUN))
    for perlu in ("Makefile", "requirements.lock", "pyproject.toml", "_quarto.yml", "README.md"):
        assert perlu in isi
    assert f"lakip-{TAHUN}/KOMIT.json" in nama
    assert any(n.startswith(f"lakip-{TAHUN}/data/{TAHUN}/") for n in nama)
    assert any(n.startswith(f"lakip-{TAHUN}/_extensions/lakip/") for n in nama)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in nama)
    assert not any(n.startswith(f"lakip-{TAHUN}/data/{TAHUN + 1}") for n in nama)


@pytest.mark.slow
def test_bundle_from_the_site_rebuilds_the_published_report(tmp_path, make_siap, build_bersama):
    if shutil.which("make") is None:
        pytest.skip("make tidak terpasang")
    awal = tulis_bundel(tmp_path / "awal.tar.gz", TAHUN, info_git(), _EPOCH)
    a = _ekstrak(awal, tmp_path / "a")
    # current when this checkout is clean (else A rebuilds what changed)
    shutil.copytree(build_bersama.folder, a / "build" / str(TAHUN))
    for langkah in ("report", "publish"):
        r = _make(a, langkah)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    situs = a / "_site" / str(TAHUN)
    assert "Cara memverifikasi" in (a / "_site" / "cara-memverifikasi.html").read_text()
    b = _ekstrak(situs / f"sumber-lakip-{TAHUN}.tar.gz", tmp_path / "b")
    r = _make(b, "report")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    for ext in ("html", "pdf", "docx"):
        nama = f"lakip-{TAHUN}.{ext}"
        assert (b / "build" / str(TAHUN) / nama).read_bytes() == (situs / nama).read_bytes(), nama
    # the same sources make the same bundle
    assert (situs / f"sumber-lakip-{TAHUN}.tar.gz").read_bytes() == tulis_bundel(
        tmp_path / "ulang.tar.gz", TAHUN, info_git(a), _EPOCH, root=b
    ).read_bytes()

    # a source changed after the build: publish refuses instead of bundling other code
    init = a / "lakip_calc" / "__init__.py"
    init.write_text(init.read_text() + "# diubah\n")
    r = _make(a, "publish")
    assert r.returncode != 0
    assert "sumber proyek tidak sama dengan yang membangun" in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
