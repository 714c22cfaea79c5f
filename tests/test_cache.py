"""Incremental builds: what a change invalidates, and a no-op rebuild.

A step is keyed on what its previous run read (the loader's record, shown by the
executed notebook and kept in cache.json), never on a declared list.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import salin_bersama

from lakip_calc.bangun import pipeline
from lakip_calc.bangun.cache import baca_cache, dibaca_notebook, dibaca_sekarang
from lakip_calc.bangun.notebook import muat
from lakip_calc.bangun.pipeline import LANGKAH, bangun, kunci_langkah
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


def _rekaman(data: Path) -> dict[str, dict[str, str]]:
    """Records as three loads make them (01 and 03 read tables; the rest read nothing)."""
    return {
        "01_anggaran.ipynb": muat(2023, data, ["program", "sub_kegiatan"]).dibaca,
        "03_keluaran.ipynb": muat(2023, data, ["keluaran", "psks"]).dibaca,
        **{nb: {} for nb in SEMUA if nb[:2] not in ("01", "03")},
    }


def _kunci_sekarang(data: Path, rekaman: dict[str, dict[str, str]], draft: bool = False) -> dict:
    """The keys a build planned now would give (recorded paths as they are now)."""
    sekarang = {nb: dibaca_sekarang(data / "2023", r) for nb, r in rekaman.items()}
    return kunci_langkah(LANGKAH, NOTEBOOKS, data, 2023, draft, sekarang)


def test_keys_follow_the_files_each_step_read(tmp_path):
    data = _salin_data(tmp_path)
    rekaman = _rekaman(data)
    sebelum = _kunci_sekarang(data, rekaman)
    _ubah_psks(data)
    sesudah = _kunci_sekarang(data, rekaman)
    berubah = sorted(nb for nb in SEMUA if sebelum[nb] != sesudah[nb])
    # only 03 read psks.csv; 04 and 06 are downstream of it; 05 is not
    assert berubah == ["03_keluaran.ipynb", "04_rekonsiliasi.ipynb", "06_tabel.ipynb"]


def test_a_step_without_a_record_has_no_key_nor_has_what_follows_it(tmp_path):
    data = _salin_data(tmp_path)
    rekaman = _rekaman(data)
    del rekaman["02_kinerja.ipynb"]
    k = _kunci_sekarang(data, rekaman)
    assert [nb for nb in SEMUA if k[nb] is None] == [
        "02_kinerja.ipynb",
        "04_rekonsiliasi.ipynb",
        "05_grafik.ipynb",
        "06_tabel.ipynb",
    ]


def test_code_change_invalidates_every_step(tmp_path, monkeypatch):
    data = _salin_data(tmp_path)
    rekaman = _rekaman(data)
    sebelum = _kunci_sekarang(data, rekaman)
    monkeypatch.setattr(pipeline, "sidik_kode", lambda: "kode-lain")
    sesudah = _kunci_sekarang(data, rekaman)
    assert all(sebelum[nb] != sesudah[nb] for nb in SEMUA)


def test_draft_flag_is_part_of_the_key(tmp_path):
    data = _salin_data(tmp_path)
    rekaman = _rekaman(data)
    a = _kunci_sekarang(data, rekaman)
    b = _kunci_sekarang(data, rekaman, draft=True)
    assert all(a[nb] != b[nb] for nb in SEMUA)


def _render_palsu(data, staging: Path, tunggu_gambar) -> None:
    """A stand-in renderer: the cache logic does not depend on what rendering does."""
    for ext in ("html", "pdf", "docx"):
        (staging / f"lakip-{data.tahun}.{ext}").write_text(f"laporan {ext}\n", encoding="utf-8")
    _render_palsu.panggilan += 1


_render_palsu.panggilan = 0


@pytest.mark.slow
def test_noop_and_one_file_change(tmp_path, build_bersama):
    # the session's build and its data, copied together: current where they now lie
    data, build = salin_bersama(build_bersama, tmp_path)
    kw = dict(data_dir=data, build_dir=build, lapor=lambda s: None, setelah_notebook=_render_palsu)
    _render_palsu.panggilan = 0

    cache = baca_cache(build / "2023")
    # cache.json keeps what each executed notebook recorded, and the keys on it
    dibaca = {nb: dibaca_notebook(build / "2023" / "notebooks" / nb) for nb in SEMUA}
    assert cache["dibaca"] == dibaca
    assert cache["langkah"] == _kunci_sekarang(data, dibaca)
    jejak = {p: p.stat().st_mtime_ns for p in (build / "2023").rglob("*")}

    kedua = bangun(2023, **kw)
    assert kedua.tanpa_perubahan and kedua.notebook == []
    assert _render_palsu.panggilan == 0  # nothing rendered
    assert {p: p.stat().st_mtime_ns for p in (build / "2023").rglob("*")} == jejak

    _ubah_psks(data)
    ketiga = bangun(2023, **kw)
    dijalankan = [n for n, _ in ketiga.notebook]
    assert dijalankan == ["03_keluaran.ipynb", "04_rekonsiliasi.ipynb", "06_tabel.ipynb"]
    assert ketiga.dipakai_ulang == ["01_anggaran.ipynb", "02_kinerja.ipynb", "05_grafik.ipynb"]
    assert _render_palsu.panggilan == 1  # the numbers changed: the report is rendered again
    log = (build / "2023" / "build.log").read_text(encoding="utf-8")
    assert "01_anggaran.ipynb (dipakai ulang)" in log
    # the reused and the rerun outputs together are what a cold build gives
    dingin = tmp_path / "dingin"
    bangun(2023, **{**kw, "build_dir": dingin})
    for rel in ("numbers.json", "reconciliation.csv", "tables/tbl-psks.csv"):
        assert (build / "2023" / rel).read_bytes() == (dingin / "2023" / rel).read_bytes(), rel


def _dijalankan(hasil) -> list[str]:
    return sorted(n for n, _ in hasil.notebook)


def _tahun_2022(data: Path) -> Path:
    """An earlier year's keluaran.csv: the 2022 rows of data/2023/keluaran.csv."""
    baris = (data / "2023" / "keluaran.csv").read_text(encoding="utf-8").splitlines(True)
    p = data / "2022" / "keluaran.csv"
    p.parent.mkdir()
    p.write_text("".join([baris[0], *(b for b in baris[1:] if ",2022," in b)]), encoding="utf-8")
    return p


@pytest.mark.slow
def test_a_step_that_starts_reading_a_file_reruns_and_is_then_keyed_on_it(tmp_path, build_bersama):
    # the session's build and its data, copied together (no earlier year read)
    data, build = salin_bersama(build_bersama, tmp_path)
    kw = dict(data_dir=data, build_dir=build, lapor=lambda s: None)
    assert "../2022/keluaran.csv" not in baca_cache(build / "2023")["dibaca"]["03_keluaran.ipynb"]

    # An earlier year's folder appears: the steps that looked for earlier years run
    # again (and those downstream); 01 never looked.
    p = _tahun_2022(data)
    kedua = bangun(2023, **kw)
    assert kedua.dipakai_ulang == ["01_anggaran.ipynb"]
    dibaca = baca_cache(build / "2023")["dibaca"]
    assert "../2022/keluaran.csv" in dibaca["03_keluaran.ipynb"]
    assert dibaca["02_kinerja.ipynb"]["../2022/indikator_tahunan.csv"] == "tidak ada"

    # The file 03 started reading changes: 03 and what follows it run, nothing else.
    p.write_text(p.read_text(encoding="utf-8").replace(",65,65,", ",65,64,"), encoding="utf-8")
    ketiga = bangun(2023, **kw)
    assert _dijalankan(ketiga) == ["03_keluaran.ipynb", "04_rekonsiliasi.ipynb", "06_tabel.ipynb"]
    log = (build / "2023" / "build.log").read_text(encoding="utf-8")
    baris_03 = next(b for b in log.splitlines() if b.startswith("notebook 03_keluaran"))
    assert f"{data}/2022/keluaran.csv" in baris_03


@pytest.mark.slow
def test_an_absent_file_appearing_reruns_the_steps_that_looked_for_it(tmp_path):
    data = _salin_data(tmp_path)
    build = tmp_path / "build"
    langkah = tuple(s for s in LANGKAH if s.notebook[:2] in ("01", "02", "03"))
    kw = dict(data_dir=data, build_dir=build, langkah=langkah, lapor=lambda s: None)
    bangun(2023, **kw)
    log = (build / "2023" / "build.log").read_text(encoding="utf-8")
    assert f"{data}/2023/skala_kategori.csv (tidak ada)" in log

    # a file no step reads: nothing runs
    readme = data / "2023" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nCatatan baru.\n", encoding="utf-8")
    assert bangun(2023, **kw).tanpa_perubahan

    # the optional scale file appears: 02 looked for it, 01 and 03 did not
    (data / "2023" / "skala_kategori.csv").write_text(
        "skala,urutan,nilai\nmutu,1,A\nmutu,2,B\n", encoding="utf-8"
    )
    hasil = bangun(2023, **kw)
    assert _dijalankan(hasil) == ["02_kinerja.ipynb"]
    assert hasil.dipakai_ulang == ["01_anggaran.ipynb", "03_keluaran.ipynb"]
    assert bangun(2023, **kw).tanpa_perubahan


@pytest.mark.slow
def test_a_hand_edited_table_list_cannot_make_the_cache_stale(tmp_path):
    """03 is edited to also load sasaran.csv: a change to that file runs it again."""
    data = _salin_data(tmp_path)
    nbs = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, nbs)
    p = nbs / "03_keluaran.ipynb"
    nb = json.loads(p.read_text(encoding="utf-8"))
    lama = '["keluaran", "psks"]'
    sel = next(c for c in nb["cells"] if lama in "".join(c["source"]))
    sel["source"] = "".join(sel["source"]).replace(lama, '["keluaran", "psks", "sasaran"]')
    p.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    langkah = tuple(s for s in LANGKAH if s.notebook == "03_keluaran.ipynb")
    kw = dict(data_dir=data, build_dir=tmp_path / "build", langkah=langkah, notebooks_dir=nbs)
    kw["lapor"] = lambda s: None
    bangun(2023, **kw)

    sasaran = data / "2023" / "sasaran.csv"
    sasaran.write_bytes(sasaran.read_bytes().replace(b"\n", b"\r\n"))  # same rows, other bytes
    assert _dijalankan(bangun(2023, **kw)) == ["03_keluaran.ipynb"]
    # a table it still does not load: nothing runs
    program = data / "2023" / "program.csv"
    program.write_bytes(program.read_bytes().replace(b"\n", b"\r\n"))
    assert bangun(2023, **kw).tanpa_perubahan
