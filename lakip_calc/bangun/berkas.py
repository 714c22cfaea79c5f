"""File helpers shared by every module that writes or fingerprints a file.

- :func:`tulis_atomik` / :func:`tulis_semua_atomik`: a file (or a set of files, all
  or nothing) is written whole to a temporary file in the target folder and then
  moved into place, so that a reader never sees half a file and a failure leaves
  no temporary file;
- :func:`tautan_atomik`: a symbolic link replaced in one step;
- :func:`pindahkan`: a finished file moved into place (the one rename of the package
  outside folder swaps);
- :func:`sha256_berkas`: the SHA-256 of a file's bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["tulis_atomik", "tulis_semua_atomik", "tautan_atomik", "pindahkan", "sha256_berkas"]


def pindahkan(sumber: str | Path, tujuan: str | Path) -> Path:
    """Move ``sumber`` onto ``tujuan`` in one step (same file system), replacing it."""
    os.replace(sumber, tujuan)
    return Path(tujuan)


def _sementara(path: Path, isi: bytes) -> Path:
    """``isi`` in a new temporary file beside ``path`` (flushed to disk, mode 0644)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(isi)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def tulis_semua_atomik(berkas: Mapping[Path, bytes]) -> None:
    """Write every file to a temporary file first, then move them all into place.

    Nothing is replaced until every temporary file is written; no temporary
    file is left, whatever happens.
    """
    sementara: dict[Path, Path] = {}
    try:
        for path, isi in berkas.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            sementara[path] = _sementara(path, isi)
        for path, tmp in sementara.items():
            pindahkan(tmp, path)
    finally:
        for tmp in sementara.values():
            tmp.unlink(missing_ok=True)


def tulis_atomik(path: str | Path, isi: bytes) -> Path:
    """Write ``isi`` to ``path`` through a temporary file in the same folder."""
    path = Path(path)
    tulis_semua_atomik({path: isi})
    return path


def tautan_atomik(nama: Path, sasaran: str) -> None:
    """Point the symbolic link ``nama`` at ``sasaran``, replacing what was there in one step."""
    tmp = nama.with_name(f".{nama.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(sasaran)
    try:
        pindahkan(tmp, nama)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sha256_berkas(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for blok in iter(lambda: f.read(1 << 20), b""):
            h.update(blok)
    return h.hexdigest()
