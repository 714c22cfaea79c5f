"""Write report tables and charts to files: the only module of tables/charts that does I/O.

Every file is written whole to a temporary file in the target folder and then
moved into place (:func:`lakip_calc.bangun.berkas.tulis_atomik`), so a reader never sees half a file.
Outputs are deterministic: the same table or chart gives the same bytes.

Per table (:class:`~lakip_calc.isi.tabel.TabelLaporan`):

- ``<id>.csv``: the tidy ``data`` layer (UTF-8, ``\\n`` line endings);
- ``<id>.html``: a great-tables fragment (scoped ``<style>`` block, no external
  URL) in which every computed number is ``<span class="angka" data-key="KEY">``;
- ``<id>.md``: a Pandoc pipe table of ``tampil`` followed by its caption line
  ``: <judul> {#<id>}``; cell text is escaped so that data can never inject
  Markdown.

Per chart: ``<id>.svg`` and ``<id>.png`` (200 dpi) without dates or software
stamps.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lakip_calc.bangun.berkas import tulis_atomik
from lakip_calc.errors import LakipError
from lakip_calc.isi.tabel import TabelLaporan

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# great-tables and matplotlib are imported where they are used: the tables
# notebook does not draw and the charts notebook makes no table, and each of
# the two imports costs a notebook a few tenths of a second.

__all__ = [
    "tulis_tabel",
    "tulis_grafik",
    "tabel_html",
    "tabel_markdown",
    "tabel_csv",
    "kolom_angka",
    "escape_markdown",
    "netralkan_rumus",
    "sel_teks",
    "csv_terbuka",
    "satu_baris",
    "teks_html",
]

_DPI_PNG = 200

#: A displayed number: optional sign, optional Rp, grouped thousands, decimals, optional %.
_TEKS_ANGKA = re.compile(r"[-+]?(Rp)?\d{1,3}(\.\d{3})*(,\d+)?%?")
_KOSONG = {"", "-"}

#: Characters that Pandoc Markdown could read as markup inside a table cell, or as
#: typography (``--``, ``...``, quotes): all ASCII punctuation, which Pandoc accepts
#: backslash-escaped and then reads as itself.
_MD_KHUSUS = re.compile(r"([!-/:-@\[-`{-~])")

#: A cell's placeholder in the great-tables HTML (:func:`tabel_html`).
_TEMPAT_SEL = re.compile(r"QZSEL\d{6}ZQ")
_IMPORT_CSS = re.compile(r"@import\s+url\([^)]*\)\s*;?\s*")
_URL_LUAR = re.compile(r"https?://", re.IGNORECASE)


# --------------------------------------------------------------------------- tables


def kolom_angka(t: TabelLaporan) -> list[str]:
    """Columns whose shown cells are all numbers (or ``-``/empty): right-aligned.

    A column qualifies when at least one cell is a number and every other cell
    is empty or ``-``; codes such as ``1.2.1`` are not numbers.
    """
    hasil = []
    for k in t.tampil.columns:
        sel = [str(v).strip() for v in t.tampil[k]]
        isi = [s for s in sel if s not in _KOSONG]
        if isi and all(_TEKS_ANGKA.fullmatch(s) for s in isi):
            hasil.append(k)
    return hasil


#: First characters with which a spreadsheet reads a cell as a formula (OWASP, "CSV injection").
_AWAL_RUMUS = ("=", "+", "-", "@", "\t", "\r")
#: A plain number (a sign is then no formula): ``-12``, ``-0.5``, ``+3,25``.
_ANGKA_POLOS = re.compile(r"[-+]?\d+([.,]\d+)?")


def netralkan_rumus(nilai: object) -> object:
    """A text cell that a spreadsheet would read as a formula, with a leading ``'``.

    As OWASP recommends for open data: text beginning with ``=``, ``+``, ``-``,
    ``@``, tab or carriage return gets a single quote in front; numbers (also
    negative ones), the lone ``-`` of an empty value and other values stay.

    >>> [netralkan_rumus(v) for v in ("=1+1", "@SUM(A1)", "-12.5", "-", "Dinas", 3)]
    ["'=1+1", "'@SUM(A1)", '-12.5', '-', 'Dinas', 3]
    """
    if not isinstance(nilai, str) or not nilai.startswith(_AWAL_RUMUS):
        return nilai
    if nilai == "-" or _ANGKA_POLOS.fullmatch(nilai):
        return nilai
    return "'" + nilai


def sel_teks(sel: object) -> object:
    """An openpyxl cell whose value is text stays text: never a formula, whatever it starts with."""
    if isinstance(getattr(sel, "value", None), str):
        sel.data_type = "s"
    return sel


def _baris_baru_lf(nilai: object) -> object:
    # A lone CR would be written unquoted (the CSV writer quotes LF only) and read as a row end.
    if isinstance(nilai, str) and "\r" in nilai:
        return nilai.replace("\r\n", "\n").replace("\r", "\n")
    return nilai


def csv_terbuka(df: pd.DataFrame) -> str:
    """A frame as open-data CSV text (``\\n``, no index): no cell or header starts a formula."""
    aman = df.map(lambda v: _baris_baru_lf(netralkan_rumus(v)))
    aman.columns = [netralkan_rumus(str(k)) for k in df.columns]
    return aman.to_csv(index=False, lineterminator="\n")


def tabel_csv(t: TabelLaporan) -> bytes:
    """The tidy ``data`` layer as CSV bytes (UTF-8, ``\\n``, no index); no cell starts a formula."""
    return csv_terbuka(t.data).encode("utf-8")


#: After HTML escaping, the characters of a Markdown fence (backticks), of a
#: shortcode or attribute block (braces, ``=``) and of a cross-reference (``@``)
#: as entities: inert wherever the text lands, also for the built-in renderer's
#: scan of the source for references and ``when-format`` conditions.
_ENTITAS = str.maketrans({c: f"&#{ord(c)};" for c in "`{}@="})


def satu_baris(teks: object) -> str:
    """The text with every run of whitespace (line breaks too) as one space, ends trimmed.

    Data text placed in a raw HTML block must never start a line of it: a line of
    backticks or ``:::`` would close the block and turn the rest into Markdown.
    """
    return " ".join(str(teks).split())


def teks_html(teks: object) -> str:
    """Data text as HTML text for a raw HTML block: one line, escaped, no Markdown character
    (``None``, a fact not given, is empty).

    >>> teks_html("a\\n```{=html}\\n<b>")
    'a &#96;&#96;&#96;&#123;&#61;html&#125; &lt;b&gt;'
    """
    return html.escape(satu_baris("" if teks is None else teks), quote=True).translate(_ENTITAS)


def _sel_html(teks: object, kunci: object) -> str:
    """A cell: escaped text, each number in ``<span class="angka" data-key=...>``.

    ``kunci`` is a key, ``""`` (a raw fact) or a tuple of ``(text, key)`` parts
    for a cell showing several numbers (:mod:`lakip_calc.isi.tabel`).
    """
    if isinstance(kunci, tuple):
        return "".join(_bagian_html(t, k) for t, k in kunci)
    isi = teks_html(teks)
    k = str(kunci)
    if not k:
        return isi
    return f'<span class="angka" data-key="{html.escape(k, quote=True)}">{isi}</span>'


def _bagian_html(teks: str, kunci: str) -> str:
    """One part of a cell shown in parts: as a cell, with the space it starts or ends with
    kept outside (``"Rata-rata capaian "``, ``"5"``, ``" indikator"``: words stay apart)."""
    awal = " " if teks[:1].isspace() else ""
    akhir = " " if teks[-1:].isspace() else ""
    return awal + _sel_html(teks, kunci) + akhir


def _baris(t: TabelLaporan, *tingkat: str) -> list[int]:
    return [i for i, v in enumerate(t.tingkat or []) if v in tingkat]


_CSS_BADAN = """
#ID .gt_row { vertical-align: top; }
#ID .gt_row.gt_right { white-space: nowrap; }
#ID .lakip-kegiatan { display: inline-block; padding-left: 1.2em; }
#ID .lakip-sub_kegiatan { display: inline-block; padding-left: 2.4em; }
"""


def _indentasi(t: TabelLaporan, isi: dict[str, str], sel: pd.DataFrame) -> None:
    """Indent the names of kegiatan and sub kegiatan rows of a budget tree (in ``isi``)."""
    tingkat = t.tingkat or []
    if "program" not in tingkat or len(t.tampil.columns) < 2:
        return
    for token, lv in zip(sel[sel.columns[1]], tingkat, strict=True):
        if lv in ("kegiatan", "sub_kegiatan"):
            isi[token] = f'<span class="lakip-{lv}">{isi[token]}</span>'


#: Rows great-tables lays out at a time: it checks every cell against every cell style
#: and writes cells into a pyarrow/pandas string frame one by one, so its time grows
#: with the square of the rows; a long table is laid out in blocks of this many rows
#: whose body rows are joined into the first block's table.
BARIS_PER_BLOK = 200


def tabel_html(t: TabelLaporan) -> str:
    """The great-tables HTML fragment of a table.

    Cells are escaped here and wrapped as
    ``<span class="angka" data-key="KEY">TEXT</span>`` when they carry a key;
    great-tables lays out placeholders that are then replaced by them.
    The title, column labels and note go in and come back the same way. CSS stays in
    the fragment's ``<style>`` block scoped by the table id (``inline_css``
    would need the optional ``css-inline`` package); any ``@import`` is removed
    so the fragment loads nothing from outside. A table longer than
    :data:`BARIS_PER_BLOK` rows is laid out in blocks (same id, so the same
    styles) and their body rows joined, in order, into one table.
    """
    # Each cell goes in as a placeholder word that great-tables prints as it is;
    # the finished cells replace them in its HTML. (Passing the cells through a
    # formatter, fmt_passthrough(escape=False), writes every cell back into the
    # frame one by one: half of the table notebook's time.)
    _tolak_pola_cadangan(t)
    isi: dict[str, str] = {}

    def tempat(teks: object, kunci: object) -> str:
        token = f"QZSEL{len(isi):06d}ZQ"
        isi[token] = _sel_html(teks, kunci)
        return token

    # Column names on one line each. The labels, title and note go in as placeholders
    # too: great-tables escapes HTML only, and they must be as inert as the cells.
    label = {k: satu_baris(k) for k in t.tampil.columns}
    teks_tetap = {
        "judul": tempat(t.judul, ""),
        "catatan": tempat(t.catatan, "") if t.catatan else "",
        "label": {label[k]: tempat(k, "") for k in t.tampil.columns},
    }
    sel = pd.DataFrame(
        {
            label[k]: [tempat(v, c) for v, c in zip(t.tampil[k], t.kunci[k], strict=True)]
            for k in t.tampil.columns
        },
        columns=list(label.values()),
        dtype=object,
    )
    _indentasi(t, isi, sel)
    n = len(sel)
    awal = list(range(0, n, BARIS_PER_BLOK)) or [0]
    teks = _gt_html(t, sel, teks_tetap, 0, BARIS_PER_BLOK)
    sisa = [_badan_html(_gt_html(t, sel, teks_tetap, i, i + BARIS_PER_BLOK)) for i in awal[1:]]
    if sisa:
        akhir = teks.rindex("</tbody>")
        teks = teks[:akhir] + "".join(sisa) + teks[akhir:]
    teks = _TEMPAT_SEL.sub(lambda m: isi[m.group(0)], _wilayah_gulir(teks, t))
    return teks if teks.endswith("\n") else teks + "\n"


def _tolak_pola_cadangan(t: TabelLaporan) -> None:
    """Refuse a table whose text already holds a placeholder's pattern."""
    semua_teks = [t.judul, t.catatan or "", *map(str, t.tampil.columns)]
    semua_teks += [str(v) for k in t.tampil.columns for v in t.tampil[k]]
    if any(_TEMPAT_SEL.search(x) for x in semua_teks):
        raise LakipError(f"tabel {t.id}: teks memuat pola cadangan 'QZSEL......ZQ'")


def _wilayah_gulir(teks: str, t: TabelLaporan) -> str:
    """The wrapper scrolls sideways on a narrow screen: a named region that the keyboard
    can reach and scroll (its first column stays in view: lakip.css)."""
    return teks.replace(
        f'<div id="gt-{t.id}"',
        f'<div id="gt-{t.id}" class="tabel-gulir" tabindex="0" role="region" '
        f'aria-label="{teks_html(t.judul)}"',
        1,
    )


def _badan_html(teks: str) -> str:
    """The body rows of a great-tables fragment (between its ``<tbody>`` tags)."""
    mulai = teks.index(">", teks.index("<tbody")) + 1
    return teks[mulai : teks.rindex("</tbody>")]


def _gt_html(
    t: TabelLaporan, sel: pd.DataFrame, teks_tetap: dict[str, Any], dari: int, sampai: int
) -> str:
    """great-tables HTML of rows ``dari``..``sampai`` (exclusive) of the placeholder frame;
    ``teks_tetap`` holds the placeholders of the title, the note and the column labels."""
    from great_tables import GT, loc, style

    blok = sel.iloc[dari:sampai].reset_index(drop=True)
    tingkat = (t.tingkat or [])[dari:sampai]
    label = {k: satu_baris(k) for k in t.tampil.columns}
    kanan = [label[k] for k in kolom_angka(t)]
    kiri = [k for k in sel.columns if k not in kanan]
    gt = (
        # The report wraps the fragment in a figure that carries the table id;
        # the fragment gets its own, so no id appears twice in one page.
        GT(blok, id=f"gt-{t.id}", locale="id")
        .tab_header(title=teks_tetap["judul"])
        .cols_label(cases=teks_tetap["label"])
        .tab_options(
            table_font_names=["DejaVu Sans", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
            table_font_size="13px",
            table_width="100%",
            heading_align="left",
            heading_title_font_size="14px",
            column_labels_font_weight="bold",
            column_labels_background_color="#F2F4F6",
            data_row_padding="4px",
            table_body_hlines_color="#E3E6EA",
            source_notes_font_size="11px",
        )
    )
    # Rules that hold for every body cell are CSS scoped by the table id, not a
    # style per cell (great-tables matches each cell against every cell style).
    # Multi-line names keep every cell of a row on its first line; numbers do not
    # wrap; names are indented by level.
    gt = gt.opt_css(_CSS_BADAN.replace("#ID", f"#gt-{t.id}"))
    if kanan:
        gt = gt.cols_align("right", columns=kanan)
    if kiri:
        gt = gt.cols_align("left", columns=kiri)
    tebal = [i for i, v in enumerate(tingkat) if v in ("program", "total")]
    if tebal:
        gt = gt.tab_style(style.text(weight="bold"), loc.body(rows=tebal))
    total = [i for i, v in enumerate(tingkat) if v == "total"]
    if total:
        gt = gt.tab_style(style.fill(color="#F2F4F6"), loc.body(rows=total))
    if teks_tetap["catatan"]:
        gt = gt.tab_source_note(teks_tetap["catatan"])
    return _IMPORT_CSS.sub("", gt.as_raw_html())


def escape_markdown(teks: object) -> str:
    """Escape a cell's text so that Pandoc reads it literally inside a pipe table.

    >>> escape_markdown("a|b *c* <d> $e")
    'a\\\\|b \\\\*c\\\\* \\\\<d\\\\> \\\\$e'
    """
    s = " ".join(str(teks).split())
    return _MD_KHUSUS.sub(r"\\\1", s)


#: About how many characters of a table cell fit across the page (9.5 pt on A4).
_BARIS_PENUH = 96
#: About how many characters of the widest words fit across a table at 9.5 pt in the
#: DOCX (Times New Roman, a little wider than the PDF's Libertinus Serif); a table whose
#: words need more is set in small type in both.
_BARIS_KATA = 90
#: A number column whose share holds this part of its longest cell still fits (digits
#: and separators are narrower than the average character, and a header wraps).
_CUKUP = 0.75


def lebar_kolom(lebar: list[int], angka: list[bool]) -> list[int]:
    """Relative column widths (a pipe table's dashes) from each column's longest cell.

    Widths follow the content (capped at 40), unless a number column (which never
    wraps) would then get clearly less (:data:`_CUKUP`) than its longest cell needs on
    a line of about :data:`_BARIS_PENUH` characters: then number columns get what they
    need and the text columns, which wrap, share the rest by their length.

    >>> lebar_kolom([10, 8], [False, True])
    [10, 8]
    >>> lebar_kolom([60, 30, 17, 15, 12, 60], [False, False, True, True, True, False])
    [18, 14, 17, 15, 12, 18]
    """
    awal = [max(3, min(n, 40)) for n in lebar]
    jumlah = sum(awal)
    if all(
        a * _BARIS_PENUH >= n * jumlah * _CUKUP
        for a, n, d in zip(awal, lebar, angka, strict=True)
        if d
    ):
        return awal
    tetap = sum(n for n, d in zip(lebar, angka, strict=True) if d)
    teks = sum(a for a, d in zip(awal, angka, strict=True) if not d)
    sisa = _BARIS_PENUH - tetap
    if teks == 0 or sisa < 8 * (len(lebar) - sum(angka)):
        return awal  # no room: the numbers cannot fit whatever the text columns get
    return [
        n if d else max(3, a * sisa // teks) for a, n, d in zip(awal, lebar, angka, strict=True)
    ]


#: Characters a column needs beyond its longest word: a header is bold, a cell has an
#: inset on each side, and a wide table is scaled down to the page.
_RUANG_KEPALA = 4


def _lebar_isi(kepala: str, sel: list[str], angka: bool) -> int:
    """A column's longest cell, its header included. A number column's header wraps
    between words: it needs its longest word (with :data:`_RUANG_KEPALA`), not all of it.

    >>> _lebar_isi("Target", ["55%", "100%"], False)
    6
    >>> _lebar_isi("Target", ["55%", "100%"], True)
    10
    >>> _lebar_isi("Realisasi 2022", ["50%", "1.234.567"], True)
    13
    """
    if not angka:
        return max([len(kepala), *map(len, sel)])
    return max([*map(len, sel), *(len(kata) + _RUANG_KEPALA for kata in kepala.split())])


def _lebar_kata(kepala: str, sel: list[str]) -> int:
    """The room a column's longest word needs, in its header or a cell (a word does
    not wrap), with :data:`_RUANG_KEPALA`; a capital letter counts one and a half.

    >>> _lebar_kata("Satuan", ["orang", "kecamatan"])
    13
    >>> _lebar_kata("Target RPJMD", ["100%"])
    11
    """
    kata = [k for teks in [kepala, *sel] for k in teks.split()]
    return max([len(k) + sum(map(str.isupper, k)) // 2 for k in kata], default=0) + _RUANG_KEPALA


def tabel_markdown(t: TabelLaporan) -> str:
    """A Pandoc pipe table of ``tampil`` followed by the caption line ``: judul {#id}``.

    Numeric columns are right-aligned; program and total rows are bold. The
    dashes of the separator line follow the content width (capped) so that
    Pandoc gives long-text columns more room, and never leave a column less than
    its longest word. A table whose longest words alone are wider than the page
    (:data:`_BARIS_KATA`) is set in small type (``::: {.tabel-kecil}``, PDF and DOCX).
    """
    kolom = list(t.tampil.columns)
    kanan = set(kolom_angka(t))
    tebal = set(_baris(t, "program", "total"))
    kepala = [escape_markdown(k) for k in kolom]
    badan = []
    for i, rec in enumerate(t.tampil.itertuples(index=False, name=None)):
        sel = [escape_markdown(v) for v in rec]
        if i in tebal:
            sel = [f"**{s}**" if s else s for s in sel]
        badan.append(sel)
    isi = [[b[j] for b in badan] for j in range(len(kolom))]
    kata = _lebar_kata_tercetak(t)
    kecil = sum(kata) > _BARIS_KATA
    if kecil:  # each column just its longest word's room: all fit alike, long texts wrap
        lebar = kata
    else:
        lebar = _lebar_pemisah(kepala, isi, [k in kanan for k in kolom], kata)
    pemisah = [
        "-" * (n - 1) + ":" if k in kanan else "-" * n for k, n in zip(kolom, lebar, strict=True)
    ]
    baris = ["| " + " | ".join(kepala) + " |", "|" + "|".join(pemisah) + "|"]
    baris += ["| " + " | ".join(b) + " |" for b in badan]
    baris += ["", f": {escape_markdown(t.judul)} {{#{t.id}}}", ""]
    if kecil:
        baris = ["::: {.tabel-kecil}", *baris, ":::", ""]
    return "\n".join(baris)


def _lebar_pemisah(
    kepala: list[str], isi: list[list[str]], angka: list[bool], kata: list[int]
) -> list[int]:
    """The dashes of each column (its relative width): :func:`lebar_kolom` of the content,
    never less than the room of the column's longest word (``kata``:
    :func:`_lebar_kata_tercetak`)."""
    lebar = [_lebar_isi(k, sel, d) for k, sel, d in zip(kepala, isi, angka, strict=True)]
    return [max(n, m) for n, m in zip(lebar_kolom(lebar, angka), kata, strict=True)]


def _lebar_kata_tercetak(t: TabelLaporan) -> list[int]:
    """:func:`_lebar_kata` of each column as printed (no Markdown escapes or bold marks).
    A table whose words need more than :data:`_BARIS_KATA` in all does not fit a line
    across the page at 9.5 pt."""
    baris = list(t.tampil.itertuples(index=False, name=None))
    return [_lebar_kata(str(k), [str(b[j]) for b in baris]) for j, k in enumerate(t.tampil)]


def tulis_tabel(t: TabelLaporan, folder: Path) -> dict[str, Path]:
    """Write ``<id>.csv``, ``<id>.html`` and ``<id>.md`` of a table into ``folder``.

    Returns
    -------
    dict[str, Path]
        ``{"csv": ..., "html": ..., "md": ...}``.
    """
    folder = Path(folder)
    return {
        "csv": tulis_atomik(folder / f"{t.id}.csv", tabel_csv(t)),
        "html": tulis_atomik(folder / f"{t.id}.html", tabel_html(t).encode("utf-8")),
        "md": tulis_atomik(folder / f"{t.id}.md", tabel_markdown(t).encode("utf-8")),
    }


# --------------------------------------------------------------------------- charts


def tulis_grafik(id: str, fig: Figure, folder: Path) -> dict[str, Path]:
    """Write ``<id>.svg``, ``<id>.png`` (200 dpi) and ``<id>.json``; close ``fig``.

    The sidecar ``<id>.json`` lists every label of the chart that shows a
    number, with the ``numbers.json`` keys of those numbers in the order they
    appear (:func:`lakip_calc.isi.grafik.catat_label`): the chart's figures have
    the same trail as the report's text. Axis ticks are a scale, not figures.

    SVG carries no date or creator and its internal ids are salted with the
    chart id (``svg.hashsalt``). The PNG is the SVG rasterised by Typst, the
    engine that draws the SVG into the PDF: the two files show the same
    picture, and the figure is drawn once (a second ``savefig`` would lay out
    and draw it all again); it carries no software stamp.

    Returns
    -------
    dict[str, Path]
        ``{"svg": ..., "png": ..., "json": ...}``.
    """
    import json

    import matplotlib
    import matplotlib.pyplot as plt

    from lakip_calc.isi.grafik import label_kunci
    from lakip_calc.render import svg_png

    folder = Path(folder)
    try:
        with matplotlib.rc_context({"svg.hashsalt": id, "svg.fonttype": "path"}):
            svg = io.BytesIO()
            fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        berkas_svg = tulis_atomik(folder / f"{id}.svg", svg.getvalue())
        jejak = {"grafik": id, "label": label_kunci(fig)}
        teks = json.dumps(jejak, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return {
            "json": tulis_atomik(folder / f"{id}.json", teks.encode("utf-8")),
            "svg": berkas_svg,
            "png": tulis_atomik(
                folder / f"{id}.png", svg_png(berkas_svg, root=folder, ppi=_DPI_PNG)
            ),
        }
    finally:
        plt.close(fig)
