"""Calls to the external tools: pandoc (via pypandoc-binary) and Typst (Python package).

Every failure becomes a :class:`RenderError` with an Indonesian message; the
tool's own diagnostic is appended for the person who has to fix it.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from lakip_calc.errors import RenderError

__all__ = ["compile_typst", "pandoc", "pandoc_parse", "reference_docx", "svg_to_png"]


def _pandoc_executable() -> str:
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


def pandoc(args: list[str], *, stdin: str | None = None, cwd: Path, epoch: int) -> str:
    """Run pandoc with ``SOURCE_DATE_EPOCH`` set; return its standard output.

    A non-zero exit, or a warning that a resource could not be fetched, is an error.
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    proc = subprocess.run(
        [_pandoc_executable(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RenderError(f"pandoc gagal (kode {proc.returncode}): {proc.stderr.strip()}")
    if re.search(r"Could not fetch|not found in resource path", proc.stderr):
        raise RenderError(f"pandoc tidak dapat memuat sumber daya: {proc.stderr.strip()}")
    return proc.stdout


def pandoc_parse(markdown: str, *, cwd: Path, epoch: int) -> dict[str, Any]:
    """Parse Pandoc Markdown to the JSON AST (identifiers are made by the filter)."""
    out = pandoc(
        ["--from=markdown-auto_identifiers", "--to=json"], stdin=markdown, cwd=cwd, epoch=epoch
    )
    return json.loads(out)


def compile_typst(typ_file: Path, pdf_file: Path, *, root: Path, epoch: int) -> None:
    """Compile ``typ_file`` with the fonts bundled in Typst only (no system fonts)."""
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


def svg_to_png(svg: Path, png: Path, *, root: Path, ppi: int = 200) -> tuple[int, int]:
    """Rasterise an SVG with Typst (for DOCX readers without SVG support).

    Returns the natural size of the picture in points (width, height).
    """
    import typst

    relative = svg.resolve().relative_to(root.resolve()).as_posix()
    source = (
        f'#set page(width: auto, height: auto, margin: 0pt, fill: white)\n#image("/{relative}")\n'
    )
    try:
        typst.compile(
            source.encode("utf-8"),
            output=str(png),
            root=str(root),
            format="png",
            ppi=ppi,
            ignore_system_fonts=True,
        )
    except (typst.TypstError, RuntimeError) as exc:
        raise RenderError(
            f"gambar SVG tidak dapat diubah menjadi PNG untuk DOCX: {svg.name}: {exc}"
        ) from exc
    header = png.read_bytes()[16:24]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    return round(width * 72 / ppi), round(height * 72 / ppi)


# -- DOCX reference document -----------------------------------------------------------

_A4_SECTION = (
    '<w:sectPr><w:footerReference w:type="default" r:id="rIdLakipFooter"/>'
    '<w:footnotePr><w:numRestart w:val="eachSect"/></w:footnotePr>'
    '<w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1701" w:right="1418" w:bottom="1418" w:left="1701" '
    'w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>'
)
_FOOTER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>'
)
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _edit_docx_part(name: str, data: bytes) -> bytes:
    if name == "word/document.xml":
        text = data.decode("utf-8")
        text = re.sub(r"<w:sectPr>.*?</w:sectPr>", _A4_SECTION, text, flags=re.S)
        return text.encode("utf-8")
    if name == "word/styles.xml":
        text = data.decode("utf-8")
        text = re.sub(r'<w:color w:val="[0-9A-Fa-f]{6}"[^>]*/>', '<w:color w:val="1A3D6D" />', text)
        text = text.replace('w:val="en-US"', 'w:val="id-ID"')
        return text.encode("utf-8")
    if name == "word/theme/theme1.xml":
        text = data.decode("utf-8")
        text = re.sub(r'<a:latin typeface="[^"]*"', '<a:latin typeface="Times New Roman"', text)
        return text.encode("utf-8")
    if name == "word/_rels/document.xml.rels":
        text = data.decode("utf-8")
        rel = (
            '<Relationship Id="rIdLakipFooter" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" '
            'Target="footer1.xml"/>'
        )
        return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")
    if name == "[Content_Types].xml":
        text = data.decode("utf-8")
        override = (
            '<Override PartName="/word/footer1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        )
        return text.replace("</Types>", override + "</Types>").encode("utf-8")
    return data


def reference_docx(target: Path, *, cwd: Path, epoch: int) -> None:
    """Write a reference DOCX: pandoc's own, on A4 with margins, serif fonts,
    Indonesian proofing language and page numbers in the footer."""
    exe = _pandoc_executable()
    proc = subprocess.run(
        [exe, "--print-default-data-file", "reference.docx"],
        capture_output=True,
        cwd=cwd,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)},
        check=False,
    )
    if proc.returncode != 0:
        raise RenderError(
            f"pandoc gagal menyiapkan templat DOCX: {proc.stderr.decode(errors='replace')}"
        )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(proc.stdout)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as result,
    ):
        for name in sorted(source.namelist()):
            data = _edit_docx_part(name, source.read(name))
            result.writestr(zipfile.ZipInfo(name, _FIXED_ZIP_TIME), data)
        result.writestr(zipfile.ZipInfo("word/footer1.xml", _FIXED_ZIP_TIME), _FOOTER)
    target.write_bytes(out.getvalue())
