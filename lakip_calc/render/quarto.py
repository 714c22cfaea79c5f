"""Choosing the renderer, and the ``quarto render`` command line when Quarto is used."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from lakip_calc.errors import RenderError

__all__ = ["RENDERER_MODES", "choose_renderer", "quarto_command"]

#: Accepted values of ``RENDERER``.
RENDERER_MODES = ("auto", "quarto", "builtin")

# Our format names -> Quarto's (the PDF is made through Typst in both renderers).
_QUARTO_FORMATS = {"html": "html", "pdf": "typst", "docx": "docx"}


def _parameter_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        raise RenderError("parameter Quarto tidak boleh kosong (None)")
    return str(value)


def quarto_command(
    project_dir: Path,
    output_dir: Path,
    formats: Iterable[str],
    params: Mapping[str, Any],
) -> list[str]:
    """Build the ``quarto render`` command line.

    Parameters
    ----------
    project_dir
        The Quarto project directory.
    output_dir
        Passed as ``--output-dir``.
    formats
        Our format names (``html``, ``pdf``, ``docx``); ``pdf`` becomes Quarto's ``typst``.
    params
        Execution parameters, each passed as ``-P key:value`` in the given order.

    Examples
    --------
    >>> " ".join(quarto_command(Path("report"), Path("out"), ["html", "pdf"], {"tahun": 2023}))
    'quarto render report --output-dir out --to html,typst -P tahun:2023'
    """
    names: list[str] = []
    for fmt in formats:
        key = str(fmt).strip().lower()
        if key not in _QUARTO_FORMATS:
            known = ", ".join(_QUARTO_FORMATS)
            raise RenderError(f"format keluaran tidak dikenal: '{fmt}' (yang didukung: {known})")
        if _QUARTO_FORMATS[key] not in names:
            names.append(_QUARTO_FORMATS[key])
    if not names:
        raise RenderError("tidak ada format keluaran yang diminta")
    command = [
        "quarto",
        "render",
        str(project_dir),
        "--output-dir",
        str(output_dir),
        "--to",
        ",".join(names),
    ]
    for key, value in params.items():
        if not str(key) or ":" in str(key):
            raise RenderError(f"nama parameter Quarto tidak valid: '{key}'")
        command.extend(["-P", f"{key}:{_parameter_text(value)}"])
    return command


def choose_renderer(mode: str) -> str:
    """Resolve ``RENDERER`` (``auto``, ``quarto`` or ``builtin``) to ``"quarto"`` or ``"builtin"``.

    ``auto`` takes Quarto when the ``quarto`` program is on ``PATH``.

    Examples
    --------
    >>> choose_renderer("builtin")
    'builtin'
    """
    chosen = str(mode).strip().lower()
    if chosen not in RENDERER_MODES:
        raise RenderError(
            f"RENDERER tidak dikenal: '{mode}' (pilihan: {', '.join(RENDERER_MODES)})"
        )
    if chosen == "builtin":
        return "builtin"
    found = shutil.which("quarto") is not None
    if chosen == "quarto" and not found:
        raise RenderError(
            "RENDERER=quarto diminta, tetapi program 'quarto' tidak ditemukan di PATH; "
            "pasang Quarto atau gunakan RENDERER=builtin"
        )
    return "quarto" if found else "builtin"
