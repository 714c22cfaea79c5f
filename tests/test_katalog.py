"""The bad-input catalogue beyond the loader (``test_loader.py``, ``test_cli.py``).

Each failing case must end with an Indonesian message naming where to look, a
non-zero exit, no traceback, the previous ``build/2023`` untouched (no partial
output) and ``data/`` untouched. Each case that is legal but suspicious must
build and be reported by the reconciliation.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from conftest import _potret, lakip_cli, salin_bersama

from lakip_calc.cli import main
from lakip_calc.paths import NOTEBOOKS, REPORT

pytestmark = pytest.mark.slow


def _tanpa_traceback(*aliran: str) -> None:
    for a in aliran:
        assert "Traceback" not in a, a
        assert 'File "' not in a, a


@pytest.fixture
def build_lama(tmp_path: Path) -> Path:
    """A previous build in a private build folder; returns the build folder."""
    build = tmp_path / "build"
    lama = build / "2023"
    (lama / "tables").mkdir(parents=True)
    (lama / "lakip-2023.html").write_text("<p>laporan lama</p>\n", encoding="utf-8")
    (lama / "lakip-2023.pdf").write_bytes(b"%PDF-lama\n")
    (lama / "numbers.json").write_text("[]\n", encoding="utf-8")
    (lama / "tables" / "t.csv").write_text("a\n1\n", encoding="utf-8")
    return build


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``python -m lakip_calc`` in this process: returns (status, stdout, stderr)."""
    monkeypatch.setenv("CI", "1")
    monkeypatch.setenv("RENDERER", "builtin")

    def jalankan(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        keluar = capsys.readouterr()
        return status, keluar.out, keluar.err

    return jalankan


def _cek_gagal_bersih(build: Path, lama: dict, data_dir: Path, data_sebelum: dict) -> None:
    assert _potret(build / "2023") == lama  # previous build byte-for-byte, same mtimes
    assert not list(build.glob(".staging-*")) and not list(build.glob(".lama-*"))
    assert _potret(data_dir) == data_sebelum


# ---------------------------------------------------------------------------
# unknown variable keys


def test_variabel_tidak_dikenal_di_sumber_laporan(
    build_bersama, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    # a previous build of the data beside it: the changed report source is what
    # makes the report render again (its cache key holds the sources rendered)
    salin_data, build_lama = salin_bersama(build_bersama, tmp_path)
    report = tmp_path / "report"
    shutil.copytree(REPORT, report, ignore=shutil.ignore_patterns("_hasil"))  # a build's link
    bab = report / "bab2.qmd"
    baris = bab.read_text(encoding="utf-8").splitlines()
    baris.insert(3, "Angka ini {{< var tidak.ada >}} tidak ada.")
    bab.write_text("\n".join(baris) + "\n", encoding="utf-8")
    monkeypatch.setattr("lakip_calc.paths.REPORT", report)
    lama, data_sebelum = _potret(build_lama / "2023"), _potret(salin_data)

    status, out, err = cli(
        "laporan", "--tahun", "2023", "--data", str(salin_data), "--build", str(build_lama)
    )

    assert status == 1
    _tanpa_traceback(out, err)
    assert err.startswith("GALAT: ")
    assert "variabel tidak dikenal: 'tidak.ada'" in err
    # the user's file (not the staged copy) and its line
    assert f"{report.as_posix()}/bab2.qmd baris 4" in err, err
    assert "proyek/report" not in err
    _cek_gagal_bersih(build_lama, lama, salin_data, data_sebelum)
    assert (build_lama / "2023-gagal").is_dir()  # kept for inspection


def test_variabel_tidak_dikenal_di_teks_data(build_bersama, tmp_path: Path, cli) -> None:
    # a previous build of the data beside it: only 06_tabel and the report run again
    salin_data, build_lama = salin_bersama(build_bersama, tmp_path)
    p = salin_data / "2023" / "teks" / "latar_belakang.md"
    isi = (
        p.read_text(encoding="utf-8").rstrip("\n")
        + "\n\nPagu total {{< var anggaran.total.paguu >}}.\n"
    )
    p.write_text(isi, encoding="utf-8")
    nomor = len(isi.splitlines())
    lama, data_sebelum = _potret(build_lama / "2023"), _potret(salin_data)

    status, out, err = cli(
        "laporan", "--tahun", "2023", "--data", str(salin_data), "--build", str(build_lama)
    )

    assert status == 1
    _tanpa_traceback(out, err)
    assert err.startswith("GALAT: ")
    # names the data file the user edits, not the generated fragment under _hasil
    assert f"2023/teks/latar_belakang.md, baris {nomor}:" in err, err
    assert "_hasil" not in err
    assert "variabel tidak dikenal: 'anggaran.total.paguu'" in err
    assert "Mungkin maksudnya 'anggaran.total.pagu'?" in err
    _cek_gagal_bersih(build_lama, lama, salin_data, data_sebelum)


# ---------------------------------------------------------------------------
# YEAR through the laporan command


@pytest.mark.parametrize("tahun", ["../x", "2023; rm -rf x", "20233"])
def test_tahun_tidak_sah_untuk_laporan(tahun: str, tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()  # what "rm -rf x" would remove if the value reached a shell
    build = tmp_path / "build"
    proses = lakip_cli("laporan", "--tahun", tahun, "--build", str(build), cwd=tmp_path, timeout=60)
    assert proses.returncode == 1
    _tanpa_traceback(proses.stdout, proses.stderr)
    assert proses.stderr.startswith("GALAT: TAHUN tidak sah")
    assert "empat angka" in proses.stderr
    assert proses.stdout == ""
    assert (tmp_path / "x").is_dir()
    assert not build.exists()  # nothing written anywhere
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]


# ---------------------------------------------------------------------------
# unknown notebook parameter, through the pipeline


def test_parameter_notebook_tidak_dikenal(
    salin_data: Path, build_lama: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for sumber in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(sumber, as_version=4)
        for c in nb.cells:
            if "parameters" in c.get("metadata", {}).get("tags", []):
                c.source = re.sub(r"^data_dir\b", "folder_data", c.source, flags=re.M)
        nbformat.write(nb, nbs / sumber.name)
    monkeypatch.setattr("lakip_calc.bangun.pipeline.NOTEBOOKS", nbs)
    lama, data_sebelum = _potret(build_lama / "2023"), _potret(salin_data)

    status, out, err = cli(
        "laporan", "--tahun", "2023", "--data", str(salin_data), "--build", str(build_lama)
    )

    assert status == 1
    _tanpa_traceback(out, err)
    assert err.startswith("GALAT: parameter tidak dikenal untuk ")
    assert re.search(r"0\d_\w+\.ipynb: data_dir\.", err), err
    assert "Parameter yang tersedia: folder_data, out_dir, tahun." in err
    assert "tidak diubah" in err
    _cek_gagal_bersih(build_lama, lama, salin_data, data_sebelum)


# ---------------------------------------------------------------------------
# legal but suspicious: target 0 and realisasi above pagu build and are reported


# The session's ``build_curiga`` fixture: IK2 target 0, 1.1.2 above pagu.


def test_kasus_curiga_tetap_dibangun(build_curiga) -> None:
    assert build_curiga["status"] == 0, build_curiga["stderr"]
    _tanpa_traceback(build_curiga["stdout"], build_curiga["stderr"])
    assert "Laporan 2023 selesai" in build_curiga["stdout"]
    for ext in ("html", "pdf", "docx"):
        assert (build_curiga["build"] / f"lakip-2023.{ext}").is_file()
    assert build_curiga["data_tetap"]


def _rekonsiliasi(build: Path) -> list[dict]:
    with (build / "reconciliation.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_target_nol_tampil_strip_dan_dilaporkan(build_curiga) -> None:
    build = build_curiga["build"]
    angka = {a["key"]: a for a in json.loads((build / "numbers.json").read_text("utf-8"))}
    cap = angka["kinerja.IK2.capaian"]
    assert cap["value"] is None and cap["text"] == "-"
    html = (build / "lakip-2023.html").read_text(encoding="utf-8")
    sel = re.findall(r'data-key="kinerja\.IK2\.capaian"[^>]*>([^<]*)<', html)
    assert sel and set(sel) == {"-"}, sel
    baris = [r for r in _rekonsiliasi(build) if r["key"] == "kinerja.IK2.capaian"]
    kosong = [r for r in baris if r["check"] == "capaian tidak dapat dihitung"]
    assert kosong and kosong[0]["verdict"] == "selisih", baris
    assert "target 0" in kosong[0]["note"], kosong
    # the printed capaian (Tabel 3.2) is reported against "-" as well
    assert any(r["computed"] == "-" and r["location"].startswith("Tabel") for r in baris), baris


def test_realisasi_di_atas_pagu_ditandai(build_curiga) -> None:
    kode = build_curiga["kode_lebih_pagu"]
    baris = [
        r for r in _rekonsiliasi(build_curiga["build"]) if r["check"] == "realisasi melebihi pagu"
    ]
    assert [r["key"] for r in baris] == [f"anggaran.{kode}.realisasi"], baris
    r = baris[0]
    assert r["verdict"] == "selisih"
    assert r["location"].endswith("sub_kegiatan.csv baris 3")
    assert Decimal(r["difference"]) == 1000
    assert Decimal(r["stated_value"]) - Decimal(r["computed_value"]) == 1000


def test_selisih_ditulis_tanpa_eksponen(build_curiga) -> None:
    selisih = [r["difference"] for r in _rekonsiliasi(build_curiga["build"]) if r["difference"]]
    assert not [d for d in selisih if "E" in d.upper()]
