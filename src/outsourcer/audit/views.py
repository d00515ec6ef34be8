from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.audit.selectors import audit_entry_list

FACES = ("web", "api", "cli", "job")


@workspace_view(get="audit")
def activity(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    face = request.GET.get("face", "")
    face = face if face in FACES else ""
    entries = audit_entry_list(workspace=access.workspace, face=face)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    htmx = request.htmx  # type: ignore[attr-defined]
    # A history restore asks for the whole page, though htmx sends it.
    partial = bool(htmx) and not htmx.history_restore_request
    template = "audit/_entries.html" if partial else "audit/activity.html"
    return render_access(request, access, template, {"page": page, "face": face, "faces": FACES})
