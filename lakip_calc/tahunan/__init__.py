"""A new year: the new year's folder and the analysts' Excel workbook."""
