"""Rules across worker records (7xx). The engine keeps a small key per worker (never the
whole record) and runs these over each registration number's records at the end."""

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
    fingerprint: int
    fte30: float | None = None


@rule(
    "701",
    "error",
    "The combined FTE of this registration number's posts at 30 September is more than 1: the FTEs of a worker's roles must not add up to more than 1.",
    fields=("FTE", "SWENo"),
    section=ROLES,
    scope="records",
)
def combined_fte_at_most_one(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    in_post = [k for k in group if k.cat in ("inpost", "agency") and k.fte is not None]
    total = sum(k.fte for k in in_post if k.fte is not None)
    return in_post if len(in_post) > 1 and total > 1.000001 else []


@rule(
    "702",
    "error",
    "This record is an exact copy of an earlier record for the same registration number: remove the duplicate.",
    fields=("SWENo",),
    section=ROLES,
    scope="records",
)
def no_exact_duplicates(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    seen: set[int] = set()
    failing = []
    for key in group:
        if key.fingerprint in seen:
            failing.append(key)
        seen.add(key.fingerprint)
    return failing


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


@rule(
    "705Q",
    "query",
    "Please check: a leaver who returned should have a new post starting after the earlier post's leaving date.",
    fields=("RoleStartDate", "SWENo"),
    section="Leavers who return within the Year",
    scope="records",
)
def returner_starts_after_leaving(group: list[WorkerKey], ctx: Context) -> list[WorkerKey]:
    ends = [k.end for k in group if k.cat == "leaver" and k.end is not None]
    if not ends:
        return []
    return [
        k
        for k in group
        if k.cat == "inpost"
        and k.start is not None
        and k.start <= max(ends)
        and k.start > ctx.previous_reference_date
    ]


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
