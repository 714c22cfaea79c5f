"""Compare a delivered file with the same file rebuilt from the data, and say where they differ.

Orchestration helper of :mod:`lakip_calc.audit.verifikasi`. Builds are byte-identical
(same commit, data and build folder), so any difference in bytes is a
difference; these functions only describe the first one a reader would care
about:

- a report HTML: the first keyed figure (``data-key``) whose visible text
  differs (key, expected, found), else the first differing visible text, else
  the embedded data (``<script type="application/json">``);
- a PDF: the first differing figure of the text layer (``pdftotext``, when
  installed) with the keys whose display text it is, else the first byte;
- an executed notebook: the first cell (by id) whose source or outputs differ;
- a DOCX: the first differing zip member (and, for the document, its text);
- a CSV table: the cells (:func:`lakip_calc.audit.verifikasi._beda_tabel` style);
- anything else: the first differing byte.

Each function returns report lines (Indonesian, indented ``"  - "``).
"""

from __future__ import annotations

import html as _html
import io
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["beda_berkas", "angka_html", "teks_tampak", "angka_tanpa_kunci", "ANGKA_TERFORMAT"]

#: A formatted figure as the report prints it: ``Rp5.164.657.747``, ``96,53%``, ``1.234``, ``12``.
ANGKA_TERFORMAT = re.compile(r"(?:Rp\s?)?-?[0-9]+(?:\.[0-9]{3})*(?:,[0-9]+)?\s?%?")
_ELEMEN_KUNCI = re.compile(
    r"<(?P<tag>[a-zA-Z0-9]+)\b[^>]*\bdata-key=\"(?P<key>[^\"]+)\"[^>]*>(?P<isi>.*?)</(?P=tag)>",
    re.S,
)
_SKRIP = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
_SKRIP_DATA = re.compile(r"<script\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</script>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_KONTEKS = 40


def _teks(fragmen: str) -> str:
    return " ".join(_html.unescape(_TAG.sub(" ", fragmen)).split())


def angka_html(teks: str) -> list[tuple[str, str]]:
    """Every keyed element of an HTML page in document order: ``(key, visible text)``."""
    tanpa = _SKRIP.sub(" ", teks)
    return [(m.group("key"), _teks(m.group("isi"))) for m in _ELEMEN_KUNCI.finditer(tanpa)]


def teks_tampak(teks: str) -> str:
    """The visible text of an HTML page (scripts and styles dropped), whitespace collapsed."""
    return _teks(_SKRIP.sub(" ", teks))


def _beda_pertama(a: str, b: str) -> int:
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


def _cuplik(teks: str, i: int) -> str:
    return repr(teks[max(0, i - _KONTEKS) : i + _KONTEKS])


def _beda_teks(nama: str, a: str, b: str, jenis: str) -> str:
    i = _beda_pertama(a, b)
    return f"  - {nama}: {jenis} berbeda mulai {_cuplik(a, i)} (didapat {_cuplik(b, i)})"


def _beda_html(nama: str, lama: bytes, baru: bytes) -> list[str]:
    a, b = lama.decode("utf-8", "replace"), baru.decode("utf-8", "replace")
    ka, kb = angka_html(a), angka_html(b)
    for i in range(max(len(ka), len(kb))):
        ea = ka[i] if i < len(ka) else ("(tidak ada)", "")
        eb = kb[i] if i < len(kb) else ("(tidak ada)", "")
        if ea != eb:
            kunci = ea[0] if ea[0] == eb[0] else f"{ea[0]} / {eb[0]}"
            return [
                f"  - {nama}: angka tampak ke-{i + 1} berbeda: kunci {kunci}, "
                f"diharapkan {ea[1]!r}, didapat {eb[1]!r}"
            ]
    ta, tb = teks_tampak(a), teks_tampak(b)
    if ta != tb:
        return [_beda_teks(nama, ta, tb, "teks tampak")]
    da, db = dict(_SKRIP_DATA.findall(a)), dict(_SKRIP_DATA.findall(b))
    for id_ in sorted(set(da) | set(db)):
        if da.get(id_) != db.get(id_):
            return [f'  - {nama}: data tersemat <script id="{id_}"> berbeda']
    return [_beda_byte(nama, lama, baru, "teks dan data sama; markup berbeda")]


def _teks_pdf(raw: bytes) -> str | None:
    """The text layer of a PDF (``pdftotext -layout``), or None without poppler."""
    alat = shutil.which("pdftotext")
    if alat is None:
        return None
    with tempfile.TemporaryDirectory(prefix="lakip-pdf-") as t:
        p = Path(t) / "a.pdf"
        p.write_bytes(raw)
        r = subprocess.run([alat, "-layout", str(p), "-"], capture_output=True, timeout=120)
    return r.stdout.decode("utf-8", "replace") if r.returncode == 0 else None


def _beda_pdf(nama: str, lama: bytes, baru: bytes, kunci_teks: dict[str, list[str]]) -> list[str]:
    ta, tb = _teks_pdf(lama), _teks_pdf(baru)
    if ta is None or tb is None:
        return [_beda_byte(nama, lama, baru, "teks PDF tidak dapat dibaca (pdftotext)")]
    hal_a, hal_b = ta.split("\f"), tb.split("\f")
    for h in range(max(len(hal_a), len(hal_b))):
        pa = hal_a[h] if h < len(hal_a) else ""
        pb = hal_b[h] if h < len(hal_b) else ""
        aa = [m.group(0).strip() for m in ANGKA_TERFORMAT.finditer(pa)]
        ab = [m.group(0).strip() for m in ANGKA_TERFORMAT.finditer(pb)]
        for i in range(max(len(aa), len(ab))):
            x = aa[i] if i < len(aa) else "(tidak ada)"
            y = ab[i] if i < len(ab) else "(tidak ada)"
            if x != y:
                kunci = ", ".join(kunci_teks.get(x, [])[:3]) or "tanpa kunci"
                return [
                    f"  - {nama}: halaman {h + 1}, angka berbeda: kunci {kunci}, "
                    f"diharapkan {x!r}, didapat {y!r}"
                ]
        if " ".join(pa.split()) != " ".join(pb.split()):
            return [
                _beda_teks(nama, " ".join(pa.split()), " ".join(pb.split()), f"halaman {h + 1}")
            ]
    return [_beda_byte(nama, lama, baru, "teks sama")]


def _beda_ipynb(nama: str, lama: bytes, baru: bytes) -> list[str]:
    try:
        a, b = json.loads(lama), json.loads(baru)
    except ValueError:
        return [_beda_byte(nama, lama, baru, "bukan JSON notebook yang sah")]
    sa, sb = a.get("cells", []), b.get("cells", [])
    for i in range(max(len(sa), len(sb))):
        ca = sa[i] if i < len(sa) else {}
        cb = sb[i] if i < len(sb) else {}
        sel = ca.get("id") or cb.get("id") or f"#{i + 1}"
        for bagian in ("source", "outputs"):
            if ca.get(bagian) != cb.get(bagian):
                ja = json.dumps(ca.get(bagian), ensure_ascii=False)
                jb = json.dumps(cb.get(bagian), ensure_ascii=False)
                j = _beda_pertama(ja, jb)
                kata = "keluaran" if bagian == "outputs" else "kode"
                return [
                    f"  - {nama}: sel {sel}, {kata} berbeda: diharapkan {_cuplik(ja, j)}, "
                    f"didapat {_cuplik(jb, j)}"
                ]
    return [_beda_byte(nama, lama, baru, "sel sama; metadata berbeda")]


def _beda_docx(nama: str, lama: bytes, baru: bytes) -> list[str]:
    try:
        za, zb = zipfile.ZipFile(io.BytesIO(lama)), zipfile.ZipFile(io.BytesIO(baru))
        isi_a = {i.filename: za.read(i) for i in za.infolist()}
        isi_b = {i.filename: zb.read(i) for i in zb.infolist()}
    except (zipfile.BadZipFile, OSError):
        return [_beda_byte(nama, lama, baru, "bukan arsip DOCX yang sah")]
    for anggota in sorted(set(isi_a) | set(isi_b)):
        xa, xb = isi_a.get(anggota, b""), isi_b.get(anggota, b"")
        if xa != xb:
            ta, tb = _teks(xa.decode("utf-8", "replace")), _teks(xb.decode("utf-8", "replace"))
            if ta != tb:
                return [_beda_teks(f"{nama} ({anggota})", ta, tb, "teks")]
            return [f"  - {nama}: bagian {anggota} berbeda (teksnya sama)"]
    return [_beda_byte(nama, lama, baru, "isi zip sama; susunan arsip berbeda")]


def _beda_byte(nama: str, lama: bytes, baru: bytes, sebab: str = "") -> str:
    i = next((k for k in range(min(len(lama), len(baru))) if lama[k] != baru[k]), None)
    if i is None:
        letak = f"panjang berbeda ({len(lama)} dan {len(baru)} byte)"
    else:
        letak = f"byte ke-{i + 1} berbeda"
    return f"  - {nama}: {letak}" + (f"; {sebab}" if sebab else "")


def beda_berkas(
    nama: str, lama: bytes, baru: bytes, kunci_teks: dict[str, list[str]] | None = None
) -> list[str]:
    """Lines describing how ``lama`` (delivered) differs from ``baru`` (rebuilt); [] if equal.

    ``kunci_teks``: display text -> keys (from ``numbers.json``), to name a PDF figure.
    """
    if lama == baru:
        return []
    akhiran = Path(nama).suffix.lower()
    if akhiran in (".html", ".htm"):
        return _beda_html(nama, lama, baru)
    if akhiran == ".pdf":
        return _beda_pdf(nama, lama, baru, kunci_teks or {})
    if akhiran == ".ipynb":
        return _beda_ipynb(nama, lama, baru)
    if akhiran in (".docx", ".xlsx"):
        return _beda_docx(nama, lama, baru)
    if akhiran in (".json", ".csv", ".md", ".yml", ".svg", ".txt", ".qmd", ".lua", ".css"):
        return [
            _beda_teks(
                nama, lama.decode("utf-8", "replace"), baru.decode("utf-8", "replace"), "isi"
            )
        ]
    return [_beda_byte(nama, lama, baru)]


# --------------------------------------------------------------------------- traceability

#: A figure as the report formats it: rupiah, a number with thousands dots, a decimal
#: comma or a percent. A bare integer in running text (a year, "Tabel 4", a list
#: number, a regulation's number in the office's own prose) is not matched.
ANGKA_LAPORAN = re.compile(
    r"Rp\s?-?\d{1,3}(?:\.\d{3})*(?:,\d+)?|-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+,\d+\s?%?|-?\d+\s?%"
)
_BILANGAN = re.compile(r"-?\d+")
#: Elements whose text is not the report's prose: scripts, styles, code (hashes in
#: the colophon), preformatted text and inline SVG.
_BUKAN_TEKS = frozenset({"script", "style", "code", "pre", "svg"})
#: Table columns (header suffix) whose bare integers are identifiers, not figures.
_BUKAN_ANGKA = ("-No", "-Kode")
_KOSONG_TAG = frozenset(
    {"br", "img", "meta", "link", "input", "hr", "col", "source", "wbr", "area", "base"}
)


class _PemindaiAngka(HTMLParser):
    """Collects figures in the ``<body>`` that no ancestor with ``data-key`` covers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tumpukan: list[tuple[str, bool, str]] = []
        self.temuan: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _KOSONG_TAG:
            return
        a = dict(attrs)
        self.tumpukan.append((tag, a.get("data-key") is not None, a.get("headers") or ""))

    def handle_endtag(self, tag: str) -> None:
        if any(t == tag for t, _, _ in self.tumpukan):
            while self.tumpukan.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        tags = [t for t, _, _ in self.tumpukan]
        if "body" not in tags or _BUKAN_TEKS & set(tags) or any(k for _, k, _ in self.tumpukan):
            return
        teks = data.strip()
        temuan = ANGKA_LAPORAN.findall(teks)
        tag, _, headers = self.tumpukan[-1]
        # a cell that is a bare integer is a figure too, unless it is a row number
        # ("No") or a program code ("Kode"); great-tables names the column in `headers`
        if tag == "td" and _BILANGAN.fullmatch(teks) and not headers.endswith(_BUKAN_ANGKA):
            temuan = [teks]
        self.temuan += [f"{t} (dalam {teks[:60]!r})" for t in temuan]


def angka_tanpa_kunci(teks_html: str) -> list[str]:
    """Formatted figures of a report page that carry no key (no ``data-key`` around them).

    What counts as a figure is :data:`ANGKA_LAPORAN`, and any table cell that is
    a bare integer (counts), except row numbers ("No") and codes ("Kode"). Not
    scanned: the ``<head>`` (page title), scripts and embedded data, ``code``
    and ``pre`` (file hashes in the colophon) and inline SVG (charts are keyed
    through their sidecar ``charts/<id>.json``).
    """
    p = _PemindaiAngka()
    p.feed(teks_html)
    p.close()
    return p.temuan
