"""LA-level vacancy rules (15x–17x): the guide's "Aggregated Data Items"."""

from __future__ import annotations

from csww.rules.registry import View, declare, rule

SECTION = "Aggregated Data Items"

declare(
    "150",
    "error",
    "{name} is missing or empty: give the figure, recording a count of zero as 0.",
    fields=("NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount"),
    section=f"{SECTION}; How to record counts of zero",
    scope="la",
)
declare(
    "151",
    "error",
    "Number of vacancies must be a number from 0 to 9999.99 with at most 2 decimal places (an FTE).",
    fields=("NumberOfVacancies",),
    section=SECTION,
    scope="la",
)
declare(
    "152",
    "error",
    "Number of agency workers covering vacancies (FTE) must be a number from 0 to 9999.99 with at most 2 decimal places.",
    fields=("NoAgencyFTE",),
    section=SECTION,
    scope="la",
)
declare(
    "153",
    "error",
    "Number of agency workers covering vacancies (headcount) must be a whole number from 0 to 9999.",
    fields=("NoAgencyHeadcount",),
    section=SECTION,
    scope="la",
)
declare(
    "154",
    "error",
    "The return has no LA-level section (<{la}>): add it with the LA-level figures.",
    fields=(),
    section=SECTION,
    scope="la",
)

NEEDS_BOTH = ("NoAgencyFTE", "NoAgencyHeadcount")


@rule(
    "170",
    "error",
    "Agency workers covering vacancies (FTE) cannot exceed the number of vacancies, which includes those covered by agency workers.",
    fields=("NoAgencyFTE", "NumberOfVacancies"),
    section=SECTION,
    scope="la",
    needs=("NoAgencyFTE", "NumberOfVacancies"),
)
def agency_cover_within_vacancies(v: View) -> bool:
    return v.t["NoAgencyFTE"] <= v.t["NumberOfVacancies"]


@rule(
    "171",
    "error",
    "Agency workers covering vacancies: the FTE and the headcount must both be 0 or both be more than 0.",
    fields=NEEDS_BOTH,
    section=SECTION,
    scope="la",
    needs=NEEDS_BOTH,
)
def agency_cover_fte_and_headcount_agree(v: View) -> bool:
    return (v.t["NoAgencyFTE"] == 0) == (v.t["NoAgencyHeadcount"] == 0)


@rule(
    "172",
    "error",
    "Agency workers covering vacancies: the FTE cannot be more than the headcount, as no worker is more than 1 FTE.",
    fields=NEEDS_BOTH,
    section=SECTION,
    scope="la",
    needs=NEEDS_BOTH,
)
def agency_cover_fte_within_headcount(v: View) -> bool:
    return v.t["NoAgencyFTE"] <= v.t["NoAgencyHeadcount"]


@rule(
    "173Q",
    "query",
    "Please check: agency workers covering vacancies average under 0.3 FTE each (FTE much lower than headcount).",
    fields=NEEDS_BOTH,
    section=SECTION,
    scope="la",
    needs=NEEDS_BOTH,
)
def agency_cover_fte_plausible(v: View) -> bool:
    return v.t["NoAgencyHeadcount"] == 0 or v.t["NoAgencyFTE"] >= 0.3 * v.t["NoAgencyHeadcount"]


PAY = "LA level: pay and incentives"

declare(
    "155",
    "error",
    "{name} must be one of the codes 0 (No), 1 (Yes, all LA-employed social workers are eligible) or 2 (Yes, some are eligible).",
    fields=(
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
)
declare(
    "156",
    "error",
    "{name} must be text of at most 1000 characters.",
    fields=("OtherAllowances",),
    section=PAY,
    scope="la",
    since=2025,
)
declare(
    "157",
    "error",
    "The LA-level section is named differently in this collection year: it must be <{la}>. Rename the element (the figures in it were still checked).",
    fields=(),
    section="Returning data",
    scope="la",
)
