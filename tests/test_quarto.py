"""The report rendered by the real Quarto CLI, and the same report by the built-in renderer.

Quarto comes from the offline kit ``../shared/quarto/install`` when it exists
(CI runs it first) or from ``PATH``; without either these tests are skipped
with the reason printed. The tests that need no Quarto (the choice of the
renderer, messages) always run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _docx import W, badan_docx
from conftest import _potret, salin_bersama

from lakip_calc.paths import ROOT

DATA = ROOT / "data"
KIT = ROOT.parent / "shared" / "quarto" / "install"


def _quarto_dir() -> Path | None:
    """The folder of a usable ``quarto``: on PATH, or installed from the kit."""
    found = shutil.which("quarto")
    if found:
        return Path(found).parent
    if not KIT.is_file():
        return None
    proc = subprocess.run(["bash", str(KIT)], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(f"kit Quarto gagal dipasang:\n{proc.stderr[-2000:]}")
    return Path(proc.stdout.strip().splitlines()[-1]).parent


@pytest.fixture(scope="session")
def quarto_path() -> str:
    folder = _quarto_dir()
    if folder is None:
        reason = "Quarto tidak ada di PATH dan kit ../shared/quarto/install tidak ada"
        print(f"\nDILEWATI: {reason}", file=sys.stderr)
        pytest.skip(reason)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def _laporan(data: Path, build: Path, renderer: str, path: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CI": "1", "RENDERER": renderer, "PATH": path}
    return subprocess.run(
        [sys.executable, "-m", "lakip_calc", "laporan", "--tahun", "2023"]
        + ["--data", str(data), "--build", str(build)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=900,
    )


@pytest.fixture(scope="module")
def dua_build(tmp_path_factory, quarto_path, build_bersama) -> dict[str, Path]:
    """The example year rendered by Quarto (on the shared build's notebooks), and the
    shared build itself, rendered by the built-in renderer."""
    data, build = salin_bersama(build_bersama, tmp_path_factory.mktemp("quarto"))
    proc = _laporan(data, build, "quarto", quarto_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Notebook dijalankan : 0" in proc.stdout, proc.stdout
    return {"quarto": build / "2023", "builtin": build_bersama.folder}


class _Isi(HTMLParser):
    """Numbers (key, text), headings h1-h3 and captions of a report's HTML."""

    TARGET = {"h1": "judul", "h2": "judul", "h3": "judul", "figcaption": "keterangan"}

    def __init__(self) -> None:
        super().__init__()
        self.angka: list[tuple[str, str]] = []
        self.judul: list[str] = []
        self.keterangan: list[str] = []
        self._buka: list[tuple[str, str, str | None, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "span" and "angka" in (a.get("class") or "").split():
            self._buka.append(("span", "angka", a.get("data-key"), []))
        elif tag in self.TARGET:
            self._buka.append((tag, self.TARGET[tag], None, []))
        elif self._buka and tag == self._buka[-1][0]:
            self._buka.append((tag, "", None, []))

    def handle_endtag(self, tag):
        if not self._buka or self._buka[-1][0] != tag:
            return
        _, jenis, kunci, teks = self._buka.pop()
        isi = " ".join("".join(teks).replace("\xa0", " ").split())
        if self._buka:
            self._buka[-1][3].extend(teks)
        if jenis == "angka":
            self.angka.append((kunci or "", isi))
        elif jenis and isi:
            getattr(self, jenis).append(isi)

    def handle_data(self, data):
        if self._buka:
            self._buka[-1][3].append(data)


def _isi(html: Path) -> _Isi:
    parser = _Isi()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


def _teks_pdf(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def _teks_docx(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        return z.read("word/document.xml").decode("utf-8")


# --------------------------------------------------------------------------- Quarto


def test_quarto_renders_one_html_pdf_and_docx(dua_build) -> None:
    folder = dua_build["quarto"]
    assert sorted(p.name for p in folder.glob("lakip-2023.*")) == [
        "lakip-2023.docx",
        "lakip-2023.html",
        "lakip-2023.pdf",
    ]
    html = (folder / "lakip-2023.html").read_text(encoding="utf-8")
    assert re.search(r'<meta name="generator" content="quarto-1\.\d+', html)
    pendamping = (folder / "jejak-angka-2023.html").read_text(encoding="utf-8")
    assert "Dirender dengan: Quarto" in pendamping  # the build details, in the companion
    import json

    with zipfile.ZipFile(folder / "lakip-2023.docx") as z:  # the extension's reference document
        assert re.search(r'<w:updateFields w:val="true"\s*/>', z.read("word/settings.xml").decode())
        assert re.search(r"<w:titlePg\s*/>", z.read("word/document.xml").decode())
    renderer = json.loads((folder / "manifest.json").read_text())["parameters"]["renderer"]
    assert renderer["nama"] == "quarto" and renderer["quarto"] and renderer["pandoc"]


@pytest.mark.parametrize("renderer", ["quarto", "builtin"])
def test_no_unknown_variable_reference_or_shortcode_in_any_format(dua_build, renderer) -> None:
    folder = dua_build[renderer]
    for teks in (
        (folder / "lakip-2023.html").read_text(encoding="utf-8"),
        _teks_pdf(folder / "lakip-2023.pdf"),
        _teks_docx(folder / "lakip-2023.docx"),
    ):
        assert "?var" not in teks and "?meta" not in teks
        assert not re.search(r"\?@?(tbl|fig|sec)-", teks)
        assert "{{<" not in teks and "{{&lt;" not in teks


def _apung_docx(docx: Path) -> dict[str, str]:
    """Each numbered table and figure of a DOCX (its bookmark) -> the style of the paragraph
    that follows the bookmark, or "dalam sel" when the bookmark sits in a table cell."""
    body = badan_docx(docx)
    hasil = {}
    for sel in body.iter(f"{W}tc"):
        for tanda in sel.iter(f"{W}bookmarkStart"):
            hasil[tanda.get(f"{W}name")] = "dalam sel"
    anak = list(body)
    for i, el in enumerate(anak):
        nama = el.get(f"{W}name") or ""
        if el.tag == f"{W}bookmarkStart" and nama.startswith(("tbl-", "fig-")):
            berikut = next(e for e in anak[i + 1 :] if e.tag == f"{W}p")
            gaya = berikut.find(f"{W}pPr/{W}pStyle")
            hasil[nama] = gaya.get(f"{W}val") if gaya is not None else ""
    return {k: v for k, v in hasil.items() if k.startswith(("tbl-", "fig-"))}


def test_docx_tables_and_figures_set_as_the_builtin_renderer_sets_them(dua_build) -> None:
    """No box around a table or figure in Quarto's DOCX: its caption and content stand in
    the text (not in a one-cell layout table), in the same styles as the built-in DOCX."""
    quarto = _apung_docx(dua_build["quarto"] / "lakip-2023.docx")
    bawaan = _apung_docx(dua_build["builtin"] / "lakip-2023.docx")
    assert {"TableCaption", "CaptionedFigure"} <= set(bawaan.values())
    assert quarto == bawaan


def test_html_has_no_external_resources(dua_build) -> None:
    html = (dua_build["quarto"] / "lakip-2023.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)


def _tautan(html: str) -> Counter:
    """The targets of the numbers' links."""
    return Counter(re.findall(r'<a href="([^"]*)" class="tautan-angka"', html))


def _tabel(html: str) -> list[str]:
    """The markup of the tables lakip_calc wrote (great-tables), entities resolved:
    Quarto writes ``&#61;`` as ``=``."""
    return [unescape(t) for t in re.findall(r'<table class="gt_table".*?</table>', html, re.S)]


@pytest.mark.parametrize("dokumen", ["lakip-2023", "jejak-angka-2023"])
def test_both_renderers_print_the_same_report(dua_build, dokumen) -> None:
    """Same keyed numbers with the same text, same headings, same captions and numbering,
    in the signed report and in its companion."""
    quarto = _isi(dua_build["quarto"] / f"{dokumen}.html")
    bawaan = _isi(dua_build["builtin"] / f"{dokumen}.html")
    assert quarto.angka and Counter(quarto.angka) == Counter(bawaan.angka)
    assert quarto.judul == bawaan.judul
    assert quarto.keterangan == bawaan.keterangan
    assert quarto.keterangan[0].startswith("Tabel 1: ")
    # the tables as lakip_calc wrote them, each number a link to its Jejak Angka row
    html_q = (dua_build["quarto"] / f"{dokumen}.html").read_text(encoding="utf-8")
    html_b = (dua_build["builtin"] / f"{dokumen}.html").read_text(encoding="utf-8")
    assert _tautan(html_q) == _tautan(html_b)
    assert _tabel(html_b) and _tabel(html_q) == _tabel(html_b)
    pdf_q = _teks_pdf(dua_build["quarto"] / f"{dokumen}.pdf")
    pdf_b = _teks_pdf(dua_build["builtin"] / f"{dokumen}.pdf")
    for kalimat in ("Tabel 1:", "DAFTAR ISI"):
        assert kalimat in pdf_q and kalimat in pdf_b


def test_signed_report_numbers_and_chapters(dua_build) -> None:
    laporan = _isi(dua_build["quarto"] / "lakip-2023.html")
    assert len(laporan.angka) > 400
    pdf = _teks_pdf(dua_build["quarto"] / "lakip-2023.pdf")
    for kalimat in ("BAB I", "Tabel 4:", "Gambar 1:", "DAFTAR TABEL"):
        assert kalimat in pdf


def test_quarto_render_in_the_project_root_after_a_build(dua_build, quarto_path, tmp_path) -> None:
    """What `make report` leaves lets `quarto render` in the project root make the report.

    HTML only: that the same project renders to PDF and DOCX is shown by the build.
    """
    from lakip_calc.bangun.laporan import tautkan_proyek

    akar = tmp_path / "proyek"
    shutil.copytree(ROOT / "_extensions", akar / "_extensions")
    shutil.copy2(ROOT / "_quarto.yml", akar / "_quarto.yml")
    (akar / "report").mkdir()
    for qmd in (ROOT / "report").glob("*.qmd"):
        shutil.copy2(qmd, akar / "report" / qmd.name)
    assert tautkan_proyek(dua_build["quarto"], akar)
    proc = subprocess.run(
        ["quarto", "render", "--to", "html"],
        cwd=akar,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": quarto_path},
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Unknown var" not in proc.stderr
    dibuat = _isi(akar / "report" / "lakip.html")
    assert Counter(dibuat.angka) == Counter(_isi(dua_build["quarto"] / "lakip-2023.html").angka)
    pendamping = _isi(akar / "report" / "jejak-angka.html")  # the companion
    judul_build = _isi(dua_build["quarto"] / "jejak-angka-2023.html").judul
    assert judul_build and set(judul_build) <= set(pendamping.judul)


# --------------------------------------------------------------------------- without Quarto


def _bin_palsu(tmp_path: Path, skrip: str) -> str:
    folder = tmp_path / "bin"
    folder.mkdir()
    quarto = folder / "quarto"
    quarto.write_text("#!/bin/sh\n" + skrip, encoding="utf-8")
    quarto.chmod(0o755)
    return f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin"


def test_renderer_quarto_without_quarto_is_a_clear_message(tmp_path) -> None:
    kosong = tmp_path / "kosong"
    kosong.mkdir()
    proc = _laporan(
        DATA, tmp_path / "build", "quarto", f"{kosong}{os.pathsep}/usr/bin{os.pathsep}/bin"
    )
    keluaran = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Traceback" not in keluaran
    assert "RENDERER=quarto" in keluaran and "RENDERER=builtin" in keluaran
    assert "tidak ada di PATH" in keluaran


def test_renderer_quarto_too_old_is_a_clear_message(tmp_path) -> None:
    path = _bin_palsu(tmp_path, 'echo "1.6.40"\n')
    proc = _laporan(DATA, tmp_path / "build", "quarto", path)
    keluaran = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in keluaran
    assert "1.6.40" in keluaran and "1.7" in keluaran and "RENDERER=builtin" in keluaran


def test_failing_quarto_shows_the_end_of_its_log_and_where_it_is(tmp_path, build_bersama) -> None:
    skrip = (
        'if [ "$1" = "--version" ]; then echo 1.7.34; exit 0; fi\n'
        'if [ "$1" = "render" ]; then echo "baris awal" >&2; echo "ERROR: contoh gagal" >&2; exit 1; fi\n'
        "echo x\n"
    )
    path = _bin_palsu(tmp_path, skrip)
    data, build = salin_bersama(build_bersama, tmp_path / "salinan")
    sebelum = _potret(build / "2023")
    proc = _laporan(data, build, "quarto", path)
    keluaran = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in keluaran
    assert "ERROR: contoh gagal" in keluaran
    log = re.search(r"Log lengkap: (\S+)", keluaran)
    assert log and "contoh gagal" in Path(log.group(1)).read_text(encoding="utf-8")
    # the previous build is left as it was, and no staging folder stays behind
    assert _potret(build / "2023") == sebelum
    assert not list(build.glob(".staging-*"))


def test_auto_takes_builtin_when_quarto_is_too_old(tmp_path, monkeypatch) -> None:
    from lakip_calc.render.quarto import choose_renderer

    monkeypatch.setenv("PATH", _bin_palsu(tmp_path, 'echo "1.6.1"\n'))
    assert choose_renderer("auto") == "builtin"


def test_normalise_pdf_makes_two_typst_pdfs_of_different_times_identical(tmp_path) -> None:
    """A Typst that stamps the clock (the kit's) still gives byte-identical rebuilds."""
    import datetime as dt

    import typst

    from lakip_calc.render.quarto import normalise_pdf

    sumber = tmp_path / "a.typ"
    sumber.write_text("= Judul\nIsi laporan.\n", encoding="utf-8")
    pdf = []
    for i, jam in enumerate((3, 17)):
        keluar = tmp_path / f"{i}.pdf"
        waktu = dt.datetime(2026, 12, 7, jam, 30, tzinfo=dt.UTC)
        typst.compile(str(sumber), output=str(keluar), timestamp=waktu)
        pdf.append(keluar)
    assert pdf[0].read_bytes() != pdf[1].read_bytes()
    epoch = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
    ukuran = [p.stat().st_size for p in pdf]
    for p in pdf:
        normalise_pdf(p, epoch)
    assert [p.stat().st_size for p in pdf] == ukuran  # offsets of the xref table hold
    sekali = pdf[0].read_bytes()
    normalise_pdf(pdf[0], epoch)
    assert pdf[0].read_bytes() == sekali
    assert pdf[0].read_bytes() == pdf[1].read_bytes()
    assert b"D:20240101000000Z" in pdf[0].read_bytes()
    info = subprocess.run(["pdfinfo", str(pdf[0])], capture_output=True, text=True)
    assert info.returncode == 0 and "2024" in info.stdout


def test_quarto_follows_when_meta_from_metadata_files_as_the_builtin_renderer(
    quarto_path, tmp_path
) -> None:
    """The optional sections of an office: Quarto reads `lakip-ada.*` from a file of
    `metadata-files` (a missing one skipped) and shows or hides as the built-in renderer
    does (tests/test_render.py has the same project)."""
    root = tmp_path / "proj"
    (root / "meta").mkdir(parents=True)
    shutil.copytree(ROOT / "_extensions", root / "_extensions")
    (root / "meta" / "bagian.yml").write_text("lakip-ada:\n  psks: true\n  akip: false\n")
    (root / "_variables.yml").write_text('tahun: "2023"\n')
    (root / "_quarto.yml").write_text(
        "project:\n  render: [index.qmd]\ntitle: Uji\n"
        "metadata-files:\n  - meta/bagian.yml\n  - meta/tidak-ada.yml\n"
        "format:\n  lakip-html: {}\n"
    )
    (root / "index.qmd").write_text(
        "# Bab\n\n"
        '::: {.content-visible when-meta="lakip-ada.psks"}\n## Bagian PSKS\n\nIsi psks.\n:::\n\n'
        '::: {.content-visible when-meta="lakip-ada.akip"}\n## Bagian AKIP\n\nIsi akip.\n:::\n\n'
        '::: {.content-visible unless-meta="lakip-ada.akip"}\nTanpa akip.\n:::\n'
    )
    proc = subprocess.run(
        ["quarto", "render"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": quarto_path},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    html = (root / "index.html").read_text(encoding="utf-8")
    assert "Bagian PSKS" in html and "Tanpa akip." in html
    assert "Bagian AKIP" not in html and "Isi akip." not in html
