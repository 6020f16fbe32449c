"""Gather returns (files, folders or returns in memory) and measure each in one pass."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from csww.model import Record, Return
from csww.stats import published as pub
from csww.stats.breakdowns import Breakdowns, BreakdownTally
from csww.stats.fastread import records
from csww.stats.measures import LAMeasures, Tally
from csww.stats.pay import PayTally

Feeder = Tally | BreakdownTally | PayTally


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


def _feed(records: Iterable[Record], tallies: Sequence[Feeder]) -> None:
    adders = [t.add for t in tallies]
    for rec in records:
        for add in adders:
            add(rec)


def measure_file(
    path: str | Path, breakdowns: bool = False, year: int | None = None, pay: bool = False
) -> Measured:
    """Stream one XML return once, feeding the measures (and breakdowns, and pay) as records
    arrive."""
    pending: list[Record] = []
    tallies: list[Feeder] = []
    pay_tally: list[PayTally] = []
    la: Record | None = None

    def start(header: Record | None) -> None:
        values = header.values if header is not None else {}
        text = values.get("Year", "")
        y = year or (int(text) if text.isdigit() else 0)
        lea = values.get("LEA", "")
        tallies.append(Tally(y, lea))
        if breakdowns:
            tallies.append(BreakdownTally(y, lea))
        if pay:
            pay_tally.append(PayTally(y, lea))
            tallies.append(pay_tally[0])
        _feed(pending, tallies)
        pending.clear()

    for kind, value in records(path):
        if kind == "worker":
            if tallies:
                for t in tallies:
                    t.add(value)
            else:
                pending.append(value)
        elif kind == "header":
            start(value)
        elif kind == "la":
            la = value
    if not tallies:
        start(None)
    tally = tallies[0]
    assert isinstance(tally, Tally)
    tally.set_la(la)
    extra = tallies[1].result() if breakdowns and isinstance(tallies[1], BreakdownTally) else None
    for p in pay_tally:
        p.set_la(la)
    return Measured(tally.result(str(path)), extra, pay_tally[0] if pay_tally else None)


def measure_return(
    ret: Return, breakdowns: bool = False, year: int | None = None, pay: bool = False
) -> Measured:
    y = year or ret.year or 0
    tally = Tally(y, ret.lea or "")
    tally.set_la(ret.la)
    extra = BreakdownTally(y, ret.lea or "") if breakdowns else None
    pay_tally = PayTally(y, ret.lea or "") if pay else None
    if pay_tally is not None:
        pay_tally.set_la(ret.la)
    feeders: list[Feeder] = [tally]
    feeders += [f for f in (extra, pay_tally) if f is not None]
    _feed(ret.workers, feeders)
    return Measured(tally.result(), extra.result() if extra is not None else None, pay_tally)


def measure_paths(
    paths: Iterable[str | Path], breakdowns: bool = False, year: int | None = None
) -> list[Measured]:
    return [measure_file(p, breakdowns, year) for p in find_returns(paths)]


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
