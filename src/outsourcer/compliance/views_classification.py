"""PLACEHOLDER: being written now; replaced before this work lands."""

from typing import Any


def overview(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def classification(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def assessment(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError
