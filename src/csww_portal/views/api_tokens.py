"""The signed-in person's API tokens: issue one (shown once), see when each was last used,
revoke any. Administrators issue tokens for others with ``csww token USERNAME``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from csww_portal.api import tokens
from csww_portal.models import ApiToken


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        if "revoke" in request.POST:
            text = request.POST.get("revoke", "").strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                context["error"] = "Choose a token to revoke from the list."
                context["revoke_error"] = True
                status = 400
            else:
                token = get_object_or_404(ApiToken, pk=int(text), user=request.user)
                tokens.revoke(token, by=request.user)
                context["revoked"] = token
        else:
            name = request.POST.get("name", "").strip()
            if not name:
                context["error"] = (
                    "Enter a name for the token, such as the system that will use it."
                )
                status = 400
            elif len(name) > 100:
                context["error"] = "The name must be 100 characters or fewer."
                status = 400
            else:
                raw, token = tokens.issue(request.user, name, by=request.user)
                context.update(new_token=raw, issued=token)
    owner: Any = request.user  # signed in (the view requires it)
    context["tokens"] = ApiToken.objects.filter(user=owner)
    if "error" in context:
        where = "#tokens" if "revoke" in request.POST else "#name"
        context["errors"] = [{"href": where, "text": context["error"]}]
        context["page_has_errors"] = True
    return render(request, "csww_portal/api_tokens.html", context, status=status)
