"""Small helpers over pandoc's JSON AST (plain dicts and lists).

Only what the filter needs: constructors, a splice-capable bottom-up walk, a
document-order iterator and ``stringify``.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]
Attr = list[Any]  # [identifier, [classes], [[key, value], ...]]

__all__ = [
    "Node",
    "attr",
    "copy_tree",
    "div",
    "has_notes",
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
    "walk_blocks",
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
    to splice several elements (or none) in its place. Only elements directly in
    a list are visited (a ``MetaValue`` under a metadata key is rebuilt, not
    visited). Every list and dict is a new object, so a visitor may change the
    element it gets without touching the input.

    Written with exact type checks and no generator: the report's AST has some
    hundred thousand nodes and the filter walks it several times per format.
    """
    return _walk(node, visit, frozenset())


def _walk(node: Any, visit: Visitor, skip: frozenset[str]) -> Any:
    kind = type(node)
    if kind is list:
        return _walk_list(node, visit, skip)
    if kind is dict:
        return _walk_dict(node, visit, skip)
    return node


def _walk_list(items: list[Any], visit: Visitor, skip: frozenset[str]) -> list[Any]:
    out: list[Any] = []
    append = out.append
    for item in items:
        kind = type(item)
        if kind is dict:
            item = _walk_dict(item, visit, skip)
            if "t" in item:
                result = visit(item)
                if result is None:
                    append(item)
                elif type(result) is list:
                    out.extend(result)
                else:
                    append(result)
            else:
                append(item)
        elif kind is list:
            append(_walk_list(item, visit, skip))
        else:
            append(item)
    return out


def _walk_dict(node: dict[str, Any], visit: Visitor, skip: frozenset[str]) -> dict[str, Any]:
    if skip and node.get("t") in skip:
        return dict(node)  # visited by the caller; its content is shared, not walked
    out = {}
    for key, value in node.items():
        kind = type(value)
        if kind is list:
            out[key] = _walk_list(value, visit, skip)
        elif kind is dict:
            out[key] = _walk_dict(value, visit, skip)
        else:
            out[key] = value
    return out


#: Blocks whose content holds no block: ``walk_blocks`` does not go inside them.
_NO_INNER_BLOCKS = frozenset(
    {"Para", "Plain", "Header", "LineBlock", "CodeBlock", "RawBlock", "HorizontalRule"}
)


def walk_blocks(node: Any, visit: Visitor) -> Any:
    """:func:`walk` for a visitor that acts on blocks only: inline content is not walked.

    A paragraph, header or line block is visited itself, but the inlines in it
    are neither visited nor copied (the new tree shares them with ``node``),
    which makes a pass over a long document several times faster. Not for a
    tree with footnotes (a ``Note`` inline holds blocks): use :func:`walk`.
    """
    return _walk(node, visit, _NO_INNER_BLOCKS)


def has_notes(node: Any) -> bool:
    """Whether a footnote (``Note``, an inline holding blocks) is anywhere under ``node``."""
    return any(n["t"] == "Note" for n in iter_nodes(node))


def iter_nodes(node: Any) -> Iterator[Node]:
    """Every element (dict with ``t``) under ``node``, parents before children, in order."""
    stack = [node]
    pop = stack.pop
    push = stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is list:
            push(reversed(item))
        elif kind is dict:
            if "t" in item:
                yield item
            push(reversed(item.values()))


def copy_tree(node: Any) -> Any:
    """A deep copy of a JSON-like tree (dicts, lists, strings, numbers), at C speed."""
    return pickle.loads(pickle.dumps(node, protocol=pickle.HIGHEST_PROTOCOL))


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
