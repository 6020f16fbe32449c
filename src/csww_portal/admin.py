"""Administration pages for the administrator: people, roles and collection dates."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from csww_portal.access import role_of
from csww_portal.models import AuditEvent, Collection, LocalAuthority, Membership, Role
from csww_portal.services.collections import ensure_returns


def _administrator_only(request: HttpRequest) -> bool:
    """Django's admin is for the portal's administrators: an active staff account whose
    role is Administrator (DfE statisticians and LA users never, even if made staff)."""
    user = request.user
    return bool(user.is_active and user.is_staff and role_of(user) == Role.ADMIN)


def _sign_in_form() -> Any:
    from csww_portal.views.auth import ThrottledAdminAuthenticationForm

    return ThrottledAdminAuthenticationForm


_admin_sign_in = admin.site.login


def _sign_in(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin's sign-in; one the throttle refused answers 429 with the portal's page
    saying when to try again, as the portal's own sign-in does."""
    from csww_portal.views.auth import locked_page

    response = _admin_sign_in(request, extra_context)
    context = getattr(response, "context_data", None) or {}
    wait = getattr(context.get("form"), "wait", 0)
    if wait:
        return locked_page(request, wait, again=request.get_full_path())
    return response


# The admin's sign-in goes through the same throttle and audit as the portal's.
admin.site.has_permission = _administrator_only  # type: ignore[method-assign]
admin.site.login_form = _sign_in_form()
admin.site.login = _sign_in  # type: ignore[method-assign]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "familiarisation_start",
        "familiarisation_end",
        "opens",
        "closes",
        "la_read_only_until",
        "dfe_read_only_from",
    )
    readonly_fields = ("familiarisation_cleared_at",)

    def save_model(self, request: Any, obj: Collection, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        ensure_returns(obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "la")
    list_filter = ("role",)
    search_fields = ("user__username", "la__name", "la__code")


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region")
    search_fields = ("code", "name")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "la", "action", "detail")
    list_filter = ("action",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
