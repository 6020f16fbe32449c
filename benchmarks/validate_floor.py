"""Benchmark: national-scale validation in every year's format against the iterparse floor.

For each collection year the same synthetic national-scale return (Birmingham, 330, scaled
up) is written in that year's format, then measured, each in a fresh process, in the same
run:

- **floor**: ``lxml.etree.iterparse`` visiting every element and touching its text, freeing
  each worker as it goes (the least any reader of the file must do);
- **csww validate**: ``csww.validate(path)``, every rule of the year, the whole report.

Time is CPU time of the process (``time.process_time``), so other work on a shared machine
counts less than in wall time; the ratio to the floor is the figure to compare. Memory is
the process's own peak resident set (``VmHWM``) and, per record, the peak above what the
process held before it started the work, divided by the worker records.

    python benchmarks/validate_floor.py [SCALE] [YEAR ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from machine import machine

FLOOR = r"""
import json, sys, time
from lxml import etree
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
before = hwm()
t0 = time.process_time()
n = 0
for _event, elem in etree.iterparse(sys.argv[1], events=("end",)):
    elem.text
    if elem.tag.endswith("CSWWWorker"):
        n += 1
        elem.clear(keep_tail=True)
cpu = time.process_time() - t0
print(json.dumps({"cpu": cpu, "workers": n, "peak_mb": hwm(), "base_mb": before}))
"""
VALIDATE = r"""
import json, sys, time
import csww
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
before = hwm()
t0 = time.process_time()
report = csww.validate(sys.argv[1])
cpu = time.process_time() - t0
assert report.fatal is None, report.fatal
print(json.dumps({"cpu": cpu, "workers": report.workers, "peak_mb": hwm(), "base_mb": before,
                  "issues": len(report.issues)}))
"""


def run(code: str, path: Path) -> dict[str, float]:
    cmd = [sys.executable, "-c", code, str(path)]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def best(code: str, path: Path, times: int = 3) -> dict[str, float]:
    return min((run(code, path) for _ in range(times)), key=lambda m: m["cpu"])


def main(scale: float, years: list[int]) -> None:
    from csww.synth import generate
    from csww.writer import write

    print(f"Machine: {machine()}; one core; Birmingham (330) × {scale:g}; CPU seconds, best of 3.")
    print(f"Load average at the start: {os.getloadavg()[0]:.2f}.\n")
    print(
        "| year | workers | floor CPU s | validate CPU s | ÷ floor | workers/s "
        "| peak MB | KB per worker | issues |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for year in years:
            path = Path(tmp) / f"r{year}.xml"
            write(generate(year, "330", scale=scale), path)
            floor = best(FLOOR, path)
            done = best(VALIDATE, path)
            per = (done["peak_mb"] - done["base_mb"]) * 1024 / done["workers"]
            print(
                f"| {year} | {done['workers']:,.0f} | {floor['cpu']:.2f} | {done['cpu']:.2f} "
                f"| {done['cpu'] / floor['cpu']:.2f} | {done['workers'] / done['cpu']:,.0f} "
                f"| {done['peak_mb']:.0f} | {per:.2f} | {done['issues']:,.0f} |"
            )
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f}.")


if __name__ == "__main__":
    from csww.spec import available_years

    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    chosen = [int(y) for y in sys.argv[2:]] or available_years()
    main(scale, chosen)
