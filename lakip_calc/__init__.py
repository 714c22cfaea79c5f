"""lakip_calc: compute, trace and render a LAKIP from data."""

from lakip_calc.errors import ConfigError, DataError, LakipError, RenderError

__all__ = ["LakipError", "DataError", "ConfigError", "RenderError"]
