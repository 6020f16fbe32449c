"""Django's model backend, reading the signed-in person with their role and LA in one query
(every page needs all three: ``access.role_of`` and ``access.la_code_of``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("membership__la").get(pk=user_id)
        except (model.DoesNotExist, ValueError):
            return None
        return user if self.user_can_authenticate(user) else None
