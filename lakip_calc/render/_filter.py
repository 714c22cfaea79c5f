"""The pandoc JSON filter: from the parsed document to one output format.

:func:`prepare` does what is the same for every format (resolve images, fill
tokens in URLs, code and attributes); :func:`for_format` then produces the AST
for one format: conditional content, variable values, heading ids and numbers,
numbered tables and figures with their references, page breaks and the
generated lists (Daftar Isi, Daftar Tabel, Daftar Gambar).

Everything here is a pure function of its arguments, except that
:func:`prepare` checks that image files exist.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lakip_calc.errors import RenderError
from lakip_calc.render import _ast as A
from lakip_calc.render._project import CrossrefLabels, Project, VariableValue
from lakip_calc.render._source import FORMAT_ALIASES, TOKEN_RE, Source

__all__ = ["FormatSettings", "Prepared", "Rendered", "for_format", "prepare"]

#: The image files the subset accepts, with their media types (the HTML inlines them).
IMAGE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}
_IMAGE_SUFFIXES = frozenset(IMAGE_TYPES)
_NATIVE_RAW = {
    "html": frozenset({"html", "html5", "html4"}),
    "pdf": frozenset({"typst"}),
    "docx": frozenset({"openxml"}),
}
_FORMAT_NAMES = {"html": "HTML", "pdf": "PDF", "docx": "DOCX"}
_SUPPORTED_REF_PREFIXES = ("tbl-", "fig-")
_CROSSREF_PREFIX_RE = re.compile(r"^(tbl|fig|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr)-")
_ATTR_POSITION = {
    "Header": 1,
    "Div": 0,
    "Span": 0,
    "Table": 0,
    "Figure": 0,
    "CodeBlock": 0,
    "Code": 0,
    "Link": 0,
    "Image": 0,
}

#: Classes of ``:::`` blocks the renderer styles itself (see ``report/README.md``).
CLASS_SMALL_TABLE = "tabel-kecil"  # smaller type for the tables (and text) inside
CLASS_SIGNATURE = "tanda-tangan"  # a signature block in the right half of the page
#: Word styles the DOCX reference document defines for those classes.
DOCX_STYLE_SIGNATURE = "Tanda Tangan"
DOCX_STYLE_SMALL_TABLE = "Teks Tabel Kecil"
#: A table with more body rows than this is set in the small type automatically.
SMALL_TABLE_ROWS = 60

#: ``<span class="angka" data-key="...">text</span>`` as a table fragment writes it.
_RAW_NUMBER_RE = re.compile(r'<span class="angka" data-key="([^"<>]+)">([^<]*)</span>')

PAGEBREAK_OPENXML = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
PAGEBREAK_TYPST = "#pagebreak()"
PAGEBREAK_HTML = '<div class="pemisah-halaman" aria-hidden="true"></div>'


@dataclass(frozen=True)
class FormatSettings:
    """What one output format needs to know."""

    fmt: str  # "html" | "pdf" | "docx"
    number_sections: bool = False
    toc: bool = False
    toc_depth: int = 3
    toc_title: str = "Daftar Isi"


@dataclass
class Prepared:
    """The format-independent document and the images it uses."""

    doc: dict[str, Any]
    media: dict[Path, str] = field(default_factory=dict)
    ids_any_format: frozenset[str] = frozenset()


@dataclass
class Rendered:
    """The AST for one format and facts the template needs."""

    doc: dict[str, Any]
    has_mulai_isi: bool = False


# ---------------------------------------------------------------------------
# Format-independent preparation
# ---------------------------------------------------------------------------


def _token_text(source: Source, token: str) -> str:
    kind = token[2]
    if kind == "V":
        return source.variables[token].value.text
    if kind == "E":
        return source.literals[token]
    return token


def _fill_plain(text: str, source: Source) -> str:
    return TOKEN_RE.sub(
        lambda m: _token_text(source, m.group(0)) if m.group(1) in "VE" else m.group(0), text
    )


def _fill_non_text(node: Any, source: Source) -> Any:
    """Fill tokens everywhere except in ``Str`` and raw elements (those are per format)."""
    if isinstance(node, list):
        return [_fill_non_text(item, source) for item in node]
    if isinstance(node, dict):
        if node.get("t") in {"Str", "RawInline", "RawBlock"}:
            return node
        return {key: _fill_non_text(value, source) for key, value in node.items()}
    if isinstance(node, str) and "QZ" in node:
        return _fill_plain(node, source)
    return node


def _marker(block: dict[str, Any], source: Source) -> Path | None:
    if block.get("t") in {"Para", "Plain"} and len(block["c"]) == 1:
        only = block["c"][0]
        if only.get("t") == "Str" and only["c"] in source.files:
            return source.files[only["c"]]
    return None


def _image_location(project: Project, file: Path, url: str) -> str:
    shown = project.display(file)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return shown
    for number, text in enumerate(lines, start=1):
        if url in text:
            return f"{shown} baris {number}"
    return shown


def _insert_ready_asts(blocks: list[Any], source: Source) -> list[Any]:
    """Put the blocks of included files taken from their ready-made AST in place."""

    def visit(node: dict[str, Any]) -> Any:
        if node["t"] in {"Para", "Plain"} and len(node["c"]) == 1:
            only = node["c"][0]
            if only.get("t") == "Str" and only["c"] in source.asts:
                return A.copy_tree(source.asts[only["c"]])
        return None

    return A.walk_blocks(blocks, visit)


def prepare(doc: dict[str, Any], source: Source, project: Project) -> Prepared:
    """Resolve images and fill tokens outside text; the same for every format.

    Image paths are relative to the render-list file they appear in (an included
    file's images are relative to the file that is being rendered, as in Quarto).
    Each image is given a stable name under ``media/`` in order of first use.
    """
    doc = A.copy_tree(doc)
    if source.asts:
        doc["blocks"] = _insert_ready_asts(doc["blocks"], source)
    doc["blocks"] = _fill_non_text(doc["blocks"], source)
    doc["meta"] = _fill_non_text(doc["meta"], source)
    media: dict[Path, str] = {}
    current = project.render[0]

    def resolve(node: dict[str, Any]) -> None:
        if node["t"] != "Image":
            return None
        url = node["c"][2][0]
        where = _image_location(project, current, url)
        lowered = url.lower()
        if lowered.startswith(("http://", "https://", "//", "data:", "ftp://")):
            raise RenderError(
                f"gambar harus berupa berkas lokal, bukan alamat internet atau data: {url} "
                f"({where})"
            )
        path = (current.parent / unquote(url.split("#")[0].split("?")[0])).resolve()
        if not path.is_file():
            raise RenderError(f"berkas gambar tidak ditemukan: {url} ({where})")
        if path.suffix.lower() not in _IMAGE_SUFFIXES:
            allowed = ", ".join(sorted(_IMAGE_SUFFIXES))
            raise RenderError(
                f"jenis gambar tidak didukung: {url} (yang didukung: {allowed}) ({where})"
            )
        if path not in media:
            media[path] = f"media/gambar-{len(media) + 1:03d}{path.suffix.lower()}"
        node = A.copy_tree(node)
        node["c"][2][0] = media[path]
        return node

    blocks: list[Any] = []
    for block in doc["blocks"]:
        marker = _marker(block, source)
        if marker is not None:
            current = marker
            continue
        blocks.extend(A.walk([block], resolve))
    doc["blocks"] = blocks

    for node in A.iter_nodes(doc["blocks"]):
        for token in _tokens_in(node):
            if token in source.files:
                shown = project.display(source.files[token])
                raise RenderError(
                    f"blok tidak ditutup sebelum berkas {shown}: periksa ':::' atau '```' "
                    f"tanpa penutup pada berkas sebelumnya"
                )
    ids = frozenset(_identifier(node) for node in A.iter_nodes(doc["blocks"])) - {""}
    return Prepared(doc=doc, media=media, ids_any_format=ids)


def _tokens_in(node: dict[str, Any]) -> list[str]:
    kind = node["t"]
    if kind == "Str":
        return [m.group(0) for m in TOKEN_RE.finditer(node["c"])]
    if kind in {"CodeBlock", "RawBlock", "Code", "RawInline"}:
        return [m.group(0) for m in TOKEN_RE.finditer(node["c"][1])]
    return []


def _identifier(node: dict[str, Any]) -> str:
    position = _ATTR_POSITION.get(node["t"])
    if position is None:
        return ""
    return node["c"][position][0]


# ---------------------------------------------------------------------------
# Per format
# ---------------------------------------------------------------------------


class _FormatFilter:
    def __init__(
        self,
        prepared: Prepared,
        source: Source,
        project: Project,
        settings: FormatSettings,
        variables: Mapping[str, VariableValue] | None = None,
    ):
        self.variables: Mapping[str, VariableValue] = variables or {}
        self.prepared = prepared
        self.source = source
        self.project = project
        self.settings = settings
        self.fmt = settings.fmt
        self.labels: CrossrefLabels = project.crossref
        self.numbers: dict[str, tuple[str, int]] = {}  # id -> (kind, number)
        self.entries: dict[str, list[tuple[str, list[Any]]]] = {"tbl": [], "fig": []}
        # Passes whose visitors act on blocks only need not walk the inlines (most of
        # the tree), unless a footnote hides blocks among them.
        self.walk_blocks = A.walk if A.has_notes(prepared.doc["blocks"]) else A.walk_blocks

    # -- conditional content --------------------------------------------------------
    def matches(self, names: str) -> bool:
        aliases = FORMAT_ALIASES[self.fmt]
        return any(name in aliases for name in re.split(r"[\s,]+", names.strip()) if name)

    def visibility(self, node: dict[str, Any]) -> Any:
        if node["t"] not in {"Div", "Span"}:
            return None
        identifier, classes, pairs = node["c"][0]
        wanted = {"content-visible", "content-hidden"} & set(classes)
        if not wanted:
            return None
        values = dict(pairs)
        condition = True
        if "when-format" in values:
            condition = condition and self.matches(values["when-format"])
        if "unless-format" in values:
            condition = condition and not self.matches(values["unless-format"])
        visible = condition if "content-visible" in wanted else not condition
        if not visible:
            return []
        rest_classes = [c for c in classes if c not in wanted]
        rest_pairs = [p for p in pairs if p[0] not in {"when-format", "unless-format"}]
        if not identifier and not rest_classes and not rest_pairs:
            return node["c"][1]
        return {"t": node["t"], "c": [[identifier, rest_classes, rest_pairs], node["c"][1]]}

    # -- variables -----------------------------------------------------------------------
    def var_inlines(self, token: str, plain: bool) -> list[Any]:
        kind = token[2]
        if kind == "E":
            text = self.source.literals[token]
            if self.fmt == "pdf" and not plain:
                return [A.raw_inline("typst", _typst_string(text))]
            return A.text_inlines(text)
        if kind != "V":
            return [A.string(token)]
        use = self.source.variables[token]
        value = use.value
        if not value.angka:
            # A bare string value (a name, a place) is text, not a traceable number.
            if self.fmt == "pdf" and not plain:
                return [A.raw_inline("typst", _typst_string(value.text))]
            return A.text_inlines(value.text)
        if plain or self.fmt == "docx":
            return A.text_inlines(value.text)
        if self.fmt == "pdf":
            return [A.raw_inline("typst", _typst_string(value.text))]
        pairs = [["data-key", use.key]]
        if value.title:
            pairs.append(["title", value.title])
        if not value.href:
            pairs.append(["tabindex", "0"])
        number = A.span(A.attr("", ["angka"], pairs), A.text_inlines(value.text))
        if value.href:
            return [A.link([number], value.href, A.attr("", ["tautan-angka"]))]
        return [number]

    def expand_str(self, text: str, plain: bool) -> list[Any]:
        out: list[Any] = []
        position = 0
        for match in TOKEN_RE.finditer(text):
            if match.group(1) not in "VE":
                continue
            if match.start() > position:
                out.append(A.string(text[position : match.start()]))
            out.extend(self.var_inlines(match.group(0), plain))
            position = match.end()
        if position < len(text):
            out.append(A.string(text[position:]))
        return out

    def raw_fill(self, node: dict[str, Any]) -> dict[str, Any]:
        fmt, text = node["c"]
        if self.fmt == "html" and fmt in _NATIVE_RAW["html"] and 'class="angka"' in text:
            text = _RAW_NUMBER_RE.sub(self.raw_number, text)
            node = {"t": node["t"], "c": [fmt, text]}
        if "QZ" not in text:
            return node

        def value(match: re.Match[str]) -> str:
            if match.group(1) not in "VE":
                return match.group(0)
            plain = _token_text(self.source, match.group(0))
            if fmt in {"html", "html5", "html4", "openxml"}:
                return html.escape(plain, quote=True)
            if fmt == "typst":
                return _typst_string(plain)
            return plain

        return {"t": node["t"], "c": [fmt, TOKEN_RE.sub(value, text)]}

    def raw_number(self, match: re.Match[str]) -> str:
        """A bare ``<span class="angka" data-key="k">`` in raw HTML (a table fragment)
        gets the tooltip and the link of variable ``k``, like ``{{< var k >}}``."""
        value = self.variables.get(html.unescape(match.group(1)))
        if value is None or not value.angka:
            return match.group(0)
        attributes = f' data-key="{match.group(1)}"'
        if value.title:
            attributes += f' title="{html.escape(value.title, quote=True)}"'
        if not value.href:
            attributes += ' tabindex="0"'
        number = f'<span class="angka"{attributes}>{match.group(2)}</span>'
        if value.href:
            href = html.escape(value.href, quote=True)
            return f'<a href="{href}" class="tautan-angka">{number}</a>'
        return number

    def fill(self, node: Any, plain: bool) -> Any:
        if isinstance(node, list):
            out: list[Any] = []
            for item in node:
                if isinstance(item, dict) and item.get("t") == "Str" and "QZ" in item["c"]:
                    out.extend(self.expand_str(item["c"], plain))
                else:
                    out.append(self.fill(item, plain))
            return out
        if isinstance(node, dict):
            kind = node.get("t")
            if kind == "Image":
                attributes, inlines, target = node["c"]
                return {"t": "Image", "c": [attributes, self.fill(inlines, True), target]}
            if kind in {"RawInline", "RawBlock"}:
                return self.raw_fill(node)
            return {key: self.fill(value, plain) for key, value in node.items()}
        return node

    # -- identifiers and section numbers ---------------------------------------------------
    def assign_header_ids(self, blocks: list[Any]) -> list[Any]:
        used = {_identifier(n) for n in A.iter_nodes(blocks)} - {""}
        used |= {"daftar-isi", "daftar-tabel", "daftar-gambar"}

        def visit(node: dict[str, Any]) -> Any:
            if node["t"] != "Header" or node["c"][1][0]:
                return None
            base = _auto_identifier(node["c"][2])
            candidate, counter = base, 0
            while candidate in used:
                counter += 1
                candidate = f"{base}-{counter}"
            used.add(candidate)
            level, attributes, inlines = node["c"]
            return A.header(level, [candidate, attributes[1], attributes[2]], inlines)

        return self.walk_blocks(blocks, visit)

    def number_headers(self, blocks: list[Any]) -> list[Any]:
        counters = [0] * 7

        def visit(node: dict[str, Any]) -> Any:
            if node["t"] != "Header":
                return None
            level, attributes, inlines = node["c"]
            if "unnumbered" in attributes[1]:
                return None
            counters[level] += 1
            for deeper in range(level + 1, 7):
                counters[deeper] = 0
            number = section_label(level, counters[level])
            label = A.span(A.attr("", ["nomor-bagian"]), A.text_inlines(number))
            return A.header(level, attributes, [label, A.space(), *inlines])

        # Headers are visited in document order by walk (children before parents only
        # matters for nesting, and headers never contain headers).
        return self.walk_blocks(blocks, visit)

    # -- numbered tables and figures ---------------------------------------------------------
    def where_defined(self, identifier: str) -> str:
        return self.source.def_locations.get(identifier, "lokasi tidak diketahui")

    def collect_numbered(self, blocks: list[Any]) -> None:
        counters = {"tbl": 0, "fig": 0}
        for node in A.iter_nodes(blocks):
            kind = node["t"]
            if kind not in {"Table", "Figure", "Div", "Image"}:
                continue
            identifier = _identifier(node)
            prefix = identifier[:4]
            if prefix not in {"tbl-", "fig-"}:
                continue
            if kind == "Image":
                raise RenderError(
                    f"gambar '#{identifier}' harus berdiri sendiri dalam satu paragraf dan "
                    f"memiliki "
                    f"keterangan, mis. ![Keterangan](gambar.svg){{#{identifier}}} "
                    f"({self.where_defined(identifier)})"
                )
            if identifier in self.numbers:
                raise RenderError(
                    f"label ganda: '#{identifier}' dipakai lebih dari sekali dalam format "
                    f"{_FORMAT_NAMES[self.fmt]} ({self.where_defined(identifier)})"
                )
            if kind == "Table" and prefix == "fig-":
                raise RenderError(
                    f"tabel memakai label gambar '#{identifier}'; gunakan '#tbl-...' "
                    f"({self.where_defined(identifier)})"
                )
            caption = self.caption_inlines(node)
            if caption is None:
                raise RenderError(
                    f"'#{identifier}' tidak memiliki keterangan (caption) "
                    f"({self.where_defined(identifier)})"
                )
            group = prefix[:3]
            counters[group] += 1
            self.numbers[identifier] = (group, counters[group])
            self.entries[group].append((identifier, _clean_inlines(caption)))

    def caption_inlines(self, node: dict[str, Any]) -> list[Any] | None:
        kind = node["t"]
        if kind in {"Table", "Figure"}:
            blocks = node["c"][1][1]
            if blocks and blocks[0]["t"] in {"Plain", "Para"} and blocks[0]["c"]:
                return blocks[0]["c"]
            return None
        children = node["c"][1]
        if len(children) >= 2 and children[-1]["t"] == "Para":
            return children[-1]["c"]
        return None

    def label_inlines(self, identifier: str) -> list[Any]:
        group, number = self.numbers[identifier]
        title = self.labels.tbl_title if group == "tbl" else self.labels.fig_title
        label = A.span(
            A.attr("", ["label-keterangan"]),
            [*A.text_inlines(title), A.space(), A.string(f"{number}{self.labels.title_delim}")],
        )
        return [label, A.space()]

    def number_captions(self, node: dict[str, Any]) -> Any:
        kind = node["t"]
        identifier = _identifier(node)
        if identifier not in self.numbers or kind not in {"Table", "Figure", "Div"}:
            return None
        if kind == "Div":
            return self.convert_div(node)
        node = A.copy_tree(node)
        caption_blocks = node["c"][1][1]
        first = caption_blocks[0]
        caption_blocks[0] = {"t": first["t"], "c": self.label_inlines(identifier) + first["c"]}
        return node

    def convert_div(self, node: dict[str, Any]) -> Any:
        identifier, classes, pairs = node["c"][0]
        children = node["c"][1]
        caption = self.label_inlines(identifier) + children[-1]["c"]
        content = children[:-1]
        group = self.numbers[identifier][0]
        caption_block = [None, [A.plain(caption)]]
        if len(content) == 1 and content[0]["t"] == "Table" and group == "tbl":
            table = A.copy_tree(content[0])
            table["c"][0] = [identifier, table["c"][0][1] + classes, table["c"][0][2] + pairs]
            table["c"][1] = caption_block
            return table
        natives = _NATIVE_RAW[self.fmt]
        if all(b["t"] == "RawBlock" and b["c"][0] not in natives for b in content):
            raise RenderError(
                f"'#{identifier}' hanya berisi HTML/kode mentah yang tidak tampil dalam format "
                f"{_FORMAT_NAMES[self.fmt]}; bungkus dengan "
                f'::: {{.content-visible when-format="html"}} '
                f"dan sediakan versi lain untuk format ini ({self.where_defined(identifier)})"
            )
        if self.fmt == "html" and group == "tbl":
            opening = f'<figure id="{html.escape(identifier)}" class="tabel-html">'
            return [
                A.raw_block("html", opening),
                A.raw_block("html", "<figcaption>"),
                A.plain(caption),
                A.raw_block("html", "</figcaption>"),
                A.div(A.attr("", ["tabel-gulir"]), content),
                A.raw_block("html", "</figure>"),
            ]
        return {"t": "Figure", "c": [[identifier, classes, pairs], caption_block, content]}

    def replace_cite(self, node: dict[str, Any]) -> Any:
        if node["t"] != "Cite":
            return None
        citations, original = node["c"]
        if not any(_CROSSREF_PREFIX_RE.match(c["citationId"]) for c in citations):
            return original  # not a cross reference: "@word" stays as written
        out: list[Any] = []
        for index, citation in enumerate(citations):
            identifier = citation["citationId"]
            where = self.source.ref_locations.get(identifier, "lokasi tidak diketahui")
            if index:
                out.extend([A.string(","), A.space()])
            if citation["citationPrefix"]:
                out.extend([*citation["citationPrefix"], A.space()])
            if not identifier.startswith(_SUPPORTED_REF_PREFIXES):
                raise RenderError(
                    f"jenis rujukan tidak didukung: '@{identifier}' (hanya @tbl-... dan @fig-...) "
                    f"({where})"
                )
            if identifier not in self.numbers:
                if identifier in self.prepared.ids_any_format:
                    raise RenderError(
                        f"rujukan '@{identifier}' menunjuk ke unsur yang tidak tampil dalam format "
                        f"{_FORMAT_NAMES[self.fmt]} ({where})"
                    )
                raise RenderError(f"rujukan tidak dikenal: '@{identifier}' ({where})")
            group, number = self.numbers[identifier]
            prefix = self.labels.tbl_prefix if group == "tbl" else self.labels.fig_prefix
            if citation["citationMode"]["t"] == "SuppressAuthor":
                text = [A.string(str(number))]
            else:
                text = [*A.text_inlines(prefix), A.space(), A.string(str(number))]
            out.append(A.link(text, f"#{identifier}", A.attr("", ["rujukan"])))
            if citation["citationSuffix"]:
                out.extend(citation["citationSuffix"])
        return out

    # -- generated lists ---------------------------------------------------------------------------
    def toc_blocks(self, blocks: list[Any]) -> list[Any]:
        title = self.settings.toc_title
        heading = A.header(
            1, A.attr("daftar-isi", ["unnumbered", "unlisted"]), A.text_inlines(title)
        )
        if self.fmt == "pdf":
            return [heading, A.raw_block("typst", f"#daftar-isi({self.settings.toc_depth})")]
        if self.fmt == "docx":
            return [A.raw_block("openxml", _docx_toc(title, self.settings.toc_depth))]
        entries: list[tuple[int, str, list[Any]]] = []
        for node in A.iter_nodes(blocks):
            if node["t"] != "Header":
                continue
            level, (identifier, classes, _), inlines = node["c"]
            if level <= self.settings.toc_depth and "unlisted" not in classes and identifier:
                entries.append((level, identifier, _clean_inlines(inlines)))
        root: list[dict[str, Any]] = []
        stack: list[tuple[int, list[dict[str, Any]]]] = [(0, root)]
        for level, identifier, inlines in entries:
            while stack[-1][0] >= level:
                stack.pop()
            item = {"link": A.link(inlines, f"#{identifier}"), "children": []}
            stack[-1][1].append(item)
            stack.append((level, item["children"]))

        def to_list(items: list[dict[str, Any]]) -> dict[str, Any]:
            rendered = []
            for item in items:
                blocks_ = [A.plain([item["link"]])]
                if item["children"]:
                    blocks_.append(to_list(item["children"]))
                rendered.append(blocks_)
            return {"t": "BulletList", "c": rendered}

        nav_open = f'<nav class="daftar-isi" aria-label="{html.escape(title)}">'
        body = [to_list(root)] if root else []
        return [heading, A.raw_block("html", nav_open), *body, A.raw_block("html", "</nav>")]

    def caption_list_blocks(self, group: str) -> list[Any]:
        title = "Daftar Tabel" if group == "tbl" else "Daftar Gambar"
        identifier = "daftar-tabel" if group == "tbl" else "daftar-gambar"
        heading = A.header(1, A.attr(identifier, ["unnumbered"]), A.text_inlines(title))
        if self.fmt == "pdf":
            return [heading, A.raw_block("typst", f'#daftar-keterangan("{group}-")')]
        items = []
        for entry_id, caption in self.entries[group]:
            text = _clean_inlines(self.label_inlines(entry_id)) + A.copy_tree(caption)
            items.append(A.plain([A.link(text, f"#{entry_id}")]))
        if self.fmt == "docx":
            return [heading, *[A.para(item["c"]) for item in items]]
        listing = [{"t": "BulletList", "c": [[item] for item in items]}] if items else []
        return [heading, A.div(A.attr("", ["daftar-keterangan"]), listing)]

    def block_token(self, block: dict[str, Any]) -> str | None:
        if block.get("t") in {"Para", "Plain"} and len(block["c"]) == 1:
            only = block["c"][0]
            if only.get("t") == "Str" and only["c"] in self.source.blocks:
                return only["c"]
        return None

    def place_blocks(self, blocks: list[Any]) -> tuple[list[Any], bool]:
        top_level = {id(b) for b in blocks}
        for node in A.iter_nodes(blocks):
            if id(node) in top_level:
                continue
            token = self.block_token(node)
            if token is not None:
                use = self.source.blocks[token]
                raise RenderError(
                    f"shortcode '{use.name}' harus berada di tingkat teratas dokumen, "
                    f"tidak di dalam "
                    f"blok ::: atau daftar ({use.where})"
                )
        seen: dict[str, str] = {}
        out: list[Any] = []
        toc_here = {"t": "Null"}  # stands where the table of contents goes
        if self.settings.toc and not any(
            self.source.blocks[t].name == "daftar-isi" for t in map(self.block_token, blocks) if t
        ):
            out.append(toc_here)
        has_mulai_isi = False
        for block in blocks:
            token = self.block_token(block)
            if token is None:
                out.append(block)
                continue
            use = self.source.blocks[token]
            if use.name != "pagebreak":
                if use.name in seen:
                    raise RenderError(
                        f"shortcode '{use.name}' hanya boleh dipakai sekali ({use.where}; "
                        f"sebelumnya di {seen[use.name]})"
                    )
                seen[use.name] = use.where
            if use.name == "pagebreak":
                out.append(self.pagebreak())
            elif use.name == "mulai-isi":
                has_mulai_isi = True
                if self.fmt == "pdf":
                    out.append(
                        A.raw_block(
                            "typst",
                            '#pagebreak(weak: true)\n#set page(numbering: "1")\n'
                            "#counter(page).update(1)",
                        )
                    )
                elif self.fmt == "docx":
                    out.append(self.pagebreak())
            elif use.name == "daftar-isi":
                out.append(toc_here)
            elif use.name == "daftar-tabel":
                out.extend(self.caption_list_blocks("tbl"))
            elif use.name == "daftar-gambar":
                out.extend(self.caption_list_blocks("fig"))
        result: list[Any] = []
        for block in out:
            if block is toc_here:
                result.extend(self.toc_blocks(out))
            else:
                result.append(block)
        return result, has_mulai_isi

    def pagebreak(self) -> dict[str, Any]:
        if self.fmt == "pdf":
            return A.raw_block("typst", PAGEBREAK_TYPST)
        if self.fmt == "docx":
            return A.raw_block("openxml", PAGEBREAK_OPENXML)
        return A.raw_block("html", PAGEBREAK_HTML)

    # -- format details ---------------------------------------------------------------------------
    @staticmethod
    def mark_small_tables(blocks: list[Any]) -> None:
        """Give every table inside ``::: {.tabel-kecil}`` the class itself (in place)."""
        for node in A.iter_nodes(blocks):
            if node["t"] != "Div" or CLASS_SMALL_TABLE not in node["c"][0][1]:
                continue
            for inner in A.iter_nodes(node["c"][1]):
                if inner["t"] == "Table" and CLASS_SMALL_TABLE not in inner["c"][0][1]:
                    inner["c"][0][1].append(CLASS_SMALL_TABLE)

    def format_blocks(self, node: dict[str, Any]) -> Any:
        if node["t"] == "Table":
            return self.format_table(node)
        if node["t"] == "Div":
            return self.styled_blocks(node)
        return None

    def format_table(self, node: dict[str, Any]) -> Any:
        """Alignment, column widths, small type and line breaks of one table.

        Numeric columns without an explicit alignment are right aligned in every
        format. PDF: the column widths are chosen in the template (``tabel-pas``)
        from what the filter measured here; HTML: the browser sizes the columns and
        a wrapper lets the table scroll sideways; DOCX: relative widths.
        """
        table = node  # a fresh copy made by the walk: changed in place
        columns = _analyse_columns(table)
        small = CLASS_SMALL_TABLE in table["c"][0][1] or _body_row_count(table) > SMALL_TABLE_ROWS
        specs = []
        for spec, column in zip(table["c"][2], columns, strict=True):
            alignment = spec[0]
            if alignment["t"] == "AlignDefault" and column.numeric:
                alignment = {"t": "AlignRight"}
            specs.append([alignment, {"t": "ColWidthDefault"}])
        if self.fmt == "docx":
            # As in the PDF: a table whose number columns would take more than half
            # the width of the page is set in the small type.
            small = small or _docx_fixed_chars(columns) > 0.5 * _DOCX_LINE
            widths = _docx_widths(columns, _DOCX_LINE * (1.25 if small else 1.0))
            specs = [
                [a, {"t": "ColWidth", "c": w}] for (a, _), w in zip(specs, widths, strict=True)
            ]
        table["c"][2] = specs
        if self.fmt in {"html", "pdf"}:
            _break_long_words(table, self.fmt)
        if self.fmt == "docx":
            for row in table["c"][3][1]:  # Word: header cells centred, as in the PDF
                for cell in row[1]:
                    cell[1] = {"t": "AlignCenter"}
            if small:
                _docx_small_cells(table)
        if self.fmt == "html":
            classes = ["tabel-gulir", *([CLASS_SMALL_TABLE] if small else [])]
            return A.div(A.attr("", classes), [table])
        if self.fmt == "pdf":
            plan = A.raw_block("typst", _typst_table_plan(table, columns, small))
            wrapper = "tabel-kecil" if small else None
            if not small and _fits_one_page(table):
                wrapper = "tabel-utuh"
            if wrapper is None:
                return [plan, table]
            return [
                A.raw_block("typst", f"#{wrapper}["),
                plan,
                table,
                A.raw_block("typst", "]"),
            ]
        return table

    def styled_blocks(self, node: dict[str, Any]) -> Any:
        """``::: {.landscape}``, ``::: {.tanda-tangan}`` and ``::: {.tabel-kecil}``."""
        if node["t"] != "Div":
            return None
        (identifier, classes, pairs), content = node["c"]
        if "landscape" in classes:
            # A landscape page in the PDF; ignored elsewhere.
            if self.fmt != "pdf":
                return content
            return [
                A.raw_block("typst", "#page(flipped: true)["),
                *content,
                A.raw_block("typst", "]"),
            ]
        for name, typst_function, docx_style in (
            (CLASS_SIGNATURE, "tanda-tangan", DOCX_STYLE_SIGNATURE),
            (CLASS_SMALL_TABLE, "tabel-kecil", None),
        ):
            if name not in classes:
                continue
            if self.fmt == "pdf":
                opening = A.raw_block("typst", f"#{typst_function}[")
                return [opening, *content, A.raw_block("typst", "]")]
            if self.fmt == "docx" and docx_style is not None:
                style = [*pairs, ["custom-style", docx_style]]
                return A.div([identifier, classes, style], content)
            return None
        return None

    def chapter_page_breaks(self, blocks: list[Any]) -> list[Any]:
        """DOCX: every level-1 heading starts a new page, as in the PDF."""
        out: list[Any] = []
        for block in blocks:
            if (
                block.get("t") == "Header"
                and block["c"][0] == 1
                and out
                and out[-1] != self.pagebreak()
            ):
                out.append(self.pagebreak())
            out.append(block)
        return out

    def typst_block_starts(self, node: dict[str, Any]) -> Any:
        if node["t"] not in {"Plain", "Para"} or not node["c"]:
            return None
        first = node["c"][0]
        if first.get("t") != "Str" or not first["c"]:
            return None
        text = first["c"]
        replacement: list[Any]
        if text[0] in "-+=/":
            replacement = [A.raw_inline("typst", "\\" + text[0])]
            if text[1:]:
                replacement.append(A.string(text[1:]))
        else:
            match = re.match(r"^(\d+)\.(.*)$", text)
            if not match:
                return None
            replacement = [A.string(match.group(1)), A.raw_inline("typst", "\\.")]
            if match.group(2):
                replacement.append(A.string(match.group(2)))
        return {"t": node["t"], "c": replacement + node["c"][1:]}

    # -- all together ----------------------------------------------------------------
    def run(self, copy: bool = True) -> Rendered:
        doc = A.copy_tree(self.prepared.doc) if copy else dict(self.prepared.doc)
        blocks = A.walk(doc["blocks"], self.visibility)
        blocks = self.fill(blocks, plain=False)
        doc["meta"] = self.fill(doc["meta"], plain=self.fmt != "pdf")
        blocks = self.assign_header_ids(blocks)
        if self.settings.number_sections and self.fmt != "pdf":
            blocks = self.number_headers(blocks)
        self.collect_numbered(blocks)
        blocks = self.walk_blocks(blocks, self.number_captions)
        blocks = A.walk(blocks, self.replace_cite)
        blocks, has_mulai_isi = self.place_blocks(blocks)
        if self.fmt == "docx" and "title" in doc["meta"]:
            blocks.insert(0, self.pagebreak())  # the title block gets a page of its own
        if self.fmt == "docx":
            blocks = self.chapter_page_breaks(blocks)
        self.mark_small_tables(blocks)
        blocks = self.walk_blocks(blocks, self.format_blocks)
        if self.fmt == "pdf":
            blocks = self.walk_blocks(blocks, self.typst_block_starts)
        doc["blocks"] = blocks
        return Rendered(doc=doc, has_mulai_isi=has_mulai_isi)


def for_format(
    prepared: Prepared,
    source: Source,
    project: Project,
    settings: FormatSettings,
    variables: Mapping[str, VariableValue] | None = None,
    *,
    own: bool = False,
) -> Rendered:
    """Produce the AST of one output format; see the module docstring.

    ``variables`` (all values of the project) complete the number spans that raw
    HTML fragments carry without tooltip or link. ``own``: ``prepared`` is this
    call's to change (a forked worker's copy, used for one format only), so it
    is not copied first.
    """
    return _FormatFilter(prepared, source, project, settings, variables).run(copy=not own)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


# -- tables -------------------------------------------------------------------------------

#: A number as the report prints it: 1.234.567, 96,53%, Rp5.164.657.747, -0,5.
#: Codes such as 1.2.1 are not numbers (the groups after a dot have three digits).
_NUMBER_CELL_RE = re.compile(
    r"^[(+\-\u2212\u00b1]?\s?(?:Rp\.?\s?)?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s?%?(?:,-)?\)?$"
)
_BLANK_CELLS = frozenset({"", "-", "\u2013", "\u2014", "\u2212"})
#: Characters after which a long word (a key, a file path) may break inside a table.
_WORD_BREAK_AFTER = "._/#:"
_LONG_WORD = 16
#: A column whose longest cell has at most this many characters keeps its natural width.
_NARROW_COLUMN = 16
#: A table whose longest cells add up to more characters never fits a page unwrapped.
_NATURAL_WIDTH_LIMIT = 250


@dataclass(frozen=True)
class _Column:
    numeric: bool  # most body cells are numbers
    longest: int  # characters in the longest cell (header included)
    average: float  # mean characters of the non-empty body cells
    narrowest: int = 0  # characters of the longest body cell or header word
    samples: tuple[str, ...] = ()  # the texts that set the width of a narrow column
    pieces: tuple[str, ...] = ()  # the longest pieces of text that cannot break


def _table_rows(table: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """(header rows, other rows) of a pandoc table."""
    head = list(table["c"][3][1])
    body: list[Any] = []
    for section in table["c"][4]:
        body.extend(section[2])
        body.extend(section[3])
    body.extend(table["c"][5][1])
    return head, body


def _body_row_count(table: dict[str, Any]) -> int:
    return len(_table_rows(table)[1])


def _grid_texts(rows: list[Any], width: int) -> list[list[str]]:
    """The text of each column, row by row; a spanned cell counts in its first column."""
    columns: list[list[str]] = [[] for _ in range(width)]
    covered: dict[tuple[int, int], bool] = {}
    for r, row in enumerate(rows):
        position = 0
        for cell in row[1]:
            while covered.get((r, position)):
                position += 1
            if position >= width:
                break
            rowspan, colspan = max(1, cell[2]), max(1, cell[3])
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered[(r + dr, position + dc)] = True
            if colspan == 1:
                columns[position].append(" ".join(A.stringify(cell[4]).split()))
            position += colspan
    return columns


def _analyse_columns(table: dict[str, Any]) -> list[_Column]:
    width = len(table["c"][2])
    head, body = _table_rows(table)
    head_texts = _grid_texts(head, width)
    body_texts = _grid_texts(body, width)
    result = []
    for index in range(width):
        cells = [t for t in body_texts[index] if t not in _BLANK_CELLS]
        numbers = sum(1 for t in cells if _NUMBER_CELL_RE.match(t))
        every = body_texts[index] + head_texts[index]
        words = sorted({w for t in head_texts[index] for w in t.split()}, key=lambda w: -len(w))
        numeric = bool(cells) and numbers >= 0.6 * len(cells)
        # A number column is as wide as its widest number (other text in it wraps).
        candidates = [t for t in cells if _NUMBER_CELL_RE.match(t)] if numeric else cells
        longest_cells = sorted(set(candidates), key=lambda t: (-len(t), t))
        samples = tuple(longest_cells[:3]) + tuple(words[:2])
        result.append(
            _Column(
                numeric=numeric,
                longest=max((len(t) for t in every), default=0),
                average=(sum(len(t) for t in cells) / len(cells)) if cells else 0.0,
                narrowest=max((len(t) for t in [*candidates, *words]), default=0),
                samples=samples,
                pieces=_longest_pieces([*body_texts[index], *head_texts[index]]),
            )
        )
    return result


def _longest_pieces(texts: list[str], count: int = 2) -> tuple[str, ...]:
    """The longest runs of text a line cannot break (between spaces, after ``-`` and
    after the break points of :func:`_word_breaks`)."""
    pieces: set[str] = set()
    for text in texts:
        for word in text.split():
            points = [0, *_word_breaks(word), len(word)]
            for start, end in zip(points, points[1:], strict=False):
                pieces.update(p for p in re.split(r"(?<=[^\W\d]-)", word[start:end]) if p)
    return tuple(sorted(pieces, key=lambda p: (-len(p), p))[:count])


def _column_weight(column: _Column) -> float | None:
    """``None`` for a column that keeps its natural width, else its share of the rest.

    The share grows a little slower than the mean length of the text, so that a
    column of short, hard-to-break words (keys, codes) is not squeezed by one of
    long sentences.
    """
    if column.numeric or column.longest <= _NARROW_COLUMN:
        return None
    return round(max(column.average, 6.0) ** 0.75, 1)


def _typst_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _typst_table_plan(table: dict[str, Any], columns: list[_Column], small: bool) -> str:
    """The ``tabel-berikut`` plan read by the template's ``tabel-pas`` for the next table.

    ``kolom``: the widths used when the table is wider than the page: for numbers and
    short columns the texts whose measured width (in bold) the column needs, for the
    other columns a share of the rest by the length of their text (``bagi``), at
    least as wide as their longest unbreakable piece of text (``kata``); ``rata``: the
    alignment of each column; ``kepala``: the number of header rows; ``kecil``: small
    type.
    """
    widths = []
    for column in columns:
        weight = _column_weight(column)
        if weight is None:
            samples = ", ".join(_typst_literal(t) for t in column.samples if t)
            widths.append(f"({samples},)" if samples else "auto")
        else:
            pieces = "".join(f"{_typst_literal(p)}, " for p in column.pieces)
            widths.append(f"(bagi: {weight:g}, kata: ({pieces}))")
    names = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
    aligns = [names.get(spec[0]["t"], "left") for spec in table["c"][2]]
    head_rows = len(table["c"][3][1])
    # Whether the table may fit the page at its natural width (else Typst need not
    # measure it): no page is wider than about 250 characters of table text.
    natural = sum(c.longest for c in columns) <= _NATURAL_WIDTH_LIMIT
    return (
        f"#let tabel-berikut = (kolom: ({', '.join(widths)},), "
        f"rata: ({', '.join(aligns)},), kepala: {head_rows}, kecil: {str(small).lower()}, "
        f"alami: {str(natural).lower()})"
    )


def _fits_one_page(table: dict[str, Any]) -> bool:
    """A table short enough to be kept on one page (a rough count of its text)."""
    head, body = _table_rows(table)
    characters = sum(len(A.stringify(cell[4])) for row in head + body for cell in row[1])
    return len(body) <= 12 and characters <= 1800


#: About how many characters of table text (10 pt, in bold for the header) fit across
#: the page in Word.
_DOCX_LINE = 78


def _docx_fixed_chars(columns: list[_Column]) -> float:
    """Characters taken by the columns that keep the width of their text (Word)."""
    return sum(float(max(c.narrowest, 3) + 3) for c in columns if _column_weight(c) is None)


def _docx_widths(columns: list[_Column], line: float = _DOCX_LINE) -> list[float]:
    """Relative column widths for Word (which, unlike Typst, does not size by content).

    Numbers and short columns get the width of their longest text (or header word);
    the other columns share the rest by the length of their text. A table whose
    columns are all short keeps about its natural width. ``line``: characters across
    the page at the type size of the table.
    """
    fixed = [float(max(c.narrowest, 3) + 3) if _column_weight(c) is None else 0.0 for c in columns]
    weights = [_column_weight(c) or 0.0 for c in columns]
    fixed_total = sum(fixed)
    if not any(weights):
        scale = line if fixed_total < line else fixed_total
        return [round(w / scale, 4) for w in fixed]
    room = line * 0.2
    if fixed_total > line - room:  # many number columns: keep room for the text
        fixed = [w * (line - room) / fixed_total for w in fixed]
        fixed_total = line - room
    rest = line - fixed_total
    shares = [rest * w / sum(weights) for w in weights]
    return [round((a + b) / line, 4) for a, b in zip(fixed, shares, strict=True)]


def _word_breaks(word: str) -> list[int]:
    """Where a long word may break: after ``._/#:`` next to a letter (never in 1.234.567)."""
    if len(word) < _LONG_WORD or not any(ch.isalpha() for ch in word):
        return []
    points = []
    for index in range(1, len(word) - 1):
        if word[index] in _WORD_BREAK_AFTER and (
            word[index - 1].isalpha() or word[index + 1].isalpha()
        ):
            points.append(index + 1)
    return points


def _break_long_words(table: dict[str, Any], fmt: str) -> None:
    """Let long keys and file paths in table cells wrap (``<wbr>`` / zero-width space).

    Changes ``table`` in place.
    """

    def split(node: dict[str, Any]) -> Any:
        if node["t"] != "Str":
            return None
        text = node["c"]
        points = _word_breaks(text)
        if not points:
            return None
        pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
        if fmt == "pdf":
            return A.string("\u200b".join(pieces))
        out: list[Any] = []
        for index, piece in enumerate(pieces):
            if index:
                out.append(A.raw_inline("html", "<wbr>"))
            out.append(A.string(piece))
        return out

    for rows in _table_rows(table):
        for row in rows:
            for cell in row[1]:
                cell[4] = A.walk(cell[4], split)


def _docx_small_cells(table: dict[str, Any]) -> None:
    """DOCX: the text of every cell in the Word character style of small tables (in place)."""
    style = A.attr("", [], [["custom-style", DOCX_STYLE_SMALL_TABLE]])
    for rows in _table_rows(table):
        for row in rows:
            for cell in row[1]:
                for block in cell[4]:
                    if block.get("t") in {"Plain", "Para"} and block["c"]:
                        block["c"] = [A.span(A.copy_tree(style), block["c"])]


def _roman(number: int) -> str:
    values = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = []
    for value, letters in values:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (as Typst's "A" numbering)."""
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def section_label(level: int, number: int) -> str:
    """The number of a heading, as Indonesian reports write it.

    ``BAB I`` (chapter), then ``A.``, ``1.``, ``a.`` and ``1)``; the same scheme as
    the ``penomoran-judul`` function of the Typst template.
    """
    if number <= 0:
        return ""
    if level == 1:
        return f"BAB {_roman(number)}"
    if level == 2:
        return f"{_letters(number)}."
    if level == 3:
        return f"{number}."
    if level == 4:
        return f"{_letters(number).lower()}."
    return f"{number})"


def _typst_string(text: str) -> str:
    """Typst markup that shows ``text`` literally: a string literal ended by ``;``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'#"{escaped}";'


def _clean_inlines(inlines: list[Any]) -> list[Any]:
    """Inlines fit for a link text: no notes, no nested links, no identifiers."""

    def visit(node: dict[str, Any]) -> Any:
        kind = node["t"]
        if kind == "Note":
            return []
        if kind == "Link":
            return node["c"][1]
        if kind == "Span" and "angka" in node["c"][0][1]:
            return node["c"][1]
        position = _ATTR_POSITION.get(kind)
        if position is not None and node["c"][position][0]:
            node = A.copy_tree(node)
            node["c"][position][0] = ""
            return node
        return None

    return A.walk(A.copy_tree(inlines), visit)


def _auto_identifier(inlines: list[Any]) -> str:
    """Pandoc's default identifier algorithm (``auto_identifiers``)."""
    text = A.stringify(inlines).lower()
    kept = "".join(
        ch for ch in text if ch.isalnum() or ch in "_-." or unicodedata.category(ch) == "Zs"
    )
    words = kept.split()
    identifier = "-".join(words)
    while identifier and not identifier[0].isalpha():
        identifier = identifier[1:]
    return identifier or "section"


def _docx_toc(title: str, depth: int) -> str:
    """A Word table-of-contents field that Word fills in when the document is opened."""
    note = "Daftar isi diperbarui oleh Word saat dokumen dibuka (klik kanan lalu Perbarui Bidang)."
    return (
        '<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{html.escape(title)}</w:t></w:r></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        '<w:r><w:instrText xml:space="preserve">'
        f' TOC \\o "1-{depth}" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:t xml:space="preserve">{note}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
