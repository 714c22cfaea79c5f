"""Small helpers over pandoc's JSON AST (plain dicts and lists).

Only what the filter needs: constructors, a splice-capable bottom-up walk, a
document-order iterator and ``stringify``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]
Attr = list[Any]  # [identifier, [classes], [[key, value], ...]]

__all__ = [
    "Node",
    "attr",
    "div",
    "header",
    "iter_nodes",
    "link",
    "para",
    "plain",
    "raw_block",
    "raw_inline",
    "space",
    "span",
    "string",
    "stringify",
    "text_inlines",
    "walk",
]


def attr(
    identifier: str = "", classes: list[str] | None = None, pairs: list[list[str]] | None = None
) -> Attr:
    return [identifier, list(classes or []), [list(p) for p in (pairs or [])]]


def string(text: str) -> Node:
    return {"t": "Str", "c": text}


def space() -> Node:
    return {"t": "Space"}


def text_inlines(text: str) -> list[Node]:
    """Plain text as ``Str``/``Space`` inlines (no Markdown interpretation)."""
    inlines: list[Node] = []
    for index, word in enumerate(text.split(" ")):
        if index:
            inlines.append(space())
        if word:
            inlines.append(string(word))
    return inlines


def span(attributes: Attr, inlines: list[Node]) -> Node:
    return {"t": "Span", "c": [attributes, inlines]}


def link(inlines: list[Node], target: str, attributes: Attr | None = None) -> Node:
    return {"t": "Link", "c": [attributes or attr(), inlines, [target, ""]]}


def raw_inline(fmt: str, text: str) -> Node:
    return {"t": "RawInline", "c": [fmt, text]}


def raw_block(fmt: str, text: str) -> Node:
    return {"t": "RawBlock", "c": [fmt, text]}


def plain(inlines: list[Node]) -> Node:
    return {"t": "Plain", "c": inlines}


def para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def div(attributes: Attr, blocks: list[Node]) -> Node:
    return {"t": "Div", "c": [attributes, blocks]}


def header(level: int, attributes: Attr, inlines: list[Node]) -> Node:
    return {"t": "Header", "c": [level, attributes, inlines]}


Visitor = Callable[[Node], "Node | list[Node] | None"]


def walk(node: Any, visit: Visitor) -> Any:
    """Rebuild ``node`` bottom-up, calling ``visit`` on every element (dict with ``t``).

    ``visit`` returns ``None`` to keep the element, a dict to replace it, or a list
    to splice several elements (or none) in its place. Elements not directly in a
    list (a ``MetaValue`` under a metadata key) are replaced but cannot be spliced.
    """
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            item = walk(item, visit)
            if isinstance(item, dict) and "t" in item:
                result = visit(item)
                if result is None:
                    out.append(item)
                elif isinstance(result, list):
                    out.extend(result)
                else:
                    out.append(result)
            else:
                out.append(item)
        return out
    if isinstance(node, dict):
        return {key: walk(value, visit) for key, value in node.items()}
    return node


def iter_nodes(node: Any) -> Iterator[Node]:
    """Every element (dict with ``t``) under ``node``, parents before children, in order."""
    if isinstance(node, list):
        for item in node:
            yield from iter_nodes(item)
    elif isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from iter_nodes(value)


def stringify(node: Any) -> str:
    """The plain text of inlines (footnotes dropped), like pandoc's ``stringify``."""
    parts: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, list):
            for child in item:
                visit(child)
            return
        if not isinstance(item, dict) or "t" not in item:
            return
        kind = item["t"]
        if kind == "Str":
            parts.append(item["c"])
        elif kind in {"Space", "SoftBreak", "LineBreak"}:
            parts.append(" ")
        elif kind in {"Code", "Math"}:
            parts.append(item["c"][1])
        elif kind == "Note":
            return
        elif kind == "RawInline":
            return
        elif kind == "Quoted":
            quote = "\u201c" if item["c"][0]["t"] == "DoubleQuote" else "\u2018"
            close = "\u201d" if quote == "\u201c" else "\u2019"
            parts.append(quote)
            visit(item["c"][1])
            parts.append(close)
        elif kind in {"Link", "Image", "Span", "Cite"}:
            visit(item["c"][1] if kind != "Cite" else item["c"][1])
        elif "c" in item:
            visit(item["c"])

    visit(node)
    return "".join(parts)
