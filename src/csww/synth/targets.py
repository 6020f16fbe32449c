"""Exact totals for a synthetic return, calibrated to an LA's published row.

Published figures are rounded (FTE and days to 0.1), so a published FTE of 123.4 stands for
any total from 123.35 up to (not including) 123.45. The calibration picks, for every FTE and
days total, a value to 0.01 inside that interval such that every published rate computed
from the chosen totals rounds to the published rate, and such that a return carrying the
totals can pass validation with no errors. Totals are integers in hundredths throughout.

Published cells that cannot be used are handled so (``Targets.imputed`` says which):

* ``x``, ``u``, ``c`` (not available, low reliability, suppressed): imputed from the same
  figure's ratio to a related figure in the LA's nearest published year with both, else
  the national ratio of the year (e.g. working days lost = in-post FTE × the ratio);
* a whole row of ``x`` (Kensington and Chelsea and Westminster in 2025): the LA's nearest
  published year, as DfE did for the 2025 national totals;
* ``z`` (not applicable) in a total: 0.

Where the published figures break a validation rule (for example agency cover larger than
the vacancies, rule 170, or more FTE than headcount, rule 701) the nearest value that
validates is used and ``Targets.deviations`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from csww.stats import published as pub
from csww.stats.indicators import COLUMNS, RATES, Rate, format_number, parse_published

HUNDRED = 100
# (figure, related figure) for imputation, in dependency order.
IMPUTE = (
    ("inpost_headcount", "inpost_fte"),
    ("inpost_fte", "inpost_headcount"),
    ("starters_headcount", "inpost_headcount"),
    ("starters_fte", "starters_headcount"),
    ("leavers_headcount", "inpost_headcount"),
    ("leavers_fte", "leavers_headcount"),
    ("agency_headcount", "inpost_headcount"),
    ("agency_fte", "agency_headcount"),
    ("vacancy_fte", "inpost_fte"),
    ("agency_cover_fte", "agency_fte"),
    ("case_holders_fte", "inpost_fte"),
    ("cases", "case_holders_fte"),
    ("working_days_lost_fte", "inpost_fte"),
)
COUNTS = (
    "inpost_headcount",
    "starters_headcount",
    "leavers_headcount",
    "agency_headcount",
    "cases",
)
# The calibrated totals: in-post FTE first, then groups that, given it, are independent
# (each rate involves the in-post FTE and totals of one group only).
GROUPS = (
    ("working_days_lost_fte",),
    ("leavers_fte",),
    ("agency_fte", "vacancy_fte", "agency_cover_fte"),
    ("case_holders_fte",),
    ("starters_fte",),
)
ORDER = ("inpost_fte", *(name for group in GROUPS for name in group))


class UnknownLA(LookupError):
    """No published row for this LA and year."""


@dataclass
class Targets:
    """Exact figures one synthetic return must reproduce (FTE and days in hundredths)."""

    year: int
    unit: str
    lea: str
    area: pub.Area
    values: dict[str, int]
    published: dict[str, str]
    imputed: dict[str, str] = field(default_factory=dict)
    deviations: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    def expected(self) -> dict[str, str]:
        """Published cells a return built from these targets reproduces exactly."""
        skip = set(self.imputed) | set(self.deviations)
        out = {}
        for column, text in self.published.items():
            if column in skip or text in ("x", "u", "c", ":", ""):
                continue
            rate = next((r for r in RATES if r.name == column), None)
            if rate is not None and skip & set(rate.inputs):
                continue
            out[column] = text
        return out


def _nearest_rows(unit: str, year: int) -> list[pub.Row]:
    rows = [
        r
        for r in pub.published()
        if r.level == "Local authority" and r.code == unit and r.year != year
    ]
    return sorted(rows, key=lambda r: (abs(r.year - year), -r.year))


def _impute(row: pub.Row, unit: str, year: int) -> tuple[dict[str, float], dict[str, str]]:
    values: dict[str, float] = {}
    imputed: dict[str, str] = {}
    cells = row.cells
    if all(parse_published(cells.get(c)) is None for c in ("inpost_fte", "inpost_headcount")):
        for other in _nearest_rows(unit, year):
            if other.number("inpost_fte") is not None:
                cells = {
                    **cells,
                    **{k: v for k, v in other.cells.items() if k not in COLUMNS[:10]},
                }
                imputed.update(
                    {c: f"whole row not available: the {other.year} row is used" for c, _ in IMPUTE}
                )
                break
    for column, _base in IMPUTE:
        text = cells.get(column, "")
        if text == "z":
            values[column] = 0.0
        elif text == "low":
            values[column] = 0.01
        elif parse_published(text) is not None:
            values[column] = float(text)
    national = pub.row_for(year, "National", "E92000001")
    for column, base in IMPUTE:
        if column in values:
            continue
        ratio = None
        for other in _nearest_rows(unit, year):
            num, den = other.number(column), other.number(base)
            if num is not None and den:
                ratio, source = num / den, f"ratio to {base} in the LA's {other.year} row"
                break
        if ratio is None and national is not None:
            num, den = national.number(column), national.number(base)
            ratio, source = (
                (num / den if num is not None and den else 0.0),
                f"national ratio to {base}",
            )
        values[column] = values.get(base, 0.0) * (ratio or 0.0)
        imputed.setdefault(
            column, f"published '{cells.get(column, '')}': imputed from the {source}"
        )
    return values, imputed


def _candidates(text: str, value: float, imputed: bool) -> list[int]:
    """Hundredths inside the published rounding interval, nearest the published value first."""
    base = round(value * HUNDRED)
    if imputed:
        return [base]
    if text == "low":
        return [1, 2, 3, 4]
    if base == 0:
        return [0]
    return [base + d for d in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5) if base + d >= 0]


class _Search:
    """Totals inside the rounding intervals that give every published rate (or as many as can)."""

    def __init__(
        self,
        fixed: dict[str, int],
        cands: dict[str, list[int]],
        rates: list[Rate],
        published: dict[str, str],
        year: int,
    ) -> None:
        self.fixed, self.cands, self.published, self.year = fixed, cands, published, year
        self.rates = rates

    def rate_ok(self, rate: Rate, chosen: dict[str, int]) -> bool:
        values = {
            k: (Fraction(v) if k in COUNTS else Fraction(v, HUNDRED)) for k, v in chosen.items()
        }
        got = rate.value(values, self.year)  # type: ignore[arg-type]
        if got is None:
            text = "x"
        elif isinstance(got, str):
            text = got
        else:
            text = format_number(got, 1)
        return text == self.published[rate.name]

    @staticmethod
    def hard_ok(name: str, chosen: dict[str, int]) -> bool:
        """What a valid return needs between totals (rule 170; FTE held by real workers)."""
        if name == "agency_cover_fte":
            return chosen[name] <= chosen["vacancy_fte"]
        if name == "case_holders_fte":
            return chosen[name] <= chosen["inpost_fte"] + chosen["agency_fte"]
        if name == "starters_fte":
            return chosen[name] <= chosen["inpost_fte"]
        return True

    def _group(
        self, names: tuple[str, ...], chosen: dict[str, int], rates: list[Rate], depth: int = 0
    ) -> bool:
        if depth == len(names):
            return True
        name = names[depth]
        placed = set(chosen) | {name}
        checks = [r for r in rates if name in r.inputs and set(r.inputs) <= placed]
        for value in self.cands[name]:
            chosen[name] = value
            fits = self.hard_ok(name, chosen) and all(self.rate_ok(r, chosen) for r in checks)
            if fits and self._group(names, chosen, rates, depth + 1):
                return True
        chosen.pop(name, None)
        return False

    def run(self) -> tuple[dict[str, int], list[Rate]]:
        """The best totals, and the rates they cannot give (none when all fit)."""
        best: tuple[dict[str, int], list[Rate]] | None = None
        for inpost in self.cands["inpost_fte"]:
            chosen = {**self.fixed, "inpost_fte": inpost}
            failing = [
                r
                for r in self.rates
                if set(r.inputs) <= set(chosen) and not self.rate_ok(r, chosen)
            ]
            for group in GROUPS:
                usable = [r for r in self.rates if r not in failing]
                if not self._group(group, chosen, usable):
                    if not self._group(
                        group, chosen, [r for r in usable if "inpost_fte" not in r.inputs]
                    ):
                        self._group(group, chosen, [])
                    failing += [
                        r
                        for r in self.rates
                        if set(r.inputs) <= set(chosen)
                        and r not in failing
                        and not self.rate_ok(r, chosen)
                    ]
                    if not all(n in chosen for n in group):  # no valid totals at all
                        chosen.update({n: self.cands[n][0] for n in group})
            if best is None or len(failing) < len(best[1]):
                best = (chosen, failing)
            if not failing:
                break
        assert best is not None
        return best


def _bounded(
    name: str, cands: list[int], counts: dict[str, int], deviations: dict[str, str]
) -> list[int]:
    """Keep candidates a valid return can carry; else the nearest that it can."""
    limits = {
        "inpost_fte": ("inpost_headcount", "no in-post worker's FTE can exceed 1 (rule 701)"),
        "starters_fte": ("starters_headcount", "no starter's FTE can exceed 1 (rule 701)"),
        "agency_fte": ("agency_headcount", "no agency worker's FTE can exceed 1 (rule 303)"),
    }
    if name not in limits:
        return cands
    count_name, why = limits[name]
    top = counts[count_name] * HUNDRED
    low = counts[count_name] if name == "inpost_fte" else 0
    kept = [c for c in cands if low <= c <= top]
    if kept:
        return kept
    deviations[name] = f"published FTE is outside what {counts[count_name]} workers can hold: {why}"
    return [min(max(cands[0], low), top)]


def figures_year(year: int) -> int:
    """The published year whose figures a return for ``year`` reproduces: ``year`` itself,
    or the latest published year for a later census (2026 has no statistics yet)."""
    published = pub.years()
    if year in published or year < published[0]:
        return year
    return max(y for y in published if y < year)


def build_targets(year: int, la: str, scale: float = 1.0) -> Targets:
    """Calibrated targets for LA ``la`` (any of its codes, or a joint ``314 / 318``) in ``year``.

    For a year with no published statistics yet, the latest published year's figures stand
    in, and every figure says so in ``imputed``."""
    source = figures_year(year)
    if source != year:
        from dataclasses import replace

        t = build_targets(source, la, scale)
        note = f"{source} figures (none published for {year})"
        return replace(
            t,
            year=year,
            area=pub.area_for(la, year) or t.area,
            imputed=dict.fromkeys(t.values, note),
        )
    area = pub.area_for(la, year)
    row = pub.la_rows(year).get(area.old_la_code) if area is not None else None
    if area is None or row is None:
        raise UnknownLA(f"No published figures for LA {la} in {year}.")
    unit = area.old_la_code
    values, imputed = _impute(row, unit, year)
    published = {c: row.text(c) for c in COLUMNS[10:]}
    deviations: dict[str, str] = {}
    if scale != 1.0:
        values = {k: v * scale for k, v in values.items()}
        imputed = dict.fromkeys(values, f"scaled × {scale:g}")
    counts = {c: max(0, round(values[c])) for c in COUNTS}
    cands = {
        name: _bounded(
            name,
            _candidates(published.get(name, ""), values[name], name in imputed),
            counts,
            deviations,
        )
        for name in ORDER
    }
    if min(cands["agency_cover_fte"]) > max(cands["vacancy_fte"]):
        deviations["agency_cover_fte"] = (
            "agency cover exceeds vacancies, which rule 170 forbids: cover is set to the vacancies"
        )
        cands["agency_cover_fte"] = [max(cands["vacancy_fte"])]
    rates = [
        r
        for r in RATES
        if not set(r.inputs) & set(imputed)
        and published.get(r.name) not in ("x", "u", "c", ":", "")
    ]
    chosen, failing = _Search(counts, cands, rates, published, year).run()
    if chosen["agency_cover_fte"] > chosen["vacancy_fte"]:
        chosen["agency_cover_fte"] = chosen["vacancy_fte"]
        deviations.setdefault("agency_cover_fte", "cover set to the vacancies (rule 170)")
    for r in failing:
        deviations[r.name] = (
            "no totals inside the published rounding intervals give the published rate"
        )
    if "inpost_fte" in deviations:
        # Every in-post worker is then full time, so part-time starters and case holders
        # cannot all be placed: these follow the capped figure.
        for name in ("starters_fte", "agency_fte", "case_holders_fte"):
            deviations.setdefault(name, "follows from the capped in-post FTE")
    lea = unit.split(" / ")[0]
    return Targets(year, unit, lea, area, chosen, published, imputed, deviations)
