"""Incremental builds: what a change invalidates, and a no-op rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lakip_calc.bangun import pipeline
from lakip_calc.bangun.cache import baca_cache, berkas_data
from lakip_calc.bangun.pipeline import LANGKAH, bangun, kunci_langkah
from lakip_calc.bangun.sidik import hash_berkas
from lakip_calc.paths import DATA, NOTEBOOKS

SEMUA = [s.notebook for s in LANGKAH]


def _salin_data(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "2023", tmp_path / "data" / "2023")
    return tmp_path / "data"


def _ubah_psks(data: Path) -> None:
    p = data / "2023" / "psks.csv"
    baris = p.read_text(encoding="utf-8").splitlines()
    kolom = baris[0].split(",")
    sel = baris[1].split(",")
    j = kolom.index("jumlah")
    sel[j] = str(int(sel[j]) + 1)
    baris[1] = ",".join(sel)
    p.write_text("\n".join(baris) + "\n", encoding="utf-8")


def test_keys_follow_the_files_each_step_reads(tmp_path):
    data = _salin_data(tmp_path)
    sebelum = kunci_langkah(LANGKAH, NOTEBOOKS, data, 2023, False)
    _ubah_psks(data)
    sesudah = kunci_langkah(LANGKAH, NOTEBOOKS, data, 2023, False)
    berubah = sorted(nb for nb in SEMUA if sebelum[nb] != sesudah[nb])
    # psks.csv is read by 03 (and 06 reads everything); 04 reads 03's numbers;
    # the charts (05) read neither psks.csv nor 03's numbers
    assert berubah == ["03_keluaran.ipynb", "04_rekonsiliasi.ipynb", "06_tabel.ipynb"]


def test_code_change_invalidates_every_step(tmp_path, monkeypatch):
    data = _salin_data(tmp_path)
    sebelum = kunci_langkah(LANGKAH, NOTEBOOKS, data, 2023, False)
    monkeypatch.setattr(pipeline, "sidik_kode", lambda: "kode-lain")
    sesudah = kunci_langkah(LANGKAH, NOTEBOOKS, data, 2023, False)
    assert all(sebelum[nb] != sesudah[nb] for nb in SEMUA)


def test_draft_flag_is_part_of_the_key(tmp_path):
    data = _salin_data(tmp_path)
    a = kunci_langkah(LANGKAH, NOTEBOOKS, data, 2023, False)
    b = kunci_langkah(LANGKAH, NOTEBOOKS, data, 2023, True)
    assert all(a[nb] != b[nb] for nb in SEMUA)


def test_earlier_year_files_count_for_a_later_year(tmp_path):
    data = _salin_data(tmp_path)
    shutil.copytree(data / "2023", data / "2024")
    daftar = berkas_data(data, 2024, ["indikator_tahunan.csv"])
    assert data / "2023" / "indikator_tahunan.csv" in daftar
    sebelum = hash_berkas(daftar, data)
    p = data / "2023" / "indikator_tahunan.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("IK1,2022,57,50", "IK1,2022,57,51"))
    assert hash_berkas(daftar, data) != sebelum


def _render_palsu(data, staging: Path, tunggu_gambar) -> None:
    """A stand-in renderer: the cache logic does not depend on what rendering does."""
    for ext in ("html", "pdf", "docx"):
        (staging / f"lakip-{data.tahun}.{ext}").write_text(f"laporan {ext}\n", encoding="utf-8")
    _render_palsu.panggilan += 1


_render_palsu.panggilan = 0


@pytest.mark.slow
def test_noop_and_one_file_change(tmp_path):
    data = _salin_data(tmp_path)
    build = tmp_path / "build"
    kw = dict(data_dir=data, build_dir=build, lapor=lambda s: None, setelah_notebook=_render_palsu)
    _render_palsu.panggilan = 0

    pertama = bangun(2023, **kw)
    assert not pertama.dipakai_ulang and len(pertama.notebook) == len(LANGKAH)
    assert baca_cache(build / "2023")["langkah"] == kunci_langkah(
        LANGKAH, NOTEBOOKS, data, 2023, False
    )
    jejak = {p: p.stat().st_mtime_ns for p in (build / "2023").rglob("*")}

    kedua = bangun(2023, **kw)
    assert kedua.tanpa_perubahan and kedua.notebook == []
    assert _render_palsu.panggilan == 1  # nothing rendered
    assert {p: p.stat().st_mtime_ns for p in (build / "2023").rglob("*")} == jejak

    _ubah_psks(data)
    ketiga = bangun(2023, **kw)
    dijalankan = [n for n, _ in ketiga.notebook]
    assert dijalankan == ["03_keluaran.ipynb", "04_rekonsiliasi.ipynb", "06_tabel.ipynb"]
    assert ketiga.dipakai_ulang == ["01_anggaran.ipynb", "02_kinerja.ipynb", "05_grafik.ipynb"]
    assert _render_palsu.panggilan == 2  # the numbers changed: the report is rendered again
    log = (build / "2023" / "build.log").read_text(encoding="utf-8")
    assert "01_anggaran.ipynb (dipakai ulang)" in log
    # the reused and the rerun outputs together are what a cold build gives
    dingin = tmp_path / "dingin"
    bangun(2023, **{**kw, "build_dir": dingin})
    for rel in ("numbers.json", "reconciliation.csv", "tables/tbl-psks.csv"):
        assert (build / "2023" / rel).read_bytes() == (dingin / "2023" / rel).read_bytes(), rel
