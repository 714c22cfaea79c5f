"""Assemble the Markdown source: front matter, includes and shortcodes.

The render list is read file by file; ``{{< include >}}`` lines are expanded
recursively and every line remembers the file and line it came from, so that
every problem can be reported as "berkas baris N".

Shortcodes are replaced by *tokens*: short alphanumeric words that pandoc's
Markdown reader leaves alone wherever they stand (text, headings, table cells,
link targets, attributes, code). The pandoc filter later swaps each token for
its content, so that a variable's value is never parsed as Markdown.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lakip_calc.errors import RenderError
from lakip_calc.render._project import Project, VariableValue

__all__ = [
    "BLOCK_SHORTCODES",
    "BlockUse",
    "Line",
    "Source",
    "TOKEN_RE",
    "VarUse",
    "assemble_source",
    "split_source",
]

#: Shortcodes that stand alone on a line and become a block.
BLOCK_SHORTCODES = ("pagebreak", "daftar-isi", "daftar-tabel", "daftar-gambar", "mulai-isi")
#: Quarto shortcodes this renderer knowingly does not implement.
_UNSUPPORTED = ("meta", "env", "embed", "video", "kbd", "lipsum", "placeholder", "contents")

#: Token shape: QZ + kind + 6 digits + ZQ. Kinds: V variable, E escaped literal,
#: B block shortcode, F start of a render-list file, A an included file's
#: ready-made AST (:data:`AST_SIDECAR`).
TOKEN_RE = re.compile(r"QZ([VEBFA])(\d{6})ZQ")

_SHORTCODE_RE = re.compile(r"\{\{\{<\s*(.*?)\s*>\}\}\}|\{\{<\s*(.*?)\s*>\}\}")
_INCLUDE_LINE_RE = re.compile(r"^\s*\{\{<\s*include\s+(.*?)\s*>\}\}\s*$")
_REF_RE = re.compile(
    r"(?<![\w@])-?@((?:tbl|fig|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr)-[\w\-:.]*\w)"
)
_DEF_RE = re.compile(r"\{[^}]*?#((?:tbl|fig)-[\w\-:.]*\w)")
_COND_RE = re.compile(
    r"\b(when|unless)-(format|meta|profile)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+?))[\s}]"
)
_FENCE_RE = re.compile(r"^\s*:::+\s*\{(.*)\}\s*$")

#: Format names accepted in ``when-format``/``unless-format``.
FORMAT_ALIASES = {
    "html": frozenset({"html", "html5", "html4", "html:js"}),
    "pdf": frozenset({"pdf", "typst", "latex"}),
    "docx": frozenset({"docx"}),
}
_KNOWN_FORMAT_NAMES = frozenset().union(*FORMAT_ALIASES.values())


#: Suffix of an included Markdown file's ready-made pandoc AST: ``x.md`` may have
#: ``x.md.ast.json`` beside it, ``{"sha256": <of x.md's text>, "blocks": [...]}``.
#: The pipeline writes one for the Jejak Angka appendix (the largest table);
#: Quarto ignores it.
AST_SIDECAR = ".ast.json"


@dataclass(frozen=True)
class Line:
    """One source line and where it came from.

    ``ast``: the line stands for an included file taken from its ready-made AST
    (the token that :func:`lakip_calc.render._filter.prepare` replaces).
    """

    text: str
    file: Path
    number: int
    ast: str | None = None


@dataclass(frozen=True)
class VarUse:
    """A ``{{< var >}}`` occurrence."""

    key: str
    value: VariableValue
    where: str


@dataclass(frozen=True)
class BlockUse:
    """A block shortcode occurrence (``pagebreak``, ``daftar-tabel``...)."""

    name: str
    where: str


@dataclass
class Source:
    """The assembled Markdown and what its tokens stand for."""

    text: str = ""
    variables: dict[str, VarUse] = field(default_factory=dict)
    literals: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, BlockUse] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    asts: dict[str, list[Any]] = field(default_factory=dict)
    ref_locations: dict[str, str] = field(default_factory=dict)
    def_locations: dict[str, str] = field(default_factory=dict)

    def token(self, kind: str) -> str:
        count = (
            len(self.variables)
            + len(self.literals)
            + len(self.blocks)
            + len(self.files)
            + len(self.asts)
        )
        return f"QZ{kind}{count + 1:06d}ZQ"


class _Assembler:
    def __init__(self, project: Project, variables: Mapping[str, VariableValue]) -> None:
        self.project = project
        self.variables = variables
        self.source = Source()

    def where(self, line: Line) -> str:
        return f"{self.project.display(line.file)} baris {line.number}"

    # -- reading and includes -------------------------------------------------
    def read_lines(self, path: Path, stack: tuple[Path, ...], origin: Line | None) -> list[Line]:
        shown = self.project.display(path)
        if path in stack:
            chain = " -> ".join(self.project.display(p) for p in (*stack, path))
            at = f" ({self.where(origin)})" if origin else ""
            raise RenderError(f"include melingkar: {chain}{at}")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            at = f" ({self.where(origin)})" if origin else ""
            raise RenderError(f"berkas include tidak ditemukan: {shown}{at}") from exc
        except UnicodeDecodeError as exc:
            raise RenderError(f"berkas bukan teks UTF-8: {shown}") from exc
        text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
        raw_lines = text.split("\n")
        start = 0
        if path.suffix.lower() in {".qmd", ".md", ".markdown"}:
            start = self.skip_front_matter(raw_lines, path)
        lines: list[Line] = []
        for index in range(start, len(raw_lines)):
            line = Line(raw_lines[index], path, index + 1)
            match = _INCLUDE_LINE_RE.match(line.text)
            if match:
                target = self.include_target(match.group(1), line)
                # A block of its own: at the start of its line, blank lines around it
                # (not indented into a list, not a lazy continuation).
                alone = (
                    not line.text[:1].isspace()
                    and (index == start or not raw_lines[index - 1].strip())
                    and (index + 1 >= len(raw_lines) or not raw_lines[index + 1].strip())
                )
                blocks = self.ready_ast(target) if alone else None
                if blocks is not None:
                    token = self.source.token("A")
                    self.source.asts[token] = blocks
                    lines.extend([Line("", path, index + 1), Line("", path, index + 1, token)])
                    lines.append(Line("", path, index + 1))
                else:
                    lines.extend(self.read_lines(target, (*stack, path), line))
            else:
                lines.append(line)
        return lines

    def ready_ast(self, target: Path) -> list[Any] | None:
        """The blocks of ``target`` from its :data:`AST_SIDECAR`, when they may stand for it.

        Only for a file without shortcodes whose sidecar carries the SHA-256 of
        the file's text as it is now (and only for an include that is a block of
        its own, :meth:`read_lines`): anything else is read and parsed as usual.
        """
        sidecar = target.with_name(target.name + AST_SIDECAR)
        if not sidecar.is_file() or not target.is_file():
            return None
        try:
            text = target.read_text(encoding="utf-8")
            ready = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(ready, dict) or "{{<" in text:
            return None
        if ready.get("sha256") != hashlib.sha256(text.encode("utf-8")).hexdigest():
            return None
        blocks = ready.get("blocks")
        return blocks if isinstance(blocks, list) else None

    def include_target(self, argument: str, line: Line) -> Path:
        try:
            parts = shlex.split(argument)
        except ValueError as exc:
            raise RenderError(f"argumen include tidak valid ({self.where(line)})") from exc
        if len(parts) != 1:
            raise RenderError(f"include memerlukan tepat satu nama berkas ({self.where(line)})")
        return (line.file.parent / parts[0]).resolve()

    def skip_front_matter(self, raw_lines: list[str], path: Path) -> int:
        if not raw_lines or raw_lines[0].rstrip() != "---":
            return 0
        for index in range(1, len(raw_lines)):
            if raw_lines[index].rstrip() in {"---", "..."}:
                try:
                    data = yaml.safe_load("\n".join(raw_lines[1:index]))
                except yaml.YAMLError as exc:
                    mark = getattr(exc, "problem_mark", None)
                    line_no = mark.line + 2 if mark is not None else 1
                    raise RenderError(
                        f"front matter YAML tidak valid ({self.project.display(path)} "
                        f"baris {line_no}): {getattr(exc, 'problem', exc)}"
                    ) from exc
                if data is not None and not isinstance(data, dict):
                    raise RenderError(
                        f"front matter harus berupa pemetaan ({self.project.display(path)} baris 1)"
                    )
                return index + 1
        raise RenderError(
            f"front matter tidak ditutup dengan '---' ({self.project.display(path)} baris 1)"
        )

    # -- shortcodes -------------------------------------------------------------
    def substitute(self, line: Line, *, allow_blocks: bool) -> list[str]:
        """Replace the shortcodes of one line; a block shortcode yields three lines."""
        text = line.text
        matches = list(_SHORTCODE_RE.finditer(text))
        out: list[str] = []
        position = 0
        for match in matches:
            out.append(text[position : match.start()])
            position = match.end()
            if match.group(1) is not None:  # {{{< ... >}}} -> literal shortcode text
                token = self.source.token("E")
                self.source.literals[token] = "{{< " + match.group(1) + " >}}"
                out.append(token)
                continue
            name, args = self.parse(match.group(2), line)
            if name == "var":
                out.append(self.variable(args, line))
            elif name in BLOCK_SHORTCODES:
                alone = text.strip() == match.group(0) and len(matches) == 1
                if not (allow_blocks and alone):
                    raise RenderError(
                        f"shortcode '{name}' harus berdiri sendiri pada satu baris "
                        f"({self.where(line)})"
                    )
                if args:
                    raise RenderError(
                        f"shortcode '{name}' tidak menerima argumen ({self.where(line)})"
                    )
                token = self.source.token("B")
                self.source.blocks[token] = BlockUse(name, self.where(line))
                indent = text[: len(text) - len(text.lstrip())]
                return ["", indent + token, ""]
            elif name == "include":
                raise RenderError(
                    f"shortcode 'include' harus berdiri sendiri pada satu baris "
                    f"({self.where(line)})"
                )
            elif name in _UNSUPPORTED:
                raise RenderError(
                    f"shortcode '{name}' tidak didukung oleh renderer bawaan ({self.where(line)})"
                )
            else:
                raise RenderError(f"shortcode tidak dikenal: '{name}' ({self.where(line)})")
        rest = text[position:]
        if "{{<" in rest:
            raise RenderError(
                f"shortcode tidak ditutup: '>}}}}' tidak ditemukan pada baris yang sama "
                f"({self.where(line)})"
            )
        out.append(rest)
        return ["".join(out)]

    def parse(self, inner: str, line: Line) -> tuple[str, list[str]]:
        try:
            parts = shlex.split(inner)
        except ValueError as exc:
            raise RenderError(f"shortcode tidak valid: '{inner}' ({self.where(line)})") from exc
        if not parts:
            raise RenderError(f"shortcode kosong ({self.where(line)})")
        return parts[0], parts[1:]

    def variable(self, args: list[str], line: Line) -> str:
        if len(args) != 1:
            raise RenderError(f"shortcode 'var' memerlukan tepat satu kunci ({self.where(line)})")
        key = args[0]
        value = self.variables.get(key)
        if value is None:
            raise RenderError(f"variabel tidak dikenal: '{key}' ({self.where(line)})")
        token = self.source.token("V")
        self.source.variables[token] = VarUse(key, value, self.where(line))
        return token

    # -- scans for later error messages -------------------------------------------
    def scan(self, line: Line) -> None:
        for match in _REF_RE.finditer(line.text):
            self.source.ref_locations.setdefault(match.group(1), self.where(line))
        if "{" in line.text:
            for match in _DEF_RE.finditer(line.text):
                self.source.def_locations.setdefault(match.group(1), self.where(line))
        if _FENCE_RE.match(line.text) or "]{" in line.text:
            for match in _COND_RE.finditer(line.text + " "):
                kind, what = match.group(1), match.group(2)
                if what != "format":
                    raise RenderError(
                        f"'{kind}-{what}' tidak didukung oleh renderer bawaan; gunakan "
                        f"'{kind}-format' ({self.where(line)})"
                    )
                value = next(g for g in match.group(3, 4, 5) if g is not None)
                for name in re.split(r"[\s,]+", value.strip()):
                    if name and name not in _KNOWN_FORMAT_NAMES:
                        known = ", ".join(sorted(_KNOWN_FORMAT_NAMES))
                        raise RenderError(
                            f"format tidak dikenal pada '{kind}-format': '{name}' "
                            f"(yang dikenal: {known}) ({self.where(line)})"
                        )

    def metadata_value(self, value: str, key: str) -> str:
        """Shortcodes in a ``_quarto.yml`` string: only ``var`` is allowed."""
        config = self.project.config_file
        number = 1
        for index, text in enumerate(config.read_text(encoding="utf-8").splitlines(), start=1):
            if text.lstrip().startswith(f"{key}:"):
                number = index
                break
        line = Line(value, config, number)
        return self.substitute(line, allow_blocks=False)[0]


def assemble_source(project: Project, variables: Mapping[str, VariableValue]) -> Source:
    """Build the Markdown text handed to pandoc, with a YAML metadata header.

    Parameters
    ----------
    project
        The parsed project.
    variables
        Values for ``{{< var >}}``.

    Returns
    -------
    Source
        The Markdown text and the tables that tell what each token stands for.
    """
    assembler = _Assembler(project, variables)
    source = assembler.source

    metadata: dict[str, object] = {}
    for key, value in project.metadata.items():
        if isinstance(value, list):
            metadata[key] = [assembler.metadata_value(item, key) for item in value]
        else:
            metadata[key] = assembler.metadata_value(value, key)
    header = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=True, width=10**6)

    out: list[str] = ["---", header.rstrip("\n"), "---", ""]
    for path in project.render:
        token = source.token("F")
        source.files[token] = path
        out.extend(["", token, ""])
        for line in assembler.read_lines(path, (), None):
            if line.ast is not None:
                out.append(line.ast)
                continue
            if TOKEN_RE.search(line.text):
                raise RenderError(
                    f"teks sumber memuat pola cadangan renderer ({assembler.where(line)})"
                )
            assembler.scan(line)
            out.extend(assembler.substitute(line, allow_blocks=True))
    source.text = "\n".join(out) + "\n"
    return source


#: Markdown that pandoc resolves across the whole text (footnote and link reference
#: definitions, example-list labels): a text holding any is never cut.
_WHOLE_TEXT_RE = re.compile(r"(?m)^ {0,3}\[[^\]\n]+\]:|^\s*\(@[\w-]*\)\s")
#: The line that starts a render-list file in the assembled text.
_FILE_START_RE = re.compile(r"\n\n(?=QZF\d{6}ZQ\n)")


def split_source(text: str, parts: int) -> list[str]:
    """Cut the assembled text into at most ``parts`` pieces of similar length.

    Cuts fall only where a render-list file starts (a blank line, the file's
    token paragraph), so each piece is whole files and pandoc parses every
    piece as it would parse it inside the whole text; the first piece keeps the
    metadata header. A text with constructs that refer across files
    (``_WHOLE_TEXT_RE``) stays whole.
    """
    if parts < 2 or _WHOLE_TEXT_RE.search(text):
        return [text]
    starts = [m.start() for m in _FILE_START_RE.finditer(text)]
    cuts: list[int] = []
    for k in range(1, parts):
        target = len(text) * k // parts
        later = [s for s in starts if s > (cuts[-1] if cuts else 0)]
        if later:
            cuts.append(min(later, key=lambda s: abs(s - target)))
    cuts = sorted(set(c for c in cuts if c > 0))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b]]
