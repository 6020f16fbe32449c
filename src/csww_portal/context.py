"""Template context shared by every page: the service name, the user's role and the menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from csww_portal.access import is_dfe, la_code_of, membership, role_of
from csww_portal.models import Collection, Role

SERVICE_NAME = "Children's social work workforce census"


def current_collection() -> Collection | None:
    return Collection.objects.order_by("-year").first()


def portal(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    context: dict[str, Any] = {"service_name": SERVICE_NAME, "nav_items": []}
    session = getattr(request, "session", None)
    if session is not None and "csww_note_draft" in session:
        # A note that could not be saved (views.notes): shown once, at that note's form.
        context["note_error"] = session.pop("csww_note_draft")
        context["page_has_errors"] = True
    if not user.is_authenticated:
        return context
    role = role_of(user)
    m = membership(user)
    context["portal_role_label"] = Role(role).label if role else ""
    context["portal_la"] = m.la if m is not None else None
    collection = current_collection()
    if collection is None:
        return context
    path = request.path
    items: list[tuple[str, str]] = []
    if is_dfe(user):
        items = [
            ("Dashboard", reverse("csww_portal:dashboard", args=[collection.year])),
            ("Statistics", reverse("csww_portal:statistics", args=[collection.year])),
            ("Flows", reverse("csww_portal:flows", args=[collection.year])),
            ("Audit log", reverse("csww_portal:dfe_audit", args=[collection.year])),
        ]
    elif (code := la_code_of(user)) is not None:
        base = reverse("csww_portal:overview", args=[collection.year, code])
        items = [
            ("Your return", base),
            ("Results", reverse("csww_portal:results", args=[collection.year, code])),
            ("Workers", reverse("csww_portal:workers", args=[collection.year, code])),
            ("Notes", reverse("csww_portal:notes", args=[collection.year, code])),
            ("History", reverse("csww_portal:history", args=[collection.year, code])),
            ("Continuity", reverse("csww_portal:la_flows", args=[collection.year, code])),
            ("Audit log", reverse("csww_portal:la_audit", args=[collection.year, code])),
        ]
    best = max((href for _t, href in items if path.startswith(href)), key=len, default=None)
    context["nav_items"] = [{"text": t, "href": h, "active": h == best} for t, h in items]
    return context
