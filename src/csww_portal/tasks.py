"""Checking uploads in the background: queued with the upload, run by a worker, safe to repeat.

``accept`` stores the file, its :class:`UploadCheck` and the queued task in one transaction
(the task queue is a table in the portal's own database), so an upload is never without its
job. A worker runs :func:`check_upload`: it claims the check, reads and validates the file
outside any transaction (the slow part), then stores the outcome in one transaction. A check
already ``done`` or ``failed`` is never run again, and the outcome is written only while
holding the return's lock after looking again, so two runs of one task make one result.

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
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task, task_backends

from csww_portal.models import AuditEvent, LAReturn, Upload, UploadCheck
from csww_portal.services import audit, upload_rate, versions
from csww_portal.services.formats import OverLimit, Refused, check_limits, sniff
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
    """Keep the file and queue its check, together. Raises :class:`WorkflowError` when the
    return cannot change now (submitted or approved), or
    :class:`~csww_portal.services.upload_rate.TooManyUploads` when this person or token has
    sent too many files lately."""
    upload_rate.check(user, token)
    kind, over = _over_limit(filename, data)
    with transaction.atomic():
        locked = _lock_return(ret.pk)
        if locked.locked:
            raise WorkflowError(
                f"The return is {locked.get_state_display().lower()}. DfE must reopen it before it can change."
            )
        versions.prune_uploads(locked)
        stored = Upload.objects.create(
            la_return=locked,
            uploaded_by=user,
            filename=filename[:255],
            kind=kind if over else "",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            # A file over a limit is refused unopened, and its bytes are not kept.
            content=b"" if over else data,
            outcome=Upload.Outcome.REFUSED if over else "",
            message=over,
            token=token,
        )
        entry = UploadCheck.objects.create(upload=stored, la_return=locked, confirmed=confirmed)
        locked.last_activity = timezone.now()
        locked.save(update_fields=["last_activity"])
        if over:
            _finish(entry, Status.FAILED, over)
            what = f"refused unopened: {over[:200]}"
        else:
            _enqueue(entry)
            what = f"queued for checking as upload {stored.pk}"
        audit.record(
            user, AuditEvent.Action.UPLOAD, f"{filename[:120]}: received{via}, {what}", ret=locked
        )
    log.info("upload return=%s upload=%s queued", ret.pk, stored.pk)
    entry.refresh_from_db()
    return entry


def _over_limit(filename: str, data: bytes) -> tuple[str, str]:
    """The file's kind, and why it is over a limit ("" when it is not), checked from its size
    and its zip directory before anything is stored or inflated."""
    try:
        kind = sniff(data, filename)
        check_limits(data, kind, filename)
    except OverLimit as exc:
        return "unknown", exc.message
    except Refused:
        return "unknown", ""  # the check says why, with the file kept for the user
    return kind, ""


@task()
def check_upload(upload_id: int) -> str:
    """The queued job: check one upload (see the module's description)."""
    return run_check(upload_id)


def run_check(upload_id: int) -> str:
    entry = _claim(upload_id)
    if entry is None:
        return "already finished"
    ret = LAReturn.objects.select_related("la", "collection", "current").get(pk=entry.la_return_id)
    upload = Upload.objects.only("filename", "content").get(pk=upload_id)
    try:
        found = versions.examine(ret, upload.filename, bytes(upload.content))
    except Exception:  # a fault in reading or checking: the same file would fail again
        log.exception("check of upload %s stopped on a fault while reading", upload_id)
        _fail(upload_id, FAULT.format(id=upload_id))
        return "failed"
    try:
        return _store(upload_id, found)
    except Exception:  # storing failed (database trouble): try again, up to the limit
        log.exception("check of upload %s could not store its outcome", upload_id)
        return _retry(upload_id)


def _lock_return(pk: int) -> LAReturn:
    return (
        LAReturn.objects.select_for_update(of=("self",))
        .select_related("la", "collection")
        .get(pk=pk)
    )


def _lock_entry(upload_id: int) -> UploadCheck | None:
    return UploadCheck.objects.select_for_update().filter(pk=upload_id).first()


def _enqueue(entry: UploadCheck) -> None:
    result = check_upload.enqueue(entry.upload_id)
    UploadCheck.objects.filter(pk=entry.pk).update(task_id=str(result.id)[:64])


def _claim(upload_id: int) -> UploadCheck | None:
    with transaction.atomic():
        entry = _lock_entry(upload_id)
        if entry is None or entry.finished:
            return None
        entry.status = Status.CHECKING
        entry.started_at = timezone.now()
        entry.attempts += 1
        entry.save(update_fields=["status", "started_at", "attempts"])
        return entry


def _store(upload_id: int, found: versions.Examined) -> str:
    """The outcome, in one transaction: the return is locked first (as every change does),
    then the check is looked at again, so a second run finds it finished and stops."""
    la_return_id = UploadCheck.objects.values_list("la_return_id", flat=True).get(pk=upload_id)
    with transaction.atomic():
        locked = _lock_return(la_return_id)
        entry = _lock_entry(upload_id)
        if entry is None or entry.finished:
            return "already finished"
        upload = Upload.objects.defer("content").select_related("uploaded_by").get(pk=upload_id)
        upload.kind, upload.outcome, upload.message = found.kind, found.outcome, found.problem
        fields = ["kind", "outcome", "message"]
        if not found.keep_bytes:  # over a limit: the bytes are not kept
            upload.content = b""
            fields.append("content")
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
        _enqueue(entry)
        return "queued again"


def _task_waiting(entry: UploadCheck) -> bool:
    """Whether the check's task is still in the queue, waiting for a worker."""
    backend = task_backends["default"]
    if not entry.task_id or not backend.supports_get_result:
        return False
    try:
        result = backend.get_result(entry.task_id)
    except Exception:  # gone, or an id this backend never gave out
        return False
    return bool(result.status == "READY")


def _forget_task(entry: UploadCheck) -> None:
    """Mark a dead worker's task row failed, so the queue's own records match."""
    if not entry.task_id:
        return
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return
    DBTaskResult.objects.filter(id=entry.task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="csww_portal.tasks.WorkerLost",
        traceback="The worker stopped before finishing; the check was queued again.",
    )


def recover_stalled(now: datetime | None = None, limit: int = 100) -> int:
    """Queue again the checks whose worker has died (past the lease); return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CSWW_CHECK_LEASE_SECONDS)
    recovered = 0
    with transaction.atomic():
        stale = list(
            UploadCheck.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Status.CHECKING, started_at__lt=cutoff)
                | Q(status=Status.QUEUED, enqueued_at__lt=cutoff)
            )
            .order_by("enqueued_at")[:limit]
        )
        for entry in stale:
            if entry.status == Status.QUEUED and _task_waiting(entry):
                continue  # a long queue, not a lost job
            _forget_task(entry)
            if entry.attempts >= settings.CSWW_CHECK_MAX_ATTEMPTS:
                Upload.objects.filter(pk=entry.pk).update(message=FAULT.format(id=entry.pk))
                _finish(entry, Status.FAILED, FAULT.format(id=entry.pk))
            else:
                entry.status = Status.QUEUED
                entry.enqueued_at = now
                entry.save(update_fields=["status", "enqueued_at"])
                _enqueue(entry)
            recovered += 1
    if recovered:
        log.warning("recovered %s stalled upload checks", recovered)
    return recovered


def queue_position(entry: UploadCheck) -> int:
    """How many checks are ahead of this one (0 when it is next or running)."""
    if entry.status != Status.QUEUED:
        return 0
    return UploadCheck.objects.filter(
        status=Status.QUEUED, enqueued_at__lt=entry.enqueued_at
    ).count()


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
        "id": entry.pk,
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
