"""What a load of a year read: every data file opened or probed, every folder listed.

The loader (:func:`lakip_calc.masukan.loader.muat_tahun`) records each path it
touches, relative to the year's folder (``program.csv``, ``../2022/keluaran.csv``,
``teks/``), with what it found there:

- a file it read: the SHA-256 of the bytes it read;
- a file it looked for and did not find (an optional table, an earlier year's
  file): :data:`TIDAK_ADA` (or :data:`BUKAN_BERKAS` when a folder stands there);
- a folder it listed (the path ends in ``/``): the fingerprint of the names it
  kept (:func:`sidik_nama`). ``../`` stands for the earlier years' folders beside
  the year's (:func:`tahun_lalu`: which of them exist); any other folder for the
  text files under it (:func:`berkas_teks`). A file the loader skips, or a later
  year's folder, is not in the listing: it changes nothing.

A notebook shows this record as an output (:func:`lakip_calc.bangun.notebook.muat`,
MIME type :data:`MIME`), and the build keys the notebook's next run on it
(:mod:`lakip_calc.bangun.cache`): whatever the notebook's table list says, a
change to any path it touched, an absent file appearing included, runs it again.
The listing rules are here, used by the loader and by the build alike, so that
both fingerprint a path the same way.

This module imports neither pandas nor the loader: the build reads records
before its notebook workers start.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from lakip_calc.bangun.berkas import sha256_berkas

__all__ = [
    "MIME",
    "TIDAK_ADA",
    "BUKAN_BERKAS",
    "TAHUN_LALU",
    "CatatanBaca",
    "berkas_teks",
    "tahun_lalu",
    "sidik_nama",
    "sidik_jalur",
]

#: The MIME type of the record in an executed notebook's outputs.
MIME = "application/vnd.lakip.dibaca+json"
#: A path looked for and not found.
TIDAK_ADA = "tidak ada"
#: A path looked for as a file where something else (a folder) stands.
BUKAN_BERKAS = "bukan berkas"
#: A path that held two different things during one load: matches nothing later.
BERUBAH = "berubah selama dimuat"


#: The record's entry for the earlier years' folders beside the year's folder.
TAHUN_LALU = "../"
#: Suffixes of the files the loader reads under ``teks/``.
SUFIKS_TEKS = (".yaml", ".yml", ".md")


def berkas_teks(base: Path) -> list[Path]:
    """The text files under ``base`` (recursively) that the loader reads, sorted."""
    if not base.is_dir():
        return []
    return [p for p in sorted(base.rglob("*")) if p.suffix in SUFIKS_TEKS and p.is_file()]


def tahun_lalu(data_root: Path, tahun: int) -> list[int]:
    """Years before ``tahun`` that have a folder in ``data_root``, newest first."""
    if not data_root.is_dir():
        return []
    return sorted(
        (
            int(p.name)
            for p in data_root.iterdir()
            if p.is_dir() and re.fullmatch(r"[0-9]{4}", p.name) and int(p.name) < tahun
        ),
        reverse=True,
    )


def sidik_nama(nama: Iterable[str]) -> str:
    """The fingerprint of a listing: the names kept, in order."""
    return "daftar " + hashlib.sha256("\n".join(nama).encode()).hexdigest()


def _sidik_folder(folder: Path, nama: Iterable[str]) -> str:
    if not folder.is_dir():
        return BUKAN_BERKAS if folder.exists() else TIDAK_ADA
    return sidik_nama(nama)


def sidik_jalur(folder: Path, rel: str) -> str:
    """What the recorded path ``rel`` (relative to the year's ``folder``) holds now,
    fingerprinted as the loader records it."""
    p = folder / rel
    if rel == TAHUN_LALU:
        tahun = int(folder.name) if re.fullmatch(r"[0-9]{4}", folder.name) else 0
        return _sidik_folder(p, (str(y) for y in tahun_lalu(p, tahun)))
    if rel.endswith("/"):
        return _sidik_folder(p, (b.relative_to(p).as_posix() for b in berkas_teks(p)))
    if p.is_file():
        return sha256_berkas(p)
    return BUKAN_BERKAS if p.exists() else TIDAK_ADA


class CatatanBaca:
    """The record of one load: path relative to ``folder`` -> what it held."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._isi: dict[str, str] = {}

    def _catat(self, p: Path, nilai: str, daftar: bool = False) -> None:
        rel = Path(os.path.relpath(p, self.folder)).as_posix() + ("/" if daftar else "")
        lama = self._isi.setdefault(rel, nilai)
        if lama != nilai:
            self._isi[rel] = BERUBAH

    def ada(self, p: Path) -> bool:
        """Whether ``p`` is a file; a look that finds none is recorded (it may appear later)."""
        if p.is_file():
            return True
        self._catat(p, BUKAN_BERKAS if p.exists() else TIDAK_ADA)
        return False

    def baca(self, p: Path, isi: bytes) -> bytes:
        """Record the bytes read from ``p``; return them."""
        self._catat(p, hashlib.sha256(isi).hexdigest())
        return isi

    def daftar(self, folder: Path, nama: Iterable[str]) -> None:
        """Record the names the loader kept from ``folder``'s listing (see the module)."""
        self._catat(folder, _sidik_folder(folder, nama), daftar=True)

    def hasil(self) -> dict[str, str]:
        """The record, sorted by path."""
        return dict(sorted(self._isi.items()))
