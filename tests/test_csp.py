"""The Content-Security-Policy of a rendered HTML file (``lakip_calc.render.csp``).

The built report is checked in a browser by ``test_browser`` (no console error,
so no blocked script or style); here the policy itself.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from test_browser import ARGS, CHROMIUM

from lakip_calc.render.csp import sematkan_csp

SKRIP = "document.body.dataset.jalan = '1';"
DARI_DATA = "window.x = 1;"
HALAMAN = (
    '<!DOCTYPE html>\n<html><head>\n<meta charset="utf-8">\n<title>t</title>\n'
    f"<script>{SKRIP}</script>\n"
    '<script src="data:application/javascript;base64,'
    f'{base64.b64encode(DARI_DATA.encode()).decode()}"></script>\n'
    '<link href="data:text/css,p%7Bcolor:red%7D" rel="stylesheet">\n'
    '</head><body><p style="color:blue">x</p>\n'
    '<script type="application/json" id="data">{"a": 1}</script>\n'
    "</body></html>\n"
)


def _hash(teks: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(teks.encode()).digest()).decode() + "'"


def _kebijakan(html: str) -> dict[str, str]:
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert m, html
    return dict(d.strip().split(" ", 1) for d in m.group(1).split(";"))


def test_csp_skrip_sendiri_saja(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_text(HALAMAN, encoding="utf-8")
    sematkan_csp(p)
    html = p.read_text(encoding="utf-8")
    k = _kebijakan(html)
    # exactly the page's two scripts, the data: one now inline; not the JSON block
    assert sorted(k["script-src"].split()) == sorted([_hash(SKRIP), _hash(DARI_DATA)])
    assert f"<script>{DARI_DATA}</script>" in html and "base64" not in html
    assert "'unsafe-inline'" not in k["script-src"] and "data:" not in k["script-src"]
    assert k["default-src"] == "'none'" and k["img-src"] == "data:"
    assert k["style-src"] == "'unsafe-inline' data:"
    # first in <head>, after the charset
    assert html.index("Content-Security-Policy") < html.index("<title>")
    assert html.index('<meta charset="utf-8">') < html.index("Content-Security-Policy")


def test_csp_sekali_dan_tetap(tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    for p in (a, b):
        p.write_text(HALAMAN, encoding="utf-8")
        sematkan_csp(p)
    sematkan_csp(b)  # a second call changes nothing
    assert a.read_bytes() == b.read_bytes()
    assert a.read_text(encoding="utf-8").count("Content-Security-Policy") == 1


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium tidak ada")
def test_csp_di_peramban_skrip_laporan_jalan_sisipan_tidak(tmp_path_factory, situs_bersama) -> None:
    """In Chromium: the report's own script runs without a violation; markup added to the
    page (as data text would be, were it ever spliced in) runs nothing."""
    from playwright.sync_api import sync_playwright

    s = situs_bersama
    asli = (s.situs / "2023" / "lakip-2023.html").read_text(encoding="utf-8")
    sisipan = (
        '<script>document.title = "DISISIPKAN";</script>'
        '<a id="j" href="javascript:document.title=\'J\'">x</a>'
        '<img id="i" src="data:," onerror="document.title=\'E\'">'
    )
    halaman = {
        "asli": s.situs / "2023" / "lakip-2023.html",
        "sisip": tmp_path_factory.mktemp("csp") / "sisip.html",
    }
    halaman["sisip"].write_text(asli.replace("</body>", sisipan + "</body>"), encoding="utf-8")
    hasil = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for nama, berkas in halaman.items():
                page = browser.new_page()
                pesan: list[str] = []
                page.on("console", lambda m, pesan=pesan: pesan.append(m.text))
                page.goto(berkas.as_uri())
                if nama == "sisip":
                    page.click("#j")
                hasil[nama] = (
                    pesan,
                    page.title(),
                    page.evaluate("document.querySelectorAll('.angka[data-sumber]').length"),
                )
                page.close()
        finally:
            browser.close()
    pesan, judul, angka = hasil["asli"]
    assert not [m for m in pesan if "Content Security Policy" in m], pesan
    assert angka > 0  # angka.js ran: the titles became data-sumber
    pesan, judul_sisip, angka = hasil["sisip"]
    assert judul_sisip == judul and angka > 0
    assert [m for m in pesan if "Content Security Policy" in m]
