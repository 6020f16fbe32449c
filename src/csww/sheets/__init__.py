"""Spreadsheets: the template HR teams fill in, its conversion to COLLECT XML and back, and
validation of a filled workbook or CSV files directly, with issues pinned to cells."""
