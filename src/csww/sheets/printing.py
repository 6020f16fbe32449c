"""How csww's workbooks print: on A4 landscape pages a person can read.

Two layouts, both with the heading rows repeated on every page and the page number in the
footer:

* :func:`fit_width` — every column on one page's width, as many pages down as needed, for
  sheets whose columns were sized for it (the Guidance, the Summary, the Issues list);
* :func:`readable_scale` — a fixed scale at which the text stays legible, for the wide data
  sheets (24 worker items): their columns continue on further pages, row block by row
  block, with the identifying columns repeated at the left of each page.
"""

from __future__ import annotations

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# 80 % keeps 11-point text at about 9 points on paper: the smallest a person reads easily.
DATA_SCALE = 80
FOOTER = "&A – page &P of &N"


def _page(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, footer=0.3)
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER
    ws.print_options.gridLines = True


def fit_width(ws: Worksheet, title_rows: str) -> None:
    """All columns across one page; rows continue on as many pages as they need."""
    _page(ws, title_rows)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def readable_scale(ws: Worksheet, title_rows: str, title_columns: str | None = None) -> None:
    """A fixed, legible scale; columns beyond the page's width go on the next page, across
    before down, so that one row's pages follow each other."""
    _page(ws, title_rows)
    ws.page_setup.scale = DATA_SCALE
    ws.page_setup.pageOrder = "overThenDown"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    if title_columns:
        ws.print_title_cols = title_columns
