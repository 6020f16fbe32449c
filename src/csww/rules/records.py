"""Rules across worker records (7xx). The engine keeps a small key per worker (never the
whole record: a fingerprint of its values stands for it) and runs these over each
registration number's records at the end.

An exact copy of an employee's record is a query (708Q), never an error: one person in two
identical part-time posts writes two identical lines ("one line per role"). Agency records
are left out of it: DfE counts each agency record as a person, and an agency record of four
or five items may match another assignment's exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csww.rules.registry import Context, rule

ROLES = "Staff Who Hold Two or More Roles"


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
    fields=("FTE", "SWENo"),
    section=ROLES,
    scope="records",
)
def combined_fte_at_most_one(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    # The guide's sentence is about the LA's own staff in two or more roles. Agency records
    # are left out: DfE counts each agency record as a person, an agency worker may hold two
    # assignments, and an employee who also works through an agency is 704Q's query.
    in_post = [k for k in group if k.cat == "inpost" and k.fte is not None]
    total = sum(k.fte for k in in_post if k.fte is not None)
    return in_post if len(in_post) > 1 and round(total, 4) > 1 else []


@rule(
    "708Q",
    "query",
    "Please check: this record is an exact copy of another record of this registration number, so its cases, sickness days and FTE are counted twice; remove the copy, or say in a note that these are two identical posts.",
    fields=("SWENo",),
    section=ROLES,
    scope="records",
)
def no_exact_copy(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    seen: set[int] = set()
    copies = []
    for key in group:
        if key.cat == "agency" or key.copy is None:
            continue
        if key.copy in seen:
            copies.append(key)
        seen.add(key.copy)
    return copies


@rule(
    "703Q",
    "query",
    "Please check: records with this registration number give different dates of birth or genders.",
    fields=("PersonBirthDate", "GenderCurrent", "SWENo"),
    section="General Data Items",
    scope="records",
)
def personal_details_agree(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    dobs = {k.dob for k in group if k.dob is not None}
    genders = {k.gender for k in group if k.gender is not None}
    return [k for k in group if k.dob or k.gender] if len(dobs) > 1 or len(genders) > 1 else []


@rule(
    "704Q",
    "query",
    "Please check: this registration number is recorded both as an employee in post and as an agency worker at 30 September.",
    fields=("AgencyWorker", "SWENo"),
    section="Agency Workers",
    scope="records",
)
def not_both_employee_and_agency(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    cats = {k.cat for k in group}
    return (
        [k for k in group if k.cat in ("inpost", "agency")] if {"inpost", "agency"} <= cats else []
    )


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
    fields=("RoleStartDate", "SWENo"),
    section="Leavers who return within the Year; Turnover – Leaving date",
    scope="records",
)
def returner_starts_after_leaving(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    ends = {k.end for k in group if k.cat == "leaver" and k.end is not None}
    return [k for k in group if k.cat == "inpost" and k.start is not None and k.start in ends]


@rule(
    "706Q",
    "query",
    "Please check: this registration number has more than one leaver record with the same leaving date.",
    fields=("RoleEndDate", "SWENo"),
    section="Leavers who return within the Year",
    scope="records",
)
def one_leaving_per_date(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    seen: set[date] = set()
    failing = []
    for key in group:
        if key.cat == "leaver" and key.end is not None:
            if key.end in seen:
                failing.append(key)
            seen.add(key.end)
    return failing


@rule(
    "707Q",
    "query",
    "Please check: this post is recorded both in post and as a leaver (same registration number, date of birth and starting date); keep the leaver record if the worker left, or the in-post record if not.",
    fields=("RoleStartDate", "RoleEndDate", "SWENo"),
    section="Leavers who return within the Year; Staff Who Hold Two or More Roles",
    scope="records",
)
def not_both_in_post_and_left(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    # A query, not an error: two part-time roles taken up on the same day, one since left,
    # are valid ("one line per role"). The usual cause is a leaver not removed from the
    # in-post list, which counts them in post and as a leaver (headcount and turnover).
    left = {(k.dob, k.start) for k in group if k.cat == "leaver" and k.start and k.dob}
    return [k for k in group if k.cat == "inpost" and (k.dob, k.start) in left]
