"""The office's identity from ``teks/profil.yaml``: office, region, head of region.

Nothing in the code or in ``report/`` names a region, the kind of region or the
title of its head: the profile gives the region's full name (``daerah``, such as
a "Kabupaten ..." or a "Kota ...") and its head's title (``kepala_daerah.jabatan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lakip_calc.errors import DataError

__all__ = ["Profil", "baca_profil"]

_BERKAS = "teks/profil.yaml"


@dataclass(frozen=True)
class Profil:
    """The identity of one office (OPD)."""

    instansi: str
    daerah: str
    provinsi: str
    kepala_nama: str
    kepala_jabatan: str
    kepala_daerah_jabatan: str
    kepala_daerah_nama: str | None

    @property
    def pemerintah(self) -> str:
        """``Pemerintah`` and the region's full name."""
        return f"Pemerintah {self.daerah}"


def _teks(isi: dict, kunci: str, tampil: str, wajib: bool = True) -> str | None:
    nilai = isi.get(kunci)
    if nilai is None or (isinstance(nilai, str) and not nilai.strip()):
        if wajib:
            raise DataError(f"kunci '{tampil}' wajib diisi.", file=_BERKAS)
        return None
    if not isinstance(nilai, str | int):
        raise DataError(
            f"kunci '{tampil}' harus berupa teks, bukan {type(nilai).__name__}.", file=_BERKAS
        )
    return str(nilai).strip()


def _bagian(isi: dict, kunci: str) -> dict:
    nilai = isi.get(kunci)
    if nilai is None:
        return {}
    if not isinstance(nilai, dict):
        raise DataError(f"kunci '{kunci}' harus berupa pemetaan (nama:, jabatan:).", file=_BERKAS)
    return nilai


def baca_profil(teks: dict[str, Any], folder: str) -> Profil:
    """Read and check the profile; ``folder`` is the data folder as shown to the user."""
    isi = teks.get("profil")
    try:
        if not isinstance(isi, dict):
            raise DataError("profil instansi tidak ada atau bukan pemetaan.", file=_BERKAS)
        kepala, kd = _bagian(isi, "kepala"), _bagian(isi, "kepala_daerah")
        instansi = _teks(isi, "instansi", "instansi") or ""
        return Profil(
            instansi=instansi,
            daerah=_teks(isi, "daerah", "daerah") or "",
            provinsi=_teks(isi, "provinsi", "provinsi") or "",
            kepala_nama=_teks(kepala, "nama", "kepala.nama") or "",
            kepala_jabatan=_teks(kepala, "jabatan", "kepala.jabatan", wajib=False)
            or f"Kepala {instansi}",
            kepala_daerah_jabatan=_teks(kd, "jabatan", "kepala_daerah.jabatan") or "",
            kepala_daerah_nama=_teks(kd, "nama", "kepala_daerah.nama", wajib=False),
        )
    except DataError as e:
        raise DataError(e.pesan, file=f"{folder}/{_BERKAS}") from None
