"""PLACEHOLDER: being written now; replaced before this work lands."""

from typing import Any


def agreement(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def agreement_print(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def agreement_pdf(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def agreement_sign(request: Any, ws: Any, **kwargs: Any) -> Any:
    raise NotImplementedError
