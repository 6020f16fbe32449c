"""The 903 as spreadsheets: a workbook template per year (a sheet per table, code lists as
dropdowns, guidance), a filled workbook to DfE's XML, and conversion between XML, workbook and
the CSV set."""
