"""Tests of the command line (``python -m lakip_calc``) and its Makefile face.

The CLI is run as a separate process from a temporary working directory, to
prove that every path is built from the project root, not from the cwd. Bad
input must end with a non-zero status and an Indonesian message, never a
traceback.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import env_lakip, lakip_cli, salin_bersama

from lakip_calc.cli import main
from lakip_calc.paths import DATA, ROOT

TOTAL_PAGU = "Rp5.148.323.747"


#: The command line as a user runs it (``CI`` as the caller's environment has it).
_lakip = functools.partial(lakip_cli, timeout=120, ci=False)


def _tanpa_traceback(proses: subprocess.CompletedProcess[str]) -> None:
    for aliran in (proses.stdout, proses.stderr):
        assert "Traceback" not in aliran, aliran
        assert 'File "' not in aliran, aliran


def _cek_ringkasan(keluaran: str) -> None:
    assert re.search(r"Data 2023 valid", keluaran), keluaran
    assert re.search(r"Sub kegiatan\s*:\s*29\b", keluaran), keluaran
    assert re.search(r"Program\s*:\s*6\b", keluaran), keluaran
    assert re.search(r"Kegiatan\s*:\s*13\b", keluaran), keluaran
    assert re.search(r"Indikator kinerja\s*:\s*5\b", keluaran), keluaran
    assert f"Total pagu       : {TOTAL_PAGU}" in keluaran, keluaran


def test_validasi_dari_folder_lain(tmp_path: Path, potret) -> None:
    sebelum = potret(DATA)
    proses = _lakip("validasi", "--tahun", "2023", cwd=tmp_path)
    assert proses.returncode == 0, proses.stderr
    _cek_ringkasan(proses.stdout)
    _tanpa_traceback(proses)
    assert list(tmp_path.iterdir()) == []  # nothing written to the working directory
    assert potret(DATA) == sebelum  # nor to data/


def test_laporan_memvalidasi_dulu(tmp_path: Path, build_bersama) -> None:
    # a private copy of the session's build and its data, with one prose file changed:
    # a current build is a no-op that validates nothing; this one has work to do
    data, build = salin_bersama(build_bersama, tmp_path)
    teks = data / "2023" / "teks" / "latar_belakang.md"
    teks.write_text(teks.read_text(encoding="utf-8") + "\nSatu kalimat baru.\n", encoding="utf-8")
    arah = ["--tahun", "2023", "--data", str(data), "--build", str(build)]
    proses = _lakip("laporan", *arah, cwd=tmp_path)
    assert proses.returncode == 0, proses.stderr
    _cek_ringkasan(proses.stdout)
    ulang = _lakip("laporan", *arah, cwd=tmp_path)
    assert ulang.returncode == 0, ulang.stderr
    assert "Tidak ada perubahan" in ulang.stdout and "Data 2023 valid" not in ulang.stdout


def test_main_dalam_proses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validasi", "--tahun", " 2023 "]) == 0
    _cek_ringkasan(capsys.readouterr().out)


@pytest.mark.parametrize(
    "tahun", ["../x", "2023; rm -rf x", "20233", "abcd", "", " ", "23", "2023/..", "２０２３"]
)
def test_tahun_tidak_sah_ditolak(tahun: str, tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()  # what "rm -rf x" would remove if the value reached a shell
    proses = _lakip("validasi", "--tahun", tahun, cwd=tmp_path)
    assert proses.returncode != 0
    _tanpa_traceback(proses)
    assert "GALAT" in proses.stderr
    assert "TAHUN tidak sah" in proses.stderr
    assert "empat angka" in proses.stderr
    assert proses.stdout == ""
    assert (tmp_path / "x").is_dir()


def test_tahun_tanpa_folder_data(tmp_path: Path) -> None:
    proses = _lakip("validasi", "--tahun", "1999", cwd=tmp_path)
    assert proses.returncode != 0
    _tanpa_traceback(proses)
    assert "folder data tahun 1999 tidak ada" in proses.stderr


def test_data_relatif_terhadap_folder_kerja(salin_data: Path) -> None:
    """``--data`` given relative is read from the working directory (as the user typed it)."""
    proses = _lakip("validasi", "--tahun", "2023", "--data", "data", cwd=salin_data.parent)
    assert proses.returncode == 0, proses.stderr
    _cek_ringkasan(proses.stdout)


def _pagu_abc(d: Path, s: SimpleNamespace) -> None:
    s.ubah_sel(d / "sub_kegiatan.csv", 4, "pagu", "abc")


def _pemisah_ribuan(d: Path, s: SimpleNamespace) -> None:
    s.ubah_sel(d / "sub_kegiatan.csv", 7, "realisasi", "1.234.567")


def _cp1252(d: Path, s: SimpleNamespace) -> None:
    s.ubah_sel(d / "kegiatan.csv", 3, "nama", "Administrasi – Keuangan")
    s.ganti_isi(d / "kegiatan.csv", (d / "kegiatan.csv").read_text("utf-8").encode("cp1252"))


def _polaritas(d: Path, s: SimpleNamespace) -> None:
    s.ubah_sel(d / "indikator.csv", 2, "polaritas", "naik")


def _yaml_tag(d: Path, s: SimpleNamespace) -> None:
    s.ganti_isi(d / "teks" / "profil.yaml", 'a: 1\nb: !!python/object/apply:os.system ["true"]\n')


def _berkas_hilang(d: Path, s: SimpleNamespace) -> None:
    (d / "program.csv").unlink()


@pytest.mark.parametrize(
    ("rusak", "harap"),
    [
        (_pagu_abc, ["sub_kegiatan.csv", "baris 4", "kolom 'pagu'", "bukan angka"]),
        (_pemisah_ribuan, ["sub_kegiatan.csv", "baris 7", "kolom 'realisasi'", "pemisah ribuan"]),
        (_cp1252, ["kegiatan.csv", "baris 3", "UTF-8"]),
        (_polaritas, ["indikator.csv", "baris 2", "kolom 'polaritas'", "tidak dikenal"]),
        (_yaml_tag, ["teks/profil.yaml", "baris 2", "YAML tidak sah"]),
        (_berkas_hilang, ["program.csv", "berkas wajib tidak ada"]),
    ],
    ids=["pagu-abc", "pemisah-ribuan", "cp1252", "polaritas", "yaml-tag", "berkas-hilang"],
)
def test_data_rusak_lewat_opsi_data(
    rusak, harap: list[str], salin_data: Path, sunting: SimpleNamespace, tmp_path: Path
) -> None:
    rusak(salin_data / "2023", sunting)
    proses = _lakip("validasi", "--tahun", "2023", "--data", str(salin_data), cwd=tmp_path)
    assert proses.returncode == 1
    _tanpa_traceback(proses)
    assert proses.stderr.startswith("GALAT: ")
    for kata in harap:
        assert kata in proses.stderr, proses.stderr
    assert proses.stdout == ""


# ---------------------------------------------------------------------------
# Makefile

_MAKE = shutil.which("make")


def _make(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert _MAKE is not None
    return subprocess.run(
        [_MAKE, "-C", str(ROOT), *args],
        cwd=cwd,
        env=env_lakip(ci=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_make_validate(make_siap: None, tmp_path: Path) -> None:
    proses = _make("-s", "validate", "YEAR=2023", cwd=tmp_path)
    assert proses.returncode == 0, proses.stderr
    _cek_ringkasan(proses.stdout)
    _tanpa_traceback(proses)


@pytest.mark.parametrize("tahun", ["abcd", "../x", "2023; touch {penanda}"])
def test_make_validate_tahun_tidak_sah(make_siap: None, tahun: str, tmp_path: Path) -> None:
    penanda = tmp_path / "penanda"
    proses = _make("-s", "validate", f"YEAR={tahun.format(penanda=penanda)}", cwd=tmp_path)
    assert proses.returncode != 0
    _tanpa_traceback(proses)
    assert "TAHUN tidak sah" in proses.stderr
    assert not penanda.exists()


def test_make_validate_tahun_berisi_kutip_tidak_dijalankan(make_siap: None, tmp_path: Path) -> None:
    penanda = tmp_path / "penanda"
    proses = _make("-s", "validate", f'YEAR=x"; touch "{penanda}"; echo "', cwd=tmp_path)
    assert not penanda.exists()
    assert proses.returncode != 0


def test_make_help(tmp_path: Path) -> None:
    if _MAKE is None:
        pytest.skip("make tidak terpasang")
    proses = _make("help", cwd=tmp_path)
    assert proses.returncode == 0, proses.stderr
    target = re.findall(r"^\s+([a-z-]+)\s", proses.stdout, re.MULTILINE)
    for t in ("help", "setup", "validate", "report", "test", "lint", "clean"):
        assert t in target, proses.stdout
    assert target.index("validate") < target.index("report")  # pipeline order
    assert "YEAR" in proses.stdout
