"""Fixed flows: one test of "explained" everywhere, read-only pages without forms, the chase
list's regions, DfE's downloads in the LA's audit log, the demo without DEBUG and refused
requests logged without a traceback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from csww_portal.models import AuditEvent
from csww_portal.services import workflow
from tests.portal.conftest import (
    YEAR,
    base,
    la_url,
    return_with_error_and_query,
    the_return,
    upload,
    valid_return,
    worker_url,
    xml,
)


def test_a_rule_wide_note_shows_as_noted_on_every_page(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    client.post(
        la_url("notes"), {**base(), "rule": "519Q", "text": "Our court team holds large caseloads."}
    )
    assert the_return().unexplained == 0
    results = client.get(la_url("results") + "?severity=query").content.decode()
    assert "Noted" in results and "Add note" not in results
    worker = client.get(worker_url(2)).content.decode()
    assert "Noted" in worker and "Note explaining this query" not in worker


def test_read_only_views_offer_no_forms(login: Callable[[str], Client]) -> None:
    client = login("submitter")
    upload(client, xml(return_with_error_and_query()))
    dfe = login("dfe")
    add = dfe.get(la_url("add_worker")).content.decode()
    assert 'name="SWENo"' not in add and "Only the local authority adds records" in add
    assert "Add note" not in dfe.get(la_url("results")).content.decode()
    ret = the_return()
    ret.state = "submitted"
    ret.save()
    locked = client.get(la_url("add_worker")).content.decode()
    assert 'name="SWENo"' not in locked and "cannot be changed now" in locked
    assert "Add note" not in client.get(la_url("results")).content.decode()


def test_the_chase_list_names_each_las_region(login: Callable[[str], Client]) -> None:
    text = login("dfe").get(f"/dfe/collections/{YEAR}/chase-list.csv").content.decode()
    rows = [line.split(",") for line in text.splitlines()[1:]]
    assert rows and all(row[2] for row in rows)
    assert [row[2] for row in rows if row[0] == "301"] == ["Outer London"]


def test_dfe_taking_the_zip_is_in_each_las_audit_log(
    login: Callable[[str], Client], people: dict[str, Any]
) -> None:
    client = login("submitter")
    upload(client, xml(valid_return()))
    workflow.submit(the_return(), people["submitter"], base=1)
    login("dfe").get(f"/dfe/collections/{YEAR}/submitted-returns.zip")
    event = AuditEvent.objects.get(action="download", la__code="301")
    assert "DfE's zip" in event.detail and event.username == "dfe"
    assert "DfE&#x27;s zip" in client.get(la_url("la_audit")).content.decode()


def test_a_403_is_logged_without_a_traceback(
    login: Callable[[str], Client], caplog: pytest.LogCaptureFixture
) -> None:
    from django.conf import settings

    from csww_portal.limits import NoClientErrorTracebacks

    config: dict[str, Any] = settings.LOGGING
    assert "no_client_tracebacks" in config["handlers"]["console"]["filters"]
    caplog.handler.addFilter(NoClientErrorTracebacks())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert login("submitter").get(f"/dfe/collections/{YEAR}/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text


def test_the_demo_runs_without_debug() -> None:
    code = (
        "from csww.cli.serve import _django; _django(True);"
        "from django.conf import settings; print(settings.DEBUG, settings.CSWW_ADMIN_ENABLED)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSWW_", "DJANGO_"))}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True"]


def test_a_404_lists_no_urls(login: Callable[[str], Client]) -> None:
    page = login("submitter").get("/no-such-page/")
    assert page.status_code == 404 and b"URLconf" not in page.content
    assert b"&lt;int:year&gt;" not in page.content and b"<int:year>" not in page.content


def test_las_made_without_a_region_get_theirs(collection: Any) -> None:
    import importlib

    from django.apps import apps

    from csww_portal.models import LocalAuthority

    LocalAuthority.objects.filter(code__in=["301", "888"]).update(region="")
    step = importlib.import_module("csww_portal.migrations.0002_integrity_limits_and_sign_in")
    step._regions(apps, None)
    assert LocalAuthority.objects.get(code="301").region == "Outer London"
    assert all(LocalAuthority.objects.values_list("region", flat=True))
