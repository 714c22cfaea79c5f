"""The source bundle of a published report: everything needed to rebuild it byte for byte.

Orchestration helper of :mod:`lakip_calc.audit.publikasi`. ``sumber-lakip-<YEAR>.tar.gz``
holds, under one folder ``lakip-<YEAR>/``: the data folders the year reads
(``data/<Y>/`` for every ``Y <= YEAR``), ``lakip_calc/``, ``notebooks/``,
``report/`` (sources only), ``_quarto.yml``, ``_extensions/``, ``Makefile``,
``requirements.in``, ``requirements.lock``, ``pyproject.toml``, ``README.md``
and ``KOMIT.json``: the commit and dirty flag of the build, which
:func:`lakip_calc.bangun.sidik.info_git` reads where there is no git checkout, so
that the rebuilt colophon names the same commit.

The archive is deterministic: entries sorted, one fixed mtime (the report's
``SOURCE_DATE_EPOCH``), owner 0/0 without names, modes 0644/0755, gzip without
a name or time stamp. A bundle is written only when the project's sources and
data are the ones the build recorded (:func:`cek_sumber`).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import tarfile
from pathlib import Path
from typing import Any

from lakip_calc.bangun.berkas import sha256_berkas
from lakip_calc.bangun.sidik import hash_kode
from lakip_calc.errors import LakipError
from lakip_calc.paths import ROOT

__all__ = ["ISI_BUNDEL", "BERKAS_KOMIT", "daftar_isi", "cek_sumber", "tulis_bundel", "nama_bundel"]

#: What a bundle holds besides ``data/`` (folders are walked).
ISI_BUNDEL = (
    "lakip_calc",
    "notebooks",
    "report",
    "_extensions",
    "_quarto.yml",
    "Makefile",
    "requirements.in",
    "requirements.lock",
    "pyproject.toml",
    "README.md",
    ".gitignore",
)
#: The file that stands in for git in an extracted bundle.
BERKAS_KOMIT = "KOMIT.json"
_TAHUN = re.compile(r"[0-9]{4}")


def nama_bundel(tahun: int) -> str:
    return f"sumber-lakip-{tahun}.tar.gz"


def _dilewati(rel: Path, p: Path) -> bool:
    """Generated, cached or linked files that are not sources."""
    return (
        p.is_symlink()
        or not p.is_file()
        or any(b in ("__pycache__", "_hasil", ".ipynb_checkpoints") for b in rel.parts)
        or p.suffix == ".pyc"
        or (rel.parts[0] == "report" and p.suffix not in (".qmd", ".md"))
    )


def daftar_isi(tahun: int, root: Path = ROOT, data_dir: Path | None = None) -> dict[str, Path]:
    """The bundle's files: path inside the bundle -> file, sorted.

    ``data_dir`` (default ``root/data``) becomes ``data/`` in the bundle, with
    every year up to ``tahun`` (a year never reads later folders).
    """
    hasil: dict[str, Path] = {}
    for n in ISI_BUNDEL:
        a = root / n
        for p in sorted(a.rglob("*")) if a.is_dir() else [a]:
            rel = p.relative_to(root)
            if p.exists() and not _dilewati(rel, p):
                hasil[rel.as_posix()] = p
    data = data_dir or root / "data"
    for p in sorted(data.rglob("*")) if data.is_dir() else []:
        rel = p.relative_to(data)
        if _TAHUN.fullmatch(rel.parts[0]) and int(rel.parts[0]) > tahun:
            continue
        if not _dilewati(Path("data") / rel, p):
            hasil[f"data/{rel.as_posix()}"] = p
    return dict(sorted(hasil.items()))


def cek_sumber(
    manifest: dict[str, Any], tahun: int, data_dir: Path | None = None, root: Path = ROOT
) -> None:
    """Raise LakipError unless the project's code and data are the ones the build recorded."""
    beda = []
    if manifest.get("code_sha256") != hash_kode(root):
        beda.append("kode (code_sha256)")
    data = data_dir or root / "data"
    for kunci, h in sorted((manifest.get("inputs") or {}).items()):
        p = data / kunci.removeprefix("data/")
        if not p.is_file() or sha256_berkas(p) != h:
            beda.append(kunci)
    if beda:
        raise LakipError(
            f"sumber proyek tidak sama dengan yang membangun build/{tahun}: "
            f"{', '.join(beda[:8])}{' dan lainnya' if len(beda) > 8 else ''}. "
            f"Bangun ulang dulu (make report YEAR={tahun}), lalu terbitkan."
        )


def _info(nama: str, ukuran: int, mode: int, epoch: int) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(nama)
    ti.size, ti.mode, ti.mtime = ukuran, mode, epoch
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    return ti


def tulis_bundel(
    tujuan: Path,
    tahun: int,
    git: dict[str, Any],
    epoch: int,
    root: Path = ROOT,
    data_dir: Path | None = None,
) -> Path:
    """Write the deterministic source bundle of ``tahun`` to ``tujuan``."""
    folder = f"lakip-{tahun}"
    komit = json.dumps(
        {"commit": git.get("commit"), "dirty": git.get("dirty")}, indent=1, sort_keys=True
    )
    isi: list[tuple[str, bytes, int]] = [(BERKAS_KOMIT, (komit + "\n").encode(), 0o644)]
    for rel, p in daftar_isi(tahun, root, data_dir).items():
        mode = 0o755 if os.access(p, os.X_OK) else 0o644
        isi.append((rel, p.read_bytes(), mode))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs: set[str] = set()
        for rel, raw, mode in sorted(isi):
            bagian = rel.split("/")
            for i in range(1, len(bagian)):
                d = "/".join(bagian[:i])
                if d not in dirs:
                    dirs.add(d)
                    ti = _info(f"{folder}/{d}", 0, 0o755, epoch)
                    ti.type = tarfile.DIRTYPE
                    tar.addfile(ti)
            tar.addfile(_info(f"{folder}/{rel}", len(raw), mode, epoch), io.BytesIO(raw))
    tujuan.parent.mkdir(parents=True, exist_ok=True)
    with open(tujuan, "wb") as f, gzip.GzipFile(filename="", fileobj=f, mode="wb", mtime=0) as gz:
        gz.write(buf.getvalue())
    return tujuan
