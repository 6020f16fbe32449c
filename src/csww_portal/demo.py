"""Demo data: a collection, users for each role, and LAs' returns in every state.

Last year's returns come from ``csww.synth.generate`` (calibrated to DfE's published figures)
and are submitted in last year's collection; this year's are grown from them with the same
people (``csww.synth.linked``), so continuity and attrition look as they would in England. A
few known problems are then written into some of this year's so the demo shows errors and
queries.
Whether they *are* errors or queries is decided by the core.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from csww.model import Return
from csww.spec import available_years
from csww.synth import generate
from csww.synth.linked import next_year
from csww.writer import to_bytes
from csww_portal.models import Collection, LAReturn, Membership, Role, State
from csww_portal.services import versions, workflow
from csww_portal.services.collections import create_collection
from csww_portal.services.refusals import number_of

# (LA code, what the demo does with it)
DEMO_LAS = [
    ("301", "errors"),  # Barking and Dagenham: the demo LA users' own LA
    ("302", "queries"),  # Barnet
    ("303", "submitted"),  # Bexley
    ("304", "approved"),  # Brent
    ("305", "errors"),  # Bromley
    ("306", "ready"),  # Croydon
    ("202", "approved"),  # Camden
    ("203", "submitted"),  # Greenwich
]


@dataclass
class DemoUser:
    username: str
    password: str
    role: str
    la: str | None


def add_errors(ret: Return, count: int) -> None:
    """Break some records in ways the rulebook treats as errors (bad codes and dates)."""
    employees = [w for w in ret.workers if w.values.get("AgencyWorker") == "0"]
    for n, worker in enumerate(employees[:count]):
        if n % 2:
            worker.values["Ethnicity"] = "XXXX"
        else:
            worker.values["PersonBirthDate"] = "1985-02-30"


def add_queries(ret: Return, count: int) -> None:
    """Give some case holders an unusually high caseload (a query, not an error)."""
    holders = [w for w in ret.workers if w.values.get("OrgRole") == "5" and w.values.get("Cases30")]
    for worker in holders[-count:]:
        worker.values["Cases30"] = "45"


def demo_users() -> list[DemoUser]:
    def pw() -> str:
        return secrets.token_urlsafe(9)

    return [
        DemoUser("la.submitter", pw(), Role.LA_SUBMITTER, "301"),
        DemoUser("la.approver", pw(), Role.LA_APPROVER, "301"),
        DemoUser("barnet.submitter", pw(), Role.LA_SUBMITTER, "302"),
        DemoUser("dfe.statistician", pw(), Role.DFE, None),
        DemoUser("admin", pw(), Role.ADMIN, None),
    ]


def seed(
    year: int | None = None, *, today: date | None = None, scale: float = 0.5
) -> list[DemoUser]:
    """Create (or reset the passwords of) the demo users and fill the demo collection (by
    default the latest collection year csww has a specification for)."""
    year = year if year is not None else available_years()[-1]
    today = today or date.today()
    users = demo_users()
    with transaction.atomic():
        collection = Collection.objects.filter(year=year).first()
        if collection is None:
            collection = create_collection(
                year,
                opens=today - timedelta(days=14),
                closes=today + timedelta(days=45),
                la_read_only_until=today + timedelta(days=52),
                dfe_read_only_from=today + timedelta(days=120),
                familiarisation_start=today - timedelta(days=60),
                familiarisation_end=today - timedelta(days=30),
            )
        accounts = {u.username: _account(u) for u in users}
        if not LAReturn.objects.filter(collection=collection, current__isnull=False).exists():
            _fill(collection, accounts, scale, today)
    return users


def _account(spec: DemoUser) -> Any:
    from csww_portal.models import LocalAuthority

    model = get_user_model()
    user, _ = model.objects.get_or_create(username=spec.username)
    user.set_password(spec.password)
    user.email = f"{spec.username}@example.org"
    user.is_staff = user.is_superuser = spec.role == Role.ADMIN
    user.save()
    la = LocalAuthority.objects.get(code=spec.la) if spec.la else None
    Membership.objects.update_or_create(user=user, defaults={"role": spec.role, "la": la})
    return user


def _la_accounts(code: str, accounts: dict[str, Any]) -> tuple[Any, Any]:
    """The demo LA's own users; other demo LAs get accounts nobody can sign in to."""
    if code == "301":
        return accounts["la.submitter"], accounts["la.approver"]
    from csww_portal.models import LocalAuthority

    model = get_user_model()
    la = LocalAuthority.objects.get(code=code)
    pair = []
    for role, suffix in ((Role.LA_SUBMITTER, "submitter"), (Role.LA_APPROVER, "approver")):
        user, created = model.objects.get_or_create(username=f"demo.{code}.{suffix}")
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.update_or_create(user=user, defaults={"role": role, "la": la})
        pair.append(user)
    return pair[0], pair[1]


def _linked_years(year: int, scale: float) -> tuple[list[Return], dict[str, Return]]:
    """Last year's returns of the demo LAs (``csww.synth.generate``) and this year's grown from
    them (``csww.synth.linked.next_year``): the same people, some staying, some moving between
    the demo LAs, some leaving, some joining. So the flows pages show attrition as England's
    looks, not every leaver lost because their new LA's return is unrelated."""
    previous = [
        generate(year - 1, code, seed=n, scale=scale) for n, (code, _p) in enumerate(DEMO_LAS)
    ]
    return previous, {r.lea or "": r for r in next_year(previous, seed=1)}


def _fill_last_year(
    year: int, today: date, previous: list[Return], accounts: dict[str, Any]
) -> None:
    """Last year's collection, finished, with every demo LA's return submitted, for the
    continuity report and the flows pages."""
    if year - 1 not in available_years():
        return
    collection = Collection.objects.filter(year=year - 1).first()
    if collection is None:
        collection = create_collection(
            year - 1,
            opens=today - timedelta(days=400),
            closes=today - timedelta(days=340),
            la_read_only_until=today - timedelta(days=330),
            dfe_read_only_from=today - timedelta(days=200),
        )
    if LAReturn.objects.filter(collection=collection, current__isnull=False).exists():
        return
    for data in previous:
        code = data.lea or ""
        submitter, _approver = _la_accounts(code, accounts)
        ret = LAReturn.objects.select_related("la", "collection").get(
            collection=collection, la__code=code
        )
        result = versions.upload(ret, submitter, f"csww-{year - 1}-{code}.xml", to_bytes(data))
        if result.version is not None:
            LAReturn.objects.filter(pk=ret.pk).update(state=State.SUBMITTED)


def _fill(collection: Collection, accounts: dict[str, Any], scale: float, today: date) -> None:
    previous, linked = _linked_years(collection.year, scale)
    _fill_last_year(collection.year, today, previous, accounts)
    for n, (code, plan) in enumerate(DEMO_LAS):
        submitter, approver = _la_accounts(code, accounts)
        ret = LAReturn.objects.select_related("la", "collection").get(
            collection=collection, la__code=code
        )
        data = linked.get(code) or generate(collection.year, code, seed=n, scale=scale)
        if plan == "errors":
            add_errors(data, 3)
            add_queries(data, 2)
        elif plan == "queries":
            add_queries(data, 3)
        elif plan in ("ready", "submitted", "approved"):
            add_queries(data, 1)
        result = versions.upload(
            ret, submitter, f"csww-{collection.year}-{code}.xml", to_bytes(data)
        )
        if result.version is None or plan in ("errors", "queries"):
            continue
        ret.refresh_from_db()
        if ret.errors:
            continue  # the generator's data did not come out clean: leave it with its errors
        report = ret.current.report_object() if ret.current else None
        seen = number_of(ret)  # the demo acts on the version it has just loaded
        for issue in report.issues if report else []:
            if issue.severity == "query":
                workflow.add_note(
                    ret,
                    submitter,
                    "Checked with the team manager: this is correct.",
                    base=seen,
                    worker=issue.worker or "",
                    rule=issue.rule,
                    field=issue.field or "",
                )
        workflow.add_note(
            ret,
            submitter,
            "Data taken from the HR system on 14 October; no known gaps.",
            base=seen,
        )
        if plan in ("submitted", "approved"):
            workflow.submit(ret, submitter, base=seen)
        if plan == "approved":
            workflow.approve(ret, approver, Role.LA_APPROVER, base=seen)
