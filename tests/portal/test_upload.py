"""Uploading: kinds told by content, every file kept, the core's verdict stored, and a crash
part-way through leaving the previous version in place."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from unittest import mock

import pytest
from django.test import Client, override_settings

from csww_portal.models import ReturnVersion, State, Upload, UploadCheck
from csww_portal.services import storage, versions
from tests.portal.conftest import (
    current,
    return_with_error_and_query,
    the_return,
    upload,
    valid_return,
    worker_url,
    xml,
)


def test_xml_with_an_error_and_a_query_is_loaded_with_the_cores_verdict(
    login: Callable[[str], Client],
) -> None:
    response = upload(login("submitter"), xml(return_with_error_and_query()))
    assert response.status_code == 302 and response["Location"].endswith("/results/")
    ret = the_return()
    assert ret.current is not None
    assert ret.state == State.IN_PROGRESS
    assert (ret.workers, ret.errors, ret.queries, ret.unexplained) == (4, 1, 1, 1)
    report = ret.current.report_object()
    assert [(i.rule, i.record, i.field) for i in report.issues] == [
        ("306", 1, "Ethnicity"),
        ("519Q", 2, "Cases30"),
    ]


def test_results_page_shows_error_summary_counts_and_links_to_records(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    page = client.get("/collections/2018/la/301/results/").content.decode()
    assert "govuk-error-summary" in page and "Your return has 1 error" in page
    assert f'href="{worker_url(1)}#f-Ethnicity"' in page
    assert f'href="{worker_url(2)}#f-Cases30"' in page
    errors_only = client.get("/collections/2018/la/301/results/?severity=error").content.decode()
    assert "#f-Ethnicity" in errors_only and "#f-Cases30" not in errors_only
    by_rule = client.get("/collections/2018/la/301/results/?rule=519Q").content.decode()
    assert "#f-Cases30" in by_rule and "#f-Ethnicity" not in by_rule


def test_every_upload_is_kept_and_versions_are_never_overwritten(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    first = xml(return_with_error_and_query())
    second = xml(valid_return())
    upload(client, first)
    upload(client, second, name="fixed.xml")
    ret = the_return()
    assert ret.current is not None
    assert [storage.bytes_of(u) for u in Upload.objects.order_by("id")] == [first, second]
    assert list(ret.versions.order_by("number").values_list("number", "errors")) == [(1, 1), (2, 0)]
    assert ret.current.number == 2 and ret.current.xml_bytes() == second
    history = client.get("/collections/2018/la/301/history/").content.decode()
    assert "fixed.xml" in history and "return.xml" in history


def test_unreadable_xml_is_kept_but_does_not_replace_the_current_version(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    response = upload(client, b"<Message><Header>", name="cut.xml")
    assert response.status_code == 400
    assert (
        "govuk-error-summary" in response.content.decode()
        and "cut short" in response.content.decode()
    )
    ret = the_return()
    assert ret.current is not None
    assert ret.current.number == 1
    assert Upload.objects.get(filename="cut.xml").outcome == Upload.Outcome.UNREADABLE


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("return.xml", b"PK\x03\x04rubbish", "damaged"),
        ("return.xlsx", b"<Message></Message>", "content is XML"),
        ("return.xml", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel"),
        ("return.pdf", b"%PDF-1.4 ...", "PDF"),
        ("return.txt", b"a,b,c", "must be XML"),
        ("return.xml", b"", "empty"),
        ("return.csv", b"AgencyWorker,SWENo\n\x00\x01", "not text"),
    ],
)
def test_file_kind_is_checked_by_content(
    name: str, data: bytes, words: str, login: Callable[[str], Client]
) -> None:
    response = upload(login("submitter"), data, name=name)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert the_return().current is None


def test_a_zip_renamed_to_xml_is_refused(login: Callable[[str], Client]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    response = upload(login("submitter"), buffer.getvalue(), name="return.xml")
    assert response.status_code == 400
    assert "content is Excel workbook" in response.content.decode()
    assert Upload.objects.get().outcome == Upload.Outcome.REFUSED


def test_a_return_for_another_la_is_refused(login: Callable[[str], Client]) -> None:
    response = upload(login("submitter"), xml(valid_return("302")))
    assert response.status_code == 400
    assert "for LA 302" in response.content.decode()
    assert the_return("301").current is None and the_return("302").current is None


def test_the_joint_kingston_richmond_return_is_accepted_under_either_code(collection) -> None:
    from django.test import Client

    from tests.portal.conftest import _user

    client = Client()
    client.force_login(_user("sub318", "la_submitter", "318"))
    response = upload(client, xml(valid_return("314")), la="318")
    assert response.status_code in (200, 302), response.content.decode()[:500]
    assert the_return("318").current is not None


@override_settings(CSWW_MAX_UPLOAD_BYTES=1000)
def test_upload_size_limit(login: Callable[[str], Client]) -> None:
    response = upload(login("submitter"), xml(valid_return()))
    assert response.status_code == 400
    assert "smaller than" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_file_must_be_chosen(login: Callable[[str], Client]) -> None:
    response = login("submitter").post("/collections/2018/la/301/upload/", {})
    assert response.status_code == 400
    assert 'href="#return_file"' in response.content.decode()


def test_crash_during_validation_leaves_previous_data_intact(
    login: Callable[[str], Client],
) -> None:
    """The file is kept (every upload is), its check fails and says why, and the previous
    version stays current."""
    client = login("submitter")
    upload(client, xml(valid_return()))
    before = the_return()
    with mock.patch.object(versions, "validate", side_effect=RuntimeError("validation blew up")):
        response = upload(client, xml(return_with_error_and_query()), name="second.xml")
    assert response.status_code == 500
    assert "Nothing was changed" in response.content.decode()
    after = the_return()
    assert (after.current_id, after.errors, after.workers) == (
        before.current_id,
        before.errors,
        before.workers,
    )
    assert ReturnVersion.objects.count() == 1
    failed = UploadCheck.objects.get(upload__filename="second.xml")
    assert failed.status == UploadCheck.Status.FAILED and failed.version is None
    assert "previous version is still current" in failed.message
    assert "validation blew up" not in failed.message  # no internals shown to the user


def test_crash_while_storing_rolls_back_the_version_and_gives_up_after_the_attempts(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    before = the_return()
    with mock.patch.object(
        versions, "_new_version", side_effect=RuntimeError("disk full")
    ) as storing:
        response = upload(client, xml(return_with_error_and_query()), name="second.xml")
    assert response.status_code == 500
    assert storing.call_count == 3  # CSWW_CHECK_MAX_ATTEMPTS
    after = the_return()
    assert after.current_id == before.current_id and after.errors == before.errors
    assert list(Upload.objects.order_by("id").values_list("filename", flat=True)) == [
        "return.xml",
        "second.xml",
    ]
    assert ReturnVersion.objects.count() == 1
    failed = UploadCheck.objects.get(upload__filename="second.xml")
    assert (failed.status, failed.attempts) == (UploadCheck.Status.FAILED, 3)


def test_xlsx_template_upload_is_read_by_the_sheet_reader(login: Callable[[str], Client]) -> None:
    from csww.sheets.convert import to_workbook

    book, _ = to_workbook(return_with_error_and_query())
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(login("submitter"), buffer.getvalue(), name="return.xlsx")
    assert response.status_code == 302
    ret = the_return()
    assert ret.current is not None
    assert ret.current.upload is not None
    assert ret.current.upload.kind == "xlsx" and ret.current.xml  # kept as canonical XML too
    report = ret.current.report_object()
    assert [(i.rule, i.record, i.cell) for i in report.issues] == [
        ("306", 1, "Workers!F4"),
        ("519Q", 2, "Workers!Q5"),
    ]


def test_workers_csv_replaces_the_workers_and_keeps_the_rest(
    login: Callable[[str], Client],
) -> None:
    from csww.sheets.convert import csv_files, split
    from csww.spec import spec_for

    client = login("submitter")
    upload(client, xml(valid_return()))
    spec = spec_for(2018)
    files = csv_files(split(return_with_error_and_query(), spec), spec)
    response = upload(client, files["workers.csv"].encode(), name="workers.csv")
    assert response.status_code == 302, response.content.decode()[-2000:]
    ret = the_return()
    assert ret.current is not None
    assert ret.current.upload is not None
    assert ret.current.number == 2 and ret.current.upload.kind == "csv"
    assert (ret.workers, ret.errors, ret.queries) == (4, 1, 1), ret.current.report["issues"]
    from csww.reader import read

    la = read(ret.current.xml_bytes()).la
    assert la is not None and la.values["NumberOfVacancies"] == "0.9"


def test_first_csv_upload_gets_this_las_header(login: Callable[[str], Client]) -> None:
    from csww.sheets.convert import csv_files, split
    from csww.spec import spec_for

    spec = spec_for(2018)
    files = csv_files(split(valid_return(), spec), spec)
    upload(login("submitter"), files["workers.csv"].encode(), name="workers.csv")
    from csww.reader import read

    header = read(current().xml_bytes()).header.values
    assert header["LEA"] == "301" and header["Year"] == "2018"


def test_logs_hold_no_personal_data(
    login: Callable[[str], Client], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    upload(login("submitter"), xml(return_with_error_and_query()))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "upload return=" in text
    for secret in ("SW100001", "1980-05-17", "XXXX", "WBRI"):
        assert secret not in text
