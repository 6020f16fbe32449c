"""Checking uploads in the background: the upload's own row is its place in the queue.

``accept`` is the acknowledgement, kept near its floor for the deadline's burst: the file is
written to disk and flushed (``services.storage``) outside any transaction, then **one** row
is inserted, the upload with no outcome yet, which is the queue entry. A worker
(:func:`work_once`, run by ``csww worker``) claims the oldest waiting upload by creating its
:class:`UploadCheck` (``checking``), records its receipt in the audit log, reads and
validates the file outside any transaction (the slow part), then stores the outcome in one
transaction. A check already ``done`` or ``failed`` is never run again, and the outcome is
written only while holding the return's lock after looking again, so two runs make one
result.

A worker that dies mid-check leaves its check ``checking``; :func:`recover_stalled` (run by
every ``csww worker`` each minute) queues it again once the lease has passed, up to
``CSWW_CHECK_MAX_ATTEMPTS`` attempts, after which the check fails and says why.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from csww_portal.models import AuditEvent, LAReturn, Upload, UploadCheck
from csww_portal.services import audit, receipt, storage, versions
from csww_portal.services.formats import OverLimit, Refused, as_utf8, check_limits, sniff
from csww_portal.services.versions import WorkflowError

log = logging.getLogger(__name__)

Status = UploadCheck.Status

FAULT = (
    "The check stopped on a fault in the service, so this file did not replace your return: "
    "the previous version is still current. Upload the file again; if this happens again, "
    "contact the helpdesk and quote upload {id}."
)
LOCKED = (
    "The return was {state} before this upload was checked, so the upload did not replace "
    "it. DfE must reopen the return before it can change."
)
SUPERSEDED = (
    "A later upload was checked first and is the current version: this one was checked but "
    "did not replace it."
)


def accept(
    ret: LAReturn,
    user: Any,
    filename: str,
    data: bytes,
    *,
    via: str = "",
    confirmed: bool = False,
    token: Any = None,
) -> UploadCheck:
    """Keep the file and queue its check: the file on disk, then its one row. Raises
    :class:`WorkflowError` when the return cannot change now (submitted or approved), or
    :class:`~csww_portal.services.upload_rate.TooManyUploads` when this person or token has
    sent too many files lately. Returns the check as the progress page shows it (not yet
    saved while the upload waits)."""
    if ret.locked:
        raise WorkflowError(
            f"The return is {ret.get_state_display().lower()}. DfE must reopen it before it can change."
        )
    name = storage.save(ret.pk, data)
    try:
        stored = receipt.insert(
            ret,
            user,
            filename=filename[:255],
            size=len(data),
            sha256="",  # taken by the worker that reads the file (_checksum)
            stored=name,
            token=token,
            confirmed=confirmed,
        )
    except BaseException:  # refused (too many uploads) or a fault: no row names the file
        storage.discard(name)
        raise
    log.info("upload return=%s upload=%s queued", ret.pk, stored.pk)
    if settings.CSWW_CHECK_AT_ONCE:  # tests: the check runs now, in the request
        while run_check(stored.pk) == "queued again":
            pass  # a fault while storing: tried again, up to CSWW_CHECK_MAX_ATTEMPTS
        return entry_for(stored)
    return waiting(stored)


def waiting(upload: Upload) -> UploadCheck:
    """An upload's check while it waits to be claimed (not saved: the upload's row is the
    queue entry)."""
    return UploadCheck(
        upload=upload,
        la_return_id=upload.la_return_id,
        status=Status.QUEUED,
        enqueued_at=upload.uploaded_at,
        confirmed=upload.confirmed,
    )


def entry_for(upload: Upload) -> UploadCheck:
    """The upload's check; while it waits to be claimed, an unsaved one saying ``queued``."""
    try:
        return UploadCheck.objects.select_related("upload", "version").get(pk=upload.pk)
    except UploadCheck.DoesNotExist:
        return waiting(upload)


def _over_limit(filename: str, data: bytes) -> tuple[str, str]:
    """The file's kind, and why it is over a limit ("" when it is not), checked from its size
    and its zip directory before anything is inflated."""
    try:
        data = as_utf8(data)
        kind = sniff(data, filename)
        check_limits(data, kind, filename)
    except OverLimit as exc:
        return "unknown", exc.message
    except Refused:
        return "unknown", ""  # the check says why, with the file kept for the user
    return kind, ""


def work_once() -> str | None:
    """Claim the next check (a stalled one queued again first, then the oldest waiting
    upload) and run it; None when there is nothing to do."""
    upload_id = _claim_next()
    if upload_id is None:
        return None
    return _run_claimed(upload_id)


def run_check(upload_id: int) -> str:
    """Claim this upload's check and run it (``already finished`` when it was done)."""
    if not _claim(upload_id):
        return "already finished"
    return _run_claimed(upload_id)


def _run_claimed(upload_id: int) -> str:
    entry = UploadCheck.objects.get(pk=upload_id)
    ret = LAReturn.objects.select_related("la", "collection", "current").get(pk=entry.la_return_id)
    upload = Upload.objects.get(pk=upload_id)
    data = storage.bytes_of(upload)
    _checksum(upload, data)
    kind, over = _over_limit(upload.filename, data)
    if over:  # refused unopened, and its bytes are not kept
        found = versions.Examined(kind=kind, outcome=Upload.Outcome.REFUSED, problem=over)
        found.keep_bytes = False
    else:
        try:
            found = versions.examine(ret, upload.filename, data)
        except Exception:  # a fault in reading or checking: the same file would fail again
            log.exception("check of upload %s stopped on a fault while reading", upload_id)
            _fail(upload_id, FAULT.format(id=upload_id))
            return "failed"
    try:
        return _store(upload_id, found)
    except Exception:  # storing failed (database trouble): try again, up to the limit
        log.exception("check of upload %s could not store its outcome", upload_id)
        return _retry(upload_id)


def _checksum(upload: Upload, data: bytes) -> None:
    """The upload's SHA-256, recorded by the first worker to read its file (the
    acknowledgement leaves it out: it cost a tenth of the acknowledgement's CPU). The file was
    flushed to disk before its row was inserted and is never written again, so these are the
    bytes received."""
    if upload.sha256 or not storage.kept(upload) or len(data) != upload.size:
        return  # a file gone or cut short is not the one received: no checksum is made up
    upload.sha256 = hashlib.sha256(data).hexdigest()
    Upload.objects.filter(pk=upload.pk, sha256="").update(sha256=upload.sha256)


def _lock_return(pk: int) -> LAReturn:
    return (
        LAReturn.objects.select_for_update(of=("self",))
        .select_related("la", "collection")
        .get(pk=pk)
    )


def _lock_entry(upload_id: int) -> UploadCheck | None:
    return UploadCheck.objects.select_for_update().filter(pk=upload_id).first()


def _receipt(upload: Upload) -> None:
    """What the acknowledgement leaves out, written when a worker takes the upload: its
    receipt in the audit log (at the time it was received) and the return's activity."""
    via = " through the API" if upload.token_id else ""
    audit.record(
        upload.uploaded_by,
        AuditEvent.Action.UPLOAD,
        f"{upload.filename[:120]}: received{via}, queued for checking as upload {upload.pk}",
        ret=upload.la_return,
        at=upload.uploaded_at,
    )
    LAReturn.objects.filter(pk=upload.la_return_id).update(last_activity=upload.uploaded_at)


def _start(upload: Upload) -> bool:
    """Create the upload's check, claimed (``checking``); False when another worker did."""
    try:
        with transaction.atomic():
            UploadCheck.objects.create(
                upload=upload,
                la_return_id=upload.la_return_id,
                status=Status.CHECKING,
                enqueued_at=upload.uploaded_at,
                started_at=timezone.now(),
                attempts=1,
                confirmed=upload.confirmed,
            )
            _receipt(upload)
    except IntegrityError:
        return False
    return True


def _waiting() -> Any:
    return Upload.objects.filter(outcome="", upload_check__isnull=True)


def _claim_next() -> int | None:
    while True:
        again = (
            UploadCheck.objects.filter(status=Status.QUEUED)
            .order_by("enqueued_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if again is not None:
            if _claim(again):
                return again
            continue
        with transaction.atomic():
            upload = (
                _waiting()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("la_return__la", "la_return__collection", "uploaded_by")
                .order_by("pk")
                .first()
            )
            if upload is None:
                return None
            if _start(upload):
                return upload.pk


def _claim(upload_id: int) -> bool:
    """Claim this upload's check: a waiting upload gets its check, a check queued again is
    taken (one worker wins; the others find it taken). False when it has finished or is
    being checked."""
    upload = (
        _waiting()
        .select_related("la_return__la", "la_return__collection", "uploaded_by")
        .filter(pk=upload_id)
        .first()
    )
    if upload is not None:
        return _start(upload)
    now = timezone.now()
    taken = UploadCheck.objects.filter(pk=upload_id, status=Status.QUEUED)
    if not taken.update(status=Status.CHECKING, started_at=now):
        return False
    from django.db.models import F

    UploadCheck.objects.filter(pk=upload_id).update(attempts=F("attempts") + 1)
    return True


def _store(upload_id: int, found: versions.Examined) -> str:
    """The outcome, in one transaction: the return is locked first (as every change does),
    then the check is looked at again, so a second run finds it finished and stops."""
    la_return_id = UploadCheck.objects.values_list("la_return_id", flat=True).get(pk=upload_id)
    with transaction.atomic():
        locked = _lock_return(la_return_id)
        entry = _lock_entry(upload_id)
        if entry is None or entry.finished:
            return "already finished"
        versions.forget_unused(locked)  # older unused files, beyond the few kept whole
        upload = Upload.objects.defer("content").select_related("uploaded_by").get(pk=upload_id)
        upload.kind, upload.outcome, upload.message = found.kind, found.outcome, found.problem
        fields = ["kind", "outcome", "message"]
        if not found.keep_bytes:  # over a limit: the bytes are not kept
            storage.forget(upload)
        if found.report is None:
            upload.save(update_fields=fields)
            versions.record_outcome(locked, upload.uploaded_by, upload, found)
            _finish(entry, Status.FAILED, found.problem)
            return "failed"
        if locked.locked:
            upload.outcome = Upload.Outcome.REFUSED
            upload.message = LOCKED.format(state=locked.get_state_display().lower())
            upload.save(update_fields=fields)
            _finish(entry, Status.FAILED, upload.message)
            return "failed"
        report = found.report
        entry.workers, entry.errors, entry.queries = report.workers, report.errors, report.queries
        held = "" if entry.confirmed else versions.needs_confirmation(locked, report)
        if held:  # it would empty the return or remove most of it: the user confirms first
            upload.outcome, upload.message = Upload.Outcome.HELD, held
            upload.save(update_fields=fields)
            versions.record_outcome(locked, upload.uploaded_by, upload, found, load=False)
            _finish(entry, Status.DONE, held)
            return "held"
        allowance = versions.allowance_left(locked)
        if allowance:  # the return has had the most loaded files the portal keeps
            upload.outcome, upload.message = Upload.Outcome.REFUSED, allowance
            upload.save(update_fields=fields)
            _finish(entry, Status.FAILED, allowance)
            return "failed"
        upload.save(update_fields=fields)
        newer = UploadCheck.objects.filter(
            la_return_id=la_return_id, upload_id__gt=upload_id, applied=True
        ).exists()
        if newer:
            audit.record(
                upload.uploaded_by,
                AuditEvent.Action.UPLOAD,
                f"Upload {upload_id} checked after a later one: kept, not made current",
                ret=locked,
            )
            _finish(entry, Status.DONE, SUPERSEDED)
            return "superseded"
        entry.version = versions.record_outcome(locked, upload.uploaded_by, upload, found)
        entry.applied = True
        _finish(entry, Status.DONE, "")
        return "done"


def _finish(entry: UploadCheck, status: str, message: str) -> None:
    entry.status = status
    entry.message = message
    entry.finished_at = timezone.now()
    entry.save()


def _fail(upload_id: int, message: str) -> None:
    with transaction.atomic():
        entry = _lock_entry(upload_id)
        if entry is not None and not entry.finished:
            Upload.objects.filter(pk=upload_id).update(message=message[:2000])
            _finish(entry, Status.FAILED, message)


def _retry(upload_id: int) -> str:
    with transaction.atomic():
        entry = _lock_entry(upload_id)
        if entry is None or entry.finished:
            return "already finished"
        if entry.attempts >= settings.CSWW_CHECK_MAX_ATTEMPTS:
            Upload.objects.filter(pk=upload_id).update(message=FAULT.format(id=upload_id))
            _finish(entry, Status.FAILED, FAULT.format(id=upload_id))
            return "failed"
        entry.status = Status.QUEUED
        entry.enqueued_at = timezone.now()
        entry.save(update_fields=["status", "enqueued_at"])
        return "queued again"


def recover_stalled(now: datetime | None = None, limit: int = 100) -> int:
    """Queue again the checks whose worker has died (past the lease); return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CSWW_CHECK_LEASE_SECONDS)
    recovered = 0
    with transaction.atomic():
        stale = list(
            UploadCheck.objects.select_for_update(skip_locked=True)
            .filter(Q(status=Status.CHECKING, started_at__lt=cutoff))
            .order_by("enqueued_at")[:limit]
        )
        for entry in stale:
            if entry.attempts >= settings.CSWW_CHECK_MAX_ATTEMPTS:
                Upload.objects.filter(pk=entry.pk).update(message=FAULT.format(id=entry.pk))
                _finish(entry, Status.FAILED, FAULT.format(id=entry.pk))
            else:
                entry.status = Status.QUEUED
                entry.enqueued_at = now
                entry.save(update_fields=["status", "enqueued_at"])
            recovered += 1
    if recovered:
        log.warning("recovered %s stalled upload checks", recovered)
    return recovered


def queue_position(entry: UploadCheck) -> int:
    """How many checks are ahead of this one (0 when it is next or running)."""
    if entry.status != Status.QUEUED:
        return 0
    again = UploadCheck.objects.filter(status=Status.QUEUED, enqueued_at__lt=entry.enqueued_at)
    if not entry._state.adding:
        return again.count()  # queued again: behind the others queued again before it
    return again.count() + _waiting().filter(pk__lt=entry.upload_id).count()


def retry_after(entry: UploadCheck, position: int) -> int:
    """Seconds before asking again is worth it: 2 near the front of the queue, a second more
    for every ten uploads ahead (workers check several a second), at most 10; 0 when done.
    Pollers that follow it keep a deadline's burst of status requests from crowding out the
    uploads and pages themselves."""
    if entry.finished:
        return 0
    return min(10, 2 + position // 10)


def summary(entry: UploadCheck) -> dict[str, Any]:
    """The check's state as the progress page's script and API v1 read it."""
    done = entry.status == Status.DONE
    position = queue_position(entry)
    return {
        "id": entry.upload_id,
        "status": entry.status,
        "status_label": entry.get_status_display(),
        "finished": entry.finished,
        "position": position,
        "retry_after": retry_after(entry, position),
        "current": entry.applied,
        "version": entry.version.number if entry.version is not None else None,
        "workers": entry.workers if done else None,
        "errors": entry.errors if done else None,
        "queries": entry.queries if done else None,
        "message": entry.message,
    }
