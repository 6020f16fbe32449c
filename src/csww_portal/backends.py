"""Django's model backend, reading the signed-in person with their role and LA in one query
(every page needs all three: ``access.role_of`` and ``access.la_code_of``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from csww_portal import rows


class PortalBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        try:
            user = rows.user_with_role(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
