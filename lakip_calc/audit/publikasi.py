"""Publish the built reports as a static site (``_site/``): no server, no external requests.

Orchestration. :func:`terbitkan` reads the finished builds under ``build/`` and
writes, into a staging folder that then replaces the site folder (renames only):

``index.html``
    the list of published years (every ``build/<YEAR>`` that has a report);
``<YEAR>/lakip-<YEAR>.html|pdf|docx`` and ``<YEAR>/manifest.json``
    copied byte for byte from the build (checked against its manifest);
``<YEAR>/notebooks/<name>.html`` (and the executed ``.ipynb``)
    the executed notebooks rendered by nbconvert with CSS inlined and without
    the require.js, MathJax or Mermaid scripts that the stock templates load
    from CDNs; every cell carries ``id="<cell id>"``, the anchor that
    ``numbers.json`` names (``notebook: .../01_anggaran.ipynb#hitung-anggaran``
    becomes ``notebooks/01_anggaran.html#hitung-anggaran``);
``<YEAR>/data/``
    open data: every table CSV, ``reconciliation.csv``, ``numbers.json``, the
    Jejak Angka of every number as ``jejak-angka.csv`` (:func:`tulis_jejak_csv`) and
    one workbook ``lakip-<YEAR>.xlsx`` with one sheet per table (openpyxl,
    fixed dates and zip timestamps: the same build gives the same bytes);
``<YEAR>/sumber-lakip-<YEAR>.tar.gz``
    the source bundle (:mod:`lakip_calc.audit.bundel`): data, code, notebooks,
    report sources, Makefile, lock and the commit; extracted anywhere, its
    ``make report YEAR=<YEAR>`` rebuilds the published HTML, PDF and DOCX byte
    for byte. Written only when the project's code and data are those the
    build recorded;
``cara-memverifikasi.html``
    the auditor's commands, in Indonesian (:func:`halaman_verifikasi`);
``SHA256SUMS``
    the SHA-256 of every other file of the site, in the format of
    ``sha256sum -c``.

Every HTML file is checked for references that a browser would fetch from the
network (``src=``/``href=`` with ``http(s)://`` or ``//``, CSS ``url()`` and
``@import``); any such reference stops the publication. Links from the report to
``notebooks/<name>.html#<cell id>`` are checked to land on an existing cell.
"""

from __future__ import annotations

import datetime as _dt
import functools
import html as _html
import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakip_calc.audit.bundel import cek_sumber, nama_bundel, tulis_bundel
from lakip_calc.audit.manifest import baca_manifest, keluaran_rusak, sha256_berkas
from lakip_calc.bangun.proses import pemegang_kunci
from lakip_calc.errors import LakipError
from lakip_calc.isi.tulis import sel_teks
from lakip_calc.paths import BUILD, DATA, ROOT, tampil

__all__ = [
    "HasilPublikasi",
    "terbitkan",
    "cek_build",
    "isi_folder",
    "ganti_situs",
    "tahun_terbit",
    "notebook_html",
    "tulis_xlsx",
    "tulis_jejak_csv",
    "referensi_luar",
    "tulis_sha256sums",
    "SITUS",
]

#: Default site folder.
SITUS = ROOT / "_site"
#: Zip timestamp and document date used when a build does not record one (2000-01-01).
_EPOCH_BAWAAN = 946684800

_TEMPLATE_NB = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style>
/* Prompts readable (WCAG AA contrast); the index column's header named for screen readers. */
.jp-InputPrompt, .jp-OutputPrompt { color: #4a4a4a !important; opacity: 1 !important; }
.highlight .c, .highlight .c1, .highlight .ch, .highlight .cm, .highlight .cp, .highlight .cpf, .highlight .cs { color: #2d6060 !important; }
.highlight .mi, .highlight .mf, .highlight .mh, .highlight .mo, .highlight .il { color: #006400 !important; }
.highlight .ow, .highlight .k, .highlight .kn, .highlight .kc { color: #7a1fc2 !important; }
/* Long dotted names in the notes wrap on a phone rather than scroll out of reach. */
.jp-RenderedMarkdown { overflow-wrap: anywhere; }
.lakip-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
<p class="lakip-kembali" style="margin:1em 2em"><a href="{{ resources.lakip_kembali }}">\
&larr; Kembali ke laporan</a></p>
{%- endblock body_header -%}
"""

_LUAR = (
    re.compile(
        r"""\b(?:src|href|action|poster|data|srcset|formaction)\s*=\s*["']?\s*(?:https?:)?//""",
        re.I,
    ),
    re.compile(r"""@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
)
_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
_KOMENTAR_CSS = re.compile(r"/\*.*?\*/", re.S)
_ID_SEL = re.compile(r'id="cell-id=([^"]*)"')
_TAUTAN_NB = re.compile(r'href="notebooks/([^"#/]+\.html)#([^"]+)"')
_ANGKA_POLOS = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


@dataclass
class HasilPublikasi:
    """What a publication wrote."""

    situs: Path
    tahun: list[int] = field(default_factory=list)
    jumlah_berkas: int = 0

    def teks(self) -> str:
        tahun = ", ".join(str(t) for t in self.tahun)
        return (
            f"Situs diterbitkan di {tampil(self.situs)}/: tahun {tahun}; "
            f"{self.jumlah_berkas} berkas tercatat di SHA256SUMS "
            f"(periksa dengan: cd {tampil(self.situs)} && sha256sum -c SHA256SUMS)."
        )


def tahun_terbit(build_dir: Path | None = None) -> list[int]:
    """Years whose build has a report (``build/<YEAR>/lakip-<YEAR>.html``)."""
    akar = build_dir or BUILD
    if not akar.is_dir():
        return []
    return sorted(
        int(p.name)
        for p in akar.iterdir()
        if re.fullmatch(r"[0-9]{4}", p.name) and (p / f"lakip-{p.name}.html").is_file()
    )


# --------------------------------------------------------------------------- checks


def referensi_luar(teks: str) -> list[str]:
    """Snippets of ``teks`` that would make a browser fetch something from the network."""
    hasil = []
    for pola in _LUAR:
        for m in pola.finditer(teks):
            hasil.append(teks[max(0, m.start() - 20) : m.end() + 40].replace("\n", " "))
    return hasil


def _buang_komentar_url(teks: str) -> str:
    """Drop CSS comments that mention a URL (licence notes of the stock CSS)."""

    def gaya(m: re.Match[str]) -> str:
        return _KOMENTAR_CSS.sub(lambda c: "" if "http" in c.group(0) else c.group(0), m.group(0))

    return _STYLE.sub(gaya, teks)


# --------------------------------------------------------------------------- notebooks


@functools.cache
def _pengekspor_notebook() -> Any:
    """nbconvert's HTML exporter with our template, made once per process: building one
    compiles its Jinja templates, which costs more than converting a notebook."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="lakip-notebook.html.j2",
        extra_loaders=[DictLoader({"lakip-notebook.html.j2": _TEMPLATE_NB})],
        embed_images=True,
    )


def notebook_html(ipynb: Path, kembali: str = "../index.html") -> str:
    """An executed notebook as one self-contained HTML page with ``id="<cell id>"`` anchors."""
    import nbformat

    nb = nbformat.read(ipynb, as_version=4)
    body, _ = _pengekspor_notebook().from_notebook_node(
        nb, resources={"metadata": {"name": ipynb.stem}, "lakip_kembali": kembali}
    )
    body = _ID_SEL.sub(lambda m: f'id="{m.group(1)}"', body)
    # A DataFrame's unnamed index column: an empty header cell.
    body = body.replace(
        '<tr style="text-align: right;">\n<th></th>',
        '<tr style="text-align: right;">\n<th><span class="lakip-sr">baris</span></th>',
    )
    return _buang_komentar_url(body)


# --------------------------------------------------------------------------- open data


def _nama_lembar(stem: str, dipakai: set[str]) -> str:
    dasar = re.sub(r"[\[\]:*?/\\]", "-", stem.removeprefix("tbl-"))[:31] or "tabel"
    nama, i = dasar, 2
    while nama.lower() in dipakai:
        akhiran = f"-{i}"
        nama, i = dasar[: 31 - len(akhiran)] + akhiran, i + 1
    dipakai.add(nama.lower())
    return nama


def _kolom_angka(baris: list[list[str]], j: int) -> bool:
    isi = [r[j] for r in baris if j < len(r) and r[j] != ""]
    return bool(isi) and all(_ANGKA_POLOS.fullmatch(v) for v in isi)


def _angka(v: str) -> int | float:
    return int(v) if re.fullmatch(r"-?[0-9]+", v) else float(v)


def _zip_tetap(raw: bytes, waktu: _dt.datetime) -> bytes:
    """Rewrite a zip with one fixed timestamp and fixed attributes for every member."""
    tanggal = (
        max(waktu.year, 1980),
        waktu.month,
        waktu.day,
        waktu.hour,
        waktu.minute,
        waktu.second,
    )
    keluar = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as zin, zipfile.ZipFile(keluar, "w") as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=tanggal)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename), compresslevel=9)
    return keluar.getvalue()


def tulis_xlsx(tabel: dict[str, Path], tujuan: Path, epoch: int = _EPOCH_BAWAAN) -> Path:
    """One workbook, one sheet per CSV (``{sheet stem: csv path}``), with deterministic bytes.

    Columns whose every non-empty cell is a plain number are written as numbers
    (Excel holds doubles: the exact values stay in the CSV files); every other
    cell is text, so codes such as ``1.2.1`` or ``0001`` stay as written, and a
    text that begins like a formula stays text (:func:`lakip_calc.isi.tulis.sel_teks`).
    """
    import csv

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    waktu = _dt.datetime.fromtimestamp(epoch, tz=_dt.UTC).replace(tzinfo=None)
    wb = Workbook()
    wb.remove(wb.active)
    dipakai: set[str] = set()
    tebal = Font(bold=True)
    for stem, path in tabel.items():
        teks = path.read_bytes().decode("utf-8-sig")
        baris = list(csv.reader(io.StringIO(teks, newline="")))
        ws = wb.create_sheet(_nama_lembar(stem, dipakai))
        if not baris:
            continue
        judul, data = baris[0], baris[1:]
        numerik = [_kolom_angka(data, j) for j in range(len(judul))]
        ws.append(judul)
        for sel in ws[1]:
            sel_teks(sel).font = tebal
        for i, r in enumerate(data, start=2):
            for j, v in enumerate(r):
                angka = j < len(numerik) and numerik[j] and v != ""
                sel_teks(ws.cell(row=i, column=j + 1, value=_angka(v) if angka else v))
        for j, kepala in enumerate(judul):
            lebar = max([len(kepala)] + [len(r[j]) for r in data if j < len(r)])
            ws.column_dimensions[get_column_letter(j + 1)].width = min(60, max(8, lebar + 2))
        ws.freeze_panes = "A2"
    wb.properties.creator = "lakip_calc"
    wb.properties.lastModifiedBy = "lakip_calc"
    wb.properties.created = waktu
    wb.properties.modified = waktu
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as arsip:
        ExcelWriter(wb, arsip).write_data()
    tujuan.parent.mkdir(parents=True, exist_ok=True)
    tujuan.write_bytes(_zip_tetap(buf.getvalue(), waktu))
    return tujuan


# --------------------------------------------------------------------------- the site


#: The columns of ``jejak-angka.csv``: the fields of numbers.json, its inputs as a phrase.
_KOLOM_JEJAK = ("key", "text", "value", "unit", "formula", "inputs", "code", "notebook")


def tulis_jejak_csv(numbers: Path, tujuan: Path) -> Path:
    """The Jejak Angka as open data: one row per number of ``numbers.json`` with its text,
    exact value, formula, inputs (``sub_kegiatan.csv [pagu] baris 2–30``), code and notebook
    cell. Every row, whatever the size of the office: above
    :data:`lakip_calc.isi.narasi.BATAS_JEJAK_PDF` the companion's PDF names this file."""
    import pandas as pd

    from lakip_calc.hitungan.angka import KumpulanAngka
    from lakip_calc.isi.narasi import ringkas_masukan
    from lakip_calc.isi.tulis import csv_terbuka

    angka = KumpulanAngka.from_json(numbers.read_text(encoding="utf-8"))
    baris = [
        (a.key, a.text, "" if a.value is None else str(a.value), a.unit, a.formula,
         ringkas_masukan(a), a.code, a.notebook or "")
        for a in sorted(angka, key=lambda a: a.key)
    ]  # fmt: skip
    teks = csv_terbuka(pd.DataFrame(baris, columns=list(_KOLOM_JEJAK), dtype=object))
    tujuan.write_text(teks, encoding="utf-8", newline="\n")
    return tujuan


def tulis_sha256sums(situs: Path) -> int:
    """Write ``SHA256SUMS`` for every other file under ``situs``; return how many."""
    baris = []
    for p in sorted(situs.rglob("*")):
        rel = p.relative_to(situs).as_posix()
        if p.is_file() and rel != "SHA256SUMS":
            baris.append(f"{sha256_berkas(p)}  {rel}\n")
    (situs / "SHA256SUMS").write_text("".join(baris), encoding="utf-8", newline="\n")
    return len(baris)


def _judul(html_laporan: Path) -> str:
    m = re.search(r"<title>(.*?)</title>", html_laporan.read_text(encoding="utf-8"), re.S)
    return m.group(1).strip() if m else html_laporan.stem


def _salin(sumber: Path, tujuan: Path, manifest: dict, rel: str) -> None:
    keluaran = manifest.get("outputs") or {}
    if rel in keluaran and sha256_berkas(sumber) != keluaran[rel]:
        raise LakipError(
            f"{tampil(sumber)} tidak sama dengan sidik jarinya di manifest.json "
            "(diubah setelah build?). Bangun ulang dengan make report."
        )
    tujuan.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sumber, tujuan)


def _terbitkan_tahun(build: Path, keluar: Path, tahun: int, data_dir: Path) -> dict:
    """Write one year's part of the site; return what the index shows of it."""
    manifest = baca_manifest(build / "manifest.json")
    cek_sumber(manifest, tahun, data_dir)
    laporan = []
    for nama in (
        *(f"lakip-{tahun}.{ext}" for ext in ("html", "pdf", "docx")),
        *(f"jejak-angka-{tahun}.{ext}" for ext in ("html", "pdf")),  # the companion
    ):
        if (build / nama).is_file():
            _salin(build / nama, keluar / nama, manifest, nama)
            laporan.append(nama)
    shutil.copyfile(build / "manifest.json", keluar / "manifest.json")

    notebook = []
    for nb in sorted((build / "notebooks").glob("*.ipynb")):
        _salin(nb, keluar / "notebooks" / nb.name, manifest, f"notebooks/{nb.name}")
        halaman = notebook_html(nb, kembali=f"../lakip-{tahun}.html")
        (keluar / "notebooks" / f"{nb.stem}.html").write_text(
            halaman, encoding="utf-8", newline="\n"
        )
        notebook.append(nb.stem)

    data = keluar / "data"
    data.mkdir(parents=True, exist_ok=True)
    tabel: dict[str, Path] = {}
    for csv_ in sorted((build / "tables").glob("*.csv")):
        _salin(csv_, data / csv_.name, manifest, f"tables/{csv_.name}")
        tabel[csv_.stem] = data / csv_.name
    for nama in ("reconciliation.csv", "numbers.json"):
        if (build / nama).is_file():
            _salin(build / nama, data / nama, manifest, nama)
    if (data / "reconciliation.csv").is_file():
        tabel["reconciliation"] = data / "reconciliation.csv"
    if (data / "numbers.json").is_file():
        tabel["jejak-angka"] = tulis_jejak_csv(data / "numbers.json", data / "jejak-angka.csv")
    epoch = (manifest.get("parameters") or {}).get("source_date_epoch") or _EPOCH_BAWAAN
    tulis_xlsx(tabel, data / f"lakip-{tahun}.xlsx", int(epoch))
    tulis_bundel(
        keluar / nama_bundel(tahun), tahun, manifest.get("git") or {}, int(epoch), data_dir=data_dir
    )

    return {
        "tahun": tahun,
        "judul": _judul(build / f"lakip-{tahun}.html"),
        "laporan": laporan,
        "notebook": notebook,
        "data": sorted(p.name for p in data.iterdir()),
        "commit": (manifest.get("git") or {}).get("commit"),
        "bundel": nama_bundel(tahun),
        "renderer": ((manifest.get("parameters") or {}).get("renderer") or {}).get("nama"),
    }


def _index(info: list[dict], di_regensi: bool = False) -> str:
    """The index of one office's years; ``di_regensi``: one folder below a regency site."""
    e = _html.escape
    atas = '<p class="kecil"><a href="../index.html">&larr; Semua instansi</a></p>\n'
    atas, akar = (atas, "../") if di_regensi else ("", "")
    bagian = []
    for t in sorted(info, key=lambda x: -x["tahun"]):
        y = t["tahun"]
        laporan = " · ".join(
            f'<a href="{y}/{e(n)}">{e(n.rsplit(".", 1)[1].upper())}</a>' for n in t["laporan"]
        )
        nb = "".join(
            f'<li><a href="{y}/notebooks/{e(n)}.html">{e(n)}</a></li>' for n in t["notebook"]
        )
        data = "".join(f'<li><a href="{y}/data/{e(n)}">{e(n)}</a></li>' for n in t["data"])
        commit = e(t["commit"]) if t["commit"] else "tidak tercatat"
        bagian.append(
            f'<section id="tahun-{y}">\n<h2>{e(str(y))}: {t["judul"]}</h2>\n'
            f'<p>Laporan: {laporan} · <a href="{y}/manifest.json">manifest.json</a> · '
            f'sumber untuk membangun ulang: <a href="{y}/{e(t["bundel"])}">{e(t["bundel"])}</a> '
            '(<a href="cara-memverifikasi.html">cara memverifikasi</a>)</p>\n'
            f'<p class="kecil">Commit kode: <code>{commit}</code></p>\n'
            f"<h3>Notebook (langkah hitungan)</h3>\n<ul>{nb}</ul>\n"
            f"<h3>Data terbuka</h3>\n<ul>{data}</ul>\n</section>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>LAKIP: laporan kinerja yang diterbitkan</title>\n<style>\n"
        "body{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;color:#222}\nh1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;"
        "border-bottom:1px solid #ccc}h3{font-size:1rem;margin-bottom:.2rem}\n"
        "ul{margin-top:.2rem}code{font-size:.85em}.kecil{font-size:.9em;color:#555}\n"
        "</style>\n</head>\n<body>\n<main>\n"
        + atas
        + "<h1>Laporan Kinerja Instansi Pemerintah (LAKIP)</h1>\n"
        "<p>Setiap angka laporan dihitung ulang dari data oleh notebook yang tercantum, dan "
        "setiap berkas di situs ini tercatat sidik jari SHA-256-nya di "
        f'<a href="{akar}SHA256SUMS">SHA256SUMS</a> (periksa dengan <code>sha256sum -c '
        "SHA256SUMS</code>).</p>\n" + "\n".join(bagian) + "\n</main>\n</body>\n</html>\n"
    )


def halaman_verifikasi(info: list[dict]) -> str:
    """The page "Cara memverifikasi": the exact commands, per published year."""
    e = _html.escape
    bagian = []
    for t in sorted(info, key=lambda x: -x["tahun"]):
        y, b = t["tahun"], e(t["bundel"])
        r = e(t["renderer"] or "builtin")
        bagian.append(
            f"<h2>Laporan {y}</h2>\n<pre tabindex='0'><code>cd _site\nsha256sum -c SHA256SUMS\n"
            f"mkdir -p /tmp/periksa &amp;&amp; tar -xzf {y}/{b} -C /tmp/periksa\n"
            f"make -C /tmp/periksa/lakip-{y} report YEAR={y} RENDERER={r}\n"
            f"for f in lakip-{y}.html lakip-{y}.pdf lakip-{y}.docx; do\n"
            f'  cmp /tmp/periksa/lakip-{y}/build/{y}/$f {y}/$f &amp;&amp; echo "$f sama"\n'
            f"done\nmake -C /tmp/periksa/lakip-{y} verify YEAR={y}\n"
            f'make -C /tmp/periksa/lakip-{y} verify YEAR={y} HTML="$PWD/{y}/lakip-{y}.html"'
            "</code></pre>\n"
        )
    return (
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        "<title>Cara memverifikasi</title>\n<style>body{font-family:Georgia,serif;"
        "max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
        "pre{background:#f4f4f4;padding:.8rem;overflow-x:auto}</style>\n</head>\n<body>\n<main>\n"
        "<h1>Cara memverifikasi</h1>\n"
        "<p>Situs ini memuat, untuk setiap laporan, arsip sumbernya: data, kode "
        "<code>lakip_calc</code>, notebook, sumber laporan, <code>Makefile</code>, "
        "<code>requirements.lock</code> dan commit kodenya (<code>KOMIT.json</code>). "
        "Di mesin Debian 12 dengan Python 3.11, <code>make report</code> dari arsip itu "
        "memasang paket yang dipatok lalu menghasilkan HTML, PDF dan DOCX yang sama byte demi "
        "byte dengan yang diterbitkan. Perintah di bawah dijalankan dari folder yang berisi "
        "<code>_site/</code>:</p>\n"
        + "".join(bagian)
        + "<p><code>sha256sum -c</code> memeriksa bahwa berkas situs tidak berubah; "
        "<code>cmp</code> tidak mencetak apa pun bila kedua berkas sama; "
        "<code>make verify</code> menghitung ulang setiap angka dari data, merender ulang, dan "
        "menyebut berkas serta angka pertama (kunci, seharusnya, didapat) yang berbeda.</p>\n"
        "<h2>Tanda tangan (pilihan)</h2>\n"
        "<p>Pemerintah daerah dapat menandatangani <code>SHA256SUMS</code> dengan kunci SSH "
        "yang dipegangnya, dan mengumumkan kunci publiknya:</p>\n"
        "<pre tabindex='0'><code>ssh-keygen -Y sign -f ~/.ssh/kunci_pemda -n lakip SHA256SUMS\n"
        "# menulis SHA256SUMS.sig; pemeriksa menyimpan kunci publiknya dalam allowed_signers:\n"
        "#   pemda@contoh.go.id ssh-ed25519 AAAA...\n"
        "ssh-keygen -Y verify -f allowed_signers -I pemda@contoh.go.id -n lakip "
        "-s SHA256SUMS.sig &lt; SHA256SUMS</code></pre>\n</main>\n</body>\n</html>\n"
    )


def _periksa(staging: Path) -> None:
    masalah = []
    for p in sorted(staging.rglob("*.html")):
        teks = p.read_text(encoding="utf-8")
        for r in referensi_luar(teks):
            masalah.append(f"{p.relative_to(staging).as_posix()}: {r}")
        for nb, sel in _TAUTAN_NB.findall(teks):
            target = p.parent / "notebooks" / nb
            if not target.is_file() or f'id="{sel}"' not in target.read_text(encoding="utf-8"):
                masalah.append(
                    f"{p.relative_to(staging).as_posix()}: tautan ke notebooks/{nb}#{sel} "
                    "tidak menemukan sel itu"
                )
    if masalah:
        raise LakipError(
            "situs tidak dapat diterbitkan:\n  "
            + "\n  ".join(masalah[:20])
            + (f"\n  dan {len(masalah) - 20} lainnya" if len(masalah) > 20 else "")
        )


def _periksa_build(akar: Path, tahun: int) -> None:
    """Refuse a build that is running, or incomplete or changed since its manifest."""
    folder = akar / str(tahun)
    pid = pemegang_kunci(akar, tahun)
    if pid is not None:
        raise LakipError(
            f"laporan {tahun} sedang dibangun (pid {pid}): tunggu sampai selesai, "
            "lalu jalankan make publish lagi."
        )
    if not (folder / "manifest.json").is_file():
        raise LakipError(
            f"{tampil(folder)} tidak memiliki manifest.json: bangun ulang "
            f"(make report YEAR={tahun})."
        )
    rusak = keluaran_rusak(folder)
    if rusak:
        daftar = sorted(rusak)
        raise LakipError(
            f"{tampil(folder)} tidak lengkap atau berubah sejak dibangun (tidak sama dengan "
            f"manifest.json): {', '.join(daftar[:5])}"
            + (f" dan {len(daftar) - 5} lainnya" if len(daftar) > 5 else "")
            + f". Jalankan make report YEAR={tahun} untuk memulihkannya, lalu make publish lagi."
        )


def cek_build(akar: Path, tahun: int | None = None) -> list[int]:
    """The published years of the build root ``akar``, each with its manifest.

    ``tahun``: a year that must be among them (the one just asked for).
    """
    daftar = tahun_terbit(akar)
    if tahun is not None and tahun not in daftar:
        raise LakipError(
            f"{tampil(akar / str(tahun) / f'lakip-{tahun}.html')} belum ada: "
            f"bangun laporannya dulu (make report YEAR={tahun})."
        )
    for y in daftar:
        _periksa_build(akar, y)
    return daftar


def isi_folder(
    akar: Path,
    keluar: Path,
    daftar: list[int],
    di_regensi: bool = False,
    data_dir: Path | None = None,
) -> list[dict]:
    """Publish the years ``daftar`` of the build root ``akar`` into ``keluar`` with its index
    and its page "Cara memverifikasi" (``data_dir``: the office's data, for the source bundle).

    ``di_regensi``: ``keluar`` is an office's folder of a regency site (its index
    links back to the site's). Returns what the index shows of each year.
    """
    data = data_dir or DATA
    info = [_terbitkan_tahun(akar / str(y), keluar / str(y), y, data) for y in daftar]
    (keluar / "index.html").write_text(_index(info, di_regensi), encoding="utf-8", newline="\n")
    (keluar / "cara-memverifikasi.html").write_text(
        halaman_verifikasi(info), encoding="utf-8", newline="\n"
    )
    return info


def ganti_situs(situs: Path, isi: Callable[[Path], object]) -> int:
    """Fill a staging folder with ``isi(staging)``, check it, then let it replace ``situs``.

    Writes ``SHA256SUMS`` and returns how many files it lists. The old site stays
    in place until the new one is complete (renames only).
    """
    situs.parent.mkdir(parents=True, exist_ok=True)
    staging = situs.with_name(f".{situs.name}-staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        isi(staging)
        _periksa(staging)
        n = tulis_sha256sums(staging)
        lama = situs.with_name(f".{situs.name}-lama-{os.getpid()}")
        if situs.exists():
            situs.rename(lama)
        staging.rename(situs)
        shutil.rmtree(lama, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return n


def terbitkan(
    tahun: int,
    *,
    build_dir: Path | None = None,
    situs: Path | None = None,
    data_dir: Path | None = None,
) -> HasilPublikasi:
    """Fill the site folder from the builds (``tahun`` must be among them).

    Every year of ``build/`` that has a report is published, so that the index
    lists them all. The site is written into a staging folder next to
    ``situs`` and replaces it only when complete.
    """
    akar = build_dir or BUILD
    situs = Path(situs or SITUS)
    daftar = cek_build(akar, tahun)
    n = ganti_situs(situs, lambda staging: isi_folder(akar, staging, daftar, data_dir=data_dir))
    return HasilPublikasi(situs=situs, tahun=daftar, jumlah_berkas=n)
