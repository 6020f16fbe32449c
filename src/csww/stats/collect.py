"""Gather returns (files, folders or returns in memory) and measure them in batches: the
workers of a batch of returns are one frame (:mod:`csww.stats.batch`), and the measures,
breakdowns and pay are computed over it (:func:`~csww.stats.measures.frame_measures`,
:func:`~csww.stats.breakdowns.frame_breakdowns`, :func:`~csww.stats.pay.frame_pay`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from csww.model import Return
from csww.stats import published as pub
from csww.stats.batch import ReturnRead, frame, read_file, read_return
from csww.stats.breakdowns import Breakdowns, frame_breakdowns
from csww.stats.measures import LAMeasures, frame_measures, stats_spec
from csww.stats.pay import PayTally, frame_pay

BATCH_ROWS = 100_000


@dataclass
class Measured:
    """One return's measures and, when asked for, its breakdowns."""

    measures: LAMeasures
    breakdowns: Breakdowns | None = None
    pay: PayTally | None = None

    @property
    def unit(self) -> tuple[int, str]:
        return self.measures.year, pub.unit_code(self.measures.lea, self.measures.year)


def find_returns(paths: Iterable[str | Path]) -> list[Path]:
    """XML files named directly, and every ``*.xml`` file in folders named (sorted)."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.xml") if p.is_file()))
        else:
            found.append(path)
    return found


def measure_reads(
    reads: Sequence[ReturnRead], breakdowns: bool = False, pay: bool = False
) -> list[Measured]:
    """Measure returns already read, as one batch: one frame per collection year among them,
    every figure a group-by over it. Results come in the order of ``reads``."""
    out: list[Measured | None] = [None] * len(reads)
    years: dict[int, list[int]] = defaultdict(list)
    for index, read in enumerate(reads):
        years[read.year].append(index)
    for year, indexes in years.items():
        same = [reads[i] for i in indexes]
        workers = frame(same, stats_spec(year))
        measures = frame_measures(workers, same)
        extra = frame_breakdowns(workers, same) if breakdowns else [None] * len(same)
        paid = frame_pay(workers, same) if pay else [None] * len(same)
        for i, m, b, p in zip(indexes, measures, extra, paid, strict=True):
            out[i] = Measured(m, b, p)
    return [m for m in out if m is not None]


def in_batches(
    reads: Iterable[ReturnRead], breakdowns: bool = False, pay: bool = False
) -> Iterator[Measured]:
    """Measure returns as they are read, a batch of about :data:`BATCH_ROWS` worker records
    at a time (so a national decade is never held at once), in the order read."""
    batch: list[ReturnRead] = []
    rows = 0
    for read in reads:
        batch.append(read)
        rows += read.workers.height
        if rows >= BATCH_ROWS:
            yield from measure_reads(batch, breakdowns, pay)
            batch, rows = [], 0
    yield from measure_reads(batch, breakdowns, pay)


def measure_file(
    path: str | Path, breakdowns: bool = False, year: int | None = None, pay: bool = False
) -> Measured:
    """Read one XML return and measure it (its header's Year unless ``year`` is given)."""
    return measure_reads([read_file(path, year)], breakdowns, pay)[0]


def measure_return(
    ret: Return, breakdowns: bool = False, year: int | None = None, pay: bool = False
) -> Measured:
    """Measure a return in memory (its header's Year unless ``year`` is given)."""
    return measure_reads([read_return(ret, year)], breakdowns, pay)[0]


def measure_paths(
    paths: Iterable[str | Path], breakdowns: bool = False, year: int | None = None
) -> list[Measured]:
    files = find_returns(paths)
    return list(in_batches((read_file(p, year) for p in files), breakdowns))


def unit_breakdowns(measured: Iterable[Measured]) -> dict[tuple[int, str], Breakdowns]:
    """Breakdowns per reporting unit and year (Kingston and Richmond's returns merged)."""
    out: dict[tuple[int, str], Breakdowns] = {}
    for m in measured:
        if m.breakdowns is None:
            continue
        key = m.unit
        if key not in out:
            out[key] = Breakdowns(key[0], key[1])
        out[key].merge(m.breakdowns)
    return out
