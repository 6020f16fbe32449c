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
    assert LAReturn.objects.filter(collection__year=DEMO_YEAR).exclude(current=None).count() == 8


def test_the_demos_flows_look_like_englands(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    """The demo's returns are linked across years (the same people), so DfE's flows page
    shows most leavers moving or leaving as England's do, not all of them lost."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from csww_portal.models import Collection

    call_command("seed_demo", "--scale", "0.2")
    capsys.readouterr()
    assert Collection.objects.filter(year=DEMO_YEAR - 1).exists()
    submitted_last_year = LAReturn.objects.filter(
        collection__year=DEMO_YEAR - 1, state="submitted", current__isnull=False
    )
    assert submitted_last_year.count() == 8
    client = Client()
    client.force_login(get_user_model().objects.get(username="dfe.statistician"))
    page = client.get(f"/dfe/collections/{DEMO_YEAR}/flows/")
    assert page.status_code == 200
    # England's figures over the demo's submitted returns, before suppression: a few
    # small LAs, all in London, so the page hides much of them (England is London's one
    # region, and every hidden figure of London is England's too). What it shows is each
    # figure as it is.
    from csww.flows import attrition
    from csww_portal.views import flows as flow_views

    with flow_views._store(flow_views._submitted(DEMO_YEAR)) as store:
        result = attrition.measure(store, DEMO_YEAR)
    (open_row,) = [
        r
        for r in attrition.rows(result, suppress=False)
        if r["country_name"]
        and r["geographic_level"] == "National"
        and r["breakdown_topic"] == "Total"
    ]
    full = float(open_row["full_attrition_rate"])
    moved = float(open_row["moved_fte"])
    assert 0 < full < 30, open_row  # England's full attrition is around 15 % of in-post FTE
    assert moved > 0, open_row  # some leavers moved to another demo LA
    england = page.context["areas"][0]
    assert england[0] == "England"
    assert all(
        shown in ("c", open_row[column])
        for shown, column in zip(england[1:], flow_views.SHOWN, strict=True)
    ), (england, open_row)
    # An LA sees its continuity with last year's submitted return.
    la = Client()
    la.force_login(get_user_model().objects.get(username="la.submitter"))
    flows = la.get(f"/collections/{DEMO_YEAR}/la/301/flows/")
    assert flows.status_code == 200 and flows.context.get("continuity") is not None
