"""An LA's own audit log: what its users (and DfE) did to its return."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csww_portal.access import la_view
from csww_portal.models import AuditEvent, LAReturn
from csww_portal.views.la_return import _context


@la_view()
def la_audit(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    events = AuditEvent.objects.filter(la=ret.la, collection=ret.collection)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "csww_portal/audit.html", _context(request, ret, page=page, dfe=False))
