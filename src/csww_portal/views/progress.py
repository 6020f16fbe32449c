"""The "being checked" page: where an upload leads while a worker checks it.

Without JavaScript the page refreshes itself (a ``<meta http-equiv="refresh">`` inside
``<noscript>``); with it, ``progress.js`` reads the check's state from the JSON view below
and updates the page in place, showing the results when they are ready.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from csww_portal import tasks
from csww_portal.access import la_view
from csww_portal.models import LAReturn, Upload, UploadCheck
from csww_portal.services.wording import count
from csww_portal.views import la_return

REFRESH_SECONDS = 3


def _entry(ret: LAReturn, upload_id: int) -> UploadCheck:
    upload = ret.uploads.filter(pk=upload_id).defer("content").first()
    if upload is None:
        raise Http404("No such upload.")
    return tasks.entry_for(upload)


def _loaded_message(entry: UploadCheck) -> str:
    v = entry.version
    assert v is not None
    return (
        f"{entry.upload.filename} loaded as version {v.number}: "
        f"{count(v.workers, 'worker record')}, {count(v.errors, 'error')} and "
        f"{count(v.queries, 'query')}."
    )


def after_upload(
    request: HttpRequest, ret: LAReturn, entry: UploadCheck, context: dict[str, object]
) -> HttpResponse:
    """Where the upload form leads: the progress page while the check waits or runs; when it
    has already finished (a tasks backend that runs jobs at once), straight to its outcome."""
    year, code = ret.collection.year, ret.la.code
    if entry.finished and entry.upload.outcome == Upload.Outcome.HELD:
        return redirect("csww_portal:confirm_upload", year, code, entry.pk)
    if not entry.finished or (entry.status == UploadCheck.Status.DONE and entry.version is None):
        return redirect("csww_portal:upload_progress", year, code, entry.pk)
    if entry.status == UploadCheck.Status.FAILED:
        if entry.upload.outcome in (Upload.Outcome.UNREADABLE, Upload.Outcome.REFUSED):
            return render(
                request,
                "csww_portal/upload.html",
                {**context, "error": entry.message, "page_has_errors": True},
                status=400,
            )
        return render(request, "csww_portal/upload_failed.html", context, status=500)
    messages.success(request, _loaded_message(entry))
    return redirect("csww_portal:results", year, code)


@la_view()
def upload_progress(request: HttpRequest, ret: LAReturn, upload_id: int) -> HttpResponse:
    entry = _entry(ret, upload_id)
    failed = entry.status == UploadCheck.Status.FAILED
    return render(
        request,
        "csww_portal/progress.html",
        la_return._context(
            request,
            ret,
            entry=entry,
            upload=entry.upload,
            summary=tasks.summary(entry),
            refresh_seconds=REFRESH_SECONDS,
            page_has_errors=failed,
            errors=[{"href": "#check-message", "text": entry.message}] if failed else [],
        ),
    )


@la_view()
def upload_progress_json(request: HttpRequest, ret: LAReturn, upload_id: int) -> HttpResponse:
    return JsonResponse(tasks.summary(_entry(ret, upload_id)))
