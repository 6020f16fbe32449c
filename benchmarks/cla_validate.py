"""Benchmark: validating SSDA903 returns with every rule, against the parse floor and against
data-to-insight's validator (``csc-validator-be-903``, optional extra ``bench``).

Two returns are made once with ``csww cla synth`` (clean, realistic chains, real postcodes,
last year's return and a URN list): an LA's (2,000 children) and a national-sized year
(80,000 children in one file). Each measurement runs in a fresh Python process and reports
its CPU time (user + system, all threads) for the work alone and for the whole process
(imports included), and the process's peak resident memory (VmHWM):

* ``floor``: lxml ``iterparse`` touching every element of the XML file;
* ``csww-xml`` / ``csww-csv``: ``csww cla validate``'s path (read, type, derive placement
  LA/distance from the ONS postcodes, every rule of the year; last year's return and the URN
  list given, so no rule is left unrun);
* ``d2i``: ``lac_validator.LacValidator`` on the same CSV set with last year's CSV set and
  the year's registry (its postcode derivation included; no Ofsted list, which it reads only
  in Ofsted's workbook layouts).

    python benchmarks/cla_validate.py [--la-children 2000] [--national-children 80000]
        [--work DIR] [--skip-d2i] [--only la|national]

Figures for docs/benchmarks-cla.md (machine, load average, one run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

YEAR = 2025
LA = "202"
LA_GSS = "E09000007"  # Camden, the form data-to-insight's validator takes
D2I_REGISTRY = "lac2024_25"


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- making the files ------------------------------------------------------------------------


def make(work: Path, name: str, children: int) -> Path:
    """Write ``work/name/{return.xml, csv/, previous.xml, previous_csv/, urns.csv}`` once."""
    folder = work / name
    if (folder / "done").exists():
        return folder
    from csww.cla.sheets.convert import write_csv_set
    from csww.cla.spec import spec_for
    from csww.cla.synth import synth_return
    from csww.cla.write import write_xml

    started = time.time()
    made = synth_return(LA, YEAR, seed=903, children=children)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "return.xml").write_bytes(write_xml(made.tables))
    (folder / "previous.xml").write_bytes(write_xml(made.previous))
    write_csv_set(made.tables, folder / "csv", spec_for(YEAR))
    write_csv_set(made.previous, folder / "previous_csv", spec_for(YEAR - 1))
    made.urn_list.write_csv(folder / "urns.csv")
    (folder / "done").write_text(
        json.dumps(
            {
                "children": made.tables["Header"].height,
                "episodes": made.tables["Episodes"].height,
                "xml_bytes": (folder / "return.xml").stat().st_size,
                "seconds_to_make": round(time.time() - started, 1),
            }
        )
    )
    return folder


# ---- one measurement (in its own process) ----------------------------------------------------


def measure_floor(folder: Path) -> dict[str, Any]:
    from lxml import etree

    start = cpu()
    elements = 0
    for _event, element in etree.iterparse(str(folder / "return.xml"), events=("end",)):
        elements += 1
        _ = element.text
        if element.tag == "CHILD":
            element.clear()
    return {"work_cpu": cpu() - start, "elements": elements}


def measure_csww(folder: Path, kind: str) -> dict[str, Any]:
    from csww.cla.read import read_return
    from csww.cla.references.urn_list import read_urn_list
    from csww.cla.validate import postcodes_for, validate

    start = cpu()
    this = folder / ("return.xml" if kind == "xml" else "csv")
    last = folder / ("previous.xml" if kind == "xml" else "previous_csv")
    read = read_return(this)
    previous = read_return(last)
    assert read.tables is not None and previous.tables is not None
    lookup = postcodes_for([read.tables, previous.tables])
    urns = read_urn_list(folder / "urns.csv", postcodes=lookup)
    report = validate(
        read.tables, la=LA, year=YEAR, previous=previous.tables, urn_list=urns, postcodes=lookup
    )
    return {
        "work_cpu": cpu() - start,
        "issues": len(report.issues),
        "not_run": len(report.not_run),
        "rules": report.counts_by_rule().most_common(5),
    }


def measure_d2i(folder: Path) -> dict[str, Any]:
    import logging

    logging.disable(logging.INFO)
    import importlib

    from lac_validator.lac_validator import LacValidator

    start = cpu()
    files = []
    for description, sub in (("This year", "csv"), ("Prev year", "previous_csv")):
        for path in sorted((folder / sub).glob("*.csv")):
            files.append(
                {"name": path.name, "file_content": path.read_bytes(), "description": description}
            )
    registry = importlib.import_module(f"lac_validator.rules.{D2I_REGISTRY}").registry
    validator = LacValidator(
        metadata={"collectionYear": str(YEAR), "localAuthority": LA_GSS},
        files=files,  # type: ignore[arg-type]
        registry=registry,
    )
    work = cpu() - start
    flagged: dict[str, int] = {}
    for table, frame in validator.ds_results.items():
        if table == "metadata" or not hasattr(frame, "columns"):
            continue
        for column in frame.columns:
            if str(column).startswith("ERR_"):
                count = int((frame[column] == True).sum())  # noqa: E712 (pandas)
                if count:
                    flagged[column[4:]] = flagged.get(column[4:], 0) + count
    top = sorted(flagged.items(), key=lambda kv: -kv[1])
    return {
        "work_cpu": work,
        "issues": sum(flagged.values()),
        "rules_flagging": top[:10],
        "rules_run": len(validator.dones),
        "rules_failed": len(validator.fails),
        "rules_skipped": len(validator.skips),
        "failed": sorted(validator.fails)[:12],
    }


def child(kind: str, folder: Path) -> None:
    if kind == "floor":
        result = measure_floor(folder)
    elif kind in ("csww-xml", "csww-csv"):
        result = measure_csww(folder, kind.split("-")[1])
    else:
        result = measure_d2i(folder)
    result["process_cpu"] = cpu()
    result["peak_mb"] = round(peak_kb() / 1024, 1)
    print(json.dumps(result, default=str))


# ---- the run ---------------------------------------------------------------------------------


def run(kind: str, folder: Path, timeout: float) -> dict[str, Any]:
    try:
        return _run(kind, folder, timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout:.0f} s"}


def _run(kind: str, folder: Path, timeout: float) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env={**os.environ, "POLARS_MAX_THREADS": os.environ.get("POLARS_MAX_THREADS", "")}
        if os.environ.get("POLARS_MAX_THREADS")
        else None,
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--la-children", type=int, default=2000)
    parser.add_argument("--national-children", type=int, default=80000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/csww-bench-cla"))
    parser.add_argument("--skip-d2i", action="store_true")
    parser.add_argument("--only", choices=["la", "national"])
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per measurement")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sizes = [("la", args.la_children), ("national", args.national_children)]
    for name, children in sizes:
        if args.only and name != args.only:
            continue
        folder = make(args.work, name, children)
        facts = json.loads((folder / "done").read_text())
        print(f"\n{name}: {facts}")
        kinds = ["floor", "csww-xml", "csww-csv"] + ([] if args.skip_d2i else ["d2i"])
        results = {kind: run(kind, folder, args.timeout) for kind in kinds}
        floor = results["floor"].get("work_cpu") or 0.0
        print(f"{'run':<10} {'work CPU s':>10} {'x floor':>8} {'process CPU s':>13} {'peak MB':>8}")
        for kind, r in results.items():
            if "error" in r:
                print(f"{kind:<10} error: {r['error']}")
                continue
            ratio = r["work_cpu"] / floor if floor else float("nan")
            print(
                f"{kind:<10} {r['work_cpu']:>10.2f} {ratio:>8.1f} {r['process_cpu']:>13.2f} "
                f"{r['peak_mb']:>8.1f}"
            )
        for kind, r in results.items():
            extra = {k: v for k, v in r.items() if k not in ("work_cpu", "process_cpu", "peak_mb")}
            print(f"  {kind}: {extra}")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
