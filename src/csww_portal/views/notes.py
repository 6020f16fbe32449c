"""Notes at return, worker and issue level. They are keyed by registration number, rule and
field, so they survive re-uploads; the notes page shows whether each still matches an issue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from csww_portal.access import la_view
from csww_portal.models import LAReturn, Note
from csww_portal.services import results, status, versions, wording, workflow
from csww_portal.services.refusals import StaleForm, WorkflowError, changes_since
from csww_portal.views.base import posted_base
from csww_portal.views.la_return import _context
from csww_portal.views.records import _links

DRAFT = "csww_note_draft"
STALE = "csww_note_stale"


@la_view(change=True)
def notes(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    if request.method == "POST":
        return _add(request, ret)
    return _page(request, ret)


def _applies(note: Note, current: set[status.NoteKey]) -> bool:
    """Whether a note explains something in the current version: a query's note that query,
    a rule's note some query of that rule; notes on a worker or the return always apply."""
    if note.level == "issue":
        return (note.worker, note.rule, note.field) in current
    if note.level == "rule":
        return any(rule == note.rule for _worker, rule, _field in current)
    return True


def _page(
    request: HttpRequest, ret: LAReturn, refused: str = "", status_code: int = 200
) -> HttpResponse:
    """The notes page; ``refused`` is why a note was not saved, shown in the error summary
    (and the page answers ``status_code``)."""
    all_notes = list(ret.notes.select_related("author"))
    current_keys: set[status.NoteKey] = set()
    outstanding = []
    parsed = None
    if ret.current is not None:
        parsed, _structure = versions.current_return(ret)
        report = ret.current.report_object()
        current_keys = {status.issue_key(i) for i in report.issues}
        outstanding = status.unexplained_queries(report, status.note_keys(all_notes))
    link = _links(request, ret)
    stale = request.session.pop(STALE, None)
    names = results.Names(parsed, ret.collection.year)
    rows = [
        (
            n,
            names.note(n.worker, n.rule, n.field),
            _applies(n, current_keys),
        )
        for n in all_notes
    ]
    return render(
        request,
        "csww_portal/notes.html",
        _context(
            request,
            ret,
            rows=rows,
            outstanding=[
                (i, names.issue(i), link(i.record, "#queries")) for i in outstanding[:200]
            ],
            outstanding_rules=[
                {
                    "rule": rule,
                    "label": f"Rule {rule} ({wording.count(count, 'query')}): {message}",
                    "button": (f"Explain all {count} with this note" if count > 1 else "Save note"),
                }
                for rule, message, count in status.queries_by_rule(outstanding)
            ],
            outstanding_count=len(outstanding),
            **_stale_note(ret, stale),
            **(_refused(refused) if refused else {}),
        ),
        status=status_code,
    )


def _refused(message: str) -> dict[str, Any]:
    return {
        "problem": [{"href": "#note-return", "text": message}],
        "page_has_errors": True,
    }


def _stale_note(ret: LAReturn, stale: dict[str, Any] | None) -> dict[str, Any]:
    """A note refused because the return changed since its page was opened: shown here, on
    the notes page, with what changed and what was typed, to save again as the return is now
    (the query it explained may have gone, so its own form may be on no page)."""
    if not isinstance(stale, dict):
        return {}
    base = stale.get("base")
    return {
        "stale_note": stale,
        "since": changes_since(ret, base if isinstance(base, int) else None),
        "problem": [{"href": "#note-stale", "text": str(stale.get("message", ""))}],
        "page_has_errors": True,
    }


def _add(request: HttpRequest, ret: LAReturn) -> HttpResponse:
    post = request.POST
    back = post.get("next", "")
    # Only a path on this site: anything else (another site, or a bare word, which Django's
    # redirect() would take for the name of a view) goes back to this page.
    if not (
        back.startswith("/")
        and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        back = ""
    try:
        workflow.add_note(
            ret,
            request.user,
            post.get("text", ""),
            base=posted_base(request),
            worker=post.get("worker", ""),
            rule=post.get("rule", ""),
            field=post.get("field", ""),
        )
    except workflow.NoteRefused as exc:
        # Not from the portal's own forms (they only name the return's rules, workers and
        # items): the notes page, with why, and nothing stored.
        return _page(request, ret, exc.message, 400)
    except StaleForm as exc:
        request.session[STALE] = {
            **_typed(post),
            "base": posted_base(request),
            "message": exc.message,
            "about": _about(post),
        }
        return HttpResponseRedirect(f"{request.path}#note-stale")
    except WorkflowError as exc:
        # The message goes through the session (never the URL), with what was typed, so the
        # page shows the error at the note's own form with the text still in it. A note
        # written on an older version's page comes back the same way: the page it returns to
        # shows the return as it is now, and the message says what changed.
        messages.error(request, exc.message, extra_tags="note-error")
        request.session[DRAFT] = {**_typed(post), "message": exc.message}
        target = (back or request.path).partition("#")[0]
        return HttpResponseRedirect(f"{target}#note-error")
    messages.success(request, "Note saved.")
    return HttpResponseRedirect(back or request.path)


def _typed(post: QueryDict) -> dict[str, str]:
    return {
        "worker": post.get("worker", "")[:40],
        "rule": post.get("rule", "")[:10],
        "field": post.get("field", "")[:40],
        "text": post.get("text", "")[: workflow.MAX_NOTE * 2],
    }


def _about(post: QueryDict) -> str:
    """What a note is about, in words."""
    worker, rule, field = (
        post.get("worker", "")[:40],
        post.get("rule", "")[:10],
        post.get("field", "")[:40],
    )
    if rule:
        where = f"rule {rule}" + (f", {field}" if field else "")
        return f"{where} for worker {worker}" if worker else where
    return f"worker {worker}" if worker else "the whole return"
