"""Collection dates: familiarisation (data deleted at its end), open, closed (read only for
LAs), the LAs' read-only window and DfE's read-only period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from csww_portal.models import Collection, LAReturn, Note, Phase, ReturnVersion, State, Upload
from csww_portal.services.collections import clear_familiarisation
from tests.portal.conftest import YEAR, base, la_url, the_return, upload, valid_return, xml

DATES = {
    "familiarisation_start": date(2018, 8, 21),
    "familiarisation_end": date(2018, 9, 18),
    "opens": date(2018, 10, 2),
    "closes": date(2018, 11, 30),
    "la_read_only_until": date(2018, 12, 7),
    "dfe_read_only_from": date(2019, 3, 1),
}


@pytest.mark.parametrize(
    ("day", "phase", "view", "change"),
    [
        (date(2018, 8, 1), Phase.NOT_OPEN, False, False),
        (date(2018, 8, 21), Phase.FAMILIARISATION, True, True),
        (date(2018, 9, 18), Phase.FAMILIARISATION, True, True),
        (date(2018, 9, 25), Phase.NOT_OPEN, False, False),
        (date(2018, 10, 2), Phase.OPEN, True, True),
        (date(2018, 11, 30), Phase.OPEN, True, True),
        (date(2018, 12, 1), Phase.LA_READ_ONLY, True, False),
        (date(2018, 12, 7), Phase.LA_READ_ONLY, True, False),
        (date(2018, 12, 8), Phase.FINISHED, False, False),
    ],
)
def test_phases_follow_the_guide_dates(day: date, phase: Phase, view: bool, change: bool) -> None:
    collection = Collection(year=2018, **DATES)
    assert collection.phase(day) == phase
    assert collection.la_can_view(day) is view
    assert collection.la_can_change(day) is change


def test_dfe_read_only_from() -> None:
    collection = Collection(year=2018, **DATES)
    assert collection.dfe_can_change(date(2019, 2, 28)) and not collection.dfe_can_change(
        date(2019, 3, 1)
    )


def _move(collection: Collection, **dates: date) -> None:
    for key, value in dates.items():
        setattr(collection, key, value)
    collection.save()


def test_after_closing_las_read_but_cannot_change(
    collection: Collection, login: Callable[[str], Client]
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    today = timezone.localdate()
    _move(collection, opens=today - timedelta(days=40), closes=today - timedelta(days=1))
    assert client.get(la_url("results")).status_code == 200
    assert client.get(la_url("download_xml")).status_code == 200
    response = upload(client, xml(valid_return()))
    assert response.status_code == 403 and b"read only" in response.content
    assert client.post(la_url("submit")).status_code == 403
    assert the_return().state == State.IN_PROGRESS and Upload.objects.count() == 1
    _move(collection, la_read_only_until=today - timedelta(days=1))
    assert client.get(la_url("results")).status_code == 403
    assert login("dfe").get(la_url("results")).status_code == 200


def test_dfe_cannot_reopen_once_its_window_is_read_only(
    collection: Collection, login: Callable[[str], Client]
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    client.post(la_url("submit"), base())
    _move(collection, dfe_read_only_from=timezone.localdate())
    response = login("dfe").post(
        f"/dfe/collections/{YEAR}/la/301/reopen/", {**base(), "reason": "Late fix"}
    )
    assert response.status_code == 400 and b"read only" in response.content
    assert the_return().state == State.SUBMITTED


def _practice_then_real(collection: Collection, login: Callable[[str], Client]) -> None:
    """Load data during familiarisation, then again after the collection opened."""
    today = timezone.localdate()
    _move(
        collection,
        familiarisation_start=today - timedelta(days=5),
        familiarisation_end=today + timedelta(days=1),
    )
    client = login("submitter")
    upload(client, xml(valid_return()), name="practice.xml")
    client.post(la_url("notes"), {**base(), "text": "practice note"})
    client.post(la_url("submit"), base())
    # Everything so far was made "during familiarisation": date it so.
    during = timezone.make_aware(datetime.combine(today - timedelta(days=3), datetime.min.time()))
    Upload.objects.update(uploaded_at=during)
    ReturnVersion.objects.update(created_at=during)
    Note.objects.update(created_at=during)
    _move(collection, familiarisation_end=today - timedelta(days=2))


def test_familiarisation_data_is_deleted_when_it_ends(
    collection: Collection, login: Callable[[str], Client]
) -> None:
    _practice_then_real(collection, login)
    upload(login("other"), xml(valid_return("302")), la="302")  # loaded after familiarisation: kept
    call_command("close_familiarisation")
    ret = the_return()
    assert ret.state == State.NOT_STARTED and ret.current is None and ret.workers == 0
    assert not Upload.objects.filter(la_return=ret).exists() and not Note.objects.exists()
    assert the_return("302").current is not None and Upload.objects.count() == 1
    collection.refresh_from_db()
    assert collection.familiarisation_cleared_at is not None
    assert clear_familiarisation(collection) == 0  # only once


def test_familiarisation_is_cleared_on_the_next_visit_without_the_command(
    collection: Collection, login: Callable[[str], Client]
) -> None:
    _practice_then_real(collection, login)
    page = login("submitter").get(la_url("overview")).content.decode()
    assert "Not started" in page
    assert LAReturn.objects.exclude(current=None).count() == 0


def test_close_familiarisation_before_the_end_does_nothing(
    collection: Collection, login: Callable[[str], Client], capsys: pytest.CaptureFixture[str]
) -> None:
    today = timezone.localdate()
    _move(
        collection,
        familiarisation_start=today - timedelta(days=5),
        familiarisation_end=today + timedelta(days=1),
    )
    upload(login("submitter"), xml(valid_return()))
    call_command("close_familiarisation")
    assert "nothing to delete" in capsys.readouterr().out
    assert the_return().current is not None


def test_create_collection_command_gives_every_la_a_return(db: None) -> None:
    call_command(
        "create_collection",
        "2017",
        "--opens",
        "2017-10-02",
        "--closes",
        "2017-11-30",
        "--la-read-only-until",
        "2017-12-07",
        "--dfe-read-only-from",
        "2018-03-01",
    )
    collection = Collection.objects.get(year=2017)
    assert collection.returns.count() == 152
    assert collection.returns.filter(la__code="909").exists()  # Cumbria, still one LA in 2017
