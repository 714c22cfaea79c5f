"""What a load records as read (lakip_calc.masukan.dibaca), and how the build reads it back.

No kernel here: the loader and the record's fingerprints. The builds that key
on the record are in tests/test_cache.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from lakip_calc.bangun.cache import dibaca_notebook, dibaca_sekarang
from lakip_calc.bangun.notebook import muat
from lakip_calc.masukan.dibaca import BERUBAH, MIME, TAHUN_LALU, TIDAK_ADA
from lakip_calc.masukan.loader import muat_tahun

TAHUN = 2023


def _berubah(folder: Path, rekaman: dict[str, str]) -> set[str]:
    """The recorded paths that no longer hold what the record says."""
    sekarang = dibaca_sekarang(folder, rekaman)
    return {b for b in rekaman if sekarang[b] != rekaman[b]}


def test_a_full_load_records_every_file_it_read_and_the_record_matches_the_folder(salin_data):
    data = muat_tahun(TAHUN, salin_data)
    folder = salin_data / "2023"
    # every input file the year has is in the record, with the SHA-256 of its bytes
    assert set(data.berkas) <= set(data.dibaca)
    assert list(data.dibaca) == sorted(data.dibaca)
    # the build fingerprints a recorded path exactly as the loader did
    assert _berubah(folder, data.dibaca) == set()
    # skala_kategori.csv is optional and absent: looked for, recorded as absent
    assert data.dibaca["skala_kategori.csv"] == TIDAK_ADA
    assert "README.md" not in data.dibaca  # the loader never opens it
    assert {"teks/", TAHUN_LALU} <= set(data.dibaca)


def test_a_notebook_subset_reads_only_its_tables_and_no_text(salin_data):
    data = muat(TAHUN, salin_data, ["keluaran", "psks"])
    assert set(data.dibaca) == {"keluaran.csv", "psks.csv", TAHUN_LALU}
    assert data.teks == {}


def test_one_changed_file_changes_exactly_its_entry(salin_data, sunting):
    folder = salin_data / "2023"
    rekaman = muat_tahun(TAHUN, salin_data).dibaca
    sunting.ubah_sel(folder / "psks.csv", 2, "jumlah", "54")
    assert _berubah(folder, rekaman) == {"psks.csv"}


def test_an_absent_file_appearing_changes_the_record_of_the_loads_that_looked_for_it(
    salin_data, sunting
):
    folder = salin_data / "2023"
    kinerja = muat(TAHUN, salin_data, ["indikator", "skala_kategori"]).dibaca
    anggaran = muat(TAHUN, salin_data, ["program"]).dibaca
    sunting.ganti_isi(folder / "skala_kategori.csv", "skala,urutan,nilai\nmutu,1,A\nmutu,2,B\n")
    assert _berubah(folder, kinerja) == {"skala_kategori.csv"}
    assert _berubah(folder, anggaran) == set()


def test_text_listing_follows_the_text_files_only(salin_data, sunting):
    folder = salin_data / "2023"
    rekaman = muat_tahun(TAHUN, salin_data).dibaca
    sunting.ganti_isi(folder / "teks" / "gambar.png", b"\x89PNG")  # the loader skips it
    sunting.ganti_isi(folder / "teks" / "evaluasi" / "catatan.txt", "x")
    assert _berubah(folder, rekaman) == set()
    sunting.ganti_isi(folder / "teks" / "evaluasi" / "tambahan.md", "Teks baru.\n")
    assert _berubah(folder, rekaman) == {"teks/"}


def test_earlier_years_are_recorded_later_years_are_not(salin_data, sunting):
    shutil.copytree(salin_data / "2023", salin_data / "2024")
    folder = salin_data / "2024"
    rekaman = muat(2024, salin_data, ["indikator_tahunan"]).dibaca
    assert "../2023/indikator_tahunan.csv" in rekaman
    # a later year's folder is not looked into: nothing changes
    (salin_data / "2025").mkdir()
    assert _berubah(folder, rekaman) == set()
    # an earlier year's file that was read changes: its entry changes
    p = salin_data / "2023" / "indikator_tahunan.csv"
    sunting.ganti_isi(p, p.read_text(encoding="utf-8").replace("IK1,2022,57,50", "IK1,2022,57,51"))
    assert _berubah(folder, rekaman) == {"../2023/indikator_tahunan.csv"}
    # one more earlier year: the listing of earlier years changes
    (salin_data / "2022").mkdir()
    assert _berubah(folder, rekaman) == {"../2023/indikator_tahunan.csv", TAHUN_LALU}


def _nb_dengan(tmp_path: Path, *rekaman: object) -> Path:
    """A notebook whose cells show ``rekaman`` the way nb.muat does."""
    sel = []
    for r in rekaman:
        c = nbformat.v4.new_code_cell("nb.muat(...)")
        c.outputs = [nbformat.v4.new_output("display_data", data={MIME: r, "text/plain": "x"})]
        sel.append(c)
    p = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=sel), p)
    return p


def test_records_of_one_notebook_are_joined_and_a_contradiction_matches_nothing(tmp_path):
    p = _nb_dengan(
        tmp_path,
        {"dibaca": {"a.csv": "1", "b.csv": "2"}},
        {"dibaca": {"b.csv": "3", "c.csv": TIDAK_ADA}},
        {"dibaca": "rusak"},  # malformed: left out
    )
    assert dibaca_notebook(p) == {"a.csv": "1", "b.csv": BERUBAH, "c.csv": TIDAK_ADA}
    assert dibaca_notebook(_nb_dengan(tmp_path)) == {}  # a notebook that loaded nothing
