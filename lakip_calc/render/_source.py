"""Assemble the Markdown the built-in renderer hands to pandoc: what Quarto does
before its filters run.

- ``{{< include path >}}`` on a line of its own is replaced by the file, as
  Quarto does: the path is relative to the file being rendered, also inside an
  included file; front matter of an included file is dropped;
- ``{{< var key >}}`` is replaced by the value from ``_variables.yml``, which is
  Markdown as Quarto reads it (a number span or escaped text);
- any other shortcode alone on its line becomes ``::: {.builtin-shortcode
  name=...}``, run by ``quarto_pre.lua`` with the extension's shortcode
  functions; ``{{{< x >}}}`` is the literal text ``{{< x >}}``.

Every problem names the file and line it comes from.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lakip_calc.errors import RenderError
from lakip_calc.render._project import Project

__all__ = ["Source", "assemble_source"]

_SHORTCODE_RE = re.compile(r"\{\{\{<\s*(.*?)\s*>\}\}\}|\{\{<\s*(.*?)\s*>\}\}")
_INCLUDE_LINE_RE = re.compile(r"^\s*\{\{<\s*include\s+(.*?)\s*>\}\}\s*$")
#: A cross-reference (``@tbl-x``, ``-@fig-y``); an escaped ``\@`` is text, not a reference.
_REF_RE = re.compile(r"(?<![\w@\\])-?@((?:tbl|fig)-[\w\-:.]*\w)")
_DEF_RE = re.compile(r"\{[^}]*?#((?:tbl|fig)-[\w\-:.]*\w)")
_COND_RE = re.compile(r"\b(when|unless)-format\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+?))[\s}]")
#: Format names accepted in ``when-format``/``unless-format``.
KNOWN_FORMATS = frozenset({"html", "html5", "html4", "html:js", "pdf", "typst", "latex", "docx"})


@dataclass(frozen=True)
class _Line:
    text: str
    file: Path
    number: int


@dataclass
class Source:
    """The assembled Markdown and the places of what it defines and references."""

    text: str = ""
    references: dict[str, str] = field(default_factory=dict)
    definitions: set[str] = field(default_factory=set)


class _Assembler:
    def __init__(self, project: Project, variables: Mapping[str, str]) -> None:
        self.project = project
        self.variables = variables
        self.top = project.root
        self.source = Source()

    def where(self, line: _Line) -> str:
        return f"{self.project.display(line.file)} baris {line.number}"

    def read(self, path: Path, stack: tuple[Path, ...], origin: _Line | None) -> list[_Line]:
        at = f" ({self.where(origin)})" if origin else ""
        if path in stack:
            chain = " -> ".join(self.project.display(p) for p in (*stack, path))
            raise RenderError(f"include melingkar: {chain}{at}")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise RenderError(
                f"berkas include tidak ditemukan: {self.project.display(path)}{at}"
            ) from exc
        except UnicodeDecodeError as exc:
            raise RenderError(f"berkas bukan teks UTF-8: {self.project.display(path)}") from exc
        raw = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
        start = self.skip_front_matter(raw, path)
        lines: list[_Line] = []
        for index in range(start, len(raw)):
            line = _Line(raw[index], path, index + 1)
            match = _INCLUDE_LINE_RE.match(line.text)
            if match:
                lines.extend(
                    self.read(self.include_target(match.group(1), line), (*stack, path), line)
                )
            else:
                lines.append(line)
        return lines

    def include_target(self, argument: str, line: _Line) -> Path:
        try:
            parts = shlex.split(argument)
        except ValueError as exc:
            raise RenderError(f"argumen include tidak valid ({self.where(line)})") from exc
        if len(parts) != 1:
            raise RenderError(f"include memerlukan tepat satu nama berkas ({self.where(line)})")
        return (self.top.parent / parts[0]).resolve()

    def skip_front_matter(self, raw: list[str], path: Path) -> int:
        if path.suffix.lower() not in {".qmd", ".md"} or not raw or raw[0].rstrip() != "---":
            return 0
        for index in range(1, len(raw)):
            if raw[index].rstrip() in {"---", "..."}:
                try:
                    data = yaml.safe_load("\n".join(raw[1:index]))
                except yaml.YAMLError as exc:
                    raise RenderError(
                        f"front matter YAML tidak valid ({self.project.display(path)} baris 1)"
                    ) from exc
                if data is not None and not isinstance(data, dict):
                    raise RenderError(
                        f"front matter harus berupa pemetaan ({self.project.display(path)} baris 1)"
                    )
                return index + 1
        raise RenderError(
            f"front matter tidak ditutup dengan '---' ({self.project.display(path)} baris 1)"
        )

    def substitute(self, line: _Line, *, blocks: bool = True) -> str:
        """The line with its shortcodes replaced (see the module docstring)."""
        text = line.text
        matches = list(_SHORTCODE_RE.finditer(text))
        out: list[str] = []
        position = 0
        for match in matches:
            out.append(text[position : match.start()])
            position = match.end()
            if match.group(1) is not None:
                out.append("{{< " + match.group(1) + " >}}")
                continue
            name, args = self.parse(match.group(2), line)
            if name == "var":
                out.append(self.variable(args, line))
            elif blocks and text.strip() == match.group(0) and not args:
                return (
                    f'\n::: {{.builtin-shortcode name="{name}" where="{self.where(line)}"}}\n:::\n'
                )
            else:
                raise RenderError(
                    f"shortcode '{name}' tidak didukung di sini: selain var, shortcode harus "
                    f"berdiri sendiri pada satu baris, tanpa argumen ({self.where(line)})"
                )
        rest = text[position:]
        if "{{<" in rest:
            raise RenderError(
                f"shortcode tidak ditutup: '>}}}}' tidak ditemukan pada baris yang sama "
                f"({self.where(line)})"
            )
        return "".join(out) + rest

    def parse(self, inner: str, line: _Line) -> tuple[str, list[str]]:
        try:
            parts = shlex.split(inner)
        except ValueError as exc:
            raise RenderError(f"shortcode tidak valid: '{inner}' ({self.where(line)})") from exc
        if not parts:
            raise RenderError(f"shortcode kosong ({self.where(line)})")
        return parts[0], parts[1:]

    def variable(self, args: list[str], line: _Line) -> str:
        if len(args) != 1:
            raise RenderError(f"shortcode 'var' memerlukan tepat satu kunci ({self.where(line)})")
        key = args[0].replace("\\.", ".")  # Quarto's escaped dot (see _variables.quarto_key)
        value = self.variables.get(key)
        if value is None:
            raise RenderError(f"variabel tidak dikenal: '{key}' ({self.where(line)})")
        return value

    def scan(self, line: _Line) -> None:
        for match in _REF_RE.finditer(line.text):
            self.source.references.setdefault(match.group(1), self.where(line))
        for match in _DEF_RE.finditer(line.text):
            self.source.definitions.add(match.group(1))
        for match in _COND_RE.finditer(line.text + " "):
            value = next(g for g in match.group(2, 3, 4) if g is not None)
            for name in re.split(r"[\s,]+", value.strip()):
                if name and name not in KNOWN_FORMATS:
                    raise RenderError(
                        f"format tidak dikenal pada '{match.group(1)}-format': '{name}' "
                        f"(yang dikenal: {', '.join(sorted(KNOWN_FORMATS))}) ({self.where(line)})"
                    )


def assemble_source(project: Project, variables: Mapping[str, str]) -> Source:
    """The Markdown of the project's render list, shortcodes resolved (one file
    after the other, each with its includes)."""
    assembler = _Assembler(project, variables)
    out: list[str] = []
    for path in project.render:
        assembler.top = path
        for line in assembler.read(path, (), None):
            assembler.scan(line)
            out.append(assembler.substitute(line))
        out.append("")
    source = assembler.source
    for ref, where in source.references.items():
        if ref not in source.definitions:
            raise RenderError(f"rujukan tidak dikenal: '@{ref}' ({where})")
    source.text = "\n".join(out) + "\n"
    return source


def metadata_value(project: Project, value: str, variables: Mapping[str, str], key: str) -> str:
    """A ``_quarto.yml`` string with its ``{{< var >}}`` filled in (no block shortcodes)."""
    assembler = _Assembler(project, variables)
    return assembler.substitute(_Line(value, project.config_file, 1), blocks=False)
