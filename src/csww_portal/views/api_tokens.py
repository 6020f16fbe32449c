"""The signed-in person's API tokens: issue one (shown once), see when each was last used,
revoke any. Administrators issue tokens for others with ``csww token USERNAME``."""

from __future__ import annotations

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
            token = get_object_or_404(
                ApiToken, pk=request.POST.get("revoke", "").strip() or 0, user=request.user
            )
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
    context["tokens"] = ApiToken.objects.filter(user=request.user)
    if "error" in context:
        context["errors"] = [{"href": "#name", "text": context["error"]}]
        context["page_has_errors"] = True
    return render(request, "csww_portal/api_tokens.html", context, status=status)
