"""The LA flow's state transitions: fix in a form, explain with notes, submit, approve,
reopen, and notes that survive a re-upload with the workers in another order."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from csww.model import Return
from csww.reader import read
from csww_portal.models import AuditEvent, Note, State
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import (
    YEAR,
    base,
    current,
    la_url,
    return_with_error_and_query,
    the_return,
    upload,
    valid_return,
    worker_url,
    xml,
)


def _note_on_query(client: Client) -> None:
    client.post(
        la_url("notes"),
        {
            **base(),
            "worker": "SW100002",
            "rule": "519Q",
            "field": "Cases30",
            "text": "Covering a colleague's caseload during sick leave.",
        },
    )


def _fix_error(client: Client) -> None:
    page = client.get(worker_url(1))
    values = {f["element"]: f["value"] for f in page.context["fields"]}
    values["Ethnicity"] = "WBRI"
    client.post(worker_url(1), {**values, **base()})


def test_worker_form_shows_the_cores_issues_next_to_fields(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    page = client.get(worker_url(1)).content.decode()
    assert "govuk-error-summary" in page and 'href="#f-Ethnicity"' in page
    assert 'id="f-Ethnicity"' in page and "govuk-select--error" in page
    assert "XXXX – not a valid code" in page  # the bad value is shown, not silently dropped


def test_fixing_a_worker_in_the_form_revalidates_the_whole_return(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    _fix_error(client)
    ret = the_return()
    assert ret.current is not None
    assert ret.current.number == 2 and ret.current.description == "Edited worker SW100001"
    assert (ret.errors, ret.queries) == (0, 1)
    assert read(ret.current.xml_bytes()).workers[0].values["Ethnicity"] == "WBRI"
    assert ret.versions.get(number=1).errors == 1  # the earlier version is kept as it was
    assert AuditEvent.objects.filter(action="edit", la__code="301").exists()


def test_a_form_edit_that_breaks_something_is_reported_by_the_core(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    values = {f["element"]: f["value"] for f in client.get(worker_url(1)).context["fields"]}
    values["FTE"] = "1.5"
    response = client.post(worker_url(1), {**values, **base()}, follow=True)
    assert the_return().errors >= 1
    page = response.content.decode()
    assert 'href="#f-FTE"' in page and "govuk-input--error" in page


def test_la_level_figures_are_edited_and_rechecked(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    client.post(
        la_url("la_level"),
        {"NumberOfVacancies": "abc", "NoAgencyFTE": "0.5", "NoAgencyHeadcount": "1", **base()},
    )
    ret = the_return()
    assert ret.current is not None
    assert ret.errors == 1 and ret.current.report["issues"][0]["field"] == "NumberOfVacancies"
    page = client.get(la_url("la_level")).content.decode()
    assert 'href="#f-NumberOfVacancies"' in page
    client.post(
        la_url("la_level"),
        {"NumberOfVacancies": "2.5", "NoAgencyFTE": "0.5", "NoAgencyHeadcount": "1", **base()},
    )
    assert the_return().errors == 0


def test_add_and_delete_worker_records(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    values = dict(make_worker("inpost", YEAR, SWENo="SW555555").values)
    response = client.post(la_url("add_worker"), {**values, **base()})
    assert response.status_code == 302 and response["Location"] == worker_url(5)
    assert the_return().workers == 5 and the_return().errors == 0
    client.post(worker_url(5, name="delete_worker"), base())
    assert the_return().workers == 4 and current().number == 3


def test_submit_needs_no_errors_and_a_note_on_every_query(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    client.post(la_url("submit"), base())
    assert the_return().state == State.IN_PROGRESS
    assert "Fix the 1 error" in client.get(la_url("submit")).content.decode()
    _fix_error(client)
    client.post(la_url("submit"), base())
    assert the_return().state == State.IN_PROGRESS  # the query has no note yet
    _note_on_query(client)
    assert the_return().unexplained == 0
    client.post(la_url("submit"), base())
    ret = the_return()
    assert ret.current is not None
    assert ret.state == State.SUBMITTED and str(ret.submitted_by) == "sub301"


def test_submitted_return_is_locked_until_dfe_reopens_it(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    client.post(la_url("submit"), base())
    assert upload(client, xml(valid_return())).status_code == 409
    refused = client.post(la_url("la_level"), {"NumberOfVacancies": "1", **base()})
    assert refused.status_code == 409 and "is submitted" in refused.content.decode()
    assert current().number == 1
    client.post(la_url("notes"), {**base(), "text": "late note"})
    assert not Note.objects.exists()
    dfe = login("dfe")
    response = dfe.post(f"/dfe/collections/{YEAR}/la/301/reopen/", {**base(), "reason": ""})
    assert response.status_code == 400 and the_return().state == State.SUBMITTED
    dfe.post(
        f"/dfe/collections/{YEAR}/la/301/reopen/",
        {**base(), "reason": "Vacancies look too low; please check."},
    )
    ret = the_return()
    assert ret.current is not None
    assert ret.state == State.IN_PROGRESS and ret.reopen_reason.startswith("Vacancies")
    assert "DfE reopened this return" in client.get(la_url("overview")).content.decode()
    assert upload(client, xml(valid_return())).status_code == 302


def test_only_the_approver_approves_and_only_a_submitted_return(
    login: Callable[[str], Client],
) -> None:
    submitter, approver = login("submitter"), login("approver")
    upload(submitter, xml(valid_return()))
    approver.post(la_url("approve"), base())
    assert the_return().state == State.IN_PROGRESS
    submitter.post(la_url("submit"), base())
    submitter.post(la_url("approve"), base())
    assert the_return().state == State.SUBMITTED
    assert (
        "Only the local authority&#x27;s approver"
        in submitter.get(la_url("approve")).content.decode()
    )
    approver.post(la_url("approve"), base())
    ret = the_return()
    assert ret.current is not None
    assert ret.state == State.APPROVED and str(ret.approved_by) == "app301"
    actions = list(AuditEvent.objects.filter(la__code="301").values_list("action", flat=True))
    assert {"upload", "submit", "approve"} <= set(actions)


def test_notes_survive_a_reupload_with_workers_reordered(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    _note_on_query(client)
    client.post(la_url("notes"), {**base(), "text": "HR data extracted on 14 October."})
    assert the_return().unexplained == 0
    original = return_with_error_and_query()
    reordered = Return(
        header=make_header(YEAR, "301"), la=make_la(), workers=list(reversed(original.workers))
    )
    upload(client, xml(reordered), name="reordered.xml")
    ret = the_return()
    assert ret.current is not None
    assert ret.current.number == 2 and ret.queries == 1 and ret.unexplained == 0
    query = next(i for i in ret.current.report_object().issues if i.severity == "query")
    assert query.record == 3  # a different row, the same worker, rule and item
    assert Note.objects.count() == 2
    page = client.get(la_url("notes")).content.decode()
    assert "HR data extracted" in page and "Every query has a note" in page


def test_a_note_no_longer_matching_any_query_is_marked(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    _note_on_query(client)
    upload(client, xml(valid_return()))
    assert "No matching query now" in client.get(la_url("notes")).content.decode()


def test_empty_note_is_refused(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    response = client.post(la_url("notes"), {**base(), "text": "   "}, follow=True)
    page = response.content.decode()
    assert "Enter a note" in page and not Note.objects.exists()
    # GOV.UK pattern: an error summary linking to the field, the message at the field.
    assert '<a href="#note-error">Enter a note.</a>' in page
    assert 'class="govuk-form-group govuk-form-group--error' in page
    assert 'id="note-error"' in page and "<title>Error: " in page


def test_an_empty_note_on_a_query_shows_its_error_at_that_query(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    worker_page = worker_url(2)
    response = client.post(
        la_url("notes"),
        {
            **base(),
            "worker": "SW100002",
            "rule": "519Q",
            "field": "Cases30",
            "text": "",
            "next": worker_page,
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(worker_page)
    assert page.count('id="note-error"') == 1 and "govuk-error-message" in page


def test_downloads_of_the_current_return(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    data = xml(return_with_error_and_query())
    upload(client, data)
    got = client.get(la_url("download_xml"))
    assert got.content == data and "attachment" in got["Content-Disposition"]
    sheet = client.get(la_url("download_xlsx"))  # streamed from the kept workbook
    book = b"".join(sheet.streaming_content)  # type: ignore[attr-defined]
    assert book[:4] == b"PK\x03\x04"
    raw = client.get(la_url("download_issues")).content
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so that Excel reads UTF-8
    report = raw.decode("utf-8-sig")
    assert report.splitlines()[0].startswith("rule,severity,item,message")
    assert "519Q" in report and "306" in report
    assert AuditEvent.objects.filter(action="download", la__code="301").count() == 3


def test_api_reports_status_and_report(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    status = client.get(f"/api/collections/{YEAR}/la/301/status").json()
    assert status == {
        **status,
        "status": "errors",
        "errors": 1,
        "queries": 1,
        "queries_without_note": 1,
        "version": 1,
    }
    report = client.get(f"/api/collections/{YEAR}/la/301/report").json()
    assert report["errors"] == 1 and len(report["issues"]) == 2


def test_one_rule_wide_note_explains_every_query_of_that_rule(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    ret = return_with_error_and_query()
    ret.workers.append(make_worker("inpost", YEAR, SWENo="SW100005", Cases30="44"))
    ret.workers.append(make_worker("inpost", YEAR, SWENo="SW100006", Cases30="41"))
    upload(client, xml(ret))
    assert the_return().unexplained == 3
    page = client.get(la_url("notes")).content.decode()
    assert "Rule 519Q (3 queries)" in page and "Explain all 3 with this note" in page
    client.post(
        la_url("notes"), {**base(), "rule": "519Q", "text": "Our court team holds large caseloads."}
    )
    assert the_return().unexplained == 0
    note = Note.objects.get()
    assert note.level == "rule"
    # a new query of another rule still needs its own note
    ret.workers.append(make_worker("inpost", YEAR, SWENo="SW100007", OrgRole="6", Cases30="3"))
    upload(client, xml(ret), name="again.xml")
    assert the_return().unexplained == 1


def test_no_template_comment_leaks_into_a_page(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    for name in ("overview", "results", "notes", "la_level", "history"):
        page = client.get(la_url(name)).content.decode()
        assert "{#" not in page and "#}" not in page and "{%" not in page, name
    page = client.get(worker_url(2)).content.decode()
    assert "{#" not in page and "{%" not in page


def test_a_rule_note_with_no_query_of_its_rule_is_marked(
    login: Callable[[str], Client],
) -> None:
    """A note on a whole rule ("every 519Q: …") applies while some 519Q query is there."""
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    posted = client.post(
        la_url("notes"),
        {**base(), "rule": "519Q", "text": "Caseloads were high across the service this year."},
    )
    assert posted.status_code == 302
    assert "No matching query now" not in client.get(la_url("notes")).content.decode()
    upload(client, xml(valid_return()))
    assert "No matching query now" in client.get(la_url("notes")).content.decode()
