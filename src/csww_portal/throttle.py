"""Throttles, counted in the database so that every web process shares them: sign-in
throttling, one for every sign-in page (the portal's and the admin's), and
:class:`WindowCounter` for counts in a fixed window (wrong API tokens per address).

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
import math
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from csww_portal.models import LoginAttempt, ThrottleCount


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


class WindowCounter:
    """Events per key (say, wrong API tokens per client address) counted in fixed windows of
    ``seconds``, in the database (``ThrottleCount``): every web process, on this machine or
    another, counts against one limit, so running more processes does not allow more guesses.

    :meth:`hit` is one statement, an atomic upsert (``INSERT … ON CONFLICT DO UPDATE …
    RETURNING``, the same SQL on SQLite and PostgreSQL): two processes counting at once never
    lose a count. When a key's window has ended its next hit starts a new one, and a new window
    deletes every row whose window ended, so the table holds only keys seen lately.
    """

    def __init__(self, name: str, seconds: int) -> None:
        self.name = name
        self.seconds = seconds

    def _key(self, key: str) -> str:
        return f"{self.name}:{key}"[:200]

    def hit(self, key: str, now: float | None = None) -> int:
        """Count one event for ``key``; the count in its window, this one included."""
        now = time.time() if now is None else now
        table = connection.ops.quote_name(ThrottleCount._meta.db_table)
        k, started, count = (connection.ops.quote_name(c) for c in ("key", "started", "count"))
        ended = now - self.seconds
        sql = (
            f"INSERT INTO {table} ({k}, {started}, {count}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({k}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{started} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
            f"{started} = CASE WHEN {table}.{started} <= %s THEN %s ELSE {table}.{started} END "
            f"RETURNING {count}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._key(key), now, ended, ended, now])
            row = cursor.fetchone()
        counted = int(row[0]) if row else 1
        if counted == 1:  # a new window: rows whose window has ended go
            ThrottleCount.objects.filter(started__lte=ended).delete()
        return counted

    def wait(self, key: str, limit: int, now: float | None = None) -> int:
        """Seconds until ``key`` may go again (0: now): ``limit`` events in its window make it
        wait for the rest of the window."""
        now = time.time() if now is None else now
        row = ThrottleCount.objects.filter(key=self._key(key)).values_list("started", "count")
        found = row.first()
        if found is None:
            return 0
        started, count = found
        left = started + self.seconds - now
        if count < limit or left <= 0:
            return 0
        return max(1, math.ceil(left))
