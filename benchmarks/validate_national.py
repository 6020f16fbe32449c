"""Benchmark: full validation of a national-scale return beside a bare lxml parse.

Each measurement runs in a fresh process (so peak RSS is its own) pinned to one core.
Prints a Markdown table; figures are recorded in docs/benchmarks.md.

    python benchmarks/validate_national.py [50000 100000]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from machine import machine

HERE = Path(__file__).resolve().parent

MEASURE = r"""
import json, resource, sys, time
path, what = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if what == "lxml-parse":
    from lxml import etree
    tree = etree.parse(path)
    n = len(tree.getroot()) - 2
elif what == "lxml-iterparse":
    from lxml import etree
    n = 0
    for _, el in etree.iterparse(path, tag="CSWWWorker"):
        n += 1
        el.clear()
else:
    import csww
    report = csww.validate(path)
    n = report.workers
    assert report.fatal is None
elapsed = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"what": what, "workers": n, "seconds": elapsed, "peak_mb": rss}))
"""


def measure(path: Path, what: str) -> dict[str, float]:
    cmd = [sys.executable, "-c", MEASURE, str(path), what]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def main(sizes: list[int]) -> None:
    from national_return import write_national

    print(f"Machine: {machine()}; one core used.\n")
    print(
        "| workers | file MB | lxml parse s | lxml iterparse s | csww validate s "
        "| ÷ parse | ÷ iterparse | workers/s | parse peak MB | validate peak MB | issues |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"national-{size}.xml"
            write_national(size, str(path))
            parse = min((measure(path, "lxml-parse") for _ in range(3)), key=lambda m: m["seconds"])
            stream = min(
                (measure(path, "lxml-iterparse") for _ in range(3)), key=lambda m: m["seconds"]
            )
            full = min((measure(path, "csww") for _ in range(3)), key=lambda m: m["seconds"])
            import csww

            issues = len(csww.validate(path).issues)
            print(
                f"| {size:,} | {path.stat().st_size / 1e6:.1f} | {parse['seconds']:.2f} "
                f"| {stream['seconds']:.2f} | {full['seconds']:.2f} "
                f"| {full['seconds'] / parse['seconds']:.2f} | {full['seconds'] / stream['seconds']:.2f} "
                f"| {size / full['seconds']:,.0f} | {parse['peak_mb']:.0f} | {full['peak_mb']:.0f} | {issues:,} |"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50000, 100000])
