"""Uploads and edits: each makes a new version, checked by the core, in one transaction.

The slow part (reading and validating) runs before the transaction opens; the writes
(the upload's bytes, the version, the return's pointer and counts, the audit entry) commit
together or not at all, so a failure at any point leaves the previous version current.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from csww.engine import validate, validate_return
from csww.inputs import Refused as YearRefused
from csww.inputs import decide_year, header_year
from csww.model import Record, Return
from csww.reader import ReadError, StructureNote, read_with_notes
from csww.report.model import Issue, Report
from csww.spec import joint_partners, spec_for
from csww.writer import complete_header, to_bytes
from csww.xmlsafe import control_character, unwritable
from csww_portal.models import AuditEvent, LAReturn, ReturnVersion, State, Upload
from csww_portal.services import audit, identity, status, storage
from csww_portal.services.formats import (
    OverLimit,
    Refused,
    as_utf8,
    check_limits,
    read_upload,
    sniff,
)
from csww_portal.services.refusals import WorkflowError, require_base
from csww_portal.services.wording import count

log = logging.getLogger(__name__)


@dataclass
class UploadResult:
    upload: Upload
    version: ReturnVersion | None
    message: str = ""
    held: bool = False


@dataclass
class Examined:
    """What reading and checking a file found, before anything is stored."""

    kind: str = "unknown"
    report: Report | None = None
    parsed: Return | None = None
    outcome: str = Upload.Outcome.LOADED
    problem: str = ""
    keep_bytes: bool = True
    utf8: bytes = b""  # the file as UTF-8, when it came as UTF-16 (the version keeps this)


def check(
    ret: Return,
    notes: list[StructureNote],
    year: int,
    *,
    previous: bytes | None,
    source: str | None = None,
    cell_issues: list[Issue] | None = None,
) -> Report:
    """The core's verdict on a return (the only place the portal asks for one). ``previous``
    is the LA's submitted return of the year before (:func:`last_years_return`), which every
    check is given, so that no version (an upload, an edit, a restore) loses the continuity
    queries (72x) the others have."""
    report = validate_return(
        ret, year=year, notes=notes, extra_issues=cell_issues or (), previous=previous
    )
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


def stored_report(report: Report) -> dict[str, Any]:
    """The report as stored: beyond ``CSWW_MAX_STORED_ISSUES`` issues only the first are
    kept, with every rule's count, so a flood of issues is summarised instead of failing."""
    cap = settings.CSWW_MAX_STORED_ISSUES
    if len(report.issues) <= cap:
        return report.as_dict()
    rules: dict[str, list[Any]] = {}
    for issue in report.issues:
        rules.setdefault(issue.rule, [issue.severity, issue.message, 0])[2] += 1
    kept = replace(report, issues=report.issues[:cap])
    return {
        **kept.as_dict(),
        "valid": report.valid,
        "errors": report.errors,
        "queries": report.queries,
        "truncated": {"issues": len(report.issues), "rules": rules},
    }


def _new_version(
    ret: LAReturn,
    user: Any,
    report: Report,
    *,
    xml: bytes,
    upload: Upload | None,
    description: str,
    parsed: Return | None = None,
) -> ReturnVersion:
    number = (ret.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReturnVersion.objects.create(
        la_return=ret,
        number=number,
        created_by=user,
        upload=upload,
        description=description[:200],
        xml=xml,
        report=stored_report(report),
        workers=report.workers,
        errors=report.errors,
        queries=report.queries,
        record_ids=identity.record_ids(ret.record_key, parsed) if parsed is not None else None,
    )
    ret.current = version
    ret.state = State.IN_PROGRESS
    ret.last_activity = timezone.now()
    status.refresh(ret, report)
    ret.save()
    return version


def last_years_return(ret: LAReturn) -> bytes | None:
    """The LA's submitted (or approved) return of the year before, as XML: the continuity
    queries (72x) compare this year's records with it. ``None`` when there is none."""
    before = (
        LAReturn.objects.filter(
            collection__year=ret.collection.year - 1,
            la=ret.la,
            state__in=(State.SUBMITTED, State.APPROVED),
            current__isnull=False,
        )
        .select_related("current")
        .first()
    )
    if before is None or before.current is None:
        return None
    return bytes(before.current.xml_bytes())


def _header_year(data: bytes) -> int | None:
    try:
        return header_year(data)
    except ReadError:
        return None  # the check itself says why the file cannot be read


def _decide_year(year: int, found: int | None, filename: str) -> None:
    """The core's front door for the collection year, in the portal's words (the core's own
    message speaks to the command line: "give --year")."""
    try:
        decide_year(year, found, filename)
    except YearRefused as exc:
        if found is not None and found != year:
            raise YearRefused(
                f"{filename}'s header says it is the {found} return, but this is the {year} "
                "collection. Check you chose this year's file; if you did, correct the Year in "
                "its header and upload it again."
            ) from exc
        if found is None:
            raise YearRefused(
                f"{filename} does not say which collection year it is: its header has no "
                f"readable Year. Check it is your {year} return in the format the guide gives."
            ) from exc
        raise


def _refuse_if_locked(ret: LAReturn) -> None:
    if ret.locked:
        raise WorkflowError(
            f"The return is {ret.get_state_display().lower()}. DfE must reopen it before it can change."
        )


def examine(ret: LAReturn, filename: str, data: bytes) -> Examined:
    """Read and check a file with the core (slow; outside any transaction)."""
    year = ret.collection.year
    found = Examined()
    converted = as_utf8(data)
    if converted is not data:
        data = found.utf8 = converted
    try:
        found.kind = kind = sniff(data, filename)
        check_limits(data, kind, filename)
        previous = last_years_return(ret)
        if kind == "xml":
            # The core's front door: a file of another collection year is refused, not checked
            # against this year's rules.
            _decide_year(year, _header_year(data), filename)
            # One streaming pass through the core reads and checks the file together (and,
            # with last year's submitted return, the continuity queries).
            report = validate(data, year=year, previous=previous)
            if report.fatal is not None:
                found.outcome, found.problem = Upload.Outcome.UNREADABLE, str(report.fatal)
            elif report.la and report.la not in joint_partners(ret.la.code, year):
                found.outcome, found.problem = Upload.Outcome.REFUSED, _wrong_la(report.la, ret)
            else:
                report.source = filename
                found.report = report
        else:
            loaded = read_upload(data, kind, year, filename)
            parsed = loaded.ret
            if kind == "csv":
                _complete_from_current(parsed, ret)
            # The template leaves the software code and date-time to the program, as csww generate does.
            complete_header(parsed, spec_for(year))
            _decide_year(year, parsed.year, filename)
            if parsed.lea and parsed.lea not in joint_partners(ret.la.code, year):
                found.outcome, found.problem = Upload.Outcome.REFUSED, _wrong_la(parsed.lea, ret)
            else:
                found.parsed = parsed
                found.report = check(
                    parsed,
                    loaded.notes,
                    year,
                    source=filename,
                    cell_issues=loaded.cell_issues,
                    previous=previous,
                )
    except OverLimit as exc:
        found.outcome, found.problem, found.keep_bytes = Upload.Outcome.REFUSED, exc.message, False
    except (Refused, YearRefused) as exc:
        found.outcome, found.problem = Upload.Outcome.REFUSED, exc.message
    except ReadError as exc:
        found.outcome, found.problem = Upload.Outcome.UNREADABLE, str(exc)
    return found


def needs_confirmation(ret: LAReturn, report: Report) -> str:
    """Why loading this report should be confirmed first ("" when it need not): it holds no
    worker records, or fewer than half of the current version's."""
    had = ret.current.workers if ret.current is not None else 0
    if report.workers == 0:
        return "The file has no worker records. If you load it, the return will have none" + (
            f" instead of {had:,}." if had else "."
        )
    if had and report.workers * 2 < had:
        return (
            f"The file has {count(report.workers, 'worker record')}, fewer than half of "
            f"the {had:,} in the current version (version {ret.current.number}). If you load "  # type: ignore[union-attr]
            f"it, {count(had - report.workers, 'record')} will leave the return."
        )
    return ""


def upload(
    ret: LAReturn, user: Any, filename: str, data: bytes, *, confirmed: bool = False
) -> UploadResult:
    """Keep the file; when it can be read, make it the current version. A file that would
    leave the return empty or remove most of its workers is held until the user confirms."""
    _refuse_if_locked(ret)
    found = examine(ret, filename, data)
    held = ""
    if found.report is not None and not confirmed:
        held = needs_confirmation(ret, found.report)
        if held:
            found.outcome = Upload.Outcome.HELD
    with transaction.atomic():
        locked = _lock(ret)
        prune_uploads(locked)
        stored = Upload.objects.create(
            la_return=locked,
            uploaded_by=user,
            filename=filename[:255],
            kind=found.kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data if found.keep_bytes else b"",
            outcome=found.outcome,
            message=found.problem or held,
        )
        version = record_outcome(locked, user, stored, found, load=not held)
    log.info("upload return=%s upload=%s outcome=%s", ret.pk, stored.pk, found.outcome)
    return UploadResult(stored, version, found.problem or held, held=bool(held))


def record_outcome(
    locked: LAReturn, user: Any, stored: Upload, found: Examined, *, load: bool = True
) -> ReturnVersion | None:
    """Inside the caller's transaction, with ``locked`` locked: a readable upload (unless it
    is held, ``load`` false) becomes the current version; either way the return's activity
    and the audit log say what happened. Used by the upload check's worker and by
    :func:`upload`."""
    if found.report is not None and load:
        return _load(locked, user, stored, found)
    locked.last_activity = timezone.now()
    locked.save(update_fields=["last_activity"])
    audit.record(
        user,
        AuditEvent.Action.UPLOAD,
        f"{stored.filename[:120]} ({found.kind}): {stored.get_outcome_display().lower()}",
        ret=locked,
    )
    return None


def _load(locked: LAReturn, user: Any, stored: Upload, found: Examined) -> ReturnVersion:
    report = found.report
    assert report is not None
    # An XML upload is stored once: the version reads its bytes from the upload.
    xml = found.utf8 if found.parsed is None else to_bytes(found.parsed)
    version = _new_version(
        locked,
        user,
        report,
        xml=xml,
        upload=stored,
        description=f"Uploaded {stored.filename[:120]}",
        parsed=found.parsed,
    )
    audit.record(
        user,
        AuditEvent.Action.UPLOAD,
        f"{stored.filename[:120]} ({found.kind}, {count(report.workers, 'worker')}): version "
        f"{version.number}, {count(report.errors, 'error')}, {count(report.queries, 'query')}",
        ret=locked,
    )
    return version


def confirm_held(
    ret: LAReturn, user: Any, upload_id: int, *, load: bool, base: int | None
) -> UploadResult:
    """Load (or, without ``load``, cancel) an upload held for confirmation. ``base`` is the
    version current when the person was asked: loading over another one (or without saying)
    is refused, since what the page said the file would remove may no longer hold. Cancelling
    changes no version, so it needs none."""
    _refuse_if_locked(ret)
    held = ret.uploads.filter(pk=upload_id, outcome=Upload.Outcome.HELD).first()
    if held is None:
        raise WorkflowError("That file is no longer waiting to be loaded. Upload it again.")
    found = examine(ret, held.filename, storage.bytes_of(held)) if load else Examined()
    with transaction.atomic():
        locked = _lock(ret)
        stored = Upload.objects.select_for_update().get(pk=held.pk)
        if stored.outcome != Upload.Outcome.HELD:
            raise WorkflowError("That file is no longer waiting to be loaded. Upload it again.")
        if load:
            require_base(
                locked,
                base,
                then=" Check what loading the file would change now, then choose again.",
            )
        version = None
        if not load:
            stored.outcome = Upload.Outcome.CANCELLED
        elif found.report is None:
            stored.outcome, stored.message = found.outcome, found.problem
        else:
            stored.outcome, stored.message = Upload.Outcome.LOADED, ""
            version = _load(locked, user, stored, found)
        stored.save(update_fields=["outcome", "message"])
    return UploadResult(stored, version, found.problem)


def allowance_left(ret: LAReturn) -> str:
    """Why no more files can be loaded into this return ("" while they can): past
    ``CSWW_MAX_UPLOADS`` files *loaded* as versions. Files that were refused, unreadable,
    held or cancelled do not count, so junk cannot use up the allowance (its rate is limited
    per person and token instead: ``services.upload_rate``)."""
    if ret.uploads.filter(outcome=Upload.Outcome.LOADED).count() >= settings.CSWW_MAX_UPLOADS:
        return (
            f"Your local authority has loaded {count(settings.CSWW_MAX_UPLOADS, 'file')} into this "
            "return, the most the portal keeps. Contact the DfE helpdesk to upload more."
        )
    return ""


def prune_uploads(ret: LAReturn) -> None:
    """Uploads kept per return: a file no version uses keeps its bytes only while it is one
    of the latest ``CSWW_KEEP_UNUSED_UPLOADS``; older ones keep their details and checksum.
    Raises :class:`WorkflowError` when the return's allowance is used up (:func:`allowance_left`)."""
    full = allowance_left(ret)
    if full:
        raise WorkflowError(full)
    forget_unused(ret)


def forget_unused(ret: LAReturn) -> None:
    """Drop the bytes of unused files beyond the latest ``CSWW_KEEP_UNUSED_UPLOADS``."""
    # A file still waiting for its check (no outcome yet) keeps its bytes: the check reads them.
    unused = (
        ret.uploads.exclude(outcome=Upload.Outcome.LOADED)
        .exclude(outcome="")
        .exclude(content=b"", stored="")
    )
    old = list(unused.only("pk", "stored")[settings.CSWW_KEEP_UNUSED_UPLOADS - 1 :])
    for upload in old:
        storage.forget(upload)


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
            complete_header(parsed, spec_for(ret.collection.year), lea=ret.la.code)
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


def _edit(
    ret: LAReturn, user: Any, change: Any, audit_text: str, base: int | None
) -> ReturnVersion:
    """Apply ``change`` to the current version; ``base`` is the version the form was built
    from, and anything else being current (or no ``base``) means the form is stale and
    nothing is saved.
    ``change`` returns the new version's description (it may name the worker by registration
    number, which the LA sees in its history); the audit log gets ``audit_text``, which names
    nobody."""
    with transaction.atomic():
        locked = _lock(ret)
        current = locked.current
        if current is None:
            raise WorkflowError("Upload a return before editing it.")
        require_base(locked, base)
        parsed, notes = current_return(locked)
        ids = identity.ids_of(locked, current, parsed)
        description = change(parsed, ids)
        report = check(
            parsed,
            notes,
            locked.collection.year,
            previous=last_years_return(locked),
            source=current.report.get("source"),
        )
        version = _new_version(
            locked,
            user,
            report,
            xml=to_bytes(parsed),
            upload=None,
            description=description,
            parsed=parsed,
        )
        audit.record(
            user, AuditEvent.Action.EDIT, f"{audit_text}: version {version.number}", ret=locked
        )
    return version


def worker_name(record: Record) -> str:
    """How history and messages name a worker record: by its registration number, which
    stays with the worker (a row number changes whenever a record is added or deleted)."""
    swe = record.values.get("SWENo", "").strip()
    return f"worker {swe}" if swe else "a worker record with no registration number"


def _writable(values: dict[str, str], items: Any) -> None:
    """Refuse, naming the item, a value holding a character no return can carry (a control
    character pasted from another program, often invisible, which XML cannot write)."""
    for element, text in values.items():
        found = unwritable(text)
        if found is not None:
            item = items.get(element)
            name = item.name if item is not None else element
            raise WorkflowError(
                f"{control_character(name, found)} Retype the value and save again. Nothing "
                "was saved."
            )


def _apply(record: Record, values: dict[str, str]) -> None:
    """Set the edited items; a blank value removes the item (as if it were not returned)."""
    for element, text in values.items():
        text = text.strip()
        if text:
            record.values[element] = text
        else:
            record.values.pop(element, None)


def _find(ids: list[str], record: str) -> int:
    index = identity.position(ids, record)
    if index is None:
        raise WorkflowError(
            "That worker record is not in the current version of the return: it was deleted, "
            "its registration number was changed, or a file without it was uploaded. Nothing "
            "was saved."
        )
    return index


def edit_worker(
    ret: LAReturn, user: Any, record: str, values: dict[str, str], *, base: int | None
) -> ReturnVersion:
    _writable(values, spec_for(ret.collection.year).worker)

    def change(parsed: Return, ids: list[str]) -> str:
        index = _find(ids, record)
        before = worker_name(parsed.workers[index - 1])
        _apply(parsed.workers[index - 1], values)
        after = worker_name(parsed.workers[index - 1])
        if after != before:
            return f"Edited {before} (now {after.removeprefix('worker ')})"
        return f"Edited {before}"

    return _edit(ret, user, change, "Edited a worker record", base)


def add_worker(
    ret: LAReturn, user: Any, values: dict[str, str], *, base: int | None
) -> ReturnVersion:
    _writable(values, spec_for(ret.collection.year).worker)

    def change(parsed: Return, ids: list[str]) -> str:
        new = Record()
        _apply(new, values)
        parsed.workers.append(new)
        return f"Added {worker_name(new)}"

    return _edit(ret, user, change, "Added a worker record", base)


def delete_worker(ret: LAReturn, user: Any, record: str, *, base: int | None) -> ReturnVersion:
    def change(parsed: Return, ids: list[str]) -> str:
        index = _find(ids, record)
        gone = parsed.workers.pop(index - 1)
        return f"Deleted {worker_name(gone)}"

    return _edit(ret, user, change, "Deleted a worker record", base)


def edit_la_level(
    ret: LAReturn, user: Any, values: dict[str, str], *, base: int | None
) -> ReturnVersion:
    _writable(values, spec_for(ret.collection.year).la)

    def change(parsed: Return, ids: list[str]) -> str:
        if parsed.la is None:
            parsed.la = Record()
        _apply(parsed.la, values)
        return "Edited the LA-level figures"

    return _edit(ret, user, change, "Edited the LA-level figures", base)


def restore(ret: LAReturn, user: Any, number: int, *, base: int | None) -> ReturnVersion:
    """Make an earlier version current again, as a new version checked by today's rules
    (history is never rewritten). ``base`` is the version that was current when the person
    chose to restore: another one means someone changed the return since, and restoring
    would drop that change unseen, so nothing is done (nor when ``base`` is missing)."""
    with transaction.atomic():
        locked = _lock(ret)
        require_base(locked, base, restoring=number)
        old = locked.versions.select_related("upload").filter(number=number).first()
        if old is None:
            raise WorkflowError(f"There is no version {number}.")
        data = old.xml_bytes()
        parsed, notes = read_with_notes(data)
        report = check(
            parsed,
            notes,
            locked.collection.year,
            previous=last_years_return(locked),
            source=old.report.get("source"),
        )
        version = _new_version(
            locked,
            user,
            report,
            xml=data,
            upload=None,
            description=f"Restored version {number}",
            parsed=parsed,
        )
        audit.record(
            user,
            AuditEvent.Action.RESTORE,
            f"Restored version {number} as version {version.number}",
            ret=locked,
        )
    return version
