"""A new fiscal year: ``make new-year``, blank cells, completeness and the multi-year merge.

Everything works on a temporary copy of ``data/2023`` (``salin_data``); the real
``data/`` is never written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from lakip_calc.cli import main
from lakip_calc.errors import ConfigError
from lakip_calc.hitungan.angka import BELUM_DIISI
from lakip_calc.hitungan.hitung import hitung_semua
from lakip_calc.hitungan.rekonsiliasi import rekonsiliasi
from lakip_calc.masukan.loader import (
    BELUM_DITULIS,
    BERKAS,
    cek_kelengkapan,
    muat_tahun,
)
from lakip_calc.paths import DATA
from lakip_calc.tahunan.tahun_baru import buat_tahun_baru

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_2024(salin_data: Path) -> Path:
    """``tmp/data`` holding 2023 (copy) and 2024 made by ``buat_tahun_baru``."""
    buat_tahun_baru(2024, salin_data)
    return salin_data


def _baris(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# --------------------------------------------------------------------------- new-year


def test_tahun_baru_membawa_struktur_dan_mengosongkan_fakta(data_2024: Path) -> None:
    lama, baru = data_2024 / "2023", data_2024 / "2024"
    for berkas in (
        "program.csv",
        "kegiatan.csv",
        "sasaran.csv",
        "indikator.csv",
        "dukungan.csv",
        "skala_predikat.csv",
        "teks/renstra.yaml",
        "teks/organisasi.yaml",
    ):
        assert (baru / berkas).read_bytes() == (lama / berkas).read_bytes(), berkas
    data = muat_tahun(2024, data_2024)
    sub = data["sub_kegiatan"]
    assert list(sub["kode"]) == list(muat_tahun(2023, data_2024)["sub_kegiatan"]["kode"])
    assert all(v is None for k in ("pagu", "realisasi", "fisik") for v in sub[k])
    assert all(v is None for v in data["psks"]["jumlah"])
    assert len(data["psks"]) == 7
    # the new year's targets come from indikator.target_rpjmd; realisasi blank
    sendiri = data["indikator_tahunan"][data["indikator_tahunan"]["tahun"] == 2024]
    target = dict(zip(sendiri["kode_indikator"], sendiri["target"], strict=True))
    rpjmd = dict(zip(data["indikator"]["kode"], data["indikator"]["target_rpjmd"], strict=True))
    assert target == rpjmd
    assert all(v is None for v in sendiri["realisasi"])
    # keluaran: the 2023 outputs for 2024, blank; earlier years are not copied into the file
    kel = _baris(baru / "keluaran.csv")
    assert len(kel) == 1 + 11 and all(",2024," in b for b in kel[1:])
    assert all(",2024," in b for b in _baris(baru / "indikator_tahunan.csv")[1:])
    # no hand-made source: header only
    for berkas in ("angka_terbit.csv", "anggaran_riwayat.csv"):
        assert len(_baris(baru / berkas)) == 1, berkas
    # prose about last year's facts is replaced by a marked stub
    for ss in ("SS1", "SS2", "SS3"):
        teks = (baru / "teks" / "analisis" / f"{ss}.md").read_text(encoding="utf-8")
        assert teks.startswith(BELUM_DITULIS) and "{{< var laporan.tahun >}}" in teks
        assert "data/2023/teks/analisis" in teks
    profil = (baru / "teks" / "profil.yaml").read_text(encoding="utf-8")
    assert "  tahun: 2025" in profil and "# Profil instansi" in profil  # comments kept
    assert data.teks["profil"]["penandatanganan"]["tahun"] == 2025
    readme = (baru / "README.md").read_text(encoding="utf-8")
    for kata in (
        "target_rpjmd",
        "sub_kegiatan.csv` kolom `pagu`: 29 sel (baris 2-30)",
        "Yang harus diisi",
        "DRAFT=1",
        "make workbook",
    ):
        assert kata in readme, kata
    assert not list(baru.glob("*.xlsx")) and not (data_2024 / ".tahun-baru-2024").exists()


def test_tahun_baru_menolak_menimpa(data_2024: Path, potret, capsys) -> None:
    sebelum = potret(data_2024 / "2024")
    with pytest.raises(ConfigError, match="sudah ada"):
        buat_tahun_baru(2024, data_2024)
    assert main(["tahun-baru", "--tahun", "2024", "--data", str(data_2024)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("GALAT: folder data tahun 2024 sudah ada") and "tidak pernah" in err
    assert potret(data_2024 / "2024") == sebelum


def test_tahun_baru_tanpa_tahun_sebelumnya(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(ConfigError, match="tidak ada folder data tahun sebelum 2024"):
        buat_tahun_baru(2024, tmp_path / "data")
    assert not (tmp_path / "data" / "2024").exists()


def test_tahun_baru_lewat_cli(salin_data: Path, capsys) -> None:
    assert main(["tahun-baru", "--tahun", "2024", "--data", str(salin_data)]) == 0
    out = capsys.readouterr().out
    assert "dibuat dari data 2023" in out and "116" in out
    assert (salin_data / "2024" / "README.md").is_file()


# --------------------------------------------------------------------------- blanks


def test_kelengkapan_2023_lengkap_2024_belum() -> None:
    assert cek_kelengkapan(muat_tahun(2023, DATA)) == []


def test_kelengkapan_menyebut_berkas_baris_kolom(data_2024: Path) -> None:
    kosong = cek_kelengkapan(muat_tahun(2024, data_2024))
    teks = [str(k) for k in kosong]
    assert "sub_kegiatan.csv, baris 2, kolom 'pagu' (belum diisi)" in teks
    assert "sub_kegiatan.csv, baris 30, kolom 'fisik' (belum diisi)" in teks
    assert "indikator_tahunan.csv, baris 6, kolom 'realisasi' (belum diisi)" in teks
    assert "keluaran.csv, baris 12, kolom 'target atau realisasi' (belum diisi)" in teks
    assert "psks.csv, baris 8, kolom 'jumlah' (belum diisi)" in teks
    assert "teks/analisis/SS2.md, baris 1 (teks belum ditulis)" in teks
    assert "teks/evaluasi/SS2.yaml, baris 4 (teks belum ditulis)" in teks
    # blank cells, then one per text still to be written (analisis and evaluasi per sasaran)
    assert len(kosong) == 29 * 3 + 5 + 11 + 7 + 3 + 3
    # targets prefilled from RPJMD are not missing; earlier years never are
    assert not any(k.berkas.startswith("..") or k.kolom == "target" for k in kosong)


def test_keluaran_dengan_salah_satu_terisi_dianggap_lengkap(data_2024: Path, ubah_sel) -> None:
    kel = data_2024 / "2024" / "keluaran.csv"
    ubah_sel(kel, 2, "realisasi", "120")
    kosong = [k for k in cek_kelengkapan(muat_tahun(2024, data_2024)) if k.berkas == "keluaran.csv"]
    assert [k.baris for k in kosong] == list(range(3, 13))


def test_laporan_final_berhenti_dan_mendaftar_yang_kosong(
    data_2024: Path, tmp_path, capsys
) -> None:
    build = tmp_path / "build"
    kode = main(["laporan", "--tahun", "2024", "--data", str(data_2024), "--build", str(build)])
    assert kode == 1
    err = capsys.readouterr().err
    assert err.startswith("GALAT: data 2024 belum lengkap: 116 isian belum diisi")
    assert "notebook tidak dijalankan" in err
    assert "2024/sub_kegiatan.csv, baris 14, kolom 'realisasi' (belum diisi)" in err
    assert "2024/teks/analisis/SS1.md, baris 1 (teks belum ditulis)" in err
    assert "DRAFT=1" in err and "Traceback" not in err
    assert not build.exists()  # stopped before any kernel or staging folder


def test_hitungan_membawa_kosong_dengan_jujur(data_2024: Path, ubah_sel) -> None:
    sub = data_2024 / "2024" / "sub_kegiatan.csv"
    # kegiatan 1.1 complete, everything else blank
    for baris, pagu, real, fisik in ((2, "100", "90", "100"), (3, "300", "270", "50")):
        ubah_sel(sub, baris, "pagu", pagu)
        ubah_sel(sub, baris, "realisasi", real)
        ubah_sel(sub, baris, "fisik", fisik)
    ubah_sel(data_2024 / "2024" / "indikator_tahunan.csv", 2, "realisasi", "29")
    data = muat_tahun(2024, data_2024)
    k = hitung_semua(data)
    assert k.nilai("anggaran.1.1.pagu") == Decimal(400)
    assert k["anggaran.1.1.persen_keuangan"].text == "90,00%"
    assert k["anggaran.1.1.persen_fisik"].text == "62,50%"
    for key in (
        "anggaran.1.pagu",
        "anggaran.total.realisasi",
        "anggaran.total.persen_keuangan",
        "anggaran.1.persen_fisik",
        "kinerja.IK2.capaian",
        "kinerja.IK2.predikat",
        "kinerja.SS1.pagu_pendukung",
        "kinerja.SS1.indeks_efisiensi",
        "kinerja.rata_rata_capaian",
        "kinerja.IK2.selisih_tahun_lalu",
        "keluaran.K01.realisasi",
        "psks.tagana.jumlah",
    ):
        assert k[key].value is None and k[key].text == BELUM_DIISI, key
        assert k[key].terbilang is None
    # IK1 has its realisasi: its capaian exists; SS1 has one indicator: its mean too
    assert k["kinerja.IK1.capaian"].text == "50,00%"
    assert k["kinerja.SS1.rata_rata_capaian"].text == "50,00%"
    # SS3 has IK3-IK5, all blank: missing, never a mean of what is there
    assert k["kinerja.SS3.rata_rata_capaian"].text == BELUM_DIISI
    # no reconciliation row for cells that are merely not filled in yet
    rekon = rekonsiliasi(data, k)
    assert rekon.empty or not rekon["note"].str.contains("belum").any()


def test_kosong_hanya_boleh_di_kolom_yang_boleh_kosong(data_2024: Path, ubah_sel) -> None:
    from lakip_calc.errors import DataError

    ubah_sel(data_2024 / "2024" / "kegiatan.csv", 3, "nama", "")
    with pytest.raises(DataError, match="wajib diisi") as e:
        muat_tahun(2024, data_2024)
    assert (e.value.row, e.value.column) == (3, "nama")


# --------------------------------------------------------------------------- multi-year


def test_2024_membaca_tahun_lalu_dari_folder_2023(data_2024: Path) -> None:
    data = muat_tahun(2024, data_2024)
    th = data["indikator_tahunan"]
    tahun = sorted({int(t) for t in th[th["kode_indikator"] == "IK1"]["tahun"]})
    assert tahun == [2022, 2023, 2024]
    asal = {(r["kode_indikator"], r["tahun"]): r[BERKAS] for r in th.to_dict("records")}
    assert asal[("IK1", 2024)] is None
    assert asal[("IK1", 2023)] == asal[("IK2", 2021)] == "../2023/indikator_tahunan.csv"
    assert "../2023/indikator_tahunan.csv" in data.berkas and "../2023/keluaran.csv" in data.berkas
    k = hitung_semua(data)
    a = k["kinerja.IK1.riwayat.2023.realisasi"]
    assert a.text == "50%" and {s.file for s in a.inputs} == {"../2023/indikator_tahunan.csv"}
    assert k["keluaran.K01.riwayat.2023.realisasi"].text == "105"
    assert k["keluaran.K01.riwayat.2022.target"].text == "65"
    assert {s.file for s in k["kinerja.IK1.selisih_tahun_lalu"].inputs} == {
        "indikator_tahunan.csv",
        "../2023/indikator_tahunan.csv",
    }


def test_baris_tahun_laporan_sebuah_folder_mengalahkan_salinan(data_2024: Path, tambah_baris):
    # 2024 carries a (wrong) copy of 2023 and an extra earlier year that 2023 does not have
    tambah_baris(
        data_2024 / "2024" / "indikator_tahunan.csv",
        {"kode_indikator": "IK1", "tahun": "2023", "target": "1", "realisasi": "1"},
    )
    tambah_baris(
        data_2024 / "2024" / "indikator_tahunan.csv",
        {"kode_indikator": "IK1", "tahun": "2020", "target": "7", "realisasi": "6"},
    )
    k = hitung_semua(muat_tahun(2024, data_2024))
    assert k["kinerja.IK1.riwayat.2023.realisasi"].text == "50%"  # data/2023's own row wins
    assert {s.file for s in k["kinerja.IK1.riwayat.2020.realisasi"].inputs} == {
        "indikator_tahunan.csv"
    }


def test_2023_tidak_berubah_walau_2024_ada(data_2024: Path) -> None:
    data = muat_tahun(2023, data_2024)
    for nama in ("indikator_tahunan", "keluaran"):
        assert BERKAS not in data[nama].columns
    assert not any(b.startswith("..") for b in data.berkas)
    asli = hitung_semua(muat_tahun(2023, DATA)).to_json()
    assert hitung_semua(data).to_json() == asli


# --------------------------------------------------------------------------- Makefile

_MAKE = shutil.which("make")


def _make(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("YEAR", "DATA", "DRAFT", "XLSX")}
    env["CI"] = "1"
    return subprocess.run(
        [_MAKE, "-s", "-C", str(ROOT), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_make_new_year_dan_report_berhenti(make_siap, salin_data: Path, tmp_path: Path) -> None:
    penanda = tmp_path / "penanda"
    p = _make("new-year", "YEAR=2024", f"DATA={salin_data}", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (salin_data / "2024" / "sub_kegiatan.csv").is_file()
    p = _make("new-year", "YEAR=2024", f"DATA={salin_data}", cwd=tmp_path)
    assert p.returncode != 0 and "sudah ada" in p.stderr
    p = _make("report", "YEAR=2024", f"DATA={salin_data}", "DRAFT=0", cwd=tmp_path)
    assert p.returncode != 0
    assert "belum lengkap" in p.stderr and "kolom 'pagu'" in p.stderr
    # values reach the recipes through the environment, never as shell text
    p = _make(
        "import",
        "YEAR=2024",
        f"DATA={salin_data}",
        f'XLSX=x"; touch "{penanda}"; echo "',
        cwd=tmp_path,
    )
    assert p.returncode != 0 and not penanda.exists()
    assert "tidak ditemukan" in p.stderr


def test_make_help_urutan(tmp_path: Path) -> None:
    if _MAKE is None:
        pytest.skip("make tidak terpasang")
    p = _make("help", cwd=tmp_path)
    urutan = [
        t
        for t in ("setup", "new-year", "workbook", "import", "validate", "report")
        if f"  {t} " in p.stdout
    ]
    assert urutan == ["setup", "new-year", "workbook", "import", "validate", "report"], p.stdout
