"""The upload's acknowledgement: the form read without Django's multipart parser (and exactly
as it would read it), every check still made, and no stored file left without its row: a
refused upload deletes its file, and the workers sweep files left by a process that died
between writing one and inserting its row."""

from __future__ import annotations

import hashlib
import io
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.management import call_command
from django.db import connection
from django.http.multipartparser import MultiPartParser
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from csww_portal import form_body, tasks
from csww_portal.models import Upload
from csww_portal.services import storage
from tests.portal.conftest import la_url, upload, valid_return, xml

PAGE_FIELDS = frozenset({"csrfmiddlewaretoken"})
PAGE_FILES = frozenset({"return_file"})


def encoded(parts: list[tuple[str, str]], boundary: str = "b0undary") -> tuple[str, bytes]:
    """A multipart body of raw parts: (headers, value)."""
    body = b"".join(
        f"--{boundary}\r\n{headers}\r\n\r\n".encode() + value.encode("latin-1") + b"\r\n"
        for headers, value in parts
    )
    return f"multipart/form-data; boundary={boundary}", body + f"--{boundary}--\r\n".encode()


def page_form(filename: str = "return.xml", data: str = "<x/>") -> list[tuple[str, str]]:
    return [
        ('Content-Disposition: form-data; name="csrfmiddlewaretoken"', "t" * 64),
        (
            f'Content-Disposition: form-data; name="return_file"; filename="{filename}"\r\n'
            "Content-Type: application/xml",
            data,
        ),
    ]


def read_page(content_type: str, body: bytes) -> form_body.FormBody | None:
    return form_body.read(content_type, body, text_fields=PAGE_FIELDS, file_fields=PAGE_FILES)


def test_the_upload_forms_shape_is_read() -> None:
    found = read_page(*encoded(page_form(data="<a>\r\n--b0undar</a>")))
    assert found is not None
    assert found.fields == {"csrfmiddlewaretoken": "t" * 64}
    assert (found.file_field, found.filename, found.content_type) == (
        "return_file",
        "return.xml",
        "application/xml",
    )
    assert found.data == b"<a>\r\n--b0undar</a>"


@hypothesis_settings(max_examples=200, deadline=None)
@given(data=st.binary(min_size=1, max_size=2000))
def test_any_file_comes_back_byte_for_byte_as_djangos_parser_reads_it(data: bytes) -> None:
    boundary = "----csww" + "7" * 24
    if f"\r\n--{boundary}".encode() in b"\r\n" + data + b"\r\n":
        return  # a body no multipart reader can split: the client chooses another boundary
    content_type = f"multipart/form-data; boundary={boundary}"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{'t' * 64}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="return_file"; filename="r.xml"\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    found = read_page(content_type, body)
    assert found is not None and found.data == data
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    post, files = MultiPartParser(meta, io.BytesIO(body), [MemoryFileUploadHandler()]).parse()
    assert post["csrfmiddlewaretoken"] == found.fields["csrfmiddlewaretoken"]
    sent = files.get("return_file")
    assert sent is not None and sent.read() == found.data and sent.name == found.filename


@pytest.mark.parametrize(
    "parts",
    [
        # another field the form does not have
        [*page_form(), ('Content-Disposition: form-data; name="other"', "x")],
        # a field twice
        [page_form()[0], *page_form()],
        # a header the form does not send
        [(page_form()[0][0] + "\r\nContent-Transfer-Encoding: base64", "t"), page_form()[1]],
        # names Django's parser would rewrite
        page_form(filename="../../etc/passwd"),
        page_form(filename="C:\\\\returns\\\\r.xml"),
        page_form(filename="r&amp;.xml"),
        page_form(filename="r\u00e9.xml"),
        page_form(filename=""),
        # an empty file, and no file at all
        page_form(data=""),
        [page_form()[0]],
        # the file in a text field's place
        [('Content-Disposition: form-data; name="csrfmiddlewaretoken"; filename="a"', "t")],
    ],
)
def test_anything_else_is_left_to_djangos_parser(parts: list[tuple[str, str]]) -> None:
    assert read_page(*encoded(parts)) is None


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("multipart/form-data; boundary=b0undary", b"--b0undary\r\n"),  # never closed
        ("multipart/form-data; boundary=b0undary", encoded(page_form())[1][:-20]),  # cut short
        ("multipart/form-data; boundary=b0undary", encoded(page_form())[1] + b"more"),
        ("multipart/form-data; boundary=other", encoded(page_form())[1]),
        ("multipart/mixed; boundary=b0undary", encoded(page_form())[1]),
        ("multipart/form-data; boundary=" + "x" * 71, encoded(page_form(), "x" * 71)[1]),
    ],
)
def test_a_body_that_is_not_exactly_a_form_is_left_to_djangos_parser(
    content_type: str, body: bytes
) -> None:
    assert read_page(content_type, body) is None


@pytest.fixture
def queued() -> Iterator[None]:
    with override_settings(CSWW_CHECK_AT_ONCE=False):
        yield


def test_an_upload_is_acknowledged_without_djangos_parser(
    login: Callable[[str], Client], queued: None
) -> None:
    data = xml(valid_return())
    with mock.patch.object(MultiPartParser, "parse", side_effect=AssertionError("parsed")):
        response = upload(login("submitter"), data)
    stored = Upload.objects.get()
    assert response.status_code == 302 and f"/uploads/{stored.pk}/" in response["Location"]
    assert storage.bytes_of(stored) == data and stored.filename == "return.xml"


def test_the_checksum_is_taken_by_the_worker_that_reads_the_file(
    login: Callable[[str], Client], queued: None
) -> None:
    data = xml(valid_return())
    upload(login("submitter"), data)
    assert Upload.objects.get().sha256 == ""  # the acknowledgement leaves it out
    assert tasks.work_once() == "done"
    assert Upload.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_no_checksum_is_recorded_for_a_stored_file_that_is_not_whole(
    login: Callable[[str], Client], queued: None
) -> None:
    data = xml(valid_return())
    upload(login("submitter"), data)
    stored = Upload.objects.get()
    path = Path(settings.CSWW_FILES_DIR) / stored.stored
    path.write_bytes(data[: len(data) // 2])  # cut short on disk after the acknowledgement
    tasks.work_once()
    assert Upload.objects.get().sha256 == ""


def test_the_acknowledgements_statements_are_prepared_on_postgresql(
    login: Callable[[str], Client], queued: None
) -> None:
    """On PostgreSQL the session, the person, the return and the insert are each prepared on
    the server once per connection; on SQLite they go through Django's cursor."""
    client = login("submitter")
    with CaptureQueriesContext(connection) as through_django:
        response = upload(client, xml(valid_return()))
    assert response.status_code == 302 and Upload.objects.count() == 1
    tables = ("csww_portal_session", "auth_user", "csww_portal_lareturn", "csww_portal_upload")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        for table in tables:
            assert any(table in sql for sql in prepared), (table, prepared)
        assert not any("csww_portal_lareturn r" in q["sql"] for q in through_django)
    else:
        said = [q["sql"] for q in through_django.captured_queries]
        for table in tables:
            assert any(table in sql for sql in said), table


def test_a_form_the_reader_leaves_is_read_by_django_as_before(
    login: Callable[[str], Client], queued: None
) -> None:
    data = xml(valid_return())
    response = upload(login("submitter"), data, name="r\u00e9turn.xml")
    stored = Upload.objects.get()
    assert response.status_code == 302 and stored.filename == "r\u00e9turn.xml"
    assert storage.bytes_of(stored) == data


def test_every_check_is_still_made(
    login: Callable[[str], Client], people: dict[str, Any], queued: None
) -> None:
    """CSRF, the sign-in, the LA and the role, on the form the reader took."""
    data = xml(valid_return())
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["submitter"])
    form = strict.get(la_url("upload"))
    token = form.cookies["csrftoken"].value
    file = SimpleUploadedFile("return.xml", data)
    assert strict.post(la_url("upload"), {"return_file": file}).status_code == 403
    assert not Upload.objects.exists()
    file = SimpleUploadedFile("return.xml", data)
    sent = strict.post(la_url("upload"), {"return_file": file, "csrfmiddlewaretoken": token})
    assert sent.status_code == 302 and Upload.objects.count() == 1

    anonymous = upload(Client(), data)
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    assert upload(login("other"), data).status_code == 404  # another LA's return
    assert upload(login("dfe"), data).status_code == 403  # DfE reads, never uploads
    assert Upload.objects.count() == 1


def stored_files() -> list[Path]:
    return sorted((Path(settings.CSWW_FILES_DIR) / "uploads").rglob("*"), key=str)


def files_only() -> list[Path]:
    return [p for p in stored_files() if p.is_file()]


@override_settings(CSWW_UPLOAD_RATE=1)
def test_a_refused_upload_leaves_no_file(login: Callable[[str], Client], queued: None) -> None:
    client = login("submitter")
    assert upload(client, xml(valid_return())).status_code == 302
    assert upload(client, xml(valid_return())).status_code == 429
    assert len(files_only()) == 1 and Upload.objects.count() == 1


def test_a_failed_insert_leaves_no_file(login: Callable[[str], Client], queued: None) -> None:
    from csww_portal.services import receipt

    with mock.patch.object(receipt, "insert", side_effect=RuntimeError("database away")):
        assert upload(login("submitter"), xml(valid_return())).status_code == 500
    assert files_only() == [] and not Upload.objects.exists()


def orphan(return_id: int, name: str, minutes_old: float) -> Path:
    """A file written as an acknowledgement writes one, whose row was never inserted."""
    path = Path(settings.CSWW_FILES_DIR) / "uploads" / str(return_id) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"<CSWWWorker/>")
    then = time.time() - 60 * minutes_old
    os.utime(path, (then, then))
    return path


def test_files_no_row_names_are_swept_once_old(
    login: Callable[[str], Client], queued: None
) -> None:
    upload(login("submitter"), xml(valid_return()))
    kept = Upload.objects.get()
    named = Path(settings.CSWW_FILES_DIR) / kept.stored
    then = time.time() - 3600 * 24
    os.utime(named, (then, then))  # an old file with its row
    old = orphan(kept.la_return_id, "a" * 32, minutes_old=61)
    young = orphan(kept.la_return_id, "b" * 32, minutes_old=5)  # its row may be on its way
    other = orphan(kept.la_return_id + 1, "c" * 32, minutes_old=600)

    assert storage.OrphanSweep().run() == 2
    assert named.exists() and young.exists()
    assert not old.exists() and not other.exists()
    assert storage.bytes_of(kept) == xml(valid_return())


def test_the_sweep_is_bounded_and_goes_on_where_it_stopped(queued: None, db: None) -> None:
    paths = [orphan(7, f"{n:032x}", minutes_old=120) for n in range(5)]
    sweep = storage.OrphanSweep(limit=2)
    assert [sweep.run() for _ in range(3)] == [2, 2, 1]
    assert not any(p.exists() for p in paths)
    assert sweep.run() == 0 and sweep.after == ""


def test_the_worker_sweeps(queued: None, db: None) -> None:
    path = orphan(3, "d" * 32, minutes_old=90)
    call_command("check_worker", batch=True, interval=0, verbosity=0)
    assert not path.exists()
