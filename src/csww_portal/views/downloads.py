"""Downloads of an LA's return: the current return as XML or .xlsx, the issue report as
CSV, and any file the LA uploaded. Every download is audited."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from csww.report.render import for_excel, to_csv
from csww_portal.access import la_view
from csww_portal.models import AuditEvent, LAReturn
from csww_portal.services import audit, exports, storage, workbook_leases, workbooks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _name(ret: LAReturn, version: int, ext: str) -> str:
    return f"csww-{ret.collection.year}-{ret.la.code}-v{version}.{ext}"


def _current(ret: LAReturn) -> None:
    if ret.current is None:
        raise Http404("No return has been uploaded yet.")


@la_view()
def return_xml(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    _current(ret)
    assert ret.current is not None
    audit.record(
        request.user,
        AuditEvent.Action.DOWNLOAD,
        f"Return XML, version {ret.current.number}",
        ret=ret,
    )
    return attachment(
        ret.current.xml_bytes(), "application/xml", _name(ret, ret.current.number, "xml")
    )


@la_view()
def return_xlsx(request: HttpRequest, ret: LAReturn) -> HttpResponseBase:
    """The current version as the template workbook: made once per version in a separate
    process and streamed from the kept file (``services.workbooks``). While every maker is
    busy for longer than a download waits, a page says it is being prepared and tries again."""
    _current(ret)
    version = ret.current
    assert version is not None
    try:
        path = workbooks.workbook(version, ret.collection.year)
    except workbooks.NotReady:
        return _being_prepared(request, ret, version.number)
    audit.record(
        request.user,
        AuditEvent.Action.DOWNLOAD,
        f"Return workbook, version {version.number}",
        ret=ret,
    )
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=_name(ret, version.number, "xlsx"),
        content_type=XLSX,
    )


@la_view()
def template_xlsx(request: HttpRequest, ret: LAReturn) -> HttpResponseBase:
    """The collection year's spreadsheet template, empty, to fill in and upload."""
    year = ret.collection.year
    response = HttpResponse(exports.blank_template(year), content_type=XLSX)
    name = f"csww_template_{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _being_prepared(request: HttpRequest, ret: LAReturn, number: int) -> HttpResponse:
    response = render(
        request,
        "csww_portal/workbook_being_prepared.html",
        {
            "ret": ret,
            "collection": ret.collection,
            "number": number,
            "retry_seconds": workbooks.RETRY_SECONDS,
            "makers": workbook_leases.slots(),
        },
        status=503,
    )
    response["Retry-After"] = str(workbooks.RETRY_SECONDS)
    return response


@la_view()
def issues_csv(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    _current(ret)
    assert ret.current is not None
    audit.record(
        request.user,
        AuditEvent.Action.DOWNLOAD,
        f"Issue report, version {ret.current.number}",
        ret=ret,
    )
    text = for_excel(to_csv(ret.current.report_object()))
    return attachment(
        text,
        "text/csv; charset=utf-8",
        f"csww-{ret.collection.year}-{ret.la.code}-v{ret.current.number}-issues.csv",
    )


@la_view()
def version_xml(request: HttpRequest, ret: LAReturn, number: int) -> HttpResponse:
    """Any version, however it was made, as the XML it holds."""
    version = get_object_or_404(ret.versions.select_related("upload"), number=number)
    audit.record(request.user, AuditEvent.Action.DOWNLOAD, f"Return XML, version {number}", ret=ret)
    return attachment(version.xml_bytes(), "application/xml", _name(ret, number, "xml"))


@la_view()
def upload_file(request: HttpRequest, ret: LAReturn, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(ret.uploads, pk=upload_id)
    data = storage.bytes_of(upload)
    if not data:
        raise Http404("The file's content is no longer kept.")
    audit.record(request.user, AuditEvent.Action.DOWNLOAD, f"Uploaded file {upload.pk}", ret=ret)
    ext = upload.kind if upload.kind in ("xml", "xlsx", "csv") else "bin"
    return attachment(
        data,
        "application/octet-stream",
        f"csww-{ret.collection.year}-{ret.la.code}-upload-{upload.pk}.{ext}",
    )
