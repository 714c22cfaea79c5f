"""Markdown fragments of the report, built from a year's text and numbers.

Pure: every function returns Markdown text. Text from ``data/`` is untrusted:
it is escaped so that it can never become Markdown, HTML, Typst or pandoc
markup, and only two things survive from it: ``{{< var key >}}`` shortcodes
(resolved later by the renderer into escaped values) and ``**bold**`` /
``*italic*`` emphasis. Numbers never appear here as digits: they are
``{{< var >}}`` references to ``numbers.json`` keys.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

from lakip_calc.hitungan.angka import Angka, KumpulanAngka
from lakip_calc.isi.tulis import teks_html
from lakip_calc.masukan.loader import DataTahun

__all__ = [
    "md_aman",
    "md_nama",
    "var",
    "slug",
    "paragraf",
    "daftar",
    "fragmen_teks",
    "fragmen_jejak",
    "judul_tabel",
    "blok_tabel",
    "blok_gambar",
    "ringkas_masukan",
    "ringkasan_jejak",
    "BATAS_JEJAK_PDF",
]

_VAR = re.compile(r"\{\{<\s*var\s+[A-Za-z0-9_.\-]+\s*>\}\}")
_PUNCT = set(string.punctuation)


def _escape_polos(teks: str) -> str:
    return "".join("\\" + c if c in _PUNCT else c for c in teks)


def md_aman(teks: Any) -> str:
    """Escape untrusted text for Pandoc Markdown, keeping var shortcodes and emphasis.

    >>> md_aman("<script>alert(1)</script> #1 *penting*")
    '\\\\<script\\\\>alert\\\\(1\\\\)\\\\<\\\\/script\\\\> \\\\#1 *penting*'
    """
    s = "" if teks is None else str(teks)
    bagian = []
    pos = 0
    for m in _VAR.finditer(s):
        bagian.append(_escape_polos(s[pos : m.start()]))
        bagian.append(m.group(0))
        pos = m.end()
    bagian.append(_escape_polos(s[pos:]))
    hasil = "".join(bagian)
    # re-enable emphasis whose content is already escaped
    hasil = re.sub(r"\\\*\\\*\\\*(.+?)\\\*\\\*\\\*", r"***\1***", hasil)
    hasil = re.sub(r"\\\*\\\*(.+?)\\\*\\\*", r"**\1**", hasil)
    hasil = re.sub(r"(?<![\\*])\\\*(?!\\\*)(.+?)\\\*", r"*\1*", hasil)
    # no leading spaces (they would start a code block) and no hard line breaks
    return "\n".join(b.strip() for b in hasil.splitlines())


def md_nama(teks: Any) -> str:
    """Escape a value from the data (a name, a code, a number's text) completely.

    Unlike :func:`md_aman` (for ``teks/`` prose), nothing survives: a
    ``{{< var >}}`` shortcode or ``*emphasis*`` inside a CSV name is shown as
    written, as it is in the tables.

    >>> md_nama("*a* {{< var x >}}")
    '\\\\*a\\\\* \\\\{\\\\{\\\\< var x \\\\>\\\\}\\\\}'
    """
    s = "" if teks is None else str(teks)
    return " ".join(_escape_polos(b) for b in s.split())


def var(key: str) -> str:
    """The shortcode that inserts a number."""
    return "{{< var " + key + " >}}"


def slug(key: str) -> str:
    """Anchor id of a number in the Jejak Angka appendix."""
    return "jejak-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def paragraf(teks: Any) -> str:
    """Escaped paragraphs (blank-line separated) from data text."""
    if isinstance(teks, list):
        return "\n\n".join(md_aman(t) for t in teks)
    return "\n\n".join(md_aman(p) for p in re.split(r"\n\s*\n", str(teks).strip()) if p.strip())


def daftar(butir: Iterable[Any], bernomor: bool = False) -> str:
    """A Markdown list of escaped items."""
    out = []
    for i, b in enumerate(butir, 1):
        tanda = f"{i}." if bernomor else "-"
        out.append(f"{tanda} {md_aman(b)}")
    return "\n".join(out)


def _pohon(nodes: list[dict], level: int = 0) -> list[str]:
    out = []
    for n in nodes:
        out.append("    " * level + f"- {md_aman(n.get('nama', ''))}")
        out += _pohon(n.get("bawahan") or [], level + 1)
    return out


def judul_tabel(md_tabel: str) -> str:
    """The caption of a table written by ``tulis.tabel_markdown`` (its last caption line)."""
    for baris in reversed(md_tabel.strip().splitlines()):
        if baris.startswith(": "):
            return re.sub(r"\s*\{#[^}]+\}\s*$", "", baris[2:])
    return ""


def blok_tabel(tid: str, judul_md: str, dasar: str = "_hasil/tables") -> str:
    """A table in every format: the great-tables fragment in HTML, the pipe table elsewhere.

    Include paths are relative to the report folder (Quarto resolves an include in
    an included file against the file it renders).
    """
    return (
        '::: {.content-visible when-format="html"}\n'
        f"::: {{#{tid}}}\n"
        "```{=html}\n"
        f"{{{{< include {dasar}/{tid}.html >}}}}\n"
        "```\n\n"
        f"{judul_md}\n"
        ":::\n"
        ":::\n\n"
        '::: {.content-visible unless-format="html"}\n'
        f"{{{{< include {dasar}/{tid}.md >}}}}\n"
        ":::\n"
    )


def blok_gambar(gid: str, judul_md: str, dasar: str = "_hasil/charts") -> str:
    """A numbered figure (SVG; image paths are relative to the render-list file)."""
    return f"![{judul_md}]({dasar}/{gid}.svg){{#{gid}}}\n"


def _kepala(profil: dict) -> dict:
    return profil.get("kepala", {}) or {}


def tanda_tangan(profil: dict, tahun_ttd: Any) -> str:
    """Signature block as a Pandoc line block."""
    k = _kepala(profil)
    ttd = profil.get("penandatanganan", {}) or {}
    baris = [
        f"{md_aman(ttd.get('tempat', ''))}, {md_aman(ttd.get('bulan', ''))} {md_aman(tahun_ttd)}",
        md_aman(k.get("jabatan_tercetak", "Kepala Dinas")),
        md_aman(k.get("jabatan_tercetak_baris_kedua", "")),
        "",
        "",
        f"**{md_aman(k.get('nama', ''))}**",
        md_aman(k.get("pangkat", "")),
        f"NIP\\. {md_aman(k.get('nip', ''))}",
    ]
    return "::: {.tanda-tangan}\n" + "\n".join(f"| {b}" for b in baris) + "\n:::\n"


_TITIK = "." * 32


def _blok(baris: list[str]) -> str:
    return "::: {.tanda-tangan}\n" + "\n".join(f"| {b}" for b in baris) + "\n:::\n"


def tanda_tangan_pk(profil: dict, tahun: Any, jabatan_kepala_daerah: str) -> str:
    """The two signature blocks of the Perjanjian Kinerja: PIHAK KEDUA (the head of
    region) and PIHAK PERTAMA (the head of office); a name the data lacks is a
    dotted line to be filled in by hand."""
    k = _kepala(profil)
    pk = profil.get("perjanjian_kinerja") or {}
    ttd = profil.get("penandatanganan") or {}
    tempat = md_aman(pk.get("tempat") or ttd.get("tempat") or _TITIK)
    tanggal = md_aman(pk.get("tanggal") or f"{_TITIK} {tahun}")
    nama_kd = ((profil.get("kepala_daerah") or {}).get("nama")) or _TITIK
    kedua = ["", "PIHAK KEDUA,", md_aman(jabatan_kepala_daerah), "", "", f"**{md_aman(nama_kd)}**"]
    pertama = [
        f"{tempat}, {tanggal}",
        "PIHAK PERTAMA,",
        md_aman(k.get("jabatan") or k.get("jabatan_tercetak", "")),
        "",
        "",
        f"**{md_aman(k.get('nama', ''))}**",
        md_aman(k.get("pangkat", "")),
        f"NIP\\. {md_aman(k.get('nip', ''))}",
    ]
    return "::: {.tanda-tangan-ganda}\n" + _blok(kedua) + "\n" + _blok(pertama) + ":::\n"


#: Markdown files of ``teks/`` printed as they are (escaped, lists kept).
_TEKS_LANGSUNG = (
    "kata_pengantar",
    "ikhtisar_eksekutif",
    "latar_belakang",
    "isu_strategis",
    "sistematika",
    "rencana_strategis",
    "tujuan_pengantar",
    "perjanjian_kinerja",
    "teknis_pengukuran",
    "metodologi",
    "definisi_ppks",
    "akip",
)


def _blok_md(bagian: Iterable[str]) -> str:
    """Markdown blocks joined by blank lines, empty ones left out."""
    return "\n\n".join(b for b in bagian if b) + "\n"


def _struktur_organisasi(org: dict) -> str:
    return _blok_md(
        [
            paragraf(org.get("dasar", [])),
            md_aman(org.get("struktur_pengantar") or ""),
            "\n".join(_pohon(org.get("struktur", []))),
        ]
    )


def _tugas_fungsi(org: dict) -> str:
    tf = [paragraf(org.get("tugas_fungsi_pengantar") or [])]
    for u in org.get("tugas_fungsi", []):
        tf += [
            f"**{md_aman(u.get('unit', ''))}**",
            md_aman(u.get("tugas") or ""),
            md_aman(u.get("pengantar") or ""),
            daftar(u.get("fungsi") or []),
        ]
    return _blok_md(tf)


def _visi(renstra: dict) -> str:
    r = [md_aman(renstra.get("visi_pengantar") or ""), f"> **{md_aman(renstra.get('visi', ''))}**"]
    r.append(md_aman(renstra.get("makna_visi_pengantar") or ""))
    for m in renstra.get("makna_visi", []):
        r.append(f"*{md_aman(m.get('judul', ''))}*: {md_aman(m.get('uraian', ''))}")
    return _blok_md(r)


def _misi(renstra: dict) -> str:
    m = [md_aman(renstra.get("misi_pengantar") or "")]
    for i, mi in enumerate(renstra.get("misi", []), 1):
        m.append(f"{i}. **{md_aman(mi.get('teks', ''))}**\n\n    {md_aman(mi.get('makna', ''))}")
    return _blok_md(m)


def _sasaran_renstra(renstra: dict) -> str:
    s = [md_aman(renstra.get("sasaran_renstra_pengantar") or "")]
    tujuan = {x.get("nomor"): x.get("teks", "") for x in renstra.get("tujuan", [])}
    for i, sr in enumerate(renstra.get("sasaran_renstra", []), 1):
        s.append(f"{i}. {md_aman(sr.get('judul_tercetak') or tujuan.get(sr.get('tujuan'), ''))}\n")
        s.append("\n".join(f"    - {md_aman(b)}" for b in sr.get("butir", [])))
    return _blok_md(s)


def _fokus_area(fa: dict) -> str:
    tebal = {"bidang", "iku"}
    return _blok_md(
        (f"**{md_aman(fa[k])}**" if k in tebal else md_aman(fa[k]))
        for k in ("pengantar", "bidang", "uraian", "iku")
        if fa.get(k)
    )


def _renstra(renstra: dict) -> dict[str, str]:
    """Bab II: visi, misi, tujuan, sasaran, fokus area and arah kebijakan."""
    f = {
        "visi": _visi(renstra),
        "misi": _misi(renstra),
        "tujuan": daftar((x.get("teks", "") for x in renstra.get("tujuan", [])), True) + "\n",
        "sasaran_renstra": _sasaran_renstra(renstra),
        "fokus_area": _fokus_area(renstra.get("fokus_area") or {}),
        "arah_kebijakan": paragraf(renstra.get("arah_kebijakan", [])) + "\n",
    }
    if renstra.get("tujuan_dinas_struktur"):
        f["tujuan_dinas"] = _blok_md(
            [
                md_aman(renstra.get("tujuan_dinas_struktur_pengantar", "")),
                daftar(renstra["tujuan_dinas_struktur"]),
            ]
        )
    return f


def _kesimpulan(penutup: dict) -> str:
    """The computed first conclusion, then the office's own."""
    lain = penutup.get("kesimpulan", []) or [penutup.get("kesimpulan_kedua", "")]
    return (
        f"1. Rata-rata capaian {var('kinerja.jumlah_indikator_dirata')} indikator kinerja "
        f"{var('kinerja.rata_rata_capaian')} (predikat {var('kinerja.rata_rata_predikat')}); "
        f"realisasi keuangan {var('anggaran.total.persen_keuangan')} dan realisasi fisik "
        f"{var('anggaran.total.persen_fisik')}.\n"
        + "".join(f"{i}. {md_aman(k)}\n" for i, k in enumerate(lain, 2) if k)
    )


def _penutup(penutup: dict) -> dict[str, str]:
    """Bab IV: kendala, kesimpulan, saran and the closing sentence."""
    return {
        "kendala": _blok_md(
            [
                md_aman(penutup.get("kendala_pengantar", "")),
                daftar(penutup.get("kendala", []), True),
            ]
        ),
        "saran": daftar(penutup.get("saran", []), True) + "\n",
        "kesimpulan_pengantar": md_aman(penutup.get("kesimpulan_pengantar", "")) + "\n",
        "kesimpulan": _kesimpulan(penutup),
        "penutup": md_aman(penutup.get("penutup", "")) + "\n",
    }


def _bab3_teks(t: dict) -> dict[str, str]:
    """Bab III text around the numbers (definitions of a social office's sections)."""
    jenis = t.get("jenis_pmks") or []
    return {
        "jenis_pmks": daftar(jenis, bernomor=True) + "\n" if isinstance(jenis, list) else "",
        "psks_definisi": _psks(t.get("psks") or {}),
        "definisi_sasaran": _definisi(t.get("definisi_sasaran") or {}),
    }


def fragmen_teks(data: DataTahun) -> dict[str, str]:
    """The text sections of the report, escaped, keyed by fragment name."""
    t = data.teks
    profil = t.get("profil", {}) or {}
    org = t.get("organisasi", {}) or {}
    f = {nama: _md_berdaftar(t[nama]) for nama in _TEKS_LANGSUNG if isinstance(t.get(nama), str)}
    f["tanda_tangan"] = tanda_tangan(profil, (profil.get("penandatanganan") or {}).get("tahun", ""))
    f["struktur_organisasi"] = _struktur_organisasi(org)
    f["tugas_fungsi"] = _tugas_fungsi(org)
    f.update(_renstra(t.get("renstra", {}) or {}))
    f.update(_bab3_teks(t))
    f.update(_penutup(t.get("penutup", {}) or {}))
    for nama, isi in sorted(t.items()):
        if nama.startswith("analisis/") and isinstance(isi, str):
            f[nama.replace("/", "_")] = _md_berdaftar(isi)
    return f


def _md_berdaftar(teks: str) -> str:
    """Escape a Markdown text of the data, keeping its numbered and bulleted lists."""
    out = []
    for p in re.split(r"\n\s*\n", teks.strip()):
        lines = [x.strip() for x in p.splitlines() if x.strip()]
        items = []
        for x in lines:
            nomor = re.match(r"^\d+[.)]\s+(.*)$", x)
            butir = re.match(r"^[-*]\s+(.*)$", x)
            if nomor or butir:
                items.append(("1." if nomor else "-", md_aman((nomor or butir).group(1))))
            elif items:
                tanda, isi = items[-1]
                items[-1] = (tanda, isi + " " + md_aman(x))
            else:
                items.append(("", md_aman(x)))
        if all(tanda for tanda, _ in items):
            out.append("\n".join(f"{tanda} {isi}" for tanda, isi in items))
        else:
            teks_p = " ".join(isi for tanda, isi in items if not tanda)
            daftar_p = "\n".join(f"{tanda} {isi}" for tanda, isi in items if tanda)
            out.append(teks_p + (("\n\n" + daftar_p) if daftar_p else ""))
    return "\n\n".join(out) + "\n"


def _psks(psks: dict) -> str:
    out = []
    if psks.get("definisi"):
        out.append(md_aman(psks["definisi"]))
    for j in psks.get("jenis", []):
        out.append(f"**{md_aman(j.get('nama', ''))}** {md_aman(j.get('definisi', ''))}")
        if j.get("kriteria"):
            out.append("Kriteria:\n\n" + daftar(j["kriteria"]))
    return "\n\n".join(out) + "\n"


def _definisi(d: dict) -> str:
    out = []
    for _kunci, v in d.items():
        if not isinstance(v, dict):
            continue
        out.append(f"**{md_aman(v.get('judul', ''))}**")
        ur = v.get("uraian")
        if ur:
            out.append(paragraf(ur) if isinstance(ur, list) else md_aman(ur))
        for k in ("kriteria",):
            if v.get(k):
                out.append(daftar(v[k], True))
        if isinstance(v.get("syarat"), dict):
            for s in v["syarat"].values():
                out.append(md_aman(s.get("pengantar", "")) + "\n\n" + daftar(s.get("butir", [])))
        for k in ("pengantar_bantuan", "penyaluran", "sumber_bantuan"):
            if v.get(k):
                out.append(md_aman(v[k]))
        if isinstance(v.get("bantuan"), dict):
            b = v["bantuan"]
            out.append(f"*{md_aman(b.get('judul', ''))}*: {md_aman(b.get('uraian', ''))}")
        if isinstance(v.get("tujuan"), list):
            out.append(daftar(v["tujuan"], True))
        out.extend(_teks_lain(v))
    return "\n\n".join(out) + "\n"


#: The keys of a definition that _definisi lays out itself.
_KUNCI_DEFINISI = {
    "judul", "uraian", "kriteria", "syarat", "pengantar_bantuan", "penyaluran",
    "sumber_bantuan", "bantuan", "tujuan",
}  # fmt: skip


def _teks_lain(v: dict) -> list[str]:
    """Any other text of a definition, in order: a paragraph, or a list of items
    (``butir``), so that no text of the office's data is left out."""
    out = []
    for kunci, isi in v.items():
        if kunci in _KUNCI_DEFINISI:
            continue
        if isinstance(isi, str) and isi.strip():
            out.append(md_aman(isi))
        elif isinstance(isi, list) and all(isinstance(b, str) for b in isi):
            out.append(daftar(isi))
    return out


def ringkas_masukan(a: Angka) -> str:
    """The inputs of a number as a short phrase: ``sub_kegiatan.csv [pagu] baris 2–30``."""
    per: dict[tuple[str, str], list[int]] = {}
    for s in a.inputs:
        per.setdefault((s.file, s.column), []).extend(s.baris())
    bag = []
    for (f, c), rows in sorted(per.items()):
        rows = sorted(set(rows))
        rentang = []
        mulai = prev = rows[0]
        for r in rows[1:]:
            if r == prev + 1:
                prev = r
                continue
            rentang.append(f"{mulai}" if mulai == prev else f"{mulai}–{prev}")
            mulai = prev = r
        rentang.append(f"{mulai}" if mulai == prev else f"{mulai}–{prev}")
        bag.append(f"{f} [{c}] baris {', '.join(rentang)}")
    return "; ".join(bag) if bag else "parameter laporan"


def _nama_tautan_sel(notebook: str) -> tuple[str, str]:
    """A notebook cell (``.../notebooks/<file>#<cell>``): its name and the link to it."""
    berkas, _, sel = notebook.rsplit("/", 1)[-1].partition("#")
    return f"{berkas}#{sel}", f"notebooks/{berkas.removesuffix('.ipynb')}.html#{sel}"


def _sel_notebook(notebook: str) -> str:
    """A notebook cell by name; in HTML it links to it."""
    teks, tautan = _nama_tautan_sel(notebook)
    nama = md_nama(teks)
    return (
        f'[[{nama}]({tautan})]{{.content-visible when-format="html"}}'
        f'[{nama}]{{.content-visible unless-format="html"}}'
    )


_JEJAK_KOLOM = ("Kunci", "Nilai", "Rumus", "Masukan (data)", "Kode")
_JEJAK_RATA = ("AlignLeft", "AlignRight", "AlignLeft", "AlignLeft", "AlignLeft")
#: Column widths in percent: a value is short, a code pointer long.
_JEJAK_LEBAR = (19, 17, 21, 20, 23)
_JEJAK_JUDUL = "Jejak angka: setiap angka laporan, rumus, sel data dan kode asalnya"


def _baris_jejak(angka: KumpulanAngka) -> list[tuple[str, Any]]:
    """The Jejak Angka rows: ``("sel", notebook)`` group rows and ``("angka", a)`` rows."""
    baris: list[tuple[str, Any]] = []
    sel_lalu: str | None = None
    for a in sorted(angka, key=lambda a: (a.notebook or "", a.key)):
        if a.notebook and a.notebook != sel_lalu:
            baris.append(("sel", a.notebook))
        sel_lalu = a.notebook
        baris.append(("angka", a))
    return baris


#: Above this many numbers the companion's PDF prints the Jejak Angka per notebook cell
#: and code (:func:`ringkasan_jejak`) instead of one row per number: at about 12 rows a
#: page, 1,000 numbers are some 80 pages, while a 100x office (about 30,000 numbers)
#: would be a 2,400-page PDF that nobody reads and whose layout was most of the build's
#: time and memory. The companion's HTML, ``numbers.json`` and the open data
#: (``jejak-angka.csv``, a sheet of the workbook) always hold every row.
BATAS_JEJAK_PDF = 1000

#: A code or number inside a formula or key (``1.2.1``, ``IK1``, ``K01_3``, ``2023``):
#: what a row of the per-cell summary leaves out, so that its rows do not grow with the data.
_KODE_DALAM_TEKS = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{0,3}\d+(?:[._]\d+)*(?![A-Za-z0-9])")
_JEJAK_RINGKAS_KOLOM = ("Kode", "Pola rumus", "Pola kunci", "Banyak angka")
_JEJAK_RINGKAS_JUDUL = "Jejak angka per sel notebook: kode, pola rumus dan banyaknya angka"


def _pola(teks: str | None) -> str:
    """``teks`` with every code or number replaced by ``…``.

    >>> _pola("jumlah realisasi 6 sub kegiatan (kegiatan 1.4)"), _pola("anggaran.1.2.pagu")
    ('jumlah realisasi … sub kegiatan (kegiatan …)', 'anggaran.….pagu')
    """
    return _KODE_DALAM_TEKS.sub("…", teks or "")


def ringkasan_jejak(angka: KumpulanAngka) -> list[tuple[str, str, str, str, int]]:
    """The Jejak Angka per notebook cell: ``(cell, code, formula pattern, key pattern,
    count)`` rows, sorted; codes and numbers inside formulas and keys become ``…``,
    so that the rows grow with the kinds of computation, not with the data."""
    hitung: dict[tuple[str, str, str, str], int] = {}
    for a in angka:
        k = (a.notebook or "", a.code or "", _pola(a.formula), _pola(a.key))
        hitung[k] = hitung.get(k, 0) + 1
    return [(*k, n) for k, n in sorted(hitung.items())]


def _tabel_ringkas_jejak(angka: KumpulanAngka) -> str:
    """The per-cell summary as a pipe table (group rows name the cell, as in the full table)."""
    baris = [
        "| " + " | ".join(_JEJAK_RINGKAS_KOLOM) + " |",
        "|:--|:--|:--|--:|",
    ]
    sel_lalu: str | None = None
    for sel, kode, rumus, kunci, n in ringkasan_jejak(angka):
        if sel and sel != sel_lalu:
            baris.append(f"| **Sel notebook** {_sel_notebook(sel)} |  |  |  |")
        sel_lalu = sel
        baris.append(f"| {md_nama(kode)} | {md_nama(rumus)} | {md_nama(kunci)} | {n} |")
    return "\n".join(baris) + f"\n\n: {_JEJAK_RINGKAS_JUDUL} {{#tbl-jejak-angka}}\n"


def _pemisah_lebar(rata: tuple[str, ...], lebar: tuple[int, ...]) -> str:
    """A pipe table's separator line whose dashes give the columns' relative widths.

    >>> _pemisah_lebar(("AlignLeft", "AlignRight"), (4, 2))
    '|:---|-:|'
    """
    sel = [
        ("-" * (w - 1) + ":") if r == "AlignRight" else (":" + "-" * (w - 1))
        for r, w in zip(rata, lebar, strict=True)
    ]
    return "|" + "|".join(sel) + "|"


def _tabel_jejak(angka: KumpulanAngka) -> str:
    """Every number as one row, grouped by notebook cell; each row is anchored by key."""
    baris = [
        "| " + " | ".join(_JEJAK_KOLOM) + " |",
        _pemisah_lebar(_JEJAK_RATA, _JEJAK_LEBAR),
    ]
    for jenis, isi in _baris_jejak(angka):
        if jenis == "sel":
            baris.append(f"| **Sel notebook** {_sel_notebook(isi)} |  |  |  |  |")
        else:
            a = isi
            baris.append(
                f"| [{md_nama(a.key)}]{{#{slug(a.key)}}} | {md_nama(a.text)} | "
                f"{md_nama(a.formula)} | {md_nama(ringkas_masukan(a))} | {md_nama(a.code)} |"
            )
    return "\n".join(baris) + f"\n\n: {_JEJAK_JUDUL} {{#tbl-jejak-angka}}\n"


def _sel_html(isi: str, rata: str = "left") -> str:
    return f'<td style="text-align: {rata};">{isi}</td>'


def _tabel_jejak_html(angka: KumpulanAngka) -> str:
    """The full Jejak Angka table as raw HTML, laid out as pandoc writes :func:`_tabel_jejak`.

    Pandoc parses and filters a pipe table cell by cell; for tens of thousands of rows
    that was most of the render's time and memory, while a raw block is one string.
    Quarto is told not to parse it back (``data-quarto-disable-processing``).
    """
    rata = ["right" if r == "AlignRight" else "left" for r in _JEJAK_RATA]
    kepala = "".join(
        f'<th style="text-align: {r};">{teks_html(k)}</th>'
        for k, r in zip(_JEJAK_KOLOM, rata, strict=True)
    )
    baris = [
        '<table data-quarto-disable-processing="true">',
        "<colgroup>"
        + "".join(f'<col style="width: {w}%" />' for w in _JEJAK_LEBAR)
        + "</colgroup>",
        f"<thead><tr>{kepala}</tr></thead>",
        "<tbody>",
    ]
    for jenis, isi in _baris_jejak(angka):
        if jenis == "sel":
            teks, tautan = _nama_tautan_sel(isi)
            tautan_html = f'<a href="{teks_html(tautan)}">{teks_html(teks)}</a>'
            sel = [_sel_html(f"<strong>Sel notebook</strong> {tautan_html}")]
            sel += [_sel_html("", r) for r in rata[1:]]
        else:
            a = isi
            nilai = (
                f'<span id="{slug(a.key)}">{teks_html(a.key)}</span>',
                teks_html(a.text),
                teks_html(a.formula),
                teks_html(ringkas_masukan(a)),
                teks_html(a.code),
            )
            sel = [_sel_html(v, r) for v, r in zip(nilai, rata, strict=True)]
        baris.append("<tr>" + "".join(sel) + "</tr>")
    baris += ["</tbody>", "</table>"]
    tabel = "\n".join(baris)
    return f"::: {{#tbl-jejak-angka}}\n````{{=html}}\n{tabel}\n````\n\n{_JEJAK_JUDUL}\n:::\n"


def _ribuan(n: int) -> str:
    """A count with the Indonesian thousands separator: ``29.544``."""
    return f"{n:,}".replace(",", ".")


def fragmen_jejak(angka: KumpulanAngka) -> str:
    """Jejak Angka: every number with its formula, inputs, code and notebook cell.

    Numbers are grouped by the notebook cell that computed them: a group row
    names the cell once (in HTML it links to the published notebook), then
    come its numbers by key. The cell is not repeated on every row: the table
    stays readable, and Pandoc parses a link once per cell rather than once per
    number (the appendix is the largest part of the report).

    With more than :data:`BATAS_JEJAK_PDF` numbers, the full table is shown in
    HTML only (where the signed report's figures link to its rows); every other
    format prints :func:`ringkasan_jejak` and names where every row is.

    Notebook cells are named by file and cell id; the executed notebooks are in
    ``build/<YEAR>/notebooks/`` and, once published, beside the HTML report in
    ``notebooks/`` (the HTML links there).
    """
    if len(angka) <= BATAS_JEJAK_PDF:
        return _tabel_jejak(angka)
    return (
        '::: {.content-visible when-format="html"}\n'
        f"{_tabel_jejak_html(angka)}"
        ":::\n\n"
        '::: {.content-visible unless-format="html"}\n'
        f"Laporan ini memuat {_ribuan(len(angka))} angka, lebih dari {_ribuan(BATAS_JEJAK_PDF)}: "
        "versi cetak ini meringkasnya per sel notebook dan kode, dengan kode dan angka di dalam "
        "rumus dan kunci diganti tanda `…`. Daftar lengkap setiap angka, dengan nilai, rumus, sel data "
        "dan kodenya, ada di versi HTML dokumen ini (jejak-angka-{{< var laporan.tahun >}}"
        ".html, setiap angka laporan HTML bertaut ke barisnya), di numbers.json dan, setelah "
        "diterbitkan, di data terbuka jejak-angka.csv serta lembar jejak-angka buku kerja "
        "lakip-{{< var laporan.tahun >}}.xlsx.\n\n"
        f"{_tabel_ringkas_jejak(angka)}"
        ":::\n"
    )
