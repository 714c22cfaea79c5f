"""Rendering the report sources: Quarto when installed, otherwise the built-in renderer.

The renderer knows nothing about LAKIP: it turns a Quarto project directory
(``_quarto.yml``, its sources and the ``_extensions/`` it uses) into HTML, PDF
and DOCX files.
"""

from lakip_calc.render._tools import svg_png
from lakip_calc.render.builtin import render_project
from lakip_calc.render.quarto import choose_renderer, find_quarto, render_with_quarto

__all__ = ["choose_renderer", "find_quarto", "render_project", "render_with_quarto", "svg_png"]
