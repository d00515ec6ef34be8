"""PLACEHOLDER: being written now; replaced before this work lands."""

from typing import Any


def register(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def heat_map_svg(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def risk_new(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def risk_detail(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def risk_delete(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def engagement_risks(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError
