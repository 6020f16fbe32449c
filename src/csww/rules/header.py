"""Header rules (1xx): what COLLECT's header section must hold ("Returning data")."""

from __future__ import annotations

from csww.rules.registry import View, declare, rule
from csww.spec import available_years, load_spec
from csww.values import is_year, parse_date, parse_datetime

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
    fields=REQUIRED_ITEMS,
    section=SECTION,
    scope="header",
)
NO_HEADER = declare(
    "111",
    "error",
    "The return has no <Header>: add the header with Collection, Year, Reference Date, Source level, LEA, Software Code and Date Time.",
    fields=("Header",),
    section=SECTION,
    scope="header",
)


@rule(
    "101",
    "error",
    "Collection must be CSWW.",
    fields=("Collection",),
    section=SECTION,
    scope="header",
    needs=("Collection",),
)
def collection_is_csww(v: View) -> bool:
    return v.raw["Collection"] == v.ctx.spec.collection


@rule(
    "102",
    "error",
    "Year must be the collection year written as four digits (for example 2017).",
    fields=("Year",),
    section=SECTION,
    scope="header",
    needs=("Year",),
)
def year_is_four_digits(v: View) -> bool:
    text = v.raw["Year"]
    return is_year(text)


@rule(
    "104",
    "error",
    "Reference Date must be 30 September of the collection year, written YYYY-09-30.",
    fields=("ReferenceDate",),
    section=SECTION,
    scope="header",
    needs=("ReferenceDate",),
)
def reference_date_is_30_september(v: View) -> bool:
    return parse_date(v.raw["ReferenceDate"]) == v.ctx.reference_date


@rule(
    "105",
    "error",
    "LEA must be your three-digit local authority code from the guide's annex of LA codes for this year.",
    fields=("LEA",),
    section="Annex – LA Codes",
    scope="header",
    needs=("LEA",),
)
def lea_in_annex(v: View) -> bool:
    from csww.spec import la_codes_for

    return v.raw["LEA"] in la_codes_for(v.ctx.year)


@rule(
    "106",
    "error",
    "Source level must be L.",
    fields=("SourceLevel",),
    section=SECTION,
    scope="header",
    needs=("SourceLevel",),
)
def source_level_is_l(v: View) -> bool:
    return v.raw["SourceLevel"] == v.ctx.spec.source_level


@rule(
    "107",
    "error",
    "Date Time must be the date and time the file was made, written CCYY-MM-DDThh:mm:ss (or with a space for the T).",
    fields=("DateTime",),
    section=SECTION,
    scope="header",
    needs=("DateTime",),
)
def date_time_format(v: View) -> bool:
    return parse_datetime(v.raw["DateTime"]) is not None


@rule(
    "108Q",
    "query",
    "Please check: Date Time is before the census day (30 September, or the last working day of September when the 30th is a weekend), so the file may hold last year's or practice data.",
    fields=("DateTime",),
    section=SECTION,
    scope="header",
    needs=("DateTime",),
)
def date_time_after_census(v: View) -> bool:
    made = parse_datetime(v.raw["DateTime"])
    return made is None or made.date() >= v.ctx.census_day


@rule(
    "109",
    "error",
    "The header's Year differs from the collection year you asked to check: check the file or the --year option.",
    fields=("Year",),
    section=SECTION,
    scope="header",
    needs=("Year",),
)
def year_matches_request(v: View) -> bool:
    requested = v.ctx.requested_year
    return requested is None or v.raw["Year"] == str(requested)


@rule(
    "110",
    "error",
    "Software Code must be at most 100 characters.",
    fields=("SoftwareCode",),
    section=SECTION,
    scope="header",
    needs=("SoftwareCode",),
)
def software_code_length(v: View) -> bool:
    return len(v.raw["SoftwareCode"]) <= 100
