"""Workforce flows in the portal (``csww.flows``): DfE sees attrition over the submitted
returns; an LA sees its continuity report against last year's submitted return and its own
attrition row.

Returns are loaded into a DuckDB store in memory for the request, with a random salt: the
pages show counts only, never a pseudonym. What DfE sees and downloads is suppressed as it
would be published, primary and secondary (no hidden figure follows from a total by
subtraction); an LA sees its own figures unsuppressed, as on its results page.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

import csww_portal.converters  # noqa: F401  (registers the id converter)
from csww.flows import attrition, continuity, movement
from csww.flows.published import protected_rows
from csww.flows.store import Store
from csww.reader import read
from csww.rules import RULES
from csww.spec import spec_for
from csww.stats import published as pub
from csww_portal.access import dfe_view, is_la_user, la_view
from csww_portal.models import Collection, LAReturn, State

DONE = (State.SUBMITTED, State.APPROVED)
# The measures of DfE's layout, less the headcount and the attrition total (its two parts show).
SHOWN = tuple(c for c in attrition.MEASURES[2:] if c not in ("leavers_headcount", "attrition_fte"))
HEADINGS = (
    "In\u2011post FTE",  # a hyphen the heading never breaks at ("In-" / "post")
    "Leavers' FTE",
    "Moved (FTE)",
    "Into agency (FTE)",
    "Full attrition (FTE)",
    "Attrition %",
    "Into agency %",
    "Full attrition %",
    "Attrition as % of leavers",
)


def _submitted(year: int) -> list[LAReturn]:
    return list(
        LAReturn.objects.filter(
            collection__year=year, state__in=DONE, current__isnull=False
        ).select_related("la", "current")
    )


def _store(returns: Iterable[LAReturn]) -> Store:
    store = Store(secrets.token_bytes(32))
    for ret in returns:
        if ret.current is not None:
            store.load_return(read(ret.current.xml_bytes()))
    return store


def _table(rows: list[dict[str, str]]) -> list[list[str]]:
    out = []
    for row in rows:
        if row["breakdown_topic"] == "Total":
            name = row["la_name"] or row["region_name"] or row["country_name"]
            out.append([name, *(row[c] for c in SHOWN)])
    return out


@dfe_view
def dfe_flows(request: HttpRequest, collection: Collection) -> HttpResponse:
    year = collection.year
    returns = _submitted(year)
    context: dict[str, object] = {"collection": collection, "returns": len(returns)}
    if returns:
        with _store([*returns, *_submitted(year - 1)]) as store:
            result = attrition.measure(store, year)
            found = movement.flows(store, year)
            notes = result.notes + movement.notes(store, year)
        rows = protected_rows(result)
        context.update(
            headings=HEADINGS,
            areas=_table(rows),
            agreement=sorted(movement.summary(found).items()),
            notes=notes,
        )
    return render(request, "csww_portal/flows/dfe.html", context)


@dfe_view
def dfe_flows_csv(request: HttpRequest, collection: Collection) -> HttpResponse:
    year = collection.year
    with _store(_submitted(year)) as store:
        rows = protected_rows(attrition.measure(store, year))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(attrition.COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"csww_attrition_{collection.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@la_view()
def la_flows(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    year, code = ret.collection.year, ret.la.code
    # Worded for the LA's own people ("your return"), or for DfE looking at the LA's page.
    context: dict[str, object] = {
        "collection": ret.collection,
        "ret": ret,
        "own": is_la_user(request.user),
    }
    last = (
        LAReturn.objects.filter(
            collection__year=year - 1, la__code=code, state__in=DONE, current__isnull=False
        )
        .select_related("current")
        .first()
    )
    if ret.current is not None and last is not None and last.current is not None:
        found = continuity.report(ret.current.xml_bytes(), last.current.xml_bytes())
        items = spec_for(year).worker
        context.update(
            continuity=found,
            queries=[
                (
                    i.rule,
                    i.worker or "",
                    i.record or "not in this year's return",
                    items[i.field].name if i.field in items else i.field,
                )
                for i in found.issues
            ],
            counts=[(rule, found.counts().get(rule, 0)) for rule in continuity.continuity_rules()],
            notes={rule: RULES[rule].message for rule in continuity.continuity_rules()},
        )
    if ret.current is not None:
        others = [r for r in _submitted(year) if r.la.code != code]
        with _store([*others, ret]) as store:
            # The LA's own figures, to that LA: not suppressed (they are its own leavers).
            rows = attrition.rows(
                attrition.measure(store, year),
                suppress=False,
                only_unit=pub.unit_code(code, year),
            )
        context.update(headings=HEADINGS, areas=_table(rows), others=len(others))
    return render(request, "csww_portal/flows/la.html", context)


urlpatterns = [
    path("collections/<id:year>/la/<str:la>/flows/", la_flows, name="la_flows"),
    path("dfe/collections/<id:year>/flows/", dfe_flows, name="flows"),
    path("dfe/collections/<id:year>/flows/attrition.csv", dfe_flows_csv, name="flows_csv"),
]
