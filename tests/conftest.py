"""Shared test helpers: a private copy of the real data and ways to damage it.

``data/`` is read-only input. Tests that need broken data copy a year to a
temporary folder first (:func:`salin_data`) and edit only that copy.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar

import pytest

from lakip_calc.paths import DATA, ROOT

T = TypeVar("T")

# Builds in the suite use the built-in renderer unless a test asks for Quarto
# (tests/test_quarto.py sets RENDERER itself): with a Quarto on PATH every
# build would otherwise be rendered by it, about ten times slower.
os.environ["RENDERER"] = "builtin"


def _baca_baris(path: Path) -> list[list[str]]:
    teks = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(teks, newline="")))


def _tulis_baris(path: Path, rows: Sequence[Sequence[str]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _ubah_sel(path: Path, baris: int, kolom: str, nilai: str) -> None:
    """Set one cell of a CSV file.

    ``baris`` counts as a spreadsheet does (header = 1, first data row = 2);
    ``kolom`` is the header name.
    """
    rows = _baca_baris(path)
    if baris < 2 or baris > len(rows):
        raise IndexError(f"{path.name} has no data row {baris}")
    rows[baris - 1][rows[0].index(kolom)] = nilai
    _tulis_baris(path, rows)


def _tambah_baris(path: Path, nilai: dict[str, str]) -> int:
    """Append a row (missing columns empty); return its spreadsheet row number."""
    rows = _baca_baris(path)
    rows.append([nilai.get(h, "") for h in rows[0]])
    _tulis_baris(path, rows)
    return len(rows)


def _hapus_kolom(path: Path, kolom: str) -> None:
    """Remove a whole column (header and cells) from a CSV file."""
    rows = _baca_baris(path)
    i = rows[0].index(kolom)
    _tulis_baris(path, [r[:i] + r[i + 1 :] for r in rows])


def _ganti_isi(path: Path, isi: bytes | str) -> None:
    """Replace a file's whole content (``str`` is written as UTF-8)."""
    path.write_bytes(isi.encode("utf-8") if isinstance(isi, str) else isi)


def _potret(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every path under ``folder`` -> (mtime_ns, size, sha256; '' for folders)."""
    hasil: dict[str, tuple[int, int, str]] = {}
    for p in sorted(folder.rglob("*")):
        st = p.stat()
        isi = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        hasil[p.relative_to(folder).as_posix()] = (st.st_mtime_ns, st.st_size, isi)
    return hasil


#: Makefile variables a test's child process must not inherit from whoever ran the tests.
_VARIABEL_MAKE = ("YEAR", "DATA", "OPD", "DRAFT", "XLSX", "HTML")


def env_lakip(ci: bool = True) -> dict[str, str]:
    """The environment of a child process of the tests: the project importable, UTF-8
    output, no Makefile variable inherited; ``CI=1`` (no progress lines) when ``ci``."""
    env = {k: v for k, v in os.environ.items() if k not in _VARIABEL_MAKE}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    if ci:
        env["CI"] = "1"
    return env


def lakip_cli(
    *args: str, cwd: Path = ROOT, timeout: int = 300, ci: bool = True
) -> subprocess.CompletedProcess[str]:
    """``python -m lakip_calc *args`` as a user runs it, in ``cwd`` (:func:`env_lakip`)."""
    return subprocess.run(
        [sys.executable, "-m", "lakip_calc", *args],
        cwd=cwd,
        env=env_lakip(ci),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@pytest.fixture
def salin_data(tmp_path: Path) -> Path:
    """Copy ``data/2023`` to ``tmp_path/data/2023`` and return ``tmp_path/data``."""
    tujuan = tmp_path / "data"
    shutil.copytree(DATA / "2023", tujuan / "2023")
    return tujuan


@pytest.fixture
def ubah_sel() -> Callable[[Path, int, str, str], None]:
    """``ubah_sel(path, baris, kolom, nilai)``: set one cell (header = row 1)."""
    return _ubah_sel


@pytest.fixture
def tambah_baris() -> Callable[[Path, dict[str, str]], int]:
    """``tambah_baris(path, {kolom: nilai})``: append a row, return its row number."""
    return _tambah_baris


@pytest.fixture
def hapus_kolom() -> Callable[[Path, str], None]:
    """``hapus_kolom(path, kolom)``: remove a column."""
    return _hapus_kolom


@pytest.fixture
def ganti_isi() -> Callable[[Path, bytes | str], None]:
    """``ganti_isi(path, isi)``: replace a file's bytes."""
    return _ganti_isi


@pytest.fixture
def potret() -> Callable[[Path], dict[str, tuple[int, int, str]]]:
    """``potret(folder)``: path -> (mtime_ns, size, sha256) of everything under it."""
    return _potret


@pytest.fixture
def sunting() -> SimpleNamespace:
    """All editing helpers in one object: ``sunting.ubah_sel(...)`` etc."""
    return SimpleNamespace(
        ubah_sel=_ubah_sel,
        tambah_baris=_tambah_baris,
        hapus_kolom=_hapus_kolom,
        ganti_isi=_ganti_isi,
    )


_MAKE = shutil.which("make")


@pytest.fixture
def make_siap(tmp_path: Path) -> None:
    """Skip unless make exists and .venv is set up (else make would install packages)."""
    if _MAKE is None:
        pytest.skip("make tidak terpasang")
    env = {k: v for k, v in os.environ.items() if k not in ("YEAR", "DATA", "OPD", "DRAFT", "XLSX")}
    siap = subprocess.run(
        [_MAKE, "-C", str(ROOT), "-q", ".venv/.installed"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
    )
    if siap.returncode != 0:
        pytest.skip(".venv belum disiapkan ('make setup'); tidak memasang paket dari tes")


# --------------------------------------------------------------------------- shared builds


def sekali_per_sesi(
    tmp_path_factory: pytest.TempPathFactory, nama: str, buat: Callable[[], T]
) -> T:
    """``buat()``, made once per test run whatever the number of pytest-xdist workers.

    Without xdist it is simply called (the session fixture keeps it). Under
    xdist the workers of a run share the parent of their temporary folders:
    the first worker that needs ``nama`` makes it while it holds an ``flock`` on
    ``<parent>/<nama>.lock`` and leaves it there pickled; the others wait on
    the lock, then read it. What is shared must only be read by the tests.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return buat()
    akar = tmp_path_factory.getbasetemp().parent
    simpanan = akar / f"{nama}.pickle"
    with (akar / f"{nama}.lock").open("w") as kunci:
        fcntl.flock(kunci, fcntl.LOCK_EX)  # released when the file is closed
        if simpanan.is_file():
            return pickle.loads(simpanan.read_bytes())
        hasil = buat()
        simpanan.write_bytes(pickle.dumps(hasil))
        return hasil


@pytest.fixture(scope="session")
def build_bersama(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """A full build of a copy of ``data/2023`` (:func:`_bersama.build_bersama`); read only."""
    import _bersama

    return sekali_per_sesi(
        tmp_path_factory, "build_bersama", lambda: _bersama.build_bersama(tmp_path_factory)
    )


def salin_build(data: Path, build: Path, akar: Path) -> tuple[Path, Path]:
    """Copy a data folder and its build folder side by side into ``akar``; (data, build).

    Moved together they stay current (:func:`lakip_calc.paths.folder_kerja`): a build
    there reuses every notebook and runs only what the test changes.
    """
    shutil.copytree(data, akar / "data")
    shutil.copytree(build, akar / "build")
    return akar / "data", akar / "build"


def salin_bersama(bersama: SimpleNamespace, akar: Path) -> tuple[Path, Path]:
    """:func:`salin_build` of ``build_bersama``."""
    return salin_build(bersama.data, bersama.build, akar)


@pytest.fixture(scope="session")
def situs_bersama(tmp_path_factory: pytest.TempPathFactory, build_bersama) -> SimpleNamespace:
    """``build_bersama`` published into a site folder (:func:`_bersama.situs_bersama`)."""
    import _bersama

    return sekali_per_sesi(
        tmp_path_factory,
        "situs_bersama",
        lambda: _bersama.situs_bersama(tmp_path_factory, build_bersama),
    )


@pytest.fixture(scope="session")
def build_curiga(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One build of a copy of ``data/2023`` carrying markup and suspicious facts
    (:func:`_bersama.build_curiga`); read only."""
    import _bersama

    return sekali_per_sesi(
        tmp_path_factory, "build_curiga", lambda: _bersama.build_curiga(tmp_path_factory)
    )


#: The test files that take longest, in that order, run before the others: under
#: pytest-xdist (``make test``: ``--dist loadfile --no-loadscope-reorder``) each worker
#: takes the next file, and a long file taken last would run alone at the end.
LAMA_DULU = (
    "test_quarto.py",
    "test_verifikasi.py",
    "test_regensi.py",
    "test_gangguan.py",
    "test_ponsel.py",
    "test_cache.py",
    "test_bundel.py",
    "test_papermill.py",
    "test_interupsi.py",
    "test_draft.py",
    "test_katalog.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the files of :data:`LAMA_DULU` first (the rest keep their order)."""
    urutan = {nama: i for i, nama in enumerate(LAMA_DULU)}
    items.sort(key=lambda item: urutan.get(item.path.name, len(urutan)))
