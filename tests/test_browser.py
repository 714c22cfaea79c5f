"""The published HTML report in a real browser (headless Chromium driven by Playwright).

Uses Debian's ``/usr/bin/chromium`` (``make deps-apt`` installs it as root);
Playwright never downloads a browser here. The page is opened from a
``file://`` URL of the site published by ``test_publikasi``; the test follows
a table-of-contents link, checks the provenance of a number and follows it to
its Jejak Angka row, and fails on any console error or any request that is
not ``file://`` or ``data:``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lakip_calc.isi.narasi import slug

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium tidak ada: pasang dengan 'make deps-apt' sebagai root "
        "(apt-get install chromium)",
    ),
]


def test_laporan_di_peramban(situs_bersama) -> None:
    from playwright.sync_api import expect, sync_playwright

    s = situs_bersama
    tahun = s.situs / "2023"
    html = tahun / "lakip-2023.html"
    numbers = json.loads((tahun / "data" / "numbers.json").read_text(encoding="utf-8"))
    rumus = {d["key"]: d["formula"] for d in numbers}

    galat: list[str] = []
    luar: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: galat.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: galat.append(str(e)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file://", "data:")) else luar.append(r.url),
            )
            page.goto(html.as_uri())

            # 1. a table-of-contents link: the hash changes, the heading is in view
            daftar = page.locator("nav.daftar-isi a[href^='#']")
            n = daftar.count()
            assert n > 5, "daftar isi tidak ditemukan"
            tautan = daftar.nth(n - 1)
            href = tautan.get_attribute("href")
            assert href
            tautan.click()
            page.wait_for_function("h => location.hash === h", arg=href)
            id_ = page.evaluate("h => decodeURIComponent(h.slice(1))", href)
            expect(page.locator(f'[id="{id_}"]')).to_be_in_viewport()

            # 2. a number: its provenance (formula) is shown on hover, as the title
            #    attribute or in a tooltip element; its link lands on its Jejak row
            angka = page.locator("a[href*='#jejak-'] .angka[data-key]").first
            key = angka.get_attribute("data-key")
            assert key in rumus, key
            angka.scroll_into_view_if_needed()
            angka.hover()
            page.wait_for_function(
                """([el, f]) => (el.getAttribute("title") || "").includes(f)
                    || [...document.querySelectorAll("[role=tooltip]")].some(t =>
                        !t.hidden && t.getClientRects().length && t.textContent.includes(f))""",
                arg=[angka.element_handle(), rumus[key]],
                timeout=5000,
            )
            tujuan = angka.locator("xpath=ancestor::a[1]").get_attribute("href")
            assert tujuan == "jejak-angka-2023.html#" + slug(key)  # its row in the companion
            angka.click()
            page.wait_for_function("h => location.hash === h", arg="#" + slug(key))
            assert page.url.split("#")[0].endswith("/jejak-angka-2023.html")
            baris = page.locator(f'[id="{slug(key)}"]')
            expect(baris).to_be_in_viewport()
            assert baris.inner_text().strip() == key
            assert key in baris.locator("xpath=ancestor::tr[1]").inner_text()

            # 3. when the Jejak row links to its notebook, the link lands on the cell
            nb = baris.locator("xpath=ancestor::tr[1]").locator("a[href^='notebooks/']")
            if nb.count():
                target = nb.first.get_attribute("href") or ""
                nb.first.click()
                page.wait_for_load_state()
                assert page.url.endswith(target), (page.url, target)
                expect(page.locator(f'[id="{target.split("#", 1)[1]}"]')).to_be_in_viewport()
        finally:
            browser.close()
    assert galat == [], f"galat konsol: {galat}"
    assert luar == [], f"permintaan ke luar file:// dan data: {luar}"
