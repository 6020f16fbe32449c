"""Nothing acts on a stale page: every change form and action, on the pages and through the
API, names the version it was made from. Sent without it, or from an older version, nothing
is done and the answer is the page as the return is now with what changed since (409), or
JSON 409 with the current version; with the current version it works.

``test_every_change_route_is_covered`` walks the URL conf, so a new route that changes a
return without being listed here fails the suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from csww.model import Return
from csww_portal.api import tokens
from csww_portal.models import LAReturn, Note, State, Upload
from csww_portal.services import versions, workflow
from csww_portal.services.refusals import StaleForm
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import YEAR, current, la_url, record_id, the_return, upload, xml

STALE = "has changed since you opened this page"
MISSING = "without saying which version of the return it was made from"
SINCE = "What changed since you opened the page"


def _staff() -> Return:
    workers = [
        make_worker("inpost", YEAR, SWENo=f"SW4000{i:02d}", FTE="1", Cases30="10")
        for i in range(1, 6)
    ]
    workers += [
        make_worker("leaver", YEAR, SWENo="SW499901"),
        make_worker("agency", YEAR, SWENo="SW499902"),
    ]
    return Return(header=make_header(YEAR, "301"), la=make_la(), workers=workers)


def _colleague_edits(people: dict[str, Any]) -> None:
    """Someone else makes the next version (the page being tested was opened before)."""
    ret = the_return()
    versions.edit_worker(
        ret, people["approver"], record_id(3), {"Cases30": "11"}, base=current().number
    )


def _submitted(people: dict[str, Any]) -> None:
    workflow.submit(the_return(), people["submitter"], base=current().number)


@dataclass
class Case:
    """One change route: who posts what, how to get the return ready, and what success is."""

    route: str
    who: str
    url: Callable[[], str]
    data: Callable[[], dict[str, str]]
    done: Callable[[], bool]
    ready: Callable[[dict[str, Any]], None] = lambda people: None  # after the colleague's edit
    page: bool = True  # answers with the page itself (409); notes go back to their page
    extra: dict[str, Any] = field(default_factory=dict)


def _worker_values() -> dict[str, str]:
    return dict(make_worker("inpost", YEAR, SWENo="SW400001", FTE="0.5", Cases30="10").values)


def _held() -> int:
    return Upload.objects.get(outcome=Upload.Outcome.HELD).pk


def _hold_a_small_file(people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["submitter"])
    small = Return(header=make_header(YEAR, "301"), la=make_la(), workers=_staff().workers[:1])
    upload(client, xml(small), name="small.xml")
    assert Upload.objects.filter(outcome=Upload.Outcome.HELD).count() == 1


CASES = [
    Case(
        "worker",
        "submitter",
        lambda: la_url("worker", "301", record_id(1)),
        _worker_values,
        lambda: current().description == "Edited worker SW400001",
    ),
    Case(
        "add_worker",
        "submitter",
        lambda: la_url("add_worker"),
        lambda: dict(make_worker("inpost", YEAR, SWENo="SW499999").values),
        lambda: current().description == "Added worker SW499999",
    ),
    Case(
        "delete_worker",
        "submitter",
        lambda: la_url("delete_worker", "301", record_id(2)),
        dict,
        lambda: current().description == "Deleted worker SW400002",
    ),
    Case(
        "la_level",
        "submitter",
        lambda: la_url("la_level"),
        lambda: {"NumberOfVacancies": "7"},
        lambda: current().description == "Edited the LA-level figures",
    ),
    Case(
        "restore",
        "submitter",
        lambda: la_url("restore", "301", 1),
        dict,
        lambda: current().description == "Restored version 1",
    ),
    Case(
        "confirm_upload",
        "submitter",
        lambda: la_url("confirm_upload", "301", _held()),
        lambda: {"choice": "load"},
        lambda: current().workers == 1,
        ready=_hold_a_small_file,
    ),
    Case(
        "submit",
        "submitter",
        lambda: la_url("submit"),
        dict,
        lambda: the_return().state == State.SUBMITTED,
    ),
    Case(
        "approve",
        "approver",
        lambda: la_url("approve"),
        dict,
        lambda: the_return().state == State.APPROVED,
        ready=_submitted,
    ),
    Case(
        "reopen",
        "dfe",
        lambda: f"/dfe/collections/{YEAR}/la/301/reopen/",
        lambda: {"reason": "Check the FTEs."},
        lambda: the_return().state == State.IN_PROGRESS,
        ready=_submitted,
    ),
    Case(
        "notes",
        "submitter",
        lambda: la_url("notes"),
        lambda: {"text": "Taken from the HR system on 14 October."},
        lambda: Note.objects.exists(),
        page=False,
    ),
]


def _state() -> tuple[int, str, int, list[str]]:
    ret = the_return()
    held = sorted(Upload.objects.values_list("outcome", flat=True))
    return (current().number, ret.state, Note.objects.count(), held)


@pytest.mark.parametrize("case", CASES, ids=[c.route for c in CASES])
def test_a_change_without_its_version_or_from_an_old_one_does_nothing(
    case: Case, people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    upload(login("submitter"), xml(_staff()))  # version 1: the page is opened now
    opened = current().number
    _colleague_edits(people)  # version 2, after the page was opened
    case.ready(people)
    client = login(case.who)
    before = _state()

    # No version at all: refused, never applied to whatever is current.
    missing = client.post(case.url(), case.data(), follow=not case.page)
    assert _state() == before and not case.done()
    text = missing.content.decode()
    assert MISSING in text and "version 2" in text
    if case.page:
        assert missing.status_code == 409
        assert 'name="base" value="2"' in text  # asked again, as the return is now
        assert "govuk-error-summary" in text

    # From the version the page showed before the colleague's edit: refused, saying what changed.
    stale = client.post(case.url(), {**case.data(), "base": str(opened)}, follow=not case.page)
    assert _state() == before and not case.done()
    text = stale.content.decode()
    assert STALE in text and "by app301" in text
    if case.page:
        assert stale.status_code == 409
        assert 'name="base" value="2"' in text
        if case.route != "restore":  # the restore page lists the versions it would undo
            assert SINCE in text and "Version 2: Edited worker SW400003, by app301" in text
        else:
            assert "Version 2: Edited worker SW400003" in text

    # A malformed version is no version.
    odd = client.post(case.url(), {**case.data(), "base": "2; DROP"}, follow=not case.page)
    assert _state() == before and not case.done() and MISSING in odd.content.decode()

    # From the current version: done.
    ok = client.post(case.url(), {**case.data(), "base": "2"})
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert case.done()


def test_a_refused_note_keeps_what_was_typed(
    people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    client = login("submitter")
    upload(client, xml(_staff()))
    _colleague_edits(people)
    page = client.post(
        la_url("notes"), {"text": "Our court team.", "rule": "519Q", "base": "1"}, follow=True
    ).content.decode()
    assert STALE in page and "Our court team.</textarea>" in page
    assert not Note.objects.exists()


def test_every_change_form_carries_its_version(login: Callable[[str], Client]) -> None:
    """Each page with a change form, as served, posts the current version with it."""
    client = login("submitter")
    upload(client, xml(_staff()))
    pages = [
        la_url("worker", "301", record_id(1)),
        la_url("add_worker"),
        la_url("delete_worker", "301", record_id(1)),
        la_url("la_level"),
        la_url("restore", "301", 1),
        la_url("submit"),
        la_url("notes"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        forms = re.findall(r'<form method="post"(.*?)</form>', html, flags=re.S)
        changes = [f for f in forms if "sign-out" not in f]
        assert changes, url
        for form in changes:
            assert 'name="base" value="1"' in form, (url, form[:300])


TEMPLATES = Path(__file__).parents[2] / "src/csww_portal/templates/csww_portal"
NOT_A_CHANGE_TO_A_RETURN = {"login.html", "base.html", "upload.html", "api_tokens.html"}


def test_every_post_form_in_the_templates_posts_the_version() -> None:
    """A form added to a template without the version is caught here, before anyone uses it."""
    seen = 0
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.name in NOT_A_CHANGE_TO_A_RETURN:
            continue
        text = path.read_text()
        for form in re.findall(r'<form method="post".*?</form>', text, flags=re.S):
            seen += 1
            assert 'name="base"' in form, path.name
    assert seen >= 10


# Routes that change a return and the cases above that test them; routes that take a POST
# but change no return (the upload itself makes a version from a new file, not a page).
COVERED = {c.route for c in CASES}
NOT_CHANGES = {"upload", "logout", "login", "api_tokens"}


def _names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[tuple[str, str]]:
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _names(p.url_patterns, prefix + str(p.pattern))
        elif p.name:
            out.append((p.name, prefix + str(p.pattern)))
    return out


def test_every_change_route_is_covered(
    people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    """POST to every portal route as each role, with no version: nothing about any return
    changes, except on the routes known to make changes (each tested above) and the upload."""
    upload(login("submitter"), xml(_staff()))
    snapshot = _state()
    routes = [(n, p) for n, p in _names(get_resolver().url_patterns) if not p.startswith("api/")]
    assert {n for n, _p in routes} >= COVERED | NOT_CHANGES  # the lists name real routes
    ret = the_return()
    posted = 0
    for name, pattern in routes:
        if name in NOT_CHANGES:
            continue
        url = (
            pattern.replace("<id:year>", str(YEAR))
            .replace("<str:la>", "301")
            .replace("<slug:record>", record_id(1))
            .replace("<id:number>", "1")
            .replace("<id:upload_id>", str(ret.uploads.first().pk))  # type: ignore[union-attr]
        )
        if "<" in url:
            continue
        for who in ("submitter", "approver", "dfe"):
            login(who).post("/" + url, {"text": "x", "reason": "x", "choice": "load", "FTE": "0"})
            assert _state() == snapshot, (name, who)
            posted += 1
    assert posted >= 3 * 20


def test_api_notes_and_submit_need_the_version(
    people: dict[str, Any], login: Callable[[str], Client]
) -> None:
    raw, _ = tokens.issue(people["submitter"], "HR", by=people["submitter"])
    auth = {"Authorization": f"Bearer {raw}"}
    base = f"/api/v1/collections/{YEAR}/las/301"
    upload(login("submitter"), xml(_staff()))
    _colleague_edits(people)

    def note(**extra: Any) -> Any:
        body = {"text": "From the HR system.", **extra}
        return Client().post(f"{base}/notes", body, content_type="application/json", headers=auth)

    for answer in (note(), note(version=1)):
        assert answer.status_code == 409
        body = answer.json()
        assert body["version"] == 2 and not Note.objects.exists()
        assert "version 2" in body["detail"]
    stale = note(version=1).json()
    assert [v["number"] for v in stale["since"]] == [2]
    assert stale["since"][0]["by"] == "app301"
    assert "Edited worker SW400003" in stale["since"][0]["description"]
    assert note(version=2).status_code == 201

    for url in (f"{base}/submit", f"{base}/submit?version=1"):
        refused = Client().post(url, headers=auth)
        assert refused.status_code == 409 and refused.json()["version"] == 2
        assert the_return().state == State.IN_PROGRESS
    assert Client().post(f"{base}/submit?version=2", headers=auth).status_code == 200
    assert the_return().state == State.SUBMITTED


def test_the_services_refuse_a_change_without_its_version(people: dict[str, Any]) -> None:
    """The rule lives below the views: a caller that names no version changes nothing."""
    client = Client()
    client.force_login(people["submitter"])
    upload(client, xml(_staff()))
    ret = LAReturn.objects.select_related("la", "collection").get(pk=the_return().pk)
    calls: list[Callable[[], object]] = [
        lambda: versions.edit_worker(ret, people["submitter"], record_id(1), {}, base=None),
        lambda: versions.add_worker(ret, people["submitter"], {}, base=None),
        lambda: versions.delete_worker(ret, people["submitter"], record_id(1), base=None),
        lambda: versions.edit_la_level(ret, people["submitter"], {}, base=None),
        lambda: versions.restore(ret, people["submitter"], 1, base=None),
        lambda: workflow.add_note(ret, people["submitter"], "x", base=None),
        lambda: workflow.submit(ret, people["submitter"], base=None),
    ]
    for call in calls:
        with pytest.raises(StaleForm, match="without saying which version"):
            call()
    assert current().number == 1 and not Note.objects.exists()
    assert the_return().state == State.IN_PROGRESS
