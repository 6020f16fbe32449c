"""LA-level vacancy rules (15x–17x): the guide's "Aggregated Data Items"."""

from __future__ import annotations

from csww.rules.registry import View, declare, rule

SECTION = "Aggregated Data Items"

MISSING = declare(
    "150",
    "error",
    "{name} is missing or empty: every return must give it, never blank (record a count of none as 0; for a code, choose one from its list).",
    fields=("NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount"),
    section=f"{SECTION}; How to record counts of zero",
    scope="la",
)
VACANCIES_FORMAT = declare(
    "151",
    "error",
    "Number of vacancies must be a number from 0 to 9999.99 with at most 2 decimal places (an FTE).",
    fields=("NumberOfVacancies",),
    section=SECTION,
    scope="la",
)
COVER_FTE_FORMAT = declare(
    "152",
    "error",
    "Number of agency workers covering vacancies (FTE) must be a number from 0 to 9999.99 with at most 2 decimal places.",
    fields=("NoAgencyFTE",),
    section=SECTION,
    scope="la",
)
COVER_HEADCOUNT_FORMAT = declare(
    "153",
    "error",
    "Number of agency workers covering vacancies (headcount) must be a whole number from 0 to 9999.",
    fields=("NoAgencyHeadcount",),
    section=SECTION,
    scope="la",
)
NO_SECTION = declare(
    "154",
    "error",
    "The return has no LA-level section (<{la}>): add it with the LA-level figures.",
    fields=(),
    section=SECTION,
    scope="la",
)

# Each LA-level item's format rule, for the engine.
FORMAT_RULES = {
    rule.fields[0]: rule.id for rule in (VACANCIES_FORMAT, COVER_FTE_FORMAT, COVER_HEADCOUNT_FORMAT)
}

NEEDS_BOTH = ("NoAgencyFTE", "NoAgencyHeadcount")


# A query, not an error: DfE published 16 LA-years with cover above vacancies (Sutton 2017,
# eight LAs in 2019, seven in 2020), each flagged u but accepted (docs/guide-mapping.md).
@rule(
    "170Q",
    "query",
    "Please check: agency workers covering vacancies (FTE) are more than the vacancies, which include those covered by agency workers; correct either figure or explain in a note.",
    fields=("NoAgencyFTE", "NumberOfVacancies"),
    section=SECTION,
    scope="la",
    needs=("NoAgencyFTE", "NumberOfVacancies"),
)
def agency_cover_within_vacancies(v: View) -> bool:
    return bool(v.t["NoAgencyFTE"] <= v.t["NumberOfVacancies"])


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
    return bool((v.t["NoAgencyFTE"] == 0) == (v.t["NoAgencyHeadcount"] == 0))


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
    return bool(v.t["NoAgencyFTE"] <= v.t["NoAgencyHeadcount"])


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
    return bool(
        v.t["NoAgencyHeadcount"] == 0 or v.t["NoAgencyFTE"] >= 0.3 * v.t["NoAgencyHeadcount"]
    )


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
# Up to 2024 every source (the 2021-2024 schemas, csww-2022.xsd) names the section
# LALevelVacancies: another name is an error. For 2025 the schemas come from unmerged
# branches that disagree (LALevel or LALevelVacancies) and their own reader accepts both, so
# the old name is a query: an error would rest on a fact nobody can source.
WRONG_SECTION = declare(
    "157",
    "error",
    "The LA-level section is named differently in this collection year: it must be <{la}>. Rename the element (the figures in it were still checked).",
    fields=(),
    section="Returning data",
    scope="la",
    until=2024,
)
OLD_SECTION_NAME = declare(
    "158Q",
    "query",
    "Please check: the LA-level section is named as before 2025; the 2025 name is believed to be <{la}>, but this is not confirmed by DfE, so the figures were read and checked under either name.",
    fields=(),
    section="Returning data",
    scope="la",
    since=2025,
)


def wrong_section(year: int) -> str:
    """The rule for an LA-level section under another year's name."""
    return WRONG_SECTION.id if WRONG_SECTION.applies_to(year) else OLD_SECTION_NAME.id
