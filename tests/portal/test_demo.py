"""The demo: users in every role and LAs' returns in every state, made by the real services."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from csww.spec import available_years
from csww_portal.models import AuditEvent, LAReturn
from csww_portal.services.status import progress_of

DEMO_YEAR = available_years()[-1]  # the demo fills the latest collection


def test_seed_demo_makes_every_state_and_working_accounts(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("seed_demo", "--scale", "0.2")
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines()[1:]]
    accounts = {parts[0]: parts[1] for parts in lines}
    assert {"la.submitter", "la.approver", "dfe.statistician", "admin"} <= accounts.keys()
    for username, password in accounts.items():
        assert authenticate(username=username, password=password) is not None, username
    states = {progress_of(r) for r in LAReturn.objects.filter(collection__year=DEMO_YEAR)}
    assert {"not_started", "errors", "submitted", "approved"} <= states
    assert states & {"queries", "ready"}
    assert AuditEvent.objects.filter(action="approve").exists()
    # Running it again keeps the data and gives new passwords.
    call_command("seed_demo", "--scale", "0.2")
    again = {
        p[0]: p[1] for p in (line.split() for line in capsys.readouterr().out.splitlines()[1:])
    }
    assert again["la.submitter"] != accounts["la.submitter"]
    assert LAReturn.objects.exclude(current=None).count() == 8
