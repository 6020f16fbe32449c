"""State changes: notes, submit, approve and reopen, each checked and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from csww.reader import read
from csww.rules import RULES
from csww.spec import spec_for
from csww.xmlsafe import control_character, unwritable
from csww_portal.models import AuditEvent, LAReturn, Note, Role, State
from csww_portal.services import audit, status
from csww_portal.services.refusals import WorkflowError, number_of, require_base

MAX_NOTE = 2000
SAME_PERSON = (
    "You submitted this return, so another person must approve it: approval is a second "
    "check. Ask your local authority's other approver. If nobody else can, ask the DfE "
    "helpdesk to give a second person (for example your manager) the approver role."
)


def add_note(
    ret: LAReturn,
    user: Any,
    text: str,
    *,
    base: int | None,
    worker: str = "",
    rule: str = "",
    field: str = "",
) -> Note:
    """A note, written on the page of version ``base``: when another version is current (or
    the page did not say which), the query it explains may have gone or changed, so it is
    refused and the person shown the return as it is now."""
    text = text.strip()
    if not text:
        raise WorkflowError("Enter a note.")
    if len(text) > MAX_NOTE:
        raise WorkflowError(f"The note must be {MAX_NOTE} characters or fewer.")
    found = next(filter(None, (unwritable(t) for t in (text, worker, rule, field))), None)
    if found is not None:
        raise WorkflowError(
            f"{control_character('The note', found)} Retype that part of the note and save "
            "again. Nothing was saved."
        )
    with transaction.atomic():
        locked = (
            LAReturn.objects.select_for_update(of=("self",))
            .select_related("current", "la", "collection")
            .get(pk=ret.pk)
        )
        if locked.locked:
            raise WorkflowError(
                f"The return is {locked.get_state_display().lower()}: DfE must reopen it "
                "before notes can be added."
            )
        require_base(
            locked, base, then=" Check the return as it is now, then save your note again."
        )
        _check_keys(locked, worker=worker, rule=rule, field=field)
        note = Note.objects.create(
            la_return=locked,
            worker=worker[:40],
            rule=rule[:10],
            field=field[:40],
            text=text,
            author=user,
        )
        status.refresh(locked)
        locked.last_activity = timezone.now()
        locked.save()
        where = f"rule {rule}" if rule else ("a worker" if worker else "the return")
        audit.record(user, AuditEvent.Action.NOTE, f"Note on {where}", ret=locked)
    return note


class NoteRefused(WorkflowError):
    """A note whose rule, worker or item is not in the return (a request not sent from the
    portal's own forms): refused, never stored, so no note can claim to explain a query the
    return does not have. ``reason`` says what is wrong; the message adds what a person on
    the pages should do (the API answers with the reason alone)."""

    def __init__(self, reason: str, then: str) -> None:
        super().__init__(reason + then)
        self.reason = reason


def _check_keys(locked: LAReturn, *, worker: str, rule: str, field: str) -> None:
    """The note's rule must be in the year's rulebook, its worker in the current version and
    its item in the year's specification (or each named by one of the current version's
    issues: a continuity query names a worker who is only in last year's return)."""
    if not (worker or rule or field):
        return
    year = locked.collection.year
    current = locked.current
    issues = current.report_object().issues if current is not None else []
    then = (
        " Nothing was saved. Add a note from the page of the query or worker record it "
        "explains, or add a note about the whole return on the notes page."
    )
    if rule and rule not in {r.id for r in RULES.for_year(year)} | {i.rule for i in issues}:
        raise NoteRefused(f"There is no rule {rule[:10]} in the {year} collection.", then)
    if field and not rule:
        raise NoteRefused(f"A note on an item ({field[:40]}) must name the rule it explains.", then)
    if field:
        spec = spec_for(year)
        items = {*spec.header, *spec.la, *spec.worker} | {i.field for i in issues if i.field}
        if field not in items:
            raise NoteRefused(f"{field[:40]} is not an item of the {year} return.", then)
    if worker and worker not in {i.worker for i in issues if i.worker}:
        numbers = (
            {r.values.get("SWENo", "") for r in read(current.xml_bytes()).workers}
            if current is not None
            else set()
        )
        if worker not in numbers:
            raise NoteRefused(
                f"No worker record with registration number {worker[:40]} is in version "
                f"{current.number}, the current version of the return."
                if current is not None
                else f"No return has been uploaded yet, so it has no worker record with "
                f"registration number {worker[:40]}.",
                (" Find the worker on the worker records page." if current is not None else "")
                + then,
            )


def _same_version(locked: LAReturn, base: int | None, doing: str) -> None:
    """``base`` is the version the person saw when they chose to act: if another is current
    now (or the request does not say), they would act on a return they have not seen, so
    nothing is done."""
    require_base(locked, base, then=f" Check the return as it is now before you {doing} it.")


def submit(ret: LAReturn, user: Any, *, base: int | None) -> None:
    with transaction.atomic():
        locked = (
            LAReturn.objects.select_for_update(of=("self",))
            .select_related("current", "la", "collection")
            .get(pk=ret.pk)
        )
        if not locked.locked:
            _same_version(locked, base, "submit")
        status.refresh(locked)
        blockers = status.submit_blockers(locked)
        if blockers:
            raise WorkflowError(" ".join(blockers))
        locked.state = State.SUBMITTED
        locked.submitted_at = locked.last_activity = timezone.now()
        locked.submitted_by = user
        locked.save()
        audit.record(
            user, AuditEvent.Action.SUBMIT, f"Submitted version {number_of(locked)}", ret=locked
        )


def approve(ret: LAReturn, user: Any, role: str | None, *, base: int | None) -> None:
    if role != Role.LA_APPROVER:
        raise WorkflowError("Only the local authority's approver can approve the return.")
    with transaction.atomic():
        locked = (
            LAReturn.objects.select_for_update(of=("self",))
            .select_related("current", "la", "collection")
            .get(pk=ret.pk)
        )
        if locked.state != State.SUBMITTED:
            raise WorkflowError("Only a submitted return can be approved.")
        if locked.submitted_by_id is not None and locked.submitted_by_id == user.pk:
            raise WorkflowError(SAME_PERSON)
        _same_version(locked, base, "approve")
        locked.state = State.APPROVED
        locked.approved_at = locked.last_activity = timezone.now()
        locked.approved_by = user
        locked.save()
        audit.record(
            user, AuditEvent.Action.APPROVE, f"Approved version {number_of(locked)}", ret=locked
        )


def reopen(ret: LAReturn, user: Any, reason: str, *, base: int | None) -> None:
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Enter the reason for reopening the return.")
    with transaction.atomic():
        locked = (
            LAReturn.objects.select_for_update(of=("self",))
            .select_related("current", "la", "collection")
            .get(pk=ret.pk)
        )
        if not locked.collection.dfe_can_change():
            raise WorkflowError(
                "The collection is read only now: returns can no longer be reopened."
            )
        if not locked.locked:
            raise WorkflowError("Only a submitted or approved return can be reopened.")
        _same_version(locked, base, "reopen")
        locked.state = State.IN_PROGRESS
        locked.reopen_reason = reason[:2000]
        locked.submitted_at = locked.approved_at = None
        locked.submitted_by = locked.approved_by = None
        locked.last_activity = timezone.now()
        locked.save()
        audit.record(user, AuditEvent.Action.REOPEN, f"Reopened: {reason[:400]}", ret=locked)
