"""Benchmark: loading a decade of national returns into the flows store, against the floor.

    python benchmarks/flows_load.py [--first 2017] [--years 10] [--scale 1.0]

Writes every LA's synthetic return for the first year and links the following years to it
(as ``benchmarks/flows_decade.py`` does; not timed), then measures, each in a fresh process
pinned to one core, in the same run:

- **floor**: ``lxml.etree.iterparse`` over every file, visiting every element and touching
  its text, freeing each worker as it goes;
- **load**: ``Store.load_paths`` of every file into a DuckDB store on disk (reading,
  pseudonymising, typing the columns and handing them to DuckDB as Arrow).

CPU time of the process (``time.process_time``, which counts DuckDB's threads too) and its
own peak resident set (``VmHWM``); memory per record is the peak above what the process held
before it started, divided by the records.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from flows_decade import build
from machine import machine

PRELUDE = r"""
import json, sys, time
from pathlib import Path
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
files = sorted(Path(sys.argv[1]).glob("*.xml"))
"""
FLOOR = (
    PRELUDE
    + r"""
from lxml import etree
before = hwm()
t0 = time.process_time()
n = 0
for path in files:
    for _event, elem in etree.iterparse(str(path), events=("end",)):
        elem.text
        if elem.tag == "CSWWWorker":
            n += 1
            elem.clear(keep_tail=True)
cpu = time.process_time() - t0
print(json.dumps({"cpu": cpu, "records": n, "peak_mb": hwm(), "base_mb": before}))
"""
)
LOAD = (
    PRELUDE
    + r"""
from csww.flows.store import Store
before = hwm()
t0 = time.process_time()
with Store(b"benchmark salt, not secret, 32 b", Path(sys.argv[2])) as store:
    n = sum(loaded.records for loaded in store.load_paths(files))
cpu = time.process_time() - t0
print(json.dumps({"cpu": cpu, "records": n, "peak_mb": hwm(), "base_mb": before}))
"""
)


def run(code: str, *args: str, src: str | None = None) -> dict[str, float]:
    cmd = [sys.executable, "-c", code, *args]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd]
    env = {**os.environ, "PYTHONPATH": src} if src else None
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--first", type=int, default=2017)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--before", help="Also time the load with this source tree (src/).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "returns"
        folder.mkdir()
        records, _ = build(folder, args.first, args.years, args.scale)
        print(f"\nMachine: {machine()}; one core; load average {os.getloadavg()[0]:.2f}.")
        floor = min((run(FLOOR, str(folder)) for _ in range(args.runs)), key=lambda m: m["cpu"])
        loads = []
        for n in range(args.runs):
            loads.append(run(LOAD, str(folder), str(Path(tmp) / f"store{n}.duckdb")))
        load = min(loads, key=lambda m: m["cpu"])
        assert load["records"] == records == floor["records"], (load, floor, records)
        per = (load["peak_mb"] - load["base_mb"]) * 1024 / records
        print(
            "\n| records | floor CPU s | load CPU s | ÷ floor | records/s | peak MB "
            "| KB per record |\n|---|---|---|---|---|---|---|"
        )
        print(
            f"| {records:,} | {floor['cpu']:.2f} | {load['cpu']:.2f} "
            f"| {load['cpu'] / floor['cpu']:.2f} | {records / load['cpu']:,.0f} "
            f"| {load['peak_mb']:.0f} | {per:.2f} |"
        )
        if args.before:
            old = min(
                (
                    run(LOAD, str(folder), str(Path(tmp) / f"old{n}.duckdb"), src=args.before)
                    for n in range(args.runs)
                ),
                key=lambda m: m["cpu"],
            )
            print(
                f"\nBefore ({args.before}): load {old['cpu']:.2f} CPU s, "
                f"{old['cpu'] / floor['cpu']:.2f} × the floor, peak {old['peak_mb']:.0f} MB."
            )
        print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f}.")


if __name__ == "__main__":
    main()
