"""Sign-in throttling, one for every sign-in page (the portal's and the admin's).

Failures are counted in the database three ways, within ``CSWW_LOGIN_WINDOW_MINUTES``:

* per account and address: ``CSWW_LOGIN_MAX_FAILURES`` failures lock that account from that
  address for the window (someone guessing from one place);
* per address, whatever the username: ``CSWW_LOGIN_MAX_ADDRESS_FAILURES`` failures lock the
  address (password spraying across many accounts);
* per account, from any address: after ``CSWW_LOGIN_MAX_FAILURES`` failures each further
  attempt waits ``CSWW_LOGIN_BACKOFF_SECONDS`` × 2ⁿ, never longer than the window (guessing
  from many places).

An attempt refused by the throttle is not counted, so nobody can extend a lock by hammering
it, and a lock ends by itself: an attacker cannot lock an approver out for more than the
window, and each address they use is soon locked itself. A success clears the account's
back-off, and a success from an address clears that address's lock
on the account. The client's address is ``REMOTE_ADDR``; behind ``CSWW_PORTAL_TRUSTED_PROXY_HOPS``
reverse proxies it is that many entries from the right of X-Forwarded-For (the entries a
client writes itself are further left, and never trusted).
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from csww_portal.models import LoginAttempt


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    hops = int(settings.CSWW_TRUSTED_PROXY_HOPS)
    if hops <= 0:
        return remote
    chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [p for p in chain if p]
    if len(chain) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(chain[-hops]))
    except ValueError:
        return remote


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def _since_success(attempts: QuerySet[LoginAttempt]) -> QuerySet[LoginAttempt]:
    last = attempts.filter(succeeded=True).aggregate(at=Max("at"))["at"]
    failed = attempts.filter(succeeded=False)
    return failed.filter(at__gt=last) if last is not None else failed


def wait_seconds(username: str, ip: str | None, now: datetime | None = None) -> int:
    """How long this attempt must wait (0: it may go ahead)."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.CSWW_LOGIN_WINDOW_MINUTES)
    recent = LoginAttempt.objects.filter(at__gte=now - window)
    limit = settings.CSWW_LOGIN_MAX_FAILURES

    def until(at: datetime | None, length: timedelta) -> int:
        return max(0, int((at + length - now).total_seconds()) + 1) if at else 0

    by_address = recent.filter(ip=ip, succeeded=False)
    if ip is not None and by_address.count() >= settings.CSWW_LOGIN_MAX_ADDRESS_FAILURES:
        return until(by_address.aggregate(at=Max("at"))["at"], window)
    mine = recent.filter(username=_key(username))
    account = _since_success(mine)
    pair = _since_success(mine.filter(Q(ip=ip) if ip is not None else Q(ip__isnull=True)))
    if pair.count() >= limit:
        return until(pair.aggregate(at=Max("at"))["at"], window)
    failures = account.count()
    if failures >= limit:
        delay = min(
            window, timedelta(seconds=settings.CSWW_LOGIN_BACKOFF_SECONDS * 2 ** (failures - limit))
        )
        return until(account.aggregate(at=Max("at"))["at"], delay)
    return 0


def locked_out(username: str, ip: str | None) -> bool:
    return wait_seconds(username, ip) > 0


def record(username: str, ip: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=_key(username), ip=ip, succeeded=succeeded)
