"""TEMPORARY placeholders while the pages are written; every one is replaced."""

from typing import Any

from django.http import Http404

from outsourcer.accounts.web import workspace_view


@workspace_view(get="read", post="write")
def board(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def contractor_stage(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def reference_new(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def interview_new(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def document_new(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def red_flag_new(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def trial_new(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def reference_edit(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def interview_edit(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def document_edit(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def document_file(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def red_flag_edit(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def trial_finish(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")
