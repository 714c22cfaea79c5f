"""The built-in renderer: a Quarto-like project to HTML, PDF and DOCX.

Used when Quarto is not installed. It renders a documented *subset* of Quarto
markup (see ``report/README.md``) with pandoc and Typst:

1. read ``_quarto.yml`` and ``_variables.yml`` (:mod:`._project`);
2. assemble the Markdown: front matter, includes, shortcodes to tokens
   (:mod:`._source`);
3. parse once with pandoc to its JSON AST;
4. for each format, transform the AST (:mod:`._filter`) and write it with pandoc;
   the PDF is compiled from pandoc's Typst output by the ``typst`` package. The
   formats run at once in forked workers (:func:`_render_formats`); the HTML
   inlines its images and stylesheet itself (:func:`_embed_ourselves`).

Everything is written into a temporary directory and moved into ``output_dir``
only when every format succeeded. The same inputs give byte-identical files.
"""

from __future__ import annotations

import base64
import html
import json
import multiprocessing
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from lakip_calc.errors import RenderError
from lakip_calc.proses import boleh_fork, hentikan, pool_pekerja, serahkan, tanpa_gc
from lakip_calc.render import _tools
from lakip_calc.render._ast import iter_nodes, walk
from lakip_calc.render._filter import (
    IMAGE_TYPES,
    FormatSettings,
    Prepared,
    for_format,
    prepare,
)
from lakip_calc.render._project import OUTPUT_FORMATS, Project, load_project, load_variables
from lakip_calc.render._source import Source, assemble_source, split_source

__all__ = ["DEFAULT_SOURCE_DATE_EPOCH", "render_project"]

#: Creation date written into the outputs when ``SOURCE_DATE_EPOCH`` is not set
#: (2000-01-01T00:00:00Z): fixed, so that a render is reproducible.
DEFAULT_SOURCE_DATE_EPOCH = 946684800

_EXTENSIONS = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


def _source_date_epoch() -> int:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_SOURCE_DATE_EPOCH
    try:
        value = int(raw)
    except ValueError as exc:
        raise RenderError(f"SOURCE_DATE_EPOCH harus bilangan bulat detik, bukan '{raw}'") from exc
    if value < 0:
        raise RenderError(f"SOURCE_DATE_EPOCH tidak boleh negatif: {value}")
    return value


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(str(f).strip().lower() for f in formats))
    if not chosen:
        raise RenderError("tidak ada format keluaran yang diminta")
    for fmt in chosen:
        if fmt not in OUTPUT_FORMATS:
            raise RenderError(
                f"format keluaran tidak dikenal: '{fmt}' "
                f"(yang didukung: {', '.join(OUTPUT_FORMATS)})"
            )
    return chosen


def _flag(value: Any, name: str, project: Project) -> bool:
    if isinstance(value, bool):
        return value
    raise RenderError(
        f"opsi '{name}' harus true atau false ({project.display(project.config_file)})"
    )


def _settings(project: Project, fmt: str) -> FormatSettings:
    depth = project.option(fmt, "toc-depth", 3)
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 6:
        raise RenderError(
            f"opsi 'toc-depth' harus bilangan 1 sampai 6 ({project.display(project.config_file)})"
        )
    return FormatSettings(
        fmt=fmt,
        number_sections=_flag(
            project.option(fmt, "number-sections", fmt == "pdf"), "number-sections", project
        ),
        toc=_flag(project.option(fmt, "toc", False), "toc", project),
        toc_depth=depth,
        toc_title=str(project.option(fmt, "toc-title", "Daftar Isi")),
    )


def _draft_text(project: Project, fmt: str) -> str | None:
    """The mark of a draft (``draft: true``, text ``draft-text``), or None for a final report."""
    shown = project.display(project.config_file)
    if not _flag(project.option(fmt, "draft", False), "draft", project):
        return None
    raw = project.option(fmt, "draft-text", "DRAFT")
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise RenderError(f"opsi 'draft-text' harus berupa teks ({shown})")
    text = " ".join(str(raw).split())
    if not text:
        raise RenderError(f"opsi 'draft-text' tidak boleh kosong ({shown})")
    return text


def _template(name: str) -> Path:
    return Path(str(resources.files("lakip_calc.render").joinpath("templates", name)))


#: The part of the stylesheet used only by a draft (between ``/* draft {`` and
#: ``/* } draft``, with the blank line before it).
_DRAFT_CSS_RE = re.compile(r"\n/\* draft \{.*?/\* \} draft [^\n]*\*/\n", re.S)


def _stylesheet(work: Path, draft: bool) -> Path:
    """The stylesheet to inline: ``laporan.css``, its draft part only in a draft."""
    text = _template("laporan.css").read_text(encoding="utf-8")
    if not draft:
        text = _DRAFT_CSS_RE.sub("", text)
    target = work / "laporan.css"
    target.write_text(text, encoding="utf-8")
    return target


def _typst_string(text: str) -> str:
    """``text`` as the inside of a Typst string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


#: What in raw HTML or CSS would load a file: left to pandoc's ``--embed-resources``.
_LOADS_RESOURCE_RE = re.compile(r"\bsrc\s*=|<link\b|url\(|@import", re.I)


def _embed_ourselves(doc: dict[str, Any], css: str) -> bool:
    """Whether the images and the stylesheet are all there is to embed.

    Pandoc's ``--embed-resources`` parses the whole written page again to find
    what to inline, which costs more than writing the page. When the only
    resources are the document's images (in ``media/``) and the stylesheet,
    the writer inlines them itself; raw HTML or CSS that loads something goes
    the pandoc way.
    """
    if _LOADS_RESOURCE_RE.search(css):
        return False
    for node in iter_nodes(doc["blocks"]):
        kind = node["t"]
        if kind in {"RawBlock", "RawInline"} and node["c"][0] == "html":
            if _LOADS_RESOURCE_RE.search(node["c"][1]):
                return False
        elif kind == "Image" and Path(node["c"][2][0]).suffix.lower() not in IMAGE_TYPES:
            return False
    return True


def _inline_images(doc: dict[str, Any], work: Path) -> dict[str, Any]:
    """Every image as a ``data:`` URI (the files were copied into ``work``)."""
    uris: dict[str, str] = {}

    def visit(node: dict[str, Any]) -> Any:
        if node["t"] != "Image":
            return None
        src = node["c"][2][0]
        if src not in uris:
            mime = IMAGE_TYPES[Path(src).suffix.lower()]
            data = base64.b64encode((work / src).read_bytes()).decode("ascii")
            uris[src] = f"data:{mime};base64,{data}"
        return {"t": "Image", "c": [node["c"][0], node["c"][1], [uris[src], node["c"][2][1]]]}

    return walk(doc, visit)


def _write_html(
    doc: dict[str, Any], work: Path, target: Path, project: Project, epoch: int
) -> None:
    resource_dirs = [str(work), str(project.root), *sorted({str(p.parent) for p in project.render})]
    draft = _draft_text(project, "html")
    variables = [] if draft is None else [f"--variable=draft-text={html.escape(draft)}"]
    stylesheet = _stylesheet(work, draft is not None)
    css = stylesheet.read_text(encoding="utf-8")
    if _embed_ourselves(doc, css):
        doc = _inline_images(doc, work)
        style = work / "gaya.html"
        style.write_text(f"<style>\n{css}</style>\n", encoding="utf-8")
        embedding = [f"--include-in-header={style}"]
    else:
        embedding = ["--embed-resources", f"--css={stylesheet}"]
    _tools.pandoc(
        [
            "--from=json",
            "--to=html5",
            "--standalone",
            *embedding,
            f"--template={_template('laporan.html')}",
            f"--include-after-body={_template('laporan.js.html')}",
            f"--resource-path={os.pathsep.join(dict.fromkeys(resource_dirs))}",
            "--wrap=none",
            *variables,
            f"--output={target}",
        ],
        stdin=json.dumps(doc),
        cwd=work,
        epoch=epoch,
    )


def _write_typst(
    doc: dict[str, Any], work: Path, target: Path, project: Project, epoch: int, roman: bool
) -> None:
    papersize = str(project.option("pdf", "papersize", "a4")).lower()
    variables = [f"--variable=papersize={papersize}"]
    if _settings(project, "pdf").number_sections:
        variables.append("--variable=number-sections=true")
    if roman:
        variables.append("--variable=halaman-romawi=true")
    fontsize = project.option("pdf", "fontsize")
    if fontsize is not None:
        variables.append(f"--variable=fontsize={fontsize}")
    draft = _draft_text(project, "pdf")
    if draft is not None:
        variables.append(f"--variable=draft-text={_typst_string(draft)}")
    _tools.pandoc(
        [
            "--from=json",
            "--to=typst",
            "--standalone",
            f"--template={_template('laporan.typ')}",
            "--wrap=none",
            *variables,
            f"--output={target}",
        ],
        stdin=json.dumps(doc),
        cwd=work,
        epoch=epoch,
    )
    target.write_text(_typst_tables(target.read_text(encoding="utf-8")), encoding="utf-8")


#: A table as pandoc's Typst writer opens it (inside a figure or on its own).
_TYPST_TABLE_RE = re.compile(r"(?m)(^|\[)#table\(\n")


def _typst_tables(text: str) -> str:
    """Let the template size every table: ``#table(`` becomes ``#tabel-pas(plan,``.

    The filter writes the plan (``#let tabel-berikut = ...``) just before each table;
    ``tabel-pas`` keeps the natural column widths when the table fits the page and
    uses the plan's widths when it does not, centres the header row and aligns the
    columns. A table the plan does not fit is drawn as pandoc wrote it.
    """
    return _TYPST_TABLE_RE.sub(lambda m: f"{m.group(1)}#tabel-pas(tabel-berikut,\n", text)


def _docx_images(
    doc: dict[str, Any], work: Path, sources: Mapping[str, Path] | None = None
) -> dict[str, Any]:
    """Point SVG images to PNG copies (older Word versions cannot show SVG).

    ``sources`` maps an image's name in ``work`` to its file in the project: a
    PNG beside that file which is this SVG rasterised is taken as it is.
    """
    sizes: dict[str, tuple[int, int]] = {}
    sources = sources or {}

    def visit(node: dict[str, Any]) -> Any:
        if node["t"] != "Image" or not node["c"][2][0].endswith(".svg"):
            return None
        src = node["c"][2][0]
        png = src + ".png"
        if src not in sizes:
            source = sources.get(src)
            sizes[src] = _tools.svg_to_png(
                work / src,
                work / png,
                root=work,
                ada=source.with_suffix(".png") if source is not None else None,
            )
        attributes = node["c"][0]
        pairs = [list(p) for p in attributes[2]]
        if not any(key in {"width", "height"} for key, _ in pairs):
            pairs.append(["width", f"{sizes[src][0]}pt"])
        return {
            "t": "Image",
            "c": [[attributes[0], attributes[1], pairs], node["c"][1], [png, node["c"][2][1]]],
        }

    return walk(doc, visit)


def _write_docx(
    doc: dict[str, Any],
    work: Path,
    target: Path,
    project: Project,
    epoch: int,
    sources: Mapping[str, Path] | None = None,
) -> None:
    doc = _docx_images(doc, work, sources)
    reference = work / "referensi.docx"
    if not reference.exists():
        _tools.reference_docx(
            reference, cwd=work, epoch=epoch, draft_text=_draft_text(project, "docx")
        )
    _tools.pandoc(
        [
            "--from=json",
            "--to=docx",
            f"--reference-doc={reference}",
            f"--output={target}",
        ],
        stdin=json.dumps(doc),
        cwd=work,
        epoch=epoch,
    )


def _copy_media(prepared: Prepared, work: Path) -> None:
    for source_path, relative in prepared.media.items():
        destination = work / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_path, destination)


@dataclass(frozen=True)
class _Job:
    """Everything one format needs after the shared parse (inherited by forked workers)."""

    prepared: Prepared
    source: Source
    project: Project
    values: Mapping[str, Any]
    work: Path
    basename: str
    epoch: int
    keep_intermediate: bool


def _render_format(job: _Job, fmt: str, forked: bool = False) -> dict[str, Path]:
    """Filter the shared AST for ``fmt`` and write ``<basename>.<ext>`` into ``job.work``.

    ``forked``: this process is a worker of its own for this one format; the
    filter may change the inherited AST instead of copying it.
    """
    rendered = for_format(
        job.prepared, job.source, job.project, _settings(job.project, fmt), job.values, own=forked
    )
    target = job.work / f"{job.basename}{_EXTENSIONS[fmt]}"
    finished: dict[str, Path] = {}
    if fmt == "html":
        _write_html(rendered.doc, job.work, target, job.project, job.epoch)
    elif fmt == "pdf":
        typ_file = job.work / f"{job.basename}.typ"
        _write_typst(
            rendered.doc, job.work, typ_file, job.project, job.epoch, rendered.has_mulai_isi
        )
        _tools.compile_typst(typ_file, target, root=job.work, epoch=job.epoch)
        if job.keep_intermediate:
            finished["typ"] = typ_file
    else:
        sources = {relative: path for path, relative in job.prepared.media.items()}
        _write_docx(rendered.doc, job.work, target, job.project, job.epoch, sources)
    finished[fmt] = target
    return finished


#: The job of the render in progress, read by the forked format workers.
_JOB: _Job | None = None


#: The format with the longest chain (pandoc, then Typst): it keeps a core to
#: itself while the others share the rest, so that it does not finish alone last.
_FORMAT_TERPANJANG = "pdf"


def _render_in_worker(fmt: str) -> dict[str, Path]:
    assert _JOB is not None, "format worker started without a job"
    if fmt != _FORMAT_TERPANJANG:
        os.nice(5)  # this worker process only; it ends with its format
    return _render_format(_JOB, fmt, forked=True)


def _render_formats(job: _Job, formats: tuple[str, ...]) -> dict[str, Path]:
    """Render every format, at the same time in forked workers when there are cores for it.

    The formats share nothing after the parse: each worker inherits the parsed
    AST (no copy through a pipe) and writes its own file into ``job.work``. All
    formats run at once even on two cores (the operating system shares them out;
    the longest format does not wait for a free worker). Ctrl-C or a failure
    stops the other workers; the caller then throws ``job.work`` away.

    The formats run one after another in this process on a single core, and
    when this process may not fork (:func:`lakip_calc.proses.boleh_fork`: it
    already runs other threads, such as Typst's after a chart was drawn here).
    """
    global _JOB
    if len(formats) < 2 or (os.cpu_count() or 1) < 2 or not boleh_fork():
        finished: dict[str, Path] = {}
        for fmt in formats:
            finished.update(_render_format(job, fmt))
        return finished
    _JOB = job
    try:
        with pool_pekerja(len(formats), multiprocessing.get_context("fork")) as ex:
            try:
                janji = serahkan(ex, _render_in_worker, formats)
                finished = {}
                for j in janji:
                    finished.update(j.result())
                return finished
            except BaseException:
                hentikan(ex)
                raise
    finally:
        _JOB = None


def render_project(
    project_dir: Path,
    output_dir: Path,
    formats: Iterable[str] = OUTPUT_FORMATS,
    basename: str = "report",
    variables: Mapping[str, Any] | None = None,
    *,
    keep_intermediate: bool = False,
    sebelum_gambar: Callable[[], None] | None = None,
) -> dict[str, Path]:
    """Render a Quarto-like project directory with pandoc and Typst.

    Parameters
    ----------
    project_dir
        Directory holding ``_quarto.yml`` (with ``project: render:``), the ``.qmd``
        files and, optionally, ``_variables.yml``.
    output_dir
        Where the finished files go (created if needed). Nothing is written there
        unless every requested format succeeded.
    formats
        Any of ``"html"``, ``"pdf"``, ``"docx"``.
    basename
        File name without extension: ``report`` gives ``report.html`` and so on.
    variables
        Extra ``{{< var >}}`` values laid over ``_variables.yml``: a key maps to a
        string or to ``{"text": ..., "title": ..., "href": ...}``.
    keep_intermediate
        Also keep the generated Typst source as ``<basename>.typ`` (key ``"typ"``);
        it refers to images by paths inside the temporary build directory.
    sebelum_gambar
        Called after the sources are read and parsed, before any image file is
        looked at: the pipeline adds the charts to the project then, so that
        the parse runs while the charts are still being drawn.

    Returns
    -------
    dict[str, Path]
        Output path per format.

    Raises
    ------
    RenderError
        For every problem in the sources (with file and line), and for tool failures.
    """
    with tanpa_gc():
        return _render_project(
            project_dir, output_dir, formats, basename, variables, keep_intermediate, sebelum_gambar
        )


def _render_project(
    project_dir: Path,
    output_dir: Path,
    formats: Iterable[str],
    basename: str,
    variables: Mapping[str, Any] | None,
    keep_intermediate: bool,
    sebelum_gambar: Callable[[], None] | None,
) -> dict[str, Path]:
    chosen = _check_formats(formats)
    if not basename or any(sep in basename for sep in ("/", "\\")) or basename.startswith("."):
        raise RenderError(f"nama dasar berkas keluaran tidak valid: '{basename}'")
    epoch = _source_date_epoch()
    project = load_project(Path(project_dir))
    for fmt in chosen:
        _draft_text(project, fmt)  # a wrong draft option stops the build before any work
    values = load_variables(project, variables)
    source: Source = assemble_source(project, values)

    output_dir = Path(output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".render-", dir=output_dir))
    try:
        # Two or more pandoc processes parse whole files of the text at once.
        pieces = split_source(source.text, min(2, os.cpu_count() or 1))
        parsed = _tools.pandoc_parse(pieces, cwd=project.root, epoch=epoch)
        if sebelum_gambar is not None:
            sebelum_gambar()
        prepared = prepare(parsed, source, project)
        _copy_media(prepared, work)
        job = _Job(prepared, source, project, values, work, basename, epoch, keep_intermediate)
        finished = _render_formats(job, chosen)
        result: dict[str, Path] = {}
        for key, path in finished.items():
            destination = output_dir / path.name
            os.replace(path, destination)
            result[key] = destination
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)
