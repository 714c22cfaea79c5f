"""Report charts (lakip_calc.isi.grafik) and their files (lakip_calc.isi.tulis.tulis_grafik)."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest

from lakip_calc.hitungan.hitung import hitung_semua
from lakip_calc.isi.grafik import (
    grafik_pagu_realisasi_program,
    pemformat_angka,
    pemformat_persen,
    pemformat_rupiah,
    semua_grafik,
)
from lakip_calc.isi.tulis import tulis_grafik
from lakip_calc.masukan.loader import muat_tahun

ID_TETAP = [
    "fig-target-realisasi",
    "fig-tren-ik1",
    "fig-tren-ik2",
    "fig-tren-ik3",
    "fig-tren-ik4",
    "fig-tren-ik5",
    "fig-pagu-realisasi-program",
    "fig-keuangan-fisik-program",
]

#: An Indonesian tick label: grouped thousands with ".", decimals with ",", optional %.
_LABEL_ID = re.compile(r"-?\d{1,3}(\.\d{3})*(,\d+)?%?")


@pytest.fixture(scope="module")
def bahan():
    data = muat_tahun(2023)
    return data, hitung_semua(data)


@pytest.fixture(scope="module")
def grafik(bahan):
    hasil = {gid: (judul, fig) for gid, judul, fig in semua_grafik(*bahan)}
    for _, fig in hasil.values():
        fig.canvas.draw()
    return hasil


def test_id_tetap_dan_judul(grafik):
    assert list(grafik) == ID_TETAP
    for judul, _ in grafik.values():
        assert judul and "None" not in judul and "nan" not in judul.split()


def test_tanpa_pyplot(bahan):
    sebelum = plt.get_fignums()
    semua_grafik(*bahan)
    assert plt.get_fignums() == sebelum


def test_ukuran_tetap(grafik):
    for _, fig in grafik.values():
        lebar, _ = fig.get_size_inches()
        assert lebar == pytest.approx(16 / 2.54)


def test_pemformat_indonesia():
    assert pemformat_angka()(1500000, 0) == "1.500.000"
    assert pemformat_angka()(2.5, 0) == "2,5"
    assert pemformat_persen()(96.5, 0) == "96,5%"
    assert pemformat_persen()(100, 0) == "100%"
    assert pemformat_rupiah(1e9)(1.5e9, 0) == "1,5"
    assert pemformat_rupiah(1e6)(2_500_000_000, 0) == "2.500"
    assert pemformat_angka()(0.30000000000000004, 0) == "0,3"


def test_sumbu_memakai_format_indonesia(grafik):
    _, ik3 = grafik["fig-tren-ik3"]
    assert ik3.axes[0].yaxis.get_major_formatter()(1500000, 0) == "1.500.000"
    _, pagu = grafik["fig-pagu-realisasi-program"]
    assert pagu.axes[0].xaxis.get_major_formatter()(1.5e9, 0) == "1,5"
    assert pagu.axes[0].get_xlabel() == "Miliar rupiah"
    _, kf = grafik["fig-keuangan-fisik-program"]
    assert kf.axes[0].xaxis.get_major_formatter()(96.5, 0) == "96,5%"
    assert kf.axes[0].get_xlim() == (0, 100)
    for gid, (_, fig) in grafik.items():
        ax = fig.axes[0]
        nilai = ax.get_yticklabels() if gid.startswith("fig-tren") else ax.get_xticklabels()
        teks = [t.get_text() for t in nilai if t.get_text()]
        assert teks and all(_LABEL_ID.fullmatch(s) for s in teks), (gid, teks)


def test_tahun_tanpa_pemisah_ribuan(grafik):
    _, fig = grafik["fig-tren-ik2"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2021", "2022", "2023"]


def test_label_nilai_dari_angka(grafik, bahan):
    _, angka = bahan
    _, fig = grafik["fig-pagu-realisasi-program"]
    teks = {t.get_text() for t in fig.axes[0].texts}
    assert angka["anggaran.1.pagu"].text in teks
    assert angka["anggaran.6.realisasi"].text in teks
    _, fig = grafik["fig-target-realisasi"]
    teks = {t.get_text() for t in fig.axes[0].texts}
    assert angka["kinerja.IK1.capaian"].text in teks
    _, fig = grafik["fig-tren-ik3"]
    teks = {t.get_text() for t in fig.axes[0].texts}
    assert angka["kinerja.IK3.realisasi"].text in teks  # 68,23
    legenda = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legenda[-1] == f"Target RPJMD ({angka['kinerja.IK3.target_rpjmd'].text})"


def test_tulis_deterministik(tmp_path, bahan):
    pertama = {gid: tulis_grafik(gid, fig, tmp_path / "a") for gid, _, fig in semua_grafik(*bahan)}
    kedua = {gid: tulis_grafik(gid, fig, tmp_path / "b") for gid, _, fig in semua_grafik(*bahan)}
    assert list(pertama) == ID_TETAP
    for gid, berkas in pertama.items():
        assert set(berkas) == {"svg", "png", "json"}
        for jenis, p in berkas.items():
            assert p.name == f"{gid}.{jenis}"
            assert p.read_bytes() == kedua[gid][jenis].read_bytes(), p.name
        svg = berkas["svg"].read_bytes()
        assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
        assert b"Software" not in berkas["png"].read_bytes()[:400]
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]


def test_png_200_dpi(tmp_path, bahan):
    gid, _, fig = grafik_pagu_realisasi_program(*bahan)
    png = tulis_grafik(gid, fig, tmp_path)["png"].read_bytes()
    # PNG header: width and height (big endian) at bytes 16-24.
    lebar = int.from_bytes(png[16:20], "big")
    assert abs(lebar - 16 / 2.54 * 200) < 1


def test_setiap_label_angka_punya_kunci(tmp_path, bahan):
    """Every label that shows a figure is in the chart's sidecar with keys whose texts it shows."""
    import json

    from lakip_calc.audit.banding import ANGKA_LAPORAN

    _, angka = bahan
    for gid, _judul, fig in semua_grafik(*bahan):
        tampak = [t.get_text().replace("\\$", "$") for ax in fig.axes for t in ax.texts]
        tampak += [t.get_text() for leg in fig.legends for t in leg.get_texts()]
        berkas = tulis_grafik(gid, fig, tmp_path)
        sidecar = json.loads(berkas["json"].read_text(encoding="utf-8"))
        assert sidecar["grafik"] == gid
        tercatat = {lab["teks"] for lab in sidecar["label"]}
        for teks in tampak:
            if ANGKA_LAPORAN.search(teks):
                assert teks in tercatat, (gid, teks)
        for lab in sidecar["label"]:
            assert lab["kunci"], (gid, lab)
            sisa = lab["teks"]
            for k in lab["kunci"]:  # each key's text, in order, within the label
                i = sisa.find(angka[k].text)
                assert i >= 0, (gid, lab, k)
                sisa = sisa[i + len(angka[k].text) :]
