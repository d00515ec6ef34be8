from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from outsourcer import __version__


def healthz(request: HttpRequest) -> HttpResponse:
    """For a load balancer: the app answers and its database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "version": __version__})


healthz.door_policy = "public"  # type: ignore[attr-defined]


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You do not have permission to see this page."
    return render(request, "core/error.html", {"code": 403, "title": "Not allowed", "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"code": 404, "title": "Not found", "message": "There is nothing here, or it is not yours to see."},
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: rendering must not need the database, which may be what failed.
    return HttpResponse(loader.render_to_string("core/500.html"), status=500)
