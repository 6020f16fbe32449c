"""The bundled published file, the geography derived from it, and the methodology checked
against it: DfE's own published totals give DfE's published rates by our formulas."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from fractions import Fraction

from csww.stats import published as pub
from csww.stats.aggregate import aggregate, la_units
from csww.stats.indicators import COLUMNS, RATES, TOTAL_BY_NAME, Rate, format_number, working_days
from csww.stats.measures import LAMeasures
from tests.paths import STATS

PUBLISHED_FILE = STATS / "csww_indicators_2017_to_2025.csv"


def test_bundled_file_is_dfes_file_unchanged() -> None:
    bundled = hashlib.sha256(
        (pub.resources.files("csww.stats") / "data" / pub.DEFAULT_FILE).read_bytes()
    )
    assert bundled.hexdigest() == "9e058bac193cc5b03f0d21ebe4259c8935d236dbf59f09d90b3e0916bfbca95f"
    assert bundled.hexdigest() == hashlib.sha256(PUBLISHED_FILE.read_bytes()).hexdigest()


def test_layout_is_the_published_header() -> None:
    assert PUBLISHED_FILE.read_text().splitlines()[0].split(",") == list(COLUMNS)


def test_regions_joint_returns_and_code_changes() -> None:
    assert pub.area_for("318", 2020).old_la_code == "314 / 318"
    assert pub.area_for("314", 2017).region_name == "Outer London"
    assert pub.unit_code("941", 2023) == "940 / 941"
    assert pub.area_for("928", 2020).la_name == "Northamptonshire"
    assert pub.area_for("909", 2023).la_name == "Cumbria"  # nearest published year
    assert pub.area_for("942", 2023).region_name == "North West"
    assert pub.area_for("838", 2019).new_la_code == "E06000059"
    assert [c for c, _ in pub.regions(2024)][-3:] == ["E12000009", "E13000001", "E13000002"]
    assert pub.region_members("E12000007") == ("E13000001", "E13000002")
    assert len(pub.la_rows(2017)) == 151 and len(pub.la_rows(2021)) == 150


def test_published_rates_follow_from_published_totals() -> None:
    """Every LA rate DfE published, recomputed from its published (rounded) totals, is within
    0.1 of the published rate, except where rounding of small totals moves it further."""
    checked = within = 0
    for row in pub.published():
        if row.level != "Local authority":
            continue
        values = {c: row.number(c) for c in COLUMNS[10:]}
        for rate in RATES:
            published = row.number(rate.name)
            got = rate.value(values, row.year)  # type: ignore[arg-type]
            if published is None or got is None or isinstance(got, str):
                continue
            checked += 1
            within += abs(float(got) - published) <= 0.1 + 1e-9
    assert checked > 12000
    # The misses are cover rates from small, rounded FTEs (e.g. 2024 North Tyneside 20.6 vs 20.8).
    assert within / checked > 0.99


def test_national_rates_are_taken_over_las_with_both_figures() -> None:
    """DfE's 2017 national agency cover rate is 74.2%: the rate over LAs with cover data."""
    units = []
    for row in pub.la_rows(2017).values():
        totals = {
            c: (None if row.number(c) is None else Fraction(str(row.number(c))))
            for c in COLUMNS[10:]
        }
        totals = {k: v for k, v in totals.items() if k in {t for r in RATES for t in r.inputs}}
        units.extend(la_units([LAMeasures(2017, row.code.split(" / ")[0], totals)]))  # type: ignore[arg-type]
    england = aggregate(units, 2017, "National", {})
    assert england.cell("agency_cover_rate_fte") == "74.2"
    assert england.cell("vacancy_agency_cover_rate_fte") == "67.5"
    assert format_number(Fraction(1125, 100), 1) == "11.3"


# ------------------------------------------------------------------ every published rate


def _bounds(text: str, column: str) -> tuple[Fraction, Fraction] | None:
    """The interval a published total stands for: ±0.05 for one decimal place, exact for a
    count; ``low`` is above 0 and under 0.05; a symbol stands for nothing."""
    if text == "low":
        return Fraction(0), Fraction(1, 20)
    try:
        value = Fraction(Decimal(text))
    except ArithmeticError:
        return None
    half = Fraction(0) if TOTAL_BY_NAME[column].kind == "count" else Fraction(1, 20)
    return max(value - half, Fraction(0)), value + half


def _rate_range(rate: Rate, row: pub.Row) -> tuple[Fraction, Fraction] | None:
    """The lowest and highest rate any totals inside the published intervals can give."""
    found = {c: _bounds(row.text(c), c) for c in rate.inputs}
    if any(b is None for b in found.values()):
        return None
    low_n, high_n = found[rate.numerator]  # type: ignore[misc]
    others = [d for d in rate.denominators if d != rate.numerator]
    low_o = sum((found[d][0] for d in others), Fraction(0))  # type: ignore[index]
    high_o = sum((found[d][1] for d in others), Fraction(0))  # type: ignore[index]
    scale = Fraction(rate.scale) / (working_days(row.year) if rate.per_working_day else 1)
    shared = rate.numerator in rate.denominators

    def value(n: Fraction, o: Fraction) -> Fraction | None:
        den = (n if shared else 0) + o
        return None if den == 0 else scale * n / den

    low, high = value(low_n, high_o), value(high_n, low_o)
    if low is None:
        return None
    return low, high if high is not None else Fraction(10**9)


def _members(row: pub.Row) -> list[pub.Row]:
    las = pub.la_rows(row.year).values()
    if row.level == "National":
        return list(las)
    parts = pub.region_members(row.code)
    return [r for r in las if r.text("region_code") in parts]


def test_every_published_rate_follows_from_the_published_totals_of_its_row() -> None:
    """Independent of the synthetic returns: each of DfE's ~13,000 rates (LA, regional and
    national rows, 2017-2025) is recomputed by our formulas from the same row's published
    totals, each total taken as the interval its rounding stands for. Every LA rate fits.
    A regional or national rate that does not is one where DfE took the rate over fewer LAs
    than the totals: a member LA's input is flagged u or not available (x)."""
    checked = 0
    unexplained = []
    for row in pub.published():
        for rate in RATES:
            try:
                published = Fraction(Decimal(row.text(rate.name)))
            except ArithmeticError:
                continue
            span = _rate_range(rate, row)
            if span is None:
                continue
            checked += 1
            low, high = span
            if published - Fraction(1, 20) <= high and published + Fraction(1, 20) >= low:
                continue
            assert row.level != "Local authority", (row.year, row.code, rate.name)
            flagged = [
                m.code for m in _members(row) if any(m.text(c) in ("u", "x") for c in rate.inputs)
            ]
            if not flagged:
                unexplained.append((row.year, row.code, rate.name))
    assert checked > 12900
    assert unexplained == []
