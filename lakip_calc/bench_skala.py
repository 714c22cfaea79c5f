"""The benchmark's scale series: cold builds of 1x, 10x, 100x copies of a year's data.

Each copy is made by :func:`lakip_calc.skala.salin_berlipat` (every kegiatan with
its sub kegiatan present N times, new codes). Each cold build runs
``python -m lakip_calc laporan`` as a child while this process samples the
proportional set size (PSS, ``/proc/<pid>/smaps_rollup``) of the child and all
its descendants (kernels, pandoc, Typst) and keeps the largest sum. The growth
exponent between the two largest scales is ``log(t2 / t1) / log(n2 / n1)``:
1 is linear, 2 quadratic. Figures only: nothing here asserts a speed.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path

from lakip_calc.skala import salin_berlipat

__all__ = ["pss_pohon", "ukur_skala", "cetak_skala", "pilih_skala"]

#: Scales measured by default, and by the CI smoke run (``BENCH_ULANG=1``).
SKALA_BAWAAN = (1, 10, 100)
SKALA_SINGKAT = (1, 10)


def pilih_skala(teks: str | None, ulang: int) -> tuple[int, ...]:
    """Scales from ``BENCH_SKALA`` (``"1,10,100"``; ``"0"`` or ``"-"``: none).

    >>> pilih_skala("1, 10", 3), pilih_skala(None, 1), pilih_skala("-", 3)
    ((1, 10), (1, 10), ())
    """
    if teks is None or not teks.strip():
        return SKALA_SINGKAT if ulang == 1 else SKALA_BAWAAN
    if teks.strip() in ("0", "-"):
        return ()
    try:
        skala = tuple(int(x) for x in teks.split(","))
    except ValueError:
        raise SystemExit(f"GALAT: BENCH_SKALA tidak sah: {teks!r} (contoh: 1,10,100)") from None
    if any(n < 1 for n in skala):
        raise SystemExit(f"GALAT: BENCH_SKALA tidak sah: {teks!r} (setiap skala >= 1)")
    return tuple(sorted(set(skala)))


def _anak(ppid_dari: dict[int, int], akar: int) -> list[int]:
    """``akar`` and all its descendants."""
    anak: dict[int, list[int]] = {}
    for pid, ppid in ppid_dari.items():
        anak.setdefault(ppid, []).append(pid)
    hasil, antre = [], [akar]
    while antre:
        pid = antre.pop()
        hasil.append(pid)
        antre.extend(anak.get(pid, []))
    return hasil


def _ppid_semua() -> dict[int, int]:
    ppid: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue  # the process ended meanwhile
        ppid[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
    return ppid


def _pss_kb(pid: int) -> int:
    try:
        for baris in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if baris.startswith("Pss:"):
                return int(baris.split()[1])
    except OSError:
        pass  # ended meanwhile, or not ours to read
    return 0


def pss_pohon(akar: int) -> int:
    """PSS in KiB summed over process ``akar`` and its descendants (0 where unreadable)."""
    return sum(_pss_kb(pid) for pid in _anak(_ppid_semua(), akar))


def _bangun_dingin(tahun: str, data: Path, build: Path, jeda: float = 0.2) -> dict:
    """One cold build; wall seconds and the peak PSS of its process tree."""
    env = {**os.environ, "CI": "1", "RENDERER": "builtin"}
    cmd = [sys.executable, "-m", "lakip_calc", "laporan", "--tahun", tahun]
    cmd += ["--data", str(data), "--build", str(build)]
    t = time.perf_counter()
    proses = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    puncak = 0
    while proses.poll() is None:
        puncak = max(puncak, pss_pohon(proses.pid))
        try:
            proses.wait(timeout=jeda)
        except subprocess.TimeoutExpired:
            pass
    galat = proses.stderr.read() if proses.stderr else ""
    detik = time.perf_counter() - t
    if proses.returncode != 0:
        raise SystemExit(f"GALAT: bangun {data} gagal:\n{galat[-4000:]}")
    return {"detik": detik, "pss_kb": puncak}


def ukur_skala(tahun: str, asal: Path, kerja: Path, skala: tuple[int, ...]) -> list[dict]:
    """Cold build of each scale's copy of ``asal/<tahun>``; one row per scale."""
    hasil = []
    for n in skala:
        data = kerja / f"skala{n}"
        salin_berlipat(int(tahun), n, data, asal)
        jumlah_sub = sum(1 for _ in (data / tahun / "sub_kegiatan.csv").open()) - 1
        ukur = _bangun_dingin(tahun, data, kerja / f"build{n}")
        hasil.append({"kali": n, "sub_kegiatan": jumlah_sub, **ukur})
    return hasil


def eksponen(a: dict, b: dict) -> float:
    """Growth exponent of wall time from row ``a`` to row ``b``.

    >>> round(eksponen({"kali": 10, "detik": 2.0}, {"kali": 100, "detik": 20.0}), 2)
    1.0
    """
    return math.log(b["detik"] / a["detik"]) / math.log(b["kali"] / a["kali"])


def cetak_skala(hasil: list[dict]) -> list[str]:
    """The scale series as lines of text (a Markdown table, then the exponent)."""
    if not hasil:
        return []
    dasar = hasil[0]["detik"]
    baris = [
        "Seri skala (bangun dingin, renderer bawaan; PSS: jumlah semua proses, termasuk kernel):",
        "",
        "| data | sub kegiatan | waktu (dtk) | rasio thd 1x | puncak PSS (MiB) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in hasil:
        baris.append(
            f"| {r['kali']}x | {r['sub_kegiatan']} | {r['detik']:.1f} | "
            f"{r['detik'] / dasar:.1f}x | {r['pss_kb'] / 1024:.0f} |"
        )
    if len(hasil) >= 2:
        a, b = hasil[-2], hasil[-1]
        baris.append("")
        baris.append(
            f"Eksponen pertumbuhan waktu {a['kali']}x -> {b['kali']}x: {eksponen(a, b):.2f} "
            f"(waktu x{b['detik'] / a['detik']:.1f} untuk data x{b['kali'] // a['kali']}; "
            "1 = linear, 2 = kuadratik)"
        )
    return baris
