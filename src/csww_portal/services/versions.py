"""Uploads and edits: each makes a new version, checked by the core, in one transaction.

The slow part (reading and validating) runs before the transaction opens; the writes
(the upload's bytes, the version, the return's pointer and counts, the audit entry) commit
together or not at all, so a failure at any point leaves the previous version current.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from csww.engine import validate, validate_return
from csww.model import Record, Return
from csww.reader import ReadError, StructureNote, read_with_notes
from csww.report.model import Issue, Report
from csww.spec import joint_partners, spec_for
from csww.writer import complete_header, to_bytes
from csww_portal.models import AuditEvent, LAReturn, ReturnVersion, State, Upload
from csww_portal.services import audit, status
from csww_portal.services.formats import Refused, read_upload, sniff

log = logging.getLogger(__name__)


class WorkflowError(Exception):
    """The action is not allowed in the return's present state; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class UploadResult:
    upload: Upload
    version: ReturnVersion | None
    message: str = ""


def check(
    ret: Return,
    notes: list[StructureNote],
    year: int,
    source: str | None = None,
    cell_issues: list[Issue] | None = None,
) -> Report:
    """The core's verdict on a return (the only place the portal asks for one)."""
    report = validate_return(ret, year=year, notes=notes, extra_issues=cell_issues or ())
    report.source = source
    return report


def _lock(ret: LAReturn) -> LAReturn:
    locked = (
        LAReturn.objects.select_for_update(of=("self",))
        .select_related("la", "collection")
        .get(pk=ret.pk)
    )
    if locked.locked:
        raise WorkflowError(
            f"The return is {locked.get_state_display().lower()}. DfE must reopen it before it can change."
        )
    return locked


def _new_version(
    ret: LAReturn, user: Any, report: Report, *, xml: bytes, upload: Upload | None, description: str
) -> ReturnVersion:
    number = (ret.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReturnVersion.objects.create(
        la_return=ret,
        number=number,
        created_by=user,
        upload=upload,
        description=description[:200],
        xml=xml,
        report=report.as_dict(),
        workers=report.workers,
        errors=report.errors,
        queries=report.queries,
    )
    ret.current = version
    ret.state = State.IN_PROGRESS
    ret.last_activity = timezone.now()
    status.refresh(ret, report)
    ret.save()
    return version


@dataclass
class Examined:
    """What reading and checking a file found, before anything is stored."""

    kind: str
    outcome: str
    problem: str
    report: Report | None
    xml: bytes  # the return as COLLECT XML; empty for an XML upload (its own bytes are kept)


def examine(ret: LAReturn, filename: str, data: bytes) -> Examined:
    """Read and check a file for ``ret`` (the slow part; it writes nothing)."""
    year = ret.collection.year
    kind = "unknown"
    report: Report | None = None
    problem = ""
    xml = b""
    outcome = Upload.Outcome.LOADED
    try:
        kind = sniff(data, filename)
        if kind == "xml":
            # One streaming pass through the core reads and checks the file together.
            report = validate(data, year=year)
            if report.fatal is not None:
                outcome, problem, report = Upload.Outcome.UNREADABLE, str(report.fatal), None
            elif report.la and report.la not in joint_partners(ret.la.code, year):
                outcome, problem, report = Upload.Outcome.REFUSED, _wrong_la(report.la, ret), None
            else:
                report.source = filename
        else:
            loaded = read_upload(data, kind, year)
            parsed = loaded.ret
            if kind == "csv":
                _complete_from_current(parsed, ret)
            # The template leaves the software code and date-time to the program, as csww generate does.
            complete_header(parsed, spec_for(year)[0])
            if parsed.lea and parsed.lea not in joint_partners(ret.la.code, year):
                outcome, problem = Upload.Outcome.REFUSED, _wrong_la(parsed.lea, ret)
            else:
                report = check(
                    parsed, loaded.notes, year, source=filename, cell_issues=loaded.cell_issues
                )
                xml = to_bytes(parsed)
    except Refused as exc:
        outcome, problem = Upload.Outcome.REFUSED, exc.message
    except ReadError as exc:
        outcome, problem = Upload.Outcome.UNREADABLE, str(exc)
    return Examined(kind, outcome, problem, report, xml)


def record_outcome(
    locked: LAReturn, user: Any, stored: Upload, found: Examined
) -> ReturnVersion | None:
    """Inside the caller's transaction, with ``locked`` locked: a readable upload becomes the
    current version; either way the return's activity and the audit log say what happened."""
    filename, kind = stored.filename, found.kind
    version = None
    if found.report is not None:
        report = found.report
        version = _new_version(
            locked,
            user,
            report,
            xml=found.xml,
            upload=stored,
            description=f"Uploaded {filename[:120]}",
        )
        detail = f"{filename[:120]} ({kind}, {report.workers} workers): version {version.number}, {report.errors} errors, {report.queries} queries"
    else:
        locked.last_activity = timezone.now()
        locked.save(update_fields=["last_activity"])
        detail = f"{filename[:120]} ({kind}): {stored.get_outcome_display().lower()}"
    audit.record(user, AuditEvent.Action.UPLOAD, detail, ret=locked)
    return version


def upload(ret: LAReturn, user: Any, filename: str, data: bytes) -> UploadResult:
    """Keep the file; when it can be read, make it the current version (checked in the
    caller's process: the portal's pages queue uploads instead, see ``csww_portal.tasks``)."""
    if ret.locked:
        raise WorkflowError(
            f"The return is {ret.get_state_display().lower()}. DfE must reopen it before it can change."
        )
    found = examine(ret, filename, data)
    with transaction.atomic():
        locked = _lock(ret)
        stored = Upload.objects.create(
            la_return=locked,
            uploaded_by=user,
            filename=filename[:255],
            kind=found.kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            outcome=found.outcome,
            message=found.problem,
        )
        version = record_outcome(locked, user, stored, found)
    log.info("upload return=%s upload=%s outcome=%s", ret.pk, stored.pk, found.outcome)
    return UploadResult(stored, version, found.problem)


def _complete_from_current(parsed: Return, ret: LAReturn) -> None:
    """A CSV file holds one part of the template (header, LA level or workers): the other
    parts come from the current version, or, for a first upload, the header is filled in for
    this LA as the template's generator would."""
    current = current_return(ret)[0] if ret.current is not None else None
    only_workers = not parsed.header.values and parsed.la is None
    if not parsed.header.values:
        if current is not None:
            parsed.header = current.header
        else:
            complete_header(parsed, spec_for(ret.collection.year)[0], lea=ret.la.code)
    if parsed.la is None and current is not None:
        parsed.la = current.la
    if not only_workers and not parsed.workers and current is not None:
        parsed.workers = current.workers


def _wrong_la(lea: str, ret: LAReturn) -> str:
    """A file for another LA is refused: it would put data under the wrong account. (A wrong
    year is the core's error 109, shown with the other errors.)"""
    return (
        f"The file's header says it is for LA {lea}, but you are sending the return for "
        f"{ret.la.name} ({ret.la.code}). Check you chose the right file."
    )


def current_return(ret: LAReturn) -> tuple[Return, list[StructureNote]]:
    assert ret.current is not None
    return read_with_notes(ret.current.xml_bytes())


def _edit(ret: LAReturn, user: Any, change: Any, description: str) -> ReturnVersion:
    with transaction.atomic():
        locked = _lock(ret)
        if locked.current is None:
            raise WorkflowError("Upload a return before editing it.")
        parsed, notes = current_return(locked)
        change(parsed)
        report = check(
            parsed, notes, locked.collection.year, source=locked.current.report.get("source")
        )
        version = _new_version(
            locked, user, report, xml=to_bytes(parsed), upload=None, description=description
        )
        audit.record(
            user, AuditEvent.Action.EDIT, f"{description}: version {version.number}", ret=locked
        )
    return version


def _apply(record: Record, values: dict[str, str]) -> None:
    """Set the edited items; a blank value removes the item (as if it were not returned)."""
    for element, text in values.items():
        text = text.strip()
        if text:
            record.values[element] = text
        else:
            record.values.pop(element, None)


def edit_worker(ret: LAReturn, user: Any, index: int, values: dict[str, str]) -> ReturnVersion:
    def change(parsed: Return) -> None:
        if not 1 <= index <= len(parsed.workers):
            raise WorkflowError(f"There is no worker record {index}.")
        _apply(parsed.workers[index - 1], values)

    return _edit(ret, user, change, f"Edited worker record {index}")


def add_worker(ret: LAReturn, user: Any, values: dict[str, str]) -> ReturnVersion:
    def change(parsed: Return) -> None:
        record = Record()
        _apply(record, values)
        parsed.workers.append(record)

    return _edit(ret, user, change, "Added a worker record")


def delete_worker(ret: LAReturn, user: Any, index: int) -> ReturnVersion:
    def change(parsed: Return) -> None:
        if not 1 <= index <= len(parsed.workers):
            raise WorkflowError(f"There is no worker record {index}.")
        del parsed.workers[index - 1]

    return _edit(ret, user, change, f"Deleted worker record {index}")


def edit_la_level(ret: LAReturn, user: Any, values: dict[str, str]) -> ReturnVersion:
    def change(parsed: Return) -> None:
        if parsed.la is None:
            parsed.la = Record()
        _apply(parsed.la, values)

    return _edit(ret, user, change, "Edited the LA-level figures")
