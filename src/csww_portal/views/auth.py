"""Signing in (throttled), signing out and the home page that sends each role on its way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csww_portal import throttle
from csww_portal.access import is_dfe, la_code_of, membership
from csww_portal.context import current_collection
from csww_portal.models import AuditEvent
from csww_portal.services import audit
from csww_portal.services.wording import count

LOCKED = (
    "Too many failed attempts to sign in. Wait {wait} (until {until:%H:%M}) and try again, "
    "or contact the helpdesk."
)


def _wait_text(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return count(minutes, "minute") if seconds > 60 else count(seconds, "second")


def _until(seconds: int) -> datetime:
    return timezone.localtime() + timedelta(seconds=seconds)


def locked_message(seconds: int) -> str:
    return LOCKED.format(wait=_wait_text(seconds), until=_until(seconds))


def locked_page(request: HttpRequest, seconds: int, again: str) -> HttpResponse:
    """A sign-in the throttle refused, on a page of its own: 429 Too Many Requests, saying
    when to try again (and ``Retry-After``). Used where the sign-in form is not the portal's
    own (the Django admin's)."""
    response = render(
        request,
        "csww_portal/sign_in_locked.html",
        {"message": locked_message(seconds), "until": _until(seconds), "again": again},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class ThrottledSignIn(AuthenticationForm):
    """The throttle and the audit for any sign-in form (the portal's and the admin's)."""

    wait = 0  # seconds, when the throttle refused the attempt

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request) if self.request else None
        wait = throttle.wait_seconds(username, ip)
        if wait:
            self.wait = wait
            _audit_failure(username, "refused while locked")
            raise forms.ValidationError(locked_message(wait), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record(username, ip, succeeded=False)
            _audit_failure(username, "wrong username or password")
            raise
        throttle.record(username, ip, succeeded=True)
        _audit_sign_in(self.get_user(), True, f"Signed in ({'portal' if self.portal else 'admin'})")
        return cleaned

    portal = True


class ThrottledAuthenticationForm(ThrottledSignIn):
    error_messages = {  # noqa: RUF012  (Django reads it from the class)
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }


class ThrottledAdminAuthenticationForm(ThrottledSignIn, AdminAuthenticationForm):
    portal = False


def _audit_sign_in(account: Any, succeeded: bool, detail: str) -> None:
    """A sign-in or a failed one, in the audit log of the account's LA and the current
    collection. For a username that is no account nothing of what was typed is kept (it
    may be a password typed into the wrong box)."""
    m = membership(account) if account is not None else None
    audit.record(
        account if succeeded else None,
        AuditEvent.Action.LOGIN if succeeded else AuditEvent.Action.LOGIN_FAILED,
        detail,
        collection=current_collection(),
        la=m.la if m is not None else None,
        username=account.get_username() if account is not None else "",
    )


def _audit_failure(username: str, why: str) -> None:
    account = get_user_model().objects.filter(username=username).first()
    _audit_sign_in(account, False, f"Sign-in failed: {why}")


class LoginView(auth_views.LoginView):
    template_name = "csww_portal/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        """A throttled attempt is answered 429 Too Many Requests, with when to try again."""
        response = super().form_invalid(form)
        if any(e.code == "locked" for e in form.errors.as_data().get("__all__", [])):
            response.status_code = 429
            wait = getattr(form, "wait", 0)
            if wait:
                response["Retry-After"] = str(wait)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]  # noqa: RUF012  (Django reads it from the class)


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
