"""Why a change is refused: the return's state forbids it (:class:`WorkflowError`), or the
form or action was built from another version than the current one (:class:`StaleForm`).

Every change form and action carries the version it was built from (its ``base``). One
that does not say, or names an older version, is refused and shown what changed since; it
is never applied to whatever happens to be current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from csww_portal.models import LAReturn, ReturnVersion


class WorkflowError(Exception):
    """The action is not allowed in the return's present state; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleForm(WorkflowError):
    """The form or action was built from another version than the current one (or did not
    say which): acting on it could overwrite or approve what the person has not seen, so
    nothing is done. ``current`` is the current version's number (0: none), ``since`` the
    versions made after the one the form was built from."""

    def __init__(self, message: str, *, current: int, since: list[Later]) -> None:
        super().__init__(message)
        self.current = current
        self.since = since


@dataclass(frozen=True)
class Later:
    """A version made after the one a form was built from: what changed since it was opened."""

    number: int
    description: str
    by: str
    at: datetime


MAX_LATER = 20


def number_of(ret: LAReturn) -> int:
    """The current version's number, as forms carry it (0 when nothing is loaded yet)."""
    return ret.current.number if ret.current is not None else 0


def changes_since(ret: LAReturn, base: int | None) -> list[Later]:
    """The versions made after ``base`` (the latest ``MAX_LATER``; none when ``base`` is not
    known)."""
    if base is None:
        return []
    later = (
        ret.versions.filter(number__gt=base)
        .select_related("created_by")
        .only("number", "description", "created_at", "created_by__username")
        .order_by("-number")[:MAX_LATER]
    )
    return [
        Later(
            v.number,
            v.description,
            v.created_by.get_username() if v.created_by else "",
            v.created_at,
        )
        for v in reversed(list(later))
    ]


def stale_message(
    current: ReturnVersion | None, *, base: int | None = 0, restoring: int | None = None
) -> str:
    """What the refused page says: which version is current, by whom and when. ``base`` None
    means the form did not say which version it was built from."""
    if current is None:
        now = "The return has no current version now (its data was cleared). Nothing was saved."
    else:
        who = current.created_by.get_username() if current.created_by else "someone"
        what = (
            f"version {current.number} ({current.description[:1].lower()}"
            f"{current.description[1:]}, by {who} at "
            f"{timezone.localtime(current.created_at):%H:%M}) is now current"
        )
        if base is None:
            now = (
                "This was sent without saying which version of the return it was made from, "
                f"so nothing was saved: {what}."
            )
        elif base > current.number:
            now = (
                f"There is no version {base} of this return yet, so nothing was saved: {what}. "
                "Send the number of the version the change was made from."
            )
        else:
            now = f"The return has changed since you opened this page: {what}. Nothing was saved."
    if restoring is not None:
        return (
            f"{now} Restoring version {restoring} now would undo that change. Check the "
            "history, then restore again if you still mean to."
        )
    return now


def require_base(
    locked: LAReturn, base: int | None, *, then: str = "", restoring: int | None = None
) -> None:
    """Refuse (:class:`StaleForm`) unless ``base``, the version the form or action was built
    from, is the current one. A form that does not say (``None``) is refused too: it is never
    applied to whatever happens to be current. Call it with the return locked."""
    if base is not None and base == number_of(locked):
        return
    raise StaleForm(
        stale_message(locked.current, base=base, restoring=restoring) + then,
        current=number_of(locked),
        since=changes_since(locked, base),
    )
