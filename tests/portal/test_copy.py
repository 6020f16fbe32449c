"""The portal's words: counts that read right for 0, 1 and 2; no command-line hints; refusals
worded for the page they appear on; records named by registration number; notes that name
only what the return has; hints that state what the checks enforce; the worker list linked
from where an LA looks for its workers."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from csww.model import Return
from csww.rules.items import format_message
from csww.spec import spec_for
from csww_portal.models import Collection, LAReturn, Note, State, Upload
from csww_portal.services import versions
from csww_portal.services.collections import create_collection
from csww_portal.services.wording import count
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import (
    YEAR,
    current,
    la_url,
    record_id,
    return_with_error_and_query,
    the_return,
    upload,
    valid_return,
    xml,
)

# A count that disagrees with its noun: "1 queries", "0 error", "2 worker record,".
MISCOUNTED = re.compile(
    r"\b1 (?:errors|queries|workers|worker records|records|files|notes|versions|uploads|returns)\b"
    r"|\b(?!1\b)\d[\d,]* (?:worker record|error|query|record|file|note|version|upload|return"
    r"|worker(?! record))"
    r"(?=[ ,.:;)])"
)


def text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_counts_read_right_for_none_one_and_two() -> None:
    assert [count(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    assert [count(n, "query") for n in (0, 1, 2)] == ["0 queries", "1 query", "2 queries"]
    assert count(1, "worker record") == "1 worker record"
    assert count(1200, "worker record") == "1,200 worker records"
    assert count(2, "person") == "2 people"


def test_the_audit_logs_count_their_nouns(login: Callable[[str], Client]) -> None:
    upload(login("submitter"), xml(return_with_error_and_query()))
    version = current()
    wanted = f"{count(version.errors, 'error')}, {count(version.queries, 'query')}"
    for page in (
        login("submitter").get(la_url("la_audit")),
        login("dfe").get(reverse("csww_portal:dfe_audit", args=[YEAR])),
    ):
        shown = text(page)
        assert f"({'xml'}, {count(version.workers, 'worker')}): version 1, {wanted}" in shown
        assert not MISCOUNTED.search(shown), MISCOUNTED.search(shown)


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("100001", "1 record matches “100001”"),
        ("SW10000", "4 records match “SW10000”"),
    ],
)
def test_the_worker_search_says_how_many_match(
    login: Callable[[str], Client], query: str, said: str
) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    shown = text(client.get(la_url("workers"), {"q": query}))
    assert said in shown
    assert not MISCOUNTED.search(shown)


def test_the_overview_counts_queries_in_words(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    shown = text(client.get(la_url("overview")))
    unexplained = the_return().unexplained
    assert f"{count(unexplained, 'query')} without a note" in shown
    assert not MISCOUNTED.search(shown)


def _template_of(year: int) -> bytes:
    from csww.sheets.template import build_workbook

    buffer = io.BytesIO()
    build_workbook(spec_for(year))[0].save(buffer)
    return buffer.getvalue()


def test_a_workbook_for_another_year_gets_no_command_line_hint(
    login: Callable[[str], Client],
) -> None:
    """The 2017 template uploaded into the 2018 return: what the file is, what the return is
    for and what to do, with no option of the command line."""
    upload(login("submitter"), _template_of(YEAR - 1), name=f"return{YEAR - 1}.xlsx")
    stored = Upload.objects.get()
    assert stored.outcome != Upload.Outcome.LOADED
    assert f"template for the {YEAR - 1} collection" in stored.message
    assert f"this return is for {YEAR}" in stored.message
    assert "download it from the upload page" in stored.message
    assert "--" not in stored.message and "csww " not in stored.message


def test_a_refused_delete_does_not_speak_of_a_form(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    """Someone changed the record after the delete page was opened: the page (which has no
    form of the record's items) says what changed, never "the form shows"."""
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    record = record_id(2)
    versions.edit_worker(the_return(), people["approver"], record, {"Cases30": "12"}, base=1)
    page = client.post(la_url("delete_worker", "301", record), {"base": "1"})
    assert page.status_code == 409
    shown = text(page)
    assert "changed by app301 in version 2 from ‘45’ to ‘12’." in shown
    assert "The form shows" not in shown and "the form shows" not in shown


@pytest.fixture
def last_year(collection: Collection) -> Collection:
    today = timezone.localdate()
    return create_collection(
        YEAR - 1,
        opens=today - timedelta(days=10),
        closes=today + timedelta(days=30),
        la_read_only_until=today + timedelta(days=37),
        dfe_read_only_from=today + timedelta(days=90),
    )


def _gone_from_this_year(login: Callable[[str], Client]) -> Client:
    """Last year's submitted return had SW840682 and SW2248217 in post; this year's has
    neither (two 720Q queries, about no record of this year)."""
    last = YEAR - 1
    workers = [make_worker("inpost", last, SWENo=n) for n in ("SW840682", "SW2248217", "SW1")]
    before = Return(header=make_header(last, "301"), la=make_la(), workers=workers)
    client = login("submitter")
    client.post(
        f"/collections/{last}/la/301/upload/",
        {"return_file": SimpleUploadedFile("return.xml", xml(before))},
    )
    LAReturn.objects.filter(collection__year=last, la__code="301").update(state=State.SUBMITTED)
    now = Return(
        header=make_header(YEAR, "301"),
        la=make_la(),
        workers=[make_worker("inpost", YEAR, SWENo="SW1"), make_worker("leaver", YEAR)],
    )
    upload(client, xml(now))
    assert {i.worker for i in current().report_object().issues if i.rule == "720Q"} == {
        "SW840682",
        "SW2248217",
    }
    return client


def test_queries_about_workers_name_them_on_the_notes_page(
    login: Callable[[str], Client], last_year: Collection
) -> None:
    client = _gone_from_this_year(login)
    shown = text(client.get(la_url("notes")))
    for number in ("SW840682", "SW2248217"):
        assert f"Worker {number} (no record in this return): rule 720Q" in shown
    assert "Return: rule 720Q" not in shown
    # A record's own queries name it by registration number and category, never by row.
    assert "Record 1" not in shown and "Record 2" not in shown


def test_a_note_on_a_continuity_query_explains_that_workers_query(
    login: Callable[[str], Client], last_year: Collection
) -> None:
    """The LA-level page names each 720Q query's worker, and its note form keys the note
    to that worker: the other worker's query stays unexplained."""
    client = _gone_from_this_year(login)
    page = client.get(la_url("la_level")).content.decode()
    assert "Worker SW840682 (no record in this return)" in page
    assert 'name="worker" value="SW840682"' in page
    client.post(
        la_url("notes"),
        {"base": "1", "worker": "SW840682", "rule": "720Q", "field": "SWENo", "text": "Retired."},
    )
    assert Note.objects.get().worker == "SW840682"
    notes = text(client.get(la_url("notes")))
    assert "Worker SW840682: rule 720Q" in notes  # the note, named
    assert "Worker SW2248217 (no record in this return): rule 720Q" in notes  # still to explain


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ({"rule": "abc"}, f"There is no rule abc in the {YEAR} collection."),
        ({"rule": "519Q", "worker": "Nope"}, "No worker record with registration number Nope"),
        ({"worker": "SW999999"}, "No worker record with registration number SW999999"),
        ({"rule": "519Q", "worker": "SW100002", "field": "Whole"}, "Whole is not an item"),
        ({"field": "Cases30"}, "must name the rule it explains"),
    ],
)
def test_a_note_naming_what_the_return_has_not_is_refused(
    login: Callable[[str], Client], sent: dict[str, str], said: str
) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    response = client.post(la_url("notes"), {"base": "1", "text": "By hand.", **sent})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Your note was not saved" in page
    assert said in text(response)
    assert not Note.objects.exists()


def test_notes_naming_the_returns_own_rules_workers_and_items_are_kept(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    for sent in (
        {},
        {"rule": "519Q"},
        {"worker": "SW100003"},
        {"worker": "SW100002", "rule": "519Q", "field": "Cases30"},
    ):
        response = client.post(la_url("notes"), {"base": "1", "text": "Checked.", **sent})
        assert response.status_code == 302, sent
    assert Note.objects.count() == 4


def test_form_hints_state_what_the_checks_enforce(login: Callable[[str], Client]) -> None:
    """Each hint gives the range the check enforces, written as the check's message writes
    it, and a date's example is this collection's census date."""
    client = login("submitter")
    upload(client, xml(valid_return()))
    spec = spec_for(YEAR)
    page = client.get(la_url("worker", "301", record_id(1))).content.decode()
    la_page = client.get(la_url("la_level")).content.decode()
    hints = dict(re.findall(r'<div id="f-(\w+)-hint" class="govuk-hint">([^<]*)</div>', page))
    hints.update(re.findall(r'<div id="f-(\w+)-hint" class="govuk-hint">([^<]*)</div>', la_page))
    assert hints["Cases30"] == "A whole number from 0 to 9999."
    census = spec.reference_date.isoformat()
    for element, item in {**spec.worker, **spec.la}.items():
        if item.type in ("decimal", "integer"):
            limits = re.search(r"from \S+ to [\d.]+", format_message(item, spec))
            assert limits is not None and limits.group(0) in hints[element], element
        if item.type == "date":
            assert f"for example {census}" in hints[element], element
        if item.type == "text" and item.max_length:
            assert f"{item.max_length} characters" in hints[element], element
    assert not any("," in re.sub(r", ", "", h) for h in hints.values() if "number" in h)


def test_the_worker_list_is_linked_where_an_la_looks_for_its_workers(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    workers = la_url("workers")
    for url in (la_url("overview"), la_url("worker", "301", record_id(1)), la_url("add_worker")):
        assert f'href="{workers}"' in client.get(url).content.decode(), url


def test_a_workbook_from_the_portal_says_to_upload_it_not_to_run_csww() -> None:
    """The guidance sheet of a workbook the portal hands out says what to do in the portal;
    one made on the command line still names the commands."""
    import io

    import openpyxl

    from csww.sheets.convert import to_workbook
    from csww.spec import spec_for
    from csww_portal.services.exports import return_workbook
    from tests.portal.conftest import YEAR, valid_return

    def guidance(book: openpyxl.Workbook) -> str:
        sheet = book["Guidance"]
        return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)

    portal = openpyxl.load_workbook(io.BytesIO(return_workbook(valid_return(), YEAR)))
    assert "upload this workbook on the portal's upload page" in guidance(portal)
    assert "csww generate" not in guidance(portal)
    command_line, _placement = to_workbook(valid_return(), spec_for(YEAR))
    assert "csww generate this-file.xlsx" in guidance(command_line)


def test_the_upload_page_offers_the_years_template_its_messages_point_to(
    login: Callable[[str], Client],
) -> None:
    """A message about the wrong template says to download the right one from the upload
    page: the upload page links to it, and it is the year's empty template, worded for the
    portal."""
    import io

    import openpyxl

    from csww.sheets.wording import PORTAL

    assert "download it from the upload page" in PORTAL.year_template
    client = login("submitter")
    page = client.get(la_url("upload")).content.decode()
    link = reverse("csww_portal:download_template", args=[YEAR, "301"])
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"csww_template_{YEAR}.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    workers = book["Workers"]
    assert all(c.value is None for row in workers.iter_rows(min_row=4) for c in row)  # empty
    words = " ".join(str(c.value) for row in book["Guidance"].iter_rows() for c in row if c.value)
    assert "upload this workbook on the portal's upload page" in words
    assert "csww generate" not in words


def test_the_api_answers_a_note_naming_what_the_return_has_not_with_422(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    """Through the API the request is what is wrong (422), and the answer is for software:
    what is wrong, with no directions to the portal's pages."""
    from csww_portal.api import tokens

    upload(login("submitter"), xml(return_with_error_and_query()))
    raw, _ = tokens.issue(people["submitter"], "HR system", by=people["submitter"])
    response = Client().post(
        f"/api/v1/collections/{YEAR}/las/301/notes",
        {"text": "By hand.", "rule": "abc", "version": 1},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail == f"There is no rule abc in the {YEAR} collection. Nothing was saved."
    assert not Note.objects.exists()
