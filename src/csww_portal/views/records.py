"""Results and fixing: the issue list, and forms for a worker or the LA-level figures.

A form saves what was typed as a new version, the core re-validates the whole return, and
the page shows that record's remaining issues next to its fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from csww.model import Record, category_of
from csww.report.model import Issue
from csww.rules.items import describe_format
from csww.spec import CATEGORY_LABELS, Item, Spec, spec_for
from csww.values import places_text
from csww_portal.access import la_view
from csww_portal.models import LAReturn
from csww_portal.services import identity, overlay, results, status, versions
from csww_portal.services.refusals import WorkflowError, number_of
from csww_portal.services.wording import count
from csww_portal.views.base import posted_base, refusal
from csww_portal.views.la_return import _context

PAGE_SIZE = 100


def _limit(value: float) -> str:
    """A limit written as the core's messages write it, and as it is typed: 9999.99, not
    9,999.99 (a value typed with a comma is refused)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _hint(item: Item, spec: Spec) -> str:
    """The item's format, from the same spec data the core checks it against (its range,
    decimal places and length, as in :func:`csww.rules.items.parser_for`), so the hint and
    the check cannot disagree; a date's example is the year's own census date. Codes are
    chosen from a list, so they need none."""
    low, high = item.min, item.max
    between = (
        f" from {_limit(low)} to {_limit(high)}" if low is not None and high is not None else ""
    )
    if item.type == "decimal":
        return f"A number{between}, up to {places_text(item.dp)}."
    if item.type == "integer":
        return f"A whole number{between}."
    if item.type == "date":
        return f"Date as YYYY-MM-DD, for example {spec.reference_date.isoformat()}."
    if item.type == "regno":
        # In the check's own words (csww.rules.items.describe_format).
        return f"The social worker's {describe_format(item, spec).removeprefix('a ')}."
    if item.type == "code":
        return ""
    if item.max_length:
        return f"Up to {item.max_length} characters."
    return ""


def fields_for(
    items: dict[str, Item],
    spec: Spec,
    record: Record | None,
    issues: list[Issue],
    marks: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """What a form shows for each item: value, choices, hint, the core's issues on it and,
    on a refused form, what changed (``marks``)."""
    values = record.values if record is not None else {}
    marks = marks or {}
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
        ident = f"f-{element}"
        hint = _hint(item, spec)
        described = [f"{ident}-hint"] if hint else []
        described += [f"{ident}-issue-{n}" for n in range(1, len(field_issues) + 1)]
        if element in marks:
            described.append(f"{ident}-change")
        out.append(
            {
                "element": element,
                "id": ident,
                "described_by": " ".join(described),
                "change": marks.get(element, ""),
                "label": item.name,
                "hint": hint,
                "value": value,
                "choices": choices,
                "issues": field_issues,
                "has_error": any(i.severity == "error" for i in field_issues),
            }
        )
    return out


def _links(request: HttpRequest, ret: LAReturn) -> Callable[[int | None, str], str]:
    """Links to worker records by their ids (an issue names its record by position)."""
    ids = identity.ids_of(ret, ret.current) if ret.current is not None else []
    year, code = ret.collection.year, ret.la.code

    def link(position: int | None, anchor: str = "") -> str:
        if position and 1 <= position <= len(ids):
            url = reverse("csww_portal:worker", args=[year, code, ids[position - 1]])
        else:
            url = reverse("csww_portal:la_level", args=[year, code])
        return f"{url}{anchor}"

    return link


@la_view()
def worker_list(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    """Every worker record of the current version, found by registration number, category or
    role, each opening its record: a record with no issue can be corrected too."""
    if ret.current is None:
        return render(request, "csww_portal/workers.html", _context(request, ret, rows=None))
    parsed, _notes = versions.current_return(ret)
    ids = identity.ids_of(ret, ret.current, parsed)
    report = ret.current.report_object()
    counts: dict[int, list[int]] = {}
    for issue in report.issues:
        if issue.record:
            pair = counts.setdefault(issue.record, [0, 0])
            pair[0 if issue.severity == "error" else 1] += 1
    spec = spec_for(ret.collection.year)
    roles = spec.codes(spec.worker["OrgRole"]) if "OrgRole" in spec.worker else {}
    query = request.GET.get("q", "").strip()[:100]
    wanted = query.casefold()
    rows = []
    for index, (record, record_id) in enumerate(zip(parsed.workers, ids, strict=True), 1):
        swe = record.values.get("SWENo", "")
        category = CATEGORY_LABELS[category_of(record)]
        role = roles.get(record.values.get("OrgRole", ""), "")
        if wanted and not any(wanted in text.casefold() for text in (swe, category, role)):
            continue
        errors, queries = counts.get(index, [0, 0])
        rows.append(
            {
                "id": record_id,
                "swe": swe,
                "category": category,
                "role": role,
                "errors": errors,
                "queries": queries,
            }
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "csww_portal/workers.html",
        _context(request, ret, rows=page, query=query, total=len(parsed.workers)),
    )


@la_view()
def results_page(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    if ret.current is None:
        return render(request, "csww_portal/results.html", _context(request, ret, report=None))
    report = ret.current.report_object()
    keys = status.note_keys(ret.notes.all())
    severity = request.GET.get("severity", "")
    rule = request.GET.get("rule", "")
    summary = results.summarise(report, keys, ret.current.report.get("truncated"))
    shown = results.filtered(report, severity=severity, rule=rule)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    link = _links(request, ret)
    rows = [
        results.Row(
            i,
            status.explained(i, keys),
            link(i.record, f"#f-{i.field}" if i.field else ""),
            link(i.record, "#queries"),
        )
        for i in page.object_list
    ]
    workers = Paginator(summary.workers, PAGE_SIZE).get_page(request.GET.get("wpage"))
    for w in workers.object_list:
        w.link = link(w.record, "")
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
            page_has_errors=bool(ret.current.errors or report.fatal),
        ),
    )


def _worker_context(
    request: HttpRequest,
    ret: LAReturn,
    record_id: str,
    shown_values: dict[str, str] | None = None,
    marks: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The worker page. On a refused form, ``shown_values`` are what the form shows (the
    record as it is now with the person's own changes laid over it) and ``marks`` say, per
    item, what differs."""
    if ret.current is None:
        raise Http404("No return has been uploaded yet.")
    parsed, _notes = versions.current_return(ret)
    ids = identity.ids_of(ret, ret.current, parsed)
    index = identity.position(ids, record_id)
    if index is None:
        raise Http404("No such worker record in the current version.")
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
    shown = Record(values=shown_values) if shown_values is not None else record
    return _context(
        request,
        ret,
        index=index,
        record_id=record_id,
        base=ret.current.number,
        record=record,
        swe=swe,
        name=versions.worker_name(record),
        category=CATEGORY_LABELS[category_of(record)],
        fields=fields_for(spec.worker, spec, shown, issues, marks),
        issues=issues,
        errors=[i for i in issues if i.severity == "error"],
        queries=[
            results.Row(i, status.explained(i, keys)) for i in issues if i.severity == "query"
        ],
        notes=notes,
        unknown=unknown,
        total=len(parsed.workers),
        page_has_errors=any(i.severity == "error" for i in issues),
    )


def _marked(
    items: dict[str, Item],
    before: Record | None,
    typed: dict[str, str],
    now: Record | None,
    version: Any,
    *,
    form: bool = True,
) -> tuple[dict[str, str], dict[str, str], list[dict[str, str]]]:
    """The values to show, each item's mark, and the error summary's links to them (``form``
    false: the page shows no form, see :func:`overlay.describe`)."""
    laid = overlay.overlay(list(items), before, typed, now)
    marks = {
        e: overlay.describe(c, items[e].name, version, form=form) for e, c in laid.changes.items()
    }
    links = [{"href": f"#f-{e}", "text": text} for e, text in marks.items()]
    return laid.values, marks, links


def _refused(
    request: HttpRequest, ret: LAReturn, record_id: str, exc: WorkflowError, typed: dict[str, str]
) -> HttpResponse:
    """A form that could not be saved: the record as it is now, with the person's own changes
    laid over only the items they changed, each difference marked."""
    ret.refresh_from_db()
    spec = spec_for(ret.collection.year)
    refused = refusal(exc, "#record-issues")
    now = None
    if ret.current is not None:
        parsed, _notes = versions.current_return(ret)
        index = identity.position(identity.ids_of(ret, ret.current, parsed), record_id)
        now = parsed.workers[index - 1] if index else None
    if now is None:
        # The record is gone: offer what was typed as a new record, so nothing is lost.
        context = _context(
            request,
            ret,
            base=number_of(ret),
            fields=fields_for(spec.worker, spec, Record(values=dict(typed)), []),
            **refused,
        )
        return render(request, "csww_portal/add_worker.html", context, status=409)
    before = overlay.base_worker(ret, posted_base(request), record_id)
    values, marks, links = _marked(spec.worker, before, typed, now, ret.current)
    context = _worker_context(request, ret, record_id, values, marks)
    context.update(refusal(exc, "#record-issues", links), stale=True)
    return render(request, "csww_portal/worker.html", context, status=409)


@la_view(change=True)
def worker(request: HttpRequest, ret: LAReturn, record: str) -> HttpResponse:
    if request.method == "POST":
        spec = spec_for(ret.collection.year)
        values = {e: request.POST[e] for e in spec.worker if e in request.POST}
        try:
            version = versions.edit_worker(
                ret, request.user, record, values, base=posted_base(request)
            )
        except WorkflowError as exc:
            return _refused(request, ret, record, exc, values)
        now = identity.ids_of(ret, version)
        if identity.position(now, record) is None:
            # The registration number changed, so the record has a new id: the record that
            # has the new number and is not in the version before.
            previous = set(identity.ids_of(ret, _previous(ret, version)))
            record = next((i for i in now if i not in previous), record)
        index = identity.position(now, record)
        swe = values.get("SWENo", "").strip()
        name = f"worker {swe}" if swe else "the worker record"
        messages.success(request, _saved(version, index, name))
        return redirect("csww_portal:worker", ret.collection.year, ret.la.code, record)
    return render(request, "csww_portal/worker.html", _worker_context(request, ret, record))


def _previous(ret: LAReturn, version: Any) -> Any:
    return ret.versions.select_related("upload").get(number=version.number - 1)


def _saved(version: Any, index: int | None, name: str = "") -> str:
    report = version.report_object()
    mine = (
        results.filtered(report, record=index)
        if index
        else [i for i in report.issues if not i.record]
    )
    errors = sum(1 for i in mine if i.severity == "error")
    queries = len(mine) - errors
    where = (
        (name[:1].upper() + name[1:] if name else "This record")
        if index
        else "The LA-level figures"
    )
    return (
        f"Saved as version {version.number}. {where}: {count(errors, 'error')}, "
        f"{count(queries, 'query')}. The whole return now has "
        f"{count(version.errors, 'error')} and {count(version.queries, 'query')}."
    )


@la_view(change=True)
def delete_worker(request: HttpRequest, ret: LAReturn, record: str) -> HttpResponse:
    if request.method != "POST":
        return render(
            request, "csww_portal/delete_worker.html", _worker_context(request, ret, record)
        )
    try:
        version = versions.delete_worker(ret, request.user, record, base=posted_base(request))
    except WorkflowError as exc:
        # The confirmation page again, showing the record as it is now and what changed in
        # it since the page was opened: deleting is confirmed again, never assumed.
        ret.refresh_from_db()
        spec = spec_for(ret.collection.year)
        try:
            context = _worker_context(request, ret, record)
        except Http404:
            messages.error(request, exc.message + " The record is no longer in the return.")
            return redirect("csww_portal:results", ret.collection.year, ret.la.code)
        before = overlay.base_worker(ret, posted_base(request), record)
        _values, marks, links = _marked(
            spec.worker, before, {}, context["record"], ret.current, form=False
        )
        context.update(
            refusal(exc, "#delete-form", links),
            changed=[{"label": spec.worker[e].name, "text": t} for e, t in marks.items()],
        )
        return render(request, "csww_portal/delete_worker.html", context, status=409)
    messages.success(request, f"{version.description}: saved as version {version.number}.")
    return redirect("csww_portal:results", ret.collection.year, ret.la.code)


@la_view(change=True)
def add_worker(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    spec = spec_for(ret.collection.year)
    if request.method == "POST":
        values = {element: request.POST.get(element, "") for element in spec.worker}
        try:
            version = versions.add_worker(ret, request.user, values, base=posted_base(request))
        except WorkflowError as exc:
            # What was typed, on the form again, with what changed since it was opened.
            ret.refresh_from_db()
            context = _context(
                request,
                ret,
                base=number_of(ret),
                fields=fields_for(spec.worker, spec, Record(values=dict(values)), []),
                **refusal(exc, "#f-SWENo"),
            )
            return render(request, "csww_portal/add_worker.html", context, status=409)
        index = version.workers
        messages.success(request, _saved(version, index))
        record = identity.ids_of(ret, version)[index - 1]
        return redirect("csww_portal:worker", ret.collection.year, ret.la.code, record)
    return render(
        request,
        "csww_portal/add_worker.html",
        _context(
            request,
            ret,
            base=number_of(ret),
            fields=fields_for(spec.worker, spec, None, []),
        ),
    )


@la_view(change=True)
def la_level(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    spec = spec_for(ret.collection.year)
    refused: dict[str, Any] = {}
    marks: dict[str, str] = {}
    shown_values: dict[str, str] | None = None
    if request.method == "POST":
        values = {e: request.POST[e] for e in spec.la if e in request.POST}
        try:
            version = versions.edit_la_level(ret, request.user, values, base=posted_base(request))
        except WorkflowError as exc:
            ret.refresh_from_db()
            links: list[dict[str, str]] = []
            if ret.current is not None:
                now = versions.current_return(ret)[0].la or Record()
                before = overlay.base_la(ret, posted_base(request))
                shown_values, marks, links = _marked(spec.la, before, values, now, ret.current)
            refused = refusal(exc, "#la-form", links)
        else:
            messages.success(request, _saved(version, None))
            return redirect("csww_portal:la_level", ret.collection.year, ret.la.code)
    if ret.current is None:
        raise Http404("No return has been uploaded yet.")
    parsed, _notes = versions.current_return(ret)
    report = ret.current.report_object()
    issues = [i for i in report.issues if not i.record]
    keys = status.note_keys(ret.notes.all())
    shown = parsed.la if shown_values is None else Record(values=shown_values)
    return render(
        request,
        "csww_portal/la_level.html",
        _context(
            request,
            ret,
            base=ret.current.number,
            fields=fields_for(spec.la, spec, shown, issues, marks),
            issues=issues,
            la_fields=list(spec.la),
            errors=[i for i in issues if i.severity == "error"],
            queries=[
                results.Row(
                    i,
                    status.explained(i, keys),
                    label=f"Note explaining query {i.rule} for worker {i.worker}"
                    if i.worker
                    else "",
                )
                for i in issues
                if i.severity == "query"
            ],
            **{"page_has_errors": any(i.severity == "error" for i in issues), **refused},
        ),
        status=409 if refused else 200,
    )
