"""The built-in renderer: a Quarto project to HTML, PDF and DOCX without Quarto.

A thin driver around pandoc (from ``pypandoc-binary``) and Typst (the ``typst``
package) that runs the report's own Quarto extension, as Quarto would:

1. read ``_quarto.yml``, the extension each ``<extension>-<format>`` comes from,
   and ``_variables.yml`` (:mod:`._project`);
2. assemble the Markdown: includes and shortcodes, as Quarto does before its
   filters (:mod:`._source`);
3. for each format, one pandoc run with the Lua filters ``quarto_pre.lua`` (the
   few Quarto features the report uses: conditional content, shortcodes,
   numbered tables and figures), the extension's own filters, then
   ``quarto_post.lua`` (caption numbers); the extension's stylesheet and
   script (HTML), its Typst template partials (PDF) and its reference document
   (DOCX). The PDF is compiled from pandoc's Typst by the ``typst`` package, in
   a child process of its own (:func:`._tools.compile_typst`). A long raw HTML
   block (a table of a large office) skips pandoc: a placeholder goes in and
   the block is put back into the HTML pandoc wrote (:func:`_aside_raw_html`).

Everything is written into a temporary folder inside the output folder and
moved into place only when every format succeeded. The same inputs give
byte-identical files.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lakip_calc.bangun.berkas import pindahkan
from lakip_calc.errors import RenderError
from lakip_calc.render import _tools
from lakip_calc.render._project import (
    OUTPUT_FORMATS,
    Project,
    document_project,
    load_project,
    load_variables,
)
from lakip_calc.render._source import assemble_source, metadata_value

__all__ = ["DEFAULT_SOURCE_DATE_EPOCH", "builtin_versions", "render_project"]

#: Creation date written into the outputs when ``SOURCE_DATE_EPOCH`` is not set
#: (2000-01-01T00:00:00Z): fixed, so that a render is reproducible.
DEFAULT_SOURCE_DATE_EPOCH = 946684800

#: Metadata keys of ``_quarto.yml`` whose strings may hold ``{{< var >}}``.
_TEXT_KEYS = ("title", "subtitle", "author", "tanggal", "date")


#: A raw HTML block at least this long (characters) is kept out of pandoc: a placeholder
#: goes in, the block is put back into the written HTML (:func:`_aside_raw_html`). The
#: example office's largest table is about 65 KB; a 100x office's tables reach 13 MB.
RAW_HTML_ASIDE = 256 * 1024

_RAW_HTML_OPEN = re.compile(r"^(`{3,})\{=html\}[ \t]*$", re.M)
#: What ``--embed-resources`` would fetch and inline: such a block stays with pandoc.
_RAW_RESOURCE = re.compile(
    r"<(img|script|link|video|audio|source|iframe|object|embed|image|use)\b|url\(|@import",
    re.I,
)
_PLACEHOLDER = "<!--lakip-raw-html-{}-->"


def _aside_raw_html(text: str) -> tuple[str, list[str]]:
    """The Markdown with every long raw HTML block (a ```` ```{=html} ```` fence of
    :data:`RAW_HTML_ASIDE` characters or more, fetching no resource) replaced by a
    placeholder comment; and the blocks, in placeholder order.

    ``--embed-resources`` re-reads the whole HTML output to inline its resources: for
    the tables of a 100x office (13 MB of HTML) that took gigabytes and most of the
    HTML's time, for tables that hold nothing to inline. Other formats drop raw HTML.
    """
    out, blocks, pos = [], [], 0
    for m in _RAW_HTML_OPEN.finditer(text):
        if m.start() < pos:
            continue  # inside a block already read
        fence = m.group(1)
        close = re.compile(r"^" + fence + r"`*[ \t]*$", re.M).search(text, m.end())
        if close is None:
            break
        body = text[m.end() + 1 : close.start()]
        if len(body) >= RAW_HTML_ASIDE and not _RAW_RESOURCE.search(body):
            out.append(text[pos : m.end() + 1] + _PLACEHOLDER.format(len(blocks)) + "\n")
            blocks.append(body.removesuffix("\n"))
            pos = close.start()
    out.append(text[pos:])
    return "".join(out), blocks


def _put_back_raw_html(path: Path, blocks: list[str]) -> None:
    """Put the blocks set aside by :func:`_aside_raw_html` back into a written HTML file
    (a block inside content hidden from HTML has no placeholder there)."""
    if not blocks:
        return
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"<!--lakip-raw-html-(\d+)-->", text)
    for i in range(1, len(parts), 2):
        parts[i] = blocks[int(parts[i])]
    path.write_text("".join(parts), encoding="utf-8", newline="")


def _resource(name: str) -> Path:
    return Path(str(resources.files("lakip_calc.render").joinpath(name)))


def _source_date_epoch() -> int:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_SOURCE_DATE_EPOCH
    try:
        return int(raw)
    except ValueError as exc:
        raise RenderError(f"SOURCE_DATE_EPOCH bukan bilangan bulat: '{raw}'") from exc


def builtin_versions() -> dict[str, str]:
    """The versions of pandoc and Typst the built-in renderer runs."""
    from importlib.metadata import version

    return {"pandoc": _tools.pandoc_version()[0], "typst": version("typst")}


def _check_pandoc() -> str:
    """Pandoc's version, after checking its Lua API is one the filters are tested with."""
    shown, api = _tools.pandoc_version()
    low, high = _tools.PANDOC_API_RANGE
    if not api or not low <= api[:2] <= high:
        raise RenderError(
            f"pandoc {shown} (API {'.'.join(map(str, api)) or '?'}) di luar rentang yang diuji "
            f"(API {'.'.join(map(str, low))} sampai {'.'.join(map(str, high))}); pasang versi "
            "yang dipatok di requirements.lock dengan 'make setup'"
        )
    return shown


def _metadata(project: Project, fmt: str, variables: Mapping[str, str]) -> dict[str, Any]:
    """The document metadata pandoc gets: ``_quarto.yml``, the extension's, our own."""
    meta: dict[str, Any] = dict(project.parts[fmt].metadata)
    meta.update({k: v for k, v in project.metadata.items() if k not in _TEXT_KEYS})
    meta.update(project.formats.get(fmt, {}))
    for key in _TEXT_KEYS:
        value = project.metadata.get(key)
        if isinstance(value, str):
            meta[key] = metadata_value(project, value, variables, key)
    if isinstance(meta.get("author"), str):
        meta["by-author"] = [{"name": {"literal": meta["author"]}}]
    meta["builtin-shortcodes"] = [str(p) for p in project.parts[fmt].shortcodes]
    return meta


class _Job:
    """One render: the assembled source and the settings of every format."""

    def __init__(self, project: Project, work: Path, variables: Mapping[str, str], epoch: int):
        self.project = project
        self.work = work
        self.variables = variables
        self.epoch = epoch
        self.source_dir = project.render[0].parent
        self.raw_html: list[str] = []  # set aside by _aside_raw_html
        self.generator = f"lakip_calc renderer bawaan (pandoc {_check_pandoc()})"

    def common_args(self, fmt: str, source: Path) -> list[str]:
        meta_file = self.work / f"meta-{fmt}.yaml"
        meta = _metadata(self.project, fmt, self.variables)
        meta_file.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        parts = self.project.parts[fmt]
        filters = [_resource("quarto_pre.lua"), *parts.filters, _resource("quarto_post.lua")]
        return [
            str(source),
            "--from=json",
            "--standalone",
            "--wrap=none",
            f"--metadata-file={meta_file}",
            f"--resource-path={self.source_dir}",
            *(f"--lua-filter={f}" for f in filters),
        ]

    def parse(self, source: Path) -> Path:
        """Read the Markdown once into pandoc's JSON AST, which every format then writes.

        Parsing is most of pandoc's time for long tables; each format used to repeat it.
        """
        ast = self.work / "laporan.json"
        args = [str(source), "--from=markdown", "--to=json", f"--output={ast}"]
        _tools.pandoc(args, cwd=self.source_dir, epoch=self.epoch)
        return ast

    def html(self, source: Path, out: Path) -> None:
        """One self-contained page: the stylesheets written into its head, the images
        as data URIs (``embed_images.lua``), as Quarto's ``embed-resources`` gives."""
        parts = self.project.parts["html"]
        args = [
            *self.common_args("html", source),
            f"--lua-filter={_resource('embed_images.lua')}",
            "--to=html5",
            f"--template={_resource('templates/builtin.html')}",
            "--section-divs",
            f"--variable=generator:{self.generator}",
            f"--include-in-header={self._styles(parts.css)}",
            *(f"--include-after-body={p}" for p in parts.after_body),
            f"--output={out}",
        ]
        _tools.pandoc(args, cwd=self.source_dir, epoch=self.epoch)
        _put_back_raw_html(out, self.raw_html)

    def _styles(self, css: Iterable[Path]) -> Path:
        """The extension's stylesheets as one ``<style>`` element (a header include)."""
        styles = self.work / "styles.html"
        text = "".join(p.read_text(encoding="utf-8") for p in css)
        styles.write_text(f"<style>\n{text}</style>\n", encoding="utf-8")
        return styles

    def pdf(self, source: Path, out: Path) -> None:
        templates = self.work / "typst"
        templates.mkdir()
        for name in ("builtin.typ", "typst-template.typ", "typst-show.typ"):
            shutil.copy2(_resource(f"templates/{name}"), templates / name)
        for partial in self.project.parts["pdf"].partials:
            shutil.copy2(partial, templates / partial.name)
        typ = self.work / "laporan.typ"
        args = [
            *self.common_args("pdf", source),
            "--to=typst",
            f"--template={templates / 'builtin.typ'}",
            f"--output={typ}",
        ]
        _tools.pandoc(args, cwd=self.source_dir, epoch=self.epoch)
        # Images are referenced relative to the report folder; Typst's root must hold them.
        placed = self.source_dir / f".{out.stem}-{os.getpid()}.typ"
        try:
            shutil.copy2(typ, placed)
            _tools.compile_typst(placed, out, root=self.project.root, epoch=self.epoch)
        finally:
            placed.unlink(missing_ok=True)

    def docx(self, source: Path, out: Path) -> None:
        reference = self.project.parts["docx"].reference_doc
        args = [
            *self.common_args("docx", source),
            "--to=docx",
            *([f"--reference-doc={reference}"] if reference else []),
            f"--output={out}",
        ]
        _tools.pandoc(args, cwd=self.source_dir, epoch=self.epoch)


def _check_formats(project: Project, formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(str(f).strip().lower() for f in formats))
    for fmt in chosen:
        if fmt not in OUTPUT_FORMATS:
            known = ", ".join(OUTPUT_FORMATS)
            raise RenderError(f"format keluaran tidak dikenal: '{fmt}' (yang didukung: {known})")
        if fmt not in project.parts:
            raise RenderError(
                f"format '{OUTPUT_FORMATS[fmt]}' tidak ada di 'format:' "
                f"{project.display(project.config_file)}"
            )
    if not chosen:
        raise RenderError("tidak ada format keluaran yang diminta")
    return chosen


def render_project(
    project_dir: Path,
    output_dir: Path,
    formats: Iterable[str] = tuple(OUTPUT_FORMATS),
    basename: str | None = None,
    variables: Mapping[str, Any] | None = None,
    sebelum_gambar: Callable[[], None] | None = None,
    document: str | None = None,
) -> dict[str, Path]:
    """Render a Quarto project with the built-in renderer.

    Parameters
    ----------
    project_dir
        Folder with ``_quarto.yml``, the files of its render list, the
        ``_extensions/`` its formats come from and, optionally, ``_variables.yml``.
    output_dir
        Where ``<basename>.html|pdf|docx`` are written (created if needed).
    formats
        Any of ``html``, ``pdf``, ``docx``.
    basename
        Name of the output files; by default the first render-list file's name.
    variables
        Extra ``{{< var >}}`` values laid over ``_variables.yml`` (see
        :func:`._project.load_variables`).
    sebelum_gambar
        Called before pandoc reads any image (the charts may still be drawn).
    document
        Which document of the render list (its file stem); the first by default.
        Each document is rendered on its own, as Quarto does; a ``format:`` in
        its front matter limits its formats (asking for another is an error).

    Returns
    -------
    dict
        Output path per format.
    """
    project = document_project(load_project(project_dir), document)
    chosen = _check_formats(project, formats)
    values = load_variables(project, variables)
    source_text = assemble_source(project, values).text
    if sebelum_gambar is not None:
        sebelum_gambar()
    output_dir = Path(output_dir).resolve()  # pandoc runs in the source folder
    output_dir.mkdir(parents=True, exist_ok=True)
    name = basename or project.render[0].stem
    with tempfile.TemporaryDirectory(prefix=".render-", dir=output_dir) as tmp:
        work = Path(tmp)
        source = work / "laporan.md"
        job = _Job(project, work, values, _source_date_epoch())
        source_text, job.raw_html = _aside_raw_html(source_text)
        source.write_text(source_text, encoding="utf-8")
        made = {fmt: work / f"{name}.{fmt}" for fmt in chosen}
        _render_formats(job, source, made)
        result = {}
        for fmt, path in made.items():
            result[fmt] = output_dir / path.name
            pindahkan(path, result[fmt])
    return result


def _render_formats(job: _Job, source: Path, made: dict[str, Path]) -> None:
    """Parse the source once, then write every format of ``made`` at once (a thread each)."""
    ast = job.parse(source)
    with ThreadPoolExecutor(max_workers=len(made)) as pool:
        for future in [pool.submit(getattr(job, fmt), ast, path) for fmt, path in made.items()]:
            future.result()
