"""No request gives a traceback: ids out of range are 404, junk form values a clear 400, the
API's errors are always JSON, and a body just over the portal's limit meets the portal's own
page rather than the web server's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings

from csww.cli.serve import server_body_limit
from csww_portal.api import tokens
from csww_portal.services.refusals import WorkflowError
from tests.portal.conftest import YEAR, la_url, upload, valid_return, xml

HUGE = str(2**63)
HUGER = "9" * 40


@pytest.mark.parametrize("number", [HUGE, HUGER])
def test_ids_out_of_range_are_not_found(login: Callable[[str], Client], number: str) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    base = la_url("overview")
    for path in (
        f"{base}uploads/{number}/",
        f"{base}uploads/{number}/status.json",
        f"{base}history/uploads/{number}/",
        f"{base}upload/{number}/confirm/",
        f"{base}history/versions/{number}/return.xml",
        f"{base}history/versions/{number}/restore/",
        f"/collections/{number}/la/301/",
        f"/dfe/collections/{number}/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.content.decode(), path


def test_the_apis_ids_out_of_range_and_unknown_urls_answer_json(
    people: dict[str, Any],
) -> None:
    raw, _ = tokens.issue(people["submitter"], "tests", by=people["submitter"])
    auth = {"Authorization": f"Bearer {raw}"}
    for path in (
        f"/api/v1/uploads/{HUGE}",
        f"/api/v1/uploads/{HUGER}",
        f"/api/v1/collections/{HUGE}/las/301/status",
        "/api/v1/no-such-thing",
    ):
        response = Client().get(path, headers=auth)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json"), path
        assert "detail" in response.json(), path


def test_the_apis_server_error_is_json(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from csww_portal import tasks

    raw, _ = tokens.issue(people["submitter"], "tests", by=people["submitter"])
    sent = Client().post(
        f"/api/v1/collections/{YEAR}/las/301/uploads",
        {"file": _file()},
        headers={"Authorization": f"Bearer {raw}"},
    )
    upload_id = sent.json()["id"]

    def broken(entry: Any) -> dict[str, Any]:
        raise RuntimeError("a fault")

    monkeypatch.setattr(tasks, "summary", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get(
            f"/api/v1/uploads/{upload_id}", headers={"Authorization": f"Bearer {raw}"}
        )
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "Sorry, there is a problem with the service. Try again later."
    }
    assert "a fault" not in response.content.decode()


def _file() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("return.xml", xml(valid_return()))


def test_revoking_a_token_that_is_not_a_number_is_a_clear_400(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    for junk in ("abc", "", "1e3", "²", HUGER):
        response = client.post("/account/api-tokens/", {"revoke": junk})
        assert response.status_code == 400, junk
        assert "Choose a token to revoke from the list." in response.content.decode()
    assert client.post("/account/api-tokens/", {"revoke": HUGE[:18]}).status_code == 404


@override_settings(CSWW_MAX_UPLOAD_BYTES=1024 * 1024, CSWW_MAX_REQUEST_BYTES=1024 * 1024 + 256)
def test_a_body_just_over_the_limit_meets_the_portals_own_page(
    login: Callable[[str], Client],
) -> None:
    from django.conf import settings

    portal = int(settings.CSWW_MAX_REQUEST_BYTES)
    # The web server lets a body somewhat over the portal's limit through to the portal.
    assert server_body_limit(portal) > portal + 1024 * 1024
    client = login("submitter")
    big = b"<Message>" + b" " * (portal + 10_000) + b"</Message>"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(la_url("upload"), {"return_file": SimpleUploadedFile("a.xml", big)})
    page = response.content.decode()
    assert response.status_code == 413 and "govuk-template" in page
    assert "The file is too large" in page
    # No hop-by-hop header (PEP 3333): waitress turned a "Connection: close" into a 500.
    from wsgiref.util import is_hop_by_hop

    assert not [h for h in response.headers if is_hop_by_hop(h)]
    # Through the API the same refusal is JSON.
    api = Client().post(
        f"/api/v1/collections/{YEAR}/las/301/uploads",
        {"file": SimpleUploadedFile("a.xml", big)},
    )
    assert api.status_code == 413 and "smaller than 1 MB" in api.json()["detail"]


def _bearer(people: dict[str, Any]) -> dict[str, str]:
    raw, _ = tokens.issue(people["submitter"], "tests", by=people["submitter"])
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("method", ["delete", "put", "patch", "options"])
def test_a_method_the_api_does_not_take_is_answered_in_json(
    people: dict[str, Any], method: str
) -> None:
    response = getattr(Client(), method)(
        f"/api/v1/collections/{YEAR}/las/301/status", headers=_bearer(people)
    )
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == f"{method.upper()} is not allowed here. Allowed: GET."
    assert response["Allow"] == "GET"


def test_a_method_a_page_does_not_take_gets_the_portals_page(
    login: Callable[[str], Client],
) -> None:
    response = login("submitter").get("/sign-out/")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    page = response.content.decode()
    assert "This page cannot do that" in page and "govuk-header" in page


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 3000,
    ],
)
def test_an_unreadable_form_sent_to_the_api_is_a_400_not_a_fault(
    people: dict[str, Any], content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = Client().generic(
            "POST",
            f"/api/v1/collections/{YEAR}/las/301/uploads",
            b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--x--\r\n',
            content_type=content_type,
            headers=_bearer(people),
        )
    assert response.status_code == 400
    assert "multipart/form-data" in response.json()["detail"]
    assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"


def test_a_form_without_its_security_token_gets_the_portals_page(
    people: dict[str, Any],
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["submitter"])
    response = client.post(la_url("upload"), {"return_file": ""})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form had expired" in page and "reload the page" in page
    assert "CSRF verification failed" not in page


@pytest.mark.parametrize("api", [False, True])
def test_a_body_sent_in_chunks_is_refused_saying_what_to_send(
    people: dict[str, Any], login: Callable[[str], Client], api: bool
) -> None:
    path = f"/api/v1/collections/{YEAR}/las/301/uploads" if api else la_url("upload")
    client = Client() if api else login("submitter")
    response = client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        headers={"Transfer-Encoding": "chunked", **(_bearer(people) if api else {})},
    )
    assert response.status_code == 411
    text = response.json()["detail"] if api else response.content.decode()
    assert "Content-Length" in text and "nothing was read" in text


def test_a_host_the_portal_does_not_serve_gets_its_page(login: Callable[[str], Client]) -> None:
    response = login("submitter").get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()


# What a person probing the portal met (a control character pasted into a form, a bare word
# as a note's way back, an FTE of 10^30), each answered as the portal answers a mistake.


def _typed(client: Client, url: str) -> dict[str, str]:
    """The values a worker form holds now (its inputs' names and values)."""
    import re

    page = client.get(url).content.decode()
    return dict(re.findall(r'<input[^>]*name="([A-Za-z0-9]+)"[^>]*value="([^"]*)"', page))


def test_a_control_character_in_a_record_form_is_refused_naming_the_item(
    login: Callable[[str], Client],
) -> None:
    from tests.factories import make_worker
    from tests.portal.conftest import base, the_return, worker_url

    client = login("submitter")
    upload(client, xml(valid_return()))
    before = the_return().current_id
    values = dict(make_worker("inpost", YEAR, SWENo="SW555555").values)
    for url, sent, name in (
        (la_url("add_worker"), {**values, "FTE": "0\x015"}, "FTE as at 30 September"),
        (worker_url(1), {"SWENo": "SW1\x0b23"}, "HCPC identifier"),
        (la_url("la_level"), {"NoAgencyHeadcount": "1\ufffe"}, "agency workers"),
    ):
        response = client.post(url, {**sent, **base()})
        page = response.content.decode()
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert "control character" in page and name in page, url
        assert "Nothing was saved" in page
    assert the_return().current_id == before


def test_a_nul_anywhere_in_an_address_or_a_form_is_a_clear_400(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    for response in (
        client.get(la_url("workers") + "?q=%00"),
        client.post(
            la_url("la_level"), "NoAgencyHeadcount=1%00", "application/x-www-form-urlencoded"
        ),
        client.post("/account/api-tokens/", "name=a%00b", "application/x-www-form-urlencoded"),
    ):
        assert response.status_code == 400
        assert "NUL character" in response.content.decode()
        assert "field &#x27;" in response.content.decode()  # which field holds it
    raw, _ = tokens.issue(people["submitter"], "tests", by=people["submitter"])
    api = Client().get(
        f"/api/v1/collections/{YEAR}/las/301/status?x=%00",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert api.status_code == 400 and "NUL character" in api.json()["detail"]
    assert api.json()["detail"].startswith("The address's field 'x' holds a NUL")


def test_a_note_through_the_api_with_a_nul_is_refused_as_json(people: dict[str, Any]) -> None:
    from tests.portal.conftest import current

    client = Client()
    raw, _ = tokens.issue(people["submitter"], "tests", by=people["submitter"])
    auth = {"Authorization": f"Bearer {raw}"}
    upload_client = Client()
    upload_client.force_login(people["submitter"])
    upload(upload_client, xml(valid_return()))
    response = client.post(
        f"/api/v1/collections/{YEAR}/las/301/notes",
        {"text": "ab\u0000c", "version": current().number},
        content_type="application/json",
        headers=auth,
    )
    assert 400 <= response.status_code < 500
    assert "control character (U+0000)" in response.json()["detail"]


@pytest.mark.parametrize("way_back", ["foo", "-1", "1" * 31, "ü✓\u202e", "//evil.example/x"])
def test_a_notes_way_back_that_is_not_a_path_here_goes_back_to_the_notes(
    login: Callable[[str], Client], way_back: str
) -> None:
    from csww_portal.models import Note
    from tests.portal.conftest import base

    client = login("submitter")
    upload(client, xml(valid_return()))
    url = la_url("notes")
    response = client.post(url, {"text": "probe note", "next": way_back, **base()})
    assert response.status_code == 302 and response["Location"] == url
    assert Note.objects.filter(text="probe note").count() == 1
    refused = client.post(url, {"text": "", "next": way_back, **base()})
    assert refused.status_code == 302 and refused["Location"] == f"{url}#note-error"


@pytest.mark.parametrize("fte", ["1" + "0" * 30, "1e303", "1e308"])
def test_the_continuity_page_takes_an_fte_of_ten_to_the_thirty(
    login: Callable[[str], Client], fte: str
) -> None:
    from tests.factories import make_worker
    from tests.portal.conftest import base

    client = login("submitter")
    upload(client, xml(valid_return()))
    values = dict(make_worker("leaver", YEAR, SWENo="SW555555").values)
    added = client.post(la_url("add_worker"), {**values, "FTE": fte, **base()})
    assert added.status_code == 302
    assert client.get(la_url("la_flows")).status_code == 200


def test_a_csv_with_a_control_character_is_refused_with_its_cell(
    login: Callable[[str], Client], tmp_path: Any
) -> None:
    from csww.sheets.convert import write_csv_dir
    from tests.portal.conftest import the_return

    write_csv_dir(valid_return(), tmp_path / "csv")
    workers = tmp_path / "csv" / "workers.csv"
    lines = workers.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(",")
    cells[1] = "SW\x01" + cells[1][2:]
    lines[1] = ",".join(cells)
    workers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    client = login("submitter")
    response = upload(client, workers.read_bytes(), name="workers.csv")
    assert response.status_code in (200, 302, 400)
    page = (
        client.get(response["Location"]).content.decode()
        if response.status_code == 302
        else (response.content.decode())
    )
    assert "control character (U+0001)" in page and "fault in the service" not in page
    assert the_return().current_id is None


def test_a_page_does_not_answer_methods_it_does_not_take_and_the_api_answers_head(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    client = login("submitter")
    for method in ("put", "patch", "delete", "options", "trace"):
        response = getattr(client, method)(la_url("upload"))
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, POST"
    raw, _ = tokens.issue(people["submitter"], "tests", by=people["submitter"])
    head = Client().head(
        f"/api/v1/collections/{YEAR}/las/301/status", headers={"Authorization": f"Bearer {raw}"}
    )
    assert head.status_code == 200


def test_a_notes_version_must_be_a_whole_number_not_true(people: dict[str, Any]) -> None:
    from csww_portal.models import Note

    client = Client()
    client.force_login(people["submitter"])
    upload(client, xml(valid_return()))
    response = Client().post(
        f"/api/v1/collections/{YEAR}/las/301/notes",
        {"text": "a note", "version": True},
        content_type="application/json",
        headers=_bearer(people),
    )
    assert response.status_code in (400, 422)
    assert "version" in response.json()["detail"]
    assert not Note.objects.exists()


@pytest.mark.parametrize(
    ("item", "form"), [("Cases30", "add_worker"), ("NoAgencyHeadcount", "la_level")]
)
def test_a_whole_number_of_thousands_of_digits_is_a_value_not_a_fault(
    login: Callable[[str], Client], item: str, form: str
) -> None:
    """Python reads at most 4,300 digits as a number: a longer one is checked as the item's
    rules say (out of range), not a server error."""
    from tests.factories import make_worker
    from tests.portal.conftest import base, the_return

    client = login("submitter")
    upload(client, xml(valid_return()))
    values = (
        dict(make_worker("inpost", YEAR, SWENo="SW555555").values) if form == "add_worker" else {}
    )
    response = client.post(la_url(form), {**values, item: "1" * 5000, **base()})
    assert response.status_code == 302
    assert the_return().errors >= 1


def test_the_pages_own_json_answers_401_in_json_when_nobody_is_signed_in(
    people: dict[str, Any],
) -> None:
    """The session's JSON routes under /api/ (not API v1): a client with only a token, or
    nothing, gets a JSON 401 pointing at API v1, not a redirect to the sign-in page."""
    for path in (
        f"/api/collections/{YEAR}/la/301/status",
        f"/api/collections/{YEAR}/la/301/report",
    ):
        response = Client().get(path, headers=_bearer(people))
        assert response.status_code == 401, path
        assert "API v1 with a token" in response.json()["detail"]
    page = Client().get(la_url("overview"))
    assert page.status_code == 302 and "/sign-in/" in page["Location"]


def test_a_note_on_an_approved_return_says_approved(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    from csww_portal.models import State
    from csww_portal.services import workflow
    from tests.portal.conftest import the_return

    client = login("submitter")
    upload(client, xml(valid_return()))
    ret = the_return()
    ret.state = State.APPROVED
    ret.save()
    assert ret.current is not None
    with pytest.raises(WorkflowError, match="The return is approved: DfE must reopen it"):
        workflow.add_note(ret, people["submitter"], "a note", base=ret.current.number)
