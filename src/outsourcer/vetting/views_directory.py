"""TEMPORARY placeholders while the pages are written; every one is replaced."""

from typing import Any

from django.http import Http404

from outsourcer.accounts.web import workspace_view


@workspace_view(get="read", post="write")
def directory(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def contractor_new(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def scorecard_weights(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def contractor_detail(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def contractor_edit(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")


@workspace_view(get="read", post="write")
def contractor_delete(request: Any, access: Any, **kwargs: Any) -> Any:
    raise Http404("not written yet")
