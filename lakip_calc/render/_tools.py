"""Calls to the external tools: pandoc (via pypandoc-binary) and Typst (Python package).

Every failure becomes a :class:`RenderError` with an Indonesian message; the
tool's own diagnostic is appended for the person who has to fix it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import io
import json
import os
import re
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from lakip_calc.errors import RenderError

__all__ = [
    "compile_typst",
    "pandoc",
    "pandoc_parse",
    "reference_docx",
    "svg_png",
    "svg_to_png",
]


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


_PARSE_ARGS = ["--from=markdown-auto_identifiers", "--to=json"]


def pandoc_parse(markdown: str | list[str], *, cwd: Path, epoch: int) -> dict[str, Any]:
    """Parse Pandoc Markdown to the JSON AST (identifiers are made by the filter).

    A list of texts is parsed by as many pandoc processes at once, and their
    blocks are joined in order; the metadata is the first text's. For a text
    cut where no Markdown construct spans the cut (``_source.split_source``),
    the result is the AST of the whole text.
    """
    if isinstance(markdown, str) or len(markdown) == 1:
        text = markdown if isinstance(markdown, str) else markdown[0]
        return json.loads(pandoc(_PARSE_ARGS, stdin=text, cwd=cwd, epoch=epoch))
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    with tempfile.TemporaryDirectory(prefix="lakip-parse-") as folder:
        running = []
        for index, text in enumerate(markdown):
            base = Path(folder) / f"bagian{index}"
            base.with_suffix(".md").write_text(text, encoding="utf-8")
            with (
                base.with_suffix(".md").open("rb") as stdin,
                base.with_suffix(".json").open("wb") as stdout,
                base.with_suffix(".log").open("wb") as stderr,
            ):
                running.append(
                    subprocess.Popen(
                        [_pandoc_executable(), *_PARSE_ARGS],
                        stdin=stdin,
                        stdout=stdout,
                        stderr=stderr,
                        cwd=cwd,
                        env=env,
                    )
                )
        codes = [proc.wait() for proc in running]
        docs: list[dict[str, Any]] = []
        for index, code in enumerate(codes):
            base = Path(folder) / f"bagian{index}"
            log = base.with_suffix(".log").read_text(encoding="utf-8", errors="replace").strip()
            if code != 0:
                raise RenderError(f"pandoc gagal (kode {code}): {log}")
            docs.append(json.loads(base.with_suffix(".json").read_text(encoding="utf-8")))
    whole = docs[0]
    for doc in docs[1:]:
        whole["blocks"].extend(doc["blocks"])
    return whole


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


#: The PNG text chunk that names the SVG a PNG was rasterised from, and at what ppi.
_PNG_KUNCI = b"lakip-svg"


def _tanda_svg(svg_bytes: bytes, ppi: int) -> bytes:
    return f"sha256={hashlib.sha256(svg_bytes).hexdigest()} ppi={ppi}".encode("ascii")


def _png_dengan_teks(png: bytes, teks: bytes) -> bytes:
    """``png`` with a ``tEXt`` chunk (key ``lakip-svg``) right after its header chunk."""
    isi = _PNG_KUNCI + b"\0" + teks
    chunk = (
        len(isi).to_bytes(4, "big")
        + b"tEXt"
        + isi
        + (zlib.crc32(b"tEXt" + isi) & 0xFFFFFFFF).to_bytes(4, "big")
    )
    ihdr_akhir = 8 + 4 + 4 + int.from_bytes(png[8:12], "big") + 4
    return png[:ihdr_akhir] + chunk + png[ihdr_akhir:]


def _teks_png(png: bytes) -> bytes | None:
    """The ``lakip-svg`` text of a PNG, if it has one."""
    i = 8
    while i + 8 <= len(png):
        panjang = int.from_bytes(png[i : i + 4], "big")
        jenis = png[i + 4 : i + 8]
        isi = png[i + 8 : i + 8 + panjang]
        if jenis == b"tEXt" and isi.startswith(_PNG_KUNCI + b"\0"):
            return isi[len(_PNG_KUNCI) + 1 :]
        if jenis == b"IDAT":
            return None  # text chunks we write come before the image data
        i += 12 + panjang
    return None


def svg_png(svg: Path, *, root: Path, ppi: int = 200) -> bytes:
    """Rasterise an SVG file under ``root`` with Typst: the PNG bytes (deterministic).

    The picture is the one Typst draws in the PDF, on a white page of exactly
    its size. A text chunk names the SVG (its SHA-256) and the ppi, so that the
    DOCX writer can take this PNG instead of rasterising the SVG again
    (:func:`svg_to_png`).
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
    return _png_dengan_teks(data, _tanda_svg(svg.read_bytes(), ppi))


def svg_to_png(
    svg: Path, png: Path, *, root: Path, ppi: int = 200, ada: Path | None = None
) -> tuple[int, int]:
    """Rasterise an SVG with Typst (for DOCX readers without SVG support).

    ``ada``: a PNG that may already be this SVG rasterised at this ppi (the
    charts notebook writes one beside each SVG). It is used when its text chunk
    names this very SVG and ppi (:func:`svg_png`); the bytes are then the same
    as a new rasterisation would give. Returns the natural size of the picture
    in points (width, height).
    """
    data = ada.read_bytes() if ada is not None and ada.is_file() else b""
    if not data or _teks_png(data) != _tanda_svg(svg.read_bytes(), ppi):
        data = svg_png(svg, root=root, ppi=ppi)
    png.write_bytes(data)
    header = data[16:24]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    return round(width * 72 / ppi), round(height * 72 / ppi)


# -- DOCX reference document -----------------------------------------------------------

_HEADER_REFERENCE = '<w:headerReference w:type="default" r:id="rIdLakipHeader"/>'
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


def _draft_header(text: str) -> str:
    """The page header of a draft (``draft: true``): the mark, centred in red over a rule."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="8" w:space="4" '
        'w:color="B3261E"/></w:pBdr><w:spacing w:before="0" w:after="0"/>'
        '<w:jc w:val="center"/></w:pPr>'
        '<w:r><w:rPr><w:b/><w:bCs/><w:color w:val="B3261E"/><w:spacing w:val="40"/>'
        '<w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr>'
        f'<w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r></w:p></w:hdr>'
    )


_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Word styles of a formal report: chapters centred in capitals, justified text,
# fully ruled tables with a shaded header row, a signature block in the right half
# of the page. Each replaces pandoc's style of the same id or is added.
_HEADING_FONT = (
    '<w:rFonts w:asciiTheme="majorHAnsi" w:eastAsiaTheme="majorEastAsia" '
    'w:hAnsiTheme="majorHAnsi" w:cstheme="majorBidi" />'
)
_INK = '<w:color w:val="14233A" />'


def _paragraph_style(
    style_id: str, name: str, ppr: str, rpr: str, based_on: str = "Normal", extra: str = ""
) -> str:
    custom = "" if style_id in _BUILTIN_STYLES else ' w:customStyle="1"'
    return (
        f'<w:style w:type="paragraph"{custom} w:styleId="{style_id}">'
        f'<w:name w:val="{name}" /><w:basedOn w:val="{based_on}" />{extra}<w:qFormat />'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


_BUILTIN_STYLES = frozenset(
    {
        "Heading1",
        "Heading2",
        "Heading3",
        "Heading4",
        "Title",
        "Subtitle",
        "Date",
        "Caption",
        "BodyText",
        "TOCHeading",
    }
)
_TABLE_BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"'
_DOCX_STYLES = {
    "Heading1": _paragraph_style(
        "Heading1",
        "heading 1",
        '<w:keepNext /><w:keepLines /><w:spacing w:before="240" w:after="360" />'
        '<w:jc w:val="center" /><w:outlineLvl w:val="0" />',
        f'{_HEADING_FONT}<w:b /><w:bCs /><w:caps />{_INK}<w:sz w:val="28" /><w:szCs w:val="28" />',
        extra='<w:next w:val="BodyText" /><w:uiPriority w:val="9" />',
    ),
    "Heading2": _paragraph_style(
        "Heading2",
        "heading 2",
        '<w:keepNext /><w:keepLines /><w:spacing w:before="300" w:after="120" />'
        '<w:outlineLvl w:val="1" />',
        f'{_HEADING_FONT}<w:b /><w:bCs />{_INK}<w:sz w:val="24" /><w:szCs w:val="24" />',
        extra='<w:next w:val="BodyText" /><w:uiPriority w:val="9" />',
    ),
    "Heading3": _paragraph_style(
        "Heading3",
        "heading 3",
        '<w:keepNext /><w:keepLines /><w:spacing w:before="240" w:after="100" />'
        '<w:outlineLvl w:val="2" />',
        f'{_HEADING_FONT}<w:b /><w:bCs />{_INK}<w:sz w:val="24" /><w:szCs w:val="24" />',
        extra='<w:next w:val="BodyText" /><w:uiPriority w:val="9" />',
    ),
    "Heading4": _paragraph_style(
        "Heading4",
        "heading 4",
        '<w:keepNext /><w:keepLines /><w:spacing w:before="200" w:after="80" />'
        '<w:outlineLvl w:val="3" />',
        f'{_HEADING_FONT}<w:b /><w:bCs /><w:i /><w:iCs />{_INK}<w:sz w:val="24" />',
        extra='<w:next w:val="BodyText" /><w:uiPriority w:val="9" />',
    ),
    "TOCHeading": _paragraph_style(
        "TOCHeading",
        "TOC Heading",
        '<w:keepNext /><w:spacing w:before="240" w:after="360" /><w:jc w:val="center" />'
        '<w:outlineLvl w:val="9" />',
        f'{_HEADING_FONT}<w:b /><w:bCs /><w:caps />{_INK}<w:sz w:val="28" /><w:szCs w:val="28" />',
        based_on="Heading1",
        extra='<w:next w:val="BodyText" /><w:uiPriority w:val="39" />',
    ),
    "Title": _paragraph_style(
        "Title",
        "Title",
        '<w:spacing w:before="2400" w:after="360" w:line="300" w:lineRule="auto" />'
        '<w:jc w:val="center" />',
        f'{_HEADING_FONT}<w:b /><w:bCs /><w:caps />{_INK}<w:sz w:val="36" /><w:szCs w:val="36" />',
        extra='<w:next w:val="BodyText" />',
    ),
    "Subtitle": _paragraph_style(
        "Subtitle",
        "Subtitle",
        '<w:spacing w:before="240" w:after="3600" /><w:jc w:val="center" />',
        f'<w:b /><w:bCs /><w:caps />{_INK}<w:sz w:val="28" /><w:szCs w:val="28" />',
        based_on="Title",
        extra='<w:next w:val="BodyText" />',
    ),
    "Author": _paragraph_style(
        "Author",
        "Author",
        '<w:keepNext /><w:keepLines /><w:spacing w:before="0" w:after="120" />'
        '<w:jc w:val="center" />',
        f'<w:b /><w:bCs /><w:caps />{_INK}<w:sz w:val="26" /><w:szCs w:val="26" />',
        based_on="Title",
        extra='<w:next w:val="BodyText" />',
    ),
    "Date": _paragraph_style(
        "Date",
        "Date",
        '<w:keepNext /><w:keepLines /><w:spacing w:before="0" w:after="120" />'
        '<w:jc w:val="center" />',
        '<w:b w:val="0" /><w:bCs w:val="0" /><w:caps w:val="0" /><w:sz w:val="24" />',
        based_on="Title",
        extra='<w:next w:val="BodyText" />',
    ),
    "BodyText": _paragraph_style(
        "BodyText",
        "Body Text",
        '<w:spacing w:before="60" w:after="120" w:line="288" w:lineRule="auto" />'
        '<w:jc w:val="both" />',
        "",
    ),
    "Compact": _paragraph_style(
        "Compact",
        "Compact",
        '<w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto" />'
        '<w:jc w:val="left" />',
        "",
        based_on="BodyText",
    ),
    "Caption": _paragraph_style(
        "Caption",
        "Caption",
        '<w:spacing w:before="160" w:after="120" /><w:jc w:val="center" />',
        '<w:sz w:val="20" /><w:szCs w:val="20" />',
    ),
    "TandaTangan": _paragraph_style(
        "TandaTangan",
        "Tanda Tangan",
        '<w:keepNext /><w:keepLines /><w:spacing w:before="360" w:after="360" '
        'w:line="264" w:lineRule="auto" /><w:ind w:left="4394" /><w:jc w:val="center" />',
        "",
        based_on="BodyText",
    ),
    "TeksTabelKecil": (
        '<w:style w:type="character" w:customStyle="1" w:styleId="TeksTabelKecil">'
        '<w:name w:val="Teks Tabel Kecil" /><w:qFormat />'
        '<w:rPr><w:sz w:val="16" /><w:szCs w:val="16" /></w:rPr></w:style>'
    ),
    "Table": (
        '<w:style w:type="table" w:default="1" w:styleId="Table"><w:name w:val="Table" />'
        '<w:basedOn w:val="TableNormal" /><w:uiPriority w:val="59" /><w:qFormat />'
        '<w:pPr><w:spacing w:before="0" w:after="0" /></w:pPr>'
        '<w:rPr><w:sz w:val="20" /><w:szCs w:val="20" /></w:rPr>'
        '<w:tblPr><w:jc w:val="center" /><w:tblBorders>'
        f"<w:top {_TABLE_BORDER} /><w:left {_TABLE_BORDER} /><w:bottom {_TABLE_BORDER} />"
        f"<w:right {_TABLE_BORDER} /><w:insideH {_TABLE_BORDER} /><w:insideV {_TABLE_BORDER} />"
        "</w:tblBorders><w:tblCellMar>"
        '<w:top w:w="28" w:type="dxa" /><w:left w:w="85" w:type="dxa" />'
        '<w:bottom w:w="28" w:type="dxa" /><w:right w:w="85" w:type="dxa" />'
        "</w:tblCellMar></w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:pPr><w:keepNext /><w:jc w:val="center" /></w:pPr>'
        "<w:rPr><w:b /><w:bCs /></w:rPr>"
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E4E9F0" />'
        '<w:vAlign w:val="center" /></w:tcPr></w:tblStylePr></w:style>'
    ),
}


def _set_styles(text: str) -> str:
    for style_id, xml in _DOCX_STYLES.items():
        pattern = re.compile(rf'<w:style\b[^>]*w:styleId="{style_id}"[^>]*>.*?</w:style>', re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m, xml=xml: xml, text, count=1)
        else:
            text = text.replace("</w:styles>", xml + "</w:styles>")
    return text


def _edit_docx_part(name: str, data: bytes, header: bool = False) -> bytes:
    if name == "word/document.xml":
        text = data.decode("utf-8")
        section = (
            _A4_SECTION.replace("<w:sectPr>", "<w:sectPr>" + _HEADER_REFERENCE)
            if header
            else _A4_SECTION
        )
        text = re.sub(r"<w:sectPr>.*?</w:sectPr>", section, text, flags=re.S)
        return text.encode("utf-8")
    if name == "word/styles.xml":
        text = data.decode("utf-8")
        text = re.sub(r'<w:color w:val="[0-9A-Fa-f]{6}"[^>]*/>', '<w:color w:val="1A3D6D" />', text)
        text = text.replace('w:val="en-US"', 'w:val="id-ID"')
        text = _set_styles(text)
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
        if header:
            rel += (
                '<Relationship Id="rIdLakipHeader" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" '
                'Target="header1.xml"/>'
            )
        return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")
    if name == "[Content_Types].xml":
        text = data.decode("utf-8")
        override = (
            '<Override PartName="/word/footer1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        )
        if header:
            override += (
                '<Override PartName="/word/header1.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
            )
        return text.replace("</Types>", override + "</Types>").encode("utf-8")
    return data


def reference_docx(target: Path, *, cwd: Path, epoch: int, draft_text: str | None = None) -> None:
    """Write a reference DOCX: pandoc's own, on A4 with margins, serif fonts,
    Indonesian proofing language and page numbers in the footer.

    ``draft_text`` (a draft, ``draft: true``): a page header with that mark on
    every page; pandoc copies the header into the document it writes.
    """
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
            data = _edit_docx_part(name, source.read(name), header=draft_text is not None)
            result.writestr(zipfile.ZipInfo(name, _FIXED_ZIP_TIME), data)
        result.writestr(zipfile.ZipInfo("word/footer1.xml", _FIXED_ZIP_TIME), _FOOTER)
        if draft_text is not None:
            result.writestr(
                zipfile.ZipInfo("word/header1.xml", _FIXED_ZIP_TIME), _draft_header(draft_text)
            )
    target.write_bytes(out.getvalue())
