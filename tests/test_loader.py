"""Tests of lakip_calc.masukan.loader: the real data loads, bad data is refused clearly.

Every bad input must raise :class:`DataError` whose Indonesian message names the
file, the row as a spreadsheet counts it (header = row 1) and the column. Broken
data is always made in a temporary copy of ``data/2023`` (fixture ``salin_data``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakip_calc.errors import DataError
from lakip_calc.masukan.loader import BARIS, baca_csv, muat_tahun
from lakip_calc.masukan.schema import TABEL
from lakip_calc.paths import DATA

TAHUN = 2023
SUB = "sub_kegiatan.csv"

# English words that must not appear in a message meant for the analyst.
_INGGRIS = re.compile(
    r"\b(invalid|error|expected|missing|must|should|not|file|row|column|line|"
    r"found|unknown|duplicate|empty|negative|number)\b",
    re.IGNORECASE,
)


def _muat_rusak(data: Path) -> DataError:
    with pytest.raises(DataError) as info:
        muat_tahun(TAHUN, data_dir=data)
    return info.value


def _cek_pesan(
    err: DataError,
    data: Path,
    *,
    berkas: str | None,
    baris: int | None,
    kolom: str | None,
    kata: tuple[str, ...],
    cek_inggris: bool = True,
) -> None:
    pesan = str(err)
    if berkas is not None:
        assert berkas in pesan, pesan
        assert err.file is not None and str(err.file).endswith(berkas)
    if baris is not None:
        assert f"baris {baris}" in pesan, pesan
        assert err.row == baris
    if kolom is not None:
        assert f"kolom '{kolom}'" in pesan, pesan
        assert err.column == kolom
    for k in kata:
        assert k in pesan, f"{k!r} tidak ada dalam: {pesan}"
    if cek_inggris:
        # The temporary folder's name comes from the test name: leave it out.
        tanpa_folder = pesan.replace(str(data), "")
        assert not _INGGRIS.search(tanpa_folder), pesan


def _teks(p: Path) -> str:
    return p.read_bytes().decode("utf-8")


def _ganti_header(nama_lama: str, nama_baru: str) -> Callable[[Path, SimpleNamespace], None]:
    def ubah(d: Path, s: SimpleNamespace) -> None:
        baris = _teks(d / SUB).split("\n")
        kolom = baris[0].split(",")
        kolom[kolom.index(nama_lama)] = nama_baru
        baris[0] = ",".join(kolom)
        s.ganti_isi(d / SUB, "\n".join(baris))

    return ubah


def _kolom_tambahan_bernama(nama: str) -> Callable[[Path, SimpleNamespace], None]:
    def ubah(d: Path, s: SimpleNamespace) -> None:
        baris = [b for b in _teks(d / SUB).split("\n") if b]
        baris = [f"{baris[0]},{nama}"] + [b + ",1" for b in baris[1:]]
        s.ganti_isi(d / SUB, "\n".join(baris) + "\n")

    return ubah


_kolom_tambahan = _kolom_tambahan_bernama("keterangan")


def _sel_kurang(d: Path, s: SimpleNamespace) -> None:
    baris = _teks(d / SUB).split("\n")
    baris[2] = baris[2].rsplit(",", 1)[0]  # row 3 loses its last cell
    s.ganti_isi(d / SUB, "\n".join(baris))


def _sel_lebih(d: Path, s: SimpleNamespace) -> None:
    baris = _teks(d / SUB).split("\n")
    baris[6] += ",99"  # row 7 gets an eighth cell
    s.ganti_isi(d / SUB, "\n".join(baris))


def _cp1252(d: Path, s: SimpleNamespace) -> None:
    s.ubah_sel(d / SUB, 5, "nama", "Pelayanan Café – Lansia")
    s.ganti_isi(d / SUB, _teks(d / SUB).encode("cp1252"))


def _cp1252_setelah_sel_multibaris(d: Path, s: SimpleNamespace) -> None:
    # A quoted cell spanning three lines is still one spreadsheet row.
    s.ubah_sel(d / SUB, 2, "nama", "Koordinasi\ndan Penyusunan\nLaporan")
    s.ubah_sel(d / SUB, 4, "nama", "Penyediaan Gaji – ASN")
    s.ganti_isi(d / SUB, _teks(d / SUB).encode("cp1252"))


def _yaml_cp1252(d: Path, s: SimpleNamespace) -> None:
    s.ganti_isi(d / "teks" / "profil.yaml", "a: 1\nb: 2\nc: Caf\u00e9\n".encode("cp1252"))


@dataclass(frozen=True)
class Kasus:
    """One kind of bad input and what its message must say."""

    id: str
    rusak: Callable[[Path, SimpleNamespace], None]
    berkas: str | None
    baris: int | None
    kolom: str | None
    kata: tuple[str, ...]
    cek_inggris: bool = True


def _sel(berkas: str, baris: int, kolom: str, nilai: str):
    return lambda d, s: s.ubah_sel(d / berkas, baris, kolom, nilai)


def _tambah(berkas: str, **nilai: str):
    return lambda d, s: s.tambah_baris(d / berkas, nilai)


_SUB_BARU = {"nama": "Baru", "pagu": "1000", "realisasi": "900", "fisik": "100"}
_CONTOH_ANGKA = ("1234567", "96.53")

KASUS = [
    Kasus(
        "berkas-hilang",
        lambda d, s: (d / SUB).unlink(),
        SUB,
        None,
        None,
        ("berkas wajib tidak ada", "Sub kegiatan"),
    ),
    Kasus("berkas-kosong", lambda d, s: s.ganti_isi(d / SUB, b""), SUB, None, None, ("kosong",)),
    Kasus(
        "berkas-hanya-spasi",
        lambda d, s: s.ganti_isi(d / SUB, b" \n\r\n \n"),
        SUB,
        None,
        None,
        ("kosong",),
    ),
    Kasus(
        "kolom-hilang",
        lambda d, s: s.hapus_kolom(d / SUB, "fisik"),
        SUB,
        1,
        "fisik",
        ("tidak ada", "Kolom yang diharapkan"),
    ),
    Kasus(
        "kolom-tambahan",
        _kolom_tambahan,
        SUB,
        1,
        "keterangan",
        ("tidak dikenal", "Kolom yang diharapkan"),
    ),
    Kasus(
        "kolom-salah-eja",
        _ganti_header("realisasi", "realisai"),
        SUB,
        1,
        "realisai",
        ("tidak dikenal", "Mungkin maksudnya 'realisasi'?"),
    ),
    Kasus(
        "kolom-huruf-besar",
        _ganti_header("pagu", "Pagu"),
        SUB,
        1,
        "Pagu",
        ("tidak dikenal", "Mungkin maksudnya 'pagu'?"),
    ),
    Kasus(
        "kolom-ganda",
        _kolom_tambahan_bernama("pagu"),
        SUB,
        1,
        "pagu",
        ("muncul dua kali",),
    ),
    Kasus(
        "uang-bukan-angka",
        _sel(SUB, 4, "pagu", "abc"),
        SUB,
        4,
        "pagu",
        ("bukan angka", "angka polos", *_CONTOH_ANGKA),
    ),
    *[
        Kasus(
            f"uang-berpemisah-{nilai}",
            _sel(SUB, 6, kolom, nilai),
            SUB,
            6,
            kolom,
            ("pemisah ribuan", "angka polos", "titik sebagai desimal", *_CONTOH_ANGKA),
        )
        for kolom, nilai in [
            ("pagu", "1.234.567"),
            ("pagu", "1,234,567"),
            ("realisasi", "Rp 5.000"),
            ("realisasi", "Rp5000"),
            ("fisik", "96,5%"),
            ("fisik", "96.5%"),
        ]
    ],
    Kasus(
        "persen-koma-desimal",
        _sel(SUB, 6, "fisik", "96,5"),
        SUB,
        6,
        "fisik",
        ("bukan angka", "angka polos", *_CONTOH_ANGKA),
    ),
    Kasus(
        "uang-tiga-desimal",
        _sel(SUB, 3, "pagu", "1.234"),
        SUB,
        3,
        "pagu",
        ("lebih dari 2 desimal", "pemisah ribuan"),
    ),
    Kasus(
        "uang-raksasa-tiga-desimal",
        _sel(SUB, 3, "pagu", "1" * 40 + ".123"),
        SUB,
        3,
        "pagu",
        ("lebih dari 2 desimal",),
    ),
    Kasus("uang-negatif", _sel(SUB, 8, "pagu", "-5000"), SUB, 8, "pagu", ("negatif",)),
    # realisasi/pagu/fisik may be blank in an incomplete year ("belum diisi"); names may not.
    Kasus("nama-kosong", _sel(SUB, 8, "nama", ""), SUB, 8, "nama", ("wajib diisi",)),
    Kasus(
        "fisik-di-atas-100",
        _sel(SUB, 9, "fisik", "100.01"),
        SUB,
        9,
        "fisik",
        ("di luar rentang 0-100",),
    ),
    Kasus("fisik-negatif", _sel(SUB, 9, "fisik", "-1"), SUB, 9, "fisik", ("di luar rentang",)),
    Kasus(
        "kode-ganda-satu-berkas",
        _sel(SUB, 3, "kode", "1.1.1"),
        SUB,
        3,
        "kode",
        ("duplikat", "1.1.1", "sudah ada di baris 2"),
    ),
    Kasus(
        "kode-ganda-kegiatan-dan-sub",
        _tambah(SUB, kode="1.1", kode_kegiatan="1.1", **_SUB_BARU),
        SUB,
        31,
        "kode",
        ("'1.1'", "sudah dipakai", "kegiatan.csv"),
    ),
    Kasus(
        "kode-ganda-program-dan-kegiatan",
        _tambah("kegiatan.csv", kode="2", kode_program="2", nama="Baru"),
        "kegiatan.csv",
        15,
        "kode",
        ("'2'", "sudah dipakai", "program.csv"),
    ),
    Kasus(
        "kegiatan-tidak-ada",
        _tambah(SUB, kode="9.9.1", kode_kegiatan="9.9", **_SUB_BARU),
        SUB,
        31,
        "kode_kegiatan",
        ("'9.9'", "tidak ada di kegiatan.csv"),
    ),
    Kasus(
        "program-tidak-ada",
        _sel("kegiatan.csv", 2, "kode_program", "8"),
        "kegiatan.csv",
        2,
        "kode_program",
        ("'8'", "tidak ada di program.csv"),
    ),
    Kasus(
        "kode-kegiatan-bukan-awalan-program",
        _tambah("kegiatan.csv", kode="7.1", kode_program="1", nama="Baru"),
        "kegiatan.csv",
        15,
        "kode",
        ("'7.1'", "tidak diawali kode induknya", "'1'"),
    ),
    Kasus(
        "kode-sub-bukan-awalan-kegiatan",
        _tambah(SUB, kode="1.11.1", kode_kegiatan="1.1", **_SUB_BARU),
        SUB,
        31,
        "kode",
        ("'1.11.1'", "tidak diawali kode induknya", "'1.1'"),
    ),
    Kasus(
        "kode-tidak-sah",
        _sel(SUB, 2, "kode", "1.1 .1"),
        SUB,
        2,
        "kode",
        ("tidak sah", "huruf, angka"),
    ),
    Kasus(
        "polaritas-tak-dikenal",
        _sel("indikator.csv", 3, "polaritas", "netral"),
        "indikator.csv",
        3,
        "polaritas",
        ("'netral'", "tidak dikenal", "'positif', 'negatif'"),
    ),
    Kasus(
        "tahun-huruf",
        _sel("indikator_tahunan.csv", 4, "tahun", "20x3"),
        "indikator_tahunan.csv",
        4,
        "tahun",
        ("bukan tahun", "empat angka"),
    ),
    Kasus(
        "tahun-dua-angka",
        _sel("indikator_tahunan.csv", 2, "tahun", "23"),
        "indikator_tahunan.csv",
        2,
        "tahun",
        ("bukan tahun", "empat angka"),
    ),
    Kasus(
        "windows-1252",
        _cp1252,
        SUB,
        5,
        None,
        ("UTF-8", "Windows-1252", "Simpan ulang"),
    ),
    Kasus(
        "windows-1252-setelah-sel-multibaris",
        _cp1252_setelah_sel_multibaris,
        SUB,
        4,
        None,
        ("UTF-8", "Simpan ulang"),
    ),
    Kasus(
        "windows-1252-yaml",
        _yaml_cp1252,
        "teks/profil.yaml",
        3,
        None,
        ("UTF-8", "Simpan ulang"),
    ),
    Kasus(
        "yaml-tidak-sah",
        lambda d, s: s.ganti_isi(d / "teks" / "profil.yaml", "a: 1\nb: 2\nc: d: e\n"),
        "teks/profil.yaml",
        3,
        None,
        ("YAML tidak sah",),
        cek_inggris=False,  # PyYAML's own description of the problem is quoted
    ),
    Kasus(
        "yaml-bersarang-terlalu-dalam",
        lambda d, s: s.ganti_isi(d / "teks" / "renstra.yaml", "[" * 20000),
        "teks/renstra.yaml",
        None,
        None,
        ("YAML tidak sah", "bersarang"),
    ),
    Kasus("jumlah-sel-kurang", _sel_kurang, SUB, 3, None, ("6 sel", "7 kolom")),
    Kasus("jumlah-sel-lebih", _sel_lebih, SUB, 7, None, ("8 sel", "7 kolom")),
    Kasus(
        "psks-bukan-bulat",
        _sel("psks.csv", 2, "jumlah", "5.5"),
        "psks.csv",
        2,
        "jumlah",
        ("bilangan bulat",),
    ),
]


@pytest.mark.parametrize("kasus", KASUS, ids=[k.id for k in KASUS])
def test_data_rusak_ditolak_dengan_pesan_yang_jelas(
    kasus: Kasus, salin_data: Path, sunting: SimpleNamespace
) -> None:
    kasus.rusak(salin_data / str(TAHUN), sunting)
    err = _muat_rusak(salin_data)
    _cek_pesan(
        err,
        salin_data,
        berkas=kasus.berkas,
        baris=kasus.baris,
        kolom=kasus.kolom,
        kata=kasus.kata,
        cek_inggris=kasus.cek_inggris,
    )


def test_kasus_memakai_data_asli_yang_sah(salin_data: Path) -> None:
    """The catalogue starts from data that loads: each failure is the case's own."""
    assert len(muat_tahun(TAHUN, data_dir=salin_data)["sub_kegiatan"]) == 29


def test_folder_tahun_tidak_ada(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    err = _muat_rusak(data)
    _cek_pesan(
        err,
        tmp_path,
        berkas=None,
        baris=None,
        kolom=None,
        kata=("folder data tahun 2023 tidak ada", "make new-year YEAR=2023"),
    )
    assert err.row is None and err.column is None


def test_folder_data_tahun_lain_saja(salin_data: Path) -> None:
    (salin_data / "2023").rename(salin_data / "2022")
    err = _muat_rusak(salin_data)
    assert "folder data tahun 2023 tidak ada" in str(err)


def test_berkas_tidak_dapat_dibaca(salin_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file locked by Excel (or without read permission) is a DataError too."""
    asli = Path.read_bytes

    def baca(self: Path) -> bytes:
        if self.name == SUB:
            raise PermissionError(13, "Permission denied", str(self))
        return asli(self)

    monkeypatch.setattr(Path, "read_bytes", baca)
    err = _muat_rusak(salin_data)
    _cek_pesan(
        err,
        salin_data,
        berkas=SUB,
        baris=None,
        kolom=None,
        kata=("tidak dapat dibaca", "Excel"),
        cek_inggris=False,  # the OS reason ("Permission denied") is quoted
    )


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch {penanda}"]',
        "!!python/object/apply:subprocess.check_output [[touch, '{penanda}']]",
        "!!python/name:os.system",
    ],
)
def test_yaml_dengan_tag_ditolak_dan_tidak_dijalankan(
    tag: str, salin_data: Path, sunting: SimpleNamespace
) -> None:
    penanda = salin_data.parent / "dijalankan"
    isi = "instansi: Dinas Sosial\nkepala: " + tag.format(penanda=penanda) + "\n"
    sunting.ganti_isi(salin_data / "2023" / "teks" / "profil.yaml", isi)
    err = _muat_rusak(salin_data)
    _cek_pesan(
        err,
        salin_data,
        berkas="teks/profil.yaml",
        baris=2,
        kolom=None,
        kata=("YAML tidak sah", "tanpa tag '!!'"),
        cek_inggris=False,
    )
    assert not penanda.exists()


def test_yaml_rusak_di_akhir_menyebut_baris(salin_data: Path, sunting: SimpleNamespace) -> None:
    isi = 'instansi: Dinas\nkepala:\n  nama: x\n  jabatan: "y\n'
    sunting.ganti_isi(salin_data / "2023" / "teks" / "organisasi.yaml", isi)
    err = _muat_rusak(salin_data)
    assert "teks/organisasi.yaml" in str(err)
    assert err.row is not None and 4 <= err.row <= 5


# ---------------------------------------------------------------------------
# The real data


@pytest.fixture(scope="module")
def data_asli():
    return muat_tahun(TAHUN)


def _baca_csv_mentah(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_data_2023_dimuat_dengan_jumlah_yang_benar(data_asli) -> None:
    assert data_asli.tahun == TAHUN
    assert data_asli.folder == DATA / "2023"
    assert len(data_asli["program"]) == 6
    assert len(data_asli["kegiatan"]) == 13
    assert len(data_asli["sub_kegiatan"]) == 29
    assert len(data_asli["indikator"]) == 5
    assert len(data_asli["sasaran"]) == 3
    assert set(data_asli.tabel) == set(TABEL)
    for nama, df in data_asli.tabel.items():
        assert list(df.columns) == [*TABEL[nama].kolom_nama, BARIS], nama
        assert data_asli.berkas_tabel(nama) == TABEL[nama].berkas


def test_nilai_angka_adalah_decimal(data_asli) -> None:
    sub = data_asli["sub_kegiatan"]
    for kolom in ("pagu", "realisasi", "fisik"):
        assert all(type(v) is Decimal for v in sub[kolom]), kolom
    assert sum(sub["pagu"]) == Decimal("5148323747")
    pertama = sub.iloc[0]
    assert pertama["kode"] == "1.1.1"
    assert pertama["pagu"] == Decimal("50216000")
    assert pertama["realisasi"] == Decimal("49422100")
    for v in data_asli["indikator"]["target_rpjmd"]:
        assert v is None or type(v) is Decimal
    assert all(type(v) is int for v in data_asli["indikator_tahunan"]["tahun"])
    assert all(type(v) is int for v in data_asli["psks"]["jumlah"])


def test_baris_adalah_nomor_baris_spreadsheet(data_asli) -> None:
    for nama, df in data_asli.tabel.items():
        if not (DATA / "2023" / TABEL[nama].berkas).is_file():
            assert df.empty  # an optional file the year does not have
            continue
        mentah = _baca_csv_mentah(DATA / "2023" / TABEL[nama].berkas)
        header = mentah[0]
        for rec in df.to_dict("records"):
            sel = mentah[rec[BARIS] - 1]  # row n of a spreadsheet is list index n - 1
            for k in TABEL[nama].kunci:
                assert sel[header.index(k)].strip() == str(rec[k]), (nama, rec[BARIS])
    assert list(data_asli["sub_kegiatan"][BARIS]) == list(range(2, 31))


def test_baris_kosong_ikut_dihitung_dan_sel_multibaris_ditolak(
    salin_data: Path, sunting: SimpleNamespace
) -> None:
    """A line break inside a cell is refused (data/2023/README.md), naming the right row."""
    p = salin_data / "2023" / SUB
    baris = _teks(p).split("\n")
    baris.insert(1, "")  # a blank row 2: data now starts at row 3
    sunting.ganti_isi(p, "\n".join(baris))
    sub = muat_tahun(TAHUN, data_dir=salin_data)["sub_kegiatan"]
    assert list(sub[BARIS]) == list(range(3, 32))
    sunting.ubah_sel(p, 4, "nama", "Evaluasi Kinerja\nPerangkat Daerah")
    with pytest.raises(DataError) as e:
        muat_tahun(TAHUN, data_dir=salin_data)
    assert (e.value.row, e.value.column) == (4, "nama")
    assert e.value.file.endswith(SUB) and "pindah baris" in e.value.pesan


def test_hash_berkas_mencakup_semua_berkas_masukan(data_asli) -> None:
    folder = DATA / "2023"
    # every file the year has (optional tables it leaves out are not inputs)
    harap = {t.berkas for t in TABEL.values() if (folder / t.berkas).is_file()}
    harap |= {p.relative_to(folder).as_posix() for p in (folder / "teks").rglob("*") if p.is_file()}
    assert set(data_asli.berkas) == harap
    assert list(data_asli.berkas) == sorted(data_asli.berkas)
    h = data_asli.hash_berkas()
    assert set(h) == harap
    for b, nilai in h.items():
        assert nilai == hashlib.sha256((folder / b).read_bytes()).hexdigest()


@pytest.mark.parametrize("berkas", ["sub_kegiatan.csv", "teks/CATATAN.md", "teks/profil.yaml"])
def test_hash_berubah_bila_satu_byte_berubah(
    berkas: str, salin_data: Path, sunting: SimpleNamespace
) -> None:
    sebelum = muat_tahun(TAHUN, data_dir=salin_data).hash_berkas()
    p = salin_data / "2023" / berkas
    isi = bytearray(p.read_bytes())
    i = isi.rindex(b"a")  # the last 'a' is in a value: 'b' keeps the file valid
    isi[i] = ord("b")
    sunting.ganti_isi(p, bytes(isi))
    sesudah = muat_tahun(TAHUN, data_dir=salin_data).hash_berkas()
    assert set(sebelum) == set(sesudah)
    beda = {b for b in sebelum if sebelum[b] != sesudah[b]}
    assert beda == {berkas}


def test_hash_mencakup_berkas_teks_baru(salin_data: Path, sunting: SimpleNamespace) -> None:
    sunting.ganti_isi(salin_data / "2023" / "teks" / "tambahan.md", "Teks baru.\n")
    data = muat_tahun(TAHUN, data_dir=salin_data)
    assert "teks/tambahan.md" in data.hash_berkas()
    assert data.teks["tambahan"] == "Teks baru.\n"


def test_memuat_tidak_pernah_menulis_ke_folder_data(potret) -> None:
    sebelum = potret(DATA)
    muat_tahun(TAHUN).hash_berkas()
    muat_tahun(TAHUN, tabel=["sub_kegiatan"])
    assert potret(DATA) == sebelum


def test_memuat_salinan_tidak_menulis_apa_pun(salin_data: Path, potret) -> None:
    akar = salin_data.parent
    sebelum = potret(akar)
    muat_tahun(TAHUN, data_dir=salin_data).hash_berkas()
    assert potret(akar) == sebelum


def test_teks_dimuat(data_asli) -> None:
    assert isinstance(data_asli.teks["profil"], dict)
    assert data_asli.teks["profil"]["daerah"] == "Kabupaten Tanjung Jabung Barat"
    assert isinstance(data_asli.teks["CATATAN"], str)


def test_bom_utf8_diterima_dengan_nilai_yang_sama(
    salin_data: Path, sunting: SimpleNamespace
) -> None:
    biasa = muat_tahun(TAHUN, data_dir=salin_data)
    folder = salin_data / "2023"
    for p in [*folder.glob("*.csv"), *(folder / "teks").glob("*.yaml")]:
        sunting.ganti_isi(p, b"\xef\xbb\xbf" + p.read_bytes())
    dengan_bom = muat_tahun(TAHUN, data_dir=salin_data)
    for nama in TABEL:
        pd.testing.assert_frame_equal(dengan_bom[nama], biasa[nama])
    assert dengan_bom["sub_kegiatan"].columns[0] == "kode"
    assert dengan_bom.teks == biasa.teks


def test_akhir_baris_crlf_diterima(salin_data: Path, sunting: SimpleNamespace) -> None:
    """Excel on Windows writes CRLF line endings."""
    biasa = muat_tahun(TAHUN, data_dir=salin_data)
    for p in (salin_data / "2023").glob("*.csv"):
        sunting.ganti_isi(p, p.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    crlf = muat_tahun(TAHUN, data_dir=salin_data)
    for nama in TABEL:
        pd.testing.assert_frame_equal(crlf[nama], biasa[nama])


def test_uang_terbesar_yang_sah_tetap_tepat(salin_data: Path, sunting: SimpleNamespace) -> None:
    nilai = "9" * 15 + ".50"  # just below MAKS_UANG (10^15): still exact, not a float
    sunting.ubah_sel(salin_data / "2023" / SUB, 2, "pagu", nilai)
    sub = muat_tahun(TAHUN, data_dir=salin_data)["sub_kegiatan"]
    assert sub.iloc[0]["pagu"] == Decimal(nilai)


def test_muat_sebagian_tabel(data_asli) -> None:
    sebagian = muat_tahun(TAHUN, tabel=["program", "sub_kegiatan"])
    assert set(sebagian.tabel) == {"program", "sub_kegiatan"}
    pd.testing.assert_frame_equal(sebagian["sub_kegiatan"], data_asli["sub_kegiatan"])


# ---------------------------------------------------------------------------
# Fuzz: baca_csv either returns a DataFrame or raises DataError, nothing else

_SEL_KHAS = st.sampled_from(
    [
        "",
        " ",
        "0",
        "1",
        "-1",
        "100",
        "100.5",
        "96.53",
        "1.234",
        "1.234.567",
        "1,234,567",
        "Rp 5.000",
        "96,5%",
        "2023",
        "20233",
        "1.1.1",
        "IK1",
        "positif",
        "negatif",
        "narasi",
        "rupiah",
        "NaN",
        "Infinity",
        "1e5",
        "٣",
        "9" * 40,
        "9" * 30 + ".999",
        "\x00",
        '"',
        "a,b",
        "a\nb",
    ]
)
_SEL = st.one_of(
    _SEL_KHAS, st.text(max_size=20), st.text(alphabet=',"\n\r .-0123456789', max_size=12)
)


def _tulis_csv(rows: list[list[str]], akhir: str) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=akhir).writerows(rows)
    return buf.getvalue()


def _angka(minimum: int, maksimum: int) -> st.SearchStrategy[str]:
    return st.builds(
        lambda i, pecahan: f"{i}{pecahan}",
        st.integers(minimum, maksimum),
        st.sampled_from(["", ".5", ".25", ".0", ".000", ".125"]),
    )


_BESAR = 10**40  # beyond Decimal's 28-digit default precision
_SAH = {
    "kode": st.one_of(
        st.sampled_from(["1", "1.1", "1.1.1", "IK1", "SS1", "K01", "a_b"]),
        st.from_regex(r"[A-Za-z0-9_]{1,4}(\.[A-Za-z0-9_]{1,3}){0,3}", fullmatch=True),
    ),
    "teks": st.text(min_size=1, max_size=15).filter(str.strip),
    "uang": _angka(0, _BESAR),
    "persen": st.one_of(_angka(0, 99), st.just("100")),
    "angka": _angka(-_BESAR, _BESAR),
    "nilai": st.one_of(_angka(-_BESAR, _BESAR), st.sampled_from(["B", "BB", "AA", "WTP"])),
    "bulat": st.integers(0, _BESAR).map(str),
    "tahun": st.from_regex(r"[0-9]{4}", fullmatch=True),
}


def _sel_untuk(nama_tabel: str, kolom: str, campur: bool) -> st.SearchStrategy[str]:
    """A plausible value of the column's type, or (when ``campur``) sometimes anything."""
    k = next((k for k in TABEL[nama_tabel].kolom if k.nama == kolom), None)
    if k is None:
        return _SEL
    sah = st.sampled_from(k.pilihan) if k.tipe == "pilihan" else _SAH[k.tipe]
    if not k.wajib:
        sah = st.one_of(sah, st.just(""))
    return st.one_of(sah, sah, _SEL) if campur else sah


@st.composite
def _csv_acak(draw, nama: str) -> bytes:
    harap = TABEL[nama].kolom_nama
    header = list(draw(st.permutations(harap)))
    jarang = st.sampled_from([False, False, False, True])
    if draw(jarang):  # garbage header
        header = draw(st.lists(st.one_of(st.sampled_from(harap), st.text(max_size=8)), max_size=10))
    campur = draw(st.booleans())  # else every cell is plausible: reach the DataFrame
    sel = [_sel_untuk(nama, h, campur) for h in header]
    baris = draw(st.lists(st.tuples(*sel).map(list), max_size=6))
    if draw(jarang):  # rows with a cell too few or too many
        baris = [
            r[: draw(st.integers(0, len(r) + 1))] + draw(st.lists(_SEL, max_size=1)) for r in baris
        ]
    cara = draw(st.sampled_from(["csv", "csv", "gabung"]))
    akhir = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if cara == "csv":
        teks = _tulis_csv([header, *baris], akhir)
    else:  # naive join: unbalanced quotes, stray separators
        teks = akhir.join(",".join(r) for r in [header, *baris])
    raw = teks.encode("utf-8")
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    if draw(jarang) and draw(jarang):  # sometimes a stray non-UTF-8 byte
        i = draw(st.integers(0, len(raw)))
        raw = raw[:i] + draw(st.sampled_from([b"\xe9", b"\x96", b"\xff", b"\xc3"])) + raw[i:]
    return raw


def _hanya_dataframe_atau_dataerror(raw: bytes, nama: str) -> None:
    skema = TABEL[nama]
    try:
        df = baca_csv(raw, skema, skema.berkas)
    except DataError as e:
        assert skema.berkas in str(e)
        assert e.row is None or e.row >= 1
        return
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == [*skema.kolom_nama, BARIS]
    assert all(type(b) is int and b >= 2 for b in df[BARIS])
    assert list(df[BARIS]) == sorted(set(df[BARIS]))


_FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("nama", list(TABEL))
@_FUZZ
@given(data=st.data())
def test_fuzz_baca_csv_terstruktur(nama: str, data: st.DataObject) -> None:
    _hanya_dataframe_atau_dataerror(data.draw(_csv_acak(nama)), nama)


@pytest.mark.parametrize("nama", list(TABEL))
@_FUZZ
@given(raw=st.binary(max_size=300))
def test_fuzz_baca_csv_byte_acak(nama: str, raw: bytes) -> None:
    header = ",".join(TABEL[nama].kolom_nama).encode()
    _hanya_dataframe_atau_dataerror(raw, nama)
    _hanya_dataframe_atau_dataerror(header + b"\n" + raw, nama)
