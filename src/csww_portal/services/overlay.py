"""A refused form, shown without losing anything: the record as it is now, with the person's
own changes laid over only the items they changed, and every difference marked.

A form carries the version it was built from (its ``base``). When another version is current
by the time it is posted, the portal compares three states of each item: what the form was
built from (the base version), what the person posted, and what is stored now. An item the
person did not change shows the value as it is now (so saving again never writes a stale
value back); an item they did change keeps what they typed. Each item where these differ
carries a note saying what changed and who changed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csww.model import Record
from csww.reader import read
from csww_portal.models import LAReturn, ReturnVersion
from csww_portal.services import identity


@dataclass
class Change:
    """One item where the base, the person's value and the stored value differ."""

    element: str
    before: str  # in the version the form was built from
    yours: str | None  # what the person typed, when they changed the item
    now: str  # as stored in the current version

    @property
    def conflict(self) -> bool:
        """Both the person and someone else changed the item, to different values."""
        return self.yours is not None and self.now != self.before and self.yours != self.now


@dataclass
class Overlay:
    values: dict[str, str]  # what the form shows now
    changes: dict[str, Change] = field(default_factory=dict)
    base_known: bool = True


def _clean(value: str | None) -> str:
    return (value or "").strip()


def base_version(ret: LAReturn, number: int | None) -> ReturnVersion | None:
    if number is None or number < 1:
        return None
    return ret.versions.select_related("upload").filter(number=number).first()


def base_worker(ret: LAReturn, number: int | None, record_id: str) -> Record | None:
    """The worker ``record_id`` as it was in version ``number`` (None: not there, or no such
    version)."""
    version = base_version(ret, number)
    if version is None:
        return None
    parsed = read(version.xml_bytes())
    index = identity.position(identity.ids_of(ret, version, parsed), record_id)
    return parsed.workers[index - 1] if index else None


def base_la(ret: LAReturn, number: int | None) -> Record | None:
    version = base_version(ret, number)
    if version is None:
        return None
    return read(version.xml_bytes()).la or Record()


def overlay(
    elements: list[str], before: Record | None, typed: dict[str, str], now: Record | None
) -> Overlay:
    """The form to show again. ``before`` None means the base is unknown: then every typed
    value that differs from the stored one is taken as the person's change (and marked)."""
    stored = now.values if now is not None else {}
    out = Overlay(values=dict(stored), base_known=before is not None)
    old = before.values if before is not None else stored
    for element in elements:
        was, mine, current = (
            _clean(old.get(element)),
            _clean(typed.get(element)),
            _clean(stored.get(element)),
        )
        changed_by_me = element in typed and mine != was
        if changed_by_me:
            out.values[element] = mine
        if (changed_by_me and mine != current) or (not changed_by_me and current != was):
            out.changes[element] = Change(element, was, mine if changed_by_me else None, current)
    return out


def describe(change: Change, label: str, version: ReturnVersion, *, form: bool = True) -> str:
    """One sentence on an item's difference, for the field and the error summary. ``form``
    false: the page has no form (the delete page, which lists the differences and asks again),
    so the sentence only says what changed."""
    who = version.created_by.get_username() if version.created_by else "someone"

    def shown(value: str) -> str:
        return f"‘{value}’" if value else "blank"

    if change.yours is None:
        return (
            f"{label}: changed by {who} in version {version.number} from {shown(change.before)} "
            f"to {shown(change.now)}." + (" The form shows the new value." if form else "")
        )
    if change.conflict:
        return (
            f"{label}: you changed it from {shown(change.before)} to {shown(change.yours)}, "
            f"but {who} changed it to {shown(change.now)} in version {version.number}. "
            "The form shows your value: check which is right."
        )
    return (
        f"{label}: your change from {shown(change.before)} to {shown(change.yours)} is not "
        f"saved yet (version {version.number} has {shown(change.now)})."
    )
