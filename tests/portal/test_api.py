"""API v1: token auth, the pages' access rules, the round trip, and the tokens page and command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.management import call_command
from django.test import Client

from csww.cli.main import cli
from csww_portal.api import tokens
from csww_portal.models import ApiToken, AuditEvent, State
from tests.portal.conftest import YEAR, return_with_error_and_query, the_return, valid_return, xml

BASE = f"/api/v1/collections/{YEAR}/las"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def token(people: dict[str, Any]) -> Callable[[str], dict[str, str]]:
    def make(who: str) -> dict[str, str]:
        raw, _ = tokens.issue(people[who], "tests", by=people[who])
        return bearer(raw)

    return make


def post_file(auth: dict[str, str], data: bytes, la: str = "301", name: str = "return.xml") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return Client().post(
        f"{BASE}/{la}/uploads", {"file": SimpleUploadedFile(name, data)}, headers=auth
    )


def call(method: str, url: str, auth: dict[str, str]) -> Any:
    """A request that is valid apart from who sends it."""
    if url.endswith("/uploads"):
        return post_file(auth, xml(valid_return()))
    if url.endswith("/notes") and method == "post":
        return Client().post(
            url, {"text": "A note."}, content_type="application/json", headers=auth
        )
    return getattr(Client(), method)(url, headers=auth)


ROUTES = [
    ("post", f"{BASE}/301/uploads"),
    ("get", "/api/v1/uploads/1"),
    ("get", f"{BASE}/301/report"),
    ("get", f"{BASE}/301/status"),
    ("get", f"{BASE}/301/notes"),
    ("post", f"{BASE}/301/notes"),
    ("post", f"{BASE}/301/submit"),
]


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_no_bad_or_revoked_token_is_401(
    method: str, url: str, people: dict[str, Any], token: Callable[[str], dict[str, str]]
) -> None:
    client = Client()
    assert getattr(client, method)(url).status_code == 401
    assert getattr(client, method)(url, headers=bearer("csww_not-a-real-token")).status_code == 401
    raw, issued = tokens.issue(people["submitter"], "soon revoked", by=people["submitter"])
    tokens.revoke(issued, by=people["submitter"])
    response = getattr(client, method)(url, headers=bearer(raw))
    assert response.status_code == 401 and "Authorization: Bearer" in response.json()["detail"]
    # A signed-in browser session is not an API credential either.
    client.force_login(people["submitter"])
    assert getattr(client, method)(url).status_code == 401


def test_the_round_trip_with_a_token(
    token: Callable[[str], dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = token("submitter")
    monkeypatch.chdir(tmp_path)
    path = Path("return.xml")
    path.write_bytes(xml(return_with_error_and_query()))
    response = post_file(auth, path.read_bytes(), name=str(path))
    assert response.status_code == 202, response.content
    accepted = response.json()
    assert accepted["status_url"] == f"http://testserver/api/v1/uploads/{accepted['id']}"
    status = Client().get(accepted["status_url"], headers=auth).json()
    assert (status["status"], status["current"], status["version"]) == ("done", True, 1)
    assert (status["workers"], status["errors"], status["queries"]) == (4, 1, 1)

    report = Client().get(f"{BASE}/301/report", headers=auth).json()
    cli_output = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"]).output
    assert report == json.loads(cli_output)  # the same JSON as csww validate --format json

    future = Client().post(f"{BASE}/301/submit?version={10**20}", headers=auth)
    assert future.status_code == 409
    assert f"There is no version {10**20} of this return yet" in future.json()["detail"]
    blocked = Client().post(f"{BASE}/301/submit?version=1", headers=auth)
    assert blocked.status_code == 409 and "error" in blocked.json()["detail"]
    fixed = post_file(auth, xml(valid_return()), name="fixed.xml")
    assert Client().get(fixed.json()["status_url"], headers=auth).json()["errors"] == 0
    note = Client().post(
        f"{BASE}/301/notes",
        {"text": "Taken from the HR system on 14 October.", "version": 2},
        content_type="application/json",
        headers=auth,
    )
    assert note.status_code == 201 and note.json()["level"] == "return"
    notes = Client().get(f"{BASE}/301/notes", headers=auth).json()
    assert [n["text"] for n in notes] == ["Taken from the HR system on 14 October."]
    submitted = Client().post(f"{BASE}/301/submit?version=2", headers=auth)
    assert submitted.status_code == 200 and submitted.json()["state"] == State.SUBMITTED
    assert the_return().state == State.SUBMITTED
    again = post_file(auth, xml(valid_return()))
    assert again.status_code == 409 and "reopen" in again.json()["detail"]
    uploads = AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD, username="sub301")
    assert uploads.filter(detail__contains="through the API").count() == 2  # not the refused one


def test_another_las_return_is_404_and_the_wrong_role_403(
    login: Callable[[str], Client], token: Callable[[str], dict[str, str]]
) -> None:
    mine = post_file(token("submitter"), xml(valid_return()))
    other = token("other")
    for method, url in ROUTES:
        url = url.replace("/uploads/1", f"/uploads/{mine.json()['id']}")
        assert call(method, url, other).status_code == 404, url
    dfe = token("dfe")
    for method, url in ROUTES:
        url = url.replace("/uploads/1", f"/uploads/{mine.json()['id']}")
        expected = 403 if method == "post" else 200  # DfE reads every LA and changes none
        assert call(method, url, dfe).status_code == expected, url
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(username="no.role", password="x" * 20)
    raw, _ = tokens.issue(nobody, "no role", by=nobody)
    assert Client().get(f"{BASE}/301/status", headers=bearer(raw)).status_code == 403


def test_the_api_rejects_oversized_and_malformed_requests(
    token: Callable[[str], dict[str, str]], settings: Any
) -> None:
    auth = token("submitter")
    settings.CSWW_MAX_UPLOAD_BYTES = 1000
    too_big = post_file(auth, xml(valid_return()))
    assert too_big.status_code == 413 and "smaller than" in too_big.json()["detail"]
    missing = Client().post(f"{BASE}/301/uploads", {}, headers=auth)
    assert missing.status_code == 422 and "file" in missing.json()["detail"]
    empty_note = Client().post(
        f"{BASE}/301/notes", {"text": ""}, content_type="application/json", headers=auth
    )
    assert empty_note.status_code == 422


def test_the_tokens_page_issues_a_token_once_stores_its_digest_and_revokes_it(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    client = login("submitter")
    assert client.post("/account/api-tokens/", {"name": ""}).status_code == 400
    page = client.post("/account/api-tokens/", {"name": "HR system"}).content.decode()
    raw = page.split('id="new-token" type="text" value="')[1].split('"')[0]
    assert raw.startswith("csww_") and len(raw) > 40
    stored = ApiToken.objects.get()
    assert stored.digest == tokens.digest(raw) and raw not in (stored.digest, stored.prefix)
    assert raw not in client.get("/account/api-tokens/").content.decode()  # shown once
    assert Client().get(f"{BASE}/301/status", headers=bearer(raw)).status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    # Someone else cannot revoke it; its owner can.
    assert login("other").post("/account/api-tokens/", {"revoke": stored.pk}).status_code == 404
    client.post("/account/api-tokens/", {"revoke": stored.pk})
    assert Client().get(f"{BASE}/301/status", headers=bearer(raw)).status_code == 401
    details = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN).values_list("detail", flat=True)
    )
    assert sorted(d.split(" API token")[0] for d in details) == ["Issued", "Revoked"]
    assert all(raw not in d for d in details)


def test_csww_token_issues_lists_and_revokes_for_an_administrator(
    people: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("api_token", "sub301", name="Supplier X")
    raw = capsys.readouterr().out.strip()
    assert Client().get(f"{BASE}/301/status", headers=bearer(raw)).status_code == 200
    call_command("api_token", "sub301", list=True)
    assert "Supplier X" in capsys.readouterr().out
    call_command("api_token", "sub301", revoke=raw[:11])
    assert Client().get(f"{BASE}/301/status", headers=bearer(raw)).status_code == 401
    event = AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN).first()
    assert event is not None and "command line" in event.detail
    result = CliRunner().invoke(cli, ["token", "nobody"])
    assert result.exit_code != 0 and "no user called" in result.output


def test_openapi_document_and_docs_page_work_offline_under_the_csp(db: Any) -> None:
    document = Client().get("/api/openapi.json").json()
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) == {
        "/api/v1/collections/{year}/las/{la}/uploads",
        "/api/v1/uploads/{upload_id}",
        "/api/v1/collections/{year}/las/{la}/report",
        "/api/v1/collections/{year}/las/{la}/status",
        "/api/v1/collections/{year}/las/{la}/notes",
        "/api/v1/collections/{year}/las/{la}/submit",
    }
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = Client().get("/api/docs")
    page = docs.content.decode()
    assert docs.status_code == 200 and "script-src 'self'" in docs["Content-Security-Policy"]
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert "<script>" not in page  # no inline script: the CSP would block it
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        response = Client().get(f"/static/ninja/{asset}")
        assert response.status_code == 200, asset
