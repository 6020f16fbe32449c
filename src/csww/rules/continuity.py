"""Continuity rules (72x): this year's return against the LA's previous return.

They run only when a previous return is given (``csww validate --previous``). Each rule's
check joins this year's key table (:mod:`csww.rules.records`) to last year's on the
registration number, ``swe``, and gives the rows at fault: this year's records (their
``_row``), or, for a problem that has no record this year, the registration number with a
null ``_row``. Together they make the LA's continuity report (``csww flows --continuity``), as
DfE's COLLECT gives each LA against its previous return (``docs/flows.md``).

Every one is a query, never an error: last year's return may itself have been wrong, and a
worker may lawfully leave and come back. The evidence for each is the guide's wording, quoted
in its docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from csww.core.tables import ROW
from csww.rules.records import WorkerKey, key_frame
from csww.rules.registry import Context, rule
from csww.sex import normalise

SECTION = "Turnover; Leavers who return within the Year"
TABLE = "WorkerKeys"
SWE = "swe"
IN_POST = pl.col("cat") == "inpost"


@dataclass(frozen=True, slots=True)
class Years:
    """What a continuity rule sees: this year's key table, last year's, and the context."""

    current: pl.DataFrame
    previous: pl.DataFrame
    ctx: Context

    @property
    def census_before(self) -> pl.Expr:
        return pl.lit(self.ctx.previous_reference_date, dtype=pl.Date)


Check = Callable[[Years], pl.DataFrame]


def _only_post(table: pl.DataFrame) -> pl.DataFrame:
    """Each registration number's one record in post (numbers with two or more left out)."""
    in_post = table.filter(IN_POST)
    return in_post.filter(pl.len().over(SWE) == 1)


def _rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(SWE, ROW)


def _unexpected_newcomers(y: Years, category: str) -> pl.DataFrame:
    """Records of ``category`` for someone not in post last year who started on or before
    last year's census date (so was in post then, by their own starting date)."""
    before = y.previous.filter(IN_POST).select(SWE)
    start = pl.col("start")
    mine = y.current.filter((pl.col("cat") == category) & (start <= y.census_before))
    return _rows(mine.join(before, on=SWE, how="anti"))


@rule(
    "720Q",
    "query",
    "Please check: a worker in post at last year's census is in neither this year's workers in post nor its leavers; if they left, add a leaver record.",
    items=("SWENo",),
    section=SECTION,
    scope="continuity",
    table=TABLE,
    needs=("previous",),
)
def last_years_workers_accounted_for(y: Years) -> pl.DataFrame:
    # In the order last year's return first gives each number.
    was_in_post = y.previous.filter(IN_POST.any().over(SWE))
    gone = was_in_post.select(SWE).unique(maintain_order=True)
    gone = gone.join(y.current.select(SWE), on=SWE, how="anti")
    return gone.with_columns(pl.lit(None, dtype=pl.Int64).alias(ROW))


@rule(
    "721Q",
    "query",
    "Please check: FTE at the previous 30 September differs from the FTE this worker had in last year's return.",
    items=("FTE30",),
    section="Turnover – FTE as at previous 30 September",
    scope="continuity",
    table=TABLE,
    needs=("previous",),
)
def fte30_matches_last_year(y: Years) -> pl.DataFrame:
    then = _only_post(y.previous).select(SWE, pl.col("fte").alias("fte_before"))
    now = _only_post(y.current).join(then, on=SWE)
    # Left and came back this year: a starter's FTE30 is 0 (error 506).
    returned = pl.col("start").is_not_null() & (pl.col("start") > y.census_before)
    differs = (pl.col("fte30") - pl.col("fte_before")).abs() > 0.000001
    return _rows(now.filter(differs & ~returned))


@rule(
    "722Q",
    "query",
    "Please check: the starting date differs from last year's return although the worker has no leaver record; a move within children's social work is not a new start.",
    items=("RoleStartDate",),
    section="Turnover – Starting date",
    scope="continuity",
    table=TABLE,
    needs=("previous",),
)
def start_date_stable(y: Years) -> pl.DataFrame:
    left = y.current.filter(pl.col("cat") == "leaver").select(SWE)
    then = _only_post(y.previous).select(SWE, pl.col("start").alias("start_before"))
    now = _only_post(y.current).join(left, on=SWE, how="anti").join(then, on=SWE)
    return _rows(now.filter(pl.col("start") != pl.col("start_before")))


@rule(
    "723Q",
    "query",
    "Please check: this leaver was not in post in last year's return, yet their starting date is before this collection year; correct the starting date, or check that last year's return included them.",
    items=("RoleStartDate",),
    section="Turnover – Starting date",
    scope="continuity",
    table=TABLE,
    needs=("previous",),
)
def leaver_was_in_post_or_started(y: Years) -> pl.DataFrame:
    """A leaver who started before 1 October of the previous year was in post at last year's
    census (the guide: starting date is "the date the child and family social worker joined"),
    so last year's return should hold them in post."""
    return _unexpected_newcomers(y, "leaver")


@rule(
    "724Q",
    "query",
    "Please check: this worker in post was not in post in last year's return, yet their starting date is on or before last year's census date; a starter's starting date falls in this collection year, so correct the date or check last year's return.",
    items=("RoleStartDate",),
    section="Turnover – Starting date",
    scope="continuity",
    table=TABLE,
    needs=("previous",),
)
def newcomer_started_this_year(y: Years) -> pl.DataFrame:
    """The guide: record "the date the child and family social worker joined a vacant child
    and family social worker post in your local authority"; someone who joined on or before
    last year's census date was in post then and belongs in last year's return."""
    return _unexpected_newcomers(y, "inpost")


def _one_value(table: pl.DataFrame, column: str) -> pl.DataFrame:
    """Each registration number's value of ``column`` last year, where its records give
    exactly one (blanks left out)."""
    given = table.filter(pl.col(column).is_not_null()).select(SWE, column).unique()
    return given.filter(pl.len().over(SWE) == 1).rename({column: column + "_before"})


@rule(
    "725Q",
    "query",
    "Please check: the date of birth differs from the one this registration number had in last year's return; correct whichever is wrong.",
    items=("PersonBirthDate",),
    section="General Data Items – Date of birth",
    scope="continuity",
    table=TABLE,
    needs=("previous",),
)
def birth_date_unchanged(y: Years) -> pl.DataFrame:
    """A person's date of birth does not change; the registration number identifies the
    person across years (the guide: it helps "identify patterns in social worker migration")."""
    now = y.current.join(_one_value(y.previous, "dob"), on=SWE)
    return _rows(now.filter(pl.col("dob") != pl.col("dob_before")))


def _sex(table: pl.DataFrame) -> pl.DataFrame:
    """The table with ``mf``: its sex as male or female, whatever the year's codes."""
    codes = table["sex"].drop_nulls().unique().to_list()
    letters = {code: normalise(code) for code in codes}
    mf = pl.col("sex").replace_strict(letters, default=None, return_dtype=pl.String)
    return table.with_columns((mf if letters else pl.lit(None, dtype=pl.String)).alias("mf"))


@rule(
    "726Q",
    "query",
    "Please check: the sex (gender) differs from the one this registration number had in last year's return; correct it if it was recorded wrongly.",
    items=("GenderCurrent", "Sex"),  # the item of the year (Gender to 2023, Sex from 2024)
    section="General Data Items – Gender",
    scope="continuity",
    table=TABLE,
    needs=("previous",),
)
def sex_stable(y: Years) -> pl.DataFrame:
    """Compared as male or female whatever the year's codes (1/2 until 2023, M/F from 2024;
    "not known" and "not specified" never count as a change). A query, not an error: a
    person's recorded sex or gender can change."""
    now = _sex(y.current).join(_one_value(_sex(y.previous), "mf"), on=SWE)
    return _rows(now.filter(pl.col("mf") != pl.col("mf_before")))


def on_keys(check: Check) -> Callable[[list[WorkerKey], list[WorkerKey], Context], list[WorkerKey]]:
    """A continuity check run on one registration number's records of each year."""

    def run(current: list[WorkerKey], previous: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
        rows = check(Years(key_frame(current), key_frame(previous), ctx))[ROW].to_list()
        return [next(k for k in current if k.record - 1 == row) for row in rows]

    return run


# 726Q on the records of one registration number (the continuity report's own tests).
sex_unchanged = on_keys(sex_stable)
