"""The office's identity from ``teks/profil.yaml``: office, region, head of region.

Nothing in the code or in ``report/`` names a regency, city, province or the
title of its head: a Kabupaten is headed by a Bupati, a Kota by a Wali Kota,
and both come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lakip_calc.errors import DataError

__all__ = ["JENIS_DAERAH", "Profil", "baca_profil"]

#: The kinds of region an office can belong to, with the title of the region's head.
JENIS_DAERAH = {"Kabupaten": "Bupati", "Kota": "Wali Kota"}

_BERKAS = "teks/profil.yaml"


@dataclass(frozen=True)
class Profil:
    """The identity of one office (OPD)."""

    instansi: str
    jenis_daerah: str
    daerah: str
    provinsi: str
    kepala_nama: str
    kepala_jabatan: str
    kepala_daerah_nama: str | None

    @property
    def nama_daerah(self) -> str:
        """``Kabupaten Tanjung Jabung Barat``, ``Kota Samarinda``."""
        return f"{self.jenis_daerah} {self.daerah}"

    @property
    def pemerintah(self) -> str:
        """``Pemerintah Kota Samarinda``."""
        return f"Pemerintah {self.nama_daerah}"

    @property
    def jabatan_kepala_daerah(self) -> str:
        """``Bupati Tanjung Jabung Barat`` or ``Wali Kota Samarinda``."""
        return f"{JENIS_DAERAH[self.jenis_daerah]} {self.daerah}"

    @property
    def sebutan_kepala_daerah(self) -> str:
        """``Bupati`` or ``Wali Kota``."""
        return JENIS_DAERAH[self.jenis_daerah]


def _teks(isi: dict, kunci: str, folder: str, wajib: bool = True) -> str | None:
    nilai = isi.get(kunci)
    if nilai is None or (isinstance(nilai, str) and not nilai.strip()):
        if wajib:
            raise DataError(f"kunci '{kunci}' wajib diisi.", file=f"{folder}/{_BERKAS}")
        return None
    if not isinstance(nilai, str | int):
        raise DataError(
            f"kunci '{kunci}' harus berupa teks, bukan {type(nilai).__name__}.",
            file=f"{folder}/{_BERKAS}",
        )
    return str(nilai).strip()


def baca_profil(teks: dict[str, Any], folder: str) -> Profil:
    """Read and check the profile; ``folder`` is the data folder as shown to the user."""
    isi = teks.get("profil")
    if not isinstance(isi, dict):
        raise DataError(
            "profil instansi tidak ada atau bukan pemetaan.", file=f"{folder}/{_BERKAS}"
        )
    jenis = _teks(isi, "jenis_daerah", folder)
    if jenis not in JENIS_DAERAH:
        raise DataError(
            f"jenis_daerah {jenis!r} tidak dikenal; isi 'Kabupaten' atau 'Kota'.",
            file=f"{folder}/{_BERKAS}",
        )
    kepala = isi.get("kepala") if isinstance(isi.get("kepala"), dict) else {}
    kepala_daerah = isi.get("kepala_daerah") if isinstance(isi.get("kepala_daerah"), dict) else {}
    return Profil(
        instansi=_teks(isi, "instansi", folder) or "",
        jenis_daerah=jenis,
        daerah=_teks(isi, "daerah", folder) or "",
        provinsi=_teks(isi, "provinsi", folder) or "",
        kepala_nama=_teks(kepala, "nama", folder) or "",
        kepala_jabatan=_teks(kepala, "jabatan", folder, wajib=False)
        or f"Kepala {_teks(isi, 'instansi', folder)}",
        kepala_daerah_nama=_teks(kepala_daerah, "nama", folder, wajib=False),
    )
