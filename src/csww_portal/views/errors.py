"""GOV.UK-style error pages that say what to do, without internal detail."""

from __future__ import annotations

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, heading: str, message: str, code: int) -> HttpResponse:
    if is_api(request):  # API clients read JSON, as every API error is: {"detail": ...}
        return JsonResponse({"detail": message if code != 404 else heading + "."}, status=code)
    if not hasattr(request, "user"):  # refused before the session was read: nobody signed in
        from django.contrib.auth.models import AnonymousUser  # (needs the apps loaded)

        request.user = AnonymousUser()
    return render(
        request, "csww_portal/error.html", {"heading": heading, "message": message}, status=code
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception) if exception and str(exception) else "You do not have access to this page."
    )
    return _page(request, "You cannot use this page", message, 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request, "Page not found", "If you typed the web address, check it is correct.", 404
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse(
            {"detail": "Sorry, there is a problem with the service. Try again later."}, status=500
        )
    try:
        return _page(request, "Sorry, there is a problem with the service", "Try again later.", 500)
    except Exception:  # the database itself may be what failed
        return HttpResponse(
            "Sorry, there is a problem with the service. Try again later.",
            status=500,
            content_type="text/plain",
        )


def too_large(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    mb = settings.CSWW_MAX_UPLOAD_BYTES // (1024 * 1024)
    if is_api(request):
        return JsonResponse({"detail": f"The file must be smaller than {mb} MB."}, status=413)
    return _page(
        request,
        "The file is too large",
        f"The selected file must be smaller than {mb} MB. A return for 20,000 workers is about "
        "10 MB as XML. Check you chose the return file, not another file.",
        413,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request the portal cannot read (a form with no boundary or too many fields, a host
    name it does not serve)."""
    return _page(
        request,
        "The request could not be read",
        "What your browser or program sent was not a form the portal can read. Go back, "
        "reload the page and try again; a program should send a file as multipart/form-data.",
        400,
    )


def nul_character(request: HttpRequest, where: str) -> HttpResponse:
    """A NUL character (``%00``) in the address or a form (``where``: which, and its field):
    no text the portal keeps can hold one, and no person types one."""
    message = (
        f"{where[0].upper()}{where[1:]} holds a NUL character (%00), which no field of the "
        "portal can hold. Remove it and send again; nothing was saved."
    )
    return _either(request, "The request could not be read", message, 400)


def _either(request: HttpRequest, heading: str, message: str, code: int) -> HttpResponse:
    """JSON ``{"detail": message}`` under /api/, the GOV.UK page elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": message}, status=code)
    return _page(request, heading, message, code)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token, or with an old one (Django's CSRF check)."""
    return _page(
        request,
        "The form had expired",
        "The page you sent it from was too old, or your browser did not send its cookies. "
        "Go back, reload the page and try again. Nothing was saved.",
        403,
    )


def not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    """A method the page or API route does not take (a GET of a form's action, say)."""
    verbs = allowed or "none"
    response: HttpResponse
    if is_api(request):
        response = JsonResponse(
            {"detail": f"{request.method} is not allowed here. Allowed: {verbs}."}, status=405
        )
    else:
        response = _page(
            request,
            "This page cannot do that",
            "The address is for a form's answer, not a page to open. Go back and use the "
            "page's buttons.",
            405,
        )
    if allowed:
        response["Allow"] = allowed
    return response


def length_required(request: HttpRequest) -> HttpResponse:
    """A body sent in chunks with no length: the portal reads only bodies of stated length
    (a proxy such as nginx states it for any browser)."""
    message = (
        "Send the request with a Content-Length header (not Transfer-Encoding: chunked); "
        "nothing was read."
    )
    return _either(request, "The file could not be read", message, 411)


def as_api_problem(response: HttpResponse) -> HttpResponse:
    """An error answered under /api/ by something other than the API's own handlers (the
    web framework's plain text or HTML): the same status as JSON, ``{"detail": ...}``, as
    every API error is, keeping the headers a client acts on."""
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = "Error"
    out = JsonResponse({"detail": f"{phrase}."}, status=response.status_code)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            out[header] = response[header]
    return out
