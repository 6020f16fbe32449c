# ruff: noqa: F811  (the browser and page fixtures are imported from test_browser)
"""In Chromium: the "being checked" page on the real database queue (updating in place with
JavaScript, refreshing itself without), the API tokens page, and the API's docs page under
the portal's Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.portal.conftest import return_with_error_and_query, xml
from tests.portal.test_browser import (  # noqa: F401  (browser and page are fixtures)
    accessible,
    browser,
    page,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload_through_the_page(pg: Any, tmp_path: Path, data: bytes, name: str = "return.xml") -> None:
    pg.goto("/collections/2018/la/301/upload/")
    file = tmp_path / name
    file.write_bytes(data)
    pg.get_by_label("Return file").set_input_files(str(file))
    pg.get_by_role("button", name="Upload and check").click()
    pg.wait_for_url("**/uploads/*/")


def work() -> None:
    call_command("check_worker", batch=True, interval=0, verbosity=0)


def test_progress_page_updates_in_place_when_the_worker_finishes(
    page: Any, people: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.CSWW_CHECK_AT_ONCE = False  # queued by its row; the worker checks it
    pg = page
    sign_in(pg, "sub301")
    upload_through_the_page(pg, tmp_path, xml(return_with_error_and_query()))
    accessible(pg)
    assert pg.locator("h1").inner_text() == "Your return is being checked"
    assert "Waiting to be checked" in pg.locator("#check-status").inner_text()
    shot(pg, "20-upload-being-checked")
    pg.evaluate("() => { window.stillThisPage = true; }")
    work()
    pg.get_by_text("Loaded as version 1").wait_for(timeout=15000)
    assert pg.evaluate("() => window.stillThisPage === true")  # updated in place, no reload
    assert pg.locator("h1").inner_text() == "Your upload has been checked"
    assert "1 error and 1 query" in pg.locator(".govuk-panel").inner_text()
    accessible(pg)
    shot(pg, "21-upload-checked-in-place")
    pg.get_by_role("link", name="See the results").click()
    pg.wait_for_url("**/results/")
    assert pg.errors == []


def test_progress_page_refreshes_itself_without_javascript(
    browser: Any, live_server: Any, people: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.CSWW_CHECK_AT_ONCE = False  # queued by its row; the worker checks it
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    pg = context.new_page()
    sign_in(pg, "sub301", check=False)  # axe-core needs JavaScript; the other tests run it
    upload_through_the_page(pg, tmp_path, xml(return_with_error_and_query()))
    assert pg.locator("h1").inner_text() == "Your return is being checked"
    work()
    pg.get_by_text("Loaded as version 1").wait_for(timeout=15000)  # the meta refresh
    shot(pg, "22-no-javascript-upload-checked")
    context.close()


def test_a_failed_check_says_why(
    page: Any, people: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.CSWW_CHECK_AT_ONCE = False  # queued by its row; the worker checks it
    pg = page
    sign_in(pg, "sub301")
    upload_through_the_page(pg, tmp_path, b"<Message><Header>", "cut.xml")
    work()
    pg.get_by_text("Your upload could not be checked").first.wait_for(timeout=15000)
    assert "cut short" in pg.locator(".govuk-error-summary").inner_text()
    accessible(pg)
    shot(pg, "23-upload-check-failed")


def test_tokens_page_and_api_docs(page: Any, people: dict[str, Any]) -> None:
    pg = page
    sign_in(pg, "sub301")
    pg.get_by_role("link", name="API tokens").click()
    accessible(pg)
    pg.get_by_label("Name").fill("HR system export")
    pg.get_by_role("button", name="Issue token").click()
    pg.get_by_role("heading", name="Token issued").wait_for()
    assert pg.locator("#new-token").input_value().startswith("csww_")
    accessible(pg)
    shot(pg, "24-api-token-issued")
    pg.goto("/api/docs")
    pg.locator(".swagger-ui .title").first.wait_for(timeout=15000)
    assert "CSWW collection portal API" in pg.locator(".swagger-ui .title").first.inner_text()
    pg.get_by_text("/api/v1/collections/{year}/las/{la}/uploads").first.wait_for()
    shot(pg, "25-api-docs")
    assert pg.errors == [], pg.errors  # no CSP violation, script error or missing asset
