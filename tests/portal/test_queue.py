"""The real queue: each upload's own row is its place in the queue, and ``csww worker``
checks them.

These tests queue uploads (not the check at once the other portal tests use) and run the
worker on committed data: the acknowledgement is one row, a check whose worker died is run
again, a check run twice makes one result, one LA's uploads apply in order with the newest
winning, and a failed check says why and keeps the previous version.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from csww_portal import tasks
from csww_portal.models import AuditEvent, ReturnVersion, Upload, UploadCheck
from csww_portal.services import storage
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import (
    YEAR,
    base,
    la_url,
    return_with_error_and_query,
    the_return,
    upload,
    valid_return,
    xml,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue() -> Iterator[None]:
    with override_settings(CSWW_CHECK_AT_ONCE=False):
        yield


def work() -> None:
    """One run of the real database worker over everything queued."""
    call_command("check_worker", batch=True, interval=0, verbosity=0)


def progress_url(upload_id: int) -> str:
    return la_url("upload_progress", "301", upload_id)


def test_an_upload_is_queued_by_its_own_row_and_the_page_shows_progress(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    response = upload(client, xml(return_with_error_and_query()))
    waiting = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == progress_url(waiting.pk)
    # The acknowledgement wrote one row (the queue entry) and the file beside the database.
    assert waiting.outcome == "" and waiting.stored and not UploadCheck.objects.exists()
    assert storage.bytes_of(waiting) == xml(return_with_error_and_query())
    assert the_return().current is None
    assert not AuditEvent.objects.filter(action="upload").exists()

    page = client.get(progress_url(waiting.pk)).content.decode()
    assert "Your return is being checked" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "csww_portal/progress.js" in page and 'role="status"' in page
    status = client.get(la_url("upload_progress_json", "301", waiting.pk)).json()
    assert (status["status"], status["finished"], status["position"]) == ("queued", False, 0)

    work()

    entry = UploadCheck.objects.get()
    assert entry.status == UploadCheck.Status.DONE and entry.applied and entry.attempts == 1
    ret = the_return()
    assert ret.current_id == entry.version_id and (ret.errors, ret.queries) == (1, 1)
    # The worker wrote the receipt the acknowledgement left out, at the time it was received.
    receipt = AuditEvent.objects.get(detail__contains="received")
    assert receipt.at == waiting.uploaded_at and receipt.la is not None
    assert ret.last_activity is not None and ret.last_activity >= waiting.uploaded_at
    page = client.get(progress_url(entry.pk)).content.decode()
    assert "Loaded as version 1" in page and "http-equiv" not in page
    assert "1 error" in page and "See the results" in page
    status = client.get(la_url("upload_progress_json", "301", entry.pk)).json()
    assert (status["status"], status["workers"], status["errors"]) == ("done", 4, 1)


def test_a_failed_acknowledgement_leaves_no_row(login: Callable[[str], Client]) -> None:
    from csww_portal.services import receipt

    client = login("submitter")
    with mock.patch.object(receipt, "insert", side_effect=RuntimeError("database away")):
        response = upload(client, xml(valid_return()))
    assert response.status_code == 500
    assert "Nothing was changed" in response.content.decode()
    assert not Upload.objects.exists() and not UploadCheck.objects.exists()
    assert the_return().current is None


def test_a_check_run_twice_makes_one_result(login: Callable[[str], Client]) -> None:
    upload(login("submitter"), xml(valid_return()))
    waiting = Upload.objects.get()
    assert tasks.run_check(waiting.pk) == "done"
    assert tasks.run_check(waiting.pk) == "already finished"  # a second run, by hand
    work()  # and the worker finds nothing waiting
    assert ReturnVersion.objects.count() == 1
    entry = UploadCheck.objects.get()
    assert entry.status == UploadCheck.Status.DONE and entry.attempts == 1


def test_two_workers_never_take_one_upload(login: Callable[[str], Client]) -> None:
    upload(login("submitter"), xml(valid_return()))
    waiting = Upload.objects.get()
    assert tasks._claim(waiting.pk) is True
    assert tasks._claim(waiting.pk) is False  # another worker finds it taken
    assert tasks.work_once() is None  # nothing else waits


def test_a_check_whose_worker_died_is_run_again(login: Callable[[str], Client]) -> None:
    upload(login("submitter"), xml(valid_return()))
    waiting = Upload.objects.get()
    # What a worker killed mid-check leaves: the check claimed and started, never finished.
    assert tasks._claim(waiting.pk) is True

    assert tasks.recover_stalled() == 0  # within the lease it may still be running
    later = timezone.now() + timedelta(minutes=6)
    assert tasks.recover_stalled(now=later) == 1
    work()
    entry = UploadCheck.objects.get()
    assert (entry.status, entry.attempts) == (UploadCheck.Status.DONE, 2)
    assert the_return().current_id == entry.version_id and ReturnVersion.objects.count() == 1


def test_a_check_that_keeps_dying_fails_and_says_why(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    work()
    upload(client, xml(return_with_error_and_query()), name="second.xml")
    second = Upload.objects.get(filename="second.xml")
    later = timezone.now()
    for _ in range(3):
        assert tasks._claim(second.pk) is True
        later += timedelta(minutes=6)
        assert tasks.recover_stalled(now=later) == 1
    entry = UploadCheck.objects.get(pk=second.pk)
    assert (
        entry.status == UploadCheck.Status.FAILED
        and "upload the file again" in entry.message.lower()
    )
    page = client.get(progress_url(entry.pk)).content.decode()
    assert "Your upload could not be checked" in page and "govuk-error-summary" in page
    assert "version 1 is still the current one" in page
    assert current_number() == 1


def test_one_las_uploads_apply_in_order_and_the_newest_wins(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()), name="first.xml")
    upload(client, xml(valid_return()), name="second.xml")
    older, newer = Upload.objects.order_by("pk")
    status = client.get(la_url("upload_progress_json", "301", newer.pk)).json()
    assert (status["position"], status["retry_after"]) == (1, 2)  # the first is ahead of it
    # Two workers race and the newer upload's check finishes first.
    assert tasks.run_check(newer.pk) == "done"
    assert tasks.run_check(older.pk) == "superseded"
    first, second = UploadCheck.objects.order_by("pk")
    ret = the_return()
    assert ret.current_id == second.version_id and ret.errors == 0
    assert first.status == UploadCheck.Status.DONE and not first.applied
    assert first.version is None and first.errors == 1  # checked, counted, not made current
    page = client.get(progress_url(first.pk)).content.decode()
    assert "A later upload was checked first" in page

    # In the queue's own order, one worker checks them oldest first and the newest is current.
    upload(client, xml(return_with_error_and_query()), name="third.xml")
    upload(client, xml(valid_return()), name="fourth.xml")
    work()
    ret = the_return()
    fourth = UploadCheck.objects.get(upload__filename="fourth.xml")
    assert ret.current_id == fourth.version_id
    assert list(ret.versions.order_by("number").values_list("upload__filename", flat=True)) == [
        "second.xml",
        "third.xml",
        "fourth.xml",
    ]


def test_an_unreadable_file_fails_its_check_and_keeps_the_previous_version(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    work()
    upload(client, b"<Message><Header>", name="cut.xml")
    work()
    entry = UploadCheck.objects.get(upload__filename="cut.xml")
    assert entry.status == UploadCheck.Status.FAILED and "cut short" in entry.message
    assert Upload.objects.get(filename="cut.xml").outcome == Upload.Outcome.UNREADABLE
    page = client.get(progress_url(entry.pk)).content.decode()
    assert "cut short" in page and "version 1 is still the current one" in page
    assert current_number() == 1
    assert AuditEvent.objects.filter(detail__contains="cut.xml").count() == 2


def test_a_return_submitted_while_an_upload_waited_is_not_changed_by_it(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    work()
    upload(client, xml(return_with_error_and_query()), name="late.xml")
    client.post(la_url("submit"), base())
    work()
    entry = UploadCheck.objects.get(upload__filename="late.xml")
    assert entry.status == UploadCheck.Status.FAILED and "submitted" in entry.message
    assert current_number() == 1


def test_other_las_cannot_see_an_upload_in_progress(login: Callable[[str], Client]) -> None:
    upload(login("submitter"), xml(valid_return()))
    entry = Upload.objects.get()
    other = login("other")
    assert other.get(progress_url(entry.pk)).status_code == 404
    assert other.get(la_url("upload_progress", "302", entry.pk)).status_code == 404
    assert login("dfe").get(progress_url(entry.pk)).status_code == 200


def big_return(workers: int) -> bytes:
    records = [make_worker("inpost", YEAR, SWENo=f"SW{200000 + n}") for n in range(workers)]
    from csww.model import Return

    return xml(Return(header=make_header(YEAR, "301"), la=make_la(), workers=records))


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in os.environ.get("DATABASE_URL", ""),
    reason="worker processes need a database other processes can open (PostgreSQL)",
)
def test_worker_processes_check_uploads_and_a_killed_one_is_replaced(
    login: Callable[[str], Client],
) -> None:
    """``csww worker`` in separate processes; one is killed with SIGKILL mid-check."""
    client = login("submitter")
    upload(client, big_return(6000), name="big.xml")
    waiting = Upload.objects.get()
    settings_dict = connection.settings_dict
    url = (
        f"postgresql://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CSWW_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "CSWW_FILES_DIR": str(Path(storage._root())),
        "CSWW_PORTAL_EPHEMERAL_KEY": "1",
        "CSWW_CHECK_LEASE_SECONDS": "1",
    }
    command = [sys.executable, "-c", "from csww.cli.main import main; main()", "worker"]
    command += ["--interval", "0.05"]
    doomed = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if UploadCheck.objects.filter(pk=waiting.pk).exists():
                break
            time.sleep(0.01)
        entry = UploadCheck.objects.get(pk=waiting.pk)
        assert entry.status == UploadCheck.Status.CHECKING, "the worker did not start the check"
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    entry.refresh_from_db()
    assert entry.status == UploadCheck.Status.CHECKING and ReturnVersion.objects.count() == 0

    time.sleep(1.2)  # past the (shortened) lease
    survivor = subprocess.run(
        [*command, "--batch"], env=env, capture_output=True, timeout=120, check=False
    )
    assert survivor.returncode == 0, survivor.stderr.decode()[-2000:]
    entry.refresh_from_db()
    assert (entry.status, entry.attempts, entry.workers) == (UploadCheck.Status.DONE, 2, 6000)
    assert ReturnVersion.objects.count() == 1 and the_return().current_id == entry.version_id


def test_pollers_are_asked_to_wait_longer_far_back_in_the_queue(
    login: Callable[[str], Client],
) -> None:
    upload(login("submitter"), xml(valid_return()))
    entry = tasks.entry_for(Upload.objects.get())
    assert [tasks.retry_after(entry, n) for n in (0, 9, 10, 35, 500)] == [2, 2, 3, 5, 10]
    work()
    entry = UploadCheck.objects.get()
    assert tasks.summary(entry)["retry_after"] == 0


def current_number() -> int:
    current = the_return().current
    assert current is not None
    return current.number
