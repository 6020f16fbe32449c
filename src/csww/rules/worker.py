"""Worker rules across items (5xx): leavers, starters, ages, absence, cases and plausibility.

Each function gives the *valid* condition as a column expression over every worker of the
return at once (:class:`~csww.rules.registry.Columns`); the engine applies it only to the
rows of the rule's categories whose items in ``needs`` hold valid values (a missing or
malformed item is reported once, by its own item rule).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from csww.rules.registry import Columns, rule

IN_POST = ("inpost", "agency")
EMPLOYED = ("inpost", "leaver")
TURNOVER = "Turnover"


@rule(
    "501",
    "error",
    "Leaving date must fall within the collection year (1 October of the previous year to 30 September).",
    items=("RoleEndDate",),
    section="Turnover – Leaving date",
    scope="worker",
    categories=("leaver",),
    requires=("RoleEndDate",),
)
def leaving_date_in_collection_year(c: Columns) -> pl.Expr:
    return c.t("RoleEndDate").is_between(c.day(c.ctx.period_start), c.day(c.ctx.reference_date))


# A leaver's FTE. The 2017 guide: "For leavers, please record a 0". DfE's published leavers'
# FTE is about 0.92 x leavers' headcount in every year 2017-2025 and 0 only for the three LAs
# that followed that sentence in 2017, so DfE sums the FTE recorded on leaver records; from
# 2018 a leaver's FTE is their FTE when they left, and only 2017 queries it (docs/years.md).
@rule(
    "502Q",
    "query",
    "Please check: in 2017 the guide asks for a leaver's FTE at 30 September to be recorded as 0 ('For leavers, please record a 0'); if you record the FTE they worked, say so in a note.",
    items=("FTE",),
    section="General Data Items – FTE as at 30 September",
    scope="worker",
    until=2017,
    categories=("leaver",),
    requires=("FTE",),
)
def leaver_fte_is_zero(c: Columns) -> pl.Expr:
    return c.t("FTE") == 0


@rule(
    "503Q",
    "query",
    "Please check: in 2017 the guide asks for leavers to be recorded with an FTE of 0, but FTE is missing.",
    items=("FTE",),
    section="General Data Items – FTE as at 30 September",
    scope="worker",
    until=2017,
    categories=("leaver",),
)
def leaver_fte_recorded(c: Columns) -> pl.Expr:
    return c.raw("FTE").is_not_null()


@rule(
    "504",
    "error",
    "Leaving date must not be before the starting date.",
    items=("RoleEndDate", "RoleStartDate"),
    section="Turnover",
    scope="worker",
    categories=("leaver",),
    requires=("RoleEndDate", "RoleStartDate"),
)
def leaving_not_before_start(c: Columns) -> pl.Expr:
    return c.t("RoleEndDate") >= c.t("RoleStartDate")


@rule(
    "505",
    "error",
    "Starting date must not be after the census date (30 September).",
    items=("RoleStartDate",),
    section="Turnover – Starting date",
    scope="worker",
    requires=("RoleStartDate",),
)
def start_not_after_census(c: Columns) -> pl.Expr:
    return c.t("RoleStartDate") <= c.day(c.ctx.reference_date)


@rule(
    "506",
    "error",
    "Worker started after the previous 30 September, so their FTE at that date (FTE30) must be 0.",
    items=("FTE30", "RoleStartDate"),
    section="Turnover – FTE as at previous 30 September; Starters who leave within the Year",
    scope="worker",
    requires=("FTE30", "RoleStartDate"),
)
def starter_fte30_is_zero(c: Columns) -> pl.Expr:
    return (c.t("RoleStartDate") <= c.day(c.ctx.previous_reference_date)) | (c.t("FTE30") == 0)


@rule(
    "507Q",
    "query",
    "Please check: FTE at the previous 30 September is 0 although the worker started before that date.",
    items=("FTE30", "RoleStartDate"),
    section="Turnover – FTE as at previous 30 September",
    scope="worker",
    categories=("inpost",),
    requires=("FTE30", "RoleStartDate"),
)
def long_serving_fte30_not_zero(c: Columns) -> pl.Expr:
    return (c.t("RoleStartDate") > c.day(c.ctx.previous_reference_date)) | (c.t("FTE30") > 0)


@rule(
    "508",
    "error",
    "Starting date must be at least 16 years after the date of birth.",
    items=("RoleStartDate", "PersonBirthDate"),
    section="General Data Items; Turnover – Starting date",
    scope="worker",
    requires=("RoleStartDate", "PersonBirthDate"),
)
def start_after_sixteenth_birthday(c: Columns) -> pl.Expr:
    return c.years_between(c.t("PersonBirthDate"), c.t("RoleStartDate")) >= 16


@rule(
    "509Q",
    "query",
    "Please check: the worker was under 20 when they started as a qualified social worker.",
    items=("RoleStartDate", "PersonBirthDate"),
    section="Definition of a child and family social worker",
    scope="worker",
    requires=("RoleStartDate", "PersonBirthDate"),
)
def plausible_age_at_start(c: Columns) -> pl.Expr:
    age = c.years_between(c.t("PersonBirthDate"), c.t("RoleStartDate"))
    return (age >= 20) | (age < 16)


@rule(
    "510",
    "error",
    "Date of birth must be before the census date.",
    items=("PersonBirthDate",),
    section="General Data Items – Date of birth",
    scope="worker",
    requires=("PersonBirthDate",),
)
def born_before_census(c: Columns) -> pl.Expr:
    return c.t("PersonBirthDate") < c.day(c.ctx.reference_date)


@rule(
    "511Q",
    "query",
    "Please check: the worker's age at 30 September is outside the usual working range of 20 to 70.",
    items=("PersonBirthDate",),
    section="General Data Items – Date of birth",
    scope="worker",
    requires=("PersonBirthDate",),
)
def age_in_working_range(c: Columns) -> pl.Expr:
    born, census = c.t("PersonBirthDate"), c.day(c.ctx.reference_date)
    return (born >= census) | c.years_between(born, census).is_between(20, 70)


@rule(
    "512",
    "error",
    "Reason for absence is given but Absent on 30 September is 0 (No): give a reason only for workers who were absent, or record 1 (Yes).",
    items=("ReasonAbsence", "Absat30Sept"),
    section="Case Management – Reason for absence",
    scope="worker",
    requires=("ReasonAbsence", "Absat30Sept"),
)
def reason_only_when_absent(c: Columns) -> pl.Expr:
    return c.t("Absat30Sept") == "1"


@rule(
    "530Q",
    "query",
    "Please check: a reason for absence is given but Absent on 30 September is not; record 1 (Yes) if the worker was absent.",
    items=("Absat30Sept", "ReasonAbsence"),
    section="Case Management – Reason for absence",
    scope="worker",
    requires=("ReasonAbsence",),
)
def absence_flag_with_reason(c: Columns) -> pl.Expr:
    # Where the flag is mandatory its absence is already an error (2nn); where it is
    # voluntary (2017; agency workers) a reason alone is not a contradiction, only a gap.
    flag = c.ctx.spec.worker.get("Absat30Sept")
    mandatory = [k for k, v in flag.status.items() if v == "mandatory"] if flag else []
    return c.given("Absat30Sept") | c.cat.is_in(mandatory)


@rule(
    "513",
    "error",
    "The worker was absent on 30 September: give the reason for absence.",
    items=("ReasonAbsence", "Absat30Sept"),
    section="Case Management – Reason for absence; Statutory status of data items",
    scope="worker",
    since=2018,
    categories=EMPLOYED,
    requires=("Absat30Sept",),
)
def reason_when_absent(c: Columns) -> pl.Expr:
    return (c.t("Absat30Sept") != "1") | c.given("ReasonAbsence")


@rule(
    "514Q",
    "query",
    "Please check: the worker was absent on 30 September but no reason for absence is given.",
    items=("ReasonAbsence", "Absat30Sept"),
    section="Case Management – Reason for absence",
    scope="worker",
    until=2017,
    requires=("Absat30Sept",),
)
def reason_when_absent_voluntary(c: Columns) -> pl.Expr:
    return (c.t("Absat30Sept") != "1") | c.given("ReasonAbsence")


@rule(
    "515Q",
    "query",
    "Please check: agency worker absent on 30 September with no reason for absence.",
    items=("ReasonAbsence", "Absat30Sept"),
    section="Case Management – Reason for absence",
    scope="worker",
    since=2018,
    categories=("agency",),
    requires=("Absat30Sept",),
)
def agency_reason_when_absent(c: Columns) -> pl.Expr:
    return (c.t("Absat30Sept") != "1") | c.given("ReasonAbsence")


@rule(
    "516Q",
    "query",
    "Please check: a leaver who left before the census day (30 September, or the last working day of September when the 30th is a weekend) is recorded as absent on it.",
    items=("Absat30Sept", "RoleEndDate"),
    section="Case Management – Absent on 30 September",
    scope="worker",
    categories=("leaver",),
    requires=("Absat30Sept", "RoleEndDate"),
)
def leaver_not_absent(c: Columns) -> pl.Expr:
    return (c.t("Absat30Sept") != "1") | (c.t("RoleEndDate") >= c.day(c.ctx.census_day))


@rule(
    "517Q",
    "query",
    "Please check: a case holder (role 5) holds no cases at 30 September.",
    items=("Cases30", "OrgRole"),
    section="Definition of a child and family social worker; Caseload Calculation",
    scope="worker",
    categories=IN_POST,
    requires=("Cases30", "OrgRole"),
)
def case_holder_has_cases(c: Columns) -> pl.Expr:
    return (c.t("OrgRole") != "5") | (c.t("Cases30") > 0)


@rule(
    "518Q",
    "query",
    "Please check: a worker in the role 'Qualified without cases' (6) holds cases.",
    items=("Cases30", "OrgRole"),
    section="Definition of a child and family social worker",
    scope="worker",
    categories=IN_POST,
    requires=("Cases30", "OrgRole"),
)
def without_cases_holds_none(c: Columns) -> pl.Expr:
    return (c.t("OrgRole") != "6") | (c.t("Cases30") == 0)


@rule(
    "519Q",
    "query",
    "Please check: more than 40 cases held by one worker is a very high caseload; count each child once, against the allocated lead social worker.",
    items=("Cases30",),
    section="Definition of a case; Case Management",
    scope="worker",
    requires=("Cases30",),
)
def caseload_plausible(c: Columns) -> pl.Expr:
    return c.t("Cases30") <= 40


@rule(
    "520Q",
    "query",
    "Please check: the days lost to sickness are more than the worker's working days in the year (253 days × FTE).",
    items=("WorkingDaysLost", "FTE"),
    section="Sickness Absence",
    scope="worker",
    requires=("WorkingDaysLost",),
)
def sickness_within_working_year(c: Columns) -> pl.Expr:
    days = c.t("WorkingDaysLost")
    working = c.ctx.spec.working_days
    fte = pl.max_horizontal(c.t("FTE").fill_null(0.0), c.t("FTE30").fill_null(0.0))
    return (
        pl.when(c.cat == "leaver")
        .then(days <= working)
        .otherwise((fte == 0) | (days <= working * fte + 0.005))
    )


@rule(
    "521Q",
    "query",
    "Please check: the worker is in post at 30 September with an FTE of 0; if they left, record a leaving date.",
    items=("FTE",),
    section="General Data Items – FTE as at 30 September",
    scope="worker",
    categories=IN_POST,
    requires=("FTE",),
)
def in_post_fte_positive(c: Columns) -> pl.Expr:
    return c.t("FTE") > 0


@rule(
    "522Q",
    "query",
    "Please check: the worker is recorded as both a Step Up graduate and a Frontline graduate.",
    items=("StepUpGrad", "FrontlineGrad"),
    section="Qualification and Role information",
    scope="worker",
    requires=("StepUpGrad", "FrontlineGrad"),
)
def one_fast_track_programme(c: Columns) -> pl.Expr:
    return ~((c.t("StepUpGrad") == "1") & (c.t("FrontlineGrad") == "1"))


@rule(
    "523Q",
    "query",
    "Please check: the leaver retired or died but their destination is a social work or social care role.",
    items=("LeaverDestination", "ReasonLeave"),
    section="Turnover – Destination of leaver",
    scope="worker",
    categories=("leaver",),
    requires=("LeaverDestination", "ReasonLeave"),
)
def retired_or_deceased_destination(c: Columns) -> pl.Expr:
    return ~c.t("ReasonLeave").is_in(["5", "6"]) | ~c.t("LeaverDestination").is_in(
        ["1", "2", "3", "4", "5"]
    )


@rule(
    "524Q",
    "query",
    "Please check: the leaver moved to a non-child and family social work role within the LA, but their destination is a social work role elsewhere.",
    items=("LeaverDestination", "ReasonLeave"),
    section="Turnover – Reason for leaving",
    scope="worker",
    categories=("leaver",),
    requires=("LeaverDestination", "ReasonLeave"),
)
def moved_within_la_destination(c: Columns) -> pl.Expr:
    return (c.t("ReasonLeave") != "7") | ~c.t("LeaverDestination").is_in(["1", "2", "3", "4"])


@rule(
    "525Q",
    "query",
    "Please check: the worker was absent through sickness on 30 September but no days were lost to sickness in the year.",
    items=("WorkingDaysLost", "ReasonAbsence"),
    section="Sickness Absence",
    scope="worker",
    requires=("ReasonAbsence", "WorkingDaysLost"),
)
def sick_on_census_day_has_days_lost(c: Columns) -> pl.Expr:
    return (c.t("ReasonAbsence") != "SIC") | (c.t("WorkingDaysLost") > 0)


@rule(
    "526Q",
    "query",
    "Please check: an agency assignment of more than 500 weeks (nearly 10 years) is unusually long.",
    items=("ContractWeeks",),
    section="Agency Workers",
    scope="worker",
    categories=("agency",),
    requires=("ContractWeeks",),
)
def agency_assignment_plausible(c: Columns) -> pl.Expr:
    return c.t("ContractWeeks") <= 500


@rule(
    "528Q",
    "query",
    "Please check: HCPC registration numbers of social workers begin with SW.",
    items=("SWENo",),
    section="General Data Items – Social Worker (HCPC) identifier",
    scope="worker",
    requires=("SWENo",),
)
def registration_number_prefix(c: Columns) -> pl.Expr:
    return c.t("SWENo").str.slice(0, 2).str.to_uppercase() == "SW"


@rule(
    "529Q",
    "query",
    "Please check: a newly qualified social worker (origin 1) who was over 60 when they started.",
    items=("StartOrigin", "PersonBirthDate", "RoleStartDate"),
    section="Turnover – Origin when started",
    scope="worker",
    requires=("StartOrigin", "PersonBirthDate", "RoleStartDate"),
)
def newly_qualified_age_plausible(c: Columns) -> pl.Expr:
    return (c.t("StartOrigin") != "1") | (
        c.years_between(c.t("PersonBirthDate"), c.t("RoleStartDate")) <= 60
    )


@rule(
    "531Q",
    "query",
    "Please check: the leaver started and left within the year, so the guide asks for their FTE at the previous 30 September (FTE30) to be recorded as 0.",
    items=("FTE30", "RoleStartDate"),
    section="Starters who leave within the Year",
    scope="worker",
    categories=("leaver",),
    requires=("RoleStartDate",),
)
def starter_leaver_fte30_given(c: Columns) -> pl.Expr:
    # "ensure that their FTE is recorded correctly at both time points (it should be 0)";
    # the status table marks FTE30 not applicable to leavers, so a gap is a query, not an error.
    return (c.t("RoleStartDate") <= c.day(c.ctx.previous_reference_date)) | c.given("FTE30")


# From 2018 a leaver's FTE is the FTE they worked when they left, and DfE's leavers' FTE and
# FTE turnover rate sum it (docs/years.md): a leaver with FTE 0 or none counts as no leaver
# in the FTE turnover. DfE flagged exactly this: Sunderland 2024, 28 leavers with a leavers'
# FTE of 2, re-published as "u". A query: a leaver may have had a 0 FTE contract (casual).
@rule(
    "532Q",
    "query",
    "Please check: the leaver's FTE is 0; record the FTE they worked when they left, which DfE's leavers' FTE and FTE turnover rate count (a leaver with FTE 0 is left out of them).",
    items=("FTE",),
    section="General Data Items – FTE as at 30 September; Turnover",
    scope="worker",
    since=2018,
    categories=("leaver",),
    requires=("FTE",),
)
def leaver_fte_worked(c: Columns) -> pl.Expr:
    return c.t("FTE") > 0


@rule(
    "533Q",
    "query",
    "Please check: the leaver has no FTE; record the FTE they worked when they left, which DfE's leavers' FTE and FTE turnover rate count.",
    items=("FTE",),
    section="General Data Items – FTE as at 30 September; Turnover",
    scope="worker",
    since=2018,
    categories=("leaver",),
)
def leaver_fte_given(c: Columns) -> pl.Expr:
    return c.given("FTE")


# The 2017 guide lists 1 Male and 2 Female; the 2021 schemas add 0 Not known and 9 Not
# specified. DfE's 2019 data guidance says some social workers' genders were not known in
# 2018 and 2019, so such returns were accepted: the codes are in the 2018 code list, and
# this query asks for a note (the codes COLLECT used for them before 2021 are not known).
@rule(
    "534Q",
    "query",
    "Please check: Gender 0 (Not known) or 9 (Not specified) is in DfE's code list from 2021; for 2018 to 2020 DfE's data guidance says some genders were not known, so the code is accepted, but say why in a note.",
    items=("GenderCurrent",),
    section="General Data Items – Gender",
    scope="worker",
    since=2018,
    until=2020,
    requires=("GenderCurrent",),
)
def gender_known(c: Columns) -> pl.Expr:
    return c.t("GenderCurrent").is_in(["1", "2"])


# An agency worker is recorded only if "in post at 30 September"; an agency record with a
# leaving date (one third-party sample's ended in 1990) is not in post, so the statistics
# leave it out of agency headcount, FTE and cases. It was counted before, and its 72 cases
# made a caseload of 138.1. A query: the record may be in post with a stray date.
@rule(
    "535Q",
    "query",
    "Please check: an agency worker's record has a leaving date, so it is not an agency worker in post at 30 September and is left out of the agency headcount, FTE and caseload; remove the record if the assignment ended, or the leaving date if it did not.",
    items=("RoleEndDate",),
    section="Agency Workers",
    scope="worker",
    categories=("agency",),
)
def agency_has_no_leaving_date(c: Columns) -> pl.Expr:
    return c.t("RoleEndDate").is_null()


# "A Frontline graduate refers to a graduate of the government fast-track 'Frontline'
# programme which began in 2014." A graduate cannot have started in post before then.
FRONTLINE_BEGAN = date(2014, 1, 1)


@rule(
    "536Q",
    "query",
    "Please check: a Frontline graduate who started before 2014, when the Frontline programme began; check the starting date and the Frontline graduate flag.",
    items=("FrontlineGrad", "RoleStartDate"),
    section="Qualification and Role information – Frontline graduate",
    scope="worker",
    requires=("FrontlineGrad", "RoleStartDate"),
)
def frontline_after_programme_began(c: Columns) -> pl.Expr:
    return (c.t("FrontlineGrad") != "1") | (c.t("RoleStartDate") >= c.day(FRONTLINE_BEGAN))
