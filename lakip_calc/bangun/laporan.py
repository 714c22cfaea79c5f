"""Render the LAKIP: stage the report project, fill its variables, call a renderer.

Orchestration: reads ``numbers.json``, the tables and charts of a build and the
year's text, writes a self-contained project folder (``_quarto.yml``,
``report/*.qmd``, ``_variables.yml`` and the generated fragments under
``report/_hasil/``) inside the build's staging folder, and renders it with the
built-in renderer or Quarto into ``lakip-<YEAR>.html|pdf|docx``.
"""

from __future__ import annotations

import difflib
import html
import json
import os
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import yaml

from lakip_calc import paths
from lakip_calc.bangun.berkas import tautan_atomik
from lakip_calc.bangun.notebook import tulis_teks
from lakip_calc.errors import DataError, RenderError
from lakip_calc.hitungan.angka import Angka, KumpulanAngka
from lakip_calc.isi.bagian import bagian_ada
from lakip_calc.isi.narasi import (
    blok_tabel,
    fragmen_jejak,
    fragmen_teks,
    judul_tabel,
    ringkas_masukan,
    slug,
    tanda_tangan_pk,
)
from lakip_calc.isi.narasi_sasaran import fragmen_sasaran
from lakip_calc.isi.tulis import teks_html
from lakip_calc.masukan.loader import DataTahun
from lakip_calc.masukan.profil import baca_profil
from lakip_calc.paths import ROOT, tampil
from lakip_calc.render import choose_renderer, find_quarto, render_project, render_with_quarto
from lakip_calc.render._variables import (
    angka_markdown,
    markdown_text,
    nested_variables,
    quarto_var_keys,
)
from lakip_calc.render.csp import sematkan_csp
from lakip_calc.render.quarto import normalise_pdf, quarto_versions

__all__ = ["variabel", "siapkan_proyek", "render_laporan", "tautkan_proyek", "FORMAT"]

FORMAT = ("html", "pdf", "docx")
HASIL = "_hasil"
#: The documents of the report project: the signed report, and its companion (the
#: audit trail: Jejak Angka, reconciliation, build details), in HTML and PDF only.
LAPORAN, PENDAMPING = "lakip", "jejak-angka"
FORMAT_PENDAMPING = ("html", "pdf")


def variabel(angka: KumpulanAngka, data: DataTahun) -> dict[str, str]:
    """Values for ``{{< var >}}`` as Quarto reads them (Markdown, flat keys).

    Every number is a span with its key and its source as hover text; the
    office's names are escaped text.
    """
    v: dict[str, str] = {}
    for a in angka:
        teks = a.text
        if a.terbilang and a.value is not None:
            teks = f"{a.text} ({a.terbilang})"
        v[a.key] = angka_markdown(teks, a.key, sumber_angka(a))
    v.update(variabel_profil(data))
    return v


def variabel_profil(data: DataTahun) -> dict[str, str]:
    """``profil.*`` values: the office's and its region's names, escaped text."""
    p = baca_profil(data.teks, tampil(data.folder))
    ttd = (data.teks.get("profil") or {}).get("penandatanganan") or {}
    tanggal = f"{ttd.get('tempat', '')}, {ttd.get('bulan', '')} {ttd.get('tahun', '')}"
    nilai = {
        "profil.instansi": p.instansi,
        "profil.pemerintah": p.pemerintah,
        "profil.daerah": p.daerah,
        "profil.provinsi": p.provinsi,
        "profil.kepala": p.kepala_nama,
        "profil.jabatan": p.kepala_jabatan,
        "profil.kepala_daerah": p.kepala_daerah_jabatan,
        # Not in the data: a dotted line where the name is written by hand.
        "profil.kepala_daerah_nama": p.kepala_daerah_nama or "." * 32,
        "profil.tanggal": tanggal.strip(", "),
    }
    return {k: markdown_text(str(n)) for k, n in nilai.items() if n}


def sumber_angka(a: Angka) -> str:
    """A number's provenance as hover text: its formula and the data cells it reads."""
    return f"{a.formula}. Sumber: {ringkas_masukan(a)}"


_SEL_TABEL = re.compile(r'<span class="angka" data-key="([^"]+)">([^<]*)</span>')


def berkas_pendamping(tahun: int) -> str:
    """File name of the companion's HTML (the Jejak Angka rows the numbers link to)."""
    return f"{PENDAMPING}-{tahun}.html"


def beri_sumber_tabel(folder: Path, angka: KumpulanAngka, berkas_jejak: str) -> None:
    """Give every keyed cell of the tables' HTML fragments in ``folder`` what a number of
    the text gets from the extension's filter: its hover provenance (``title``) and a link
    to its row in the Jejak Angka table of ``berkas_jejak``.

    The fragments (:func:`lakip_calc.isi.tulis.tabel_html`) carry each number's key and
    escaped text; the staged copies are changed, and both renderers put them into the
    HTML as they are (Quarto: ``html-table-processing: none``).
    """
    for p in sorted(folder.glob("*.html")):

        def ganti(m: re.Match[str]) -> str:
            key = html.unescape(m.group(1))
            if key not in angka:
                return m.group(0)
            judul = teks_html(sumber_angka(angka[key]))
            tujuan = teks_html(f"{berkas_jejak}#{slug(key)}")
            return (
                f'<a href="{tujuan}" class="tautan-angka"><span class="angka" '
                f'data-key="{m.group(1)}" title="{judul}">{m.group(2)}</span></a>'
            )

        tulis_teks(p, _SEL_TABEL.sub(ganti, p.read_text(encoding="utf-8")))


def _blok_hitungan(data: DataTahun) -> str:
    """Bab III method text: how every number is computed (from the configured scale)."""
    kategori = ""
    if (data["indikator"]["polaritas"] == "kategori").any():
        kategori = (
            "Indikator kategori (nilai berupa tingkat skala berurutan, misalnya nilai SAKIP AA "
            "sampai D atau opini WTP sampai TMP) dinyatakan tercapai bila realisasinya sama "
            "dengan atau lebih baik daripada target, disertai selisihnya dalam tingkat skala; "
            "indikator kategori tidak diberi persentase capaian, sehingga tidak ikut dalam "
            "rata-rata capaian dan tidak diberi predikat. "
        )
    return (
        "Capaian indikator dengan polaritas positif dihitung sebagai realisasi ÷ target × 100; "
        "polaritas negatif sebagai (2 × target − realisasi) ÷ target × 100, paling kecil 0. "
        'Target 0 pada indikator positif tidak menghasilkan capaian (ditampilkan "-"). '
        + kategori
        + "Capaian di atas 100 dilaporkan apa adanya. Predikat ditentukan dari capaian yang "
        "dibulatkan ke 2 desimal (pembulatan setengah ke atas) menurut skala pada @tbl-skala-predikat, "
        "dengan batas bawah inklusif, sehingga tidak ada celah antar-rentang. Persentase realisasi "
        "keuangan setiap tingkat adalah jumlah realisasi dibagi jumlah pagu sub kegiatan di "
        "bawahnya; persentase fisik kegiatan, program dan total adalah rata-rata persentase fisik "
        "sub kegiatan yang ditimbang dengan pagu (@tbl-bobot-fisik).\n"
    )


def salin_grafik(staging: Path, proyek: Path) -> None:
    """Copy the build's charts into the report project."""
    shutil.copytree(staging / "charts", proyek / "report" / HASIL / "charts")


def siapkan_proyek(
    data: DataTahun,
    staging: Path,
    sumber: Path | None = None,
    draft: bool = False,
    grafik: bool = True,
    renderer: dict[str, str] | None = None,
) -> Path:
    """Write the report project into ``staging/proyek`` and return its folder.

    ``draft`` marks the report as a draft (:func:`tandai_draft`); without it the
    project holds no draft markup at all. ``grafik=False`` leaves the charts
    out (:func:`salin_grafik` adds them once the charts notebook has ended).
    """
    proyek = staging / "proyek"
    sumber_qmd = _salin_sumber(proyek, sumber or paths.REPORT)
    angka = KumpulanAngka.from_json((staging / "numbers.json").read_text(encoding="utf-8"))
    hasil = proyek / "report" / HASIL
    shutil.copytree(staging / "tables", hasil / "tables")
    beri_sumber_tabel(hasil / "tables", angka, berkas_pendamping(data.tahun))
    if grafik:
        salin_grafik(staging, proyek)
    teks = _fragmen_laporan(data, angka, proyek, renderer)
    for nama, md in teks.items():
        tulis_teks(hasil / "teks" / f"{nama}.md", quarto_var_keys(md))
    tulis_teks(
        hasil / "bagian.yml",
        yaml.safe_dump({"lakip-ada": bagian_ada(data)}, sort_keys=True),
    )
    _tulis_variabel(proyek, angka, data, teks, sumber_qmd)
    _atur_konfig(proyek, {"lakip-jejak-berkas": berkas_pendamping(data.tahun)})
    # Written again with the companion's SHA-256 once it is rendered (tulis_pendamping);
    # Quarto reads the includes of every document of the project meanwhile.
    tulis_teks(hasil / "teks" / "pendamping.md", "Dokumen pendamping sedang disusun.\n")
    if draft:
        tandai_draft(data, proyek)
    return proyek


def _salin_sumber(proyek: Path, sumber_report: Path) -> dict[str, str]:
    """A fresh project folder with the Quarto configuration, the extension and the .qmd files;
    returns the sources' text by file name."""
    shutil.rmtree(proyek, ignore_errors=True)
    (proyek / "report").mkdir(parents=True)
    shutil.copy2(ROOT / "_quarto.yml", proyek / "_quarto.yml")
    shutil.copytree(ROOT / "_extensions", proyek / "_extensions")
    sumber_qmd = {
        p.name: p.read_text(encoding="utf-8") for p in sorted(sumber_report.glob("*.qmd"))
    }
    for nama, isi in sumber_qmd.items():
        tulis_teks(proyek / "report" / nama, quarto_var_keys(isi))
    return sumber_qmd


def _fragmen_laporan(
    data: DataTahun, angka: KumpulanAngka, proyek: Path, renderer: dict[str, str] | None
) -> dict[str, str]:
    """Every Markdown fragment the report includes, by name (tables already copied);
    a fragment the sources include but this office does not have is empty."""
    hasil = proyek / "report" / HASIL
    teks = fragmen_teks(data)
    teks["metode_hitung"] = _blok_hitungan(data)
    teks["tanda_tangan_pk"] = tanda_tangan_pk(
        data.teks.get("profil") or {},
        data.tahun,
        baca_profil(data.teks, tampil(data.folder)).kepala_daerah_jabatan,
    )
    judul = {
        p.stem: judul_tabel(p.read_text(encoding="utf-8"))
        for p in sorted((hasil / "tables").glob("*.md"))
    }
    teks["analisis_sasaran"] = "\n".join(fragmen_sasaran(data, angka, judul).values())
    teks["jejak_angka"] = fragmen_jejak(angka)
    teks["kolofon"] = _kolofon(data, renderer)
    for tid, judul_md in judul.items():
        teks[f"blok_{tid}"] = blok_tabel(tid, judul_md)
    for nama in _fragmen_dirujuk(proyek / "report") - set(teks):
        teks[nama] = ""  # text an office does not have: its include stays valid, empty
    teks["lampiran_anggaran"] = _lampiran_anggaran(teks)
    teks["sumber_dana"] = _bagian_sumber_dana(teks)
    return teks


def _tulis_variabel(
    proyek: Path,
    angka: KumpulanAngka,
    data: DataTahun,
    teks: dict[str, str],
    sumber_qmd: dict[str, str],
) -> None:
    """``_variables.yml``: the numbers the sources and fragments cite, once each text is
    checked to use only known keys."""
    nilai = variabel(angka, data)
    _cek_var_teks(data, teks.values(), set(nilai))
    # Only the keys the documents cite: every number stays in numbers.json, and the
    # renderer parses a few hundred values instead of one per number of the budget.
    konfig = (proyek / "_quarto.yml").read_text(encoding="utf-8")
    dipakai = _kunci_var([konfig, *sumber_qmd.values(), *teks.values()])
    tulis_teks(
        proyek / "_variables.yml",
        yaml.dump(
            nested_variables({k: v for k, v in nilai.items() if k in dipakai}),
            Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),  # libyaml: same text, faster
            allow_unicode=True,
            sort_keys=True,
            width=1000,
        ),
    )


def _bagian_sumber_dana(teks: dict[str, str]) -> str:
    """Bab III's funding-source table with its sentence, when the office names its sources
    (the table exists only then, so its reference is made only then)."""
    blok = teks.get("blok_tbl-sumber-dana")
    if blok is None:
        return ""
    return f"Pagu dan realisasi menurut sumber dana tercantum pada @tbl-sumber-dana.\n\n{blok}"


def _lampiran_anggaran(teks: dict[str, str]) -> str:
    """The appendix with the full budget tree when the chapters summarise it per program."""
    from lakip_calc.isi.tabel import ID_RINCIAN

    blok = teks.get(f"blok_{ID_RINCIAN}")
    if blok is None:
        return ""
    return f"## Lampiran 3. Realisasi Anggaran per Sub Kegiatan {{.unnumbered}}\n\n{blok}"


_INCLUDE_TEKS = re.compile(r"\{\{<\s*include\s+" + HASIL + r"/teks/([A-Za-z0-9_\-]+)\.md\s*>\}\}")


def _fragmen_dirujuk(folder: Path) -> set[str]:
    """Names of the text fragments that the report's sources include."""
    return {
        nama
        for p in folder.glob("*.qmd")
        for nama in _INCLUDE_TEKS.findall(p.read_text(encoding="utf-8"))
    }


def _atur_konfig(proyek: Path, nilai: dict[str, object]) -> dict:
    """Set top-level keys of the staged ``_quarto.yml``; return the whole mapping."""
    konfig = proyek / "_quarto.yml"
    meta = yaml.safe_load(konfig.read_text(encoding="utf-8"))
    meta.update(nilai)
    tulis_teks(konfig, yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000))
    return meta


def tulis_pendamping(proyek: Path, berkas: dict[str, Path]) -> None:
    """The signed report's colophon: the companion's files and their SHA-256."""
    from lakip_calc.audit.manifest import sha256_berkas
    from lakip_calc.isi.narasi import md_aman

    baris = [
        "Asal setiap angka laporan ini (sel data, rumus dan kode yang menghitungnya), "
        "rekonsiliasi dengan dokumen sumber dan rincian pembangunan (commit, versi perangkat "
        "lunak, sidik jari setiap berkas) dimuat dalam dokumen pendamping yang diterbitkan "
        "bersama laporan ini. Sidik jari SHA-256-nya:",
        "",
    ]
    for path in berkas.values():
        baris.append(f"- {md_aman(path.name)}: `{sha256_berkas(path)}`")
    tulis_teks(proyek / "report" / HASIL / "teks" / "pendamping.md", "\n".join(baris) + "\n")


def tandai_draft(data: DataTahun, proyek: Path) -> None:
    """Mark a staged project as a DRAFT in every format, without touching the templates.

    - ``draft: true`` in the staged ``_quarto.yml``: the renderer draws the mark
      (a diagonal watermark on every PDF page including the cover, a banner at the
      top of the HTML, the page header of the DOCX; see ``report/README.md``);
    - the title and subtitle say DRAFT too (cover, PDF running header, HTML title,
      DOCX title page);
    - when inputs of the year are still blank, a generated fragment
      ``_hasil/teks/draft.md``, included at the top of the first file of the render
      list, says how many, in every format.
    """
    from lakip_calc.masukan.loader import cek_kelengkapan

    n = len(cek_kelengkapan(data))
    meta = yaml.safe_load((proyek / "_quarto.yml").read_text(encoding="utf-8"))
    ubah: dict[str, object] = {"lakip-draft": True}
    ubah["title"] = f"DRAFT — {meta.get('title') or 'Laporan Kinerja'}"
    if meta.get("subtitle"):
        ubah["subtitle"] = f"{meta['subtitle']} (DRAFT, belum final)"
    meta = _atur_konfig(proyek, ubah)
    render = (meta.get("project") or {}).get("render") or []
    if not n or not render:
        return
    pesan = (
        f"DRAFT — bukan laporan final: {n} isian data tahun {data.tahun} belum diisi; "
        'angka yang memerlukannya tertulis "belum diisi".'
    )
    hasil = proyek / "report" / HASIL / "teks" / "draft.md"
    tulis_teks(hasil, f"**{pesan}**\n")
    pertama = proyek / render[0]
    isi = pertama.read_text(encoding="utf-8")
    rel = os.path.relpath(hasil, pertama.parent).replace(os.sep, "/")
    sisip = "{{< include " + rel + " >}}\n\n"
    m = re.match(r"---\n.*?\n---[ \t]*\n", isi, flags=re.S)
    posisi = m.end() if m else 0
    tulis_teks(pertama, isi[:posisi] + sisip + isi[posisi:])


_VAR_KUNCI = re.compile(r"\{\{<\s*var\s+([A-Za-z0-9_.\-]+)\s*>\}\}")


def _kunci_var(fragmen) -> set[str]:
    """The ``{{< var >}}`` keys these texts cite."""
    return {k for md in fragmen for k in _VAR_KUNCI.findall(md)}


def _cek_var_teks(data: DataTahun, fragmen, dikenal: set[str]) -> None:
    """An unknown ``{{< var >}}`` key in ``teks/`` prose: DataError naming the data file and line.

    Without this check the renderer would name only the generated fragment under
    ``proyek/report/_hasil/``, which the user does not edit.
    """
    asing = _kunci_var(fragmen) - dikenal
    base = data.folder / "teks"
    if not asing or not base.is_dir():
        return
    for p in sorted(base.rglob("*")):
        if p.suffix not in (".md", ".yaml", ".yml") or not p.is_file():
            continue
        for n, baris in enumerate(p.read_text(encoding="utf-8-sig").splitlines(), 1):
            for kunci in _VAR_KUNCI.findall(baris):
                if kunci in asing:
                    mirip = difflib.get_close_matches(kunci, sorted(dikenal), n=1)
                    saran = f" Mungkin maksudnya '{mirip[0]}'?" if mirip else ""
                    raise DataError(
                        f"variabel tidak dikenal: '{kunci}' (tidak ada di numbers.json).{saran} "
                        "Teks data hanya boleh merujuk kunci numbers.json atau profil.* "
                        "dengan {{< var kunci >}}.",
                        file=f"{tampil(data.folder)}/{p.relative_to(data.folder).as_posix()}",
                        row=n,
                    )


def _render_bawaan(
    proyek: Path,
    staging: Path,
    nama: str,
    sumber_report: Path,
    sebelum_gambar: Callable[[], None] | None = None,
    dokumen: str = LAPORAN,
    format_: tuple[str, ...] = FORMAT,
) -> dict[str, Path]:
    """The built-in renderer; an error in a staged copy of ``report/*.qmd`` names the original."""
    try:
        return _dengan_csp(
            render_project(
                proyek,
                staging,
                formats=format_,
                basename=nama,
                sebelum_gambar=sebelum_gambar,
                document=dokumen,
            )
        )
    except RenderError as e:
        salinan = re.escape(f"{proyek.name}/report/")
        pesan = re.sub(rf"(?<![\w/]){salinan}(?!{HASIL}/)", tampil(sumber_report) + "/", str(e))
        if pesan == str(e):
            raise
        raise RenderError(pesan) from e


def _kolofon(data: DataTahun, renderer: dict[str, str] | None) -> str:
    """The colophon fragment: commit, dirty flag, renderer and package versions, data hashes."""
    from lakip_calc.audit.manifest import fragmen_kolofon, manifest_masukan

    return fragmen_kolofon(manifest_masukan(data, renderer=renderer))


def versi_renderer(pilihan: str) -> dict[str, str]:
    """The renderer's name and the versions of the programs it runs (manifest, colophon)."""
    if pilihan == "quarto":
        info = find_quarto()
        assert info is not None  # choose_renderer found it
        return {"nama": "quarto", **quarto_versions(info)}
    from lakip_calc.render.builtin import builtin_versions

    return {"nama": "builtin", **builtin_versions()}


def _render_quarto(
    proyek: Path, staging: Path, nama: str, dokumen: str = LAPORAN, format_: tuple = FORMAT
) -> dict[str, Path]:
    """``quarto render`` one document of the staged project into ``staging/<nama>.*``.

    Quarto's log goes next to the build folder and stays there only when it failed.
    """
    log = staging.parent / f"{nama}-quarto.log"
    keluar = render_with_quarto(proyek, log, f"report/{dokumen}.qmd", format_)
    log.unlink(missing_ok=True)
    normalise_pdf(keluar["pdf"], int(os.environ["SOURCE_DATE_EPOCH"]))
    hasil = {}
    for fmt, berkas in keluar.items():
        hasil[fmt] = staging / f"{nama}{berkas.suffix}"
        shutil.move(berkas, hasil[fmt])
    shutil.rmtree(proyek / ".quarto", ignore_errors=True)
    return _dengan_csp(hasil)


def _dengan_csp(hasil: dict[str, Path]) -> dict[str, Path]:
    """The rendered files, the HTML with its Content-Security-Policy (``render.csp``)."""
    if "html" in hasil:
        sematkan_csp(hasil["html"])
    return hasil


def _sematkan(
    data: DataTahun, staging: Path, renderer: dict[str, str], hasil: dict[str, Path]
) -> dict[str, Path]:
    """Embed the manifest (outputs: everything but the HTML) and the numbers into the HTML."""

    from lakip_calc.audit.manifest import buat_manifest, sematkan_html

    html = hasil.get("html")
    if html is not None:
        m = buat_manifest(
            data,
            staging,
            renderer=renderer,
            epoch=os.environ.get("SOURCE_DATE_EPOCH"),
            kecuali=(html.name,),
        )
        numbers = json.loads((staging / "numbers.json").read_text(encoding="utf-8"))
        sematkan_html(html, m, numbers)
    return hasil


def _epoch(data: DataTahun) -> str:
    """The date written into the report files: 1 January of the signing year (from the data).

    The report's date must not come from the clock; SOURCE_DATE_EPOCH wins when set.
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    profil = data.teks.get("profil", {}) or {}
    tahun = int((profil.get("penandatanganan") or {}).get("tahun") or data.tahun + 1)
    return str(int(datetime(tahun, 1, 1, tzinfo=UTC).timestamp()))


def render_laporan(
    data: DataTahun,
    staging: Path,
    mode: str | None = None,
    sumber: Path | None = None,
    draft: bool = False,
    tunggu_gambar: Callable[[], None] | None = None,
) -> dict[str, Path]:
    """Render ``lakip-<YEAR>.{html,pdf,docx}`` into ``staging`` (``sumber``: the report folder).

    ``draft``: mark every format as a DRAFT (:func:`tandai_draft`).
    ``tunggu_gambar``: returns once the charts are in ``staging/charts``; the
    built-in renderer prepares and parses the report before it calls it.
    """
    pilihan = choose_renderer(mode or os.environ.get("RENDERER", "auto"))
    versi = versi_renderer(pilihan)
    nanti = tunggu_gambar is not None and pilihan != "quarto"
    if tunggu_gambar is not None and not nanti:
        tunggu_gambar()
    proyek = siapkan_proyek(data, staging, sumber, draft=draft, grafik=not nanti, renderer=versi)

    def sebelum_gambar() -> None:
        assert tunggu_gambar is not None
        tunggu_gambar()
        salin_grafik(staging, proyek)

    nama = f"{LAPORAN}-{data.tahun}"
    nama_pendamping = f"{PENDAMPING}-{data.tahun}"
    lama = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = _epoch(data)
    try:
        # The companion first: the signed report's colophon names its files' SHA-256.
        if pilihan == "quarto":
            pendamping = _render_quarto(
                proyek, staging, nama_pendamping, PENDAMPING, FORMAT_PENDAMPING
            )
        else:
            pendamping = _render_bawaan(
                proyek,
                staging,
                nama_pendamping,
                sumber or paths.REPORT,
                dokumen=PENDAMPING,
                format_=FORMAT_PENDAMPING,
            )
        tulis_pendamping(proyek, pendamping)
        if pilihan == "quarto":
            hasil = _render_quarto(proyek, staging, nama)
        else:
            hasil = _render_bawaan(
                proyek, staging, nama, sumber or paths.REPORT, sebelum_gambar if nanti else None
            )
        return _sematkan(data, staging, versi, hasil)
    finally:
        if lama is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = lama


def tulis_notebook_html(staging: Path, laporan: str, kecuali: set[str] = frozenset()) -> None:
    """Each executed notebook (but those named in ``kecuali``) as an HTML page beside it,
    so that the Jejak Angka's links to notebook cells work in ``build/<YEAR>/`` as they
    do on the site."""
    for ipynb in sorted((staging / "notebooks").glob("*.ipynb")):
        if ipynb.name not in kecuali:
            tulis_halaman_notebook(ipynb, laporan)


def tulis_halaman_notebook(ipynb: Path, laporan: str) -> None:
    """One executed notebook's HTML page (:func:`tulis_notebook_html`)."""
    from lakip_calc.audit.publikasi import notebook_html

    tulis_teks(ipynb.with_suffix(".html"), notebook_html(ipynb, kembali=f"../{laporan}.html"))


def _tautan(nama: Path, tujuan: Path) -> None:
    """Point the symbolic link ``nama`` at ``tujuan`` (relative), replacing it atomically."""
    tautan_atomik(nama, os.path.relpath(tujuan, nama.parent))


def tautkan_proyek(folder: Path, akar: Path = ROOT) -> bool:
    """Let ``quarto render``/``preview`` in the project root render the build in ``folder``.

    The root ``_variables.yml`` and ``report/_hasil`` become links to the staged
    project of that build (both are generated, and ignored by git). A path the
    user made that is not a link is left alone (returns False).
    """
    proyek = folder / "proyek"
    pasangan = [
        (akar / "_variables.yml", proyek / "_variables.yml"),
        (akar / "report" / HASIL, proyek / "report" / HASIL),
    ]
    if any(n.exists() and not n.is_symlink() for n, _ in pasangan) or not proyek.is_dir():
        return False
    for nama, tujuan in pasangan:
        _tautan(nama, tujuan)
    return True
