"""A regency data folder: several offices in one folder, one build each, one site.

The regency is made in the test from copies of ``data/2023`` whose profile
(``teks/profil.yaml``) names another office, one folder per office
(``<DATA>/<office>/2023/``); nothing large is stored. The slow tests share one
session build (:func:`regensi_bersama`): one office built alone with ``--opd``,
then every office at once, one of them with a broken CSV file.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import env_lakip, lakip_cli

from lakip_calc.audit.manifest import sha256_berkas
from lakip_calc.audit.situs import Baris, halaman_indeks
from lakip_calc.bangun.serentak import HasilOpd, ringkasan
from lakip_calc.errors import ConfigError
from lakip_calc.masukan.loader import muat_tahun
from lakip_calc.masukan.regensi import kenali
from lakip_calc.paths import DATA, ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

TAHUN = 2023
#: slug -> (office name in its profile, pagu added to its first sub kegiatan,
#: realisasi of output K01 in its own 2022 folder, None: no 2022 folder).
OPD = {
    "dinas-sosial": ("Dinas Sosial", 0, 70),
    "dinas-kesehatan": ('Dinas Kesehatan & "Keluarga Berencana"', 2_000_000, None),
}
RUSAK = "dinas-rusak"
_BERSAMA: dict[str, SimpleNamespace] = {}


#: The command line (a regency build of several offices may take long on a busy machine).
_lakip = functools.partial(lakip_cli, timeout=1200)


# --------------------------------------------------------------------------- helpers


def _tanpa_traceback(p: subprocess.CompletedProcess[str]) -> None:
    for aliran in (p.stdout, p.stderr):
        assert "Traceback" not in aliran, aliran


def _baris_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _tulis_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _ganti_nama(profil: Path, nama: str) -> None:
    teks = profil.read_text(encoding="utf-8")
    baru, n = re.subn(r'^instansi: ".*"$', f"instansi: {json.dumps(nama)}", teks, flags=re.M)
    assert n == 1, "profil.yaml tidak memuat baris instansi"
    profil.write_text(baru, encoding="utf-8")


def _tambah_pagu(folder: Path, tambah: int) -> None:
    rows = _baris_csv(folder / "sub_kegiatan.csv")
    j = rows[0].index("pagu")
    rows[1][j] = str(int(rows[1][j]) + tambah)
    _tulis_csv(folder / "sub_kegiatan.csv", rows)


def _riwayat_2022(kantor: Path, realisasi: int) -> None:
    """An own 2022 folder recording output K01 of 2022 with ``realisasi``."""
    rows = _baris_csv(DATA / str(TAHUN) / "keluaran.csv")
    judul = rows[0]
    kode, tahun = judul.index("kode"), judul.index("tahun")
    baris = [r for r in rows[1:] if r[kode] == "K01" and r[tahun] == "2022"]
    assert baris, "data/2023/keluaran.csv tidak memuat K01 tahun 2022"
    baris[0][judul.index("realisasi")] = str(realisasi)
    _tulis_csv(kantor / "2022" / "keluaran.csv", [judul, baris[0]])


def buat_regensi(akar: Path, rusak: bool = False) -> Path:
    """A regency folder ``akar/data`` with the offices of :data:`OPD` (and a broken one)."""
    data = akar / "data"
    for slug, (nama, pagu, realisasi_2022) in OPD.items():
        kantor = data / slug
        shutil.copytree(DATA / str(TAHUN), kantor / str(TAHUN))
        _ganti_nama(kantor / str(TAHUN) / "teks" / "profil.yaml", nama)
        if pagu:
            _tambah_pagu(kantor / str(TAHUN), pagu)
        if realisasi_2022 is not None:
            _riwayat_2022(kantor, realisasi_2022)
    if rusak:
        folder = data / RUSAK / str(TAHUN)
        shutil.copytree(DATA / str(TAHUN), folder)
        rows = _baris_csv(folder / "sub_kegiatan.csv")
        rows[3][rows[0].index("pagu")] = "abc"
        _tulis_csv(folder / "sub_kegiatan.csv", rows)
    return data


def regensi_bersama(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The session's regency build: one office with --opd, then every office at once."""
    if "regensi" in _BERSAMA:
        return _BERSAMA["regensi"]
    akar = tmp_path_factory.mktemp("lakip-regensi")
    data = buat_regensi(akar, rusak=True)
    build = akar / "build"
    arah = ["--tahun", str(TAHUN), "--data", str(data), "--build", str(build)]
    satu = _lakip("laporan", *arah, "--opd", "dinas-sosial")
    isi_setelah_satu = sorted(p.name for p in build.iterdir()) if build.is_dir() else []
    semua = _lakip("laporan", *arah)
    hasil = SimpleNamespace(
        akar=akar,
        data=data,
        build=build,
        satu=satu,
        isi_setelah_satu=isi_setelah_satu,
        semua=semua,
    )
    _BERSAMA["regensi"] = hasil
    return hasil


@pytest.fixture(scope="module")
def regensi(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    return regensi_bersama(tmp_path_factory)


def situs_regensi(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The session's regency build published once into a temporary site folder."""
    if "situs" in _BERSAMA:
        return _BERSAMA["situs"]
    r = regensi_bersama(tmp_path_factory)
    situs = r.akar / "_site"
    p = _lakip(
        "publikasi",
        "--tahun",
        str(TAHUN),
        "--data",
        str(r.data),
        "--build",
        str(r.build),
        "--situs",
        str(situs),
    )
    _BERSAMA["situs"] = SimpleNamespace(regensi=r, situs=situs, proses=p)
    return _BERSAMA["situs"]


# --------------------------------------------------------------------------- layout (fast)


def test_kenali_satu_instansi_dan_regensi(tmp_path: Path) -> None:
    assert not kenali(DATA).regensi
    assert kenali(DATA).folder_opd(None) == DATA
    data = tmp_path / "data"
    for slug in ("dinas-b", "dinas-a"):
        (data / slug / str(TAHUN)).mkdir(parents=True)
    (data / ".cache" / "2023").mkdir(parents=True)  # hidden: ignored
    (data / "catatan").mkdir()  # no year folder: not an office
    (data / "README.md").write_text("x", encoding="utf-8")
    (data / "dinas-c" / "2022").mkdir(parents=True)
    tata = kenali(data)
    assert tata.regensi
    assert tata.opd == ("dinas-a", "dinas-b", "dinas-c")
    assert tata.opd_dengan_tahun(TAHUN) == ["dinas-a", "dinas-b"]
    assert tata.folder_opd("dinas-b") == data / "dinas-b"
    assert tata.build_opd("dinas-b", tmp_path / "build") == tmp_path / "build" / "dinas-b"


def test_folder_bercampur_ditolak(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "2023").mkdir(parents=True)
    (data / "dinas-a" / "2023").mkdir(parents=True)
    with pytest.raises(ConfigError, match="bercampur") as e:
        kenali(data)
    assert "2023" in str(e.value) and "dinas-a" in str(e.value)


def test_nama_folder_instansi_tidak_sah(tmp_path: Path) -> None:
    (tmp_path / "data" / "Dinas Sosial" / "2023").mkdir(parents=True)
    with pytest.raises(ConfigError, match="nama folder instansi tidak sah"):
        kenali(tmp_path / "data")


def test_pilihan_opd_salah(tmp_path: Path) -> None:
    for slug in ("dinas-sosial", "dinas-kesehatan"):
        (tmp_path / slug / "2023").mkdir(parents=True)
    tata = kenali(tmp_path)
    with pytest.raises(ConfigError, match="pilih satu dengan OPD"):
        tata.folder_opd(None)
    with pytest.raises(ConfigError, match="Maksudnya OPD=dinas-sosial"):
        tata.folder_opd("dinas-sosal")
    with pytest.raises(ConfigError, match="tidak sah"):
        tata.folder_opd("../dinas-sosial")
    with pytest.raises(ConfigError, match="satu instansi"):
        kenali(DATA).folder_opd("dinas-sosial")


def test_riwayat_hanya_dari_folder_instansinya(tmp_path: Path) -> None:
    """Two offices with the same output codes read their earlier years from their own folder."""
    data = buat_regensi(tmp_path)
    for slug, (_nama, _pagu, realisasi_2022) in OPD.items():
        d = muat_tahun(TAHUN, data / slug, tabel=["keluaran"])
        k01 = d["keluaran"]
        baris = k01[(k01["kode"] == "K01") & (k01["tahun"] == 2022)]
        assert len(baris) == 1
        asli = 65  # K01 2022 as data/2023/keluaran.csv records it
        assert int(baris["realisasi"].iloc[0]) == (realisasi_2022 or asli), slug


# --------------------------------------------------------------------------- CLI (fast)


def test_validasi_satu_dan_semua_instansi(tmp_path: Path) -> None:
    data = buat_regensi(tmp_path, rusak=True)
    satu = _lakip("validasi", "--tahun", str(TAHUN), "--data", str(data), "--opd", "dinas-sosial")
    assert satu.returncode == 0, satu.stderr
    assert "Data 2023 valid" in satu.stdout

    semua = _lakip("validasi", "--tahun", str(TAHUN), "--data", str(data))
    _tanpa_traceback(semua)
    assert semua.returncode == 1, semua.stdout + semua.stderr
    kemajuan = re.findall(r"^\[\d/3\] (\S+)\s+(selesai|GAGAL)", semua.stdout, re.M)
    assert sorted(kemajuan) == sorted([(s, "selesai") for s in OPD] + [(RUSAK, "GAGAL")]), (
        semua.stdout
    )
    ringkas = semua.stdout.split("Validasi data 2023: 2 berhasil, 1 gagal dari 3 instansi.")[1]
    for slug in OPD:
        assert re.search(rf"^\s+{slug}\s+berhasil", ringkas, re.M), ringkas
    assert re.search(rf"^\s+{RUSAK}\s+GAGAL", ringkas, re.M), ringkas
    pesan = ringkas.split(f"Instansi {RUSAK} gagal:")[1]
    for kata in ("sub_kegiatan.csv", "baris 4", "kolom 'pagu'"):
        assert kata in pesan, pesan


def test_perintah_satu_instansi_minta_opd(tmp_path: Path) -> None:
    data = buat_regensi(tmp_path)
    for perintah in ("buku-kerja", "impor"):
        p = _lakip(perintah, "--tahun", str(TAHUN), "--data", str(data))
        _tanpa_traceback(p)
        assert p.returncode == 1
        assert "pilih satu dengan OPD=<instansi>" in p.stderr, p.stderr
        assert "dinas-sosial" in p.stderr
    p = _lakip("validasi", "--tahun", "2021", "--data", str(data))
    assert p.returncode == 1 and "tidak ada instansi" in p.stderr, p.stderr
    p = _lakip("validasi", "--tahun", str(TAHUN), "--opd", "dinas-sosial")
    assert p.returncode == 1 and "satu instansi" in p.stderr, p.stderr


def test_buku_kerja_instansi_di_foldernya(tmp_path: Path) -> None:
    data = buat_regensi(tmp_path)
    p = _lakip("buku-kerja", "--tahun", str(TAHUN), "--data", str(data), "--opd", "dinas-kesehatan")
    assert p.returncode == 0, p.stderr
    assert (data / "dinas-kesehatan" / str(TAHUN) / f"isian-{TAHUN}.xlsx").is_file()
    assert "OPD=dinas-kesehatan" in p.stdout
    p = _lakip(
        "impor", "--tahun", str(TAHUN), "--data", str(data), "--opd", "dinas-kesehatan", "--coba"
    )
    assert p.returncode == 0, p.stderr


def test_make_memakai_data_dan_opd(make_siap: None, tmp_path: Path) -> None:
    data = buat_regensi(tmp_path)
    env = {**env_lakip(), "DATA": str(data), "OPD": "dinas-kesehatan"}
    p = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "validate", "YEAR=2023"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    # the office's own pagu (2,000,000 more than data/2023): its folder was read
    assert "Total pagu       : Rp5.150.323.747" in p.stdout, p.stdout
    env.pop("OPD")
    p = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "validate", "YEAR=2023"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "2 berhasil, 0 gagal dari 2 instansi" in p.stdout, p.stdout


def test_ringkasan_menyebut_yang_gagal() -> None:
    hasil = [
        HasilOpd("dinas-a", 0, 12.0, "Laporan 2023 selesai\n"),
        HasilOpd("dinas-b", 1, 1.5, "", "GALAT: sub_kegiatan.csv, baris 4, kolom 'pagu': x\n"),
    ]
    teks = ringkasan("Laporan 2023", hasil, "Dilewati (folder 2023/ tidak ada): dinas-c")
    assert "1 berhasil, 1 gagal dari 2 instansi" in teks
    assert re.search(r"dinas-b\s+GAGAL", teks)
    assert "Instansi dinas-b gagal:\n  GALAT: sub_kegiatan.csv, baris 4" in teks
    assert "dinas-c" in teks


def test_indeks_meloloskan_teks(tmp_path: Path) -> None:
    """Office names are data: escaped in text and attributes, never markup."""
    jahat = '<img src=x onerror=alert(1)> & "Dinas"'
    b = Baris(
        opd="dinas-x",
        tahun=TAHUN,
        nama=jahat,
        pemerintah="<b>Kota</b>",
        laporan=[f"lakip-{TAHUN}.html"],
        angka={"anggaran.total.pagu": {"value": "1500000"}},
    )
    teks = halaman_indeks([b], TAHUN, ["<script>x</script>"])
    assert "<img" not in teks and "<b>" not in teks and "<script>x" not in teks
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Dinas&quot;" in teks
    assert "Rp1.500.000" in teks
    assert 'data-nilai="1500000"' in teks


# --------------------------------------------------------------------------- builds (slow)


@pytest.mark.slow
def test_opd_membangun_satu_instansi(regensi: SimpleNamespace) -> None:
    p = regensi.satu
    assert p.returncode == 0, p.stdout + p.stderr
    assert regensi.isi_setelah_satu == ["dinas-sosial"]
    assert "Laporan 2023 selesai" in p.stdout
    folder = regensi.build / "dinas-sosial" / str(TAHUN)
    for ext in ("html", "pdf", "docx"):
        assert (folder / f"lakip-{TAHUN}.{ext}").is_file()


@pytest.mark.slow
def test_semua_instansi_sekaligus(regensi: SimpleNamespace) -> None:
    p = regensi.semua
    _tanpa_traceback(p)
    assert p.returncode == 1, p.stdout + p.stderr  # the broken office failed
    assert "Laporan 2023: 3 instansi" in p.stdout
    assert len(re.findall(r"^\[\d/3\] ", p.stdout, re.M)) == 3, p.stdout
    assert "Laporan 2023: 2 berhasil, 1 gagal dari 3 instansi." in p.stdout, p.stdout
    assert re.search(rf"^\s+{RUSAK}\s+GAGAL", p.stdout, re.M), p.stdout
    pesan = p.stdout.split(f"Instansi {RUSAK} gagal:")[1]
    assert "sub_kegiatan.csv" in pesan and "kolom 'pagu'" in pesan, pesan
    for slug in OPD:
        folder = regensi.build / slug / str(TAHUN)
        assert (folder / f"lakip-{TAHUN}.html").is_file(), slug
    assert not (regensi.build / RUSAK / str(TAHUN)).exists()
    # every office had its own staging folder: none is left behind
    assert not list(regensi.build.glob("*/.staging-*"))
    assert not (regensi.build / str(TAHUN)).exists()


@pytest.mark.slow
def test_riwayat_tidak_tercampur(regensi: SimpleNamespace) -> None:
    for slug, (nama, pagu, realisasi_2022) in OPD.items():
        folder = regensi.build / slug / str(TAHUN)
        numbers = {d["key"]: d for d in json.loads((folder / "numbers.json").read_text("utf-8"))}
        riwayat = numbers["keluaran.K01.riwayat.2022.realisasi"]
        assert int(riwayat["value"]) == (realisasi_2022 or 65), slug
        assert int(numbers["anggaran.total.pagu"]["value"]) == 5_148_323_747 + pagu, slug
        m = json.loads((folder / "manifest.json").read_text("utf-8"))
        assert m["instansi"]["nama"] == nama
        assert all(k.startswith(("2022/", "2023/")) for k in m["inputs"]), list(m["inputs"])
        sendiri = regensi.data / slug / "2022" / "keluaran.csv"
        if realisasi_2022 is None:
            assert "2022/keluaran.csv" not in m["inputs"]
        else:
            assert m["inputs"]["2022/keluaran.csv"] == sha256_berkas(sendiri)
        assert m["inputs"]["2023/sub_kegiatan.csv"] == sha256_berkas(
            regensi.data / slug / "2023" / "sub_kegiatan.csv"
        )


@pytest.mark.slow
def test_verifikasi_instansi(regensi: SimpleNamespace) -> None:
    p = _lakip(
        "verifikasi",
        "--tahun",
        str(TAHUN),
        "--data",
        str(regensi.data),
        "--build",
        str(regensi.build),
        "--opd",
        "dinas-kesehatan",
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("cocok:"), p.stdout


@pytest.mark.slow
def test_publikasi_regensi(tmp_path_factory: pytest.TempPathFactory) -> None:
    s = situs_regensi(tmp_path_factory)
    assert s.proses.returncode == 0, s.proses.stdout + s.proses.stderr
    assert f"{len(OPD)} instansi" in s.proses.stdout and RUSAK in s.proses.stdout
    index = (s.situs / "index.html").read_text(encoding="utf-8")
    for slug, (nama, _pagu, _r) in OPD.items():
        assert nama.replace("&", "&amp;").replace('"', "&quot;") in index, nama
        for ext in ("html", "pdf", "docx"):
            href = f"{slug}/{TAHUN}/lakip-{TAHUN}.{ext}"
            assert f'href="{href}"' in index
            assert (s.situs / href).is_file()
        assert (s.situs / slug / "index.html").is_file()
        assert (s.situs / slug / str(TAHUN) / "data" / "numbers.json").is_file()
    assert "Rp5.150.323.747" in index and "Rp5.148.323.747" in index
    assert f"Belum ada laporan tahun {TAHUN}: {RUSAK}" in index
    sums = (s.situs / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"  dinas-sosial/{TAHUN}/lakip-{TAHUN}.pdf\n" in sums
    assert "  index.html\n" in sums


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium tidak ada (make deps-apt)")
def test_indeks_regensi_di_peramban(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The index on a phone-sized screen: no sideways scrolling, sortable, links that open;
    without JavaScript the same table in its default order."""
    from playwright.sync_api import expect, sync_playwright

    s = situs_regensi(tmp_path_factory)
    assert s.proses.returncode == 0, s.proses.stdout + s.proses.stderr
    url = (s.situs / "index.html").as_uri()
    nama = {slug: v[0] for slug, v in OPD.items()}
    galat: list[str] = []
    luar: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.on("console", lambda m: galat.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: galat.append(str(e)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file://", "data:")) else luar.append(r.url),
            )
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            baris = page.locator("#ringkasan tbody tr")
            expect(baris).to_have_count(len(OPD))
            for i in range(len(OPD)):
                kotak = baris.nth(i).bounding_box()
                assert kotak and kotak["x"] >= 0 and kotak["x"] + kotak["width"] <= 375
            kepala = page.locator("#ringkasan tbody th")
            # default order (also without JavaScript): newest year, then by name
            assert kepala.all_inner_texts() == sorted(nama.values(), key=str.casefold)

            page.get_by_role("button", name="Pagu", exact=True).click()
            urut_pagu = sorted(OPD, key=lambda s: OPD[s][1])
            assert kepala.all_inner_texts() == [nama[s] for s in urut_pagu]
            th = page.locator("#ringkasan thead th").nth(2)
            expect(th).to_have_attribute("aria-sort", "ascending")
            page.get_by_role("button", name="Pagu", exact=True).click()
            assert kepala.all_inner_texts() == [nama[s] for s in reversed(urut_pagu)]
            expect(th).to_have_attribute("aria-sort", "descending")

            page.locator(f'a[href="dinas-kesehatan/{TAHUN}/lakip-{TAHUN}.html"]').click()
            page.wait_for_url(f"**/dinas-kesehatan/{TAHUN}/lakip-{TAHUN}.html")
            assert "Laporan Kinerja" in page.title()

            tanpa_js = browser.new_context(
                java_script_enabled=False, viewport={"width": 375, "height": 800}
            )
            halaman = tanpa_js.new_page()
            halaman.goto(url)
            expect(halaman.locator("#ringkasan tbody tr")).to_have_count(len(OPD))
            expect(halaman.locator("#ringkasan thead button")).to_have_count(0)
            assert halaman.evaluate("document.documentElement.scrollWidth") <= 375
        finally:
            browser.close()
    assert not galat, galat
    assert not luar, luar


def test_tahun_baru_setiap_instansi(tmp_path: Path) -> None:
    """new-year without OPD: every office that lacks the year, each from its own folder."""
    data = buat_regensi(tmp_path)
    p = _lakip("tahun-baru", "--tahun", "2024", "--data", str(data))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Tahun baru 2024: 2 berhasil, 0 gagal dari 2 instansi." in p.stdout, p.stdout
    for slug in OPD:
        profil = (data / slug / "2024" / "teks" / "profil.yaml").read_text(encoding="utf-8")
        assert f"instansi: {json.dumps(OPD[slug][0])}" in profil, slug
    p = _lakip("tahun-baru", "--tahun", "2024", "--data", str(data))
    assert p.returncode == 1 and "sudah memiliki 2024/" in p.stderr, p.stderr


@pytest.mark.parametrize(
    ("target", "perintah"),
    [
        ("validate", "validasi"),
        ("report", "laporan"),
        ("verify", "verifikasi"),
        ("publish", "publikasi"),
        ("new-year", "tahun-baru"),
        ("workbook", "buku-kerja"),
        ("import", "impor"),
        ("bench", "lakip_calc.bench"),
    ],
)
def test_make_meneruskan_data_dan_opd(target: str, perintah: str, tmp_path: Path) -> None:
    """Every target passes DATA and OPD on (PY=echo prints the command instead of running it)."""
    if shutil.which("make") is None:
        pytest.skip("make tidak terpasang")
    env = {**env_lakip(), "DATA": str(tmp_path / "regensi"), "OPD": "dinas-sosial"}
    p = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "-o", ".venv/.installed", "PY=echo", target, "YEAR=2023"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert perintah in p.stdout, p.stdout
    assert f"--data {tmp_path / 'regensi'}" in p.stdout, p.stdout
    assert "--opd dinas-sosial" in p.stdout, p.stdout


def test_cpu_dibagi_antar_instansi(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offices built at once share the CPUs: each gets its part as LAKIP_PARALEL."""
    from lakip_calc.bangun.pipeline import paralel_bawaan
    from lakip_calc.bangun.serentak import _env_opd

    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert _env_opd(2)["LAKIP_PARALEL"] == "4"
    assert _env_opd(16)["LAKIP_PARALEL"] == "1"
    for teks, harap in (("3", 3), ("", 8), ("0", 8), ("x", 8)):
        monkeypatch.setenv("LAKIP_PARALEL", teks)
        assert paralel_bawaan() == harap, teks
