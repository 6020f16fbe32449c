"""Benchmark: national statistics for every LA of one year, from XML files to CSV.

    .venv/bin/python benchmarks/stats_national.py [--year 2017] [--repeat 5] [--reproduction]

Writes every LA's synthetic return for the year into a temporary folder (not timed), then
times ``csww.stats`` reading all the files, computing the LA, regional and national rows and
writing the CSV, pinned to one CPU core. Prints the figures and writes them into the
"Statistics" section of ``docs/benchmarks-stats.md``. ``--reproduction`` also counts, for
every published year, how many published LA values the statistics of the synthetic returns
reproduce (section "Synthetic returns against the published figures").
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine

from csww.stats.aggregate import la_units, table
from csww.stats.collect import measure_paths, measure_return
from csww.stats.indicators import MEASURE_COLUMNS, TOTAL_BY_NAME, parse_published
from csww.stats.output import to_csv
from csww.synth import generate, la_codes, targets, write_all

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks-stats.md"
TARGET_SECONDS = 2.0
CLI = "import sys; from csww.cli.main import cli; cli(sys.argv[1:], prog_name='csww')"


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def time_stats(folder: Path, out: Path) -> tuple[float, int, dict[str, str]]:
    start = time.perf_counter()
    measured = measure_paths([folder])
    units = table(m.measures for m in measured)
    out.write_text(to_csv(units), encoding="utf-8")
    elapsed = time.perf_counter() - start
    workers = sum(m.measures.workers for m in measured)
    return elapsed, workers, units[0].row()


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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reproduction", action="store_true")
    args = parser.parse_args()
    pinned = pin_to_one_core()
    loadavg = Path("/proc/loadavg")
    load = loadavg.read_text().split()[0] if loadavg.exists() else "unknown"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "returns"
        paths = write_all(args.year, folder)
        size = sum(p.stat().st_size for p in paths)
        times = []
        for _ in range(args.repeat):
            elapsed, workers, national = time_stats(folder, Path(tmp) / "stats.csv")
            times.append(elapsed)
        cli_start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                CLI,
                "stats",
                str(folder),
                "-o",
                str(Path(tmp) / "cli.csv"),
            ],
            check=True,
            capture_output=True,
        )
        cli_elapsed = time.perf_counter() - cli_start
    best, median = min(times), statistics.median(times)
    verdict = "meets" if median < TARGET_SECONDS else "misses"
    figures = ", ".join(
        f"{c} {national[c]}"
        for c in (
            "inpost_fte",
            "inpost_headcount",
            "turnover_rate_fte",
            "vacancy_rate_fte",
            "agency_rate_fte",
            "caseload_fte",
            "absence_rate_fte",
        )
    )
    body = (
        f"National statistics for every LA of {args.year} from XML files to the CSV in DfE's layout "
        f"(`benchmarks/stats_national.py --year {args.year}`).\n\n"
        f"| measure | value |\n|---|---|\n"
        f"| returns (synthetic, one per LA) | {len(paths)} files, {size / 1e6:.1f} MB |\n"
        f"| worker records | {workers:,} |\n"
        f"| wall time, read + compute + write CSV (median of {args.repeat}) | {median:.2f} s |\n"
        f"| best of {args.repeat} | {best:.2f} s |\n"
        f"| records per second (median) | {workers / median:,.0f} |\n"
        f"| `csww stats DIR -o FILE`, one run, with interpreter start-up | {cli_elapsed:.2f} s |\n"
        f"| target | under {TARGET_SECONDS:.0f} s on one core: {verdict} it |\n\n"
        f"National row: {figures}.\n\n"
        f"Machine: {machine()}; {pinned}; load average before the run {load}.\n"
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
