"""Read a Quarto-like project: ``_quarto.yml`` and ``_variables.yml``.

Everything here is about *reading and validating* the project configuration; the
result is a small frozen :class:`Project` plus a mapping of :class:`VariableValue`.
No rendering happens here.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lakip_calc.errors import RenderError

__all__ = [
    "OUTPUT_FORMATS",
    "CrossrefLabels",
    "Project",
    "VariableValue",
    "display_path",
    "flatten_variables",
    "load_project",
    "load_variables",
]

#: Output formats of the built-in renderer, in the order they are produced.
OUTPUT_FORMATS = ("html", "pdf", "docx")

#: Keys of ``_quarto.yml`` whose per-format section feeds each output format.
_FORMAT_SECTIONS = {"html": ("html",), "pdf": ("typst", "pdf"), "docx": ("docx",)}

_BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

_VARIABLE_LEAF_KEYS = frozenset({"text", "title", "href"})


def display_path(path: Path, base: Path) -> str:
    """Show ``path`` relative to ``base`` (POSIX separators), or absolute when outside it."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


@dataclass(frozen=True)
class VariableValue:
    """One ``{{< var key >}}`` value: the text shown, an optional tooltip and link."""

    text: str
    title: str | None = None
    href: str | None = None
    #: A traceable number (shown as a span with ``data-key`` in HTML). Values
    #: given as a mapping or an integer are; a bare string (a name) is plain text.
    angka: bool = True


@dataclass(frozen=True)
class CrossrefLabels:
    """Words used for numbered tables and figures (Quarto's ``crossref`` keys)."""

    tbl_title: str = "Tabel"
    fig_title: str = "Gambar"
    tbl_prefix: str = "Tabel"
    fig_prefix: str = "Gambar"
    title_delim: str = ":"


@dataclass(frozen=True)
class Project:
    """A parsed ``_quarto.yml``.

    Attributes
    ----------
    root
        The project directory.
    config_file
        Path of ``_quarto.yml``.
    render
        The ``.qmd`` files to render, in order, as absolute paths.
    metadata
        Document metadata shown on the cover/title block: ``title``, ``subtitle``,
        ``author`` (a list of names), ``date`` and ``lang`` (strings).
    options
        Top-level options (``toc``, ``toc-depth``, ``number-sections``...).
    format_options
        Per output format (``html``, ``pdf``, ``docx``), the merged ``format:`` section.
    crossref
        Labels for numbered tables and figures.
    """

    root: Path
    config_file: Path
    render: tuple[Path, ...]
    metadata: Mapping[str, Any]
    options: Mapping[str, Any] = field(default_factory=dict)
    format_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    crossref: CrossrefLabels = CrossrefLabels()

    def option(self, fmt: str, key: str, default: Any = None) -> Any:
        """Look an option up: the format's own section first, then the top level."""
        per_format = self.format_options.get(fmt, {})
        if key in per_format:
            return per_format[key]
        return self.options.get(key, default)

    def display(self, path: Path) -> str:
        """A path as the user should see it in a message (relative to the project's parent)."""
        return display_path(path, self.root.parent)


#: libyaml's safe loader when PyYAML was built with it (ten times faster on the
#: report's ``_variables.yml``, same result), else the pure-Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, shown: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RenderError(f"berkas bukan teks UTF-8: {shown}") from exc
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" baris {mark.line + 1}" if mark is not None else ""
        raise RenderError(f"YAML tidak valid ({shown}{where}): {exc}") from exc


def _format_date(value: Any, shown: str) -> str:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return f"{value.day} {_BULAN[value.month - 1]} {value.year}"
    text = str(value).strip()
    if text.lower() in {"today", "now", "last-modified"}:
        raise RenderError(
            f"tanggal '{text}' tidak didukung karena hasilnya berubah setiap hari; "
            f"tulis tanggal secara eksplisit ({shown})"
        )
    return text


def _authors(value: Any, shown: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            name = item.get("name")
            if not isinstance(name, str | int):
                raise RenderError(f"penulis tanpa 'name' di {shown}")
            names.append(str(name))
        elif isinstance(item, str | int):
            names.append(str(item))
        else:
            raise RenderError(f"nilai 'author' tidak dikenali di {shown}")
    return names


def _format_sections(raw: Any) -> dict[str, dict[str, Any]]:
    """Normalise Quarto's ``format:`` (a name, a list of names, or a mapping)."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        return {raw: {}}
    if isinstance(raw, list):
        return {str(name): {} for name in raw}
    if isinstance(raw, Mapping):
        return {
            str(name): dict(opts) if isinstance(opts, Mapping) else {} for name, opts in raw.items()
        }
    return {}


def load_project(project_dir: Path) -> Project:
    """Read ``project_dir/_quarto.yml``.

    Unknown keys are ignored; a missing or empty ``project.render`` list, or a listed
    file that does not exist, is a :class:`RenderError`.
    """
    root = Path(project_dir).resolve()
    config_file = root / "_quarto.yml"
    shown = display_path(config_file, root.parent)
    if not config_file.is_file():
        raise RenderError(f"berkas konfigurasi tidak ditemukan: {shown}")
    raw = _read_yaml(config_file, shown) or {}
    if not isinstance(raw, Mapping):
        raise RenderError(f"isi {shown} harus berupa pemetaan (kunci: nilai)")

    project_section = raw.get("project")
    render = project_section.get("render") if isinstance(project_section, Mapping) else None
    if not isinstance(render, list) or not render:
        raise RenderError(f"daftar 'project: render:' tidak ada atau kosong di {shown}")
    files: list[Path] = []
    for entry in render:
        if not isinstance(entry, str) or not entry.strip():
            raise RenderError(f"entri 'project: render:' tidak valid di {shown}: {entry!r}")
        path = (root / entry).resolve()
        if not path.is_file():
            raise RenderError(f"berkas pada 'project: render:' tidak ditemukan: {entry} ({shown})")
        files.append(path)

    metadata: dict[str, Any] = {"lang": str(raw.get("lang") or "id")}
    for key in ("title", "subtitle"):
        if raw.get(key) is not None:
            metadata[key] = str(raw[key])
    if raw.get("author") is not None:
        metadata["author"] = _authors(raw["author"], shown)
    if raw.get("date") is not None:
        metadata["date"] = _format_date(raw["date"], shown)

    sections = _format_sections(raw.get("format"))
    format_options = {}
    for fmt, names in _FORMAT_SECTIONS.items():
        merged: dict[str, Any] = {}
        for name in names:
            merged.update(sections.get(name, {}))
        format_options[fmt] = merged

    crossref_raw = raw.get("crossref") if isinstance(raw.get("crossref"), Mapping) else {}
    tbl_title = str(crossref_raw.get("tbl-title", "Tabel"))
    fig_title = str(crossref_raw.get("fig-title", "Gambar"))
    crossref = CrossrefLabels(
        tbl_title=tbl_title,
        fig_title=fig_title,
        tbl_prefix=str(crossref_raw.get("tbl-prefix", tbl_title)),
        fig_prefix=str(crossref_raw.get("fig-prefix", fig_title)),
        title_delim=str(crossref_raw.get("title-delim", ":")),
    )
    options = {
        key: value
        for key, value in raw.items()
        if key not in {"project", "format", "crossref", "title", "subtitle", "author", "date"}
    }
    return Project(
        root=root,
        config_file=config_file,
        render=tuple(files),
        metadata=metadata,
        options=options,
        format_options=format_options,
        crossref=crossref,
    )


def _scalar_text(value: Any, key: str, shown: str) -> str:
    if isinstance(value, bool) or value is None:
        raise RenderError(f"nilai variabel '{key}' kosong atau bukan teks ({shown})")
    if isinstance(value, float):
        raise RenderError(
            f"nilai variabel '{key}' berupa bilangan pecahan; tulis sebagai teks yang sudah "
            f'diformat, mis. "96,53" ({shown})'
        )
    if isinstance(value, str | int):
        return str(value)
    raise RenderError(f"nilai variabel '{key}' tidak dikenali ({shown})")


def flatten_variables(
    raw: Mapping[str, Any], shown: str, prefix: str = ""
) -> dict[str, VariableValue]:
    """Turn nested/dotted variable mappings into ``{"a.b.c": VariableValue}``.

    A mapping that has a ``text`` key is one value (with optional ``title`` and
    ``href``); any other mapping is a namespace whose keys are joined with dots.

    Examples
    --------
    >>> values = flatten_variables({"a": {"b": "1"}, "c": {"text": "2", "title": "dua"}}, "x")
    >>> values["a.b"]
    VariableValue(text='1', title=None, href=None, angka=False)
    >>> values["c"].title
    'dua'
    """
    result: dict[str, VariableValue] = {}
    for raw_key, value in raw.items():
        key = f"{prefix}{raw_key}"
        if isinstance(value, VariableValue):
            result[key] = value
        elif isinstance(value, Mapping) and "text" in value:
            unknown = sorted(set(map(str, value)) - _VARIABLE_LEAF_KEYS)
            if unknown:
                raise RenderError(
                    f"kunci tidak dikenal pada variabel '{key}': {', '.join(unknown)} "
                    f"(yang boleh: text, title, href) ({shown})"
                )
            title = value.get("title")
            href = value.get("href")
            result[key] = VariableValue(
                text=_scalar_text(value["text"], key, shown),
                title=None if title is None else _scalar_text(title, f"{key}.title", shown),
                href=None if href is None else _scalar_text(href, f"{key}.href", shown),
            )
        elif isinstance(value, Mapping):
            if not value:
                raise RenderError(f"variabel '{key}' kosong ({shown})")
            result.update(flatten_variables(value, shown, prefix=f"{key}."))
        else:
            result[key] = VariableValue(
                text=_scalar_text(value, key, shown), angka=not isinstance(value, str)
            )
    return result


def load_variables(
    project: Project, extra: Mapping[str, Any] | None = None
) -> dict[str, VariableValue]:
    """Read ``_variables.yml`` (optional) and lay ``extra`` over it (``extra`` wins)."""
    path = project.root / "_variables.yml"
    values: dict[str, VariableValue] = {}
    if path.is_file():
        shown = project.display(path)
        raw = _read_yaml(path, shown) or {}
        if not isinstance(raw, Mapping):
            raise RenderError(f"isi {shown} harus berupa pemetaan (kunci: nilai)")
        values.update(flatten_variables(raw, shown))
    if extra:
        values.update(flatten_variables(extra, "argumen 'variables'"))
    return values
