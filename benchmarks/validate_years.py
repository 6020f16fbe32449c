"""Benchmark: validating a return of each collection year's format, measured in one run.

The same synthetic LA (Birmingham, scaled up) written in the format of 2018, 2022, 2024 and
2025, each validated in a fresh process pinned to one core; the ratio to 2018 shows what each
year's extra items and rules cost. Figures in docs/benchmarks.md.

    python benchmarks/validate_years.py [SCALE]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from machine import machine

YEARS = (2018, 2022, 2024, 2025)
MEASURE = r"""
import json, resource, sys, time
import csww
t0 = time.perf_counter()
report = csww.validate(sys.argv[1])
elapsed = time.perf_counter() - t0
assert report.fatal is None and report.errors == 0, report.errors
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"workers": report.workers, "seconds": elapsed, "peak_mb": rss}))
"""


def measure(path: Path) -> dict[str, float]:
    cmd = [sys.executable, "-c", MEASURE, str(path)]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)  # type: ignore[no-any-return]


def main(scale: float) -> None:
    from csww.synth import generate
    from csww.writer import write

    print(f"Machine: {machine()}; one core used; Birmingham (330) × {scale:g}.\n")
    print("| year | workers | validate s (best of 3) | workers/s | ÷ 2018 | peak MB |")
    print("|---|---|---|---|---|---|")
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        for year in YEARS:
            path = Path(tmp) / f"r{year}.xml"
            write(generate(year, "330", scale=scale), path)
            best = min((measure(path) for _ in range(3)), key=lambda m: m["seconds"])
            base = base or best["seconds"]
            print(
                f"| {year} | {best['workers']:,.0f} | {best['seconds']:.2f} "
                f"| {best['workers'] / best['seconds']:,.0f} | {best['seconds'] / base:.2f} "
                f"| {best['peak_mb']:.0f} |"
            )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20.0)
