"""Render the LAKIP: stage the report project, fill its variables, call a renderer.

Orchestration: reads ``numbers.json``, the tables and charts of a build and the
year's text, writes a self-contained project folder (``_quarto.yml``,
``report/*.qmd``, ``_variables.yml`` and the generated fragments under
``report/_hasil/``) inside the build's staging folder, and renders it with the
built-in renderer or Quarto into ``lakip-<YEAR>.html|pdf|docx``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import yaml

from lakip_calc.angka import KumpulanAngka
from lakip_calc.errors import RenderError
from lakip_calc.loader import DataTahun
from lakip_calc.narasi import (
    blok_tabel,
    fragmen_jejak,
    fragmen_sasaran,
    fragmen_teks,
    judul_tabel,
    ringkas_masukan,
    slug,
)
from lakip_calc.notebook import tulis_teks
from lakip_calc.paths import REPORT, ROOT
from lakip_calc.render import choose_renderer, quarto_command, render_project

__all__ = ["variabel", "siapkan_proyek", "render_laporan", "FORMAT"]

FORMAT = ("html", "pdf", "docx")
HASIL = "_hasil"


def variabel(angka: KumpulanAngka, data: DataTahun) -> dict:
    """Values for ``{{< var >}}``: every number (text, tooltip, link) and the office's names."""
    v: dict[str, object] = {}
    for a in angka:
        teks = a.text
        if a.terbilang and a.value is not None:
            teks = f"{a.text} ({a.terbilang})"
        v[a.key] = {
            "text": teks,
            "title": f"{a.formula}. Sumber: {ringkas_masukan(a)}",
            "href": f"#{slug(a.key)}",
        }
    profil = data.teks.get("profil", {}) or {}
    kepala = profil.get("kepala", {}) or {}
    ttd = profil.get("penandatanganan", {}) or {}
    for kunci, nilai in {
        "profil.instansi": profil.get("instansi"),
        "profil.pemerintah": profil.get("pemerintah"),
        "profil.kabupaten": profil.get("kabupaten"),
        "profil.provinsi": profil.get("provinsi"),
        "profil.kepala": kepala.get("nama"),
        "profil.jabatan": kepala.get("jabatan_tercetak"),
        "profil.tanggal": f"{ttd.get('tempat', '')}, {ttd.get('bulan', '')} {ttd.get('tahun', '')}".strip(", "),
    }.items():
        if nilai:
            v[kunci] = str(nilai)
    return v


def _blok_hitungan(data: DataTahun) -> str:
    """Bab III method text: how every number is computed (from the configured scale)."""
    return (
        "Capaian indikator dengan polaritas positif dihitung sebagai realisasi ÷ target × 100; "
        "polaritas negatif sebagai (2 × target − realisasi) ÷ target × 100, paling kecil 0. "
        "Target 0 pada indikator positif tidak menghasilkan capaian (ditampilkan \"-\"). "
        "Capaian di atas 100 dilaporkan apa adanya. Predikat ditentukan dari capaian yang "
        "dibulatkan ke 2 desimal (pembulatan setengah ke atas) menurut skala pada @tbl-skala-predikat, "
        "dengan batas bawah inklusif, sehingga tidak ada celah antar-rentang. Persentase realisasi "
        "keuangan setiap tingkat adalah jumlah realisasi dibagi jumlah pagu sub kegiatan di "
        "bawahnya; persentase fisik kegiatan, program dan total adalah rata-rata persentase fisik "
        "sub kegiatan yang ditimbang dengan pagu (@tbl-bobot-fisik).\n"
    )


def siapkan_proyek(data: DataTahun, staging: Path, sumber: Path | None = None) -> Path:
    """Write the report project into ``staging/proyek`` and return its folder."""
    sumber_report = sumber or REPORT
    proyek = staging / "proyek"
    shutil.rmtree(proyek, ignore_errors=True)
    (proyek / "report").mkdir(parents=True)
    shutil.copy2(ROOT / "_quarto.yml", proyek / "_quarto.yml")
    for p in sorted(sumber_report.glob("*.qmd")):
        shutil.copy2(p, proyek / "report" / p.name)
    angka = KumpulanAngka.from_json((staging / "numbers.json").read_text(encoding="utf-8"))
    hasil = proyek / "report" / HASIL
    shutil.copytree(staging / "tables", hasil / "tables")
    shutil.copytree(staging / "charts", hasil / "charts")
    teks = fragmen_teks(data)
    teks["metode_hitung"] = _blok_hitungan(data)
    teks["analisis_sasaran"] = "\n".join(fragmen_sasaran(data, angka).values())
    teks["jejak_angka"] = fragmen_jejak(angka)
    for md_tabel in sorted((hasil / "tables").glob("*.md")):
        tid = md_tabel.stem
        teks[f"blok_{tid}"] = blok_tabel(tid, judul_tabel(md_tabel.read_text(encoding="utf-8")))
    for nama, md in teks.items():
        tulis_teks(hasil / "teks" / f"{nama}.md", md)
    nilai = variabel(angka, data)
    tulis_teks(
        proyek / "_variables.yml",
        yaml.safe_dump(nilai, allow_unicode=True, sort_keys=True, width=1000),
    )
    return proyek


def _epoch(data: DataTahun) -> str:
    """A fixed build date from the data (the newest data file's git-independent content).

    The report's date must not come from the clock; SOURCE_DATE_EPOCH wins when set.
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    profil = data.teks.get("profil", {}) or {}
    tahun = int((profil.get("penandatanganan") or {}).get("tahun") or data.tahun + 1)
    # 1 January of the signing year, 00:00 UTC
    return str(int(pd.Timestamp(year=tahun, month=1, day=1, tz="UTC").timestamp()))


def render_laporan(
    data: DataTahun, staging: Path, mode: str | None = None, sumber: Path | None = None
) -> dict[str, Path]:
    """Render ``lakip-<YEAR>.{html,pdf,docx}`` into ``staging`` (``sumber``: the report folder)."""
    proyek = siapkan_proyek(data, staging, sumber)
    pilihan = choose_renderer(mode or os.environ.get("RENDERER", "auto"))
    nama = f"lakip-{data.tahun}"
    lama = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = _epoch(data)
    try:
        if pilihan == "quarto":
            keluar = staging / "_quarto_keluaran"
            cmd = quarto_command(proyek, keluar, FORMAT, {"tahun": data.tahun})
            r = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if r.returncode != 0:
                raise RenderError(f"quarto render gagal: {r.stderr.strip()[-2000:]}")
            hasil = {}
            for fmt, ext in (("html", "html"), ("pdf", "pdf"), ("docx", "docx")):
                cocok = sorted(keluar.rglob(f"*.{ext}"))
                if not cocok:
                    raise RenderError(f"quarto tidak menghasilkan berkas .{ext}")
                tujuan = staging / f"{nama}.{ext}"
                shutil.move(cocok[0], tujuan)
                hasil[fmt] = tujuan
            shutil.rmtree(keluar, ignore_errors=True)
            return hasil
        return render_project(proyek, staging, formats=FORMAT, basename=nama)
    finally:
        if lama is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = lama
