"""An LA's return: the task list, uploading, history, submitting and approving."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from csww_portal import tasks
from csww_portal.access import can_approve, is_la_user, la_view, role_of
from csww_portal.models import LAReturn, State
from csww_portal.services import status, versions, workflow
from csww_portal.services.refusals import StaleForm, WorkflowError
from csww_portal.services.upload_rate import TooManyUploads
from csww_portal.services.wording import count
from csww_portal.views.base import posted_base, refusal
from csww_portal.views.progress import after_upload

log = logging.getLogger(__name__)


def _context(request: HttpRequest, ret: LAReturn, **extra: object) -> dict[str, object]:
    collection = ret.collection
    is_la = is_la_user(request.user)
    return {
        "ret": ret,
        "collection": collection,
        "phase": collection.phase(),
        "progress": status.progress_of(ret),
        "tag_class": status.TAG_CLASSES[status.progress_of(ret)],
        "can_change": is_la and collection.la_can_change() and not ret.locked,
        "is_la": is_la,
        # The person who submitted is never offered approval: it is a second pair of eyes.
        "is_approver": can_approve(request.user)
        and not (ret.submitted_by_id is not None and ret.submitted_by_id == request.user.pk),
        **extra,
    }


@la_view()
def overview(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    blockers = status.submit_blockers(ret)
    note_count = ret.notes.count()
    return render(
        request,
        "csww_portal/overview.html",
        _context(request, ret, blockers=blockers, note_count=note_count),
    )


@la_view(change=True)
def upload(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    max_mb = settings.CSWW_MAX_UPLOAD_BYTES // (1024 * 1024)

    def page(status: int = 200, error: str = "", template: str = "upload.html") -> HttpResponse:
        context = _context(request, ret, max_mb=max_mb)
        if error:
            context.update(error=error, page_has_errors=True)
        return render(request, f"csww_portal/{template}", context, status=status)

    if request.method != "POST":
        return page()
    error = ""
    file = request.FILES.get("return_file")
    if getattr(request, "csww_too_large", False):
        error = f"The selected file must be smaller than {max_mb} MB."
    elif file is None:
        error = "Select your return file (XML, .xlsx or CSV)."
    elif file.size is not None and file.size > settings.CSWW_MAX_UPLOAD_BYTES:
        error = f"The selected file must be smaller than {max_mb} MB."
    if error:
        return page(400, error)
    assert file is not None
    data = file.read()
    try:
        entry = tasks.accept(ret, request.user, file.name or "return", data)
    except TooManyUploads as exc:
        response = page(429, exc.message)
        response["Retry-After"] = str(exc.wait)
        return response
    except WorkflowError as exc:
        return page(409, exc.message)
    except Exception:
        # Nothing was stored: the previous version is still the current one.
        log.exception("upload failed for return %s", ret.pk)
        return page(500, template="upload_failed.html")
    # The acknowledgement: straight to the progress page, nothing more read or written.
    if not entry.finished:
        return redirect("csww_portal:upload_progress", ret.collection.year, ret.la.code, entry.pk)
    return after_upload(request, ret, entry, _context(request, ret, max_mb=max_mb))


@la_view(change=True)
def confirm_upload(request: HttpRequest, ret: LAReturn, upload_id: int) -> HttpResponse:
    """A file that would empty the return or remove most of its workers: load it only when
    the user says so."""
    held = get_object_or_404(ret.uploads.defer("content"), pk=upload_id)
    if request.method == "POST":
        load = request.POST.get("choice") == "load"
        try:
            result = versions.confirm_held(
                ret, request.user, upload_id, load=load, base=posted_base(request)
            )
        except StaleForm as exc:
            # Asked again, on the page as the return is now.
            ret.refresh_from_db()
            context = _context(request, ret, held=held, **refusal(exc, "#choice"))
            return render(request, "csww_portal/confirm_upload.html", context, status=409)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect("csww_portal:upload", ret.collection.year, ret.la.code)
        if not load:
            messages.success(request, f"{held.filename} was not loaded. Nothing changed.")
            return redirect("csww_portal:overview", ret.collection.year, ret.la.code)
        if result.version is None:
            messages.error(request, result.message)
            return redirect("csww_portal:upload", ret.collection.year, ret.la.code)
        v = result.version
        messages.success(
            request,
            f"{held.filename} loaded as version {v.number}: {count(v.workers, 'worker record')}.",
        )
        return redirect("csww_portal:results", ret.collection.year, ret.la.code)
    return render(request, "csww_portal/confirm_upload.html", _context(request, ret, held=held))


@la_view()
def history(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    uploads = (
        ret.uploads.select_related("uploaded_by")
        .defer("content")
        .annotate(kept=Length("content") + Length("stored"))
    )
    versions_ = ret.versions.select_related("created_by", "upload").defer(
        "xml", "report", "upload__content"
    )
    return render(
        request,
        "csww_portal/history.html",
        _context(request, ret, uploads=uploads, versions=versions_),
    )


@la_view(change=True)
def submit(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    refused: dict[str, object] = {}
    if request.method == "POST":
        try:
            workflow.submit(ret, request.user, base=posted_base(request))
        except WorkflowError as exc:
            # The page again, as the return is now, saying why (409: nothing was done).
            ret.refresh_from_db()
            refused = refusal(exc, "#submit-form" if _can_submit(ret) else "#blockers")
        else:
            # The person who submits never approves (a second pair of eyes): say who can.
            messages.success(
                request,
                "Return submitted. Another approver in your local authority can now approve it."
                if can_approve(request.user)
                else "Return submitted. Your approver can now approve it.",
            )
            return redirect("csww_portal:overview", ret.collection.year, ret.la.code)
    blockers = status.submit_blockers(ret)
    return render(
        request,
        "csww_portal/submit.html",
        _context(request, ret, blockers=blockers, **refused),
        status=409 if refused else 200,
    )


def _can_submit(ret: LAReturn) -> bool:
    return not ret.locked and not status.submit_blockers(ret)


@la_view(change=True)
def approve(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    refused: dict[str, object] = {}
    if request.method == "POST":
        try:
            workflow.approve(ret, request.user, role_of(request.user), base=posted_base(request))
        except WorkflowError as exc:
            ret.refresh_from_db()
            refused = refusal(exc, "#approve-form")
        else:
            messages.success(request, "Return approved. DfE can now see it is final.")
            return redirect("csww_portal:overview", ret.collection.year, ret.la.code)
    return render(
        request,
        "csww_portal/approve.html",
        _context(request, ret, cannot=_why_not_approve(request, ret), **refused),
        status=409 if refused else 200,
    )


def _why_not_approve(request: HttpRequest, ret: LAReturn) -> str:
    """Why this person cannot approve the return as it is now ("" when they can)."""
    problem = ""
    if not can_approve(request.user):
        problem = "Only the local authority's approver can approve the return."
    elif ret.state != State.SUBMITTED:
        problem = "The return must be submitted before it can be approved."
    elif ret.submitted_by_id is not None and ret.submitted_by_id == request.user.pk:
        problem = workflow.SAME_PERSON
    return problem


@la_view(change=True)
def restore(request: HttpRequest, ret: LAReturn, number: int) -> HttpResponse:
    version = get_object_or_404(ret.versions.defer("xml", "report"), number=number)
    problem = None
    if request.method == "POST":
        try:
            new = versions.restore(ret, request.user, number, base=posted_base(request))
        except StaleForm as exc:
            # The page again, as the return is now, listing what restoring would undo.
            ret.refresh_from_db()
            problem = refusal(exc, "#newer")["problem"]
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect("csww_portal:history", ret.collection.year, ret.la.code)
        else:
            messages.success(
                request,
                f"Version {number} restored as version {new.number}: "
                f"{count(new.workers, 'worker record')}, {count(new.errors, 'error')} and "
                f"{count(new.queries, 'query')}.",
            )
            return redirect("csww_portal:results", ret.collection.year, ret.la.code)
    newer = (
        ret.versions.filter(number__gt=number)
        .select_related("created_by")
        .defer("xml", "report")
        .order_by("number")[:50]
    )
    return render(
        request,
        "csww_portal/restore.html",
        _context(
            request,
            ret,
            version=version,
            newer=list(newer),
            problem=problem,
            page_has_errors=bool(problem),
        ),
        status=409 if problem else 200,
    )
