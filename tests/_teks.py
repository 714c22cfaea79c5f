"""Helpers for tests that look for the office's text in the rendered documents."""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from pathlib import Path

import yaml

#: YAML keys that are bookkeeping of the transcription, not text of the report.
KUNCI_BUKAN_TEKS = {
    "catatan", "sumber", "disebut_di", "nomor", "kode", "tujuan", "periode", "singkatan_tercetak",
}  # fmt: skip
#: Text files that are not printed: the profile (printed through its fields) and the data notes.
BERKAS_BUKAN_TEKS = {"profil.yaml", "CATATAN.md"}
_VAR = re.compile(r"\{\{<\s*var\s+[^>]*>\}\}")
_POTONG = re.compile(r"\*\*|\*|^\s*(?:[-*]|\d+[.)])\s+", re.M)


def rata(teks: str) -> str:
    """Whitespace collapsed; hyphens inside words and spaces before punctuation dropped
    (a word hyphenated or a line broken after a slash, and ``tahun , meliputi``, read
    the same everywhere)."""
    teks = re.sub(r"(\w)-\s*(\w)", r"\1\2", teks.replace("\u00a0", " "))
    teks = re.sub(r"\s+([,.;:])", r"\1", teks)
    teks = re.sub(r"/\s+", "/", teks)  # a line broken after a slash
    return " ".join(teks.split())


def _daun(nilai, kunci: str = "") -> list[str]:
    if kunci in KUNCI_BUKAN_TEKS:
        return []
    if isinstance(nilai, str):
        return [nilai]
    if isinstance(nilai, dict):
        return [s for k, v in nilai.items() for s in _daun(v, str(k))]
    if isinstance(nilai, list):
        return [s for v in nilai for s in _daun(v, kunci)]
    return []


def potongan_teks(folder_teks: Path) -> dict[str, list[str]]:
    """Every piece of printed text in ``teks/`` by file: paragraphs, list items and
    YAML strings, split around var shortcodes and Markdown markup."""
    hasil: dict[str, list[str]] = {}
    for p in sorted(folder_teks.rglob("*")):
        if not p.is_file() or p.name in BERKAS_BUKAN_TEKS:
            continue
        if p.suffix == ".md":
            blok = re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+[.)])\s)", p.read_text(encoding="utf-8"))
        elif p.suffix in (".yaml", ".yml"):
            blok = _daun(yaml.safe_load(p.read_text(encoding="utf-8")))
        else:
            continue
        potong = [rata(_POTONG.sub(" ", bagian)) for b in blok for bagian in _VAR.split(b)]
        hasil[p.relative_to(folder_teks).as_posix()] = [x for x in potong if len(x) >= 12]
    return hasil


def teks_dokumen(build: Path, nama: str) -> dict[str, str]:
    """The visible text of ``<nama>.html``, ``.pdf`` and ``.docx``, whitespace collapsed."""
    isi_html = re.sub(
        r"<script.*?</script>|<style.*?</style>",
        " ",
        (build / f"{nama}.html").read_text(),
        flags=re.S,
    )
    pdf = subprocess.run(
        ["pdftotext", str(build / f"{nama}.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    with zipfile.ZipFile(build / f"{nama}.docx") as z:
        docx = re.sub(r"<[^>]+>", "", re.sub(r"</w:p>", " ", z.read("word/document.xml").decode()))
    return {
        "html": rata(html.unescape(re.sub(r"<[^>]+>", " ", isi_html))),
        # page numbers stand on lines of their own between the pages' text
        "pdf": rata(re.sub(r"(?m)^\s*(?:[0-9]+|[ivxlc]+)\s*$", " ", pdf)),
        "docx": rata(html.unescape(docx)),
    }


def teks_hilang(folder_teks: Path, dokumen: dict[str, str]) -> list[str]:
    """``format: file: piece`` for every piece of ``teks/`` missing from a format."""
    return [
        f"{fmt}: {berkas}: {x[:60]}"
        for berkas, potong in potongan_teks(folder_teks).items()
        for x in potong
        for fmt, isi in dokumen.items()
        if x not in isi
    ]
