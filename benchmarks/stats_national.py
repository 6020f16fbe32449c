"""Benchmark: national statistics for every LA of one year, from XML files to CSV.

    .venv/bin/python benchmarks/stats_national.py [--year 2017] [--repeat 3]
        [--before OTHER/src] [--reproduction]

Writes every LA's synthetic return for the year into a temporary folder (not timed), then
measures, each in a fresh process pinned to one CPU core, in the same run:

- **floor**: ``lxml.etree.iterparse`` over every file, visiting every element and touching
  its text, freeing each worker as it goes (the least any reader of the files costs);
- **stats**: ``csww.stats`` reading every file, computing the LA, regional and national rows
  and writing the CSV in DfE's layout (``measure_paths``, ``table``, ``to_csv``);
- **stats with breakdowns**: the same, also computing every return's breakdowns (age, sex,
  ethnicity, role, ...) and writing them as CSV;
- with ``--before SRC``: both again with another source tree (for example the checkout
  before a change), so before and after are measured on the same files in the same run.

Each figure is the best of ``--repeat`` processes: CPU time (``time.process_time``, which
counts Polars' threads too), its ratio to the floor's, and the process's peak resident set
(``VmHWM``). Also timed once: the command ``csww stats DIR -o FILE`` with interpreter
start-up (wall time). The machine's load (``uptime``) is recorded before and after.
Prints the figures and writes them into the "Statistics" section of
``docs/benchmarks-stats.md``. ``--reproduction`` also counts, for every published year, how
many published LA values the statistics of the synthetic returns reproduce (section
"Synthetic returns against the published figures").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine

from csww.stats.aggregate import la_units
from csww.stats.collect import measure_return
from csww.stats.indicators import MEASURE_COLUMNS, TOTAL_BY_NAME, parse_published
from csww.synth import generate, la_codes, targets, write_all

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks-stats.md"
CLI = "import sys; from csww.cli.main import cli; cli(sys.argv[1:], prog_name='csww')"
PRELUDE = r"""
import json, sys, time
from pathlib import Path
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
folder = Path(sys.argv[1])
"""
FLOOR = (
    PRELUDE
    + r"""
from lxml import etree
before = hwm()
t0 = time.process_time()
n = 0
for path in sorted(folder.rglob("*.xml")):
    for _event, elem in etree.iterparse(str(path), events=("end",)):
        elem.text
        if elem.tag == "CSWWWorker":
            n += 1
            elem.clear(keep_tail=True)
cpu = time.process_time() - t0
print(json.dumps({"cpu": cpu, "records": n, "peak_mb": hwm(), "base_mb": before}))
"""
)
STATS = (
    PRELUDE
    + r"""
from csww.stats.aggregate import table
from csww.stats.collect import measure_paths, unit_breakdowns
from csww.stats.output import breakdowns_csv, to_csv
breakdowns = sys.argv[2] == "breakdowns"
before = hwm()
t0 = time.process_time()
measured = measure_paths([folder], breakdowns)
units = table(m.measures for m in measured)
text = to_csv(units)
if breakdowns:
    text += breakdowns_csv(list(unit_breakdowns(measured).values()))
cpu = time.process_time() - t0
n = sum(m.measures.workers for m in measured)
print(json.dumps({"cpu": cpu, "records": n, "peak_mb": hwm(), "base_mb": before,
                  "national": units[0].row(), "digest": hash(text)}))
"""
)
NATIONAL = (
    "inpost_fte",
    "inpost_headcount",
    "turnover_rate_fte",
    "vacancy_rate_fte",
    "agency_rate_fte",
    "caseload_fte",
    "absence_rate_fte",
)


def run(code: str, *args: str, src: str | None = None) -> dict[str, object]:
    """Run ``code`` in a fresh process pinned to one core (with ``src`` as its csww)."""
    cmd = [sys.executable, "-c", code, *args]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *cmd]
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": src or str(ROOT / "src")}
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def best(repeat: int, code: str, *args: str, src: str | None = None) -> dict[str, object]:
    return min((run(code, *args, src=src) for _ in range(repeat)), key=lambda m: m["cpu"])  # type: ignore[arg-type, return-value]


def revision(src: str) -> str:
    """The commit a source tree is checked out at (or the tree's path when it is no checkout)."""
    done = subprocess.run(
        ["git", "-C", src, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return f"commit {done.stdout.strip()}" if done.returncode == 0 else src


def uptime() -> str:
    done = subprocess.run(["uptime"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def reproduction() -> tuple[list[str], int, int, int]:
    """Per year: published LA values the synthetic returns reproduce (totals exactly, rates
    within 0.1), values skipped (published x/u/c, imputed, or impossible under validation)."""
    lines, total_ok, total_bad, total_skip = [], 0, 0, 0
    for year in range(2017, 2026):
        ok = bad = skip = 0
        units = la_units(measure_return(generate(year, code)).measures for code in la_codes(year))
        for unit in units:
            expected = targets(year, unit.code).expected()
            row = unit.row()
            for column in MEASURE_COLUMNS:
                if column not in expected:
                    skip += 1
                    continue
                want, got = expected[column], row[column]
                if column in TOTAL_BY_NAME:
                    same = got == want
                else:
                    a, b = parse_published(got), parse_published(want)
                    same = got == want or (
                        a is not None and b is not None and abs(a - b) <= 0.1 + 1e-9
                    )
                ok, bad = ok + same, bad + (not same)
        lines.append(f"| {year} | {len(units)} | {ok} | {bad} | {skip} |")
        total_ok, total_bad, total_skip = total_ok + ok, total_bad + bad, total_skip + skip
    return lines, total_ok, total_bad, total_skip


def write_section(title: str, body: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks: statistics\n"
    heading = f"## {title}\n\n"
    if heading in text:
        before, rest = text.split(heading, 1)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        text = before + heading + body + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + heading + body
    DOC.write_text(text, encoding="utf-8")


def row(label: str, m: dict[str, object], floor: float, records: int) -> str:
    cpu, peak = float(m["cpu"]), float(m["peak_mb"])  # type: ignore[arg-type]
    return f"| {label} | {cpu:.2f} | {cpu / floor:.2f} | {records / cpu:,.0f} | {peak:.0f} |"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", help="Also measure with this source tree (its src/).")
    parser.add_argument("--reproduction", action="store_true")
    args = parser.parse_args()
    load_before = uptime()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "returns"
        paths = write_all(args.year, folder)
        size = sum(p.stat().st_size for p in paths)
        floor = best(args.repeat, FLOOR, str(folder))
        base = float(floor["cpu"])  # type: ignore[arg-type]
        records = int(floor["records"])  # type: ignore[call-overload]
        runs = [
            ("floor: iterparse every element", floor),
            ("`csww.stats`: measures, CSV", best(args.repeat, STATS, str(folder), "-")),
            (
                "`csww.stats`: measures and breakdowns, CSV",
                best(args.repeat, STATS, str(folder), "breakdowns"),
            ),
        ]
        if args.before:
            before = revision(args.before)
            for label, kind in (("measures", "-"), ("measures and breakdowns", "breakdowns")):
                m = best(args.repeat, STATS, str(folder), kind, src=args.before)
                runs.append((f"before ({before}): {label}, CSV", m))
        for label, m in runs[1:]:
            assert m["records"] == records, (label, m["records"], records)
        same = {json.dumps(m["national"], sort_keys=True) for _l, m in runs[1:]}
        assert len(same) == 1, "the national row differs between the runs"
        digests = {m["digest"] for label, m in runs[1:] if "breakdowns" in label}
        assert len(digests) == 1, "the breakdowns differ between the runs"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", CLI, "stats", str(folder), "-o", str(Path(tmp) / "cli.csv")],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        cli_elapsed = time.perf_counter() - start
    load_after = uptime()
    national = runs[1][1]["national"]
    figures = ", ".join(f"{c} {national[c]}" for c in NATIONAL)  # type: ignore[index]
    table_rows = "\n".join(row(label, m, base, records) for label, m in runs)
    body = (
        f"National statistics for every LA of {args.year} from XML files to the CSV in DfE's "
        f"layout (`benchmarks/stats_national.py --year {args.year}"
        f"{' --before SRC' if args.before else ''}`): {len(paths)} synthetic "
        f"returns (one per LA), {size / 1e6:.1f} MB, {records:,} worker records. Each line is "
        f"the best of {args.repeat} fresh processes pinned to one core: CPU time (Polars' "
        "threads included), its ratio to the floor's in the same run, and the process's peak "
        "resident set (VmHWM, interpreter and libraries included).\n\n"
        "| run | CPU s | ÷ floor | records per CPU s | peak MB |\n|---|---|---|---|---|\n"
        f"{table_rows}\n\n"
        "What it measures: reading the XML returns and computing the figures, in one process, "
        "by CPU time; the floor is the XML parse alone, so the ratio is what csww adds to "
        "reading. Statistics compute over typed columns: a batch of returns (up to 100,000 "
        "worker records) is one frame and every figure a group-by over it; a line *before* "
        "is the same work by the source tree given with `--before` (for the figures below, "
        "the record-by-record tallies, which fed each record to running totals as it was read). "
        "The frame computation holds a batch's columns and the frames built from them, so its "
        "peak memory is above the record-by-record path's, which held one record at a time; "
        "the peak grows with the batch, not with the number of returns.\n\n"
        f"`csww stats DIR -o FILE`, one run, wall time with interpreter start-up: "
        f"{cli_elapsed:.2f} s.\n\n"
        f"Every run gave the same national row ({figures}) and the same breakdowns.\n\n"
        f"Machine: {machine()}. Load (`uptime`) before: {load_before}; after: {load_after}.\n"
    )
    print(body)
    write_section("Statistics", body)
    if args.reproduction:
        lines, ok, bad, skip = reproduction()
        body = (
            "Every LA's synthetic return (`csww synth`, seed 0) run through `csww stats`, compared "
            "with DfE's published LA values: totals must be equal, rates within 0.1. Skipped values "
            "are published as x, u or c, imputed, or impossible in a return that validates "
            "(see docs/methodology.md).\n\n"
            "| year | LAs | reproduced | not reproduced | skipped |\n|---|---|---|---|---|\n"
            + "\n".join(lines)
            + f"\n| all | | {ok} | {bad} | {skip} |\n"
        )
        print(body)
        write_section("Synthetic returns against the published figures", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
