"""The REST API at /api/v1/: one NinjaAPI, each app's router mounted on it, errors as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from outsourcer import __version__
from outsourcer.accounts.api import router as accounts_router
from outsourcer.accounts.api_conflicts import StateConflict
from outsourcer.accounts.api_door import AUTH
from outsourcer.accounts.door import ObjectNotFound, WorkspaceNotFound
from outsourcer.accounts.services import AccountError
from outsourcer.audit.api import router as audit_router
from outsourcer.bundles.api import router as bundles_router
from outsourcer.bundles.services import BundleConflict
from outsourcer.bundles.validation import BundleInvalid
from outsourcer.checks.api import router as checks_router
from outsourcer.compliance.api import router as agreements_router
from outsourcer.compliance.api_classification import router as classification_router
from outsourcer.contractors.services import PossibleDuplicates
from outsourcer.deliverables.api import router as deliverables_router
from outsourcer.engagements.api import router as engagements_router
from outsourcer.payments.api import router as payments_router
from outsourcer.payments.api_tax import router as tax_router
from outsourcer.planning.api import router as planning_router
from outsourcer.portal.api import router as portal_router
from outsourcer.risk.api import router as risks_router
from outsourcer.risk.api_access import router as access_router
from outsourcer.vetting.api import router as vetting_router
from outsourcer.vetting.serialize import duplicate_dict
from outsourcer.vetting.services import VettingIncomplete


class OutsourcerAPI(NinjaAPI):
    """Builds the OpenAPI document once per root path: it only changes when the code does."""

    _schemas: dict[str, Any]

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache = self.__dict__.setdefault("_schemas", {})
        if path_prefix not in cache:
            cache[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return cache[path_prefix]


class StrictJSONParser(Parser):
    """JSON as the standard has it: NaN and Infinity are Python's extensions, and no column stores them."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


api = OutsourcerAPI(
    parser=StrictJSONParser(),
    title="Outsourcer API",
    version="1",
    description=(
        f"Outsourcer {__version__}. Authenticate with a personal API token "
        "(`Authorization: Bearer osk_...`, created on a workspace's API tokens page) or, from the "
        "browser, the signed-in session. Every error is JSON with a `message`."
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)

api.add_router("", accounts_router)
api.add_router("", audit_router)
api.add_router("", bundles_router)
api.add_router("", planning_router)
api.add_router("", checks_router)
api.add_router("", vetting_router)
api.add_router("", engagements_router)
api.add_router("", deliverables_router)
api.add_router("", payments_router)
api.add_router("", tax_router)
api.add_router("", risks_router)
api.add_router("", access_router)
api.add_router("", agreements_router)
api.add_router("", classification_router)
api.add_router("", portal_router)


def _error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"message": message, **extra}, status=status)


@api.exception_handler(WorkspaceNotFound)
def _workspace_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "No such workspace.")


@api.exception_handler(ObjectNotFound)
def _object_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, str(exc) or "You do not have permission to do this.")


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "Authentication required: send a bearer token or sign in.")


@api.exception_handler(AccountError)
def _account_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 400, str(exc))


@api.exception_handler(ValidationError)
def _model_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    errors = [{"path": f"$.{field}" if field else "$", "message": " ".join(msgs)} for field, msgs in details.items()]
    return _error(request, 400, "Some values are not valid.", errors=errors)


def _loc_path(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja's locations start with where the value came from ("body", "query", "path") and, for a
    # body, the parameter's name; the caller only knows the fields they sent.
    parts = [str(p) for p in loc[1:]]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return "$" + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts)


@api.exception_handler(NinjaValidationError)
def _request_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [{"path": _loc_path(err.get("loc", [])), "message": err.get("msg", "invalid")} for err in exc.errors]
    return _error(request, 422, "The request is not valid.", errors=errors)


@api.exception_handler(BundleInvalid)
def _bundle_invalid(request: HttpRequest, exc: BundleInvalid) -> HttpResponse:
    return _error(
        request,
        400,
        f"The bundle has {len(exc.errors)} problem(s); nothing was imported.",
        errors=[e.as_dict() for e in exc.errors],
    )


@api.exception_handler(BundleConflict)
def _bundle_conflict(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 409, str(exc))


@api.exception_handler(PossibleDuplicates)
def _possible_duplicates(request: HttpRequest, exc: PossibleDuplicates) -> HttpResponse:
    return _error(request, 409, str(exc), matches=[duplicate_dict(m) for m in exc.matches])


@api.exception_handler(VettingIncomplete)
def _vetting_incomplete(request: HttpRequest, exc: VettingIncomplete) -> HttpResponse:
    return _error(request, 409, str(exc), missing=list(exc.gaps))


@api.exception_handler(StateConflict)
def _state_conflict(request: HttpRequest, exc: StateConflict) -> HttpResponse:
    errors = [{"path": f"$.{field}", "message": " ".join(msgs)} for field, msgs in exc.errors.items()]
    return _error(request, 409, str(exc), errors=errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))
