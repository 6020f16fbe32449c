"""Flows in the portal: an LA's continuity report against its submitted return of last year
and its own attrition row; DfE's attrition over submitted returns; who may see what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from csww.model import Return
from csww_portal.models import Collection, LAReturn, State
from csww_portal.services.collections import create_collection
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import YEAR, la_url, upload, xml

LAST = YEAR - 1


@pytest.fixture
def last_year(collection: Collection) -> Collection:
    today = timezone.localdate()
    return create_collection(
        LAST,
        opens=today - timedelta(days=10),
        closes=today + timedelta(days=30),
        la_read_only_until=today + timedelta(days=37),
        dfe_read_only_from=today + timedelta(days=90),
    )


def submitted(year: int, la: str) -> None:
    """Mark a loaded return submitted (the submission workflow has its own tests; these
    small returns carry queries it would first ask to explain)."""
    assert LAReturn.objects.get(collection__year=year, la__code=la).current_id is not None
    LAReturn.objects.filter(collection__year=year, la__code=la).update(state=State.SUBMITTED)


def ret(year: int, la: str, *workers: object) -> Return:
    return Return(header=make_header(year, la), la=make_la(), workers=list(workers))  # type: ignore[arg-type]


def scenario(login: Callable[[str], Client]) -> None:
    """301 in 2017: SW123456 in post (born 1980-05-17), SW223344 a leaver. In 2018 SW123456's
    date of birth reads 1980-05-18 (725Q) and SW223344 leaves again although not in post in
    2017 (723Q), for 302, where SW223344 is in post on 30 September 2018 (moved)."""
    submitter = login("submitter")
    last = ret(
        LAST, "301", make_worker("inpost", LAST), make_worker("leaver", LAST, SWENo="SW223344")
    )
    submitter.post(
        f"/collections/{LAST}/la/301/upload/",
        {"return_file": SimpleUploadedFile("return.xml", xml(last))},
    )
    submitted(LAST, "301")
    now = ret(
        YEAR,
        "301",
        make_worker("inpost", YEAR, PersonBirthDate="1980-05-18"),
        make_worker("leaver", YEAR, SWENo="SW223344", FTE="1"),
    )
    upload(submitter, xml(now))
    other = ret(
        YEAR,
        "302",
        make_worker("inpost", YEAR, SWENo="SW223344", RoleStartDate="2018-06-01", FTE30="0"),
    )
    upload(login("other"), xml(other), la="302")
    submitted(YEAR, "302")


def test_la_sees_its_continuity_report_and_attrition(
    login: Callable[[str], Client], last_year: Collection
) -> None:
    scenario(login)
    response = login("submitter").get(la_url("la_flows"))
    assert response.status_code == 200
    counts = dict(response.context["counts"])
    assert counts["723Q"] == 1 and counts["725Q"] == 1
    assert sum(counts.values()) == 2
    page = response.content.decode()
    assert "Please check: the date of birth differs" in page
    assert ("725Q", "SW123456", 1, "Date of birth") in response.context["queries"]
    # Its own row, to the LA itself: its own figures, not suppressed (one leaver, who moved).
    (row,) = response.context["areas"]
    assert row[:4] == ["Barking and Dagenham", "1", "1", "1"] and "c" not in row
    assert response.context["others"] == 1
    # The page says so, and does not explain a c it never shows.
    assert "Nothing here is suppressed: these are your own leavers" in page
    assert "shown as it would be published" not in page and "fewer than 3 people, or" not in page
    # DfE reading the LA's page is not told "your return".
    as_dfe = login("dfe").get(la_url("la_flows")).content.decode()
    assert "Barking and Dagenham's leavers, found in its return" in as_dfe
    assert "Your return" not in as_dfe and "Your leavers" not in as_dfe
    assert "the LA's own leavers" in as_dfe


def test_dfe_sees_attrition_over_submitted_returns(
    login: Callable[[str], Client], last_year: Collection
) -> None:
    scenario(login)
    submitted(YEAR, "301")
    response = login("dfe").get(f"/dfe/collections/{YEAR}/flows/")
    assert response.status_code == 200 and response.context["returns"] == 2
    england = response.context["areas"][0]
    # In post 1 + 1. SW223344, England's only leaver, moved from 301 to 302; 301's row is
    # suppressed (one leaver), so England's, which would repeat it, is suppressed too: its
    # leavers and those who moved. Nobody is attrition, so those figures are 0 and shown as
    # 0 (they count nobody); attrition as a share of the hidden leavers is hidden.
    assert england == ["England", "2", "c", "c", "0", "0", "0", "0", "0", "c"]
    assert response.context["areas"][1][0] == "London" and "c" in response.context["areas"][1]
    assert "c</strong>: suppressed, as it would be published" in response.content.decode()
    # The checking table counts people unsuppressed, and says it is not for publication.
    assert response.context["agreement"]
    assert "not for publication" in response.content.decode()
    csv = login("dfe").get(f"/dfe/collections/{YEAR}/flows/attrition.csv")
    assert csv.status_code == 200 and csv.content.decode().startswith("time_period,")


def test_who_may_see_flows(login: Callable[[str], Client], last_year: Collection) -> None:
    assert login("other").get(la_url("la_flows")).status_code == 404
    assert login("submitter").get(f"/dfe/collections/{YEAR}/flows/").status_code == 403
    page = login("submitter").get(la_url("la_flows")).content.decode()
    assert "Upload your return" in page


def test_the_flows_pages_are_linked_where_people_look(login: Callable[[str], Client]) -> None:
    from django.urls import reverse

    overview = login("submitter").get(la_url("overview")).content.decode()
    assert la_url("la_flows") in overview
    dashboard = login("dfe").get(reverse("csww_portal:dashboard", args=[YEAR])).content.decode()
    assert reverse("csww_portal:flows", args=[YEAR]) in dashboard
