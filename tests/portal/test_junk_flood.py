"""A junk flood cannot lock an LA out: the return's allowance counts what was loaded, not
attempts; uploads are rate-limited per person and per API token; wrong API tokens are
throttled per address and their log lines limited; a throttled sign-in answers 429."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from csww_portal.api import tokens
from csww_portal.limits import FewRefusals
from csww_portal.models import Upload
from tests.portal.conftest import PASSWORD, YEAR, current, upload, valid_return, xml

JUNK = b"this is not a return"
API = f"/api/v1/collections/{YEAR}/las/301/uploads"


def _api_upload(raw: str, data: bytes, name: str = "return.xml") -> Any:
    return Client().post(
        API, {"file": SimpleUploadedFile(name, data)}, headers={"Authorization": f"Bearer {raw}"}
    )


@override_settings(CSWW_MAX_UPLOADS=3, CSWW_UPLOAD_RATE=100)
def test_junk_does_not_use_up_the_returns_allowance(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    for n in range(6):  # twice the allowance of junk
        upload(client, JUNK, name=f"junk{n}.txt")
    assert Upload.objects.count() == 6
    assert not Upload.objects.filter(outcome=Upload.Outcome.LOADED).exists()
    response = upload(client, xml(valid_return()))
    assert response.status_code == 302
    assert current().number == 1  # the real return loaded
    # The allowance counts loaded files: after three, the fourth is refused, and says why.
    upload(client, xml(valid_return()))
    upload(client, xml(valid_return()))
    refused = upload(client, xml(valid_return()))
    assert refused.status_code == 400  # refused by the check, as other refused files are
    assert "loaded 3 files into this return" in refused.content.decode()


@override_settings(CSWW_UPLOAD_RATE=5, CSWW_UPLOAD_RATE_MINUTES=10)
def test_a_runaway_token_slows_only_itself(people: dict[str, Any]) -> None:
    runaway, _ = tokens.issue(people["submitter"], "HR system", by=people["submitter"])
    for _n in range(5):
        assert _api_upload(runaway, JUNK, "junk.txt").status_code == 202
    refused = _api_upload(runaway, JUNK, "junk.txt")
    assert refused.status_code == 429
    assert "This API token has sent 5 files" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 600
    assert Upload.objects.count() == 5  # the refused request stored nothing
    # A colleague of the same LA uploads the real return as usual, on the page and the API.
    colleague = Client()
    colleague.force_login(people["approver"])
    assert upload(colleague, xml(valid_return())).status_code == 302
    assert current().number == 1
    theirs, _ = tokens.issue(people["approver"], "theirs", by=people["approver"])
    assert _api_upload(theirs, xml(valid_return())).status_code == 202


@override_settings(CSWW_UPLOAD_RATE=3)
def test_uploads_are_rate_limited_per_person_across_their_tokens_and_on_the_page(
    people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    """A person cannot pass the limit by making more tokens: their tokens share one
    allowance. Their uploads on the page have an allowance of their own, so a flood through
    a token (leaked, or a runaway HR system) never stops them uploading on the page."""
    one, _ = tokens.issue(people["submitter"], "one", by=people["submitter"])
    for _n in range(2):
        assert _api_upload(one, JUNK, "junk.txt").status_code == 202
    two, _ = tokens.issue(people["submitter"], "two", by=people["submitter"])
    assert _api_upload(two, JUNK, "junk.txt").status_code == 202
    refused = _api_upload(two, JUNK, "junk.txt")
    assert refused.status_code == 429  # the same person's third token upload
    assert "Your API tokens have sent 3 files" in refused.json()["detail"]
    client = login("submitter")
    for _n in range(2):
        upload(client, JUNK, name="junk.txt")
    assert upload(client, xml(valid_return())).status_code == 302  # the page's own allowance
    assert current().number == 1
    page = upload(client, xml(valid_return()))
    assert page.status_code == 429 and "You have sent 3 files" in page.content.decode()
    assert "govuk-error-summary" in page.content.decode()
    # Still no further token upload: the page's uploads are not the tokens' either.
    assert _api_upload(one, JUNK, "junk.txt").status_code == 429


@override_settings(CSWW_API_AUTH_MAX_FAILURES=10)
def test_wrong_api_tokens_are_throttled_per_address(people: dict[str, Any]) -> None:
    cache.clear()
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    answers = [
        guesser.get(f"/api/v1/collections/{YEAR}/las/301/status", headers=_bearer(n)).status_code
        for n in range(25)
    ]
    assert answers[:10] == [401] * 10 and set(answers[10:]) == {429}
    last = guesser.get(f"/api/v1/collections/{YEAR}/las/301/status", headers=_bearer(99))
    # The rest of the minute that began with the first wrong token (counted in the database).
    assert last.status_code == 429 and 55 <= int(last["Retry-After"]) <= 60
    assert "Too many requests with a wrong API token" in last.json()["detail"]
    # A client at another address with a real token is not held up.
    raw, _ = tokens.issue(people["submitter"], "tests", by=people["submitter"])
    other = Client(REMOTE_ADDR="203.0.113.5")
    ok = other.get(
        f"/api/v1/collections/{YEAR}/las/301/status", headers={"Authorization": f"Bearer {raw}"}
    )
    assert ok.status_code == 200
    cache.clear()


def _bearer(n: int) -> dict[str, str]:
    return {"Authorization": f"Bearer csww_guess{n:040d}"}


def test_refusals_are_logged_a_few_times_not_once_each() -> None:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Collect()
    handler.addFilter(FewRefusals(every=3600))
    logger = logging.getLogger("test.few_refusals")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for _n in range(5000):
            logger.warning("Unauthorized: %s", "/api/v1/x", extra={"status_code": 401})
        logger.warning("Not Found: %s", "/x", extra={"status_code": 404})
    finally:
        logger.removeHandler(handler)
    assert lines == ["Unauthorized: /api/v1/x", "Not Found: /x"]
    # The next line after the quiet spell says how many were left out.
    flt = FewRefusals(every=0)
    record = logging.LogRecord("x", 30, "", 0, "Unauthorized", (), None)
    record.status_code = 401
    flt.dropped[401] = 4999
    assert flt.filter(record) and "4999 more like it" in record.getMessage()


def test_the_portals_log_handler_limits_refusals() -> None:
    from django.conf import settings

    logging_config: dict[str, Any] = settings.LOGGING
    assert "few_refusals" in logging_config["handlers"]["console"]["filters"]


@override_settings(CSWW_LOGIN_MAX_FAILURES=2)
def test_a_throttled_sign_in_answers_429(people: dict[str, Any]) -> None:
    client = Client()
    for _n in range(2):
        wrong = client.post("/sign-in/", {"username": "sub301", "password": "wrong"})
        assert wrong.status_code == 200
    locked = client.post("/sign-in/", {"username": "sub301", "password": PASSWORD})
    assert locked.status_code == 429
    wait = int(locked["Retry-After"])
    assert 0 < wait <= 15 * 60
    page = locked.content.decode()
    assert "Too many failed attempts" in page and "govuk-error-summary" in page
    # When to try again, as the header says (the page was made a moment ago).
    moments = (timezone.localtime() + timedelta(seconds=wait - s) for s in range(3))
    assert any(f"(until {m:%H:%M})" in page for m in moments)
    assert 'id="id_username"' in page  # the sign-in page itself, to try again then


def test_uploads_remember_the_token_they_came_through(people: dict[str, Any]) -> None:
    raw, token = tokens.issue(people["submitter"], "HR", by=people["submitter"])
    assert _api_upload(raw, xml(valid_return())).status_code == 202
    assert Upload.objects.get().token == token
    client = Client()
    client.force_login(people["submitter"])
    upload(client, xml(valid_return()))
    assert Upload.objects.filter(token__isnull=True).count() == 1
