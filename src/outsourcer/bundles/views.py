from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.models import User
from outsourcer.accounts.web import account_view, render_access, workspace_view
from outsourcer.bundles.forms import BundleNewWorkspaceForm, BundleUploadForm
from outsourcer.bundles.selectors import bundle_dumps, bundle_export, workspace_holds_data
from outsourcer.bundles.services import BundleConflict, bundle_import_into, bundle_import_new
from outsourcer.bundles.validation import BundleError, BundleInvalid, bundle_parse
from outsourcer.core.actor import Actor


def _read_upload(form: BundleUploadForm | BundleNewWorkspaceForm) -> bytes:
    upload = form.cleaned_data["file"]
    if upload.size > settings.BUNDLE_MAX_BYTES:
        raise BundleInvalid([BundleError("$", f"the file is larger than {settings.BUNDLE_MAX_BYTES // 2**20} MiB")])
    return bytes(upload.read())


@workspace_view(get="read", post="admin")
def bundle_page(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    errors: list[BundleError] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            document = bundle_parse(_read_upload(form), max_bytes=settings.BUNDLE_MAX_BYTES)
            result = bundle_import_into(
                actor=Actor.web(request),
                document=document,
                workspace=access.workspace,
                replace=form.cleaned_data["replace"],
            )
        except BundleInvalid as exc:
            errors, status = exc.errors, 400
        except BundleConflict as exc:
            form.add_error("replace", str(exc))
            status = 409
        else:
            messages.success(request, f"Imported the bundle into {result.workspace.name}.")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("bundles:page", ws=access.workspace.uuid)
    context = {"form": form, "errors": errors, "holds_data": workspace_holds_data(workspace=access.workspace)}
    response = render_access(request, access, "bundles/bundle.html", context)
    response.status_code = status
    return response


@workspace_view(get="read")
def bundle_download(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    body = bundle_dumps(bundle_export(workspace=access.workspace))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{access.workspace.slug}.bundle.json"'
    return response


@account_view
def import_new(request: HttpRequest) -> HttpResponse:
    form = BundleNewWorkspaceForm(request.POST or None, request.FILES or None)
    errors: list[BundleError] = []
    if request.method == "POST" and form.is_valid():
        try:
            document = bundle_parse(_read_upload(form), max_bytes=settings.BUNDLE_MAX_BYTES)
            result = bundle_import_new(
                actor=Actor.web(request),
                document=document,
                name=form.cleaned_data["name"],
                owner=cast(User, request.user),
            )
        except BundleInvalid as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Created {result.workspace.name} from the bundle.")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("workspace:dashboard", ws=result.workspace.uuid)
    return render(request, "bundles/import_new.html", {"form": form, "errors": errors}, status=400 if errors else 200)
