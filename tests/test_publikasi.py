"""Tests of the static site (``python -m lakip_calc publikasi``).

The slow tests publish the shared session build of ``test_verifikasi`` into a
temporary site folder (``--situs``); ``_site/`` of the project is never touched.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from lakip_calc.audit.publikasi import referensi_luar, terbitkan, tulis_xlsx

TAHUN = 2023
_LARANGAN = re.compile(r'src="http|href="http|@import url\(http', re.I)


@pytest.fixture(scope="module")
def situs(situs_bersama: SimpleNamespace) -> SimpleNamespace:
    return situs_bersama


# --------------------------------------------------------------------------- fast tests


def test_referensi_luar() -> None:
    assert referensi_luar('<img src="https://x/y.png">')
    assert referensi_luar("<link href='//cdn.example/x.css'>")
    assert referensi_luar("<style>@import url(https://fonts.example/a.css);</style>")
    assert referensi_luar("<div style=\"background:url('http://x/a.png')\"></div>")
    assert not referensi_luar('<a href="#jejak-a">x</a><img src="data:image/png;base64,AAAA">')
    assert not referensi_luar('<svg xmlns="http://www.w3.org/2000/svg"></svg>')


def test_xlsx_deterministik(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.csv").write_text(
        "Kode,Nama,Pagu\n1.1,Satu,1000\n0001,Dua,2.5\n", encoding="utf-8"
    )
    (tmp_path / "b.csv").write_text("No,Nilai\n1,x\n", encoding="utf-8")
    tabel = {"tbl-a": tmp_path / "a.csv", "tbl-b": tmp_path / "b.csv"}
    satu = tulis_xlsx(tabel, tmp_path / "1.xlsx", 1704067200).read_bytes()
    sekarang = time.time()  # a clock a year and a day later: it must not matter
    monkeypatch.setattr(time, "time", lambda: sekarang + 366 * 86400 + 3)
    dua = tulis_xlsx(tabel, tmp_path / "2.xlsx", 1704067200).read_bytes()
    assert satu == dua
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "1.xlsx")
    assert wb.sheetnames == ["a", "b"]
    ws = wb["a"]
    assert [c.value for c in ws[2]] == ["1.1", "Satu", 1000]  # codes stay text
    assert [c.value for c in ws[3]] == ["0001", "Dua", 2.5]


def test_publikasi_tanpa_build(tmp_path: Path) -> None:
    from lakip_calc.errors import LakipError

    with pytest.raises(LakipError, match="belum ada"):
        terbitkan(TAHUN, build_dir=tmp_path / "build", situs=tmp_path / "_site")
    assert not (tmp_path / "_site").exists()


# --------------------------------------------------------------------------- slow tests


@pytest.mark.slow
def test_situs_lengkap(situs: SimpleNamespace) -> None:
    s, build = situs.situs, situs.bangunan.folder
    y = s / str(TAHUN)
    for nama in ("html", "pdf", "docx"):
        p = y / f"lakip-{TAHUN}.{nama}"
        assert p.read_bytes() == (build / p.name).read_bytes()
    index = (s / "index.html").read_text(encoding="utf-8")
    assert f'href="{TAHUN}/lakip-{TAHUN}.html"' in index
    # open data: every table CSV, reconciliation.csv, numbers.json, one workbook
    csv_build = sorted(p.name for p in (build / "tables").glob("*.csv"))
    for nama in csv_build:
        assert (y / "data" / nama).read_bytes() == (build / "tables" / nama).read_bytes()
    for nama in ("reconciliation.csv", "numbers.json"):
        assert (y / "data" / nama).read_bytes() == (build / nama).read_bytes()
    from openpyxl import load_workbook

    wb = load_workbook(y / "data" / f"lakip-{TAHUN}.xlsx")
    assert len(wb.sheetnames) == len(csv_build) + 2  # and reconciliation, jejak-angka
    numbers = json.loads((build / "numbers.json").read_text(encoding="utf-8"))
    assert len(wb["jejak-angka"]["A"]) == len(numbers) + 1  # every number, as in its CSV
    assert sorted(p.name for p in (y / "data").glob("*.xlsx")) == [f"lakip-{TAHUN}.xlsx"]


@pytest.mark.slow
def test_notebook_html_berjangkar(situs: SimpleNamespace) -> None:
    """Every ``notebook`` of numbers.json resolves to ``notebooks/<nb>.html#<cell id>``."""
    y = situs.situs / str(TAHUN)
    numbers = json.loads((y / "data" / "numbers.json").read_text(encoding="utf-8"))
    target = {d["notebook"] for d in numbers if d.get("notebook")}
    assert target
    for t in sorted(target):
        nb, sel = t.rsplit("/", 1)[1].split("#", 1)
        halaman = y / "notebooks" / nb.replace(".ipynb", ".html")
        assert f'id="{sel}"' in halaman.read_text(encoding="utf-8"), t
    for h in (y / "notebooks").glob("*.html"):
        teks = h.read_text(encoding="utf-8")
        assert "<script" not in teks.lower(), h.name  # no require.js / MathJax
        assert "http" not in teks, h.name


@pytest.mark.slow
def test_tanpa_permintaan_luar(situs: SimpleNamespace) -> None:
    halaman = sorted(situs.situs.rglob("*.html"))
    assert len(halaman) >= 7
    for h in halaman:
        teks = h.read_text(encoding="utf-8")
        assert not _LARANGAN.search(teks), h
        assert referensi_luar(teks) == [], h


@pytest.mark.slow
def test_sha256sums(situs: SimpleNamespace, tmp_path: Path) -> None:
    s = situs.situs
    baris = (s / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    semua = sorted(p.relative_to(s).as_posix() for p in s.rglob("*") if p.is_file())
    assert sorted(b.split("  ", 1)[1] for b in baris) == [x for x in semua if x != "SHA256SUMS"]
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (coreutils) tidak ada")
    r = subprocess.run(
        ["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=s, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr
    # a second publication gives the same bytes
    lagi = tmp_path / "_site"
    terbitkan(TAHUN, build_dir=situs.bangunan.build, situs=lagi)
    assert (lagi / "SHA256SUMS").read_bytes() == (s / "SHA256SUMS").read_bytes()


def test_xlsx_tidak_memuat_rumus(tmp_path: Path) -> None:
    """A text cell that begins like a formula is written as text, never as a formula."""
    import zipfile

    from openpyxl import load_workbook

    (tmp_path / "a.csv").write_text(
        'Nama,Nilai\n"=HYPERLINK(""http://contoh.invalid"",""klik"")",1\n@SUM(A1),2\n',
        encoding="utf-8",
    )
    xlsx = tulis_xlsx({"tbl-a": tmp_path / "a.csv"}, tmp_path / "a.xlsx", 1704067200)
    with zipfile.ZipFile(xlsx) as z:
        lembar = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in lembar and "<f " not in lembar
    ws = load_workbook(xlsx)["a"]
    assert ws["A2"].value == '=HYPERLINK("http://contoh.invalid","klik")'
    assert ws["A2"].data_type == "s" and ws["B2"].value == 1
