import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router

from outsourcer.accounts.api_conflicts import ConflictOut, StateConflict
from outsourcer.accounts.api_door import api_door, requires
from outsourcer.bundles.selectors import bundle_dumps, bundle_export
from outsourcer.bundles.services import BundleConflict, bundle_import_into
from outsourcer.bundles.validation import bundle_parse
from outsourcer.core.actor import Actor

router = Router(tags=["bundle"])


@router.get(
    "/workspaces/{ws}/bundle",
    summary="Export the workspace as a bundle",
    description="The workspace bundle (see docs/bundle-format.md); the same data always gives the same bytes.",
    response={200: dict[str, Any]},
)
@requires("read")
def bundle_get(request: HttpRequest, ws: uuid.UUID) -> HttpResponse:
    access = api_door(request, ws, "read")
    return HttpResponse(bundle_dumps(bundle_export(workspace=access.workspace)), content_type="application/json")


@router.put(
    "/workspaces/{ws}/bundle",
    summary="Replace the workspace with a bundle",
    description=(
        "Send the bundle as the request body. It is validated in full first: a 400 lists every "
        "problem with its JSON path, and nothing changes. Otherwise the workspace is replaced, all or nothing; "
        "a 409 when it keeps signed papers a freelancer law says to keep (replacing would delete them)."
    ),
    response={200: dict[str, Any], 409: ConflictOut},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": "A workspace bundle (bundle.schema.json)"}
                }
            },
        }
    },
)
@requires("admin")
def bundle_put(request: HttpRequest, ws: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "admin")
    document = bundle_parse(request.body, max_bytes=settings.BUNDLE_MAX_BYTES)
    try:
        result = bundle_import_into(
            actor=Actor.api(request), document=document, workspace=access.workspace, replace=True
        )
    except BundleConflict as exc:  # signed papers the law says to keep
        raise StateConflict({"bundle": [str(exc)]}) from exc
    return result.as_dict()
