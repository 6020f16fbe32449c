"""Continuity rules (72x): this year's return against the LA's previous return.

They run only when a previous return is given (``csww validate --previous``). Each rule
receives one registration number's records from both years (either list may be empty) and
returns the current records at fault, or ``None`` for a problem that has no record this
year. Together they make the LA's continuity report (``csww flows --continuity``), as
DfE's COLLECT gives each LA against its previous return (``docs/flows.md``).

Every one is a query, never an error: last year's return may itself have been wrong, and a
worker may lawfully leave and come back. The evidence for each is the guide's wording, quoted
in its docstring.
"""

from __future__ import annotations

from csww.rules.records import WorkerKey
from csww.rules.registry import Context, rule
from csww.sex import normalise

SECTION = "Turnover; Leavers who return within the Year"


def _in_post(keys: list[WorkerKey]) -> list[WorkerKey]:
    return [k for k in keys if k.cat == "inpost"]


def _unexpected_newcomers(
    current: list[WorkerKey], previous: list[WorkerKey], category: str, ctx: Context
) -> list[WorkerKey | None]:
    """Records of ``category`` for someone not in post last year who started on or before
    last year's census date (so was in post then, by their own starting date)."""
    if _in_post(previous):
        return []
    return [
        k
        for k in current
        if k.cat == category and k.start is not None and k.start <= ctx.previous_reference_date
    ]


@rule(
    "720Q",
    "query",
    "Please check: a worker in post at last year's census is in neither this year's workers in post nor its leavers; if they left, add a leaver record.",
    fields=("SWENo",),
    section=SECTION,
    scope="continuity",
)
def last_years_workers_accounted_for(
    current: list[WorkerKey], previous: list[WorkerKey], ctx: Context
) -> list[WorkerKey | None]:
    return [None] if _in_post(previous) and not current else []


@rule(
    "721Q",
    "query",
    "Please check: FTE at the previous 30 September differs from the FTE this worker had in last year's return.",
    fields=("FTE30",),
    section="Turnover – FTE as at previous 30 September",
    scope="continuity",
)
def fte30_matches_last_year(
    current: list[WorkerKey], previous: list[WorkerKey], ctx: Context
) -> list[WorkerKey | None]:
    now, then = _in_post(current), _in_post(previous)
    if len(now) != 1 or len(then) != 1 or now[0].fte30 is None or then[0].fte is None:
        return []
    if now[0].start is not None and now[0].start > ctx.previous_reference_date:
        return []  # left and came back this year: a starter's FTE30 is 0 (error 506)
    return [now[0]] if abs(now[0].fte30 - then[0].fte) > 0.000001 else []


@rule(
    "722Q",
    "query",
    "Please check: the starting date differs from last year's return although the worker has no leaver record; a move within children's social work is not a new start.",
    fields=("RoleStartDate",),
    section="Turnover – Starting date",
    scope="continuity",
)
def start_date_stable(
    current: list[WorkerKey], previous: list[WorkerKey], ctx: Context
) -> list[WorkerKey | None]:
    now, then = _in_post(current), _in_post(previous)
    if len(now) != 1 or len(then) != 1 or any(k.cat == "leaver" for k in current):
        return []
    a, b = now[0].start, then[0].start
    return [now[0]] if a is not None and b is not None and a != b else []


@rule(
    "723Q",
    "query",
    "Please check: this leaver was not in post in last year's return, yet their starting date is before this collection year; correct the starting date, or check that last year's return included them.",
    fields=("RoleStartDate",),
    section="Turnover – Starting date",
    scope="continuity",
)
def leaver_was_in_post_or_started(
    current: list[WorkerKey], previous: list[WorkerKey], ctx: Context
) -> list[WorkerKey | None]:
    """A leaver who started before 1 October of the previous year was in post at last year's
    census (the guide: starting date is "the date the child and family social worker joined"),
    so last year's return should hold them in post."""
    return _unexpected_newcomers(current, previous, "leaver", ctx)


@rule(
    "724Q",
    "query",
    "Please check: this worker in post was not in post in last year's return, yet their starting date is on or before last year's census date; a starter's starting date falls in this collection year, so correct the date or check last year's return.",
    fields=("RoleStartDate",),
    section="Turnover – Starting date",
    scope="continuity",
)
def newcomer_started_this_year(
    current: list[WorkerKey], previous: list[WorkerKey], ctx: Context
) -> list[WorkerKey | None]:
    """The guide: record "the date the child and family social worker joined a vacant child
    and family social worker post in your local authority"; someone who joined on or before
    last year's census date was in post then and belongs in last year's return."""
    return _unexpected_newcomers(current, previous, "inpost", ctx)


@rule(
    "725Q",
    "query",
    "Please check: the date of birth differs from the one this registration number had in last year's return; correct whichever is wrong.",
    fields=("PersonBirthDate",),
    section="General Data Items – Date of birth",
    scope="continuity",
)
def birth_date_unchanged(
    current: list[WorkerKey], previous: list[WorkerKey], ctx: Context
) -> list[WorkerKey | None]:
    """A person's date of birth does not change; the registration number identifies the
    person across years (the guide: it helps "identify patterns in social worker migration")."""
    before = {k.dob for k in previous if k.dob is not None}
    if len(before) != 1:
        return []
    return [k for k in current if k.dob is not None and k.dob not in before]


@rule(
    "726Q",
    "query",
    "Please check: the sex (gender) differs from the one this registration number had in last year's return; correct it if it was recorded wrongly.",
    fields=("GenderCurrent", "Sex"),  # the item of the year (Gender to 2023, Sex from 2024)
    section="General Data Items – Gender",
    scope="continuity",
)
def sex_unchanged(
    current: list[WorkerKey], previous: list[WorkerKey], ctx: Context
) -> list[WorkerKey | None]:
    """Compared as male or female whatever the year's codes (1/2 until 2023, M/F from 2024;
    "not known" and "not specified" never count as a change). A query, not an error: a
    person's recorded sex or gender can change."""
    before = {normalise(k.gender) for k in previous} - {None}
    if len(before) != 1:
        return []
    return [k for k in current if normalise(k.gender) not in (None, *before)]
