"""Every URL in the portal, tried by every kind of person who should not get in.

The URL conf is walked, not listed by hand, so a new page is covered the day it is added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from csww_portal.models import AuditEvent, Note, Upload
from tests.portal.conftest import (
    YEAR,
    record_id,
    return_with_error_and_query,
    the_return,
    upload,
    xml,
)

ARGS = {"year": YEAR, "index": 1, "upload_id": 1}


def portal_routes() -> Iterator[tuple[str, str]]:
    """(name, path template) for every named portal route, admin excluded."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/"):
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                yield p.name, prefix + str(p.pattern)

    yield from walk(get_resolver().url_patterns, "")


def fill(template: str, la: str, upload_id: int = 1) -> str:
    # Numbers in paths use the portal's id converter (up to 18 digits).
    template = template.replace("<id:", "<int:")
    path = template.replace("<int:year>", str(YEAR)).replace("<str:la>", la)
    path = path.replace("<int:upload_id>", str(upload_id)).replace("<int:number>", "1")
    if "<slug:record>" in path:
        has_data = the_return(la).current_id is not None
        path = path.replace("<slug:record>", record_id(1, la) if has_data else "0" * 16)
    assert "<" not in path, path
    return "/" + path


LA_ROUTES = [(n, t) for n, t in portal_routes() if "<str:la>" in t and not t.startswith("dfe/")]
CHANGE_VIEWS = {
    "upload",
    "worker",
    "add_worker",
    "delete_worker",
    "la_level",
    "notes",
    "submit",
    "approve",
    "confirm_upload",
    "restore",
}
DFE_ROUTES = [(n, t) for n, t in portal_routes() if t.startswith("dfe/")]


def test_the_walk_finds_the_portal() -> None:
    names = {n for n, _ in portal_routes()}
    assert {
        "overview",
        "upload",
        "results",
        "worker",
        "notes",
        "submit",
        "approve",
        "download_xml",
        "api_report",
        "dashboard",
        "chase_csv",
        "reopen",
        "dfe_audit",
    } <= names
    assert len(LA_ROUTES) >= 15 and len(DFE_ROUTES) >= 5


@pytest.fixture
def loaded(login: Callable[[str], Client]) -> int:
    """Both LAs have data, so a leak would have something to show."""
    upload(login("submitter"), xml(return_with_error_and_query("301")))
    upload(login("other"), xml(return_with_error_and_query("302")), la="302")
    return Upload.objects.get(la_return__la__code="302").pk


@pytest.mark.parametrize(("name", "template"), LA_ROUTES)
def test_la_user_can_never_reach_another_las_return(
    name: str, template: str, login: Callable[[str], Client], loaded: int
) -> None:
    client = login("submitter")
    path = fill(template, "302", upload_id=loaded)
    before = (
        Upload.objects.count(),
        Note.objects.count(),
        the_return("302").state,
        the_return("302").current_id,
    )
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, path, response.status_code)
        assert b"SW100001" not in response.content
    assert (
        Upload.objects.count(),
        Note.objects.count(),
        the_return("302").state,
        the_return("302").current_id,
    ) == before
    assert not AuditEvent.objects.filter(la__code="302", username="sub301").exists()


@pytest.mark.parametrize(("name", "template"), LA_ROUTES)
def test_la_user_reaches_their_own_return(
    name: str, template: str, login: Callable[[str], Client], loaded: int
) -> None:
    own_upload = Upload.objects.get(la_return__la__code="301").pk
    response = login("submitter").get(fill(template, "301", upload_id=own_upload))
    # 200 for pages and downloads; 404 only where the object itself is absent (none here).
    assert response.status_code == 200, (template, response.status_code)


@pytest.mark.parametrize(("name", "template"), DFE_ROUTES)
@pytest.mark.parametrize("who", ["submitter", "approver"])
def test_la_users_cannot_use_dfe_pages(
    name: str, template: str, who: str, login: Callable[[str], Client]
) -> None:
    client = login(who)
    path = fill(template, "301")
    assert client.get(path).status_code == 403
    assert client.post(path, {"reason": "x"}).status_code == 403


@pytest.mark.parametrize(("name", "template"), LA_ROUTES + DFE_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(name: str, template: str, collection: Any) -> None:
    """Pages send them to the sign-in page; the pages' own JSON under /api/ answers a 401 in
    JSON, as every API error is, and nothing of the return."""
    response = Client().get(fill(template, "301"))
    if template.startswith("api/"):
        assert response.status_code == 401
        assert set(response.json()) == {"detail"}
        return
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize(("name", "template"), LA_ROUTES)
def test_dfe_reads_any_return_but_never_changes_it(
    name: str, template: str, login: Callable[[str], Client], loaded: int
) -> None:
    client = login("dfe")
    assert client.get(fill(template, "302", upload_id=loaded)).status_code == 200
    before = (
        Upload.objects.count(),
        Note.objects.count(),
        the_return("302").current_id,
        the_return("302").state,
    )
    response = client.post(fill(template, "302", upload_id=loaded), {"text": "x", "reason": "x"})
    assert response.status_code == (403 if name in CHANGE_VIEWS else 405), (
        name,
        response.status_code,
    )
    assert (
        Upload.objects.count(),
        Note.objects.count(),
        the_return("302").current_id,
        the_return("302").state,
    ) == before


def test_user_without_a_role_sees_nothing(collection: Any) -> None:
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="x" * 20)
    client = Client()
    client.force_login(nobody)
    assert client.get(fill("collections/<int:year>/la/<str:la>/", "301")).status_code == 403
    assert client.get(fill("dfe/collections/<int:year>/", "301")).status_code == 403
    assert client.get("/").status_code == 200
