"""One exception hierarchy for the whole package.

Every message is Indonesian, because it is shown to the analyst. A
:class:`DataError` names the file, the row and the column it is about, so that
bad input can be fixed without reading a traceback.
"""

from __future__ import annotations

__all__ = ["LakipError", "DataError", "ConfigError", "RenderError"]


class LakipError(Exception):
    """Base class of every error this package raises on purpose."""


class DataError(LakipError):
    """Bad input data: names the file, the (1-based, header = row 1) row and the column.

    Parameters
    ----------
    pesan
        What is wrong, in Indonesian.
    file
        The file (or workbook sheet) the problem is in, as the user knows it.
    row
        Row number as a spreadsheet shows it: the header is row 1, the first data row is 2.
    column
        Column name (or cell reference for workbooks).
    """

    def __init__(
        self,
        pesan: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.pesan = pesan
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        lokasi = []
        if self.file:
            lokasi.append(str(self.file))
        if self.row is not None:
            lokasi.append(f"baris {self.row}")
        if self.column:
            lokasi.append(f"kolom '{self.column}'")
        prefix = ", ".join(lokasi)
        return f"{prefix}: {self.pesan}" if prefix else self.pesan


class ConfigError(LakipError):
    """Bad configuration or command-line parameters (YEAR, RENDERER, ...)."""


class RenderError(LakipError):
    """The report sources could not be rendered (unknown variable key, bad shortcode, ...)."""
