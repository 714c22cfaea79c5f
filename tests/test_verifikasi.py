"""Tests of the manifest, auditor verification and byte-identical builds.

The slow tests share one full build of a private copy of ``data/2023`` made
once per session (the ``build_bersama`` fixture, also used by ``test_publikasi``
and ``test_browser``); ``verifikasi`` rebuilds it in another folder and must find
every output byte-identical (the suite's check that the same data give the same
bytes). Edits are made to further copies of the data, one digit at a time.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import lakip_cli

from lakip_calc.audit.manifest import (
    ID_ANGKA,
    ID_MANIFEST,
    baca_html,
    baris_berkas,
    ke_json,
    sematkan_html,
)
from lakip_calc.audit.verifikasi import _baris_berubah, berkas_tabel
from lakip_calc.paths import DATA

TAHUN = 2023


@pytest.fixture(scope="module")
def bangunan(build_bersama: SimpleNamespace) -> SimpleNamespace:
    return build_bersama


def _verifikasi(data: str, *arah: str) -> subprocess.CompletedProcess[str]:
    """``lakip verifikasi`` of 2023 from the data folder ``data`` (``arah``: --build/--html)."""
    return lakip_cli("verifikasi", "--tahun", "2023", "--data", data, *arah)


# --------------------------------------------------------------------------- editing helpers


def _ganti_digit_csv(path: Path, baris: int, kolom: str) -> tuple[str, str]:
    """Change the last digit of one CSV cell in place (other bytes untouched)."""
    teks = path.read_text(encoding="utf-8")
    lines = teks.split("\n")
    judul = next(csv.reader([lines[0]]))
    j = judul.index(kolom)
    sel = next(csv.reader([lines[baris - 1]]))
    awalan = ",".join(sel[:j]) + ("," if j else "")
    assert lines[baris - 1].startswith(awalan), "baris memakai tanda kutip sebelum kolom target"
    lama = sel[j]
    m = re.search(r"[0-9](?=[^0-9]*$)", lama)
    assert m, f"sel {kolom} baris {baris} tidak berisi angka: {lama!r}"
    baru = lama[: m.start()] + str((int(m.group(0)) + 1) % 10) + lama[m.end() :]
    lines[baris - 1] = awalan + baru + lines[baris - 1][len(awalan) + len(lama) :]
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    return lama, baru


def _ganti_digit_teks(path: Path) -> int:
    """Change the first digit of a text file; return its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, b in enumerate(lines):
        m = re.search(r"[0-9]", b)
        if m:
            lines[i] = b[: m.start()] + str((int(m.group(0)) + 1) % 10) + b[m.end() :]
            path.write_text("\n".join(lines), encoding="utf-8", newline="")
            return i + 1
    raise AssertionError(f"{path} tidak berisi angka")


def _angka_tunggal(numbers: list[dict], berkas: str) -> dict:
    """A number computed from exactly one numeric cell of ``berkas``."""
    for d in numbers:
        ins = d["inputs"]
        if (
            len(ins) == 1
            and "sampai" not in ins[0]  # one cell, not a run of rows
            and ins[0]["file"] == berkas
            and isinstance(d["value"], str)
            and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", d["value"])
        ):
            return d
    raise AssertionError(f"tidak ada angka dari satu sel {berkas}")


def _salin_data(tmp_path: Path) -> Path:
    tujuan = tmp_path / "data"
    shutil.copytree(DATA / str(TAHUN), tujuan / str(TAHUN))
    return tujuan


# --------------------------------------------------------------------------- fast tests


def test_baris_berubah_menyebut_baris() -> None:
    lama = " ".join(["a", "b", "c", "d"])
    assert _baris_berubah(lama, ["a", "x", "c", "d"]) == [("berubah", 2)]
    assert ("baru", 5) in _baris_berubah(lama, ["a", "b", "c", "d", "e"])
    assert _baris_berubah(None, ["a"]) == []


def test_baris_berkas_csv_per_rekaman() -> None:
    raw = b'a,b\n1,"dua\nbaris"\n3,4\n'
    assert len(baris_berkas(raw, "x.csv")) == 3  # header + 2 records
    assert len(baris_berkas(raw, "x.md")) == 4  # lines


def test_sematkan_dan_baca_html_aman(tmp_path: Path) -> None:
    html = tmp_path / "x.html"
    html.write_text("<html><body><p>isi</p></body></html>", encoding="utf-8")
    m = {"schema": "lakip-manifest/1", "parameters": {"year": 2023}, "jahat": "</script><b>&"}
    numbers = [{"key": "a.b", "value": "1", "text": "1</script>"}]
    sematkan_html(html, m, numbers)
    teks = html.read_text(encoding="utf-8")
    assert teks.count("</script>") == 2  # only the two closing tags
    assert f'id="{ID_MANIFEST}"' in teks and f'id="{ID_ANGKA}"' in teks
    m2, a2 = baca_html(html)
    assert m2 == m
    assert a2 == {"a.b": {"value": "1", "text": "1</script>"}}
    assert ke_json(m) == ke_json(json.loads(ke_json(m)))


def test_berkas_tabel() -> None:
    semua = {"tables/a.csv", "tables/a.html", "reconciliation.csv", "numbers.json", "x/y.csv"}
    assert berkas_tabel(semua) == ["reconciliation.csv", "tables/a.csv"]


def test_cli_verifikasi_tanpa_manifest(tmp_path: Path) -> None:
    p = lakip_cli("verifikasi", "--tahun", "2023", "--build", str(tmp_path))
    assert p.returncode != 0
    assert "manifest tidak ada" in p.stderr
    assert "Traceback" not in p.stderr


# --------------------------------------------------------------------------- slow tests


@pytest.mark.slow
def test_manifest_isi(bangunan: SimpleNamespace) -> None:
    m = json.loads((bangunan.folder / "manifest.json").read_text(encoding="utf-8"))
    assert (bangunan.folder / "manifest.json").read_text(encoding="utf-8") == ke_json(m)
    assert m["parameters"]["year"] == TAHUN
    assert m["parameters"]["renderer"]["nama"] in ("builtin", "quarto")
    assert m["parameters"]["renderer"]["pandoc"]
    assert set(m["git"]) == {"commit", "dirty"}
    assert re.fullmatch(r"[0-9a-f]{64}", m["code_sha256"])
    for p in (
        "pandas",
        "numpy",
        "matplotlib",
        "great-tables",
        "papermill",
        "pypandoc-binary",
        "typst",
        "nbformat",
        "jupyter-client",
        "ipykernel",
        "pandoc",
    ):
        assert m["packages"].get(p), p
    # keyed relative to the data folder that was read (a copy here), not "data/2023/..."
    assert "2023/sub_kegiatan.csv" in m["inputs"]
    assert any(k.startswith("2023/teks/") for k in m["inputs"])
    assert all(k.startswith("2023/") for k in m["inputs"]), list(m["inputs"])
    assert m["instansi"] == {
        "nama": "Dinas Sosial",
        "pemerintah": "Pemerintah Kabupaten Tanjung Jabung Barat",
    }
    for k in (
        "numbers.json",
        "reconciliation.csv",
        "lakip-2023.html",
        "lakip-2023.pdf",
        "lakip-2023.docx",
    ):
        assert k in m["outputs"], k
    assert any(k.startswith("tables/") and k.endswith(".csv") for k in m["outputs"])
    assert "manifest.json" not in m["outputs"] and "build.log" not in m["outputs"]
    # the copy embedded in the HTML: everything but the HTML itself
    tertanam, angka = baca_html(bangunan.folder / "lakip-2023.html")
    assert "lakip-2023.html" in tertanam["excluded"]
    assert "lakip-2023.html" not in tertanam["outputs"]
    assert {k: v for k, v in m["outputs"].items() if k != "lakip-2023.html"} == tertanam["outputs"]
    assert tertanam["inputs"] == m["inputs"]
    numbers = json.loads((bangunan.folder / "numbers.json").read_text(encoding="utf-8"))
    assert angka == {d["key"]: {"value": d["value"], "text": d["text"]} for d in numbers}
    # colophon page
    html = (bangunan.folder / "lakip-2023.html").read_text(encoding="utf-8")
    assert 'id="kolofon"' in html
    assert m["inputs"]["2023/sub_kegiatan.csv"][:16] in html


@pytest.mark.slow
def test_verifikasi_html_cocok(bangunan: SimpleNamespace) -> None:
    """HTML mode: the published HTML and the files beside it against a rebuild from the data."""
    p = _verifikasi(str(bangunan.data), "--html", str(bangunan.folder / "lakip-2023.html"))
    out = p.stdout
    assert p.returncode == 0, out + p.stderr
    m = re.fullmatch(
        # the HTML and the files published beside it (here: the build's report files and notebooks)
        r"cocok: (\d+) angka, \d+ tabel, (\d+) berkas data, 12 berkas keluaran sama byte demi byte\n",
        out,
    )
    assert m, out
    numbers = json.loads((bangunan.folder / "numbers.json").read_text(encoding="utf-8"))
    manifest = json.loads((bangunan.folder / "manifest.json").read_text(encoding="utf-8"))
    assert (int(m.group(1)), int(m.group(2))) == (len(numbers), len(manifest["inputs"]))


@pytest.mark.slow
def test_verifikasi_satu_digit_empat_berkas(bangunan: SimpleNamespace, tmp_path: Path) -> None:
    """sub_kegiatan.csv, indikator_tahunan.csv, keluaran.csv and a text file, each one
    digit, in one run against the published HTML only: each file and row is named, and
    each number computed from the changed cell with what was expected and what came."""
    numbers = json.loads((bangunan.folder / "numbers.json").read_text(encoding="utf-8"))
    data = _salin_data(tmp_path)
    harapan = []
    for berkas in ("sub_kegiatan.csv", "indikator_tahunan.csv", "keluaran.csv"):
        d = _angka_tunggal(numbers, berkas)
        sel = d["inputs"][0]
        lama, baru = _ganti_digit_csv(data / "2023" / berkas, sel["row"], sel["column"])
        harapan.append((berkas, d["key"], sel, lama, baru))
    teks = "teks/latar_belakang.md"
    baris_teks = _ganti_digit_teks(data / "2023" / teks)
    p = _verifikasi(str(data), "--html", str(bangunan.folder / "lakip-2023.html"))
    assert p.returncode != 0, p.stdout
    out = p.stdout
    assert "TIDAK COCOK" in out
    # the files are named in the data folder that was read
    assert f"{data}/2023/{teks}: baris {baris_teks} berubah" in out, out
    for berkas, key, sel, lama, baru in harapan:
        assert f"{data}/2023/{berkas}: baris {sel['row']} berubah" in out, out
        b = next(x for x in out.splitlines() if x.startswith(f"  - {key}:"))
        assert f"diharapkan {lama}" in b and f"didapat {baru}" in b, b
        assert f"{data}/2023/{berkas} baris {sel['row']} kolom {sel['column']}" in b, b
    assert "Traceback" not in p.stderr


def _ubah_angka_tampak(html: Path) -> tuple[str, str, str]:
    """Change the last digit of the first visible keyed figure that has one; (key, old, new)."""
    teks = html.read_text(encoding="utf-8")
    for m in re.finditer(r'data-key="([^"]+)"[^>]*>([^<]*[0-9][^<]*)<', teks):
        if m.group(1) != "laporan.tahun":
            lama = m.group(2)
            j = max(i for i, c in enumerate(lama) if c.isdigit())
            baru = lama[:j] + str((int(lama[j]) + 1) % 10) + lama[j + 1 :]
            html.write_text(teks[: m.start(2)] + baru + teks[m.end(2) :], encoding="utf-8")
            return m.group(1), lama, baru
    raise AssertionError("tidak ada angka berkunci di HTML")


def _ubah_keluaran_notebook(ipynb: Path) -> str:
    """Change a printed digit in the first stream output of an executed notebook; the cell id."""
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            teks = "".join(o.get("text", []))
            if o.get("output_type") == "stream" and re.search(r"[0-9]", teks):
                o["text"] = [
                    re.sub(r"[0-9]", lambda d: str((int(d.group(0)) + 1) % 10), teks, count=1)
                ]
                ipynb.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
                return c["id"]
    raise AssertionError(f"{ipynb.name} tidak mencetak angka")


@pytest.mark.slow
def test_verifikasi_menyebut_berkas_yang_diubah(bangunan: SimpleNamespace, tmp_path: Path) -> None:
    """A visible HTML figure, one PDF byte and a notebook output: each file is named,
    and every other output of the build is rebuilt byte for byte (with the HTML
    mode's match above, the check that one commit and data give the same bytes).

    A copy of the shared build is changed (under the same folder name ``2023``,
    which verify rebuilds under); the shared build stays as it was.
    """
    build = tmp_path / "build"
    folder = build / "2023"
    shutil.copytree(bangunan.folder, folder)
    kunci, lama, baru = _ubah_angka_tampak(folder / "lakip-2023.html")
    pdf = bytearray((folder / "lakip-2023.pdf").read_bytes())
    pdf[len(pdf) // 2] ^= 0x01
    (folder / "lakip-2023.pdf").write_bytes(bytes(pdf))
    sel = _ubah_keluaran_notebook(folder / "notebooks" / "03_keluaran.ipynb")
    p = _verifikasi(str(bangunan.data), "--build", str(build))
    assert p.returncode == 1, p.stdout + p.stderr
    out = p.stdout
    assert (
        "0 berkas data berubah; 0 angka berbeda, 0 tabel berbeda, 3 berkas keluaran berbeda."
    ) in out, out
    baris_html = next(b for b in out.splitlines() if b.startswith("  - lakip-2023.html:"))
    assert f"kunci {kunci}, diharapkan {baru!r}, didapat {lama!r}" in baris_html, baris_html
    # a flipped byte may break a compressed page (then the text layer differs) or not
    assert any(b.startswith("  - lakip-2023.pdf: ") for b in out.splitlines()), out
    assert f"  - notebooks/03_keluaran.ipynb: sel {sel}, keluaran berbeda" in out, out
    assert "Traceback" not in p.stderr
