"""Calls to the external tools: pandoc (via pypandoc-binary) and Typst (Python package).

Every failure becomes a :class:`RenderError` with an Indonesian message; the
tool's own diagnostic is appended for the person who has to fix it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

from lakip_calc.errors import RenderError

__all__ = ["PANDOC_API_RANGE", "compile_typst", "pandoc", "pandoc_version", "svg_png"]

#: The pandoc document API versions the Lua filters are tested with (pandoc 3.1
#: to 3.9 all have 1.23; Quarto 1.7 brings pandoc 3.6).
PANDOC_API_RANGE = ((1, 23), (1, 23))


def pandoc_executable() -> str:
    """The pandoc of the pinned ``pypandoc-binary`` package."""
    try:
        import pypandoc
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise RenderError(
            "paket 'pypandoc-binary' belum terpasang (jalankan 'make setup')"
        ) from exc
    try:
        return pypandoc.get_pandoc_path()
    except OSError as exc:  # pragma: no cover - pinned dependency
        raise RenderError("program pandoc tidak ditemukan (paket 'pypandoc-binary')") from exc


@functools.lru_cache(maxsize=1)
def pandoc_version() -> tuple[str, tuple[int, ...]]:
    """Pandoc's version and the version of its document API (``pandoc-types``)."""
    script = "io.write(tostring(PANDOC_VERSION), ' ', tostring(PANDOC_API_VERSION))"
    proc = subprocess.run(
        [pandoc_executable(), "lua", "-e", script], capture_output=True, text=True, check=False
    )
    version, _, api = proc.stdout.strip().partition(" ")
    numbers = tuple(int(n) for n in re.findall(r"\d+", api))
    return version or "?", numbers


def pandoc(args: list[str], *, cwd: Path, epoch: int) -> None:
    """Run pandoc with ``SOURCE_DATE_EPOCH`` set; a failure is a RenderError with its message."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    proc = subprocess.run(
        [pandoc_executable(), *args], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )
    if proc.returncode != 0:
        raise RenderError(f"pandoc gagal: {_lua_message(proc.stderr)}")


def _lua_message(stderr: str) -> str:
    """The message of a filter's ``error(...)`` without Lua's traceback, or pandoc's own."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    for line in lines:
        match = re.search(r"\.lua:\d+: (.*)$", line)
        if match:
            return match.group(1)
    return "\n".join(lines[-10:])


def compile_typst(typ_file: Path, pdf_file: Path, *, root: Path, epoch: int) -> None:
    """Compile ``typ_file`` with the fonts bundled in Typst only (no system fonts).

    Typst runs in a child process of its own (``python -m lakip_calc.render._typst``):
    it keeps its caches for the life of the process that compiles, so compiling in the
    build's own process kept the memory of every document compiled until the build
    ended (about 1 GB after the companion of a 100x office, before the report's PDF).
    The child's memory is returned when it ends; the PDF is the same.
    """
    import lakip_calc

    akar_paket = str(Path(lakip_calc.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (akar_paket, env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "lakip_calc.render._typst", str(typ_file), str(pdf_file)]
    cmd += [str(root), str(epoch)]
    hasil = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if hasil.returncode != 0:
        pesan = hasil.stderr.strip() or f"proses Typst berakhir dengan kode {hasil.returncode}"
        awal = pesan.find("Typst gagal")
        raise RenderError(
            pesan[awal:] if awal >= 0 else f"Typst gagal menyusun PDF: {pesan.splitlines()[-1]}"
        )


def _compile_typst_here(typ_file: Path, pdf_file: Path, *, root: Path, epoch: int) -> None:
    """:func:`compile_typst` in this process (the child's work)."""
    try:
        import typst
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise RenderError("paket 'typst' belum terpasang (jalankan 'make setup')") from exc
    try:
        typst.compile(
            str(typ_file),
            output=str(pdf_file),
            root=str(root),
            format="pdf",
            ignore_system_fonts=True,
            timestamp=_dt.datetime.fromtimestamp(epoch, tz=_dt.UTC),
        )
    except typst.TypstError as exc:
        detail = getattr(exc, "diagnostic", "") or getattr(exc, "message", "") or str(exc)
        hints = "; ".join(getattr(exc, "hints", []) or [])
        raise RenderError(f"Typst gagal menyusun PDF: {detail} {hints}".strip()) from exc
    except RuntimeError as exc:
        raise RenderError(f"Typst gagal menyusun PDF: {exc}") from exc


def svg_png(svg: Path, *, root: Path, ppi: int = 200) -> bytes:
    """Rasterise an SVG file under ``root`` with Typst: the PNG bytes (deterministic).

    The picture is the one Typst draws in the PDF, on a white page of exactly
    its size. The charts notebook writes it beside each SVG; the extension's
    filter puts it into the DOCX instead of the SVG.
    """
    import typst

    relative = svg.resolve().relative_to(root.resolve()).as_posix()
    literal = relative.replace("\\", "\\\\").replace('"', '\\"')
    source = (
        f'#set page(width: auto, height: auto, margin: 0pt, fill: white)\n#image("/{literal}")\n'
    )
    try:
        data = typst.compile(
            source.encode("utf-8"),
            root=str(root),
            format="png",
            ppi=ppi,
            ignore_system_fonts=True,
        )
    except (typst.TypstError, RuntimeError) as exc:
        raise RenderError(f"gambar SVG tidak dapat diubah menjadi PNG: {svg.name}: {exc}") from exc
    return data
