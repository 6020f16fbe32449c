"""The published indicators as data: columns, totals, rates, rounding and symbols.

Everything here follows DfE's "Children's social work workforce: 1. Indicators" file
(``csww_indicators_2017_to_2025.csv``): the same column names in the same order, FTEs, rates,
caseload and days rounded to one decimal place (half up: published ties such as 11.25 are
shown as 11.3), headcounts and cases to whole numbers, and the symbols

* ``z`` not applicable (the denominator is 0, for example a turnover rate with nobody in post),
* ``x`` not available (the LA did not give the items the figure needs),
* ``c`` suppressed (see :func:`csww.stats.aggregate.suppress`),
* ``low`` a positive figure that rounds to 0.

``docs/methodology.md`` gives each formula with its source.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

Number = Fraction | int | float | Decimal
Kind = Literal["fte", "count", "days"]

WORKING_DAYS = 253


def working_days(year: int | None) -> int:
    """Working days per FTE in DfE's absence rate: 253, and 254 in a collection year that
    includes 29 February (2019-20 and 2023-24).

    Inferred from the published LA rates: with 253 days, 27 LA rates of 2020 and 2024 cannot
    come from any totals inside the published rounding intervals; with 254 days every one
    can, while in the other years 253 fits every LA and 254 does not.
    """
    from csww.spec import available_years, load_spec

    if year in available_years():
        return load_spec(year).working_days  # the specification's figure for the year
    return WORKING_DAYS + 1 if year is not None and calendar.isleap(year) else WORKING_DAYS


GEO_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)


@dataclass(frozen=True, slots=True)
class Total:
    """A summed figure: FTE (1 dp), a count (whole number) or days (1 dp)."""

    name: str
    kind: Kind
    label: str

    @property
    def dp(self) -> int:
        return 0 if self.kind == "count" else 1


@dataclass(frozen=True, slots=True)
class Rate:
    """``scale × numerator ÷ sum of denominators`` (× working days for the absence rate), 1 dp."""

    name: str
    numerator: str
    denominators: tuple[str, ...]
    label: str
    scale: int = 100
    per_working_day: bool = False

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.numerator, *self.denominators)

    def value(
        self, values: dict[str, Number | None], year: int | None = None
    ) -> Fraction | str | None:
        """The unrounded rate, ``"z"`` when the denominator is 0, None when an input is missing."""
        num = values.get(self.numerator)
        dens = [values.get(d) for d in self.denominators]
        if num is None or any(d is None for d in dens):
            return None
        den = sum((exact(d) for d in dens if d is not None), Fraction(0))
        if self.per_working_day:
            den *= working_days(year)
        if den == 0:
            return "z"
        return exact(num) * self.scale / den


TOTALS: tuple[Total, ...] = (
    Total("inpost_fte", "fte", "Social workers in post (FTE)"),
    Total("inpost_headcount", "count", "Social workers in post (headcount)"),
    Total("starters_fte", "fte", "Starters (FTE)"),
    Total("starters_headcount", "count", "Starters (headcount)"),
    Total("leavers_fte", "fte", "Leavers (FTE)"),
    Total("leavers_headcount", "count", "Leavers (headcount)"),
    Total("agency_fte", "fte", "Agency workers (FTE)"),
    Total("agency_headcount", "count", "Agency workers (headcount)"),
    Total("agency_cover_fte", "fte", "Agency workers covering vacancies (FTE)"),
    Total("vacancy_fte", "fte", "Vacancies (FTE)"),
    Total("case_holders_fte", "fte", "Case holders (FTE)"),
    Total("cases", "count", "Cases"),
    Total("working_days_lost_fte", "days", "Working days lost to sickness"),
)

RATES: tuple[Rate, ...] = (
    Rate("turnover_rate_fte", "leavers_fte", ("inpost_fte",), "Turnover rate (FTE, %)"),
    Rate(
        "turnover_rate_headcount",
        "leavers_headcount",
        ("inpost_headcount",),
        "Turnover rate (headcount, %)",
    ),
    Rate("agency_rate_fte", "agency_fte", ("agency_fte", "inpost_fte"), "Agency rate (FTE, %)"),
    Rate(
        "agency_rate_headcount",
        "agency_headcount",
        ("agency_headcount", "inpost_headcount"),
        "Agency rate (headcount, %)",
    ),
    Rate(
        "agency_cover_rate_fte",
        "agency_cover_fte",
        ("agency_fte",),
        "Agency workers covering vacancies (% of agency FTE)",
    ),
    Rate("vacancy_rate_fte", "vacancy_fte", ("vacancy_fte", "inpost_fte"), "Vacancy rate (FTE, %)"),
    Rate(
        "vacancy_agency_cover_rate_fte",
        "agency_cover_fte",
        ("vacancy_fte",),
        "Vacancies covered by agency workers (%)",
    ),
    Rate(
        "caseload_fte",
        "cases",
        ("case_holders_fte",),
        "Average caseload (cases per case-holder FTE)",
        scale=1,
    ),
    Rate(
        "absence_rate_fte",
        "working_days_lost_fte",
        ("inpost_fte",),
        "Sickness absence rate (%)",
        per_working_day=True,
    ),
)

TOTAL_BY_NAME = {t.name: t for t in TOTALS}
RATE_BY_NAME = {r.name: r for r in RATES}
# The published file's column order: geography, then totals and rates interleaved.
MEASURE_COLUMNS = (
    "inpost_fte",
    "inpost_headcount",
    "starters_fte",
    "starters_headcount",
    "leavers_fte",
    "leavers_headcount",
    "turnover_rate_fte",
    "turnover_rate_headcount",
    "agency_fte",
    "agency_headcount",
    "agency_rate_fte",
    "agency_rate_headcount",
    "agency_cover_fte",
    "agency_cover_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "vacancy_agency_cover_rate_fte",
    "case_holders_fte",
    "cases",
    "caseload_fte",
    "working_days_lost_fte",
    "absence_rate_fte",
)
COLUMNS = GEO_COLUMNS + MEASURE_COLUMNS
LABELS = {**{t.name: t.label for t in TOTALS}, **{r.name: r.label for r in RATES}}
SYMBOLS = frozenset({"c", "x", "z", "low", "u", ":"})


def exact(value: Number) -> Fraction:
    """An exact fraction for a figure; floats go through their shortest decimal text so that
    0.1 + 0.2 summed as floats and rounded to 6 dp is exactly 0.3."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(Decimal(repr(round(value, 6))))
    return Fraction(value)


def round_half_up(value: Number, dp: int) -> Decimal:
    """Round as DfE's published figures do: halves away from zero."""
    frac = exact(value)
    quantum = Decimal(1).scaleb(-dp)
    # Enough digits that the decimal is exact for any tie at ``dp``.
    as_decimal = Decimal(frac.numerator) / Decimal(frac.denominator)
    return as_decimal.quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(value: Number, dp: int) -> str:
    """The published text for a figure: 1 dp without trailing zeros, ``low`` for a positive
    figure that rounds to 0 (``12.0`` is written ``12`` as in DfE's files)."""
    rounded = round_half_up(value, dp)
    if rounded == 0 and exact(value) > 0:
        return "low"
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_published(text: str | None) -> float | None:
    """A published cell as a number, or None for an empty cell or a symbol."""
    if text is None:
        return None
    text = text.strip()
    if not text or text in SYMBOLS:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def kind_dp(column: str) -> int:
    """Decimal places of a published column."""
    total = TOTAL_BY_NAME.get(column)
    return total.dp if total is not None else 1
