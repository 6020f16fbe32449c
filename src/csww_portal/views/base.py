"""The version a form or an action was built from, as every change form posts it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from csww_portal.services.refusals import StaleForm, WorkflowError

__all__ = ["posted_base", "refusal"]


def posted_base(request: HttpRequest) -> int | None:
    """The version the form or action's page was built from (every change form posts it as
    ``base``); None when the request does not say, or says it in a form no version has. The
    services refuse a change without it: it is never applied to whatever is current."""
    text = request.POST.get("base", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def refusal(exc: WorkflowError, href: str, links: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """What a refused form's page adds to its context: the reason in the error summary
    (linking to ``href``, then any ``links`` to the items that differ) and, when the form
    was stale, the versions made since it was opened (``includes/changed_since.html``)."""
    return {
        "problem": [{"href": href, "text": exc.message}, *links],
        "since": exc.since if isinstance(exc, StaleForm) else [],
        "page_has_errors": True,
    }
