"""Benchmark: build times measured against the floor of the same machine, same run.

``python -m lakip_calc.bench [--tahun 2023] [--ulang 3] [--data DIR] [--opd OFFICE]`` prints,
for a year of one office (a copy of its year folder):

- a cold build (empty build folder: every notebook runs, the report renders),
- a no-op rebuild (nothing changed),
- a rebuild after one data file changed (a copy of the data; which notebooks ran),
- ``verifikasi`` (the auditor's re-execution),

and beside them the floor measured in the same run: one kernel start running
an empty notebook through the same executor, and an empty document through the
same renderer (HTML and PDF). It prints medians over the runs, ratios to the
floor and the peak memory of each command. Last comes the scale series
(:mod:`lakip_calc.bench_skala`): cold builds of 1x, 10x and 100x copies of the
data with wall time, peak PSS of all the build's processes and the growth
exponent (``--skala`` / ``BENCH_SKALA``; ``1,10`` by default with ``--ulang 1``). The builds use the built-in
renderer; the staged report of the cold build is then rendered once more by
the built-in renderer and, when installed, by Quarto, side by side. Figures
only: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from lakip_calc.bench_skala import cetak_skala, pilih_skala, ukur_skala
from lakip_calc.errors import LakipError
from lakip_calc.masukan.regensi import kenali
from lakip_calc.paths import DATA

__all__ = ["main"]

_UKUR = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    t = time.perf_counter()
    r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"detik": dt, "rc": r.returncode, "kb": rss,
                      "out": r.stdout[-4000:], "err": r.stderr[-4000:]}))
    """
)


def _ukur(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd`` in a child that reports wall time and peak RSS of its descendants."""
    r = subprocess.run(
        [sys.executable, "-c", _UKUR, *cmd],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "1", "RENDERER": "builtin", **(env or {})},
        check=True,
    )
    hasil = json.loads(r.stdout)
    if hasil["rc"] != 0:
        raise SystemExit(f"GALAT: perintah gagal: {' '.join(cmd)}\n{hasil['err']}")
    return hasil


def _lakip(*args: str) -> list[str]:
    return [sys.executable, "-m", "lakip_calc", *args]


_LANTAI_NB = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import nbformat
    from lakip_calc.bangun.runner import jalankan_notebook
    d = Path(sys.argv[1])
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(
            "tahun = 0", id="parameters", metadata={"tags": ["parameters"]})],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    nbformat.write(nb, d / "kosong.ipynb")
    jalankan_notebook(d / "kosong.ipynb", d / "hasil.ipynb", {"tahun": 1})
    """
)

_LANTAI_RENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lakip_calc.render import render_project
    d = Path(sys.argv[1])
    (d / "p").mkdir(exist_ok=True)
    (d / "p" / "_quarto.yml").write_text(
        "project:\\n  render: [index.qmd]\\ntitle: Kosong\\nformat: [html, typst]\\n"
    )
    (d / "p" / "index.qmd").write_text("# Kosong\\n")
    render_project(d / "p", d / "o", formats=tuple(sys.argv[2].split(",")), basename="kosong")
    """
)


_RENDER_BAWAAN = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lakip_calc.render import render_project
    from lakip_calc.bangun.laporan import FORMAT, FORMAT_PENDAMPING, LAPORAN, PENDAMPING
    for dokumen, formats in ((PENDAMPING, FORMAT_PENDAMPING), (LAPORAN, FORMAT)):
        render_project(Path(sys.argv[1]), Path(sys.argv[2]), formats, document=dokumen)
    """
)


def _render_sama(proyek: Path, kerja: Path, n: int) -> list[str]:
    """The same staged report project rendered by the built-in renderer and by Quarto."""
    bawaan, quarto = [], []
    for i in range(n):
        salinan = kerja / f"render{i}"
        shutil.copytree(proyek, salinan)
        bawaan.append(
            _ukur([sys.executable, "-c", _RENDER_BAWAAN, str(salinan), str(kerja / f"o{i}")])
        )
        if shutil.which("quarto"):
            quarto.append(_ukur(["quarto", "render", str(salinan)]))
    baris = ["Render proyek laporan yang sama (laporan dan dokumen pendampingnya):"]
    baris.append(_baris("renderer bawaan (pandoc + Typst)", bawaan, None))
    if quarto:
        baris.append(_baris("Quarto (quarto render)", quarto, None))
    else:
        baris.append("  Quarto                                 tidak terpasang, tidak diukur")
    return baris


def _ukur_lantai(kerja: Path, n: int) -> tuple[list[dict], list[dict], list[dict]]:
    """The floor, ``n`` times: an empty notebook, an empty document to HTML and to PDF."""
    lantai_nb, lantai_html, lantai_pdf = [], [], []
    for i in range(n):
        d = kerja / f"lantai{i}"
        d.mkdir()
        lantai_nb.append(_ukur([sys.executable, "-c", _LANTAI_NB, str(d)]))
        lantai_html.append(_ukur([sys.executable, "-c", _LANTAI_RENDER, str(d), "html"]))
        lantai_pdf.append(_ukur([sys.executable, "-c", _LANTAI_RENDER, str(d), "pdf"]))
    return lantai_nb, lantai_html, lantai_pdf


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _baris(nama: str, runs: list[dict], lantai: float | None) -> str:
    t = _median([r["detik"] for r in runs])
    mem = max(r["kb"] for r in runs) / 1024
    rasio = f"{t / lantai:5.2f}x" if lantai else "   - "
    return f"  {nama:<38} {t:7.2f} dtk  {rasio}  puncak {mem:6.0f} MiB"


def _notebook_dijalankan(log: Path) -> list[str]:
    """Notebooks the last build executed (build.log marks reused ones as 'dipakai ulang')."""
    if not log.exists():
        return []
    return [
        b.split()[1].rstrip(":")
        for b in log.read_text(encoding="utf-8").splitlines()
        if b.startswith("notebook ") and "dipakai ulang" not in b
    ]


def _ubah_satu_sel(psks: Path) -> str:
    """Add one to the first ``jumlah`` of ``psks.csv``; return the file's text before."""
    isi = psks.read_text(encoding="utf-8")
    baris = isi.splitlines()
    j = baris[0].split(",").index("jumlah")
    sel = baris[1].split(",")
    sel[j] = str(int(sel[j]) + 1)
    baris[1] = ",".join(sel)
    psks.write_text("\n".join(baris) + "\n", encoding="utf-8")
    return isi


def _ukur_pipeline(tahun: str, data: Path, build: Path, n: int) -> dict:
    """Cold, no-op and one-file builds and the verification, ``n`` times each."""
    lap = ["laporan", "--tahun", tahun, "--data", str(data), "--build", str(build)]
    verifikasi = ["verifikasi", "--tahun", tahun, "--data", str(data), "--build", str(build)]
    hasil: dict = {"dingin": [], "noop": [], "satu": [], "verif": [], "dijalankan": []}
    for _ in range(n):
        shutil.rmtree(build, ignore_errors=True)
        hasil["dingin"].append(_ukur(_lakip(*lap)))
        hasil["noop"].append(_ukur(_lakip(*lap)))
        psks = data / tahun / "psks.csv"
        isi = _ubah_satu_sel(psks)
        hasil["satu"].append(_ukur(_lakip(*lap)))
        hasil["dijalankan"] = _notebook_dijalankan(build / tahun / "build.log")
        psks.write_text(isi, encoding="utf-8")
        _ukur(_lakip(*lap))  # back to the original data
        try:
            hasil["verif"].append(_ukur(_lakip(*verifikasi)))
        except SystemExit as e:
            print(f"  (verifikasi tidak diukur: {e})")
            hasil["verif"] = []
            break
    return hasil


def _cetak(tahun: str, n: int, lantai: tuple[list, list, list], hasil: dict) -> None:
    from lakip_calc.bangun.pipeline import LANGKAH, gelombang

    lantai_nb, lantai_html, lantai_pdf = lantai
    waves = len(gelombang(LANGKAH))
    t_nb = _median([r["detik"] for r in lantai_nb])
    t_html = _median([r["detik"] for r in lantai_html])
    t_pdf = _median([r["detik"] for r in lantai_pdf])
    lantai_bangun = waves * t_nb + t_html + t_pdf
    print(f"Benchmark LAKIP {tahun}: median dari {n} kali, {os.cpu_count()} CPU")
    print("Lantai (diukur pada run yang sama):")
    print(_baris("1 kernel, notebook kosong", lantai_nb, None))
    print(_baris("dokumen kosong -> HTML", lantai_html, None))
    print(_baris("dokumen kosong -> PDF", lantai_pdf, None))
    print(
        f"  lantai bangun = {waves} gelombang x kernel + render HTML + PDF = {lantai_bangun:.2f} dtk"
    )
    print("Pipeline (rasio terhadap lantai bangun):")
    print(_baris("bangun dingin (tanpa cache)", hasil["dingin"], lantai_bangun))
    print(_baris("bangun ulang tanpa perubahan", hasil["noop"], lantai_bangun))
    print(_baris("bangun ulang, psks.csv berubah", hasil["satu"], lantai_bangun))
    print(f"    notebook yang dijalankan ulang: {', '.join(hasil['dijalankan']) or '-'}")
    if hasil["verif"]:
        print(_baris("verifikasi", hasil["verif"], lantai_bangun))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="lakip-bench", description="Benchmark pipeline LAKIP.")
    ap.add_argument("--tahun", default="2023")
    ap.add_argument("--ulang", type=int, default=3, help="jumlah pengulangan per ukuran")
    ap.add_argument("--data", type=Path, default=None, help="folder data (bawaan: data/)")
    ap.add_argument("--opd", default=None, help="instansi di folder data beberapa instansi")
    ap.add_argument(
        "--skala",
        default=os.environ.get("BENCH_SKALA"),
        help="seri skala, mis. 1,10,100 (bawaan: 1,10,100; 1,10 bila --ulang 1; 0: tanpa seri)",
    )
    args = ap.parse_args(argv)
    n = max(1, args.ulang)
    skala = pilih_skala(args.skala, n)
    try:
        sumber = kenali(args.data or DATA).folder_opd(args.opd) / args.tahun
    except LakipError as e:
        raise SystemExit(f"GALAT: {e}") from None
    kerja = Path(tempfile.mkdtemp(prefix="lakip-bench-"))
    try:
        data = kerja / "data"
        shutil.copytree(sumber, data / args.tahun)
        build = kerja / "build"
        lantai = _ukur_lantai(kerja, n)
        hasil = _ukur_pipeline(args.tahun, data, build, n)
        _cetak(args.tahun, n, lantai, hasil)
        print("\n".join(_render_sama(build / args.tahun / "proyek", kerja, n)))
        print("\n".join(cetak_skala(ukur_skala(args.tahun, sumber.parent, kerja / "skala", skala))))
        return 0
    finally:
        shutil.rmtree(kerja, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
