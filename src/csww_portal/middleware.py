"""Security headers on every response, no caching of pages that hold return data, and every
error answered as the portal answers errors (a GOV.UK page, or JSON under /api/)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from csww_portal.views import errors

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class ErrorResponsesMiddleware:
    """Errors the portal's handlers would not otherwise see, answered as they answer:

    - a body sent in chunks with no ``Content-Length`` (which Django reads as empty, so the
      form would fail its CSRF check or lose its file): 411, saying what to send;
    - a method a view or API route does not take (Django's and django-ninja's bare 405),
      and a method no page takes (PUT, PATCH, DELETE, OPTIONS, TRACE, which a page would
      otherwise answer as GET; TRACE and CONNECT under /api/): a GOV.UK page, or JSON under
      /api/, with ``Allow``;
    - HEAD under /api/, answered as GET without the body (django-ninja routes GET only);
    - under /api/, any other error that is not JSON (a framework's plain ``Bad Request``):
      the same status as ``{"detail": ...}``.
    """

    BODIES = frozenset({"POST", "PUT", "PATCH"})
    # What the pages take (a page would otherwise answer any other method as GET). The API's
    # routes say for themselves which methods they take; TRACE and CONNECT get a 405 there
    # too.
    PAGES = frozenset({"GET", "HEAD", "POST"})
    API = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in self.BODIES
            and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            and not request.META.get("CONTENT_LENGTH")
        ):
            return errors.length_required(request)
        api = errors.is_api(request)
        if request.method not in (self.API if api else self.PAGES):
            return errors.not_allowed(request, "GET, HEAD, POST")
        if api and request.method == "HEAD":
            # Answered as GET (the server sends the headers only): every route that can be
            # read can be asked about.
            request.method = request.META["REQUEST_METHOD"] = "GET"
        response = self.get_response(request)
        if response.status_code < 400 or response.streaming:
            return response
        if isinstance(response, HttpResponseNotAllowed):
            return errors.not_allowed(request, response.get("Allow", ""))
        if errors.is_api(request) and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return errors.as_api_problem(response)
        return response
