"""A small read-only JSON API over one LA's return, under the same access rules as pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from csww_portal.access import la_view
from csww_portal.models import LAReturn
from csww_portal.services import status


@la_view()
def return_status(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    progress = status.progress_of(ret)
    return JsonResponse(
        {
            "collection": ret.collection.year,
            "la": ret.la.code,
            "status": progress.value,
            "status_label": progress.label,
            "version": ret.current.number if ret.current else None,
            "workers": ret.workers,
            "errors": ret.errors,
            "queries": ret.queries,
            "queries_without_note": ret.unexplained,
            "last_activity": ret.last_activity.isoformat() if ret.last_activity else None,
        }
    )


@la_view()
def return_report(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    if ret.current is None:
        return JsonResponse({"error": "No return has been uploaded yet."}, status=404)
    return JsonResponse(ret.current.report)
