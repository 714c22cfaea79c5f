"""The child process of :func:`lakip_calc.render._tools.compile_typst`.

``python -m lakip_calc.render._typst TYP PDF ROOT EPOCH`` compiles one Typst file
to PDF and ends, returning Typst's memory; a failure is one message on stderr
(``Typst gagal menyusun PDF: ...``) and exit code 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lakip_calc.errors import RenderError
from lakip_calc.render._tools import _compile_typst_here


def main(argv: list[str]) -> int:
    typ, pdf, root, epoch = argv
    try:
        _compile_typst_here(Path(typ), Path(pdf), root=Path(root), epoch=int(epoch))
    except RenderError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:5]))
