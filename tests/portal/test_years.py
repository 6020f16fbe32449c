"""The portal speaks the collection's own year: a file of another year is refused with a
clear message (never checked against this year's rules), and an upload is compared with the
LA's submitted return of the year before (the continuity queries, 72x)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from csww.model import Return
from csww_portal.models import Collection, Upload
from csww_portal.services import versions
from tests.factories import make_return
from tests.portal.conftest import YEAR, record_id, the_return, upload, xml
from tests.portal.test_workforce_flows import last_year, scenario  # noqa: F401  (a fixture)


def test_a_return_of_another_year_is_refused_with_a_message(
    login: Callable[[str], Client],
) -> None:
    client = login("submitter")
    other: Return = make_return(year=YEAR + 1, lea="301")
    upload(client, xml(other), name="next-year.xml")
    stored = Upload.objects.get(filename="next-year.xml")
    assert stored.outcome == Upload.Outcome.REFUSED
    assert f"says it is the {YEAR + 1} return, but this is the {YEAR} collection" in stored.message
    assert "--year" not in stored.message  # the portal speaks of files, not of the command line
    assert the_return().current is None  # nothing was loaded


def test_an_upload_is_compared_with_last_years_submitted_return(
    login: Callable[[str], Client],
    last_year: Collection,  # noqa: F811
) -> None:
    scenario(login)  # 301's 2017 return submitted, then its 2018 return uploaded
    current = the_return().current
    assert current is not None
    rules = {issue["rule"] for issue in current.report["issues"]}
    assert {"723Q", "725Q"} <= rules  # the continuity queries, in the upload's own results


def _continuity_rules() -> set[str]:
    current = the_return().current
    assert current is not None
    return {i["rule"] for i in current.report["issues"] if i["rule"].startswith("72")}


def test_an_edit_or_a_restore_keeps_the_continuity_queries(
    login: Callable[[str], Client],
    people: dict[str, Any],
    last_year: Collection,  # noqa: F811
) -> None:
    """Every new version is checked against last year's return, not only an upload's: an
    edit elsewhere, an LA-level save or a restore must not clear a continuity query."""
    scenario(login)
    assert {"723Q", "725Q"} <= _continuity_rules()
    uploaded = the_return().current
    assert uploaded is not None
    submitter = people["submitter"]
    versions.edit_worker(
        the_return(), submitter, record_id(2), {"FTE": "0.8"}, base=uploaded.number
    )
    assert {"723Q", "725Q"} <= _continuity_rules()
    current = the_return().current
    assert current is not None
    versions.edit_la_level(the_return(), submitter, {}, base=current.number)
    assert {"723Q", "725Q"} <= _continuity_rules()
    current = the_return().current
    assert current is not None
    versions.restore(the_return(), submitter, uploaded.number, base=current.number)
    restored = the_return().current
    assert restored is not None and restored.number > current.number
    assert {"723Q", "725Q"} <= _continuity_rules()


def test_a_2025_return_loads_in_a_2025_collection_with_its_pay_items(
    login: Callable[[str], Client], collection: Collection
) -> None:
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from csww_portal.models import LAReturn
    from csww_portal.services.collections import create_collection

    today = timezone.localdate()
    create_collection(
        2025,
        opens=today - timedelta(days=10),
        closes=today + timedelta(days=30),
        la_read_only_until=today + timedelta(days=37),
        dfe_read_only_from=today + timedelta(days=90),
    )
    client = login("submitter")
    response = client.post(
        "/collections/2025/la/301/upload/",
        {"return_file": SimpleUploadedFile("r2025.xml", xml(make_return(year=2025, lea="301")))},
    )
    assert response.status_code in (200, 302)
    loaded = LAReturn.objects.get(collection__year=2025, la__code="301").current
    assert loaded is not None and (loaded.errors, loaded.queries) == (0, 0)
    form = client.get("/collections/2025/la/301/la-level/").content.decode()
    assert "Recruitment bonus offered" in form and "CostSWE" in form
