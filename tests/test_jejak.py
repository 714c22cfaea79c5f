"""Every printed figure of the signed report is traceable (issue 18, item 1).

On the suite's shared build (the ``build_bersama`` fixture): no formatted
figure of the signed HTML lies outside an element with ``data-key``
(:func:`lakip_calc.audit.banding.angka_tanpa_kunci`; what counts as a figure and what
is left out, such as row numbers and codes, is documented there); every keyed
element has hover provenance and shows its number's text; every chart has a
sidecar naming the keys of its labels.
"""

from __future__ import annotations

import html
import json
import re
from types import SimpleNamespace

import pytest

from lakip_calc.audit.banding import ANGKA_LAPORAN, angka_tanpa_kunci

TAHUN = 2023
_SPAN = re.compile(r'<span class="angka" data-key="([^"]+)"( title="([^"]*)")?>(.*?)</span>', re.S)


@pytest.fixture(scope="module")
def bangunan(build_bersama: SimpleNamespace) -> SimpleNamespace:
    return build_bersama


def _numbers(b: SimpleNamespace) -> dict[str, dict]:
    return {d["key"]: d for d in json.loads((b.folder / "numbers.json").read_text("utf-8"))}


def test_pemindai_menemukan_angka_tanpa_kunci() -> None:
    """The scanner itself: a figure outside a keyed element is found, inside it is not."""
    halaman = (
        "<html><head><title>Rp9.999</title></head><body>"
        '<p>Pagu <span class="angka" data-key="a">Rp1.000</span> dan Rp2.000</p>'
        '<table><tr><td headers="gt-x-No">3</td><td headers="gt-x-Jumlah">4</td>'
        "<td>5,5%</td></tr></table><code>12,5%</code></body></html>"
    )
    temuan = [t.split(" ")[0] for t in angka_tanpa_kunci(halaman)]
    assert temuan == ["Rp2.000", "4", "5,5%"]


def test_laporan_bertanda_tangan_tanpa_angka_tak_berkunci(bangunan: SimpleNamespace) -> None:
    teks = (bangunan.folder / f"lakip-{TAHUN}.html").read_text(encoding="utf-8")
    assert angka_tanpa_kunci(teks) == []
    # a keyed figure whose key is removed is found (the check can fail)
    m = next(m for m in _SPAN.finditer(teks) if ANGKA_LAPORAN.search(m.group(4)))
    cacat = teks.replace(m.group(0), m.group(4), 1)
    assert angka_tanpa_kunci(cacat), m.group(0)


def test_setiap_angka_punya_asal_saat_disorot(bangunan: SimpleNamespace) -> None:
    """Every keyed element (text, table cell) names a known key and carries its source."""
    numbers = _numbers(bangunan)
    teks = (bangunan.folder / f"lakip-{TAHUN}.html").read_text(encoding="utf-8")
    badan = teks[teks.find("<body") :]
    span = _SPAN.findall(badan)
    assert len(span) > 500
    for key, ada_judul, judul, isi in span:
        key = html.unescape(key)
        assert key in numbers, key
        assert ada_judul and "Sumber:" in html.unescape(judul), key
        tampak = html.unescape(re.sub(r"<[^>]+>", "", isi))
        d = numbers[key]
        assert tampak in (d["text"], f"{d['text']} ({d.get('terbilang')})"), (key, tampak)


def test_setiap_grafik_punya_berkas_jejak(bangunan: SimpleNamespace) -> None:
    numbers = _numbers(bangunan)
    charts = bangunan.folder / "charts"
    svg = sorted(charts.glob("*.svg"))
    assert svg
    for p in svg:
        sidecar = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
        assert sidecar["grafik"] == p.stem
        assert sidecar["label"], p.stem
        for lab in sidecar["label"]:
            for k in lab["kunci"]:
                assert numbers[k]["text"] in lab["teks"], (p.stem, k)
