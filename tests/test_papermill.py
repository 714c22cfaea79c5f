"""The notebooks under stock papermill, as an auditor runs them (issue 18, item 5).

Each test runs the ``papermill`` command line itself (no lakip runner), from
the project root or from a scratch folder, and checks what it wrote and what
it refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lakip_calc.bangun.cache import dibaca_notebook
from lakip_calc.masukan.loader import muat_tahun
from lakip_calc.paths import NOTEBOOKS, ROOT

URUTAN = [
    "01_anggaran",
    "02_kinerja",
    "03_keluaran",
    "04_rekonsiliasi",
    "05_grafik",
    "06_tabel",
]


def _papermill(nama: str, keluar: Path, cwd: Path, *param: str) -> subprocess.CompletedProcess:
    """``papermill notebooks/<nama>.ipynb <keluar> -p ...`` run in ``cwd``."""
    args = [sys.executable, "-m", "papermill", "--no-progress-bar"]
    args += [str(NOTEBOOKS / f"{nama}.ipynb"), str(keluar)]
    for p in param:
        args += ["-p", *p.split("=", 1)]
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _semua_berkas(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _kerja(tmp_path: Path) -> Path:
    """A scratch working folder laid out as the project root for the notebooks (``data/``).

    Not the checkout itself: a build the user runs there meanwhile may rewrite its
    ``build/``, so only a folder of the test's own shows that a run wrote nothing else.
    """
    kerja = tmp_path / "kerja"
    kerja.mkdir()
    (kerja / "data").symlink_to(ROOT / "data")
    return kerja


def test_six_notebooks_in_order_write_only_under_a_relative_out_dir(tmp_path):
    """Run from a scratch folder with relative paths: they resolve against that folder."""
    kerja = _kerja(tmp_path)
    for nama in URUTAN:
        r = _papermill(
            nama, kerja / f"{nama}.ipynb", kerja, "tahun=2023", "data_dir=data", "out_dir=hasil"
        )
        assert r.returncode == 0, r.stderr[-3000:]
    hasil = _semua_berkas(kerja / "hasil")
    assert {"reconciliation.csv", "bagian/anggaran.json", "bagian/rekonsiliasi.json"} <= hasil
    assert any(h.startswith("tables/") for h in hasil)
    assert any(h.startswith("charts/") for h in hasil)
    # nothing but the executed notebooks (our own output paths) and out_dir in the folder
    assert sorted(p.name for p in kerja.iterdir()) == sorted(
        ["data", "hasil", *(f"{n}.ipynb" for n in URUTAN)]
    )
    # each executed notebook shows what its loader read, as the build's cache reads it
    dibaca = {n: dibaca_notebook(kerja / f"{n}.ipynb") for n in URUTAN}
    harap = muat_tahun(2023, ROOT / "data", ["keluaran", "psks"], teks=False).dibaca
    assert dibaca["03_keluaran"] == harap
    assert "teks/" in dibaca["06_tabel"] and "teks/" not in dibaca["01_anggaran"]


def test_from_the_project_root_an_absolute_out_dir_gets_everything(tmp_path):
    """The issue's command line: from the root, data relative, out_dir absolute;
    nothing is written in the working folder (where the default ``build/`` is)."""
    kerja = _kerja(tmp_path)
    out = tmp_path / "x"
    r = _papermill(
        "01_anggaran",
        tmp_path / "out.ipynb",
        kerja,
        "tahun=2023",
        "data_dir=data",
        f"out_dir={out}",
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert _semua_berkas(out) == {"bagian/anggaran.json"}
    assert [p.name for p in kerja.iterdir()] == ["data"]


@pytest.mark.parametrize(
    ("nama", "dulu"),
    [
        ("04_rekonsiliasi", "01_anggaran.ipynb, 02_kinerja.ipynb, 03_keluaran.ipynb"),
        ("05_grafik", "01_anggaran.ipynb, 02_kinerja.ipynb"),
        ("06_tabel", "01_anggaran.ipynb, 02_kinerja.ipynb, 03_keluaran.ipynb, 04_rekonsiliasi"),
    ],
)
def test_a_notebook_run_before_its_inputs_stops_naming_them(tmp_path, nama, dulu):
    r = _papermill(
        nama,
        tmp_path / "out.ipynb",
        ROOT,
        "tahun=2023",
        "data_dir=data",
        f"out_dir={tmp_path / 'x'}",
    )
    assert r.returncode != 0
    assert f"Jalankan dulu {dulu}" in r.stderr
    assert "KeyError" not in r.stderr
    assert not (tmp_path / "x").exists() or not _semua_berkas(tmp_path / "x")


def test_an_unknown_parameter_is_an_error(tmp_path):
    r = _papermill(
        "03_keluaran",
        tmp_path / "out.ipynb",
        ROOT,
        "tahun=2023",
        "data_dir=data",
        f"out_dir={tmp_path / 'x'}",
        "taun=2024",
    )
    assert r.returncode != 0
    assert "parameter tidak dikenal: taun" in r.stderr
    assert not (tmp_path / "x").exists()
