"""PLACEHOLDER: being written now; replaced before this work lands."""

from typing import Any


def access_register(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def grant_detail(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def grant_revoke(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def engagement_exit(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def grant_new(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def offboarding(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError
