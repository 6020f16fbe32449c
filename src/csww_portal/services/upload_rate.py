"""Uploads per API token, per person through their tokens, and per person through the
portal's pages, in a rolling window (``CSWW_UPLOAD_RATE`` in ``CSWW_UPLOAD_RATE_MINUTES``).
A runaway client, or a flood of junk through a leaked token, slows only its owner's tokens:
the LA's other people and their tokens, and the token's owner on the upload page, upload as
before; and the return's allowance counts only files that were loaded, so junk can never use
it up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from csww_portal.models import ApiToken, Upload
from csww_portal.services.versions import WorkflowError


class TooManyUploads(WorkflowError):
    """Over the rate: ``wait`` is how many seconds until the next upload is taken."""

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message)
        self.wait = wait


def check(user: Any, token: ApiToken | None = None) -> None:
    """Raise :class:`TooManyUploads` when this person (or this token) has sent the most
    uploads the window allows."""
    limit, minutes = settings.CSWW_UPLOAD_RATE, settings.CSWW_UPLOAD_RATE_MINUTES
    now = timezone.now()
    since = now - timedelta(minutes=minutes)
    # A token's uploads count against that token, and against all its owner's tokens
    # together; a person's on the pages against them, apart from their tokens'.
    checks: list[tuple[str, dict[str, Any]]] = [
        ("you have", {"uploaded_by": user, "token__isnull": token is None})
    ]
    if token is not None:
        checks.insert(0, ("this API token has", {"token": token}))
    for what, who in checks:
        recent = Upload.objects.filter(**who, uploaded_at__gte=since)
        if recent.count() < limit:
            continue
        oldest = recent.aggregate(at=Min("uploaded_at"))["at"] or now
        wait = max(1, int((oldest + timedelta(minutes=minutes) - now).total_seconds()) + 1)
        if token is not None and "token" not in who:
            what = "your API tokens have"
        raise TooManyUploads(
            f"{what[0].upper()}{what[1:]} sent {limit} files in the last {minutes} minutes, the "
            f"most the portal takes. Try again in {_wait(wait)}. Files already sent are kept "
            "and checked.",
            wait,
        )


def _wait(seconds: int) -> str:
    if seconds <= 60:
        return f"{seconds} second{'s' * (seconds != 1)}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"
