"""Who may see and change what. Every view reaches data only through these helpers.

An LA user asking for another LA's return gets 404 (the portal does not confirm that it
exists); an LA user asking for a DfE page gets 403. DfE statisticians and administrators
see every LA.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from csww_portal import rows
from csww_portal.models import LA_ROLES, Collection, LAReturn, Membership, Role
from csww_portal.services.collections import clear_familiarisation
from csww_portal.views.errors import is_api

P = ParamSpec("P")


def membership(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def role_of(user: Any) -> str | None:
    m = membership(user)
    if m is not None:
        return m.role
    return Role.ADMIN if getattr(user, "is_superuser", False) else None


def is_dfe(user: Any) -> bool:
    return role_of(user) in (Role.DFE, Role.ADMIN)


def is_la_user(user: Any) -> bool:
    return role_of(user) in LA_ROLES


def la_code_of(user: Any) -> str | None:
    m = membership(user)
    return m.la.code if m is not None and m.la is not None and m.role in LA_ROLES else None


def can_approve(user: Any) -> bool:
    return role_of(user) == Role.LA_APPROVER


def collection_or_404(year: int) -> Collection:
    collection = get_object_or_404(Collection, year=year)
    clear_familiarisation(collection)
    return collection


def return_for(user: Any, year: int, la_code: str, *, change: bool = False) -> LAReturn:
    """The return ``user`` may read (or, with ``change``, alter); 404 when it is not theirs."""
    role = role_of(user)
    if role in LA_ROLES:
        if la_code != la_code_of(user):
            raise Http404("No such return.")
    elif role not in (Role.DFE, Role.ADMIN):
        raise PermissionDenied("Your account has no role in this collection.")
    # One query finds the collection and the return. The current version's report, XML and
    # record ids are read when a page needs them (one query each), not on every request: a
    # 20,000-worker return's report may be megabytes.
    ret = rows.la_return(year, la_code)
    if ret is None:
        raise Http404("No such return.")
    collection = ret.collection
    if clear_familiarisation(collection):
        ret = return_for(user, year, la_code, change=change)  # as it is after the clearing
        return ret
    if role in LA_ROLES:
        if not collection.la_can_view():
            raise PermissionDenied(
                f"The {collection.year} collection is not open to local authorities now."
            )
        if change and not collection.la_can_change():
            raise PermissionDenied(
                f"The {collection.year} collection is closed: your return is read only."
            )
    elif change:
        raise PermissionDenied(
            "DfE users read returns; only the local authority changes its return."
        )
    return ret


LAView = Callable[Concatenate[HttpRequest, LAReturn, P], HttpResponseBase]


def la_view(*, change: bool = False) -> Callable[[LAView[P]], Callable[..., HttpResponseBase]]:
    """Views of one LA's return: resolve ``year`` and ``la`` to a return the user may use.

    With ``change``, GET still only needs read access (forms show what is there); any
    other method needs change access.
    """

    def decorate(view: LAView[P]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, year: int, la: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            rows.want_return(year, la)  # read with the session, in one statement
            if not request.user.is_authenticated:
                return signed_out(request)
            reading = request.method in ("GET", "HEAD")
            ret = return_for(request.user, year, la, change=change and not reading)
            if not change and not reading:
                return HttpResponseNotAllowed(["GET", "HEAD"])
            return view(request, ret, *args, **kwargs)

        return wrapper

    return decorate


def signed_out(request: HttpRequest) -> HttpResponse:
    """Nobody signed in: the sign-in page, and back here after it; under /api/ (the pages'
    own JSON, read with the session) a 401 in JSON, as every API error is."""
    if is_api(request):
        return JsonResponse(
            {
                "detail": "Sign in to the portal first: these addresses are read with the "
                "portal's session. A program should use API v1 with a token (/api/docs)."
            },
            status=401,
        )
    return redirect_to_login(request.get_full_path())


DfEView = Callable[Concatenate[HttpRequest, Collection, P], HttpResponse]


def dfe_view(view: DfEView[P]) -> Callable[..., HttpResponse]:
    """Views across every LA: DfE statisticians and administrators only."""

    @wraps(view)
    def wrapper(request: HttpRequest, year: int, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return signed_out(request)
        if not is_dfe(request.user):
            raise PermissionDenied("This page is for DfE users.")
        return view(request, collection_or_404(year), *args, **kwargs)

    return wrapper
