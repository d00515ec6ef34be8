"""Under /api/ every error is JSON with a message, even those Django answers before the API runs."""

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"


def _carries_nul(request: HttpRequest) -> bool:
    """NUL characters are valid JSON but no database text column takes them (PostgreSQL refuses)."""
    if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method in {"POST", "PUT", "PATCH"} and not (request.content_type or "").startswith("multipart/"):
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    return False


class JsonApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and _carries_nul(request):
            return JsonResponse({"message": "Text must not contain NUL (\\u0000) characters."}, status=400)
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            message = {
                404: "No such API operation.",
                405: f"{request.method} is not allowed here.",
            }.get(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error")
            replacement = JsonResponse({"message": message}, status=status)
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
