"""Breakdowns of the workforce from worker records, and the 2012-13 aggregate variables.

As DfE publishes them (data set "Characteristics (in post, starters, leavers)": "FTE and
headcount figures on characteristics of social workers in post, starters and leavers by:
sex; age; ethnicity; role; and time in service"): social workers in post, starters and
leavers each by age group, sex, ethnic group, role and (in post and leavers) time in service.
Ages: in post and starters at 30 September of the reporting year, leavers "on the date they
left their post". Headcount counts a person once per population (in post: registration
number, date of birth, sex and ethnicity; starters and leavers also by the starting or
leaving date, as the published headcounts) in the category of their most senior role; FTE
sums records. Also: in post by qualification level, Step Up and Frontline graduates, working
pattern (part time) and absence on 30 September; starters by origin; leavers by destination
and reason; agency workers in post by length of assignment. Code labels come from the
year's own specification, so a code valid in that year is never shown as invalid.

``legacy_variables`` derives the six variables of the 2012-13 aggregate collection (and
the 2013-14 additions) named in DfE's July 2014 focus group notes, so the worker-level
returns can continue that series.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from csww.core.expressions import whole_years
from csww.spec import available_years, load_spec, period_of
from csww.stats.batch import RET, ROW, SEX, amounts, big_sums, limit_for
from csww.stats.measures import MICRO, LAMeasures, count, is_date, micro, stats_spec
from csww.values import parse_date
from csww.workers import by_distinct

if TYPE_CHECKING:
    from csww.stats.batch import ReturnRead

# DfE's published age groups ("20 to 29 years old", "30 to 39 years old", ... in the 2024
# characteristics data set); the bands below 20 and from 60 follow the same wording (COLLECT's
# data summary has had an under-20 band since 2022).
AGE_BANDS = (
    (20, "Under 20 years old"),
    (30, "20 to 29 years old"),
    (40, "30 to 39 years old"),
    (50, "40 to 49 years old"),
    (60, "50 to 59 years old"),
    (999, "60 years old and over"),
)
AGE = "Age group"
SERVICE = "Time in service"
SERVICE_BANDS = (
    (2, "Less than 2 years"),
    (5, "2 to less than 5 years"),
    (10, "5 to less than 10 years"),
    (20, "10 to less than 20 years"),
    (999, "20 years or more"),
)
ASSIGNMENT_BANDS = (
    (13, "Under 13 weeks"),
    (26, "13 to 25 weeks"),
    (52, "26 to 51 weeks"),
    (104, "52 to 103 weeks"),
    (99999, "104 weeks or more"),
)
ETHNIC_GROUPS = {
    "White": ("WBRI", "WIRI", "WOTH", "WIRT", "WROM"),
    "Mixed or multiple ethnic groups": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian or Asian British": ("AIND", "APKN", "ABAN", "AOTH", "CHNE"),
    "Black, African, Caribbean or Black British": ("BCRB", "BAFR", "BOTH"),
    "Other ethnic group": ("OOTH",),
}
ETHNIC_GROUP_OF = {code: group for group, codes in ETHNIC_GROUPS.items() for code in codes}
NOT_KNOWN = "Not known"
LABELS = load_spec(available_years()[-1]).codelists


def sex_breakdowns() -> tuple[str, ...]:
    """The names the sex breakdown has had: the item's own name in each year."""
    names = []
    for year in available_years():
        spec = load_spec(year)
        item = spec.worker.get(spec.element_for("sex") or "")
        if item is not None and item.name not in names:
            names.append(item.name)
    return tuple(names)


def band(value: float, bands: tuple[tuple[int, str], ...]) -> str:
    for limit, label in bands:
        if value < limit:
            return label
    return bands[-1][1]


def label(codelist: str, code: str | None, labels: dict[str, dict[str, str]] | None = None) -> str:
    if not code:
        return NOT_KNOWN
    return (labels or LABELS).get(codelist, {}).get(code, f"{code} (not a valid code)")


@dataclass
class Breakdowns:
    """Headcount and FTE per (population, breakdown, category) for one reporting unit."""

    year: int
    lea: str
    cells: dict[tuple[str, str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def add(self, population: str, breakdown: str, category: str, headcount: int, fte: int) -> None:
        cell = self.cells[(population, breakdown, category)]
        cell[0] += headcount
        cell[1] += fte

    def merge(self, other: Breakdowns) -> None:
        for (p, b, c), (h, f) in other.cells.items():
            self.add(p, b, c, h, f)

    def rows(self) -> list[dict[str, str | int | float]]:
        """One row per category with its share of the breakdown's headcount."""
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for (p, b, _c), (h, _f) in self.cells.items():
            totals[(p, b)] += h
        out: list[dict[str, str | int | float]] = []
        for (p, b, c), (h, f) in sorted(self.cells.items()):
            whole = totals[(p, b)]
            out.append(
                {
                    "time_period": self.year,
                    "la_code": self.lea,
                    "population": p,
                    "breakdown": b,
                    "category": c,
                    "headcount": h,
                    "fte": round(f / MICRO, 1),
                    "percent_headcount": round(100 * h / whole, 1) if whole else 0.0,
                }
            )
        return out

    def share(self, population: str, breakdown: str) -> dict[str, int]:
        return {
            c: v[0] for (p, b, c), v in self.cells.items() if p == population and b == breakdown
        }


KEY = ("SWENo", "PersonBirthDate", SEX, "Ethnicity")
YES_NO = {"1": "Yes", "0": "No"}


def _rank(role: str) -> int:
    """A role code's seniority (1 senior manager ... 6; 9 not known, anything else after)."""
    try:
        return int(role) if role.isdigit() else 99
    except ValueError:
        return 99


def _band_of(value: pl.Expr, bands: tuple[tuple[int, str], ...]) -> pl.Expr:
    """:func:`band` as an expression (``Not known`` where ``value`` is null)."""
    out: Any = pl.when(value.is_null()).then(pl.lit(NOT_KNOWN))
    for limit, name in bands[:-1]:
        out = out.when(value < limit).then(pl.lit(name))
    banded: pl.Expr = out.otherwise(pl.lit(bands[-1][1]))
    return banded


class _Year:
    """The labels, dates and item names one collection year's breakdowns read."""

    def __init__(self, year: int) -> None:
        spec = stats_spec(year)
        self.period = period_of(year) or spec.period
        self.labels = spec.codelists
        sex_item = spec.worker.get(spec.element_for("sex") or "")
        # The breakdown takes the item's name in its year: "Gender" to 2023, "Sex" from 2024.
        self.sex_name = sex_item.name if sex_item else NOT_KNOWN
        self.sex_codes = sex_item.codelist or "" if sex_item else ""

    def label(self, rows: pl.DataFrame, codelist: str, element: str) -> pl.Series:
        """Each row's code of ``element`` in words (:func:`label`)."""
        return by_distinct(
            rows[element], lambda code: label(codelist, code, self.labels), pl.String
        ).fill_null(NOT_KNOWN)

    def common(self, people: pl.DataFrame, on: pl.Expr) -> dict[str, pl.Series | pl.Expr]:
        """Age group (on the day ``on``), sex, ethnic group and most senior role."""
        role = pl.when(pl.col("_role") != "9").then(pl.col("_role")).otherwise(pl.lit(""))
        born = by_distinct(people["PersonBirthDate"], parse_date, pl.Date)
        return {
            AGE: _band_of(whole_years(pl.lit(born), on), AGE_BANDS),
            self.sex_name: self.label(people, self.sex_codes, SEX),
            "Ethnic group": by_distinct(people["Ethnicity"], _ethnic_group, pl.String).fill_null(
                NOT_KNOWN
            ),
            "Role (most senior post)": self.label(
                people.with_columns(role.alias("_senior")), "OrgRole", "_senior"
            ),
        }


def _ethnic_group(code: str) -> str:
    return ETHNIC_GROUP_OF.get(code, "Refused or not obtained" if code else NOT_KNOWN)


def _service(people: pl.DataFrame, on: pl.Expr) -> pl.Expr:
    started = by_distinct(people["_start"], parse_date, pl.Date)
    return _band_of(whole_years(pl.lit(started), on), SERVICE_BANDS)


def _people(rows: pl.DataFrame, key: Sequence[str], first: Sequence[str]) -> pl.DataFrame:
    """One row per person (``key``): the values of ``first`` from their first record, their
    most senior role (the first record's among equals), their earliest starting date
    (``""`` when none), whether any of their records holds cases, and their FTE (the sum of
    their records': in 64 bits, and whether a record's is too large for that)."""
    ordered = rows.sort(ROW)
    start = pl.col("RoleStartDate").filter(pl.col("RoleStartDate") != "").min()
    return ordered.group_by([RET, *key], maintain_order=True).agg(
        *[pl.col(e).first() for e in first],
        pl.col("_role").sort_by("_rank", maintain_order=True).first(),
        start.fill_null("").alias("_start"),
        pl.col("_holds").any().alias("_holds"),
        pl.col("_fte").sum().alias("_fte"),
        pl.col("_fte_big").any().alias("_fte_big"),
    )


class _Cells:
    """Headcount and exact FTE per (return, population, breakdown, category)."""

    def __init__(self, reads: Sequence[ReturnRead]) -> None:
        self.out = [Breakdowns(r.year, r.lea) for r in reads]

    def records(self, rows: pl.DataFrame, population: str, by: dict[str, pl.Series]) -> None:
        """Each record's FTE in its own category of each breakdown (no headcount)."""
        for breakdown, category in by.items():
            cells = rows.with_columns(pl.lit(breakdown).alias("_b"), category.alias("_c"))
            self._add(cells, population, heads=False)

    def agency(self, rows: pl.DataFrame, breakdown: str, category: pl.Series | pl.Expr) -> None:
        """Agency workers are never de-duplicated: a head and an FTE per record."""
        cells = rows.with_columns(pl.lit(breakdown).alias("_b"), category.alias("_c"))
        self._add(cells, "agency", heads=True)

    def people(
        self,
        records: pl.DataFrame,
        people: pl.DataFrame,
        key: Sequence[str],
        population: str,
        by: Mapping[str, pl.Series | pl.Expr],
        fte: bool = True,
    ) -> None:
        """Each person once in their category of each breakdown, with the FTEs of all their
        records (none when ``fte`` is off)."""
        people = people.with_row_index("_pid")
        amounts = [pl.col("_fte"), pl.col("_fte_big")] if fte else []
        amounts = amounts or [pl.lit(0, pl.Int64).alias("_fte"), pl.lit(False).alias("_fte_big")]
        columns = [
            pl.lit(v).alias(b) if isinstance(v, pl.Series) else v.alias(b) for b, v in by.items()
        ]
        index = [RET, "_pid", "_fte", "_fte_big"]
        cells = people.select(RET, "_pid", *amounts, *columns)
        long = cells.unpivot(index=index, variable_name="_b", value_name="_c")
        self._add(long, population, heads=True)
        if fte and people["_fte_big"].any():  # a record's FTE too large for 64 bits
            big = records.filter(pl.col("_fte_big")).join(
                people.select(RET, *key, "_pid"), on=[RET, *key]
            )
            in_cells = long.filter(pl.col("_fte_big")).join(
                big.select(RET, "_pid", "FTE"), on=[RET, "_pid"]
            )
            self._big(in_cells, population)

    def _add(self, cells: pl.DataFrame, population: str, heads: bool) -> None:
        """Add each group of ``cells``: its rows as heads when ``heads``, and its FTE (the
        64-bit part, and for a row per record the rest, exactly)."""
        keys = [RET, "_b", "_c"]
        found = cells.group_by(keys).agg(pl.len(), pl.col("_fte").sum().fill_null(0))
        for ret, breakdown, category, n, fte in found.iter_rows():
            self.out[ret].add(population, breakdown, category, n if heads else 0, fte)
        if "FTE" in cells.columns:
            self._big(cells.filter(pl.col("_fte_big")), population)

    def _big(self, rows: pl.DataFrame, population: str) -> None:
        """FTEs too large for 64 bits, summed from their texts in Python integers."""
        if rows.height:
            for (ret, b, c), total in big_sums(rows, [RET, "_b", "_c"], "FTE", micro).items():
                self.out[ret].add(population, b, c, 0, total)


def frame_breakdowns(workers: pl.DataFrame, reads: Sequence[ReturnRead]) -> list[Breakdowns]:
    """The breakdowns of each return of a batch of one year (see :mod:`csww.stats.batch`)."""
    year = _Year(reads[0].year if reads else 0)
    cells = _Cells(reads)
    rows = _prepared(workers)
    agency = pl.col("AgencyWorker") == "1"
    ended = pl.col("RoleEndDate") != ""
    on_duty = rows.filter(agency & ~ended)
    weeks = by_distinct(on_duty["ContractWeeks"], _assignment, pl.String).fill_null(NOT_KNOWN)
    cells.agency(on_duty, "Length of assignment", weeks)
    cells.agency(on_duty, "Holds cases", _yes_no(pl.col("_holds")))
    staff = rows.filter(~agency)
    first, last = year.period.start.isoformat(), year.period.reference_date.isoformat()
    started = by_distinct(staff["RoleStartDate"], _is_date, pl.Boolean).fill_null(False)
    starters = staff.filter(
        started & pl.col("RoleStartDate").is_between(pl.lit(first), pl.lit(last))
    )
    leavers = staff.filter(ended)
    inpost = staff.filter(~ended)
    cells.records(
        starters, "starters", {"Origin": year.label(starters, "StartOrigin", "StartOrigin")}
    )
    cells.records(
        inpost, "in post", {"Role (FTE by post)": year.label(inpost, "OrgRole", "OrgRole")}
    )
    _inpost(cells, year, inpost)
    _starters(cells, year, starters)
    _leavers(cells, year, leavers)
    return cells.out


def _prepared(workers: pl.DataFrame) -> pl.DataFrame:
    role = pl.when(pl.col("OrgRole") != "").then(pl.col("OrgRole")).otherwise(pl.lit("9"))
    rows = workers.with_columns(role.alias("_role"))
    fte, big = amounts(rows["FTE"], micro, limit_for(rows))
    return rows.with_columns(
        by_distinct(rows["_role"], _rank, pl.Int64).alias("_rank"),
        by_distinct(rows["Cases30"], _holds, pl.Boolean).fill_null(False).alias("_holds"),
        fte.alias("_fte"),
        big.alias("_fte_big"),
    )


def _holds(text: str) -> bool:
    return bool(count(text))


def _assignment(text: str) -> str | None:
    weeks = micro(text)
    return None if weeks is None else band(weeks / MICRO, ASSIGNMENT_BANDS)


def _yes_no(flag: pl.Expr) -> pl.Expr:
    return pl.when(flag).then(pl.lit("Yes")).otherwise(pl.lit("No"))


def _inpost(cells: _Cells, year: _Year, rows: pl.DataFrame) -> None:
    first = ("QualLevel", "StepUpGrad", "FrontlineGrad", "Absat30Sept", "ReasonAbsence")
    people = _people(rows, KEY, first)
    census = pl.lit(year.period.reference_date)
    absent = pl.col("Absat30Sept")
    reason = year.label(people, "ReasonAbsence", "ReasonAbsence")
    by: dict[str, pl.Series | pl.Expr] = {
        **year.common(people, census),
        SERVICE: _service(people, census),
        "Qualification level": year.label(people, "QualLevel", "QualLevel"),
        "Step Up graduate": pl.col("StepUpGrad").replace_strict(YES_NO, default=NOT_KNOWN),
        "Frontline graduate": pl.col("FrontlineGrad").replace_strict(YES_NO, default=NOT_KNOWN),
        "Working pattern": pl.when((pl.col("_fte") >= MICRO) | pl.col("_fte_big"))
        .then(pl.lit("Full time"))
        .otherwise(pl.lit("Part time")),
        "Holds cases": _yes_no(pl.col("_holds")),
        "Absent on 30 September": pl.when(absent == "1")
        .then(pl.lit(reason))
        .when(absent == "0")
        .then(pl.lit("Not absent"))
        .otherwise(pl.lit(NOT_KNOWN)),
    }
    cells.people(rows, people, KEY, "in post", by)


def _starters(cells: _Cells, year: _Year, rows: pl.DataFrame) -> None:
    key = (*KEY, "RoleStartDate")
    people = _people(rows, key, ("StartOrigin",))
    census = pl.lit(year.period.reference_date)
    cells.people(rows, people, key, "starters", year.common(people, census))
    # Origin's FTE was added record by record; its headcount counts each person once.
    origin = {"Origin": year.label(people, "StartOrigin", "StartOrigin")}
    cells.people(rows, people, key, "starters", origin, fte=False)


def _leavers(cells: _Cells, year: _Year, rows: pl.DataFrame) -> None:
    key = (*KEY, "RoleEndDate")
    people = _people(rows, key, ("LeaverDestination", "ReasonLeave"))
    ended = by_distinct(people["RoleEndDate"], parse_date, pl.Date)
    left = pl.lit(ended).fill_null(pl.lit(year.period.reference_date))
    by: dict[str, pl.Series | pl.Expr] = {
        **year.common(people, left),
        SERVICE: _service(people, left),
        "Destination": year.label(people, "LeaverDestination", "LeaverDestination"),
        "Reason for leaving": year.label(people, "ReasonLeave", "ReasonLeave"),
    }
    cells.people(rows, people, key, "leavers", by)


def _is_date(text: str) -> bool | None:
    return True if is_date(text) else None


def part_time_share(b: Breakdowns) -> float | None:
    """Percentage of social workers in post (headcount) working part time."""
    pattern = b.share("in post", "Working pattern")
    whole = sum(pattern.values())
    return round(100 * pattern.get("Part time", 0) / whole, 1) if whole else None


def legacy_variables(m: LAMeasures, b: Breakdowns | None = None) -> list[tuple[str, float | None]]:
    """The 2012-13 aggregate collection's variables (and the 2013-14 additions), from records."""

    def num(name: str) -> float | None:
        value = m.totals.get(name)
        return None if value is None else round(float(value), 1)

    out: list[tuple[str, float | None]] = [
        ("Number of children's social workers (headcount)", num("inpost_headcount")),
        ("Number of children's social workers (FTE)", num("inpost_fte")),
        ("Number of children's social worker vacancies (FTE)", num("vacancy_fte")),
        ("Number of starters (headcount)", num("starters_headcount")),
        ("Number of starters (FTE)", num("starters_fte")),
        ("Number of leavers (headcount)", num("leavers_headcount")),
        ("Number of leavers (FTE)", num("leavers_fte")),
        ("Days missed due to sickness absence", num("working_days_lost_fte")),
        ("Number of agency workers (headcount)", num("agency_headcount")),
        ("Number of agency workers (FTE)", num("agency_fte")),
        ("Number of agency workers covering vacancies (FTE)", num("agency_cover_fte")),
    ]
    if b is not None:
        holders = b.share("in post", "Holds cases").get("Yes", 0)
        agency = b.share("agency", "Holds cases").get("Yes", 0)
        out.append(
            ("Number of children's social workers with caseloads (headcount)", float(holders))
        )
        out.append(("Number of agency workers with caseloads (headcount)", float(agency)))
    return out
