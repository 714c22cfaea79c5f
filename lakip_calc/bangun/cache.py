"""Content hashes that decide whether a build step must run again.

A step's key is the SHA-256 of everything it depends on: the notebook's source,
its parameters (the staging folder excepted), the data files it reads, the
``lakip_calc`` sources and templates, the dependency lock, and the keys of the
steps whose outputs it reads. Equal key, equal outputs: the previous build's
outputs are reused and no kernel starts. Unlike Quarto's freeze, a change to
the data or to the code changes the keys of exactly the steps that depend on
it (and of the steps downstream of those).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from lakip_calc.bangun.berkas import sha256_berkas
from lakip_calc.paths import ROOT

__all__ = [
    "hash_berkas",
    "sidik_kode",
    "kunci",
    "baca_cache",
    "keadaan_git",
    "berkas_data",
    "BERKAS_CACHE",
]

#: Where a build records the keys of its steps (inside build/<YEAR>/).
BERKAS_CACHE = "cache.json"


def hash_berkas(paths: Iterable[Path], dasar: Path) -> str:
    """SHA-256 over the relative names and contents of files (folders are walked)."""
    h = hashlib.sha256()
    semua: list[Path] = []
    for p in paths:
        if p.is_dir():
            semua += [q for q in p.rglob("*") if q.is_file() and "__pycache__" not in q.parts]
        elif p.is_file():
            semua.append(p)
        else:
            h.update(f"hilang:{p.as_posix()}\n".encode())
    for p in sorted(set(semua)):
        rel = p.relative_to(dasar).as_posix() if p.is_relative_to(dasar) else p.as_posix()
        h.update(rel.encode() + b"\0")
        h.update(bytes.fromhex(sha256_berkas(p)))
    return h.hexdigest()


def sidik_kode() -> str:
    """The code every step depends on: the package (sources, templates) and the lock file."""
    return hash_berkas([ROOT / "lakip_calc", ROOT / "requirements.lock"], ROOT)


def kunci(*bagian: object) -> str:
    """Combine strings and JSON-able values into one key."""
    teks = json.dumps([str(b) if isinstance(b, Path) else b for b in bagian], sort_keys=True)
    return hashlib.sha256(teks.encode()).hexdigest()


def baca_cache(folder: Path) -> dict:
    """The step keys recorded by the build in ``folder`` (empty when none)."""
    p = folder / BERKAS_CACHE
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def keadaan_git(root: Path = ROOT) -> str:
    """``<commit>[+dirty]`` of the checkout (the report's colophon prints both)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}

    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, env=env, check=False
            )
        except OSError:
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    commit = git("rev-parse", "HEAD") or "-"
    status = git("status", "--porcelain")
    return commit + ("+dirty" if status else "")


def berkas_data(folder_data: Path, tahun: int, nama: Iterable[str]) -> list[Path]:
    """The data files a step reads: in ``<tahun>/`` and, as the loader also reads
    earlier years' records, the same names in every earlier year folder (``*``: all)."""
    folder = folder_data / str(tahun)
    lalu = sorted(
        p for p in folder_data.glob("[0-9][0-9][0-9][0-9]") if p.is_dir() and int(p.name) < tahun
    )
    hasil: list[Path] = []
    for n in nama:
        if n == "*":
            hasil.append(folder)
            hasil += lalu
        else:
            hasil.append(folder / n)
            hasil += [p / n for p in lalu if (p / n).exists()]
    return hasil
