"""A strict reader of the upload form's body (``multipart/form-data``), read whole from memory.

Django's multipart parser reads a body in chunks through several layers of Python, which was
a fifth of the CPU of an upload's acknowledgement (``docs/benchmarks-portal.md``). The upload
form sends a known shape: a few short text fields and one file. This reader finds the parts
with ``bytes.find`` over the body already in memory and accepts only that shape, written
plainly: anything else (an unexpected header, a field it does not know, a name that Django
would rewrite, a missing closing delimiter) gives ``None``, and the request is then read by
Django's own parser exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict

MAX_TEXT = 4096  # a text field's value (a CSRF token is 64 characters)
MAX_HEADERS = 1024  # one part's headers
HEADERS = frozenset({"content-disposition", "content-type"})


@dataclass
class FormBody:
    """The form's text fields, and its one file (name and bytes)."""

    fields: dict[str, str] = field(default_factory=dict)
    file_field: str = ""
    filename: str = ""
    content_type: str = ""
    data: bytes = b""


# What browsers and HTTP libraries send, written plainly (RFC 7578); anything else is left to
# Django's parser, which reads every variant.
CONTENT_TYPE = re.compile(
    r"multipart/form-data; ?boundary=(\"?)([0-9A-Za-z'()+_,./:=?-]{1,70})\1", re.ASCII
)
DISPOSITION = re.compile(r'form-data; name="([^"\\]+)"(?:; filename="([^"\\]*)")?', re.ASCII)


def boundary_of(content_type: str) -> bytes | None:
    """The boundary of a ``multipart/form-data`` content type; None for anything else."""
    match = CONTENT_TYPE.fullmatch(content_type)
    return match.group(2).encode("ascii") if match else None


def _plain_filename(name: str) -> bool:
    """A file name Django's parser would keep as it is: printable ASCII, no path separators,
    no HTML character reference (it unescapes those), not ``.`` or ``..``."""
    return (
        0 < len(name) <= 255
        and name.isascii()
        and name.isprintable()
        and not any(c in name for c in '/\\&"')
        and name not in (".", "..")
    )


def _headers(raw: bytes) -> dict[str, str] | None:
    if len(raw) > MAX_HEADERS or not raw.isascii():
        return None
    out: dict[str, str] = {}
    for line in raw.decode("ascii").split("\r\n"):
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon or name not in HEADERS or name in out:
            return None
        out[name] = value.strip()
    return out if "content-disposition" in out else None


def _part(body: FormBody, raw: bytes, start: int, end: int, file_fields: frozenset[str]) -> bool:
    """Read one part (``raw[start:end]``) into ``body``; False when it is not of the form."""
    split = raw.find(b"\r\n\r\n", start, end)
    if split < 0:
        return False
    headers = _headers(raw[start:split])
    if headers is None:
        return False
    disposition = DISPOSITION.fullmatch(headers["content-disposition"])
    if disposition is None:
        return False
    name, filename = disposition.groups()
    if name in body.fields or name == body.file_field:
        return False
    value = raw[split + 4 : end]
    if filename is not None:
        if name not in file_fields or body.file_field or not _plain_filename(filename):
            return False
        body.file_field, body.filename, body.data = name, filename, value
        body.content_type = headers.get("content-type", "").partition(";")[0].strip().lower()
        return bool(value)
    if name in file_fields or "content-type" in headers or len(value) > MAX_TEXT:
        return False
    if not value.isascii():
        return False
    body.fields[name] = value.decode("ascii")
    return True


def read(
    content_type: str, raw: bytes, *, text_fields: frozenset[str], file_fields: frozenset[str]
) -> FormBody | None:
    """The form in ``raw``, or None when it is not exactly a form of these fields (at most
    the text fields named, and one non-empty file in one of the file fields)."""
    boundary = boundary_of(content_type)
    if boundary is None:
        return None
    delimiter = b"\r\n--" + boundary
    if not raw.startswith(delimiter[2:] + b"\r\n"):
        return None
    closing = raw.rfind(delimiter + b"--")
    if closing < 0 or raw[closing + len(delimiter) + 2 :] not in (b"", b"\r\n"):
        return None
    body = FormBody()
    start = len(boundary) + 4
    while start <= closing:
        end = raw.find(delimiter, start, closing + len(delimiter))
        if end < 0:
            return None
        if not _part(body, raw, start, end, file_fields):
            return None
        if set(body.fields) - text_fields:
            return None
        if end == closing:
            break
        if raw[end + len(delimiter) : end + len(delimiter) + 2] != b"\r\n":
            return None
        start = end + len(delimiter) + 2
    return body if body.file_field else None


# The forms that send files: the upload page (with its CSRF token) and API v1's upload.
UPLOAD_PAGE = re.compile(r"/collections/[0-9]+/la/[^/]+/upload/")
API_UPLOAD = re.compile(r"/api/v1/collections/[0-9]+/las/[^/]+/uploads")
FORMS: tuple[tuple[re.Pattern[str], frozenset[str], frozenset[str]], ...] = (
    (UPLOAD_PAGE, frozenset({"csrfmiddlewaretoken"}), frozenset({"return_file"})),
    (API_UPLOAD, frozenset(), frozenset({"file"})),
)


class UploadFormMiddleware:
    """Reads an upload's body with :func:`read` when it is a plain form of the upload page or
    API v1's upload, so that Django's parser is not needed; every check (the session, CSRF,
    access, limits) is then made as for any request, on what Django's parser would have
    given. Bodies over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (which Django spools to a temporary
    file) and anything :func:`read` does not take are left to Django's parser, unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            _read_upload_form(request)
        return self.get_response(request)


def _form_of(path: str) -> tuple[frozenset[str], frozenset[str]] | None:
    for pattern, text_fields, file_fields in FORMS:
        if pattern.fullmatch(path):
            return text_fields, file_fields
    return None


def _read_upload_form(request: HttpRequest) -> None:
    form = _form_of(request.path_info)
    content_type = request.META.get("CONTENT_TYPE", "")
    if form is None or not content_type.startswith("multipart/form-data"):
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if not 0 < length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
        return
    raw = request.read(length)
    request._body = raw  # Django's parser reads it from here
    found = read(content_type, raw, text_fields=form[0], file_fields=form[1])
    if found is None or len(raw) != length:
        return
    post = QueryDict(mutable=True)
    for name, value in found.fields.items():
        post[name] = value
    post._mutable = False
    upload = InMemoryUploadedFile(
        BytesIO(found.data),
        found.file_field,
        found.filename,
        found.content_type,
        len(found.data),
        None,
    )
    request._post = post  # type: ignore[attr-defined]
    request._files = MultiValueDict({found.file_field: [upload]})  # type: ignore[attr-defined]
