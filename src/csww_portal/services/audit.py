"""Recording who did what. Details name records by position and rule, never by content."""

from __future__ import annotations

from typing import Any

from csww_portal.models import AuditEvent, LAReturn


def record(
    user: Any,
    action: str,
    detail: str = "",
    *,
    ret: LAReturn | None = None,
    collection: Any = None,
    la: Any = None,
    username: str = "",
    at: Any = None,
) -> AuditEvent:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else username,
        collection=ret.collection if ret is not None else collection,
        la=ret.la if ret is not None else la,
        action=action,
        detail=detail[:500],
        **({"at": at} if at is not None else {}),
    )
