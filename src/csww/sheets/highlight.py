"""The highlighted workbook: the return's own data with every flagged cell coloured (errors
red, queries amber) and a comment giving the rule and its message, a Summary sheet with one
row per rule and an Issues sheet listing every issue with a link to its cell. It is what an
LA analyst hands to HR to put right.

A workbook is highlighted in place (its cells are where the report says). A CSV or XML
return is first laid out as the template, then each issue is pinned to its cell by worker
record and item.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from csww.model import Return
from csww.report.describe import described, item_label
from csww.report.model import Issue, Report
from csww.rules.structure import REPEATED_ITEM
from csww.sheets.convert import to_workbook
from csww.sheets.guidance import LINE_HEIGHT, lines_needed
from csww.sheets.layout import PartKey, split_ref
from csww.sheets.printing import fit_width
from csww.sheets.rows import SheetError
from csww.sheets.template import Placement
from csww.sheets.validate import WORKBOOK_SUFFIXES, read_sheet
from csww.spec import Spec, spec_for
from csww.writer import spec_of

ERROR_FILL = PatternFill("solid", fgColor="FF7C80")
QUERY_FILL = PatternFill("solid", fgColor="FFC000")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
WHITE_BOLD = Font(bold=True, color="FFFFFF")
MAX_IN_COMMENT = 6


def _source_workbook(source: Path, report: Report) -> tuple[Workbook, dict[int, str | None]]:
    """The workbook to colour and each issue's cell in it (by position in the report)."""
    if source.suffix.lower() in WORKBOOK_SUFFIXES:
        wb = openpyxl.load_workbook(source)
        return wb, {n: issue.cell for n, issue in enumerate(report.issues)}
    ret = _read(source)
    spec = spec_of(ret) if report.year is None else spec_for(report.year)
    wb, placement = to_workbook(ret, spec)
    return wb, {n: locate(issue, placement, spec) for n, issue in enumerate(report.issues)}


def _read(source: Path) -> Return:
    if source.is_dir() or source.suffix.lower() == ".csv":
        return read_sheet(source).ret
    from csww.reader import read

    return read(source)


def locate(issue: Issue, placement: Placement, spec: Spec) -> str | None:
    """The cell holding the item an issue is about, in a workbook built from the return."""
    keys: list[tuple[PartKey, int | None]] = (
        [("workers", issue.record)]
        if issue.record is not None
        else [("header", None), ("la", None)]
    )
    if issue.record is None and issue.field in spec.la:
        keys.reverse()
    if issue.field:
        # A repeated item is marked where it is repeated (in the record's other items), the
        # item's own column holding its first value; any other issue at the item's column.
        repeated = issue.rule == REPEATED_ITEM.id
        found = (_in_pairs if repeated else _in_columns)(issue, placement, keys)
        found = found or (_in_columns if repeated else _in_pairs)(issue, placement, keys)
        if found:
            return found
    if issue.record is not None:
        return placement.rows.get(("workers", issue.record))
    return None


def _in_columns(
    issue: Issue, placement: Placement, keys: list[tuple[PartKey, int | None]]
) -> str | None:
    for part, index in keys:
        ref = placement.cells.get((part, index, issue.field or ""))
        if ref is not None:
            return ref
    return None


def _in_pairs(
    issue: Issue, placement: Placement, keys: list[tuple[PartKey, int | None]]
) -> str | None:
    """The item among the record's other items: the occurrence holding the issue's value,
    else the first (the last, for a repeated item)."""
    for key in keys:
        pairs = placement.pairs.get(key, [])
        matching = [ref for element, _t, ref in pairs if element == issue.field]
        exact = [
            ref
            for element, text, ref in pairs
            if element == issue.field and text == (issue.value or "")
        ]
        if exact or matching:
            return (exact or matching)[-1 if issue.rule == REPEATED_ITEM.id else 0]
    return None


def _mark(wb: Workbook, issues: list[Issue], cells: dict[int, str | None]) -> None:
    by_cell: dict[str, list[Issue]] = defaultdict(list)
    for n, issue in enumerate(issues):
        ref = cells.get(n)
        if ref:
            by_cell[ref].append(issue)
    for ref, found in by_cell.items():
        place = split_ref(ref)
        if place is None or place[0] not in wb.sheetnames:
            continue
        cell = wb[place[0]][place[1]]
        error = any(i.severity == "error" for i in found)
        cell.fill = ERROR_FILL if error else QUERY_FILL
        lines = [
            f"{i.rule} ({i.severity}): {i.message} Guide: {i.guide}."
            if i.guide
            else f"{i.rule} ({i.severity}): {i.message}"
            for i in found[:MAX_IN_COMMENT]
        ]
        if len(found) > MAX_IN_COMMENT:
            lines.append(f"... and {len(found) - MAX_IN_COMMENT} more (see the Issues sheet)")
        text = "\n".join(lines)
        if cell.comment is not None:
            text = cell.comment.text + "\n" + text
        comment = Comment(text, "csww")
        comment.width, comment.height = 360, min(400, 60 + 45 * len(lines))
        cell.comment = comment


def _head(ws: Worksheet, row: int, headings: list[str]) -> None:
    for col, heading in enumerate(headings, start=1):
        cell = ws.cell(row=row, column=col, value=heading)
        cell.font, cell.fill = WHITE_BOLD, HEAD_FILL


def _text(ws: Worksheet, row: int, col: int, value: object) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the return's text says


def _unique(wb: Workbook, name: str) -> str:
    return name if name not in wb.sheetnames else f"{name} (csww)"


def _summary(wb: Workbook, report: Report, source: Path) -> Worksheet:
    ws = wb.create_sheet(_unique(wb, "Summary"), 0)
    ws["A1"] = "Validation summary"
    ws["A1"].font = Font(bold=True, size=14)
    facts = [
        ("File", source.name),
        ("Collection year", report.year),
        ("LA", report.la),
        ("Worker records", report.workers),
        ("Errors", report.errors),
        ("Queries", report.queries),
    ]
    for row, (label, value) in enumerate(facts, start=2):
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        _text(ws, row, 2, value if value is not None else "")
    ws.cell(
        row=9,
        column=1,
        value="Red cells hold errors (must be fixed); amber cells hold queries "
        "(fix, or explain with a note in COLLECT). Each coloured cell's comment gives the rule.",
    )
    ws["A9"].fill = ERROR_FILL
    _head(ws, 11, ["Rule", "Severity", "Count", "Message", "Guide section"])
    counts = report.counts_by_rule()
    first: dict[str, Issue] = {}
    for issue in report.issues:
        first.setdefault(issue.rule, issue)
    order = sorted(first, key=lambda r: (first[r].severity != "error", sort_key_of(r)))
    for row, rule in enumerate(order, start=12):
        issue = first[rule]
        _text(ws, row, 1, rule)
        _text(ws, row, 2, issue.severity)
        ws.cell(row=row, column=3, value=counts[rule])
        same = all(i.message == issue.message for i in report.issues if i.rule == rule)
        _text(ws, row, 4, issue.message if same else f"{issue.message} (and others: see Issues)")
        _text(ws, row, 5, issue.guide or "")
        ws.cell(row=row, column=2).fill = ERROR_FILL if issue.severity == "error" else QUERY_FILL
    # Column A holds the facts' labels as well as the rule ids: wide enough for "Worker
    # records"; the message and guide section wrap, so that a printed page holds them.
    for letter, width in zip("ABCDE", (17, 10, 8, 72, 30), strict=True):
        ws.column_dimensions[letter].width = width
    _wrap(ws, 12, {"D": 72, "E": 30})
    ws.merge_cells("A9:E9")
    ws["A9"].alignment = WRAP
    ws.row_dimensions[9].height = 30
    ws.freeze_panes = "A12"
    fit_width(ws, "11:11")
    return ws


WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _wrap(ws: Worksheet, first: int, widths: dict[str, float]) -> None:
    """Wrap the long columns' text from row ``first`` down, each row tall enough for it."""
    for row in range(first, ws.max_row + 1):
        for cell in ws[row]:
            cell.alignment = TOP
        lines = 1
        for letter, width in widths.items():
            cell = ws[f"{letter}{row}"]
            cell.alignment = WRAP
            if cell.value is not None:
                lines = max(lines, lines_needed(str(cell.value), width))
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines


def sort_key_of(rule_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in rule_id if ch.isdigit())
    return int(digits or 0), rule_id


def _issue_list(wb: Workbook, report: Report, cells: dict[int, str | None]) -> None:
    ws = wb.create_sheet(_unique(wb, "Issues"), 1)
    _head(
        ws, 1, ["Rule", "Severity", "Record", "Worker", "Item", "Value", "Cell", "Message", "Guide"]
    )
    for row, (n, issue) in enumerate(enumerate(report.issues), start=2):
        ref = cells.get(n)
        for col, value in enumerate(
            [
                issue.rule,
                issue.severity,
                issue.record,
                issue.worker,
                item_label(issue),
                issue.value,
                ref or issue.cell,
                issue.message,
                issue.guide,
            ],
            start=1,
        ):
            _text(ws, row, col, value)
        if ref and split_ref(ref) and split_ref(ref)[0] in wb.sheetnames:  # type: ignore[index]
            link = ws.cell(row=row, column=7)
            link.hyperlink = f"#{ref}"
            link.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFGHI", (8, 9, 8, 13, 24, 14, 14, 60, 26), strict=True):
        ws.column_dimensions[letter].width = width
    _wrap(ws, 2, {"E": 24, "F": 14, "H": 60, "I": 26})
    ws.freeze_panes = "A2"
    fit_width(ws, "1:1")
    ws.auto_filter.ref = f"A1:I{max(2, len(report.issues) + 1)}"


def write_highlighted(source_path: str | Path, report: Report, output_path: str | Path) -> None:
    """Write ``report`` over the return in ``source_path`` as a highlighted workbook."""
    source = Path(source_path)
    described(report)
    if report.fatal is not None:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "Summary"
        ws["A1"] = f"{source.name} was not checked, so nothing could be highlighted."
        ws["A1"].font = Font(bold=True)
        _text(ws, 2, 1, str(report.fatal))
        wb.save(output_path)
        return
    try:
        wb, cells = _source_workbook(source, report)
    except SheetError as exc:  # the source changed since it was checked
        raise SheetError(
            f"{source.name} could not be read again to highlight it: {exc.message}"
        ) from None
    _mark(wb, report.issues, cells)
    _summary(wb, report, source)
    _issue_list(wb, report, cells)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = False
    wb.active = 0
    wb.worksheets[0].sheet_view.tabSelected = True
    wb.save(output_path)
