"""API v1 for software suppliers: send a return, follow its check, read the report, explain
queries, submit. Every route takes a personal API token (``Authorization: Bearer TOKEN``) and
goes through the same access check as the pages (``csww_portal.access.return_for``): no or a
bad token is 401, another LA's return 404, a role that may not do it 403.

The OpenAPI document is served at ``/api/openapi.json`` and read at ``/api/docs`` (Swagger
UI from django-ninja's own copy, so it works offline and under the portal's CSP).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from ninja import File, NinjaAPI, Query, Status, UploadedFile
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from csww_portal import tasks, throttle
from csww_portal.access import return_for
from csww_portal.api import tokens
from csww_portal.api.schemas import (
    VERSION,
    Conflict,
    NoteIn,
    NoteOut,
    Problem,
    Report,
    ReturnStatus,
    UploadAccepted,
    UploadStatus,
)
from csww_portal.converters import MAX_ID
from csww_portal.models import LAReturn, Note, Upload, UploadCheck
from csww_portal.services import status, workflow
from csww_portal.services.refusals import StaleForm, WorkflowError
from csww_portal.services.upload_rate import TooManyUploads
from csww_portal.services.workflow import NoteRefused

log = logging.getLogger(__name__)

# Every route may answer 429: too many wrong tokens from the client's address.
ERRORS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    422: Problem,
    429: Problem,
}
CHANGES: dict[int, Any] = {**ERRORS, 409: Conflict}


class Throttled(Exception):
    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message)
        self.message, self.wait = message, wait


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        address = throttle.client_ip(request)
        wait = tokens.auth_wait(address)
        if wait:
            raise Throttled(
                "Too many requests with a wrong API token from this address. "
                f"Wait {wait} seconds, and check the token.",
                wait,
            )
        found = tokens.token_for(token)
        if found is None:
            tokens.auth_failed(address)
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


api = NinjaAPI(
    title="CSWW collection portal API",
    version="1",
    description=(
        "Send a local authority's Children's Social Work Workforce return, follow its check, "
        "read the report, explain queries and submit. Authenticate with a personal API token "
        "(issue one on the portal's 'API tokens' page) as `Authorization: Bearer TOKEN`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _problem(request: HttpRequest, message: str, code: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=code)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(
        request, "Send a valid API token as the header 'Authorization: Bearer TOKEN'.", 401
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, "Not found (or not yours to see).", 404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _problem(request, str(exc) or "Your role cannot do this.", 403)


@api.exception_handler(WorkflowError)
def _conflict(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
    return _problem(request, exc.message, 409)


@api.exception_handler(NoteRefused)
def _note_refused(request: HttpRequest, exc: NoteRefused) -> HttpResponse:
    """A note naming a rule, worker or item the return does not have: the request is
    wrong, not the return's state (422)."""
    return _problem(request, f"{exc.reason} Nothing was saved.", 422)


@api.exception_handler(StaleForm)
def _stale(request: HttpRequest, exc: StaleForm) -> HttpResponse:
    """A change made from an older version, or naming none: nothing was done; the answer
    says which version is current and what changed since the one named."""
    since = [
        {"number": v.number, "description": v.description, "by": v.by, "at": v.at}
        for v in exc.since
    ]
    body = {"detail": exc.message, "version": exc.current, "since": since}
    return api.create_response(request, body, status=409)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _problem(request, exc.message, 429)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(TooManyUploads)
def _too_many(request: HttpRequest, exc: TooManyUploads) -> HttpResponse:
    response = _problem(request, exc.message, 429)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(MultiPartParserError)
def _unreadable_form(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body that says it is a form but cannot be read as one (no boundary, a broken one)."""
    return _problem(
        request,
        "The request body is not a multipart/form-data form that can be read: send the file "
        "as the form field 'file', with the boundary your HTTP library writes.",
        400,
    )


@api.exception_handler(Exception)
def _fault(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything unexpected: logged with its traceback (ids only, no data), answered as JSON
    like every other error, never as an HTML page or a traceback."""
    log.exception("API request failed: %s %s", request.method, request.path)
    return _problem(request, "Sorry, there is a problem with the service. Try again later.", 500)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    where = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors
    )
    return _problem(request, f"The request is not valid: {where}"[:1000], 422)


def _return(request: HttpRequest, year: int, la: str, *, change: bool = False) -> LAReturn:
    if not 0 < year <= MAX_ID:
        raise Http404
    return return_for(request.user, year, la, change=change)


def _status_url(request: HttpRequest, upload_id: int) -> str:
    return request.build_absolute_uri(reverse("api:upload_status", args=[upload_id]))


def _upload_status(entry: UploadCheck, ret: LAReturn) -> dict[str, Any]:
    return {
        **tasks.summary(entry),
        "collection": ret.collection.year,
        "la": ret.la.code,
        "filename": entry.upload.filename,
        "received_at": entry.upload.uploaded_at,
    }


def _return_status(ret: LAReturn) -> dict[str, Any]:
    progress = status.progress_of(ret)
    return {
        "collection": ret.collection.year,
        "la": ret.la.code,
        "status": progress.value,
        "status_label": progress.label,
        "state": ret.state,
        "version": ret.current.number if ret.current else None,
        "workers": ret.workers,
        "errors": ret.errors,
        "queries": ret.queries,
        "queries_without_note": ret.unexplained,
        "last_activity": ret.last_activity,
    }


def _note(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "level": note.level,
        "worker": note.worker,
        "rule": note.rule,
        "field": note.field,
        "text": note.text,
        "author": note.author.get_username() if note.author else "",
        "created_at": note.created_at,
    }


@api.post(
    "/v1/collections/{year}/las/{la}/uploads",
    response={202: UploadAccepted, 413: Problem, **CHANGES},
    summary="Send a return file to be checked",
    tags=["uploads"],
)
def create_upload(
    request: HttpRequest, year: int, la: str, file: File[UploadedFile], confirm: bool = False
) -> Status[dict[str, Any]]:
    """Send the whole return (XML in COLLECT format, the template workbook .xlsx, or one of
    its CSV files). The file is kept and queued for checking at once: follow `status_url`
    until `status` is `done` or `failed`.

    A file with no worker records, or fewer than half of the current version's, is held
    (`done`, `current` false, `message` says why) unless `confirm` is true, as the portal's
    upload page asks a person to confirm it."""
    ret = _return(request, year, la, change=True)
    limit = settings.CSWW_MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        return Status(
            413, {"detail": f"The file must be smaller than {limit // (1024 * 1024)} MB."}
        )
    entry = tasks.accept(
        ret,
        request.user,
        file.name or "return",
        file.read(),
        via=" through the API",
        confirmed=confirm,
        token=getattr(request, "api_token", None),
    )
    return Status(
        202,
        {
            "id": entry.upload_id,
            "status": entry.status,
            "status_url": _status_url(request, entry.upload_id),
        },
    )


@api.get(
    "/v1/uploads/{upload_id}",
    response={200: UploadStatus, **ERRORS},
    url_name="upload_status",
    summary="How an upload's check is going",
    tags=["uploads"],
)
def upload_status(request: HttpRequest, upload_id: int) -> dict[str, Any]:
    if not 0 < upload_id <= MAX_ID:
        raise Http404
    upload = (
        Upload.objects.select_related("la_return__la", "la_return__collection")
        .defer("content")
        .filter(pk=upload_id)
        .first()
    )
    if upload is None:
        raise Http404
    ret = upload.la_return
    _return(request, ret.collection.year, ret.la.code)  # the same access check as the pages
    return _upload_status(tasks.entry_for(upload), ret)


@api.get(
    "/v1/collections/{year}/las/{la}/report",
    response={200: Report, **ERRORS},
    summary="The current version's report",
    tags=["returns"],
)
def report(request: HttpRequest, year: int, la: str) -> HttpResponse:
    """The same JSON as `csww validate --format json` prints for one file."""
    ret = _return(request, year, la)
    if ret.current is None:
        raise Http404
    # The stored report as it is, the same JSON as the command line prints (the schema
    # documents it; serialising it again through the core's dataclasses would add their
    # unused optional fields).
    return JsonResponse(ret.current.report)


@api.get(
    "/v1/collections/{year}/las/{la}/status",
    response={200: ReturnStatus, **ERRORS},
    summary="The return's status and counts",
    tags=["returns"],
)
def return_status(request: HttpRequest, year: int, la: str) -> dict[str, Any]:
    return _return_status(_return(request, year, la))


@api.get(
    "/v1/collections/{year}/las/{la}/notes",
    response={200: list[NoteOut], **ERRORS},
    summary="The return's notes",
    tags=["notes"],
)
def list_notes(request: HttpRequest, year: int, la: str) -> list[dict[str, Any]]:
    ret = _return(request, year, la)
    return [_note(n) for n in ret.notes.select_related("author")]


@api.post(
    "/v1/collections/{year}/las/{la}/notes",
    response={201: NoteOut, **CHANGES},
    summary="Add a note (to the return, a worker, a rule or one issue)",
    tags=["notes"],
)
def add_note(request: HttpRequest, year: int, la: str, note: NoteIn) -> Status[dict[str, Any]]:
    """A note with `rule` alone explains every query of that rule; with `worker`, `rule` and
    `field`, one issue; with `worker` alone, a worker; with nothing, the return. `version` is
    the version the note was written against: a note naming none, or an older one, is
    refused (409, with the current version), since the query it explains may have changed."""
    ret = _return(request, year, la, change=True)
    made = workflow.add_note(
        ret,
        request.user,
        note.text,
        base=note.version,
        worker=note.worker,
        rule=note.rule,
        field=note.field,
    )
    return Status(201, _note(made))


@api.post(
    "/v1/collections/{year}/las/{la}/submit",
    response={200: ReturnStatus, **CHANGES},
    summary="Submit the return",
    tags=["returns"],
)
def submit(
    request: HttpRequest,
    year: int,
    la: str,
    version: int | None = Query(None, ge=0, description=VERSION),
) -> dict[str, Any]:
    """Submit the version you checked (`?version=N`). Allowed when no errors remain and every
    query has a note (409 says what blocks it); a request naming no version, or an older one,
    is refused (409, with the current version), so nothing is submitted unseen."""
    ret = _return(request, year, la, change=True)
    workflow.submit(ret, request.user, base=version)
    return _return_status(_return(request, year, la))
