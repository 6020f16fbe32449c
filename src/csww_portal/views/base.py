"""The version a form or an action was built from, as every change form posts it."""

from __future__ import annotations

from django.http import HttpRequest

__all__ = ["action_base", "form_base"]


def form_base(request: HttpRequest) -> int:
    """The version a form was built from (every form posts it; -1 when it is missing, which
    no version matches, so a form without it never saves)."""
    text = request.POST.get("base", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


def action_base(request: HttpRequest) -> int | None:
    """The version an action's page showed (submit, approve, restore, reopen); None when the
    request does not say, as for an API client, which acts on the return as it is."""
    text = request.POST.get("base", "")
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1
