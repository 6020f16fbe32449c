"""LA-level vacancy rules (15x–17x): the guide's "Aggregated Data Items".

What the engine notes of the LA-level record (an item missing or malformed, the section
absent or renamed) is reported by the note rules here (:mod:`csww.rules.notes`); the
cross-field rules are expressions over the record as a one-row table of typed values, true
where it is valid, run when the items they need are valid."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from csww.rules.notes import NOTES, Noted, noted
from csww.rules.registry import Columns, declare, rule

SECTION = "Aggregated Data Items"


def _malformed(rule_id: str | None) -> Callable[[Noted], pl.Expr]:
    """The check of an LA-level item's format rule: a value of an item whose format the
    year's specification gives to ``rule_id`` (None: an item it gives no format rule)."""

    def check(n: Noted) -> pl.Expr:
        items = [e for e, item in n.spec.la.items() if item.format_rule == rule_id]
        return n.noted("malformed", "la") & n.about(items)

    return check


def _missing_or_unformatted(n: Noted) -> pl.Expr:
    """A required LA-level item absent or empty, or a value of an item with no format rule."""
    required = [e for e, item in n.spec.la.items() if item.required]
    return (n.noted("missing", "la") & n.about(required)) | _malformed(None)(n)


MISSING = declare(
    "150",
    "error",
    "{name} is missing or empty: every return must give it, never blank (record a count of none as 0; for a code, choose one from its list).",
    items=("NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount"),
    section=f"{SECTION}; How to record counts of zero",
    scope="la",
    check=_missing_or_unformatted,
    table=NOTES,
)
VACANCIES_FORMAT = declare(
    "151",
    "error",
    "Number of vacancies must be a number from 0 to 9999.99 with at most 2 decimal places (an FTE).",
    items=("NumberOfVacancies",),
    section=SECTION,
    scope="la",
    check=_malformed("151"),
    table=NOTES,
)
COVER_FTE_FORMAT = declare(
    "152",
    "error",
    "Number of agency workers covering vacancies (FTE) must be a number from 0 to 9999.99 with at most 2 decimal places.",
    items=("NoAgencyFTE",),
    section=SECTION,
    scope="la",
    check=_malformed("152"),
    table=NOTES,
)
COVER_HEADCOUNT_FORMAT = declare(
    "153",
    "error",
    "Number of agency workers covering vacancies (headcount) must be a whole number from 0 to 9999.",
    items=("NoAgencyHeadcount",),
    section=SECTION,
    scope="la",
    check=_malformed("153"),
    table=NOTES,
)
NO_SECTION = declare(
    "154",
    "error",
    "The return has no LA-level section (<{la}>): add it with the LA-level figures.",
    items=(),
    section=SECTION,
    scope="la",
    check=noted("absent", "la"),
    table=NOTES,
)

NEEDS_BOTH = ("NoAgencyFTE", "NoAgencyHeadcount")


# A query, not an error: DfE published 16 LA-years with cover above vacancies (Sutton 2017,
# eight LAs in 2019, seven in 2020), each flagged u but accepted (docs/guide-mapping.md).
@rule(
    "170Q",
    "query",
    "Please check: agency workers covering vacancies (FTE) are more than the vacancies, which include those covered by agency workers; correct either figure or explain in a note.",
    items=("NoAgencyFTE", "NumberOfVacancies"),
    section=SECTION,
    scope="la",
    requires=("NoAgencyFTE", "NumberOfVacancies"),
)
def agency_cover_within_vacancies(c: Columns) -> pl.Expr:
    return c.t("NoAgencyFTE") <= c.t("NumberOfVacancies")


@rule(
    "171",
    "error",
    "Agency workers covering vacancies: the FTE and the headcount must both be 0 or both be more than 0.",
    items=NEEDS_BOTH,
    section=SECTION,
    scope="la",
    requires=NEEDS_BOTH,
)
def agency_cover_fte_and_headcount_agree(c: Columns) -> pl.Expr:
    return (c.t("NoAgencyFTE") == 0) == (c.t("NoAgencyHeadcount") == 0)


@rule(
    "172",
    "error",
    "Agency workers covering vacancies: the FTE cannot be more than the headcount, as no worker is more than 1 FTE.",
    items=NEEDS_BOTH,
    section=SECTION,
    scope="la",
    requires=NEEDS_BOTH,
)
def agency_cover_fte_within_headcount(c: Columns) -> pl.Expr:
    return c.t("NoAgencyFTE") <= c.t("NoAgencyHeadcount")


@rule(
    "173Q",
    "query",
    "Please check: agency workers covering vacancies average under 0.3 FTE each (FTE much lower than headcount).",
    items=NEEDS_BOTH,
    section=SECTION,
    scope="la",
    requires=NEEDS_BOTH,
)
def agency_cover_fte_plausible(c: Columns) -> pl.Expr:
    headcount = c.t("NoAgencyHeadcount")
    return (headcount == 0) | (c.t("NoAgencyFTE") >= 0.3 * headcount)


PAY = "LA level: pay and incentives"

declare(
    "155",
    "error",
    "{name} must be one of the codes 0 (No), 1 (Yes, all LA-employed social workers are eligible) or 2 (Yes, some are eligible).",
    items=(
        "RecruitmentBonus",
        "RetentionBonus",
        "PerformanceAward",
        "CarAllowance",
        "RelocationPackage",
        "RegionalWeighting",
        "CostSWE",
        "CostDBS",
    ),
    section=PAY,
    scope="la",
    since=2025,
    check=_malformed("155"),
    table=NOTES,
)
declare(
    "156",
    "error",
    "{name} must be text of at most 1000 characters.",
    items=("OtherAllowances",),
    section=PAY,
    scope="la",
    since=2025,
    check=_malformed("156"),
    table=NOTES,
)
# Up to 2024 every source (the 2021-2024 schemas, csww-2022.xsd) names the section
# LALevelVacancies: another name is an error. For 2025 the schemas come from unmerged
# branches that disagree (LALevel or LALevelVacancies) and their own reader accepts both, so
# the old name is a query: an error would rest on a fact nobody can source.
WRONG_SECTION = declare(
    "157",
    "error",
    "The LA-level section is named differently in this collection year: it must be <{la}>. Rename the element (the figures in it were still checked).",
    items=(),
    section="Returning data",
    scope="la",
    until=2024,
    check=noted("renamed", "la"),
    table=NOTES,
)
OLD_SECTION_NAME = declare(
    "158Q",
    "query",
    "Please check: the LA-level section is named as before 2025; the 2025 name is believed to be <{la}>, but this is not confirmed by DfE, so the figures were read and checked under either name.",
    items=(),
    section="Returning data",
    scope="la",
    since=2025,
    check=noted("renamed", "la"),
    table=NOTES,
)
