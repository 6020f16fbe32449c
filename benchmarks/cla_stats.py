"""Benchmark: a national year of DfE's 903 statistics, from every LA's return.

    PYTHONPATH=src CSWW_SHARED=/work/shared .venv/bin/python benchmarks/cla_stats.py [--year 2025] [--scale 1]

Builds every LA's synthetic return for the year (and last year's as history) from DfE's
published LA figures (``csww.cla.stats.targets``; not timed), then times, pinned to one CPU
core, ``csww.cla.stats.compute.compute`` over all of them: linking each LA's two returns
child by child, counting every table, summing regions and England, rounding and
suppressing. ``--scale`` repeats each LA's children (a larger year). Memory: the peak
resident set size of this process (``ru_maxrss``), before and after computing. Prints the
figures and appends them to ``docs/benchmarks-cla-stats.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import polars as pl
from machine import machine

from csww.cla.stats import published as pub
from csww.cla.stats import targets
from csww.cla.stats.compute import Return, compute
from csww.core import Tables


def pin() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def scaled(tables: Tables, times: int) -> Tables:
    if times == 1:
        return tables
    frames = {}
    for name, frame in tables.items():
        copies = [
            frame.with_columns((pl.col("CHILD") + pl.lit(f"x{n}")).alias("CHILD"))
            if "CHILD" in frame.columns
            else frame
            for n in range(times)
        ]
        frames[name] = pl.concat(copies)
    return Tables(frames)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    folder = pub.reference_folder()
    if folder is None:
        sys.exit("Set CSWW_SHARED to the shared reference folder (reference/ssda903/ees_cla).")
    found = targets.load(folder / "release_2025", [args.year])
    returns = []
    for (la, y), t in sorted(found.items()):
        before, now = targets.build(t)
        returns += [
            Return(la, y - 1, scaled(before, args.scale), counted=False),
            Return(la, y, scaled(now, args.scale)),
        ]
    episodes = sum(r.tables["Episodes"].height for r in returns if r.counted)
    children = sum(r.tables["Header"].height for r in returns if r.counted)
    pinned = pin()
    before_mb = peak_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    result = compute(returns)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after_mb = peak_mb()
    rows = sum(len(v) for v in result.tables.values())
    load = (
        Path("/proc/loadavg").read_text().split()[0]
        if Path("/proc/loadavg").exists()
        else "unknown"
    )
    text = (
        f"\n## {args.year}, scale {args.scale} ({time.strftime('%Y-%m-%d')})\n\n"
        f"- machine: {machine()}; {pinned}; load average (1 min) at start {load}\n"
        f"- input: {len(found)} LAs, {children:,} children and {episodes:,} episodes in the year's returns "
        f"(plus last year's as history)\n"
        f"- `compute` (link, count, sum, round, suppress): {cpu:.1f} s CPU, {wall:.1f} s wall; "
        f"{rows:,} table rows\n"
        f"- peak resident memory: {before_mb:.0f} MB after building the returns, {after_mb:.0f} MB after computing\n"
    )
    print(text)
    out = Path(__file__).resolve().parent.parent / "docs" / "benchmarks-cla-stats.md"
    if not out.exists():
        out.write_text(
            "# Benchmarks: 903 statistics (`csww cla stats`)\n\n"
            "Figures from `benchmarks/cla_stats.py`: one run each, on a shared machine (see the load "
            "average); CPU seconds are the useful figure.\n",
            encoding="utf-8",
        )
    with out.open("a", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
