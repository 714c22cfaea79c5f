"""Auditor verification: rebuild a year from ``data/`` and compare with what was delivered.

Orchestration. :func:`verifikasi` re-executes every notebook and renders the
report again (with the renderer the build recorded) in a temporary folder
(``pipeline.bangun(..., build_dir=tmp)``), from the data and the code as they
are now, and compares the result with what was published:

- with a build folder (``build/<YEAR>``): every delivered file, byte for
  byte (``numbers.json``, tables, charts and their sidecars, executed
  notebooks, the staged project, ``lakip-<YEAR>.html|pdf|docx``, the companion
  ``jejak-angka-<YEAR>.html|pdf``, the manifest), plus the numbers by key and
  the table CSVs cell by cell;
- with a published HTML file (``--html``): that file and the files published
  beside it (the site's ``lakip-<YEAR>.pdf|docx``, the companion, the
  manifest, ``notebooks/*.ipynb``), and the manifest and numbers embedded in
  the HTML (``<script id="manifest-lakip">``, ``<script id="angka-lakip">``).

Builds are byte-identical (same code, data and build folder; the rebuild
records the folder name the delivered notebooks record), so a differing file
is a finding. :mod:`lakip_calc.audit.banding` names it and where it differs: for
HTML and PDF the first differing figure (key, expected, found), for a notebook
the first differing cell. Each differing number names the key, the expected
and the computed value, and the data file, row and column it comes from.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakip_calc.audit.banding import beda_berkas
from lakip_calc.audit.manifest import (
    baca_html,
    baca_manifest,
    baris_berkas,
    kunci_masukan,
    sha256_berkas,
)
from lakip_calc.bangun.sidik import hash_kode, info_git
from lakip_calc.errors import LakipError
from lakip_calc.paths import BUILD, DATA, jalur_kerja, tampil

__all__ = ["HasilVerifikasi", "verifikasi", "berkas_tabel"]

_MAKS_SEL = 20
_MAKS_SEL_TABEL = 6
_KOTOR = " (ada perubahan belum di-commit)"
_MAKS_SUMBER = 4
#: Fields of a number, besides value and text, compared when the build folder is at hand.
_KETERANGAN = ("unit", "formula", "inputs", "code", "terbilang", "catatan")


@dataclass
class HasilVerifikasi:
    """Outcome of a verification.

    ``cocok`` is True when everything agreed; ``laporan`` holds the lines to
    print (one line when everything agreed).
    """

    cocok: bool
    jumlah_angka: int = 0
    jumlah_tabel: int = 0
    jumlah_berkas: int = 0
    laporan: list[str] = field(default_factory=list)

    def teks(self) -> str:
        return "\n".join(self.laporan)


def berkas_tabel(nama_keluaran: list[str] | set[str]) -> list[str]:
    """The table CSVs among a build's output paths (``tables/*.csv``, ``reconciliation.csv``)."""
    return sorted(
        k
        for k in nama_keluaran
        if (k.startswith("tables/") and k.endswith(".csv") and k.count("/") == 1)
        or k == "reconciliation.csv"
    )


@contextmanager
def _stderr_ke(berkas: Path) -> Iterator[None]:
    """Send file descriptor 2 (kernels' noise included) to ``berkas`` for a while."""
    sys.stderr.flush()
    simpan = os.dup(2)
    try:
        with open(berkas, "wb") as f:
            os.dup2(f.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(simpan, 2)
    finally:
        os.close(simpan)


def _baris_berubah(lama: str | None, baru: list[str]) -> list[tuple[str, int]]:
    """Rows that differ between two row-hash lists: ``(kind, 1-based row)``.

    ``kind`` is ``berubah`` (same row, new content; row of the current file),
    ``baru`` (a row of the current file without counterpart) or ``hapus`` (a
    row of the old file without counterpart).
    """
    if lama is None:
        return []
    a = lama.split()
    hasil: list[tuple[str, int]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, baru, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            hasil += [("berubah", j) for j in range(j1 + 1, j2 + 1)]
        else:
            hasil += [("hapus", i) for i in range(i1 + 1, i2 + 1)]
            hasil += [("baru", j) for j in range(j1 + 1, j2 + 1)]
    return hasil


_JENIS = {"berubah": "baris {} berubah", "baru": "baris {} baru", "hapus": "baris {} (lama) hilang"}


def _periksa_masukan(
    manifest: dict[str, Any], akar: Path, baru: dict[str, str] | None
) -> tuple[list[str], dict[str, set[int] | None]]:
    """Compare the input files (under the data folder ``akar``) with the manifest.

    Returns the report lines and, per changed file (its path as shown,
    ``data/<YEAR>/x``), the rows that changed (None when unknown: the file is new
    or missing).
    """
    baris: list[str] = []
    berubah: dict[str, set[int] | None] = {}
    diharap: dict[str, str] = manifest.get("inputs") or {}
    rows: dict[str, str] = manifest.get("input_rows") or {}
    for kunci, h in sorted(diharap.items()):
        p = akar / _relatif(kunci)
        nama = _nama(akar, _relatif(kunci))
        if not p.is_file():
            baris.append(f"  - {nama}: berkas tidak ada (diharapkan sha256 {h[:12]}…)")
            berubah[nama] = None
            continue
        dapat = sha256_berkas(p)
        if dapat == h:
            continue
        beda = _baris_berubah(rows.get(kunci), baris_berkas(p.read_bytes(), p.name))
        desk = [_JENIS[j].format(r) for j, r in beda]
        rinci = f": {', '.join(desk[:_MAKS_SEL])}" if desk else ""
        if len(desk) > _MAKS_SEL:
            rinci += f" dan {len(desk) - _MAKS_SEL} baris lain"
        baris.append(f"  - {nama}{rinci} (sha256 diharapkan {h[:12]}…, didapat {dapat[:12]}…)")
        berubah[nama] = {r for j, r in beda if j != "hapus"} or None
    for kunci in sorted(set(baru or {}) - set(diharap)):
        nama = _nama(akar, _relatif(kunci))
        baris.append(f"  - {nama}: berkas baru, tidak tercatat di manifest")
        berubah[nama] = None
    return baris, berubah


def _relatif(kunci: str) -> str:
    """A manifest input key relative to the data folder (``data/`` of older manifests dropped)."""
    return kunci.removeprefix("data/")


def _nama(akar: Path, kunci: str) -> str:
    """An input file as messages name it: ``data/2023/x.csv`` (the data folder and the key)."""
    return f"{tampil(akar)}/{kunci}"


def _teks_nilai(d: dict[str, Any] | None) -> str:
    if d is None:
        return "(tidak ada)"
    v = d.get("value")
    if v is not None and str(v) == d.get("text"):
        return str(v)
    return f"{'null' if v is None else v} ({d.get('text')})"


def _rentang(rows: list[int]) -> str:
    rows = sorted(set(rows))
    bag, mulai, prev = [], rows[0], rows[0]
    for r in rows[1:] + [None]:  # type: ignore[list-item]
        if r is not None and r == prev + 1:
            prev = r
            continue
        bag.append(str(mulai) if mulai == prev else f"{mulai}–{prev}")
        if r is not None:
            mulai = prev = r
    return ", ".join(bag)


def _sel(daftar: list[tuple[str, int, str]]) -> str:
    """Cells as ``data/2023/x.csv baris 14 kolom pagu``; many cells grouped by file and column."""
    if len(daftar) <= _MAKS_SUMBER:
        per: dict[tuple[str, int], list[str]] = {}
        for f, r, c in daftar:
            per.setdefault((f, r), []).append(c)
        return ", ".join(f"{f} baris {r} kolom {' dan '.join(cs)}" for (f, r), cs in per.items())
    kel: dict[tuple[str, str], list[int]] = {}
    for f, r, c in daftar:
        kel.setdefault((f, c), []).append(r)
    return ", ".join(f"{f} kolom {c} baris {_rentang(rs)}" for (f, c), rs in kel.items())


def _sumber(
    rekaman: list[dict[str, Any] | None],
    nama: Callable[[str], str],
    berubah: dict[str, set[int] | None],
) -> str:
    """Where a number comes from, narrowed to the cells in changed files when possible."""
    semua: list[tuple[str, int, str]] = []
    for r in rekaman:
        for s in (r or {}).get("inputs") or []:
            akhir = int(s.get("sampai") or s["row"])
            for baris in range(int(s["row"]), akhir + 1):
                semua.append((nama(s["file"]), baris, str(s["column"])))
    semua = sorted(set(semua))
    if not semua:
        return "asal: parameter laporan (tanpa sel data)"
    pilih = [s for s in semua if s[0] in berubah]
    tepat = [s for s in pilih if s[1] in (berubah[s[0]] or ())]
    if tepat or pilih:
        return "dari " + _sel(tepat or pilih)
    return "tidak langsung dari berkas yang berubah; masukannya " + _sel(semua)


def _periksa_angka(
    harap: dict[str, dict[str, Any]],
    dapat: dict[str, dict[str, Any]],
    harap_penuh: dict[str, dict[str, Any]] | None,
    nama: Callable[[str], str],
    berubah: dict[str, set[int] | None],
) -> list[str]:
    baris = []
    for k in sorted(set(harap) | set(dapat)):
        e, g = harap.get(k), dapat.get(k)
        rekaman = [g, (harap_penuh or {}).get(k)]
        if e is None:
            baris.append(f"  - {k}: angka baru, tidak ada di laporan; didapat {_teks_nilai(g)}")
            continue
        if g is None:
            baris.append(
                f"  - {k}: tidak dihasilkan lagi; diharapkan {_teks_nilai(e)}; "
                f"{_sumber(rekaman, nama, berubah)}"
            )
            continue
        if e.get("value") != g.get("value") or e.get("text") != g.get("text"):
            baris.append(
                f"  - {k}: diharapkan {_teks_nilai(e)}, didapat {_teks_nilai(g)}; "
                f"{_sumber(rekaman, nama, berubah)}"
            )
            continue
        if harap_penuh is not None:
            beda = [f for f in _KETERANGAN if harap_penuh[k].get(f) != g.get(f)]
            if beda:
                baris.append(
                    f"  - {k}: nilai sama, tetapi {', '.join(beda)} berbeda "
                    f"(diharapkan {json.dumps(harap_penuh[k].get(beda[0]), ensure_ascii=False)}, "
                    f"didapat {json.dumps(g.get(beda[0]), ensure_ascii=False)})"
                )
    return baris


def _csv(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig", errors="replace"), newline="")))


def _beda_tabel(nama: str, lama: bytes, baru: bytes) -> list[str]:
    """Cell-level differences of two CSV files (row numbers as in a spreadsheet)."""
    a, b = _csv(lama), _csv(baru)
    out: list[str] = []
    if not a or not b:
        return [f"  - {nama}: berkas kosong"]
    if a[0] != b[0]:
        out.append(f"  - {nama} baris 1 (judul kolom): diharapkan {a[0]}, didapat {b[0]}")
    judul = b[0]
    for i in range(1, max(len(a), len(b))):
        ra = a[i] if i < len(a) else None
        rb = b[i] if i < len(b) else None
        if ra == rb:
            continue
        if ra is None or rb is None:
            out.append(
                f"  - {nama} baris {i + 1}: "
                + (
                    "baris baru " + ",".join(rb or [])
                    if ra is None
                    else "baris hilang " + ",".join(ra)
                )
            )
            continue
        for j in range(max(len(ra), len(rb))):
            va = ra[j] if j < len(ra) else ""
            vb = rb[j] if j < len(rb) else ""
            if va != vb:
                kol = judul[j] if j < len(judul) else f"#{j + 1}"
                out.append(
                    f"  - {nama} baris {i + 1} kolom '{kol}': diharapkan {va!r}, didapat {vb!r}"
                )
    if len(out) > _MAKS_SEL_TABEL:
        sisa = len(out) - _MAKS_SEL_TABEL
        out = out[:_MAKS_SEL_TABEL] + [f"  - {nama}: dan {sisa} sel lain berbeda"]
    return out or [f"  - {nama}: isi berbeda (sha256)"]


def _bangun_ulang(
    tahun: int, data_dir: Path, tmp: Path, tercatat: str, renderer: str | None
) -> tuple[Path, str]:
    """Rebuild the year into ``tmp`` (notebooks and, with ``renderer``, the report).

    The executed notebooks record ``tercatat`` as their folder, the name of the
    build being checked, so that an unchanged build is byte-identical.
    """
    from lakip_calc.bangun.laporan import render_laporan
    from lakip_calc.bangun.pipeline import bangun
    from lakip_calc.masukan.loader import cek_kelengkapan

    def render(data, staging, tunggu_gambar):
        # a year with blanks can only have been built as a DRAFT
        draft = bool(cek_kelengkapan(data))
        render_laporan(data, staging, mode=renderer, draft=draft, tunggu_gambar=tunggu_gambar)

    log = tmp / "stderr.txt"
    with _stderr_ke(log):
        try:
            # draft=True: recompute whatever the build computed, a DRAFT's blanks included
            h = bangun(
                tahun,
                data_dir=data_dir,
                build_dir=tmp / "build",
                lapor=lambda _s: None,
                draft=True,
                setelah_notebook=render if renderer else None,
                folder_tercatat=tercatat,
            )
            galat = ""
        except LakipError as e:
            galat = str(e)
            h = None
    if h is None:
        return tmp / "build" / str(tahun), galat
    return h.folder, ""


#: Files of a build that are not delivered: timings and the cache's own keys.
_BUKAN_KELUARAN = frozenset({"build.log", "cache.json"})


def _berkas_build(folder: Path) -> dict[str, Path]:
    """Every delivered file of a build folder, keyed by its path inside it."""
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in _BUKAN_KELUARAN
    }


def _berkas_terbit(html: Path, tahun: int) -> dict[str, Path]:
    """A published HTML and the files published beside it (the site's layout), by build path."""
    folder = html.parent
    hasil = {f"lakip-{tahun}.html": html}
    nama = [f"lakip-{tahun}.{x}" for x in ("pdf", "docx")]
    nama += [f"jejak-angka-{tahun}.{x}" for x in ("html", "pdf")] + ["manifest.json"]
    for n in nama:
        if (folder / n).is_file():
            hasil[n] = folder / n
    for nb in sorted((folder / "notebooks").glob("*.ipynb")):
        hasil[f"notebooks/{nb.name}"] = nb
    return hasil


def _folder_tercatat(dikirim: dict[str, Path], bawaan: str) -> str:
    """The build folder the delivered notebooks record as ``out_dir`` (else ``bawaan``)."""
    for nama, p in sorted(dikirim.items()):
        if nama.startswith("notebooks/") and nama.endswith(".ipynb"):
            try:
                meta = json.loads(p.read_text(encoding="utf-8"))["metadata"]
                out = meta["papermill"]["parameters"]["out_dir"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if isinstance(out, str) and out:
                return out
    return bawaan


def _kunci_per_teks(numbers: list[dict[str, Any]]) -> dict[str, list[str]]:
    hasil: dict[str, list[str]] = {}
    for d in numbers:
        hasil.setdefault(str(d.get("text")), []).append(d["key"])
    return hasil


def _periksa_keluaran(
    dikirim: dict[str, Path], hasil_dir: Path, semua: bool, kunci_teks: dict[str, list[str]]
) -> list[str]:
    """Compare delivered files with the rebuilt ones, byte for byte; name each that differs.

    ``semua``: the delivered set is a whole build, so a rebuilt file missing
    from it is reported too.
    """
    baru = _berkas_build(hasil_dir)
    baris: list[str] = []
    nama_semua = set(dikirim) | (set(baru) if semua else set())
    for nama in sorted(nama_semua):
        if nama not in baru:
            baris.append(f"  - {nama}: tidak dihasilkan oleh pembangunan ulang")
        elif nama not in dikirim:
            baris.append(f"  - {nama}: dihasilkan ulang, tetapi tidak ada di build")
        else:
            baris += beda_berkas(
                nama, dikirim[nama].read_bytes(), baru[nama].read_bytes(), kunci_teks
            )
    return baris


@dataclass
class _Acuan:
    """What is checked: a build folder or a published HTML, as read before the rebuild."""

    nama: str
    manifest: dict[str, Any]
    harap: dict[str, dict[str, Any]]
    dikirim: dict[str, Path]
    tercatat: str
    harap_penuh: dict[str, dict[str, Any]] | None = None
    isi_tabel: dict[str, bytes] = field(default_factory=dict)
    integritas: list[str] = field(default_factory=list)


def _acuan_html(html: Path, tahun: int, data_root: Path) -> _Acuan:
    manifest, harap = baca_html(html)
    dikirim = _berkas_terbit(html, tahun)
    tercatat = _folder_tercatat(dikirim, jalur_kerja(BUILD / str(tahun), data_root))
    return _Acuan(tampil(html), manifest, harap, dikirim, tercatat)


def _acuan_build(folder: Path, data_root: Path) -> _Acuan:
    """A build folder: its manifest, numbers and table CSVs, checked against the manifest."""
    manifest = baca_manifest(folder / "manifest.json")
    try:
        numbers = json.loads((folder / "numbers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise LakipError(f"numbers.json build tidak dapat dibaca: {e}") from None
    penuh = {d["key"]: d for d in numbers}
    dikirim = _berkas_build(folder)
    a = _Acuan(
        tampil(folder / "manifest.json"),
        manifest,
        {k: {"value": d["value"], "text": d["text"]} for k, d in penuh.items()},
        dikirim,
        _folder_tercatat(dikirim, jalur_kerja(folder, data_root)),
        harap_penuh=penuh,
    )
    keluaran = manifest.get("outputs") or {}
    for nama in ["numbers.json", *berkas_tabel(set(keluaran))]:
        p = folder / nama
        if not p.is_file():
            a.integritas.append(f"  - {tampil(p)}: tidak ada, padahal tercatat di manifest")
            continue
        if nama != "numbers.json":
            a.isi_tabel[nama] = p.read_bytes()
        if nama in keluaran and sha256_berkas(p) != keluaran[nama]:
            a.integritas.append(
                f"  - {tampil(p)}: tidak sama dengan sidik jari di manifest (diubah setelah build?)"
            )
    return a


def _periksa_tabel(
    a: _Acuan, hasil_dir: Path, baru_manifest: dict[str, Any]
) -> tuple[list[str], set[str], int]:
    """Table CSVs of the reference against the rebuilt ones: lines, differing tables, count."""
    keluaran_h = a.manifest.get("outputs") or {}
    tabel_harap = berkas_tabel(set(keluaran_h))
    tabel_dapat = berkas_tabel(set(baru_manifest.get("outputs") or {}))
    baris: list[str] = []
    beda: set[str] = set()
    for nama in sorted(set(tabel_harap) | set(tabel_dapat)):
        p = hasil_dir / nama
        n_sebelum = len(baris)
        if nama not in tabel_dapat:
            baris.append(f"  - {nama}: tidak dihasilkan lagi")
        elif nama not in tabel_harap:
            baris.append(f"  - {nama}: tabel baru, tidak ada di laporan")
        elif sha256_berkas(p) != keluaran_h.get(nama):
            if nama in a.isi_tabel:
                baris += _beda_tabel(nama, a.isi_tabel[nama], p.read_bytes())
            else:
                baris.append(f"  - {nama}: isi berbeda dari sidik jari di manifest")
        if len(baris) > n_sebelum:
            beda.add(nama)
    return baris, beda, len(set(tabel_harap) | set(tabel_dapat))


def _catatan_kode(manifest: dict[str, Any]) -> str:
    """Whether the code that verifies is the code that built."""
    git_h, git_s = manifest.get("git") or {}, info_git()
    kode_h = manifest.get("code_sha256")
    if kode_h and kode_h == hash_kode():
        return "Kode pipeline sama dengan saat laporan dibangun (code_sha256 sama)."
    return (
        f"Catatan: kode pipeline berbeda dari saat laporan dibangun (commit "
        f"{git_h.get('commit') or 'tidak tercatat'}{_KOTOR if git_h.get('dirty') else ''}; "
        f"sekarang {git_s.get('commit') or 'tidak tercatat'}"
        f"{_KOTOR if git_s.get('dirty') else ''}). "
        "Perbedaan yang tidak berasal dari data bisa berasal dari kode."
    )


@dataclass
class _Temuan:
    """The differences found, by kind (report lines)."""

    galat: str = ""
    masukan: list[str] = field(default_factory=list)
    angka: list[str] = field(default_factory=list)
    tabel: list[str] = field(default_factory=list)
    tabel_beda: set[str] = field(default_factory=set)
    berkas: list[str] = field(default_factory=list)


def _bandingkan(a: _Acuan, tahun: int, data_dir: Path) -> tuple[_Temuan, int]:
    """Rebuild into a temporary folder and compare; return the findings and the table count."""
    t = _Temuan()
    jumlah_tabel = len(berkas_tabel(set(a.manifest.get("outputs") or {})))
    with tempfile.TemporaryDirectory(prefix="lakip-verifikasi-") as tmp:
        renderer = ((a.manifest.get("parameters") or {}).get("renderer") or {}).get("nama")
        hasil_dir, t.galat = _bangun_ulang(tahun, data_dir, Path(tmp), a.tercatat, renderer)
        baru: dict[str, Any] = {}
        if not t.galat:
            baru = json.loads((hasil_dir / "manifest.json").read_text(encoding="utf-8"))
        t.masukan, berubah = _periksa_masukan(a.manifest, data_dir, baru.get("inputs"))
        if t.galat:
            return t, jumlah_tabel
        numbers_baru = json.loads((hasil_dir / "numbers.json").read_text(encoding="utf-8"))
        dapat = {d["key"]: d for d in numbers_baru}

        def nama(berkas: str) -> str:  # a file of a number's inputs, relative to the year
            return _nama(data_dir, kunci_masukan(tahun, berkas))

        t.angka = _periksa_angka(a.harap, dapat, a.harap_penuh, nama, berubah)
        t.berkas = _periksa_keluaran(
            a.dikirim, hasil_dir, a.harap_penuh is not None, _kunci_per_teks(numbers_baru)
        )
        t.tabel, t.tabel_beda, jumlah_tabel = _periksa_tabel(a, hasil_dir, baru)
    return t, jumlah_tabel


def _laporan_beda(a: _Acuan, t: _Temuan) -> list[str]:
    if t.galat:
        ringkas = "pembangunan ulang gagal, angka dan tabel tidak dapat dibandingkan"
    else:
        ringkas = (
            f"{len(t.angka)} angka berbeda, {len(t.tabel_beda)} tabel berbeda, "
            f"{len(t.berkas)} berkas keluaran berbeda"
        )
    lap = [f"TIDAK COCOK dengan {a.nama}: {len(t.masukan)} berkas data berubah; {ringkas}."]
    for judul, isi in (
        ("Pembangunan ulang dari data gagal:", [f"  {t.galat}"] if t.galat else []),
        ("Berkas build tidak sesuai manifestnya:", a.integritas),
        ("Berkas data yang berubah:", t.masukan),
        ("Angka yang berbeda (kunci: diharapkan, didapat; asal data):", t.angka),
        ("Tabel yang berbeda:", t.tabel),
        ("Berkas keluaran yang berbeda dari pembangunan ulang:", t.berkas),
    ):
        if isi:
            lap += [judul, *isi]
    return [*lap, _catatan_kode(a.manifest)]


def verifikasi(
    tahun: int,
    *,
    data_dir: Path | None = None,
    build_dir: Path | None = None,
    html: Path | None = None,
) -> HasilVerifikasi:
    """Rebuild ``tahun`` from the data and compare with a build or a published HTML.

    Parameters
    ----------
    data_dir
        Folder holding ``<YEAR>/`` (default ``data/``).
    build_dir
        Folder holding the build ``<YEAR>/`` (default ``build/``); ignored with ``html``.
    html
        A published HTML report to verify instead of the build folder.
    """
    data_dir = data_dir or DATA
    if html is not None:
        a = _acuan_html(Path(html), tahun, data_dir)
    else:
        a = _acuan_build((build_dir or BUILD) / str(tahun), data_dir)
    tahun_m = (a.manifest.get("parameters") or {}).get("year")
    if tahun_m is not None and int(tahun_m) != tahun:
        raise LakipError(f"{a.nama} adalah laporan tahun {tahun_m}, bukan {tahun}.")
    t, jumlah_tabel = _bandingkan(a, tahun, data_dir)
    hasil = HasilVerifikasi(
        cocok=not (t.galat or a.integritas or t.masukan or t.angka or t.tabel or t.berkas),
        jumlah_angka=len(a.harap),
        jumlah_tabel=jumlah_tabel,
        jumlah_berkas=len(a.manifest.get("inputs") or {}),
    )
    if hasil.cocok:
        hasil.laporan = [
            f"cocok: {hasil.jumlah_angka} angka, {hasil.jumlah_tabel} tabel, "
            f"{hasil.jumlah_berkas} berkas data, {len(a.dikirim)} berkas keluaran sama byte demi byte"
        ]
    else:
        hasil.laporan = _laporan_beda(a, t)
    return hasil
