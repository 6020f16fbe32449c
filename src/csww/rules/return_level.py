"""Rules over the whole return (8xx), run once all workers are read, on the return's totals.

Each check is an expression over the return as a one-row table, true where the return is
valid: its totals (:class:`Totals`, a column each: ``workers``, ``inpost``, ``leaver``,
``agency``, ``agency_fte``, ``inpost_fte``, ``leaver_fte``, ``case_holders``) beside the
LA-level record's typed values (``c.t``); a rule runs when the LA-level items it needs are
valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from csww.rules.registry import Columns, rule

VAC = "Aggregated Data Items"


@dataclass(slots=True)
class Totals:
    """Running totals the engine keeps while it streams the workers."""

    workers: int = 0
    by_category: dict[str, int] = field(
        default_factory=lambda: {"inpost": 0, "leaver": 0, "agency": 0}
    )
    agency_fte: float = 0.0
    inpost_fte: float = 0.0
    case_holders: int = 0
    leaver_fte: float = 0.0

    def row(self) -> dict[str, int | float]:
        """The totals as the columns of the return's one-row table."""
        return {
            "workers": self.workers,
            **{cat: self.by_category.get(cat, 0) for cat in ("inpost", "leaver", "agency")},
            "agency_fte": self.agency_fte,
            "inpost_fte": self.inpost_fte,
            "leaver_fte": self.leaver_fte,
            "case_holders": self.case_holders,
        }


def total(name: str) -> pl.Expr:
    """One of the return's totals."""
    return pl.col(name)


WORKERS, INPOST, LEAVERS, AGENCY = (
    total("workers"),
    total("inpost"),
    total("leaver"),
    total("agency"),
)


@rule(
    "801",
    "error",
    "The return has no worker records: add a CSWWWorker record for every social worker in post, leaver and agency worker.",
    items=("CSWWWorker",),
    section="General Data Items",
    scope="return",
)
def at_least_one_worker(c: Columns) -> pl.Expr:
    return WORKERS > 0


@rule(
    "802Q",
    "query",
    "Please check: more agency workers are covering vacancies (headcount) than there are agency worker records in the return.",
    items=("NoAgencyHeadcount",),
    section=f"{VAC}; Agency Workers",
    scope="return",
    requires=("NoAgencyHeadcount",),
)
def agency_cover_headcount_within_records(c: Columns) -> pl.Expr:
    return c.t("NoAgencyHeadcount") <= AGENCY


@rule(
    "803Q",
    "query",
    "Please check: the FTE of agency workers covering vacancies is more than the total FTE of the agency worker records.",
    items=("NoAgencyFTE",),
    section=f"{VAC}; Agency Workers",
    scope="return",
    requires=("NoAgencyFTE",),
)
def agency_cover_fte_within_records(c: Columns) -> pl.Expr:
    return c.t("NoAgencyFTE") <= total("agency_fte") + 0.005


@rule(
    "804Q",
    "query",
    "Please check: the return has no leavers; include every child and family social worker who left during the year.",
    items=("RoleEndDate",),
    section="Turnover – Leaving date",
    scope="return",
)
def has_leavers(c: Columns) -> pl.Expr:
    return (WORKERS == 0) | (LEAVERS > 0)


@rule(
    "805Q",
    "query",
    "Please check: the return has no workers in post at 30 September.",
    items=("CSWWWorker",),
    section="General Data Items",
    scope="return",
)
def has_workers_in_post(c: Columns) -> pl.Expr:
    return (WORKERS == 0) | (INPOST > 0)


@rule(
    "806Q",
    "query",
    "Please check: no worker holds any cases at 30 September; record each worker's cases (0 where none).",
    items=("Cases30",),
    section="Case Management",
    scope="return",
)
def has_case_holders(c: Columns) -> pl.Expr:
    return (INPOST + AGENCY == 0) | (total("case_holders") > 0)


@rule(
    "807Q",
    "query",
    "Please check: vacancies are more than half of all posts (vacancies FTE ÷ (vacancies FTE + FTE in post)).",
    items=("NumberOfVacancies",),
    section=VAC,
    scope="return",
    requires=("NumberOfVacancies",),
)
def vacancy_rate_plausible(c: Columns) -> pl.Expr:
    return c.t("NumberOfVacancies") <= total("inpost_fte")


# DfE's leavers' FTE is about 0.92 x leavers' headcount in every year 2017-2025; from 2018 it
# is the FTE on leaver records, and DfE re-published Sunderland 2024 (28 leavers, leavers' FTE
# 2) as "u". Leavers' FTE under half their headcount, with five leavers or more, is that
# defect (Hammersmith and Fulham 2017: 4 FTE for 25 leavers, when 0 was still asked for).
LEAVER_FTE_SHARE = 0.5
FEW_LEAVERS = 5


@rule(
    "808Q",
    "query",
    "Please check: the leavers' FTE is less than half their number, so DfE's FTE turnover rate would be far below the headcount rate; record each leaver's FTE when they left (DfE publishes such figures as low reliability).",
    items=("FTE",),
    section="Turnover; General Data Items – FTE as at 30 September",
    scope="return",
    since=2018,
)
def leavers_fte_plausible(c: Columns) -> pl.Expr:
    return (LEAVERS < FEW_LEAVERS) | (total("leaver_fte") >= LEAVER_FTE_SHARE * LEAVERS)
