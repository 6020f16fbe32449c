"""Rules across worker records (7xx). The engine keeps a small key per worker (never the
whole record: a fingerprint of its values stands for it), as the key table
(:data:`KEY_TABLE`: ``swe``, ``cat``, ``fte``, ``dob``, ``sex``, ``start``, ``end``,
``fte30``, ``copy``, one row per worker record with a registration number), and each rule
here is a check over it: an expression true on the records at fault, grouped by
registration number with windows (``over("swe")``), or a frame of them built with a join.

An exact copy of an employee's record is a query (708Q), never an error: one person in two
identical part-time posts writes two identical lines ("one line per role"). Agency records
are left out of it: DfE counts each agency record as a person, and an agency record of four
or five items may match another assignment's exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from csww.core.tables import CELL, LINE, ROW
from csww.rules.registry import Context, rule

ROLES = "Staff Who Hold Two or More Roles"
KEY_TABLE = "WorkerKeys"
KEY_SCHEMA = {
    ROW: pl.Int64,
    LINE: pl.Int64,
    CELL: pl.String,
    "swe": pl.String,
    "cat": pl.String,
    "fte": pl.Float64,
    "dob": pl.Date,
    "start": pl.Date,
    "end": pl.Date,
    "fte30": pl.Float64,
    "sex": pl.String,
    "copy": pl.Int64,
}
SWE = pl.col("swe")
CAT = pl.col("cat")


@dataclass(frozen=True, slots=True)
class Keys:
    """What a rule over the key table sees: the table and the year's context."""

    table: pl.DataFrame
    ctx: Context


@dataclass(slots=True)
class WorkerKey:
    """What cross-record rules need to know about one worker record."""

    record: int
    line: int | None
    cell: str | None
    swe: str
    cat: str
    fte: float | None
    dob: date | None
    gender: str | None
    start: date | None
    end: date | None
    fte30: float | None = None
    # A hash of every value an employee's record holds, for exact copies (708Q).
    copy: int | None = None


def key_frame(keys: list[WorkerKey]) -> pl.DataFrame:
    """Worker keys as rows of the key table."""
    return pl.DataFrame(
        {
            ROW: [k.record - 1 for k in keys],
            LINE: [k.line for k in keys],
            CELL: [k.cell for k in keys],
            "swe": [k.swe for k in keys],
            "cat": [k.cat for k in keys],
            "fte": [k.fte for k in keys],
            "dob": [k.dob for k in keys],
            "start": [k.start for k in keys],
            "end": [k.end for k in keys],
            "fte30": [k.fte30 for k in keys],
            "sex": [k.gender for k in keys],
            "copy": [k.copy for k in keys],
        },
        schema=KEY_SCHEMA,
    )


def fingerprint(values: dict[str, str], extras: list[tuple[str, str]], cat: str) -> int | None:
    """One number standing for an employee's record as written (its items in order, and any
    repeats); an exact copy gives the same number. None for agency records, which 708Q
    leaves out."""
    if cat == "agency":
        return None
    items = tuple(values.items())
    return hash((items, tuple(extras)) if extras else items)


# A query, not an error: DfE published in-post FTE above in-post headcount, with no quality
# flag, for Warwickshire 2020 (368.2 FTE for 321 people), Sunderland 2021 (249.2 for 246) and
# Bromley 2022 (188.0 for 187), so it accepted returns whose people add up to more than 1 FTE.
# Posts of a third each, written at six decimals (0.333334), add up to 1.000002: FTEs are
# compared at four decimals, so that is 1.
@rule(
    "701Q",
    "query",
    "Please check: the combined FTE of this registration number's posts in post at 30 September is more than 1; the guide asks that the FTEs of an employee's roles add up to no more than 1.",
    items=("FTE", "SWENo"),
    section=ROLES,
    scope="records",
    table=KEY_TABLE,
)
def combined_fte_at_most_one(k: Keys) -> pl.Expr:
    # The guide's sentence is about the LA's own staff in two or more roles. Agency records
    # are left out: DfE counts each agency record as a person, an agency worker may hold two
    # assignments, and an employee who also works through an agency is 704Q's query.
    in_post = (CAT == "inpost") & pl.col("fte").is_not_null()
    fte = pl.when(in_post).then(pl.col("fte"))
    posts = in_post.sum().over(SWE)
    return in_post & (posts > 1) & (fte.sum().over(SWE).round(4) > 1)


@rule(
    "708Q",
    "query",
    "Please check: this record is an exact copy of another record of this registration number, so its cases, sickness days and FTE are counted twice; remove the copy, or say in a note that these are two identical posts.",
    items=("SWENo",),
    section=ROLES,
    scope="records",
    table=KEY_TABLE,
)
def no_exact_copy(k: Keys) -> pl.Expr:
    # Agency records carry no fingerprint (see :func:`fingerprint`).
    copy = pl.col("copy")
    return (CAT != "agency") & copy.is_not_null() & _later(SWE, copy)


@rule(
    "703Q",
    "query",
    "Please check: records with this registration number give different dates of birth or genders.",
    items=("PersonBirthDate", "GenderCurrent", "SWENo"),
    section="General Data Items",
    scope="records",
    table=KEY_TABLE,
)
def personal_details_agree(k: Keys) -> pl.Expr:
    dob, sex = pl.col("dob"), pl.col("sex")
    differ = (_distinct(dob) > 1) | (_distinct(sex) > 1)
    return differ & (dob.is_not_null() | sex.is_not_null())


@rule(
    "704Q",
    "query",
    "Please check: this registration number is recorded both as an employee in post and as an agency worker at 30 September.",
    items=("AgencyWorker", "SWENo"),
    section="Agency Workers",
    scope="records",
    table=KEY_TABLE,
)
def not_both_employee_and_agency(k: Keys) -> pl.Expr:
    both = (CAT == "inpost").any().over(SWE) & (CAT == "agency").any().over(SWE)
    return both & CAT.is_in(["inpost", "agency"])


# Only the same day. A post that starts before another post's leaving date is a second role
# held at once ("Staff who hold two or more roles"), or an ordinary role change with a
# handover: valid, so not queried. A new post starting on the very leaving date is the
# confusion the guide warns of: the leaving date is "the last day the leaver was in
# employment and paid by your local authority, and not the first day the social worker was
# not there".
@rule(
    "705Q",
    "query",
    "Please check: a new post starts on the day an earlier post of this registration number ended; the leaving date is the last day the leaver was employed and paid, so a returner's new post starts after it.",
    items=("RoleStartDate", "SWENo"),
    section="Leavers who return within the Year; Turnover – Leaving date",
    scope="records",
    table=KEY_TABLE,
)
def returner_starts_after_leaving(k: Keys) -> pl.DataFrame:
    ends = _leavers(k.table, "end").rename({"end": "start"})
    starts = k.table.filter((CAT == "inpost") & pl.col("start").is_not_null())
    return starts.join(ends, on=["swe", "start"], how="semi").select(ROW)


@rule(
    "706Q",
    "query",
    "Please check: this registration number has more than one leaver record with the same leaving date.",
    items=("RoleEndDate", "SWENo"),
    section="Leavers who return within the Year",
    scope="records",
    table=KEY_TABLE,
)
def one_leaving_per_date(k: Keys) -> pl.Expr:
    end = pl.when(CAT == "leaver").then(pl.col("end"))
    return end.is_not_null() & _later(SWE, end)


@rule(
    "707Q",
    "query",
    "Please check: this post is recorded both in post and as a leaver (same registration number, date of birth and starting date); keep the leaver record if the worker left, or the in-post record if not.",
    items=("RoleStartDate", "RoleEndDate", "SWENo"),
    section="Leavers who return within the Year; Staff Who Hold Two or More Roles",
    scope="records",
    table=KEY_TABLE,
)
def not_both_in_post_and_left(k: Keys) -> pl.DataFrame:
    # A query, not an error: two part-time roles taken up on the same day, one since left,
    # are valid ("one line per role"). The usual cause is a leaver not removed from the
    # in-post list, which counts them in post and as a leaver (headcount and turnover).
    left = _leavers(k.table, "dob", "start")
    in_post = k.table.filter(CAT == "inpost")
    return in_post.join(left, on=["swe", "dob", "start"], how="semi").select(ROW)


def _later(*group: pl.Expr) -> pl.Expr:
    """Whether the record comes after the first of its group, in file order."""
    return pl.int_range(pl.len()).over(*group) > 0


def _distinct(column: pl.Expr) -> pl.Expr:
    """The distinct values a registration number's records give, leaving out the blanks."""
    return column.n_unique().over(SWE) - column.is_null().any().over(SWE).cast(pl.UInt32)


def _leavers(table: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """The distinct ``columns`` of each registration number's leavers, where all are given."""
    given = pl.all_horizontal(pl.col(c).is_not_null() for c in columns)
    leavers = table.filter((CAT == "leaver") & given)
    return leavers.select("swe", *columns).unique()
