"""Helpers for tests that read a DOCX's body (``word/document.xml``)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

#: The WordprocessingML namespace, as ElementTree spells tags: ``f"{W}p"``.
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def badan_docx(path: Path) -> ElementTree.Element:
    """The ``w:body`` element of a DOCX."""
    with zipfile.ZipFile(path) as archive:
        return ElementTree.fromstring(archive.read("word/document.xml")).find(f"{W}body")


def paragraf_docx(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every paragraph, in order; a page break is a form feed in the text."""
    paragraphs = []
    for para in badan_docx(path).iter(f"{W}p"):
        style = para.find(f"{W}pPr/{W}pStyle")
        parts = []
        for el in para.iter():
            if el.tag == f"{W}t":
                parts.append(el.text or "")
            elif el.tag == f"{W}br" and el.get(f"{W}type") == "page":
                parts.append("\f")
        paragraphs.append(("" if style is None else style.get(f"{W}val"), "".join(parts)))
    return paragraphs
