from typing import Any

from django.http import HttpRequest

from outsourcer import __version__


def product(request: HttpRequest) -> dict[str, Any]:
    return {"product_version": __version__}
