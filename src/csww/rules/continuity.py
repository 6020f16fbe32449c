"""Continuity rules (72x): this year's return against the LA's previous return.

They run only when a previous return is given (``csww validate --previous``). Each rule
receives one registration number's records from both years and returns the current records
at fault, or ``None`` for a problem that has no record this year.
"""

from __future__ import annotations

from csww.rules.records import WorkerKey
from csww.rules.registry import Context, rule

SECTION = "Turnover; Leavers who return within the Year"


def _in_post(keys: list[WorkerKey]) -> list[WorkerKey]:
    return [k for k in keys if k.cat == "inpost"]


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
