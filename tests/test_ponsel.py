"""Every published page in a real browser at desktop and phone width: axe finds no
accessibility violation, and on a phone wide tables and charts scroll with a cue.

Uses Debian's ``/usr/bin/chromium`` through Playwright (never a downloaded
browser) and the axe-core that the pinned ``axe-playwright-python`` carries.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser import ARGS, CHROMIUM

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium tidak ada: pasang dengan 'make deps-apt' sebagai root",
    ),
]

LEBAR = {"desktop": 1280, "ponsel": 375}


@pytest.fixture(scope="module")
def tab():
    """One browser tab for the module: each check opens its page afresh in it (a new
    tab per page costs a renderer process each time, a third of the axe runs' CPU)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser.new_page()
        browser.close()


@pytest.fixture(scope="module")
def situs(situs_bersama) -> Path:
    return situs_bersama.situs


def _buka(tab, path: Path, lebar: int):
    """``path`` loaded anew in ``tab`` at ``lebar`` CSS pixels wide."""
    tab.set_viewport_size({"width": lebar, "height": 800})
    tab.goto(path.as_uri())
    return tab


@pytest.mark.parametrize("lebar", LEBAR.values(), ids=LEBAR.keys())
def test_axe_finds_nothing_on_any_published_page(tab, situs, lebar):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    temuan = {}
    halaman = sorted(situs.rglob("*.html"))
    assert len(halaman) >= 9  # index, report, companion, six notebooks
    for path in halaman:
        hasil = axe.run(_buka(tab, path, lebar)).response["violations"]
        if hasil:
            temuan[str(path.relative_to(situs))] = [
                (v["id"], v["nodes"][0]["target"]) for v in hasil
            ]
    assert temuan == {}


def test_wide_table_on_a_phone_scrolls_with_a_cue_and_a_fixed_first_column(tab, situs):
    page = _buka(tab, situs / "2023" / "lakip-2023.html", LEBAR["ponsel"])
    tabel = page.locator("#gt-tbl-capaian-kinerja")
    assert tabel.evaluate("e => e.scrollWidth > e.clientWidth")  # wider than the screen
    assert tabel.get_attribute("tabindex") == "0"
    cue = tabel.locator("xpath=preceding-sibling::*[1]")
    assert "geser ke samping" in cue.inner_text()
    pertama = tabel.locator("tbody td:first-child").first
    assert pertama.evaluate("e => getComputedStyle(e).position") == "sticky"
    x0 = pertama.bounding_box()["x"]
    tabel.evaluate("e => { e.scrollLeft = 200; }")
    assert abs(pertama.bounding_box()["x"] - x0) < 1  # it stays where it was
    # A table that fits needs no cue.
    sempit = page.locator("#gt-tbl-skala-predikat")
    assert not sempit.evaluate("e => e.scrollWidth > e.clientWidth")
    assert not sempit.evaluate(
        "e => !!(e.previousElementSibling && "
        "e.previousElementSibling.classList.contains('petunjuk-gulir'))"
    )


def test_charts_keep_a_readable_size_on_a_phone(tab, situs):
    page = _buka(tab, situs / "2023" / "lakip-2023.html", LEBAR["ponsel"])
    gambar = page.locator("#fig-target-realisasi img")
    # At least 36rem wide: its 8 pt labels stay about 8 px tall instead of 3.
    assert gambar.evaluate("e => e.getBoundingClientRect().width") >= 36 * 16 - 1
    figure = page.locator("#fig-target-realisasi")
    assert figure.get_attribute("tabindex") == "0"
    assert "geser ke samping" in figure.locator("xpath=preceding-sibling::*[1]").inner_text()
