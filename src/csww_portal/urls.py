"""URLs. Every page about one LA's return sits under ``collections/<year>/la/<la>/`` and
goes through ``access.la_view``; every page across LAs sits under ``dfe/`` and goes
through ``access.dfe_view``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

import csww_portal.converters  # noqa: F401  (registers the id converter)
from csww_portal.views import (
    api,
    api_tokens,
    audit_log,
    auth,
    dfe,
    downloads,
    la_return,
    notes,
    progress,
    records,
)
from csww_portal.views.flows import urlpatterns as flow_patterns

la_patterns: list[URLPattern | URLResolver] = [
    path("", la_return.overview, name="overview"),
    path("upload/", la_return.upload, name="upload"),
    path("results/", records.results_page, name="results"),
    path("workers/", records.worker_list, name="workers"),
    path("workers/add/", records.add_worker, name="add_worker"),
    path("workers/<slug:record>/", records.worker, name="worker"),
    path("workers/<slug:record>/delete/", records.delete_worker, name="delete_worker"),
    path("la-level/", records.la_level, name="la_level"),
    path("notes/", notes.notes, name="notes"),
    path("history/", la_return.history, name="history"),
    path("history/uploads/<id:upload_id>/", downloads.upload_file, name="upload_file"),
    path("upload/<id:upload_id>/confirm/", la_return.confirm_upload, name="confirm_upload"),
    path("history/versions/<id:number>/return.xml", downloads.version_xml, name="version_xml"),
    path("history/versions/<id:number>/restore/", la_return.restore, name="restore"),
    path("submit/", la_return.submit, name="submit"),
    path("approve/", la_return.approve, name="approve"),
    path("download/return.xml", downloads.return_xml, name="download_xml"),
    path("download/return.xlsx", downloads.return_xlsx, name="download_xlsx"),
    path("download/template.xlsx", downloads.template_xlsx, name="download_template"),
    path("download/issues.csv", downloads.issues_csv, name="download_issues"),
    path("audit/", audit_log.la_audit, name="la_audit"),
    # Checking uploads in the background (issue 11)
    path("uploads/<id:upload_id>/", progress.upload_progress, name="upload_progress"),
    path(
        "uploads/<id:upload_id>/status.json",
        progress.upload_progress_json,
        name="upload_progress_json",
    ),
]

portal_patterns: list[URLPattern | URLResolver] = [
    path("", auth.home, name="home"),
    path("sign-in/", auth.LoginView.as_view(), name="login"),
    path("sign-out/", auth.LogoutView.as_view(), name="logout"),
    path("collections/<id:year>/la/<str:la>/", include(la_patterns)),
    path("api/collections/<id:year>/la/<str:la>/status", api.return_status, name="api_status"),
    path("api/collections/<id:year>/la/<str:la>/report", api.return_report, name="api_report"),
    path("account/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("dfe/collections/<id:year>/", dfe.dashboard, name="dashboard"),
    path("dfe/collections/<id:year>/chase-list.csv", dfe.chase_csv, name="chase_csv"),
    path("dfe/collections/<id:year>/statistics/", dfe.statistics_page, name="statistics"),
    path(
        "dfe/collections/<id:year>/submitted-returns.zip", dfe.submitted_zip, name="submitted_zip"
    ),
    path("dfe/collections/<id:year>/la/<str:la>/reopen/", dfe.reopen, name="reopen"),
    path("dfe/collections/<id:year>/audit/", dfe.dfe_audit, name="dfe_audit"),
    path("", include(flow_patterns)),
]

from csww_portal.api.routes import api as api_v1  # noqa: E402  (API v1)

urlpatterns = [
    path("", include((portal_patterns, "csww_portal"))),
    path("api/", api_v1.urls),
]
if settings.CSWW_ADMIN_ENABLED:  # off unless CSWW_PORTAL_ADMIN=1 (docs/portal.md)
    urlpatterns.append(path("admin/", admin.site.urls))

handler400 = "csww_portal.views.errors.bad_request"
handler403 = "csww_portal.views.errors.forbidden"
handler404 = "csww_portal.views.errors.not_found"
handler500 = "csww_portal.views.errors.server_error"
