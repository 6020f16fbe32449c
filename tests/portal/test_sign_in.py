"""One sign-in throttle for the portal and the admin, per account and per address, with
the forwarded address trusted only when configured; sign-ins audited in the LA's log; the
admin only for administrators and only where switched on; no message from the URL; and a
second person to approve."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import clear_url_caches
from django.utils import timezone

from csww_portal.models import AuditEvent, LoginAttempt, State
from tests.portal.conftest import PASSWORD, base, la_url, the_return, upload, valid_return, xml


def _portal(client: Client, password: str, username: str = "sub301") -> Any:
    return client.post("/sign-in/", {"username": username, "password": password})


def _admin(client: Client, password: str, username: str = "administrator") -> Any:
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def _reload_urls() -> None:
    import csww_portal.urls

    importlib.reload(csww_portal.urls)
    clear_url_caches()


@pytest.fixture
def admin_on(settings: Any, people: dict[str, Any]) -> Iterator[None]:
    people["admin"].is_staff = True
    people["admin"].save()
    settings.CSWW_ADMIN_ENABLED = True
    _reload_urls()
    yield
    settings.CSWW_ADMIN_ENABLED = False
    _reload_urls()


def test_the_admin_is_off_unless_switched_on(login: Callable[[str], Client]) -> None:
    assert login("admin").get("/admin/").status_code == 404
    assert Client().get("/admin/login/").status_code == 404


def test_admin_sign_in_is_throttled_like_the_portals(admin_on: None) -> None:
    client = Client()
    for _ in range(5):
        assert _admin(client, "guess").status_code == 200
    locked = _admin(client, PASSWORD)
    # 429 Too Many Requests, on the portal's GOV.UK page saying when to try again.
    assert locked.status_code == 429 and b"Too many failed attempts" in locked.content
    page = locked.content.decode()
    assert "govuk-template" in page and "You can try again after" in page
    wait = int(locked["Retry-After"])
    assert 0 < wait <= 15 * 60
    moments = [timezone.localtime() + timedelta(seconds=wait - s) for s in range(3)]
    assert any(f"until {m:%H:%M})" in page and f"after {m:%H:%M}" in page for m in moments)
    assert 'href="/admin/login/?next=/admin/"' in page
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", username="administrator").count() == 6


def test_portal_failures_count_at_the_admin_door_too(admin_on: None) -> None:
    client = Client()
    for _ in range(5):
        _portal(client, "guess", username="administrator")
    locked = _admin(client, PASSWORD)
    assert locked.status_code == 429 and b"Too many failed attempts" in locked.content


def test_the_admin_is_for_administrators_only(admin_on: None, people: dict[str, Any]) -> None:
    people["dfe"].is_staff = True  # even a DfE account made staff by mistake
    people["dfe"].save()
    dfe = Client()
    dfe.force_login(people["dfe"])
    assert dfe.get("/admin/").status_code == 302  # sent to sign in as an administrator
    admin = Client()
    assert _admin(admin, PASSWORD).status_code == 302
    assert admin.get("/admin/").status_code == 200


def test_a_forwarded_address_is_ignored_unless_configured(people: dict[str, Any]) -> None:
    for n in range(5):
        _portal(Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"), "guess")
    # The header is the client's own writing: the lock on the real address holds.
    spoofed = _portal(Client(HTTP_X_FORWARDED_FOR="10.1.1.1"), PASSWORD)
    assert b"Too many failed attempts" in spoofed.content
    assert set(LoginAttempt.objects.values_list("ip", flat=True)) == {"127.0.0.1"}


def test_behind_a_configured_proxy_the_forwarded_address_counts(
    people: dict[str, Any], settings: Any
) -> None:
    settings.CSWW_TRUSTED_PROXY_HOPS = 1
    # The proxy appends the real client; anything further left was written by the client.
    for _ in range(5):
        _portal(Client(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"), "guess")
    assert set(LoginAttempt.objects.values_list("ip", flat=True)) == {"203.0.113.9"}
    locked = _portal(Client(HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"), PASSWORD)
    assert b"Too many failed attempts" in locked.content
    # The approver at another address is not locked out by the attacker.
    ok = _portal(Client(HTTP_X_FORWARDED_FOR="198.51.100.7"), PASSWORD, username="app301")
    assert ok.status_code == 302


def test_spraying_many_accounts_from_one_address_is_stopped(
    people: dict[str, Any], settings: Any
) -> None:
    settings.CSWW_LOGIN_MAX_ADDRESS_FAILURES = 6
    client = Client(REMOTE_ADDR="192.0.2.50")
    for n in range(6):
        _portal(client, "Summer2018!", username=f"user{n}")
    refused = _portal(client, PASSWORD, username="app301")
    assert b"Too many failed attempts" in refused.content
    assert _portal(Client(REMOTE_ADDR="192.0.2.51"), PASSWORD, username="app301").status_code == 302


def test_refused_attempts_do_not_extend_a_lock(people: dict[str, Any]) -> None:
    client = Client()
    for _ in range(12):
        _portal(client, "guess")
    assert LoginAttempt.objects.count() == 5  # the seven made while locked were not counted


def test_sign_ins_are_in_the_las_audit_log(
    people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    assert _portal(Client(), PASSWORD).status_code == 302
    _portal(Client(), "wrong")
    _portal(Client(), "wrong", username="nobody-here")
    ok = AuditEvent.objects.get(action="login")
    assert ok.la is not None and ok.la.code == "301" and ok.collection is not None
    failed = AuditEvent.objects.filter(action="login_failed")
    assert {(e.username, e.la.code if e.la else None) for e in failed} == {
        ("sub301", "301"),
        ("", None),  # an unknown username is not kept: it may be a mistyped password
    }
    page = login("approver").get(la_url("la_audit")).content.decode()
    assert "Signed in" in page and "Sign-in failed" in page


def test_a_message_in_the_url_is_never_shown(people: dict[str, Any]) -> None:
    page = Client().get("/sign-in/?note_error=Your+account+is+suspended.+Call+0800").content
    assert b"suspended" not in page and b"govuk-error-summary" not in page


def test_the_submitter_cannot_approve_their_own_return(login: Callable[[str], Client]) -> None:
    approver = login("approver")
    upload(approver, xml(valid_return()))
    approver.post(la_url("submit"), base())
    assert the_return().state == State.SUBMITTED
    response = approver.post(la_url("approve"), base(), follow=True)
    assert "another person must approve it" in response.content.decode()
    assert the_return().state == State.SUBMITTED
    # A different approver can.
    from django.contrib.auth import get_user_model

    from csww_portal.models import LocalAuthority, Membership, Role

    second = get_user_model().objects.create_user("app301b", password=PASSWORD)
    Membership.objects.create(
        user=second, role=Role.LA_APPROVER, la=LocalAuthority.objects.get(code="301")
    )
    other = Client()
    other.force_login(second)
    other.post(la_url("approve"), base())
    assert the_return().state == State.APPROVED


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"username": "", "password": ""}, "id_username"),
        ({"username": "", "password": ""}, "id_password"),
        ({"username": "nobody", "password": "wrong password"}, "id_username"),
    ],
)
def test_sign_in_errors_are_tied_to_their_fields(
    people: dict[str, Any], sent: dict[str, str], field: str
) -> None:
    """GOV.UK's error pattern: each error message has an id, named by its input's
    aria-describedby, so a screen reader reads it with the field."""
    import re

    page = Client().post("/sign-in/", sent).content.decode()
    message = re.search(rf'<p class="govuk-error-message" id="{field}-error">(.*?)</p>', page)
    assert message and "Error:" in message.group(1)
    tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', page)
    assert tag and f'aria-describedby="{field}-error"' in tag.group(0)
