"""API v1 against its own OpenAPI document (schemathesis): every answer has a documented
status and matches its schema, no request makes a server error, and routes that need a
token refuse requests without one. Bounded: a few examples per operation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection

from csww_portal import tasks
from csww_portal.api import tokens
from csww_portal.wsgi import application
from tests.portal.conftest import the_return, valid_return, xml

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

EXAMPLES = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """The WSGI app closes the database connection after each request; the test's
    transaction needs it open (Django's own test client disconnects the same handlers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def auth(people: dict[str, Any]) -> dict[str, str]:
    raw, _ = tokens.issue(people["submitter"], "schemathesis", by=people["submitter"])
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def upload_id(people: dict[str, Any]) -> int:
    """An upload of the token holder's, checked (the tests' tasks backend runs it at once)."""
    entry = tasks.accept(the_return(), people["submitter"], "return.xml", xml(valid_return()))
    assert entry.status == "done"
    return int(entry.pk)


@schema.parametrize()
@EXAMPLES
def test_every_operation_answers_as_its_document_says(case: Any, auth: dict[str, str]) -> None:
    case.call_and_validate(headers=auth)


@schema.parametrize()
@EXAMPLES
def test_the_token_holders_own_return_answers_as_documented(
    case: Any, auth: dict[str, str], upload_id: int
) -> None:
    """The same, with the path pointing at the token holder's own return (so requests reach
    the handlers, not only the access check). Pinning the path can turn a case meant to be
    invalid into a valid one, so the check that invalid data is refused is left to the test
    above."""
    if "year" in case.path_parameters:
        case.path_parameters.update(year=2018, la="301")
    if "upload_id" in case.path_parameters:
        case.path_parameters["upload_id"] = upload_id
    case.call_and_validate(headers=auth, excluded_checks=[negative_data_rejection])
