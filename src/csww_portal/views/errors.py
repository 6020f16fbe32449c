"""GOV.UK-style error pages that say what to do, without internal detail."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, heading: str, message: str, code: int) -> HttpResponse:
    if is_api(request):  # API clients read JSON, as every API error is: {"detail": ...}
        return JsonResponse({"detail": message if code != 404 else heading + "."}, status=code)
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
