"""Time ``csww generate`` on a large filled template: how long an HR team waits for the XML.

python benchmarks/sheets_generate.py [WORKERS]      (default 10,000)

The workbook is typed as a person would fill it: real Excel dates, numbers as numbers,
codes chosen from the dropdowns ("code – label"). Prints the time of each step.
"""

from __future__ import annotations

import importlib.util
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from csww.engine import validate_return
from csww.sheets.guidance import choice
from csww.sheets.template import build_workbook
from csww.sheets.validate import complete, read_sheet
from csww.spec import load_spec
from csww.writer import write

HERE = Path(__file__).resolve().parent


def _national() -> object:
    spec = importlib.util.spec_from_file_location("national_return", HERE / "national_return.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def typed(element: str, text: str, codes: dict[str, dict[str, str]]) -> object:
    """The value as a person types it into the template."""
    if element in codes:
        return choice(text, codes[element][text]) if text in codes[element] else text
    if element.endswith("Date"):
        return date.fromisoformat(text)
    if element in ("FTE", "FTE30", "WorkingDaysLost", "ContractWeeks", "Cases30"):
        number = float(text)
        return int(number) if number.is_integer() else number
    return text


def make_workbook(path: Path, count: int) -> None:
    spec = load_spec(2018)
    national = _national()
    rng = random.Random(2018)
    wb, _ = build_workbook(spec)
    codes = {e: spec.codes(i) for e, i in spec.worker.items() if i.codelist}
    ws = wb["Workers"]
    columns = {element: n for n, element in enumerate(spec.worker, start=1)}
    for row in range(count):
        values = national.worker(rng, row + 1)  # type: ignore[attr-defined]
        for element, text in values.items():
            ws.cell(row=4 + row, column=columns[element], value=typed(element, text, codes))
    wb["Header"]["E4"] = "302 – Barnet"
    for col, value in enumerate(["12.5", "4.2", "5"], start=1):
        wb["LA level"].cell(row=4, column=col, value=float(value))
    wb.save(path)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "filled.xlsx", Path(tmp) / "return.xml"
        started = time.perf_counter()
        make_workbook(source, count)
        made = time.perf_counter()
        result = read_sheet(source)
        read_at = time.perf_counter()
        complete(result)
        report = validate_return(result.ret, extra_issues=result.issues)
        checked = time.perf_counter()
        write(result.ret, target)
        done = time.perf_counter()
        size = source.stat().st_size / 1e6
        print(f"{count:,} workers, {size:.1f} MB workbook (made in {made - started:.1f} s)")
        print(f"  read and convert the workbook  {read_at - made:6.2f} s")
        print(
            f"  validate                       {checked - read_at:6.2f} s "
            f"({report.errors} errors, {report.queries} queries, {len(result.issues)} conversion issues)"
        )
        print(f"  write the XML                  {done - checked:6.2f} s")
        print(f"  generate, in all               {done - made:6.2f} s")
        print(
            f"  workbook cells per second      {count * len(load_spec(2018).worker) / (read_at - made):,.0f}"
        )


if __name__ == "__main__":
    main()
