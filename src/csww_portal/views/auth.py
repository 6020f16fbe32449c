"""Signing in (throttled), signing out and the home page that sends each role on its way."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from csww_portal import throttle
from csww_portal.access import is_dfe, la_code_of
from csww_portal.context import current_collection
from csww_portal.models import AuditEvent
from csww_portal.services import audit

LOCKED = (
    "Too many failed attempts to sign in. Wait {minutes} minutes and try again, "
    "or contact the helpdesk."
)


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages: ClassVar[dict[str, str]] = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request) if self.request else None
        if throttle.locked_out(username, ip):
            from django.conf import settings

            raise forms.ValidationError(
                LOCKED.format(minutes=settings.CSWW_LOGIN_WINDOW_MINUTES), code="locked"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record(username, ip, succeeded=False)
            raise
        throttle.record(username, ip, succeeded=True)
        return cleaned


class LoginView(auth_views.LoginView):
    template_name = "csww_portal/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(self.request.user, AuditEvent.Action.LOGIN, "Signed in")
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names: ClassVar[list[str]] = ["post", "options"]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    collection = current_collection()
    if collection is not None:
        if is_dfe(request.user):
            return redirect("csww_portal:dashboard", collection.year)
        code = la_code_of(request.user)
        if code is not None:
            return redirect("csww_portal:overview", collection.year, code)
    return render(request, "csww_portal/home.html", {"collection": collection})
