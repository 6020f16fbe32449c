"""Results and fixing: the issue list, and forms for a worker or the LA-level figures.

A form saves what was typed as a new version, the core re-validates the whole return, and
the page shows that record's remaining issues next to its fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from csww.model import Record, category_of
from csww.report.model import Issue
from csww.spec import CATEGORY_LABELS, Item, Spec, spec_for
from csww_portal.access import la_view
from csww_portal.models import LAReturn
from csww_portal.services import results, status, versions
from csww_portal.services.versions import WorkflowError
from csww_portal.views.la_return import _context

PAGE_SIZE = 100


def _hint(item: Item) -> str:
    if item.type == "date":
        return "Date as YYYY-MM-DD, for example 2017-09-30."
    if item.type == "decimal":
        limits = (
            f" from {item.min:g} to {item.max:g}"
            if item.min is not None and item.max is not None
            else ""
        )
        return f"A number{limits}, up to {item.dp} decimal places."
    if item.type == "integer":
        return "A whole number."
    if item.type == "regno":
        return "The social worker's registration number, for example SW123456."
    if item.max_length:
        return f"Up to {item.max_length} characters."
    return ""


def fields_for(
    items: dict[str, Item], spec: Spec, record: Record | None, issues: list[Issue]
) -> list[dict[str, Any]]:
    """What a form shows for each item: value, choices, hint and the core's issues on it."""
    values = record.values if record is not None else {}
    by_field: dict[str, list[Issue]] = {}
    for issue in issues:
        if issue.field:
            by_field.setdefault(issue.field, []).append(issue)
    out = []
    for element, item in items.items():
        value = values.get(element, "")
        choices: list[tuple[str, str]] = []
        if item.codelist:
            codes = spec.codes(item)
            choices = [(code, f"{code} – {label}") for code, label in codes.items()]
            if value and value not in codes:
                choices.insert(0, (value, f"{value} – not a valid code"))
        field_issues = by_field.get(element, [])
        out.append(
            {
                "element": element,
                "id": f"f-{element}",
                "label": item.name,
                "hint": _hint(item),
                "value": value,
                "choices": choices,
                "issues": field_issues,
                "has_error": any(i.severity == "error" for i in field_issues),
            }
        )
    return out


@la_view()
def results_page(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    if ret.current is None:
        return render(request, "csww_portal/results.html", _context(request, ret, report=None))
    report = ret.current.report_object()
    keys = status.note_keys(ret.notes.all())
    severity = request.GET.get("severity", "")
    rule = request.GET.get("rule", "")
    summary = results.summarise(report, keys)
    shown = results.filtered(report, severity=severity, rule=rule)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [results.Row(i, status.issue_key(i) in keys) for i in page.object_list]
    workers = Paginator(summary.workers, PAGE_SIZE).get_page(request.GET.get("wpage"))
    return render(
        request,
        "csww_portal/results.html",
        _context(
            request,
            ret,
            report=report,
            summary=summary,
            rows=rows,
            page=page,
            severity=severity,
            rule=rule,
            workers_page=workers,
            version=ret.current,
            page_has_errors=bool(report.errors or report.fatal),
        ),
    )


def _worker_context(request: HttpRequest, ret: LAReturn, index: int) -> dict[str, Any]:
    if ret.current is None:
        raise Http404("No return has been uploaded yet.")
    parsed, _notes = versions.current_return(ret)
    if not 1 <= index <= len(parsed.workers):
        raise Http404("No such worker record.")
    record = parsed.workers[index - 1]
    report = ret.current.report_object()
    spec = spec_for(ret.collection.year)
    issues = results.filtered(report, record=index)
    swe = record.values.get("SWENo", "")
    notes = ret.notes.filter(worker=swe) if swe else ret.notes.none()
    keys = status.note_keys(ret.notes.all())
    unknown = [(e, v) for e, v in record.values.items() if e not in spec.worker] + list(
        record.extras
    )
    return _context(
        request,
        ret,
        index=index,
        record=record,
        swe=swe,
        category=CATEGORY_LABELS[category_of(record)],
        fields=fields_for(spec.worker, spec, record, issues),
        issues=issues,
        errors=[i for i in issues if i.severity == "error"],
        queries=[
            results.Row(i, status.issue_key(i) in keys) for i in issues if i.severity == "query"
        ],
        notes=notes,
        unknown=unknown,
        total=len(parsed.workers),
        page_has_errors=any(i.severity == "error" for i in issues),
    )


@la_view(change=True)
def worker(request: HttpRequest, ret: LAReturn, index: int) -> HttpResponse:
    if request.method == "POST":
        spec = spec_for(ret.collection.year)
        values = {element: request.POST.get(element, "") for element in spec.worker}
        try:
            version = versions.edit_worker(ret, request.user, index, values)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _saved(version, index))
        return redirect("csww_portal:worker", ret.collection.year, ret.la.code, index)
    return render(request, "csww_portal/worker.html", _worker_context(request, ret, index))


def _saved(version: Any, index: int | None) -> str:
    report = version.report_object()
    mine = (
        results.filtered(report, record=index)
        if index
        else [i for i in report.issues if not i.record]
    )
    errors = sum(1 for i in mine if i.severity == "error")
    queries = len(mine) - errors
    where = f"Record {index}" if index else "The LA-level figures"
    return (
        f"Saved as version {version.number}. {where}: {errors} error{'s' * (errors != 1)}, "
        f"{queries} quer{'ies' if queries != 1 else 'y'}. The whole return now has "
        f"{version.errors} errors and {version.queries} queries."
    )


@la_view(change=True)
def delete_worker(request: HttpRequest, ret: LAReturn, index: int) -> HttpResponse:
    if request.method != "POST":
        return render(
            request, "csww_portal/delete_worker.html", _worker_context(request, ret, index)
        )
    try:
        version = versions.delete_worker(ret, request.user, index)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("csww_portal:worker", ret.collection.year, ret.la.code, index)
    messages.success(request, f"Record {index} deleted: saved as version {version.number}.")
    return redirect("csww_portal:results", ret.collection.year, ret.la.code)


@la_view(change=True)
def add_worker(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    spec = spec_for(ret.collection.year)
    if request.method == "POST":
        values = {element: request.POST.get(element, "") for element in spec.worker}
        try:
            version = versions.add_worker(ret, request.user, values)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect("csww_portal:add_worker", ret.collection.year, ret.la.code)
        index = version.workers
        messages.success(request, _saved(version, index))
        return redirect("csww_portal:worker", ret.collection.year, ret.la.code, index)
    return render(
        request,
        "csww_portal/add_worker.html",
        _context(request, ret, fields=fields_for(spec.worker, spec, None, [])),
    )


@la_view(change=True)
def la_level(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    spec = spec_for(ret.collection.year)
    if request.method == "POST":
        values = {element: request.POST.get(element, "") for element in spec.la}
        try:
            version = versions.edit_la_level(ret, request.user, values)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _saved(version, None))
        return redirect("csww_portal:la_level", ret.collection.year, ret.la.code)
    if ret.current is None:
        raise Http404("No return has been uploaded yet.")
    parsed, _notes = versions.current_return(ret)
    report = ret.current.report_object()
    issues = [i for i in report.issues if not i.record]
    keys = status.note_keys(ret.notes.all())
    return render(
        request,
        "csww_portal/la_level.html",
        _context(
            request,
            ret,
            fields=fields_for(spec.la, spec, parsed.la, issues),
            issues=issues,
            la_fields=list(spec.la),
            errors=[i for i in issues if i.severity == "error"],
            queries=[
                results.Row(i, status.issue_key(i) in keys) for i in issues if i.severity == "query"
            ],
            page_has_errors=any(i.severity == "error" for i in issues),
        ),
    )
