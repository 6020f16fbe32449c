"""Benchmark: a decade of national returns loaded into the linked store and analysed.

    .venv/bin/python benchmarks/flows_decade.py [--first 2017] [--years 10] [--scale 1.2]

Builds every LA's synthetic return for the first year (``csww synth``, seed 0, workforce
scaled by ``--scale``) and links the following years to it (``csww.synth.linked``, default
rates: DfE's 2021 national figures), writes them as XML into a temporary folder (not
timed), then times, pinned to one CPU core:

1. loading every file into a DuckDB store on disk (pseudonymising each registration number);
2. attrition for every year, nationally, by region and LA and by every breakdown, as CSV;
3. the movement of every year's leavers and starters;
4. retention curves for one LA against its neighbours and England;
5. one LA's continuity report (its last year against the year before);
6. the whole command, ``csww flows DIR -o attrition.csv --movement ... --la ...``, as a
   separate process, with its peak memory (maximum resident set size).

Prints the figures and writes them into ``docs/benchmarks-flows.md``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine

from csww.flows import attrition, continuity, movement, retention
from csww.flows.store import Store
from csww.stats.collect import find_returns
from csww.synth import generate, la_codes
from csww.synth.linked import Rates, next_year
from csww.writer import write

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks-flows.md"
CLI = "import sys; from csww.cli.main import cli; cli(sys.argv[1:], prog_name='csww')"
SALT = b"benchmark salt, not secret, 32 b"
LA = "330"  # Birmingham


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def build(folder: Path, first: int, years: int, scale: float) -> tuple[int, float]:
    """Write the decade's returns; returns the record count and the seconds it took."""
    start = time.perf_counter()
    rets = [generate(first, code, seed=0, scale=scale) for code in la_codes(first)]
    records = 0
    for n in range(years):
        for ret in rets:
            write(ret, folder / f"csww_{ret.year}_{ret.lea}.xml")
            records += len(ret.workers)
        print(f"  built {first + n}: {sum(len(r.workers) for r in rets):,} records", flush=True)
        if n < years - 1:
            rets = next_year(rets, Rates(), seed=0)
    return records, time.perf_counter() - start


def timed(label: str, results: list[tuple[str, str]], fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    results.append((label, f"{seconds:.2f} s"))
    print(f"{label}: {seconds:.2f} s", flush=True)
    return value


def national(text: str, year: int) -> dict[str, str]:
    for row in csv.DictReader(io.StringIO(text)):
        if (
            row["time_period"] == str(year)
            and row["geographic_level"] == "National"
            and row["breakdown_topic"] == "Total"
        ):
            return row
    return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--first", type=int, default=2017)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.2)
    args = parser.parse_args()
    pinned = pin_to_one_core()
    load_before = os.getloadavg()[0]
    results: list[tuple[str, str]] = []
    last = args.first + args.years - 1
    with tempfile.TemporaryDirectory(prefix="csww-flows-bench-") as tmp:
        folder = Path(tmp) / "returns"
        folder.mkdir()
        records, build_seconds = build(folder, args.first, args.years, args.scale)
        files = find_returns([folder])
        size = sum(p.stat().st_size for p in files)
        db = Path(tmp) / "flows.duckdb"
        store = Store(SALT, db)
        timed("load every return into the store", results, lambda: list(store.load_paths(files)))
        per_second = records / float(results[-1][1].split()[0])
        years = store.years()
        text = timed(
            f"attrition, {len(years)} years, every level and breakdown",
            results,
            lambda: attrition.to_csv([attrition.measure(store, y) for y in years]),
        )
        found = timed(
            f"movement of leavers and starters, {len(years)} years",
            results,
            lambda: [f for y in years for f in movement.flows(store, y)],
        )
        timed(f"retention curves for {LA}", results, lambda: retention.curves(store, LA))
        reloaded = timed(
            "loading every return again (nothing changes)",
            results,
            lambda: list(store.load_paths(files)),
        )
        assert all(r.outcome == "unchanged" for r in reloaded)
        store.close()
        db_size = db.stat().st_size
        mine = sorted(p for p in files if p.name.endswith(f"_{LA}.xml"))
        report = timed(
            f"continuity report for {LA} ({last} against {last - 1})",
            results,
            lambda: continuity.report(mine[-1], mine[-2]),
        )
        out = Path(tmp) / "out"
        out.mkdir()
        command = [sys.executable, "-c", CLI, "flows", str(folder), "-o", str(out / "a.csv")]
        command += ["--movement", str(out / "m.csv"), "--la", LA, "--retention", str(out / "r.csv")]
        start = time.perf_counter()
        subprocess.run(
            command, check=True, capture_output=True, env={**os.environ, "CSWW_SALT": SALT.decode()}
        )
        cli_seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        results.append(
            (
                "`csww flows` command, all of the above but continuity, in memory",
                f"{cli_seconds:.2f} s",
            )
        )
        results.append(("peak memory of that command (max RSS)", f"{peak:,.0f} MB"))
    linked_years = [y for y in years if y > args.first]
    rows = [national(text, y) for y in linked_years]
    figures = [
        (
            "returns (synthetic, one per LA a year)",
            f"{len(files):,} files, {size / 1048576:.0f} MB",
        ),
        (
            "years",
            f"{args.first}–{last} (first year from `csww synth` at scale {args.scale}, then linked)",
        ),
        ("worker records", f"{records:,}"),
        ("building and writing them (not timed below)", f"{build_seconds:.0f} s"),
        *results,
        ("records loaded per second", f"{per_second:,.0f}"),
        ("store on disk (DuckDB file)", f"{db_size / 1048576:.0f} MB"),
        ("movement rows", f"{len(found):,}"),
        ("continuity queries", f"{len(report.issues)}"),
    ]
    table = "\n".join(f"| {a} | {b} |" for a, b in figures)
    attr = "\n".join(
        f"| {r['time_period']} | {r['inpost_fte']} | {r['leavers_fte']} | {r['attrition_rate']} | "
        f"{r['attrition_into_agency_rate']} | {r['full_attrition_rate']} | "
        f"{r['attrition_as_proportion_of_leavers']} |"
        for r in rows
    )
    section = f"""# Benchmarks: workforce flows

Figures written by `benchmarks/flows_decade.py` (run it again to refresh them).

## A decade of national returns

Every LA's return for each of {args.years} years, people linked across LAs and years, loaded
into the linked store (a DuckDB file) and analysed.

| measure | value |
|---|---|
{table}

Machine: {machine()}; {pinned}; load average before the run {load_before:.2f}.

## National attrition of the linked synthetic years

The rates the linked years were built with are stated per person (`csww.synth.linked.Rates`:
15.4% of employees leave; of leavers 27.3% are in an LA post on 30 September, 16.9% agency
workers), modelled on DfE's 2021 figures (attrition 11.2%, into agency 2.6%, full 8.6%, 72.7%
of leavers). The FTE figures below are what `csww flows` computes from the returns; they come
out near the stated rates, not at DfE's published figures, because the people are synthetic
(see docs/flows.md, "What DfE publishes that this does not reproduce").

| year | in-post FTE | leavers' FTE | attrition % | into agency % | full attrition % | attrition as % of leavers |
|---|---|---|---|---|---|---|
{attr}
"""
    DOC.write_text(section, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
