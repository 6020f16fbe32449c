# ruff: noqa: F811  (the browser and page fixtures are imported from test_browser)
"""In Chromium, at a phone's width (375 px) and a desktop's (1280 px): whatever people type
(an 87-character token name, a 2,000-character note without spaces, a long reopen reason, a
long search), the page itself never scrolls sideways; long user text wraps inside its box;
numbers, names and buttons never break inside; wide tables scroll in their own labelled box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from csww.model import Return
from tests.factories import make_header, make_la, make_worker
from tests.portal.conftest import PASSWORD, YEAR, return_with_error_and_query, valid_return, xml
from tests.portal.test_browser import (  # noqa: F401  (browser and page are fixtures)
    browser,
    page,
    shot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (375, 1280)
TOKEN_NAME = "HR-system-export-" + "y" * 70  # 87 characters
NOTE = "https://example.org/" + "x" * 1970  # 1,990 characters, no space
REASON = "Vacancies-look-too-low-" + "z" * 400
WORKER_NOTE = "Covering-a-colleague's-cases-" + "w" * 600
SEARCH = "q" * 100

# Elements whose text does not fit on one line (a range over their text is taller than
# one and a half lines): numbers, names and buttons must never wrap.
WRAPPED = """(selector) => [...document.querySelectorAll(selector)].filter(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const height = range.getBoundingClientRect().height;
    return height > 1.5 * parseFloat(getComputedStyle(el).lineHeight);
}).map(el => el.textContent.trim().slice(0, 40))"""

# What sticks out of the window (outside a table's own scrolling box), to explain a failure.
CULPRITS = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
        || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
    .filter(e => !e.closest('.csww-table-scroll, button, input, textarea, select'))
    .slice(-3).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth)"""


def _user(username: str, role: str, la: str | None) -> Any:
    from django.contrib.auth import get_user_model

    from csww_portal.models import LocalAuthority, Membership

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(
        user=user, role=role, la=LocalAuthority.objects.get(code=la) if la else None
    )
    return user


def _large_return(la: str) -> Return:
    """A valid return with well over a hundred FTE in post, so the flows tables have wide
    numbers ("104.4") as a real LA's do."""
    workers = [make_worker("inpost", YEAR, SWENo=f"SW5{i:05d}", FTE="0.87") for i in range(120)]
    workers += [make_worker("leaver", YEAR, SWENo=f"SW6{i:05d}") for i in range(5)]
    workers += [make_worker("agency", YEAR, SWENo=f"SW7{i:05d}", FTE="1") for i in range(2)]
    return Return(header=make_header(YEAR, la), la=make_la(YEAR), workers=workers)


def _long_text_everywhere(people: dict[str, Any]) -> str:
    """Returns with long text typed into them; the record id of worker SW100002 of LA 301."""
    from csww_portal.api import tokens
    from csww_portal.models import LAReturn, Role
    from csww_portal.services import versions, workflow
    from csww_portal.services.identity import ids_of

    def fresh(code: str) -> LAReturn:
        return LAReturn.objects.select_related("la", "collection", "current").get(la__code=code)

    # LA 301: a return with an error and a query, a long note on a worker, a long token name.
    versions.upload(
        fresh("301"), people["submitter"], "return.xml", xml(return_with_error_and_query())
    )
    ret = fresh("301")
    assert ret.current is not None
    workflow.add_note(ret, people["submitter"], WORKER_NOTE, base=1, worker="SW100002")
    tokens.issue(people["submitter"], TOKEN_NAME, by=people["submitter"])
    # LA 302: a 1,990-character note by someone with a long username, then submitted.
    barnet = _user("barnet.submitter", Role.LA_SUBMITTER, "302")
    versions.upload(fresh("302"), barnet, "barnet.xml", xml(_large_return("302")))
    workflow.add_note(fresh("302"), barnet, NOTE, base=1)
    workflow.submit(fresh("302"), barnet, base=1)
    # LA 303: submitted, then reopened by DfE with a long reason.
    bexley = _user("bexley.submitter", Role.LA_SUBMITTER, "303")
    versions.upload(fresh("303"), bexley, "bexley.xml", xml(valid_return("303")))
    workflow.submit(fresh("303"), bexley, base=1)
    workflow.reopen(fresh("303"), people["dfe"], REASON, base=1)
    return ids_of(ret, ret.current)[1]


def test_no_page_scrolls_sideways_whatever_people_type(
    page: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    record = _long_text_everywhere(people)
    la = "/collections/2018/la/301/"
    pages = {
        "sub301": [
            "/account/api-tokens/",
            la,
            la + "results/",
            la + "workers/",
            la + f"workers/?q={SEARCH}",
            la + f"workers/{record}/",
            la + f"workers/{record}/delete/",
            la + "history/",
            la + "history/versions/1/restore/",
            la + "audit/",
            la + "flows/",
        ],
        "barnet.submitter": ["/collections/2018/la/302/notes/"],
        "dfe": [
            "/dfe/collections/2018/",
            "/dfe/collections/2018/statistics/",
            "/dfe/collections/2018/audit/",
            "/dfe/collections/2018/flows/",
            "/collections/2018/la/303/",
            "/collections/2018/la/301/flows/",
        ],
    }
    pg = page
    wide: list[tuple[str, int, int, list[str]]] = []
    wrapped: list[tuple[str, int, list[str]]] = []
    for who, urls in pages.items():
        sign_in(pg, who, check=False)
        pg.wait_for_load_state()
        for width in WIDTHS:
            pg.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                response = pg.goto(url)
                assert response is not None and response.ok, (url, response)
                over = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                if over > 0:
                    wide.append((url, width, over, pg.evaluate(CULPRITS)))
                # Numbers, dates, registration numbers and buttons stay on one line.
                for selector in (
                    ".govuk-table__cell--numeric",
                    ".csww-nowrap",
                    "table .govuk-button",
                ):
                    if found := pg.evaluate(WRAPPED, selector):
                        wrapped.append((url, width, found[:3]))
                if "flows" in url:
                    assert pg.locator("table .govuk-table__cell--numeric").count() > 0, url
                name = url.replace(record, "record").strip("/").replace("/", "-").split("?")[0]
                shot(pg, f"narrow-{width}-{name}{'-search' if '?q=' in url else ''}")
        pg.get_by_role("button", name="Sign out").click()
    assert not wide and not wrapped, "\n".join(str(problem) for problem in [*wide, *wrapped])
    assert pg.errors == []


def test_long_notes_and_token_names_wrap_but_names_and_buttons_do_not(
    page: Any, people: dict[str, Any]
) -> None:
    _long_text_everywhere(people)
    pg = page
    sign_in(pg, "sub301", check=False)
    pg.wait_for_load_state()
    for width in WIDTHS:
        pg.set_viewport_size({"width": width, "height": 900})
        pg.goto("/account/api-tokens/")
        revoke = pg.get_by_role("button", name="Revoke")
        box = revoke.bounding_box()
        assert box is not None and box["width"] > box["height"], (width, box)  # not a column
        name = pg.locator("table tbody td").first.bounding_box()
        assert name is not None and name["width"] >= 100, (width, name)  # readable, wrapped
    pg.get_by_role("button", name="Sign out").click()

    sign_in(pg, "barnet.submitter", check=False)
    pg.wait_for_load_state()
    for width in WIDTHS:
        pg.set_viewport_size({"width": width, "height": 900})
        pg.goto("/collections/2018/la/302/notes/")
        # The username is one word on one line, however long the note beside it.
        username = pg.evaluate(
            """() => {
                const cell = [...document.querySelectorAll('table td')]
                    .find(td => td.textContent.trim().startsWith('barnet.submitter'));
                const range = document.createRange();
                range.selectNodeContents(cell.firstChild);
                return [range.getBoundingClientRect().height,
                        parseFloat(getComputedStyle(cell).lineHeight)];
            }"""
        )
        assert username[0] <= 1.5 * username[1], (width, username)
        # The note wraps in a column wide enough to read: not a few characters a line.
        note = pg.locator("table td", has_text="https://example.org/").bounding_box()
        assert note is not None and note["width"] >= 150, (width, note)
        assert note["height"] < 4000, (width, note)
        height = pg.evaluate("() => document.documentElement.scrollHeight")
        assert height < 6000, (width, height)
        shot(pg, f"narrow-{width}-notes-long")
    assert pg.errors == []
