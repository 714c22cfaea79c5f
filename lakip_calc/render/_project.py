"""Read a Quarto project for the built-in renderer: ``_quarto.yml``, the
extension its formats come from (``_extensions/<name>/_extension.yml``) and
``_variables.yml``. Reading and validating only; nothing is rendered here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from lakip_calc.errors import RenderError
from lakip_calc.render._variables import angka_markdown, markdown_text

__all__ = [
    "OUTPUT_FORMATS",
    "FormatParts",
    "Project",
    "display_path",
    "document_project",
    "load_project",
    "load_variables",
]

#: Our output formats and the Quarto format each is made from.
OUTPUT_FORMATS = {"html": "html", "pdf": "typst", "docx": "docx"}

#: Keys of an extension's format section that are options of the renderer, not metadata.
_PARTS = {"filters", "css", "include-after-body", "template-partials", "reference-doc"}
#: Options of Quarto's own processing, not document metadata (the built-in
#: renderer does no such processing; pandoc would write them into a DOCX).
_QUARTO_OPTIONS = {"html-table-processing"}


def display_path(path: Path, base: Path) -> str:
    """Show ``path`` relative to ``base`` (POSIX separators), or absolute when outside it."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


@dataclass(frozen=True)
class FormatParts:
    """What an extension contributes to one format: files, and metadata for the filters."""

    filters: tuple[Path, ...] = ()
    css: tuple[Path, ...] = ()
    after_body: tuple[Path, ...] = ()
    partials: tuple[Path, ...] = ()
    reference_doc: Path | None = None
    shortcodes: tuple[Path, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Project:
    """A parsed ``_quarto.yml``: the render list, the document metadata and, per
    output format, its options and the parts of its extension."""

    root: Path
    config_file: Path
    render: tuple[Path, ...]
    metadata: Mapping[str, Any]
    formats: Mapping[str, Mapping[str, Any]]
    parts: Mapping[str, FormatParts]

    def display(self, path: Path) -> str:
        """A path as the user should see it in a message (relative to the project's parent)."""
        return display_path(path, self.root.parent)


#: PyYAML's safe loader, on libyaml when PyYAML was built with it (same result, faster:
#: ``_variables.yml`` holds every number of the report).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, shown: str) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except UnicodeDecodeError as exc:
        raise RenderError(f"berkas bukan teks UTF-8: {shown}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" baris {mark.line + 1}" if mark is not None else ""
        raise RenderError(f"YAML tidak valid ({shown}{where})") from exc


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _format_sections(raw: Any) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """Quarto's ``format:`` -> ``{our format: (extension name or None, options)}``."""
    sections = raw if isinstance(raw, Mapping) else {name: {} for name in _as_list(raw)}
    found: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for name, options in sections.items():
        extension, _, base = str(name).rpartition("-")
        for ours, quarto in OUTPUT_FORMATS.items():
            if base == quarto or (ours == "pdf" and base == "pdf"):
                opts = dict(options) if isinstance(options, Mapping) else {}
                found[ours] = (extension or None, opts)
    return found


def _extension_parts(root: Path, name: str, quarto_format: str) -> FormatParts:
    folder = root / "_extensions" / name
    config = folder / "_extension.yml"
    shown = display_path(config, root.parent)
    if not config.is_file():
        raise RenderError(f"ekstensi '{name}' tidak ditemukan: {shown}")
    contributes = (_read_yaml(config, shown) or {}).get("contributes") or {}
    formats = contributes.get("formats") or {}
    merged: dict[str, Any] = {}
    for section in ("common", quarto_format):
        for key, value in (formats.get(section) or {}).items():
            merged[key] = (
                [*_as_list(merged.get(key)), *_as_list(value)] if key == "filters" else value
            )

    def files(key: str) -> tuple[Path, ...]:
        paths = [
            entry.get("path") if isinstance(entry, Mapping) else entry
            for entry in _as_list(merged.get(key))
        ]
        return tuple(folder / str(p) for p in paths)

    reference = merged.get("reference-doc")
    return FormatParts(
        filters=files("filters"),
        css=files("css"),
        after_body=files("include-after-body"),
        partials=files("template-partials"),
        reference_doc=folder / str(reference) if reference else None,
        shortcodes=tuple(folder / str(p) for p in _as_list(contributes.get("shortcodes"))),
        metadata={k: v for k, v in merged.items() if k not in _PARTS | _QUARTO_OPTIONS},
    )


def _metadata_files(root: Path, names: Any) -> dict[str, Any]:
    """Merge ``metadata-files`` (relative to the project, in order) as Quarto does;
    a file that does not exist is skipped, as in Quarto."""
    merged: dict[str, Any] = {}
    for name in _as_list(names):
        path = root / str(name)
        if not path.is_file():
            continue
        data = _read_yaml(path, display_path(path, root.parent)) or {}
        if not isinstance(data, Mapping):
            raise RenderError(f"isi {display_path(path, root.parent)} harus berupa pemetaan")
        merged.update(data)
    return merged


def load_project(project_dir: Path) -> Project:
    """Read ``project_dir/_quarto.yml`` and the extension of each format."""
    root = Path(project_dir).resolve()
    config_file = root / "_quarto.yml"
    shown = display_path(config_file, root.parent)
    if not config_file.is_file():
        raise RenderError(f"berkas konfigurasi tidak ditemukan: {shown}")
    raw = _read_yaml(config_file, shown) or {}
    if not isinstance(raw, Mapping):
        raise RenderError(f"isi {shown} harus berupa pemetaan (kunci: nilai)")
    render = (
        (raw.get("project") or {}).get("render")
        if isinstance(raw.get("project"), Mapping)
        else None
    )
    if not isinstance(render, list) or not render:
        raise RenderError(f"daftar 'project: render:' tidak ada atau kosong di {shown}")
    files = []
    for entry in render:
        path = (root / str(entry)).resolve()
        if not path.is_file():
            raise RenderError(f"berkas pada 'project: render:' tidak ditemukan: {entry} ({shown})")
        files.append(path)
    sections = _format_sections(raw.get("format"))
    parts = {
        fmt: _extension_parts(root, ext, OUTPUT_FORMATS[fmt]) if ext else FormatParts()
        for fmt, (ext, _) in sections.items()
    }
    metadata = {k: v for k, v in raw.items() if k not in {"project", "format", "metadata-files"}}
    metadata = {**metadata, **_metadata_files(root, raw.get("metadata-files"))}
    return Project(
        root=root,
        config_file=config_file,
        render=tuple(files),
        metadata=metadata,
        formats={fmt: opts for fmt, (_, opts) in sections.items()},
        parts=parts,
    )


def _front_matter(path: Path) -> dict[str, Any]:
    """The YAML front matter of a document ({} without one; errors are the assembler's)."""
    lines = path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()
    if not lines or lines[0].rstrip() != "---":
        return {}
    for index in range(1, len(lines)):
        if lines[index].rstrip() in {"---", "..."}:
            try:
                data = yaml.safe_load("\n".join(lines[1:index]))
            except yaml.YAMLError:
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def document_project(project: Project, name: str | None = None) -> Project:
    """The project as Quarto renders one of its documents: the render-list file
    named ``name`` (its stem; the first one by default), its front matter laid
    over ``_quarto.yml``; a ``format:`` there limits the formats, as in Quarto."""
    found = [p for p in project.render if name is None or p.stem == name]
    if not found:
        raise RenderError(f"dokumen '{name}' tidak ada di 'project: render:'")
    path = found[0]
    front = _front_matter(path)
    metadata = {**project.metadata, **{k: v for k, v in front.items() if k != "format"}}
    formats, parts = dict(project.formats), dict(project.parts)
    if "format" in front:
        sections = _format_sections(front["format"])
        formats = {
            fmt: {**project.formats.get(fmt, {}), **opts} for fmt, (_, opts) in sections.items()
        }
        parts = {
            fmt: _extension_parts(project.root, ext, OUTPUT_FORMATS[fmt]) if ext else FormatParts()
            for fmt, (ext, _) in sections.items()
        }
    return replace(project, render=(path,), metadata=metadata, formats=formats, parts=parts)


def _value(key: str, value: Any, shown: str) -> str:
    if isinstance(value, Mapping) and "text" in value:  # {text, title}: a number with a source
        return angka_markdown(str(value["text"]), key, value.get("title"))
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise RenderError(
            f"nilai variabel '{key}' harus teks yang sudah diformat, mis. \"96,53\" ({shown})"
        )
    return value if isinstance(value, str) else markdown_text(str(value))


def _flatten(raw: Mapping[str, Any], shown: str, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_key, value in raw.items():
        key = f"{prefix}{raw_key}"
        if isinstance(value, Mapping) and "text" not in value:
            out.update(_flatten(value, shown, prefix=f"{key}."))
        else:
            out[key] = _value(key, value, shown)
    return out


def load_variables(project: Project, extra: Mapping[str, Any] | None = None) -> dict[str, str]:
    """``_variables.yml`` as ``{dotted key: Markdown}``, with ``extra`` laid over it.

    A string value is Markdown, as Quarto reads it; an integer is text; a mapping
    ``{text, title}`` is a number with its source (made into the number span).
    """
    path = project.root / "_variables.yml"
    values: dict[str, str] = {}
    if path.is_file():
        shown = project.display(path)
        raw = _read_yaml(path, shown) or {}
        if not isinstance(raw, Mapping):
            raise RenderError(f"isi {shown} harus berupa pemetaan (kunci: nilai)")
        values.update(_flatten(raw, shown))
    if extra:
        values.update(_flatten(extra, "argumen 'variables'"))
    return values
