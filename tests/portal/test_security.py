"""Sign-in throttling, sessions, CSRF, security headers and formula-safe exports."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from csww.model import Return
from csww_portal.models import AuditEvent, LoginAttempt
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import PASSWORD, YEAR, la_url, the_return, upload, valid_return, xml


def _sign_in(client: Client, password: str, username: str = "sub301") -> Any:
    return client.post("/sign-in/", {"username": username, "password": password})


def test_sign_in_works_and_is_audited(people: dict[str, Any]) -> None:
    client = Client()
    response = _sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="login", username="sub301").exists()


def test_five_failures_lock_the_username_from_that_address(people: dict[str, Any]) -> None:
    client = Client()
    for _ in range(5):
        response = _sign_in(client, "wrong password")
        assert response.status_code == 200 and b"Enter a correct username" in response.content
    locked = _sign_in(client, PASSWORD)
    assert locked.status_code == 429 and b"Too many failed attempts" in locked.content
    assert "_auth_user_id" not in client.session
    # Elsewhere the account only waits a short back-off (30 s), not the 15-minute lock.
    elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    waiting = _sign_in(elsewhere, PASSWORD)
    assert waiting.status_code == 429 and re.search(rb"Wait 3[01] seconds", waiting.content)
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=31))
    assert _sign_in(elsewhere, PASSWORD).status_code == 302
    assert _sign_in(Client(), PASSWORD).status_code == 429  # still locked from the first


def test_lock_lifts_after_the_window(people: dict[str, Any]) -> None:
    client = Client()
    for _ in range(5):
        _sign_in(client, "wrong password")
    LoginAttempt.objects.update(
        at=timezone.now() - timedelta(minutes=settings.CSWW_LOGIN_WINDOW_MINUTES + 1)
    )
    assert _sign_in(client, PASSWORD).status_code == 302


def test_a_success_resets_the_count(people: dict[str, Any]) -> None:
    client = Client()
    for _ in range(4):
        _sign_in(client, "wrong password")
    assert _sign_in(client, PASSWORD).status_code == 302
    other = Client()
    for _ in range(4):
        _sign_in(other, "wrong password")
    assert _sign_in(other, PASSWORD).status_code == 302


def test_passwords_are_hashed(people: dict[str, Any]) -> None:
    assert PASSWORD not in people["submitter"].password
    assert people["submitter"].check_password(PASSWORD)


def test_sign_out_is_post_only(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    assert client.get("/sign-out/").status_code == 405
    client.post("/sign-out/")
    assert client.get(la_url("overview")).status_code == 302


def test_csrf_is_enforced(people: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["submitter"])
    response = client.post(la_url("notes"), {"text": "no token"})
    assert response.status_code == 403


def test_session_and_csrf_cookies_are_protected() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY and settings.CSRF_COOKIE_SAMESITE == "Lax"
    # The tests run without DEBUG, so cookies are Secure (sent over HTTPS only).
    assert not settings.DEBUG and settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


def test_secure_cookie_flags_on_sign_in(people: dict[str, Any]) -> None:
    client = Client()
    response = _sign_in(client, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"


def test_security_headers_on_pages_and_downloads(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    for path in (la_url("overview"), la_url("download_xml"), "/sign-in/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert (
            "script-src 'self'" in csp
            and "'unsafe-inline'" not in csp
            and "frame-ancestors 'none'" in csp
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "no-store" in response["Cache-Control"]


def test_pages_have_no_inline_scripts(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    for name in ("overview", "results", "upload", "notes", "history"):
        page = client.get(la_url(name)).content.decode()
        for chunk in page.split("<script")[1:]:
            assert chunk.lstrip().startswith(("src=", 'type="module" src=')), chunk[:80]
        assert " onclick=" not in page and " style=" not in page


def test_csv_exports_are_safe_against_formula_injection(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    evil = Return(
        header=make_header(YEAR, "301"),
        la=make_la(),
        workers=[make_worker("inpost", YEAR, SWENo="SW100001", Ethnicity='=HYPERLINK("http://x")')],
    )
    upload(client, xml(evil))
    assert the_return().errors >= 1
    report = client.get(la_url("download_issues")).content.decode()
    assert "'=HYPERLINK" in report and ",=HYPERLINK" not in report
    import io

    from openpyxl import load_workbook

    streamed = client.get(la_url("download_xlsx")).streaming_content  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(b"".join(streamed)))
    cells = [
        c
        for ws in book
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_chase_list_is_safe_against_formula_injection(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    people["other"].email = "=cmd|' /C calc'!A0"
    people["other"].save()
    text = login("dfe").get(f"/dfe/collections/{YEAR}/chase-list.csv").content.decode()
    assert "'=cmd" in text and ",=cmd" not in text
