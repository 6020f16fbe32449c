"""Synthetic CSWW returns whose totals reproduce an LA's published figures.

``generate(2024, "330")`` builds Birmingham's 2024 return: worker-level records (in post,
leavers, agency) and LA-level vacancies, with plausible ages, genders, ethnicities, roles,
qualifications, origins, destinations, part-time and two-role workers, leavers who return
and absences, whose statistics (``csww stats``) give back the published in-post, starters,
leavers, agency, vacancy, cover, caseload and absence figures. Every return validates with
no errors. The same seed always gives the same return.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from csww.model import Record, Return
from csww.spec import load_spec
from csww.stats import published as pub
from csww.synth.people import written_at
from csww.synth.targets import Targets, UnknownLA, build_targets, figures_year
from csww.synth.workforce import build_workers
from csww.synth.year_items import add_year_items
from csww.writer import complete_header, write

__all__ = ["Targets", "UnknownLA", "generate", "la_codes", "targets", "write_all"]


def targets(year: int, la: str, scale: float = 1.0) -> Targets:
    """The exact totals ``generate`` builds for ``la`` in ``year`` (and what it had to impute)."""
    return build_targets(year, la, scale)


def la_codes(year: int) -> list[str]:
    """One LA code per published reporting unit of ``year`` (``314`` for ``314 / 318``)."""
    return [unit.split(" / ")[0] for unit in pub.la_rows(figures_year(year))]


def generate(year: int, la: str, seed: int = 0, scale: float = 1.0) -> Return:
    """A synthetic return for LA ``la`` (an LA code, or ``314 / 318``) and collection ``year``.

    ``scale`` multiplies the workforce (for benchmarks); at 1.0 the totals reproduce the
    published figures. Raises :class:`UnknownLA` when DfE published nothing for that LA
    and year.
    """
    t = build_targets(year, la, scale)
    rng = random.Random(f"csww-synth:{seed}:{year}:{t.unit}:{scale}")
    workers, la_values = build_workers(t, rng)
    spec = load_spec(year)
    add_year_items(workers, la_values, spec, f"csww-synth:{seed}:{year}:{t.unit}:{scale}")
    for worker in workers:  # an item the year no longer collects is not written
        for element in [e for e in worker.values if e in spec.removed]:
            del worker.values[element]
    ret = Return(header=Record(values={}), la=Record(values=la_values), workers=workers)
    ret.header.values["SoftwareCode"] = "csww synth"
    complete_header(ret, spec, lea=t.lea, now=written_at(spec.reference_date))
    return ret


def write_all(
    year: int,
    out_dir: str | Path,
    seed: int = 0,
    las: list[str] | None = None,
    scale: float = 1.0,
    progress: Callable[[int, str], None] | None = None,
) -> list[Path]:
    """Write one synthetic return per LA (all published LAs of ``year`` by default) into
    ``out_dir`` as ``csww_{year}_{LA}.xml``; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for done, code in enumerate(las if las is not None else la_codes(year), 1):
        if progress is not None:
            progress(done, code)
        ret = generate(year, code, seed=seed, scale=scale)
        path = out / f"csww_{year}_{ret.lea}.xml"
        write(ret, path)
        paths.append(path)
    return paths
