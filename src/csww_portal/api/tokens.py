"""Per-user API tokens: issued by the user (their tokens page) or an administrator
(``csww token USERNAME``), stored as a SHA-256 digest, revocable, and audited."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from csww_portal import throttle
from csww_portal.models import ApiToken, AuditEvent
from csww_portal.services import audit

PREFIX = "csww_"


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _by(user: Any, by: Any) -> str:
    """How the audit entry names who acted: ``by`` is the person, or None for the command line."""
    if by is None:
        return f" for {user.get_username()}, by an administrator on the command line"
    return "" if by == user else f" for {user.get_username()}"


def issue(user: Any, name: str, *, by: Any) -> tuple[str, ApiToken]:
    """A new token for ``user``; the raw token is returned once and never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)
    name = name.strip()[:100] or "API token"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[: len(PREFIX) + 6], digest=digest(raw)
        )
        detail = f"Issued API token {token.prefix}…{_by(user, by)}"
        audit.record(by, AuditEvent.Action.TOKEN, detail)
    return raw, token


def revoke(token: ApiToken, *, by: Any) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        detail = f"Revoked API token {token.prefix}…{_by(token.user, by)}"
        audit.record(by, AuditEvent.Action.TOKEN, detail)


def user_for(raw: str) -> Any | None:
    """The active user a token belongs to, or None (unknown, revoked or inactive user)."""
    token = token_for(raw)
    return token.user if token is not None else None


#: Wrong tokens per client address, counted per minute in the database, so that every web
#: process counts against the one limit (``throttle.WindowCounter``).
WRONG_TOKENS = throttle.WindowCounter("api-token-failures", 60)


def auth_wait(address: str | None) -> int:
    """Seconds this address must wait before its next token is checked (0: go ahead): after
    ``CSWW_API_AUTH_MAX_FAILURES`` wrong tokens in a minute, the rest of that minute. A
    request refused here is not counted (so the wait ends), and no token is looked up."""
    return WRONG_TOKENS.wait(address or "-", settings.CSWW_API_AUTH_MAX_FAILURES)


def auth_failed(address: str | None) -> None:
    WRONG_TOKENS.hit(address or "-")


def token_for(raw: str) -> ApiToken | None:
    """The live token (with its active user), or None (unknown, revoked or inactive user)."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
