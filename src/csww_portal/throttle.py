"""Sign-in throttling: failures are counted per username and address in the database.

After ``CSWW_LOGIN_MAX_FAILURES`` failures within ``CSWW_LOGIN_WINDOW_MINUTES`` (5 in 15 by
default) that username is locked from that address until the window has passed; a
successful sign-in starts the count again.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from csww_portal.models import LoginAttempt


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def failures(username: str, ip: str | None) -> int:
    since = timezone.now() - timedelta(minutes=settings.CSWW_LOGIN_WINDOW_MINUTES)
    attempts = LoginAttempt.objects.filter(username=_key(username), ip=ip, at__gte=since)
    last_success = attempts.filter(succeeded=True).aggregate(at=Max("at"))["at"]
    if last_success is not None:
        attempts = attempts.filter(at__gt=last_success)
    return attempts.filter(succeeded=False).count()


def locked_out(username: str, ip: str | None) -> bool:
    return failures(username, ip) >= settings.CSWW_LOGIN_MAX_FAILURES


def record(username: str, ip: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=_key(username), ip=ip, succeeded=succeeded)
