"""Limits at the edge: request bodies refused by their size before they are read, a size
check while a body streams in, and refused requests logged without a traceback."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse

from csww_portal.views.errors import nul_character, too_large


def _limit() -> int:
    return int(settings.CSWW_MAX_REQUEST_BYTES)


class RequestSizeMiddleware:
    """A body larger than ``CSWW_MAX_REQUEST_BYTES`` gets a 413 page; nothing of it is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _limit():
            # (No "Connection: close" here: it is a hop-by-hop header, which a WSGI
            # application may not set; waitress refused the response with a 500.)
            return too_large(request)
        return self.get_response(request)


class NulCharacterMiddleware:
    """A NUL character (``%00``) in the query string or a form gets a 400 saying so
    (:func:`~csww_portal.views.errors.nul_character`) before anything is looked up or saved:
    PostgreSQL's text cannot hold one, so it would otherwise fail as a server error wherever
    the value reached the database. File uploads (``multipart/form-data``) are not read here,
    as a file may hold any byte; the API's one text input, a note, is checked where notes
    are added (``workflow.add_note``)."""

    FORM = "application/x-www-form-urlencoded"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", ""):
            return nul_character(request, _holding(request.GET, "the address"))
        if self._in_form(request):
            return nul_character(request, _holding(request.POST, "the form"))
        return self.get_response(request)

    def _in_form(self, request: HttpRequest) -> bool:
        kind = request.META.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        if kind != self.FORM:
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        if not 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return False  # nothing to read, or Django refuses it as too large
        return b"%00" in request.body


def _holding(values: Any, where: str) -> str:
    """Where the NUL is, for the message: the field (or a field's name) holding it."""
    for name, texts in values.lists():
        if "\x00" in name or any("\x00" in t for t in texts):
            shown = name.replace("\x00", "") or "a field with no name"
            return f"{where}'s field '{shown}'"
    return where


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of uploaded files as they arrive and stops past the limit (for a body
    whose length was not declared up front)."""

    received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > _limit():
            if self.request is not None:
                self.request.csww_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


class NoClientErrorTracebacks(logging.Filter):
    """Keep the line that says a request was refused (4xx), drop its traceback: a denied
    page is the portal working, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class FewRefusals(logging.Filter):
    """At most one log line per ``every`` seconds for refused API credentials (401) and
    throttled requests (429): a flood of token guesses writes a line now and then saying how
    many were left out, not one line each.

    The count is kept in the process, as logging is: with N web processes the bound is N
    lines per ``every`` seconds (each process logs to its own stream anyway). Counting in the
    database would add a write to every refused request for no gain in what is stopped: the
    throttle itself (``throttle.WindowCounter``) is shared by every process."""

    STATUSES = frozenset({401, 429})

    def __init__(self, every: float = 10.0) -> None:
        super().__init__()
        self.every = every
        self.last: dict[int, float] = {}
        self.dropped: dict[int, int] = {}
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status not in self.STATUSES:
            return True
        now = time.monotonic()
        with self.lock:
            if now - self.last.get(status, -self.every) < self.every:
                self.dropped[status] = self.dropped.get(status, 0) + 1
                return False
            self.last[status] = now
            dropped = self.dropped.pop(status, 0)
        if dropped:
            record.msg = f"{record.msg} (and {dropped} more like it, not logged)"
        return True
