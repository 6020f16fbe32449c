"""``csww cla stats``: DfE's published tables from LAs' 903 returns.

Give each LA's return for the year(s) to count, and optionally earlier returns (the
``previous`` years) so that measures over two or more years can be counted child by child.
Returns of one LA are linked (:func:`csww.cla.stats.episodes.link`); LAs add up to regions
and England before rounding, as DfE does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from csww.cla.stats import layout
from csww.cla.stats.episodes import link
from csww.cla.stats.measures import Counts, Key, count
from csww.core import Tables


@dataclass(frozen=True)
class Return:
    la: str  # DfE 3-digit LA code
    year: int  # named by its 31 March
    tables: Tables
    counted: bool = True  # False: given only as history for a later year


@dataclass
class Result:
    counts: list[Counts]
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    repairs: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)

    def notes(self) -> list[str]:
        return [f"{c.la} {c.year}: {n}" for c in self.counts for n in c.notes]


def count_returns(
    returns: Sequence[Return],
) -> tuple[list[Counts], dict[tuple[str, int], dict[str, int]]]:
    by_la: dict[str, list[Return]] = defaultdict(list)
    for r in returns:
        by_la[r.la].append(r)
    out: list[Counts] = []
    repairs: dict[tuple[str, int], dict[str, int]] = {}
    for la, given in sorted(by_la.items()):
        given.sort(key=lambda r: r.year)
        for n, r in enumerate(given):
            if not r.counted:
                continue
            history = given[: n + 1]
            linked = link([h.tables for h in history])
            repairs[(la, r.year)] = linked.repairs
            out.append(
                count(
                    r.year, la, [h.tables for h in history], linked, years=[h.year for h in history]
                )
            )
    return out, repairs


def _sum(parts: Iterable[Counts], source: str) -> tuple[Counter[Key], set[str]]:
    total: Counter[Key] = Counter()
    unavailable: set[str] = set()
    for c in parts:
        total.update(c.tables.get(source, Counter()))
        unavailable |= c.unavailable
    return total, unavailable


def tabulate(counts: Sequence[Counts]) -> dict[str, list[dict[str, str]]]:
    """Every table's rows: England, then regions, then LAs, for each year."""
    out: dict[str, list[dict[str, str]]] = {t: [] for t in layout.TABLES}
    years = sorted({c.year for c in counts}, reverse=True)
    areas = layout.areas()
    for year in years:
        here = [c for c in counts if c.year == year]
        units: list[tuple[dict[str, str], list[Counts]]] = [
            (layout.geography(year, "National"), here)
        ]
        for code, name in layout.regions():
            members = layout.region_members(code)
            inside = [c for c in here if c.la in areas and areas[c.la].region_code in members]
            if inside:
                units.append((layout.geography(year, "Regional", code, name), inside))
        for c in sorted(here, key=lambda c: c.la):
            units.append((layout.geography(year, "Local authority", c.la), [c]))
        for table, (source, _build) in layout.BUILDERS.items():
            for geo, parts in units:
                summed, unavailable = _sum(parts, source)
                out[table] += layout.rows(table, summed, unavailable, geo)
    return out


def compute(returns: Sequence[Return]) -> Result:
    counts, repairs = count_returns(returns)
    return Result(counts, tabulate(counts), repairs)
