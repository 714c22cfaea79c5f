"""The N-times data copy (lakip_calc.skala), provenance at scale, long tables, the scale bench."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from lakip_calc.bench_skala import cetak_skala, eksponen, pilih_skala, pss_pohon
from lakip_calc.hitungan.hitung import angka_anggaran, angka_keluaran, hitung_semua
from lakip_calc.hitungan.rekonsiliasi import rekonsiliasi
from lakip_calc.isi.tabel import ID_RINCIAN, TabelLaporan, semua_tabel
from lakip_calc.isi.tulis import BARIS_PER_BLOK, tabel_html
from lakip_calc.masukan.loader import muat_tahun
from lakip_calc.paths import DATA
from lakip_calc.skala import main, salin_berlipat

KALI = 3


@pytest.fixture(scope="module")
def asli():
    return muat_tahun(2023)


@pytest.fixture(scope="module")
def salinan(tmp_path_factory):
    ke = tmp_path_factory.mktemp("x3")
    salin_berlipat(2023, KALI, ke)
    return ke, muat_tahun(2023, ke)


def _kode(path: Path, kolom: str = "kode") -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [r[kolom] for r in csv.DictReader(f)]


def test_salinan_lolos_validasi_dan_berlipat(asli, salinan):
    _, data = salinan  # muat_tahun validated every file and every reference
    for tabel in ("kegiatan", "sub_kegiatan", "anggaran_riwayat"):
        assert len(data[tabel]) == KALI * len(asli[tabel])
    # links to a program stay single (programs are not copied); the others are copied
    ke_program = int(asli["dukungan"]["kode_anggaran"].isin(asli["program"]["kode"]).sum())
    assert len(data["dukungan"]) == ke_program + KALI * (len(asli["dukungan"]) - ke_program)
    assert len(data["program"]) == len(asli["program"])


def test_kode_unik_di_semua_tingkat(salinan):
    ke, _ = salinan
    folder = ke / "2023"
    semua = (
        _kode(folder / "program.csv")
        + _kode(folder / "kegiatan.csv")
        + _kode(folder / "sub_kegiatan.csv")
    )
    assert len(semua) == len(set(semua))
    ids = _kode(folder / "angka_terbit.csv", "id")
    assert len(ids) == len(set(ids))
    keluaran = list(
        zip(_kode(folder / "keluaran.csv"), _kode(folder / "keluaran.csv", "tahun"), strict=True)
    )
    assert len(keluaran) == len(set(keluaran))


def test_total_dan_program_tepat_n_kali(asli, salinan):
    _, data = salinan
    a, b = angka_anggaran(asli), angka_anggaran(data)
    kode_program = list(asli["program"]["kode"])
    for kode in ["total", *kode_program]:
        for kolom in ("pagu", "realisasi", "sisa"):
            assert b.nilai(f"anggaran.{kode}.{kolom}") == KALI * a.nilai(f"anggaran.{kode}.{kolom}")
        # percentages of a level do not change when every part is repeated
        assert b.nilai(f"anggaran.{kode}.persen_keuangan") == a.nilai(
            f"anggaran.{kode}.persen_keuangan"
        )
    assert b.nilai("anggaran.jumlah_sub_kegiatan") == KALI * a.nilai("anggaran.jumlah_sub_kegiatan")
    assert len(angka_keluaran(data)) > len(angka_keluaran(asli))


def test_kali_satu_salinan_sama(tmp_path, asli):
    salin_berlipat(2023, 1, tmp_path)
    data = muat_tahun(2023, tmp_path)
    assert hitung_semua(data).to_json() == hitung_semua(asli).to_json()


def test_cli_menolak_folder_yang_sudah_ada(tmp_path, capsys):
    (tmp_path / "2023").mkdir()
    assert main(["--kali", "2", "--ke", str(tmp_path)]) == 2
    assert "sudah ada" in capsys.readouterr().err
    assert main(["--kali", "0", "--ke", str(tmp_path / "baru")]) == 2
    assert not (tmp_path / "baru").exists()


def _sel_angka(angka, key: str) -> set[tuple[str, int, str]]:
    """Every (file, row, column) cell a number names, runs expanded."""
    return {(s.file, r, s.column) for s in angka[key].inputs for r in s.baris()}


def test_provenans_total_menuju_semua_selnya(salinan):
    _, data = salinan
    angka = angka_anggaran(data)
    sub = data["sub_kegiatan"]
    baris_sub = {int(b) for b in sub["_baris"]}
    assert _sel_angka(angka, "anggaran.total.pagu") == {
        ("sub_kegiatan.csv", b, "pagu") for b in baris_sub
    }
    for kode in data["program"]["kode"]:
        di_bawah = sub[sub["kode"].str.startswith(kode + ".")]
        harap = {("sub_kegiatan.csv", int(b), "realisasi") for b in di_bawah["_baris"]}
        assert _sel_angka(angka, f"anggaran.{kode}.realisasi") == harap
    # Runs keep the record of a total small: the copies of a program are KALI runs at most.
    assert len(angka["anggaran.total.pagu"].inputs) == 1
    assert len(angka["anggaran.1.pagu"].inputs) <= KALI


def test_tabel_bab_ringkas_per_program_dan_lampiran_lengkap(salinan):
    _, data = salinan
    angka = hitung_semua(data)
    tabel = {t.id: t for t in semua_tabel(data, angka, rekonsiliasi(data, angka))}
    bab = tabel["tbl-realisasi-anggaran"]
    assert set(bab.tingkat) == {"program", "total"}
    assert len(bab.tampil) == len(data["program"]) + 1
    assert "Lampiran" in bab.catatan
    rinci = tabel[ID_RINCIAN]
    assert (
        len(rinci.tampil)
        == len(data["program"]) + len(data["kegiatan"]) + len(data["sub_kegiatan"]) + 1
    )
    assert set(tabel["tbl-alokasi-anggaran"].tingkat) == {"program", "total"}


def test_tabel_html_panjang_memuat_setiap_baris_sekali_berurutan():
    n = 2 * BARIS_PER_BLOK + 7
    tampil = pd.DataFrame(
        {"Kode": [f"1.{i}" for i in range(n)], "Pagu": [f"Rp{i}" for i in range(n)]},
        dtype=object,
    )
    kunci = pd.DataFrame({"Kode": [""] * n, "Pagu": [f"k.{i}" for i in range(n)]}, dtype=object)
    tingkat = ["program"] + ["sub_kegiatan"] * (n - 2) + ["total"]
    t = TabelLaporan("tbl-uji", "Uji", tampil, tampil, kunci, catatan="catatan", tingkat=tingkat)
    teks = tabel_html(t)
    assert re.findall(r'data-key="k\.(\d+)"', teks) == [str(i) for i in range(n)]
    assert teks.count("<table") == teks.count("</tbody>") == 1
    assert teks.count("catatan") == 1 and teks.count(">Uji<") == 1
    assert "QZSEL" not in teks
    baris = re.findall(r"<tr>.*?</tr>", teks, flags=re.S)
    tebal = [i for i, b in enumerate(baris) if "font-weight: bold" in b]
    assert tebal == [0, n - 1]  # the program and the total row, across the blocks


def test_pilih_skala():
    assert pilih_skala(None, 3) == (1, 10, 100)
    assert pilih_skala("", 1) == (1, 10)
    assert pilih_skala("10, 1", 3) == (1, 10)
    assert pilih_skala("0", 3) == ()
    with pytest.raises(SystemExit):
        pilih_skala("x", 3)
    with pytest.raises(SystemExit):
        pilih_skala("1,-2", 3)


def test_pss_pohon_dan_cetak():
    assert pss_pohon(os.getpid()) > 0
    hasil = [
        {"kali": 1, "sub_kegiatan": 29, "detik": 10.0, "pss_kb": 1024 * 500},
        {"kali": 10, "sub_kegiatan": 290, "detik": 20.0, "pss_kb": 1024 * 800},
        {"kali": 100, "sub_kegiatan": 2900, "detik": 200.0, "pss_kb": 1024 * 1500},
    ]
    assert eksponen(hasil[1], hasil[2]) == pytest.approx(1.0)
    teks = "\n".join(cetak_skala(hasil))
    assert "| 100x | 2900 | 200.0 | 20.0x | 1500 |" in teks
    assert "Eksponen pertumbuhan waktu 10x -> 100x: 1.00" in teks


def test_data_asli_tidak_diubah(tmp_path):
    sebelum = {p.name: p.read_bytes() for p in (DATA / "2023").glob("*.csv")}
    salin_berlipat(2023, 2, tmp_path)
    assert {p.name: p.read_bytes() for p in (DATA / "2023").glob("*.csv")} == sebelum
