"""DfE's side: the dashboard of every LA, the chase list, the zip of submitted returns,
headline statistics and the audit log; and what an LA sees of the audit log."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable

from django.test import Client

from csww_portal.models import AuditEvent
from tests.portal.conftest import (
    YEAR,
    base,
    la_url,
    return_with_error_and_query,
    upload,
    valid_return,
    xml,
)


def _two_returns(login: Callable[[str], Client]) -> None:
    upload(login("submitter"), xml(valid_return("301")))
    login("submitter").post(la_url("submit"), base())
    upload(login("other"), xml(return_with_error_and_query("302")), la="302")


def test_dashboard_lists_every_la_with_status_and_counts(login: Callable[[str], Client]) -> None:
    _two_returns(login)
    response = login("dfe").get(f"/dfe/collections/{YEAR}/")
    rows = response.context["rows"]
    assert len(rows) == 152
    by_code = {r["ret"].la.code: r for r in rows}
    assert by_code["301"]["progress"] == "submitted"
    assert by_code["302"]["progress"] == "errors" and by_code["302"]["ret"].errors == 1
    assert by_code["201"]["progress"] == "not_started"
    page = response.content.decode()
    assert "Barking and Dagenham" in page and "Loaded with errors" in page
    only = login("dfe").get(f"/dfe/collections/{YEAR}/?status=errors").context["rows"]
    assert [r["ret"].la.code for r in only] == ["302"]


def test_chase_list_names_the_las_still_to_submit(login: Callable[[str], Client]) -> None:
    _two_returns(login)
    text = login("dfe").get(f"/dfe/collections/{YEAR}/chase-list.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    codes = {r["la_code"] for r in rows}
    assert "301" not in codes and "302" in codes and len(rows) == 151
    barnet = next(r for r in rows if r["la_code"] == "302")
    assert barnet["status"] == "Loaded with errors" and barnet["contacts"] == "sub302@example.org"


def test_joint_kingston_richmond_return_counts_for_both(login: Callable[[str], Client]) -> None:
    from tests.portal.conftest import _user

    client = Client()
    client.force_login(_user("sub314", "la_submitter", "314"))
    upload(client, xml(return_with_error_and_query("314")), la="314")
    rows = {
        r["ret"].la.code: r for r in login("dfe").get(f"/dfe/collections/{YEAR}/").context["rows"]
    }
    assert rows["314"]["progress"] == rows["318"]["progress"] == "errors"
    assert rows["318"]["joint"].la.code == "314" and rows["314"]["joint"] is None
    text = login("dfe").get(f"/dfe/collections/{YEAR}/chase-list.csv").content.decode()
    codes = {r["la_code"] for r in csv.DictReader(io.StringIO(text))}
    assert "314" in codes and "318" not in codes


def test_zip_holds_exactly_the_submitted_returns(login: Callable[[str], Client]) -> None:
    _two_returns(login)
    data = login("dfe").get(f"/dfe/collections/{YEAR}/submitted-returns.zip").content
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == [f"csww-{YEAR}-301-v1.xml"]
        assert zf.read(f"csww-{YEAR}-301-v1.xml") == xml(valid_return("301"))
    assert AuditEvent.objects.filter(action="download", detail__contains="Zip").exists()


def test_statistics_page_over_submitted_returns(login: Callable[[str], Client]) -> None:
    _two_returns(login)
    response = login("dfe").get(f"/dfe/collections/{YEAR}/statistics/")
    assert response.status_code == 200
    headline = response.context["headline"]
    assert response.context["returns"] == 1
    national = dict(headline.national)
    # The submitted return has one employee in post, FTE 1 (the factory's default return).
    assert national["Social workers in post (FTE)"] == "1"
    assert national["Social workers in post (headcount)"] == "1"
    assert len(headline.national) == 7 and headline.regions and headline.regions[0][1] == "1"
    page = response.content.decode()
    assert "London" in page
    # Regions beside England as inline charts (no script, a text alternative each).
    assert len(headline.charts) == 3 and page.count("<svg viewBox") == 3
    assert 'aria-label="Vacancy rate (FTE, %) by region and England"' in page


def test_dfe_audit_log_shows_everything_and_filters_by_la(login: Callable[[str], Client]) -> None:
    _two_returns(login)
    page = login("dfe").get(f"/dfe/collections/{YEAR}/audit/")
    events = list(page.context["page"].object_list)
    assert {e.la.code for e in events if e.la} == {"301", "302"}
    filtered = (
        login("dfe").get(f"/dfe/collections/{YEAR}/audit/?la=302").context["page"].object_list
    )
    assert {e.la.code for e in filtered} == {"302"}


def test_la_audit_log_shows_only_its_own_la(login: Callable[[str], Client]) -> None:
    _two_returns(login)
    events = list(login("submitter").get(la_url("la_audit")).context["page"].object_list)
    assert events and {e.la.code for e in events} == {"301"}
    assert {"upload", "submit"} <= {e.action for e in events}


def test_dfe_sees_an_las_return_pages_read_only(login: Callable[[str], Client]) -> None:
    _two_returns(login)
    page = login("dfe").get(la_url("overview")).content.decode()
    assert "Reopen this return" in page and "Upload your return</a>" not in page
