"""Rendering the report sources: Quarto when installed, otherwise the built-in renderer.

The renderer knows nothing about LAKIP: it turns a Quarto-like project directory
into HTML, PDF and DOCX files.
"""

from lakip_calc.render._tools import svg_png
from lakip_calc.render.builtin import render_project
from lakip_calc.render.quarto import choose_renderer, quarto_command

__all__ = ["choose_renderer", "quarto_command", "render_project", "svg_png"]
