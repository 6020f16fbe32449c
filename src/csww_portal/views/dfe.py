"""DfE's side: every LA's progress, the chase list, statistics, the zip of submitted
returns, reopening a return, and the audit log."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from csww.spec import joint_partners
from csww_portal.access import dfe_view, return_for
from csww_portal.models import LA_ROLES, AuditEvent, Collection, LAReturn, State
from csww_portal.services import audit, exports, statistics, status, workflow
from csww_portal.services.refusals import Later, StaleForm, WorkflowError
from csww_portal.views.base import posted_base
from csww_portal.views.downloads import attachment

DONE = (State.SUBMITTED, State.APPROVED)


def _rows(collection: Collection) -> list[dict[str, Any]]:
    returns = (
        LAReturn.objects.filter(collection=collection)
        .select_related("la", "current")
        .defer("current__xml", "current__report")
    )
    by_code = {ret.la.code: ret for ret in returns}
    rows = []
    for ret in by_code.values():
        progress = status.progress_of(ret)
        joint = _joint_carrier(ret, by_code, collection.year)
        if joint is not None:  # the partner LA's return carries this LA's data
            progress = status.progress_of(joint)
        rows.append(
            {
                "ret": ret,
                "progress": progress,
                "tag_class": status.TAG_CLASSES[progress],
                "joint": joint,
            }
        )
    return rows


def _joint_carrier(ret: LAReturn, by_code: dict[str, LAReturn], year: int) -> LAReturn | None:
    """For an LA in a joint return (Kingston and Richmond) that has loaded nothing itself,
    the partner's return that holds the joint data; otherwise None."""
    if ret.current_id is not None:
        return None
    for code in sorted(joint_partners(ret.la.code, year) - {ret.la.code}):
        partner = by_code.get(code)
        if partner is not None and partner.current_id is not None:
            return partner
    return None


@dfe_view
def dashboard(request: HttpRequest, collection: Collection) -> HttpResponse:
    rows = _rows(collection)
    counts = Counter(r["progress"] for r in rows)
    wanted = request.GET.get("status", "")
    if wanted in status.Progress.values:
        rows = [r for r in rows if r["progress"] == wanted]
    filters = [
        {
            "value": p.value,
            "label": p.label,
            "count": counts.get(p, 0),
            "current": wanted == p.value,
        }
        for p in status.Progress
    ]
    return render(
        request,
        "csww_portal/dashboard.html",
        {
            "collection": collection,
            "phase": collection.phase(),
            "rows": rows,
            "filters": filters,
            "total": sum(counts.values()),
            "wanted": wanted,
        },
    )


@dfe_view
def chase_csv(request: HttpRequest, collection: Collection) -> HttpResponse:
    users = (
        get_user_model()
        .objects.filter(membership__role__in=LA_ROLES)
        .select_related("membership__la")
    )
    contacts: dict[int, list[str]] = {}
    for user in users:
        la = user.membership.la
        if la is not None:
            contacts.setdefault(la.pk, []).append(user.email or user.get_username())
    rows = []
    for row in _rows(collection):
        ret = row["ret"]
        if ret.state in DONE or row["joint"] is not None:
            continue
        rows.append(
            [
                ret.la.code,
                ret.la.name,
                ret.la.region,
                row["progress"].label,
                ret.workers,
                ret.errors,
                ret.unexplained,
                ret.last_activity.isoformat(timespec="minutes") if ret.last_activity else "",
                "; ".join(sorted(contacts.get(ret.la.pk, []))),
            ]
        )
    text = exports.csv_text(
        [
            "la_code",
            "la_name",
            "region",
            "status",
            "workers",
            "errors",
            "queries_without_note",
            "last_activity",
            "contacts",
        ],
        rows,
    )
    audit.record(request.user, AuditEvent.Action.DOWNLOAD, "Chase list", collection=collection)
    return attachment(text, "text/csv; charset=utf-8", f"csww-{collection.year}-chase-list.csv")


@dfe_view
def submitted_zip(request: HttpRequest, collection: Collection) -> HttpResponse:
    returns = LAReturn.objects.filter(
        collection=collection, state__in=DONE, current__isnull=False
    ).select_related("la", "current", "current__upload")
    done = [r for r in returns if r.current is not None]
    items = (
        (f"csww-{collection.year}-{r.la.code}-v{r.current.number}.xml", r.current.xml_bytes())  # type: ignore[union-attr]
        for r in done
    )
    data = exports.returns_zip(items)
    audit.record(
        request.user, AuditEvent.Action.DOWNLOAD, "Zip of submitted returns", collection=collection
    )
    for r in done:  # each LA sees in its own audit log that DfE took its return
        audit.record(
            request.user,
            AuditEvent.Action.DOWNLOAD,
            f"Return XML, version {r.current.number}, in DfE's zip of submitted returns",  # type: ignore[union-attr]
            ret=r,
        )
    return attachment(data, "application/zip", f"csww-{collection.year}-submitted-returns.zip")


@dfe_view
def statistics_page(request: HttpRequest, collection: Collection) -> HttpResponse:
    returns = list(
        LAReturn.objects.filter(
            collection=collection, state__in=DONE, current__isnull=False
        ).select_related("la", "current", "current__upload")
    )
    headline = statistics.headline(collection.year, returns)
    return render(
        request,
        "csww_portal/statistics.html",
        {"collection": collection, "headline": headline, "returns": len(returns)},
    )


@dfe_view
def reopen(request: HttpRequest, collection: Collection, la: str) -> HttpResponse:
    ret = return_for(request.user, collection.year, la)
    error = ""
    since: list[Later] = []
    status_code = 200
    if request.method == "POST":
        try:
            workflow.reopen(
                ret, request.user, request.POST.get("reason", ""), base=posted_base(request)
            )
        except WorkflowError as exc:
            error = exc.message
            # A stale page (409) is shown again as the return is now; a missing reason is 400.
            since, status_code = (exc.since, 409) if isinstance(exc, StaleForm) else ([], 400)
            ret.refresh_from_db()
        else:
            messages.success(
                request,
                f"{ret.la.name}'s return is reopened. The LA can change and submit it again.",
            )
            return redirect("csww_portal:overview", collection.year, la)
    return render(
        request,
        "csww_portal/reopen.html",
        {
            "collection": collection,
            "ret": ret,
            "error": error,
            "page_has_errors": bool(error),
            "reason": request.POST.get("reason", ""),
            "since": since,
        },
        status=status_code,
    )


@dfe_view
def dfe_audit(request: HttpRequest, collection: Collection) -> HttpResponse:
    events = AuditEvent.objects.filter(collection=collection).select_related("la")
    la = request.GET.get("la", "")
    if la:
        events = events.filter(la__code=la)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "csww_portal/audit.html",
        {"collection": collection, "page": page, "la_filter": la, "dfe": True},
    )
