"""Choosing the renderer, and rendering a project with the real Quarto CLI.

``RENDERER=auto`` takes Quarto when a ``quarto`` of version :data:`QUARTO_MIN`
or later is on ``PATH``, the built-in renderer otherwise; ``quarto`` and
``builtin`` force one. Quarto is called as a subprocess: ``quarto render`` of
the staged project renders every format its ``_quarto.yml`` lists.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lakip_calc.errors import RenderError

__all__ = [
    "QUARTO_MIN",
    "RENDERER_MODES",
    "QuartoInfo",
    "choose_renderer",
    "find_quarto",
    "quarto_versions",
    "render_with_quarto",
]

#: Accepted values of ``RENDERER``.
RENDERER_MODES = ("auto", "quarto", "builtin")
#: The oldest Quarto the report is rendered with.
QUARTO_MIN = (1, 7)
#: Lines of Quarto's log shown when it fails.
LOG_TAIL = 25

_PASANG = (
    "Pasang Quarto 1.7 atau lebih baru (paket rilis dari situs Quarto, atau "
    "`pip install quarto-cli` bila internet terjangkau), atau pakai renderer bawaan "
    "dengan RENDERER=builtin."
)


@dataclass(frozen=True)
class QuartoInfo:
    """A ``quarto`` executable and its version."""

    path: str
    version: str


def _version_tuple(text: str) -> tuple[int, ...] | None:
    match = re.match(r"\s*(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(g) for g in match.groups() if g is not None) if match else None


def find_quarto() -> QuartoInfo | None:
    """The ``quarto`` on ``PATH`` with its version, or None when there is none.

    A ``quarto`` that does not answer ``--version`` counts as found, with an
    empty version (:func:`choose_renderer` then refuses it as too old). Asked
    once per ``PATH`` in a process (a build asks while keying its cache,
    choosing, recording and rendering).
    """
    return _quarto_di(os.environ.get("PATH", ""))


@functools.lru_cache(maxsize=8)
def _quarto_di(path_env: str) -> QuartoInfo | None:
    path = shutil.which("quarto", path=path_env)
    if path is None:
        return None
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
        version = out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""
    except (OSError, subprocess.SubprocessError):
        version = ""
    return QuartoInfo(path=path, version=version)


def _usable(info: QuartoInfo) -> bool:
    found = _version_tuple(info.version)
    return found is not None and found[:2] >= QUARTO_MIN


def choose_renderer(mode: str) -> str:
    """Resolve ``RENDERER`` (``auto``, ``quarto`` or ``builtin``) to ``"quarto"`` or ``"builtin"``.

    Examples
    --------
    >>> choose_renderer("builtin")
    'builtin'
    """
    chosen = str(mode).strip().lower() or "auto"  # an empty RENDERER= (make) means auto
    if chosen not in RENDERER_MODES:
        raise RenderError(
            f"RENDERER tidak dikenal: '{mode}' (pilihan: {', '.join(RENDERER_MODES)})"
        )
    if chosen == "builtin":
        return "builtin"
    info = find_quarto()
    if chosen == "auto":
        return "quarto" if info is not None and _usable(info) else "builtin"
    if info is None:
        raise RenderError(
            f"RENDERER=quarto diminta, tetapi program 'quarto' tidak ada di PATH. {_PASANG}"
        )
    if not _usable(info):
        minimum = ".".join(map(str, QUARTO_MIN))
        raise RenderError(
            f"RENDERER=quarto diminta, tetapi Quarto di {info.path} berversi "
            f"'{info.version or 'tidak diketahui'}'; diperlukan {minimum} atau lebih baru. {_PASANG}"
        )
    return "quarto"


def _first_line(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = (out.stdout.strip() or out.stderr.strip()).splitlines()
    return lines[0].strip() if lines else ""


def quarto_versions(info: QuartoInfo) -> dict[str, str]:
    """Quarto's version and those of the pandoc and Typst it runs (for the manifest)."""
    pandoc = _first_line([info.path, "pandoc", "--version"])
    typst = _first_line([info.path, "typst", "--version"])
    return {
        "quarto": info.version,
        "pandoc": pandoc.removeprefix("pandoc ").strip(),
        "typst": typst.removeprefix("typst ").strip(),
    }


#: Warnings that leave a hole in the report (Quarto still exits 0 after them).
_PROBLEM = re.compile(
    r"Unknown (var|meta|shortcode)|Unable to resolve crossref|crossref.*not found|"
    r"unable to resolve|File .* not found|Could not fetch resource",
    re.I,
)


def _log_tail(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-LOG_TAIL:])


def render_with_quarto(
    project: Path, log: Path, source: str, formats: tuple[str, ...] = ("html", "pdf", "docx")
) -> dict[str, Path]:
    """``quarto render`` one document of the project; return its outputs by our format name.

    Parameters
    ----------
    project
        A Quarto project (``_quarto.yml``).
    log
        Where Quarto's whole output is written (kept when it fails).
    source
        The document, relative to the project (``report/lakip.qmd``).
    formats
        The formats the document renders to (our names: html, pdf, docx).

    Returns
    -------
    dict
        ``{"html": ..., "pdf": ..., "docx": ...}``, next to the rendered source.
    """
    info = find_quarto()
    if info is None:
        raise RenderError(f"program 'quarto' tidak ada di PATH. {_PASANG}")
    env = dict(os.environ)
    proc = subprocess.run(
        [info.path, "render", source],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        raise RenderError(
            f"quarto render gagal (kode {proc.returncode}). Baris terakhir lognya:\n"
            f"{_log_tail(proc.stdout + proc.stderr)}\nLog lengkap: {log}"
        )
    problems = [line for line in (proc.stdout + proc.stderr).splitlines() if _PROBLEM.search(line)]
    if problems:
        shown = "\n".join(problems[:LOG_TAIL])
        raise RenderError(f"quarto render melaporkan masalah:\n{shown}\nLog lengkap: {log}")
    return _outputs(project / source, formats, log)


_PDF_DATE = re.compile(rb"D:(\d{14})")
_B64_ID = rb"[A-Za-z0-9+/=]{24}"
# The document id: twice in the trailer, and in the XMP metadata.
_PDF_ID_TRAILER = re.compile(rb"(/ID\s*\[\s*\()" + _B64_ID + rb"(\)\s*\()" + _B64_ID + rb"\)")
_PDF_ID_XMP = re.compile(rb"(<xmpMM:(?:Document|Instance)ID>)" + _B64_ID)


def _pdf_ids(data: bytes, ident: bytes) -> bytes:
    data = _PDF_ID_TRAILER.sub(lambda m: m.group(1) + ident + m.group(2) + ident + b")", data)
    return _PDF_ID_XMP.sub(lambda m: m.group(1) + ident, data)


def _pdf_id_for(data: bytes) -> bytes:
    import base64
    import hashlib

    digest = hashlib.md5(_pdf_ids(data, b"=" * 24), usedforsecurity=False).digest()
    return base64.b64encode(digest)


def normalise_pdf(pdf: Path, epoch: int) -> None:
    """Make a Typst PDF the same for the same inputs: its creation date becomes
    ``epoch`` and its document id a hash of the rest.

    The real Typst takes the date from ``SOURCE_DATE_EPOCH`` itself; a Typst
    that does not (the offline Quarto kit's) would stamp the clock into every
    build. Each value is replaced by one of the same length, so the PDF's
    cross-reference offsets stay valid.
    """
    import datetime as _dt

    data = pdf.read_bytes()
    found = _PDF_DATE.search(data)
    if found is None:
        return
    stamp = _dt.datetime.fromtimestamp(epoch, tz=_dt.UTC)
    old = _dt.datetime.strptime(found.group(1).decode(), "%Y%m%d%H%M%S")
    for form in ("D:%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S"):  # Info dictionary, XMP
        data = data.replace(old.strftime(form).encode(), stamp.strftime(form).encode())
    pdf.write_bytes(_pdf_ids(data, _pdf_id_for(data)))


def _outputs(source: Path, formats: tuple[str, ...], log: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for fmt in formats:
        path = source.with_suffix(f".{fmt}")
        if not path.is_file():
            raise RenderError(f"quarto render tidak menghasilkan {path.name}. Log lengkap: {log}")
        found[fmt] = path
    return found
