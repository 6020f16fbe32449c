"""DfE's quality flags: figures DfE judged of low reliability and published as ``u``.

DfE decides them after the collection; they are an input here, a CSV with one flag a line::

    la_code,year,indicator
    390,2022,leavers_fte
    390,2022,turnover_rate_fte

``indicator`` is a column of the published indicators file (``docs/methodology.md``).
``dfe_quality_flags(...)`` gives DfE's own flags, read from the ``u`` cells of its file.

Applied as DfE applies them (evidence in ``docs/methodology.md``, "Quality flags"):

* the LA row shows ``u`` for a flagged column, and for a rate whose input total is flagged;
* a regional or national **rate** leaves out the LAs whose input totals for it are flagged
  (2022 turnover matches DfE only without Gateshead, 2024 FTE turnover only without
  Sunderland, 2023 agency rate only without Sutton), but keeps an LA whose rate alone is
  flagged (the 2019 and 2020 rates of cover above vacancies count in England's 73.1% and
  74.1%);
* regional and national **totals** keep the flagged LA's figure (2022 England has 5,796
  leavers: the other LAs' 5,795 plus Gateshead's 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from csww.stats import published as pub
from csww.stats.indicators import MEASURE_COLUMNS, RATE_BY_NAME

HEADER = ("la_code", "year", "indicator")
MAX_LINES = 100_000


class FlagsError(ValueError):
    """The flags file cannot be used; the message says where and what to do."""


@dataclass(frozen=True)
class QualityFlags:
    """Flagged indicators by (year, reporting unit code)."""

    by_unit: dict[tuple[int, str], frozenset[str]] = field(default_factory=dict)

    def flagged(self, year: int, code: str) -> frozenset[str]:
        """The columns flagged for a reporting unit, with every rate built on one of them."""
        own = self.by_unit.get((year, code), frozenset())
        if not own:
            return own
        rates = {name for name, r in RATE_BY_NAME.items() if own.intersection(r.inputs)}
        return own | rates

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_unit.values())


def build(flags: Iterable[tuple[str, int, str]]) -> QualityFlags:
    """Flags from (LA code, year, indicator); an LA code counts in its reporting unit."""
    grouped: dict[tuple[int, str], set[str]] = {}
    for code, year, indicator in flags:
        grouped.setdefault((year, pub.unit_code(code, year)), set()).add(indicator)
    return QualityFlags({k: frozenset(v) for k, v in grouped.items()})


def parse(text: str, name: str = "the quality flags file") -> QualityFlags:
    """Read flags from CSV text; every bad line is named in one :class:`FlagsError`."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [c.strip().lower() for c in next(rows, [])]
    if tuple(header[:3]) != HEADER:
        raise FlagsError(
            f"{name}: the first line must be the header 'la_code,year,indicator' "
            f"(found {','.join(header) or 'nothing'})."
        )
    found: list[tuple[str, int, str]] = []
    problems: list[str] = []
    for line, cells in enumerate(rows, 2):
        if line > MAX_LINES:
            problems.append(f"more than {MAX_LINES - 1} flags: split the file")
            break
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        code, year, indicator = [*cells, "", "", ""][:3]
        if not year.isdigit() or len(year) != 4:
            problems.append(f"line {line}: year '{year}' is not a four-digit year")
        elif indicator not in MEASURE_COLUMNS:
            problems.append(
                f"line {line}: '{indicator}' is not a column of the published indicators "
                "(for example leavers_fte, turnover_rate_fte)"
            )
        elif not code:
            problems.append(f"line {line}: the LA code is empty")
        else:
            found.append((code, int(year), indicator))
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise FlagsError(f"{name}: {shown}. Correct the file and run again.")
    return build(found)


def read(path: Path) -> QualityFlags:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FlagsError(f"{path}: not a UTF-8 text file; save it as CSV (UTF-8).") from None
    return parse(text, str(path))


def dfe_quality_flags(rows: Iterable[pub.Row] | None = None) -> QualityFlags:
    """DfE's own flags: every ``u`` cell of the LA rows of its published file."""
    found: list[tuple[str, int, str]] = []
    for row in pub.published() if rows is None else rows:
        if row.level != "Local authority":
            continue
        for column in MEASURE_COLUMNS:
            if row.text(column) == "u":
                found.extend((code, row.year, column) for code in row.code.split(" / ")[:1])
    return build(found)


def to_csv(flags: QualityFlags) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for (year, code), columns in sorted(
        flags.by_unit.items(), key=lambda kv: (-kv[0][0], kv[0][1])
    ):
        for column in sorted(columns, key=MEASURE_COLUMNS.index):
            writer.writerow([code, year, column])
    return out.getvalue()
