"""``_variables.yml`` in the form Quarto reads.

Quarto looks ``{{< var a.b.c >}}`` up by splitting the key at its dots and
indexing nested mappings; a segment that reads as a number indexes a list. Our
keys have numeric segments (``anggaran.1.2.pagu``, ``kinerja.IK1.riwayat.2022``),
so numeric segments are joined to the segment after them with an escaped dot,
which Quarto keeps inside one key: ``{{< var "anggaran.1\\.2\\.pagu" >}}`` reads
``_variables.yml`` -> ``anggaran`` -> ``"1.2.pagu"`` (Quarto does not find a
top-level key that holds a dot, so the first segment is never joined).

A value is Pandoc Markdown (Quarto parses it): a traceable number is the span
``[text]{.angka data-key="KEY" title="SOURCE"}``; plain text (a name) has every
ASCII punctuation character backslash-escaped, so data text never becomes markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "angka_markdown",
    "markdown_text",
    "nested_variables",
    "quarto_key",
    "quarto_var_keys",
]

# A segment Lua's tonumber() would read as a number (decimal, exponent or hex).
_NUMERIC = re.compile(r"\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)\s*")
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_VAR_CALL = re.compile(r"(?<!\{)(\{\{<\s*var\s+)([^\s>]+)(\s*>\}\})(?!\})")


def _segments(key: str) -> list[str]:
    """Key segments as Quarto must see them: a run of numeric segments is joined
    to the segment after it (or, at the end of the key, to the one before)."""
    out: list[str] = []
    run: list[str] = []
    for part in key.split("."):
        if _NUMERIC.fullmatch(part):
            run.append(part)
        else:
            out.append(".".join([*run, part]))
            run = []
    if run:
        if out:
            out[-1] = ".".join([out[-1], *run])
        else:
            out.append(".".join(run))
    return out


def quarto_key(key: str) -> str:
    r"""The key as written in ``{{< var >}}`` so that Quarto finds it.

    Examples
    --------
    >>> quarto_key("anggaran.1.2.pagu")
    'anggaran.1\\.2\\.pagu'
    >>> quarto_key("laporan.tahun")
    'laporan.tahun'
    """
    return ".".join(s.replace(".", "\\.") for s in _segments(key))


def _var_argument(key: str) -> str:
    quoted = quarto_key(key)
    return f'"{quoted}"' if "\\" in quoted else quoted


def quarto_var_keys(text: str) -> str:
    """Rewrite every ``{{< var key >}}`` of ``text`` into :func:`quarto_key` form.

    A key with escaped dots is quoted (Quarto keeps the backslashes of a quoted
    shortcode argument): ``{{< var "anggaran.1\\.pagu" >}}``.
    """
    return _VAR_CALL.sub(lambda m: m.group(1) + _var_argument(m.group(2)) + m.group(3), text)


def markdown_text(text: str) -> str:
    r"""Plain text as Pandoc Markdown that reads back as exactly that text.

    Examples
    --------
    >>> markdown_text("S.Sos.I *[x]*")
    'S\\.Sos\\.I \\*\\[x\\]\\*'
    """
    one_line = " ".join(str(text).split())
    return _PUNCT.sub(r"\\\1", one_line)


def _attribute(text: str) -> str:
    return " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"')


def angka_markdown(text: str, key: str, title: str | None) -> str:
    """A traceable number as a Markdown span (see the module docstring)."""
    title_part = f' title="{_attribute(title)}"' if title else ""
    return f'[{markdown_text(text)}]{{.angka data-key="{_attribute(key)}"{title_part}}}'


def nested_variables(flat: Mapping[str, str]) -> dict[str, Any]:
    """``{"a.1.b": value}`` -> ``{"a.1": {"b": value}}`` (Quarto's nesting, see above)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        segments = _segments(key)
        node = out
        for segment in segments[:-1]:
            child = node.setdefault(segment, {})
            if not isinstance(child, dict):
                raise ValueError(f"kunci variabel '{key}' bertabrakan dengan nilai lain")
            node = child
        if isinstance(node.get(segments[-1]), dict):
            raise ValueError(f"kunci variabel '{key}' bertabrakan dengan kunci lain")
        node[segments[-1]] = value
    return out
