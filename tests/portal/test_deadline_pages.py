"""What a person at the deadline meets: any record can be found and opened, records are
named by registration number, and the copy says what it means."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from csww.model import Return
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import (
    YEAR,
    current,
    la_url,
    return_with_error_and_query,
    the_return,
    upload,
    valid_return,
    xml,
)


def _staff(n: int) -> Return:
    workers = [make_worker("inpost", YEAR, SWENo=f"SW4{i:05d}") for i in range(1, n + 1)]
    workers += [make_worker("leaver", YEAR, SWENo="SW499998"), make_worker("agency", YEAR)]
    return Return(header=make_header(YEAR, "301"), la=make_la(), workers=workers)


def test_any_worker_record_can_be_found_and_opened(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(_staff(150)))
    page = client.get(la_url("workers"))
    text = page.content.decode()
    assert page.status_code == 200 and "152 worker records" in text
    assert len(page.context["rows"].object_list) == 100  # a page at a time
    found = client.get(la_url("workers"), {"q": "sw400123"})
    rows = found.context["rows"].object_list
    assert [r["swe"] for r in rows] == ["SW400123"]
    assert "1 record match" in found.content.decode()
    opened = client.get(la_url("worker", "301", rows[0]["id"]))
    assert opened.status_code == 200 and "SW400123" in opened.content.decode()
    # A record with no issue at all is there to correct, found by its category too.
    leavers = client.get(la_url("workers"), {"q": "leaver"}).context["rows"].object_list
    assert [r["swe"] for r in leavers] == ["SW499998"]
    none = client.get(la_url("workers"), {"q": "SW999"}).content.decode()
    assert "No worker record matches" in none
    # The results page leads to it.
    results = client.get(la_url("results")).content.decode()
    assert la_url("workers") in results


def test_a_saved_record_is_named_by_its_registration_number(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    url = la_url("worker", "301", client.get(la_url("workers")).context["rows"][0]["id"])
    page = client.get(url)
    form = {f["element"]: f["value"] for f in page.context["fields"]}
    form.update(Ethnicity="WBRI", base=str(page.context["base"]))
    saved = client.post(url, form, follow=True).content.decode()
    assert (
        "Worker SW100001: 0 errors, 0 queries. The whole return now has 0 errors and 1 query."
        in saved
    )
    assert current().description == "Edited worker SW100001"
    history = client.get(la_url("history")).content.decode()
    assert "Edited worker SW100001" in history and "worker record 1" not in history


def test_hints_write_limits_as_people_do(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    page = client.get(la_url("la_level")).content.decode()
    assert "e+0" not in page
    workers = client.get(la_url("workers")).context["rows"].object_list
    worker = client.get(la_url("worker", "301", workers[0]["id"])).content.decode()
    assert "e+0" not in worker and re.search(r"A number from 0 to [\d,.]+, up to", worker)


def test_every_field_issue_is_read_with_its_input(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    rows = client.get(la_url("workers")).context["rows"].object_list
    page = client.get(la_url("worker", "301", rows[0]["id"])).content.decode()
    select = re.search(r'<select[^>]*id="f-Ethnicity"[^>]*>', page)
    assert select is not None
    assert 'aria-describedby="f-Ethnicity-issue-1"' in select.group(0) or (
        "f-Ethnicity-issue-1" in select.group(0)
    )
    assert 'id="f-Ethnicity-issue-1"' in page


def test_a_utf16_xml_file_is_read(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    text = xml(valid_return()).decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    response = upload(client, text.encode("utf-16"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert the_return().workers == 4 and the_return().errors == 0
    # The file is kept as it came; the version holds it as UTF-8.
    assert current().xml_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_a_file_of_another_year_is_refused_in_the_portals_words(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    other = Return(header=make_header(YEAR - 1, "301"), la=make_la(YEAR - 1), workers=[])
    page = upload(client, xml(other)).content.decode()
    assert f"says it is the {YEAR - 1} return, but this is the {YEAR} collection" in page
    assert "--year" not in page


def test_the_deadline_line_goes_once_the_return_is_submitted(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    assert "Submit your return by" in client.get(la_url("overview")).content.decode()
    client.post(la_url("submit"), {"base": "1"})
    assert the_return().locked
    assert "Submit your return by" not in client.get(la_url("overview")).content.decode()


def test_dfe_pages_cite_no_source_file(login: Callable[[str], Client]) -> None:
    page = login("dfe").get(f"/dfe/collections/{YEAR}/flows/").content.decode()
    assert "docs/" not in page
