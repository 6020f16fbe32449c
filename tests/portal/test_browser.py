"""The whole LA flow and the DfE dashboard in Chromium, with screenshots and basic
accessibility checks (labels, one h1, error summary links that lead to fields).

Debian's Chromium is used (Playwright cannot download its own here). A machine without it
fails these tests with a message saying what to install, rather than skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import chromium
from tests.portal.conftest import PASSWORD, return_with_error_and_query, xml

# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain
# synchronous test set-up, so Django's async-safety guard is relaxed for this module only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    # The live server speaks plain HTTP, so cookies must not be Secure-only here.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    pg = context.new_page()
    errors: list[str] = []
    # JavaScript errors, CSP violations and failed static files; a 400 page is not an error.
    pg.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None
        ),
    )
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on(
        "response",
        lambda r: errors.append(r.url) if "/static/" in r.url and r.status >= 400 else None,
    )
    pg.errors = errors
    yield pg
    context.close()


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def go(pg: Any, target: Any) -> None:
    """Click a link or button and wait for the page it leads to."""
    with pg.expect_navigation():
        target.click()


def accessible(pg: Any) -> None:
    """One h1; every visible form control has a label; error summary links lead to an element."""
    # A click starts a navigation: wait for the new page before reading it.
    pg.wait_for_load_state()
    pg.locator("h1").first.wait_for()
    assert pg.locator("h1").count() == 1, pg.url
    unlabelled = pg.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name || el.id)"""
    )
    assert unlabelled == [], (pg.url, unlabelled)
    missing = pg.evaluate(
        """() => [...document.querySelectorAll('.govuk-error-summary a[href^="#"]')]
            .map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))"""
    )
    assert missing == [], (pg.url, missing)
    assert pg.evaluate("() => document.documentElement.lang") == "en"
    assert pg.title().endswith("GOV.UK")
    if not getattr(pg, "without_javascript", False):  # axe runs as a script in the page
        assert serious_violations(pg) == [], pg.url


def serious_violations(pg: Any) -> list[tuple[str, str, list[str]]]:
    """axe-core (the copy shipped in axe-playwright-python, so it runs offline) on the page:
    every serious or critical violation, and any content outside a landmark (axe's "region"
    rule, moderate by axe's scale but how a screen reader user finds the page's parts)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(pg).response["violations"]
    return [
        (v["id"], v["impact"], [", ".join(n["target"]) for n in v["nodes"]][:5])
        for v in found
        if v["impact"] in ("serious", "critical") or v["id"] == "region"
    ]


def sign_in(pg: Any, username: str, *, check: bool = True) -> None:
    """Sign in; ``check`` runs axe-core on the page (not possible with JavaScript off)."""
    pg.goto("/sign-in/")
    if check:
        accessible(pg)
    pg.get_by_label("Username").fill(username)
    pg.get_by_label("Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()


def sign_out(pg: Any) -> None:
    pg.get_by_role("button", name="Sign out").click()


def test_la_flow_from_upload_to_approval(page: Any, people: dict[str, Any], tmp_path: Path) -> None:
    pg = page
    sign_in(pg, "sub301")
    pg.wait_for_url("**/collections/2018/la/301/")
    accessible(pg)
    shot(pg, "01-task-list")
    assert pg.locator(".govuk-tag", has_text="Not started").first.is_visible()

    # Upload a return with one error and one query.
    go(pg, pg.get_by_role("link", name="Upload your return"))
    accessible(pg)
    file = tmp_path / "return.xml"
    file.write_bytes(xml(return_with_error_and_query()))
    pg.get_by_label("Return file").set_input_files(str(file))
    pg.get_by_role("button", name="Upload and check").click()
    pg.wait_for_url("**/results/")
    accessible(pg)
    shot(pg, "02-results-with-errors")
    summary = pg.locator(".govuk-error-summary")
    assert "Your return has 1 error" in summary.inner_text()
    assert pg.locator(".govuk-notification-banner--success").is_visible()

    # Read the error and open the record from the issue list.
    pg.locator("table").get_by_role("link", name="Record 1").first.click()
    pg.wait_for_url("**/workers/*/**")
    accessible(pg)
    shot(pg, "03-worker-with-error")
    # The error summary link moves focus to the field in error.
    pg.locator(".govuk-error-summary a").first.click()
    assert pg.evaluate("() => document.activeElement.id") == "f-Ethnicity"

    # Fix it in the form.
    pg.get_by_label("Ethnic origin").select_option("WBRI")
    pg.get_by_role("button", name="Save and check again").click()
    pg.wait_for_load_state()
    assert "Worker SW100001: 0 errors" in pg.locator(".govuk-notification-banner").inner_text()
    assert pg.locator(".govuk-error-summary").count() == 0

    # Explain the query with a note, on the worker's page.
    pg.goto("/collections/2018/la/301/results/?severity=query")
    go(pg, pg.get_by_role("link", name="Add note"))
    accessible(pg)
    pg.get_by_label("Note explaining this query").fill(
        "Covering a colleague's cases during sick leave."
    )
    pg.get_by_role("button", name="Save note").first.click()
    pg.wait_for_load_state()
    assert pg.locator(".govuk-tag", has_text="Noted").is_visible()
    shot(pg, "04-query-noted")

    # Return-level note, then submit.
    pg.get_by_role("link", name="Notes").first.click()
    pg.get_by_label("Add a note about the whole return").fill("HR data extracted on 14 October.")
    go(pg, pg.get_by_role("button", name="Save note"))
    accessible(pg)
    shot(pg, "05-notes")
    pg.get_by_role("link", name="Your return").click()
    go(pg, pg.get_by_role("link", name="Submit the return"))
    accessible(pg)
    pg.get_by_role("button", name="Submit return").click()
    pg.wait_for_url("**/collections/2018/la/301/")
    assert pg.locator(".govuk-tag", has_text="Submitted").first.is_visible()
    sign_out(pg)

    # The approver approves.
    sign_in(pg, "app301")
    go(pg, pg.get_by_role("link", name="Approve the return"))
    accessible(pg)
    pg.get_by_role("button", name="Approve return").click()
    pg.wait_for_url("**/collections/2018/la/301/")
    assert pg.locator(".govuk-tag", has_text="Approved").first.is_visible()
    shot(pg, "06-approved")
    go(pg, pg.get_by_role("link", name="Audit log"))
    accessible(pg)
    text = pg.locator("table").inner_text()
    assert "Approved" in text and "Submitted" in text and "Uploaded a file" in text
    assert pg.errors == []


def test_dfe_dashboard_and_reopen(page: Any, people: dict[str, Any], tmp_path: Path) -> None:
    from csww_portal.models import LAReturn
    from csww_portal.services import versions, workflow
    from tests.portal.conftest import valid_return

    ret = LAReturn.objects.select_related("la", "collection").get(la__code="302")
    versions.upload(ret, people["other"], "barnet.xml", xml(valid_return("302")))
    workflow.submit(LAReturn.objects.get(pk=ret.pk), people["other"], base=1)
    pg = page
    sign_in(pg, "dfe")
    pg.wait_for_url("**/dfe/collections/2018/")
    accessible(pg)
    shot(pg, "07-dfe-dashboard")
    assert pg.locator("table tbody tr").count() == 152
    go(pg, pg.get_by_role("link", name="submitted (1)"))
    assert pg.locator("table tbody tr").count() == 1
    go(pg, pg.get_by_role("link", name="Barnet"))
    accessible(pg)
    go(pg, pg.get_by_role("link", name="Reopen this return"))
    accessible(pg)
    go(pg, pg.get_by_role("button", name="Reopen return"))
    accessible(pg)  # empty reason: the error summary links to the textarea
    shot(pg, "08-reopen-error")
    pg.locator(".govuk-error-summary a").first.click()
    assert pg.evaluate("() => document.activeElement.id") == "reason"
    pg.get_by_label("Reason for reopening").fill("Vacancies look too low; please check.")
    pg.get_by_role("button", name="Reopen return").click()
    pg.wait_for_url("**/collections/2018/la/302/")
    assert "reopened" in pg.locator(".govuk-notification-banner").inner_text()
    go(pg, pg.get_by_role("link", name="Statistics"))
    accessible(pg)
    shot(pg, "09-statistics")
    assert pg.errors == []


def test_pages_work_without_javascript(
    browser: Any, live_server: Any, people: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    pg = context.new_page()
    pg.without_javascript = True
    sign_in(pg, "sub301")
    pg.get_by_role("link", name="Upload your return").click()
    file = tmp_path / "return.xml"
    file.write_bytes(xml(return_with_error_and_query()))
    pg.get_by_label("Return file").set_input_files(str(file))
    pg.get_by_role("button", name="Upload and check").click()
    pg.wait_for_url("**/results/")
    assert "Your return has 1 error" in pg.locator(".govuk-error-summary").inner_text()
    pg.get_by_role("link", name="errors", exact=True).click()
    issues = pg.locator("table").nth(1).inner_text()
    assert "306" in issues and "519Q" not in issues
    shot(pg, "10-no-javascript-results")
    context.close()


def test_every_page_passes_axe_on_desktop_and_mobile(
    page: Any, people: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page an LA user or DfE sees: no serious axe-core violation, no horizontal
    scrolling of the page on a phone, no CSP violation (charts draw without inline styles),
    and no form to add or note anything where nothing can be changed."""
    from csww_portal.models import LAReturn
    from csww_portal.services import versions, workflow
    from csww_portal.services.identity import ids_of
    from tests.portal.conftest import valid_return

    # One issue a page, so the results pages show their pagination too.
    monkeypatch.setattr("csww_portal.views.records.PAGE_SIZE", 1)
    ret = LAReturn.objects.select_related("la", "collection").get(la__code="301")
    versions.upload(ret, people["submitter"], "return.xml", xml(return_with_error_and_query()))
    ret = LAReturn.objects.select_related("la", "collection", "current").get(pk=ret.pk)
    assert ret.current is not None
    record = ids_of(ret, ret.current)[1]
    done = LAReturn.objects.select_related("la", "collection").get(la__code="302")
    versions.upload(done, people["other"], "barnet.xml", xml(valid_return("302")))
    workflow.submit(LAReturn.objects.get(pk=done.pk), people["other"], base=1)
    # Long text with no spaces must wrap, not widen a page: a pasted note, a token's name.
    workflow.add_note(
        LAReturn.objects.get(pk=ret.pk),
        people["submitter"],
        "https://example.org/" + "x" * 1900,
        base=ret.current.number,
    )
    from csww_portal.api import tokens

    tokens.issue(people["submitter"], "HR-system-export-" + "y" * 80, by=people["submitter"])
    base = "/collections/2018/la/301/"
    la_pages = [
        base,
        base + "upload/",
        base + "results/",
        base + "results/?severity=query",
        base + f"workers/{record}/",
        base + f"workers/{record}/delete/",
        base + "workers/add/",
        base + "la-level/",
        base + "notes/",
        base + "history/",
        base + "submit/",
        base + "approve/",
        base + "audit/",
        base + "history/versions/1/restore/",
        base + "workers/",
        base + "workers/?q=SW10",
        base + "flows/",
        "/account/api-tokens/",
    ]
    dfe_pages = [
        "/dfe/collections/2018/",
        "/dfe/collections/2018/statistics/",
        "/dfe/collections/2018/audit/",
        "/dfe/collections/2018/flows/",
        "/collections/2018/la/302/",
        "/collections/2018/la/302/results/",
        "/collections/2018/la/302/history/",
        "/collections/2018/la/302/audit/",
        "/collections/2018/la/302/workers/add/",
        "/collections/2018/la/301/results/?severity=query",
        "/no-such-page/",
    ]
    pg = page
    pg.goto("/sign-in/")
    accessible(pg)
    for who, pages in (("sub301", la_pages), ("dfe", dfe_pages)):
        sign_in(pg, who)
        pg.wait_for_load_state()
        for width in (1280, 375):
            pg.set_viewport_size({"width": width, "height": 900})
            for url in pages:
                pg.goto(url)
                accessible(pg)
                wide = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                culprits = pg.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                        .filter(e => !e.closest('.csww-table-scroll') || e.matches('.csww-table-scroll'))
                        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + getComputedStyle(e).overflowX + ' ' + e.getBoundingClientRect().width)"""
                )
                assert wide <= 0, (url, width, wide, culprits)
        if who == "dfe":
            # DfE reads returns: no form to add a worker, no "Add note" link.
            pg.goto("/collections/2018/la/302/workers/add/")
            assert pg.locator("form input[name=SWENo]").count() == 0
            assert "Only the local authority adds records" in pg.content()
            pg.goto("/collections/2018/la/301/results/?severity=query")
            assert pg.get_by_role("link", name="Add note").count() == 0
            pg.goto("/collections/2018/la/302/")
            assert pg.get_by_role("link", name="Audit log").count() >= 1
            pg.set_viewport_size({"width": 1280, "height": 900})
            pg.goto("/dfe/collections/2018/statistics/")
            charts = pg.locator("svg.csww-chart")
            assert charts.count() >= 1
            box = charts.first.bounding_box()
            assert box is not None and box["width"] <= 560
            font = pg.evaluate(
                "() => getComputedStyle(document.querySelector('svg.csww-chart')).fontFamily"
            )
            assert "Arial" in font
            shot(pg, "11-statistics-charts")
            pg.set_viewport_size({"width": 375, "height": 900})
            pg.goto("/dfe/collections/2018/statistics/")
            # Labels keep their drawn size (the chart scrolls in its box, the page does not).
            label = pg.locator("svg.csww-chart text").first.bounding_box()
            assert label is not None and label["height"] >= 12
            shot(pg, "12-statistics-mobile")
        sign_out(pg)
    assert pg.errors == []


def test_two_tabs_never_overwrite_each_other(
    browser: Any, live_server: Any, people: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    """Two colleagues at once: a stale edit is refused with the typed value kept; a file
    without workers waits for confirmation; an earlier version is restored from history."""
    from csww.model import Return
    from csww.reader import read
    from csww.sheets.convert import csv_files, split
    from csww.spec import spec_for
    from csww_portal.models import LAReturn
    from tests.factories import make_header, make_la, make_worker

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    staff = Return(
        header=make_header(2018, "301"),
        la=make_la(),
        workers=[make_worker("inpost", 2018, SWENo=f"SW2000{i:02d}") for i in range(1, 11)],
    )
    file = tmp_path / "staff.xml"
    file.write_bytes(xml(staff))
    tabs = []
    errors: list[str] = []
    for who in ("sub301", "app301"):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, base_url=live_server.url
        )
        pg = context.new_page()
        pg.on("pageerror", lambda e: errors.append(str(e)))
        sign_in(pg, who)
        pg.wait_for_url("**/collections/2018/la/301/")
        tabs.append(pg)
    a, b = tabs
    go(a, a.get_by_role("link", name="Upload your return"))
    a.get_by_label("Return file").set_input_files(str(file))
    a.get_by_role("button", name="Upload and check").click()
    a.wait_for_url("**/results/")
    # Both open records from the same version; B deletes record 2 first.
    ret = LAReturn.objects.select_related("current").get(la__code="301")
    from csww_portal.services.identity import ids_of

    assert ret.current is not None
    ids = ids_of(ret, ret.current)
    a.goto(f"/collections/2018/la/301/workers/{ids[3]}/")
    b.goto(f"/collections/2018/la/301/workers/{ids[1]}/")
    go(b, b.get_by_role("link", name="Delete this record"))
    accessible(b)
    b.get_by_role("button", name="Delete record").click()
    b.wait_for_url("**/results/")
    assert "Deleted worker SW200002" in b.locator(".govuk-notification-banner").inner_text()
    # A saves a change to SW200004 from the form built on version 1: refused, value kept.
    a.get_by_label("FTE as at 30 September").fill("0.6")
    a.get_by_role("button", name="Save and check again").click()
    a.wait_for_load_state()
    accessible(a)
    shot(a, "13-stale-form-refused")
    summary = a.locator(".govuk-error-summary").first.inner_text()
    assert "Your changes were not saved" in summary and "version 2" in summary
    assert a.get_by_label("FTE as at 30 September").input_value() == "0.6"
    assert "SW200004" in a.locator("h1").inner_text()
    a.get_by_role("button", name="Save and check again").click()  # now on purpose
    a.wait_for_load_state()
    assert "Saved as version 3" in a.locator(".govuk-notification-banner").inner_text()
    workers = read(LAReturn.objects.get(la__code="301").current.xml_bytes()).workers  # type: ignore[union-attr]
    assert [w.values.get("FTE") for w in workers if w.values["SWENo"] == "SW200004"] == ["0.6"]
    # B uploads a workers.csv with only its heading row: asked first, and keeps version 3.
    spec = spec_for(2018)
    heading = tmp_path / "workers.csv"
    heading.write_text(csv_files(split(staff, spec), spec)["workers.csv"].splitlines()[0] + "\n")
    b.goto("/collections/2018/la/301/upload/")
    b.get_by_label("Return file").set_input_files(str(heading))
    b.get_by_role("button", name="Upload and check").click()
    b.wait_for_url("**/confirm/")
    accessible(b)
    shot(b, "14-confirm-empty-upload")
    assert "The file has no worker records" in b.locator(".govuk-warning-text").inner_text()
    b.get_by_role("button", name="Keep the current version").click()
    b.wait_for_url("**/collections/2018/la/301/")
    assert LAReturn.objects.get(la__code="301").current.number == 3  # type: ignore[union-attr]
    # A restores version 1 from the history: a new version 4, with all ten workers.
    a.goto("/collections/2018/la/301/history/")
    accessible(a)
    shot(a, "15-history")
    go(a, a.get_by_role("link", name="Restore version 1"))
    accessible(a)
    a.get_by_role("button", name="Restore version 1").click()
    a.wait_for_url("**/results/")
    assert "Version 1 restored as version 4" in a.locator(".govuk-notification-banner").inner_text()
    assert LAReturn.objects.get(la__code="301").workers == 10
    assert errors == []
    for pg in tabs:
        pg.context.close()
