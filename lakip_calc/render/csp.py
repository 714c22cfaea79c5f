"""A Content-Security-Policy for a rendered, self-contained HTML file.

Both renderers write one HTML file with every resource embedded (``data:``
URLs) and a few scripts of their own: the report's ``angka.js.html`` and, with
Quarto, its page scripts. :func:`sematkan_csp` rewrites each script loaded
from a ``data:`` URL as an inline script, then puts a ``<meta
http-equiv="Content-Security-Policy">`` first in ``<head>`` that allows exactly
those scripts (by SHA-256), embedded styles, images and fonts, and nothing
else: no other script, no inline event handler, no ``javascript:`` URL, no
network request. Data text can never become markup (it is escaped); the policy
is the second wall. Same input, same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import unquote_to_bytes

__all__ = ["kebijakan", "sematkan_csp"]

_SKRIP = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC_DATA = re.compile(r"""\ssrc\s*=\s*["'](data:[^"']*)["']""", re.IGNORECASE)
_JENIS = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JENIS_JS = {"", "text/javascript", "application/javascript", "module"}
_KEPALA = re.compile(r"<head\b[^>]*>(\s*<meta\s+charset\s*=[^>]*>)?", re.IGNORECASE)
_SUDAH = re.compile(r"<meta\s+http-equiv\s*=\s*[\"']Content-Security-Policy", re.IGNORECASE)

#: Everything but scripts: embedded styles (elements, attributes, data: sheets),
#: embedded images and fonts; no request to anywhere, no form, no base URL, no plugin.
_DASAR = (
    "default-src 'none'",
    "style-src 'unsafe-inline' data:",
    "img-src data:",
    "font-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
)


def _isi_data(url: str) -> str | None:
    """The text of a ``data:`` URL, or None when it is not one this module can read."""
    kepala, koma, isi = url.partition(",")
    if not koma:
        return None
    mentah = base64.b64decode(isi) if kepala.endswith(";base64") else unquote_to_bytes(isi)
    try:
        teks = mentah.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # Inline, the text must not end the script element early.
    return None if re.search(r"</script|<!--", teks, re.IGNORECASE) else teks


def _sebaris(m: re.Match[str]) -> str:
    """A script loaded from a data: URL, as the same script inline (hashable)."""
    atribut, isi = m.group(1), m.group(2)
    src = _SRC_DATA.search(atribut)
    if src is None or isi.strip():
        return m.group(0)
    teks = _isi_data(src.group(1))
    if teks is None:
        return m.group(0)
    return f"<script{_SRC_DATA.sub('', atribut, count=1)}>{teks}</script>"


def kebijakan(html: str) -> str:
    """The policy for ``html``: its inline scripts by hash, embedded resources only."""
    hash_skrip = []
    for m in _SKRIP.finditer(html):
        jenis = _JENIS.search(m.group(1))
        if _SRC_DATA.search(m.group(1)) or (jenis and jenis.group(1).lower() not in _JENIS_JS):
            continue  # a data block (JSON) or a script this module did not inline
        digest = base64.b64encode(hashlib.sha256(m.group(2).encode("utf-8")).digest())
        hash_skrip.append(f"'sha256-{digest.decode('ascii')}'")
    skrip = " ".join(dict.fromkeys(hash_skrip)) or "'none'"
    return "; ".join((*_DASAR, f"script-src {skrip}"))


def sematkan_csp(path: Path) -> None:
    """Give the HTML file at ``path`` its Content-Security-Policy (see the module docstring)."""
    html = path.read_text(encoding="utf-8")
    if _SUDAH.search(html):
        return
    html = _SKRIP.sub(_sebaris, html)
    kepala = _KEPALA.search(html)
    if kepala is None:
        return
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{kebijakan(html)}">'
    html = html[: kepala.end()] + meta + html[kepala.end() :]
    path.write_text(html, encoding="utf-8", newline="")
