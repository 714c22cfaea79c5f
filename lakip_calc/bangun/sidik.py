"""Fingerprints: of a set of files, of the pipeline's code, and of the git checkout.

- :func:`hash_berkas`: one SHA-256 over the relative names and contents of files
  (folders are walked), the one folder fingerprint of the package;
- :func:`berkas_kode`: the source files of the pipeline (or of some of its parts);
- :func:`hash_kode`: the fingerprint of all of them (``code_sha256`` of the manifest);
- :func:`sidik_kode`: the fingerprint of the code every notebook step depends on
  (the package and the lock file; a cache key part);
- :func:`info_git` / :func:`keadaan_git`: the checkout's commit and whether it is dirty.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lakip_calc.bangun.berkas import sha256_berkas
from lakip_calc.paths import ROOT

__all__ = [
    "SUMBER_KODE",
    "hash_berkas",
    "berkas_kode",
    "hash_kode",
    "sidik_kode",
    "info_git",
    "keadaan_git",
]

#: The pipeline's own sources, relative to the project root (folders are walked).
SUMBER_KODE = (
    "lakip_calc",
    "notebooks",
    "report",
    "_extensions",
    "_quarto.yml",
    "pyproject.toml",
    "requirements.lock",
)


def hash_berkas(paths: Iterable[Path], dasar: Path) -> str:
    """SHA-256 over the relative names and contents of files (folders are walked).

    A path that does not exist counts by its name, so that a file appearing
    changes the fingerprint too.
    """
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


def _bukan_kode(rel: Path) -> bool:
    """A file under a source folder that is not source: hidden, cached or generated."""
    return (
        any(b.startswith(".") or b in ("__pycache__", "_hasil") for b in rel.parts)
        or rel.suffix == ".pyc"
        # report/ holds the sources; `quarto render` there writes lakip.* beside them
        or (rel.parts[0] == "report" and rel.suffix not in (".qmd", ".md"))
    )


def berkas_kode(root: Path = ROOT, bagian: Iterable[str] = SUMBER_KODE) -> list[Path]:
    """The source files of ``bagian`` (folders and files relative to ``root``), sorted."""
    hasil: list[Path] = []
    for nama in bagian:
        akar = root / nama
        berkas = akar.rglob("*") if akar.is_dir() else [akar]
        hasil += [p for p in berkas if p.is_file() and not _bukan_kode(p.relative_to(root))]
    return sorted(hasil)


def hash_kode(root: Path = ROOT) -> str:
    """One SHA-256 over every source file of the pipeline (path and content)."""
    return hash_berkas(berkas_kode(root), root)


def sidik_kode(root: Path = ROOT) -> str:
    """The code every notebook step depends on: the package (sources, templates) and the
    lock file. Report sources are left out: editing a chapter re-renders, it re-runs no
    notebook."""
    return hash_berkas(berkas_kode(root, ("lakip_calc", "requirements.lock")), root)


class _TanpaGit(Exception):
    """``git`` is not on PATH (or cannot run)."""


def _git(*args: str, root: Path) -> str | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        r = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=30,
        )
    except OSError:
        raise _TanpaGit from None
    except subprocess.SubprocessError:
        return None
    return r.stdout if r.returncode == 0 else None


def _tanpa_komit(catatan: str) -> dict[str, Any]:
    return {"commit": None, "dirty": None, "catatan": catatan}


def info_git(root: Path = ROOT) -> dict[str, Any]:
    """``{"commit": sha or None, "dirty": bool or None}`` of the project checkout.

    A project that is not a git checkout (no ``.git`` in its root, e.g. an
    extracted source bundle of :mod:`lakip_calc.audit.bundel`) takes both from its
    ``KOMIT.json``, written when the bundle was made; never from a checkout
    that merely encloses the folder. When no commit can be recorded,
    ``catatan`` says why (no ``git`` on PATH, or not a git checkout), so that a
    null commit is never silent.
    """
    bukan_checkout = "bukan checkout git: commit kode tidak tercatat"
    if not (root / ".git").exists():
        try:
            isi = json.loads((root / "KOMIT.json").read_text(encoding="utf-8"))
            return {"commit": isi.get("commit"), "dirty": isi.get("dirty")}
        except (OSError, ValueError, AttributeError):
            return _tanpa_komit(bukan_checkout)
    try:
        commit = _git("rev-parse", "HEAD", root=root)
        if commit is None or not commit.strip():
            return _tanpa_komit(bukan_checkout)
        status = _git("status", "--porcelain", root=root)
    except _TanpaGit:
        return _tanpa_komit("program git tidak ditemukan di PATH: commit kode tidak tercatat")
    return {"commit": commit.strip(), "dirty": None if status is None else bool(status.strip())}


def keadaan_git(root: Path = ROOT) -> str:
    """``<commit>[+dirty]`` of the checkout (``-`` when none is recorded): a cache key part."""
    git = info_git(root)
    return (git["commit"] or "-") + ("+dirty" if git["dirty"] else "")
