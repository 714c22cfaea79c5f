"""The static site of a regency folder: every office's reports under one index.

Orchestration. :func:`terbitkan_regensi` publishes every office of a regency
data folder (:mod:`lakip_calc.masukan.regensi`) that has a finished build under
``build/<office>/``:

``index.html``
    one table with a row per office and year: the office's name (from its
    manifest, the profile it was built from), its headline figures read from
    its ``numbers.json`` (pagu, realisasi, % keuangan, mean capaian, predikat;
    Indonesian formatting by :mod:`lakip_calc.hitungan.formats`) and links to its HTML,
    PDF and DOCX and to its open data. The table is sortable by a small inline
    script (buttons in the column headers, ``aria-sort``); without JavaScript
    it stays a plain table in its default order (newest year first, then by
    name). Below 40em wide every row becomes a card, so that it reads on a
    phone without sideways scrolling. No external resource; every text that
    comes from data is escaped.
``<office>/``
    that office's part, as the site of a single office has it
    (:func:`lakip_calc.audit.publikasi.isi_folder`): ``index.html`` of its years,
    ``<YEAR>/`` reports, notebooks and open data.
``SHA256SUMS``
    every other file of the whole site.
"""

from __future__ import annotations

import html as _html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from lakip_calc.audit.publikasi import SITUS, cek_build, ganti_situs, isi_folder
from lakip_calc.errors import LakipError
from lakip_calc.hitungan.formats import format_persen, format_rupiah
from lakip_calc.masukan.regensi import TataLetak
from lakip_calc.paths import BUILD, tampil

__all__ = ["HasilSitus", "KOLOM", "terbitkan_regensi", "halaman_indeks"]

#: Headline figures of the index: (column header, key in numbers.json, kind).
KOLOM: tuple[tuple[str, str, str], ...] = (
    ("Pagu", "anggaran.total.pagu", "rupiah"),
    ("Realisasi", "anggaran.total.realisasi", "rupiah"),
    ("% Keuangan", "anggaran.total.persen_keuangan", "persen"),
    ("Rata-rata capaian", "kinerja.rata_rata_capaian", "persen"),
    ("Predikat", "kinerja.rata_rata_predikat", "predikat"),
)
_FORMAT = ("html", "pdf", "docx")
_ANGKA_POLOS = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_KOSONG = "–"
_KANAN = ' class="kanan"'


@dataclass
class HasilSitus:
    """What the publication of a regency site wrote."""

    situs: Path
    tahun: int
    opd: list[str] = field(default_factory=list)
    tanpa_laporan: list[str] = field(default_factory=list)
    jumlah_berkas: int = 0

    def teks(self) -> str:
        baris = [
            f"Situs diterbitkan di {tampil(self.situs)}/: {len(self.opd)} instansi "
            f"({', '.join(self.opd)}); {self.jumlah_berkas} berkas tercatat di SHA256SUMS "
            f"(periksa dengan: cd {tampil(self.situs)} && sha256sum -c SHA256SUMS)."
        ]
        if self.tanpa_laporan:
            baris.append(
                f"  Belum ada laporan {self.tahun}: {', '.join(self.tanpa_laporan)} "
                f"(make report YEAR={self.tahun} OPD=<instansi>)."
            )
        return "\n".join(baris)


@dataclass
class Baris:
    """One row of the index: one office's report of one year."""

    opd: str
    tahun: int
    nama: str
    pemerintah: str | None
    laporan: list[str]
    angka: dict[str, dict]


def _baca_json(p: Path) -> object:
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise LakipError(f"{tampil(p)} tidak dapat dibaca: {e}") from None


def _baris(opd: str, folder: Path, info: dict) -> Baris:
    """The index row of one published year (``folder``: ``<site>/<office>/<YEAR>``)."""
    manifest = _baca_json(folder / "manifest.json")
    instansi = manifest.get("instansi") if isinstance(manifest, dict) else None
    instansi = instansi if isinstance(instansi, dict) else {}
    numbers = _baca_json(folder / "data" / "numbers.json")
    angka = {d["key"]: d for d in numbers or [] if isinstance(d, dict) and "key" in d}
    nama, pemerintah = instansi.get("nama"), instansi.get("pemerintah")
    return Baris(
        opd=opd,
        tahun=info["tahun"],
        nama=nama if isinstance(nama, str) and nama else opd,
        pemerintah=pemerintah if isinstance(pemerintah, str) else None,
        laporan=[n for n in info["laporan"] if n.startswith("lakip-")],
        angka=angka,
    )


def _nilai(angka: dict[str, dict], kunci: str) -> Decimal | None:
    v = (angka.get(kunci) or {}).get("value")
    return Decimal(str(v)) if v is not None and _ANGKA_POLOS.fullmatch(str(v)) else None


def _sel_angka(b: Baris, judul: str, kunci: str, jenis: str) -> str:
    """One headline cell: the text shown and, for sorting, the plain value (``data-nilai``)."""
    e = _html.escape
    if jenis == "predikat":
        teks = (b.angka.get(kunci) or {}).get("value")
        urut = _nilai(b.angka, f"predikat.{teks}.batas_bawah") if teks else None
        tampak = str(teks) if teks else _KOSONG
    else:
        urut = _nilai(b.angka, kunci)
        fmt = format_rupiah if jenis == "rupiah" else format_persen
        tampak = fmt(urut) if urut is not None else _KOSONG
    nilai = f' data-nilai="{e(str(urut))}"' if urut is not None else ""
    kelas = "" if jenis == "predikat" else ' class="angka"'
    return f'<td{kelas} data-label="{e(judul)}"{nilai}>{e(tampak)}</td>'


def _sel_dokumen(b: Baris) -> str:
    e = _html.escape
    akar = f"{e(b.opd)}/{b.tahun}"
    tautan = [
        f'<a href="{akar}/{e(n)}" aria-label="{e(n.rsplit(".", 1)[1].upper())} {e(b.nama)} '
        f'{b.tahun}">{e(n.rsplit(".", 1)[1].upper())}</a>'
        for ext in _FORMAT
        for n in b.laporan
        if n == f"lakip-{b.tahun}.{ext}"
    ]
    tautan.append(
        f'<a href="{e(b.opd)}/index.html#tahun-{b.tahun}" aria-label="Data terbuka '
        f'{e(b.nama)} {b.tahun}">Data</a>'
    )
    return f'<td class="dokumen" data-label="Dokumen"><span>{" · ".join(tautan)}</span></td>'


def _baris_html(b: Baris) -> str:
    e = _html.escape
    sel = [
        f'<th scope="row" data-label="Instansi" data-nilai="{e(b.nama)}">'
        f'<a href="{e(b.opd)}/index.html">{e(b.nama)}</a></th>',
        f'<td data-label="Tahun" data-nilai="{b.tahun}">{b.tahun}</td>',
        *(_sel_angka(b, j, k, jenis) for j, k, jenis in KOLOM),
        _sel_dokumen(b),
    ]
    return "<tr>" + "".join(sel) + "</tr>"


_GAYA = """
*{box-sizing:border-box}
body{font-family:Georgia,serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.5;
color:#222;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
a{color:#0b4f8a}.kecil{font-size:.9em;color:#555}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:bold;padding:.4rem 0}
th,td{padding:.35rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #555;white-space:nowrap}
td.angka{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.kanan{text-align:right}tbody th{min-width:10rem}
th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;
color:inherit;text-align:inherit}
th button::after{content:" \\2195" / "";color:#888}
th[aria-sort=ascending] button::after{content:" \\2191" / "";color:#222}
th[aria-sort=descending] button::after{content:" \\2193" / "";color:#222}
th button:focus-visible,a:focus-visible{outline:2px solid #0b4f8a;outline-offset:2px}
@media (max-width:40em){
body{margin:1rem auto}
table,tbody,tr,td,tbody th{display:block;width:100%}
caption{display:block}
thead tr{display:flex;flex-wrap:wrap;gap:.25rem .75rem;padding-bottom:.4rem}
thead th{display:block;border:0;padding:.1rem 0;font-size:.9rem}
thead th.dokumen{display:none}
tbody tr{border:1px solid #ccc;border-radius:4px;margin:0 0 .75rem;padding:.25rem .5rem}
tbody th,td{border:0;padding:.15rem 0;min-width:0}
td,td.angka{display:flex;justify-content:space-between;gap:1rem;text-align:right;
white-space:normal}
td::before{content:attr(data-label);font-weight:bold;text-align:left}
}
"""

# Sorts the table by a column when its header button is pressed (again: the other way).
# Numbers sort by data-nilai, text by its Indonesian collation; empty cells go last.
_SKRIP = """
(function () {
  var tabel = document.getElementById("ringkasan");
  if (!tabel || !tabel.tHead) return;
  var kepala = tabel.tHead.rows[0].cells;
  function kunci(sel, jenis) {
    var v = sel.getAttribute("data-nilai");
    if (v === null || v === "") return null;
    return jenis === "angka" ? parseFloat(v) : v.toLocaleLowerCase("id");
  }
  function urutkan(i) {
    var jenis = kepala[i].getAttribute("data-urut");
    var naik = kepala[i].getAttribute("aria-sort") !== "ascending";
    for (var k = 0; k < kepala.length; k++) kepala[k].removeAttribute("aria-sort");
    kepala[i].setAttribute("aria-sort", naik ? "ascending" : "descending");
    var badan = tabel.tBodies[0];
    var baris = Array.prototype.slice.call(badan.rows);
    baris.sort(function (a, b) {
      var x = kunci(a.cells[i], jenis), y = kunci(b.cells[i], jenis);
      if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);
      var c = jenis === "angka" ? x - y : x.localeCompare(y, "id");
      return naik ? c : -c;
    });
    baris.forEach(function (r) { badan.appendChild(r); });
  }
  Array.prototype.forEach.call(kepala, function (th, i) {
    if (!th.hasAttribute("data-urut")) return;
    var tombol = document.createElement("button");
    tombol.type = "button";
    tombol.textContent = th.textContent;
    tombol.title = "Urutkan menurut " + th.textContent;
    th.textContent = "";
    th.appendChild(tombol);
    tombol.addEventListener("click", function () { urutkan(i); });
  });
})();
"""


def _kepala() -> str:
    kolom = [
        '<th scope="col" data-urut="teks">Instansi</th>',
        '<th scope="col" data-urut="angka">Tahun</th>',
        *(
            f'<th scope="col" data-urut="angka"{"" if jenis == "predikat" else _KANAN}>'
            f"{_html.escape(j)}</th>"
            for j, _k, jenis in KOLOM
        ),
        '<th scope="col" class="dokumen">Dokumen</th>',
    ]
    return "<thead><tr>" + "".join(kolom) + "</tr></thead>"


def halaman_indeks(baris: list[Baris], tahun: int, tanpa_laporan: list[str]) -> str:
    """The regency site's ``index.html`` (every text from data escaped)."""
    e = _html.escape
    urut = sorted(baris, key=lambda b: (-b.tahun, b.nama.casefold(), b.opd))
    pemerintah = Counter(b.pemerintah for b in baris if b.pemerintah).most_common(1)
    judul = f"LAKIP {pemerintah[0][0]}" if pemerintah else "LAKIP"
    jumlah_opd = len({b.opd for b in baris})
    catatan = (
        f"<p>Belum ada laporan tahun {tahun}: {e(', '.join(tanpa_laporan))}.</p>\n"
        if tanpa_laporan
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(judul)}: laporan kinerja instansi</title>\n<style>{_GAYA}</style>\n"
        f"</head>\n<body>\n<main>\n<h1>{e(judul)}</h1>\n"
        f"<p>Laporan Kinerja Instansi Pemerintah dari {jumlah_opd} instansi. Setiap angka "
        "dihitung ulang dari data oleh notebook yang tercantum di halaman tiap instansi, dan "
        'setiap berkas situs ini tercatat sidik jari SHA-256-nya di <a href="SHA256SUMS">'
        "SHA256SUMS</a> (periksa dengan <code>sha256sum -c SHA256SUMS</code>).</p>\n"
        + catatan
        + '<table id="ringkasan">\n<caption>Angka utama setiap laporan (tekan judul kolom '
        "untuk mengurutkan)</caption>\n"
        + _kepala()
        + "\n<tbody>\n"
        + "\n".join(_baris_html(b) for b in urut)
        + "\n</tbody>\n</table>\n</main>\n"
        f"<script>{_SKRIP}</script>\n</body>\n</html>\n"
    )


def terbitkan_regensi(
    tahun: int, tata: TataLetak, *, build_dir: Path | None = None, situs: Path | None = None
) -> HasilSitus:
    """Publish every office of the regency folder ``tata`` that has a build, under one index.

    At least one office must have a report of ``tahun``; offices without one
    are named on the index and in the result. Every year of every office's
    build is published. The site replaces ``situs`` only when complete.
    """
    akar = build_dir or BUILD
    situs = Path(situs or SITUS)
    per_opd = {o: cek_build(akar / o) for o in tata.opd}
    tanpa = [o for o, daftar in per_opd.items() if tahun not in daftar]
    if len(tanpa) == len(per_opd):
        raise LakipError(
            f"belum ada laporan {tahun} satu instansi pun di {tampil(akar)}/<instansi>/: "
            f"bangun dulu (make report YEAR={tahun})."
        )
    terbit = [o for o, daftar in per_opd.items() if daftar]

    def isi(staging: Path) -> None:
        baris: list[Baris] = []
        for o in terbit:
            data = tata.akar / o
            for info in isi_folder(akar / o, staging / o, per_opd[o], True, data):
                baris.append(_baris(o, staging / o / str(info["tahun"]), info))
        teks = halaman_indeks(baris, tahun, tanpa)
        (staging / "index.html").write_text(teks, encoding="utf-8", newline="\n")

    n = ganti_situs(situs, isi)
    return HasilSitus(situs=situs, tahun=tahun, opd=terbit, tanpa_laporan=tanpa, jumlah_berkas=n)
