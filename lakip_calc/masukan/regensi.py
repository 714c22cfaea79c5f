"""The two layouts of a data folder: one office, or the offices of a regency or city.

A data folder (``DATA``, default ``data/``) holds either

- one office (OPD): its year folders directly, ``<DATA>/<YEAR>/`` (the project's own
  ``data/``), or
- several offices of one regency or city: one folder per office, named by a
  slug (lower-case letters, digits and hyphens, e.g. ``dinas-sosial``), each
  holding that office's year folders, ``<DATA>/<office>/<YEAR>/``.

:func:`kenali` tells which; a folder that mixes both, or names an office folder
with anything but a slug, is refused with an Indonesian message. Every command
then works on one office's folder (:meth:`TataLetak.folder_opd`), so that an
office reads its earlier years (its history) only from its own folder, and
builds into its own ``build/<office>/<YEAR>/``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from lakip_calc.errors import ConfigError
from lakip_calc.paths import BUILD, DATA, tampil

__all__ = ["TataLetak", "kenali", "cek_slug", "SLUG"]

#: An office folder name: lower-case letters and digits in words joined by hyphens.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TAHUN = re.compile(r"[0-9]{4}")
_CONTOH = "dinas-sosial"


def cek_slug(opd: str) -> str:
    """Return ``opd`` when it is a valid office folder name, else raise ConfigError."""
    if not SLUG.fullmatch(opd) or _TAHUN.fullmatch(opd):
        raise ConfigError(
            f"nama instansi (OPD) tidak sah: {opd!r}. Pakai nama folder instansinya: huruf "
            f"kecil, angka dan tanda hubung, misalnya OPD={_CONTOH}."
        )
    return opd


def _folder_tahun(folder: Path) -> list[str]:
    """Names of the year folders (four digits) directly inside ``folder``, sorted."""
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and _TAHUN.fullmatch(p.name))


@dataclass(frozen=True)
class TataLetak:
    """The layout of a data folder.

    ``opd`` lists the office folders of a regency folder (sorted), and is empty
    for a folder of one office.
    """

    akar: Path
    opd: tuple[str, ...] = ()

    @property
    def regensi(self) -> bool:
        """Whether the folder holds several offices (``<DATA>/<office>/<YEAR>/``)."""
        return bool(self.opd)

    def folder_opd(self, opd: str | None) -> Path:
        """The folder that holds the year folders of ``opd`` (the data folder itself for one office).

        Raises ConfigError for an office the folder does not have, for a regency
        folder without ``opd`` and for ``opd`` given with a one-office folder.
        """
        if not self.regensi:
            if opd is not None:
                raise ConfigError(
                    f"OPD={opd} diberikan, tetapi folder data {tampil(self.akar)}/ berisi data "
                    "satu instansi (folder tahun langsung di dalamnya). Hapus OPD, atau "
                    "arahkan DATA ke folder yang berisi satu folder per instansi."
                )
            return self.akar
        if opd is None:
            raise ConfigError(
                f"folder data {tampil(self.akar)}/ berisi {len(self.opd)} instansi; pilih satu "
                f"dengan OPD=<instansi> (ada: {', '.join(self.opd)})."
            )
        cek_slug(opd)
        if opd not in self.opd:
            mirip = difflib.get_close_matches(opd, self.opd, n=1)
            saran = f" Maksudnya OPD={mirip[0]}?" if mirip else ""
            raise ConfigError(
                f"instansi {opd!r} tidak ada di folder data {tampil(self.akar)}/ "
                f"(ada: {', '.join(self.opd)}).{saran}"
            )
        return self.akar / opd

    def build_opd(self, opd: str | None, build_dir: Path | None = None) -> Path:
        """The build root of ``opd``: ``build/<office>`` in a regency, ``build`` otherwise."""
        akar = build_dir or BUILD
        return akar / opd if self.regensi and opd is not None else akar

    def opd_dengan_tahun(self, tahun: int) -> list[str]:
        """The offices that have a folder for ``tahun``."""
        return [o for o in self.opd if (self.akar / o / str(tahun)).is_dir()]


def kenali(akar: Path | None = None) -> TataLetak:
    """The layout of the data folder ``akar`` (default ``data/``).

    Year folders directly inside: one office. Folders whose name is a slug and
    which hold year folders: one office each. Both at once, or an office-like
    folder whose name is not a slug, is a ConfigError naming the folders.
    Hidden folders, files and folders without year folders are ignored.
    """
    akar = Path(akar or DATA)
    if not akar.is_dir():
        return TataLetak(akar)  # the loader reports the missing year folder
    tahun: list[str] = []
    opd: list[str] = []
    for p in sorted(akar.iterdir()):
        if not p.is_dir() or p.name.startswith("."):
            continue
        if _TAHUN.fullmatch(p.name):
            tahun.append(p.name)
        elif _folder_tahun(p):
            if not SLUG.fullmatch(p.name):
                raise ConfigError(
                    f"nama folder instansi tidak sah: {tampil(p)}. Pakai huruf kecil, angka "
                    f"dan tanda hubung saja, misalnya {_CONTOH}."
                )
            opd.append(p.name)
    if tahun and opd:
        raise ConfigError(
            f"folder data {tampil(akar)}/ bercampur: ada folder tahun langsung di dalamnya "
            f"({', '.join(tahun)}) dan folder instansi ({', '.join(opd)}). Satu folder data "
            "berisi satu instansi (<DATA>/<TAHUN>/) atau semua instansi satu kabupaten/kota "
            "(<DATA>/<instansi>/<TAHUN>/), tidak keduanya: pindahkan folder tahun itu ke "
            "folder instansinya."
        )
    return TataLetak(akar, tuple(opd))
