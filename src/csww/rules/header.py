"""Header rules (1xx): what COLLECT's header section must hold ("Returning data").

Each check is an expression over the header as a one-row table, true where the header is
valid: its items' text as written (``c.raw``) and, for the year, dates and date-times,
their typed values (``c.t``, null where the text is not one). A rule runs when the items it
needs are given."""

from __future__ import annotations

import polars as pl

from csww.rules.notes import NOTES, noted
from csww.rules.registry import Columns, declare, rule
from csww.spec import available_years, la_codes_for, load_spec

SECTION = "Returning data (header)"

# The items COLLECT's header must hold (rule 100 for each one missing or empty) and the ones
# its header also shows that "can remain empty" (the guide): given or not, neither is queried.
_HEADER = load_spec(available_years()[0]).header
REQUIRED_ITEMS = tuple(e for e, i in _HEADER.items() if i.required)
OPTIONAL_ITEMS = tuple(e for e, i in _HEADER.items() if not i.required)

MISSING = declare(
    "100",
    "error",
    "The header item {name} is missing or empty: the header needs Collection, Year, Reference Date, Source level, LEA, Software Code and Date Time.",
    items=REQUIRED_ITEMS,
    section=SECTION,
    scope="header",
    check=lambda n: (
        n.noted("missing", "header")
        & n.about(e for e, item in n.spec.header.items() if item.required)
    ),
    table=NOTES,
)
NO_HEADER = declare(
    "111",
    "error",
    "The return has no <Header>: add the header with Collection, Year, Reference Date, Source level, LEA, Software Code and Date Time.",
    items=("Header",),
    section=SECTION,
    scope="header",
    check=noted("absent", "header"),
    table=NOTES,
)


@rule(
    "101",
    "error",
    "Collection must be CSWW.",
    items=("Collection",),
    section=SECTION,
    scope="header",
    requires=("Collection",),
)
def collection_is_csww(c: Columns) -> pl.Expr:
    return c.raw("Collection") == c.ctx.spec.collection


@rule(
    "102",
    "error",
    "Year must be the collection year written as four digits (for example 2017).",
    items=("Year",),
    section=SECTION,
    scope="header",
    requires=("Year",),
)
def year_is_four_digits(c: Columns) -> pl.Expr:
    return c.t("Year").is_not_null()


@rule(
    "104",
    "error",
    "Reference Date must be 30 September of the collection year, written YYYY-09-30.",
    items=("ReferenceDate",),
    section=SECTION,
    scope="header",
    requires=("ReferenceDate",),
)
def reference_date_is_30_september(c: Columns) -> pl.Expr:
    return (c.t("ReferenceDate") == c.day(c.ctx.reference_date)).fill_null(False)


@rule(
    "105",
    "error",
    "LEA must be your three-digit local authority code from the guide's annex of LA codes for this year.",
    items=("LEA",),
    section="Annex – LA Codes",
    scope="header",
    requires=("LEA",),
)
def lea_in_annex(c: Columns) -> pl.Expr:
    return c.raw("LEA").is_in(sorted(la_codes_for(c.ctx.year)))


@rule(
    "106",
    "error",
    "Source level must be L.",
    items=("SourceLevel",),
    section=SECTION,
    scope="header",
    requires=("SourceLevel",),
)
def source_level_is_l(c: Columns) -> pl.Expr:
    return c.raw("SourceLevel") == c.ctx.spec.source_level


@rule(
    "107",
    "error",
    "Date Time must be the date and time the file was made, written CCYY-MM-DDThh:mm:ss (or with a space for the T).",
    items=("DateTime",),
    section=SECTION,
    scope="header",
    requires=("DateTime",),
)
def date_time_format(c: Columns) -> pl.Expr:
    return c.t("DateTime").is_not_null()


@rule(
    "108Q",
    "query",
    "Please check: Date Time is before the census day (30 September, or the last working day of September when the 30th is a weekend), so the file may hold last year's or practice data.",
    items=("DateTime",),
    section=SECTION,
    scope="header",
    requires=("DateTime",),
)
def date_time_after_census(c: Columns) -> pl.Expr:
    made = c.t("DateTime")
    return made.is_null() | (made.dt.date() >= c.day(c.ctx.census_day))


@rule(
    "109",
    "error",
    "The header's Year differs from the collection year you asked to check: check the file or the --year option.",
    items=("Year",),
    section=SECTION,
    scope="header",
    requires=("Year",),
)
def year_matches_request(c: Columns) -> pl.Expr:
    requested = c.ctx.requested_year
    return pl.lit(True) if requested is None else c.raw("Year") == str(requested)


@rule(
    "110",
    "error",
    "Software Code must be at most 100 characters.",
    items=("SoftwareCode",),
    section=SECTION,
    scope="header",
    requires=("SoftwareCode",),
)
def software_code_length(c: Columns) -> pl.Expr:
    return c.raw("SoftwareCode").str.len_chars() <= 100
