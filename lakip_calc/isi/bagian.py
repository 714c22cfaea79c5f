"""Which optional sections of the report an office's data fills.

A section that needs data an office may not have (the PSKS of a social office,
output indicators, supporting programs, ...) is wrapped in ``report/`` as
``::: {.content-visible when-meta="lakip-ada.<bagian>"}``. The build writes
``report/_hasil/bagian.yml`` (``lakip-ada: {<bagian>: true|false}``), which
``_quarto.yml`` reads through ``metadata-files``; both renderers then leave out
a section whose data is absent.
"""

from __future__ import annotations

from lakip_calc.masukan.loader import DataTahun

__all__ = ["BAGIAN", "bagian_ada"]


def _ada_teks(data: DataTahun, *nama: str) -> bool:
    return any(data.teks.get(n) for n in nama)


#: Section name -> what makes it present (documented in data/<YEAR>/README.md).
BAGIAN = {
    "ppks": lambda d: _ada_teks(d, "definisi_ppks", "jenis_pmks", "definisi_sasaran"),
    "keluaran": lambda d: bool((d["keluaran"]["tahun"] == d.tahun).any()),
    "psks": lambda d: len(d["psks"]) > 0,
    "efisiensi": lambda d: len(d["dukungan"]) > 0,
    "akip": lambda d: _ada_teks(d, "akip"),
}


def bagian_ada(data: DataTahun) -> dict[str, bool]:
    """``{section: present}`` for every optional section."""
    return {nama: bool(ada(data)) for nama, ada in BAGIAN.items()}
