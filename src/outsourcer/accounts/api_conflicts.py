"""State conflicts (409), nulls in partial updates and paged lists of serialized rows, shared by the API's
routers.

Services refuse with Django's `ValidationError` both for a bad value (400) and for a request that
does not fit the object's state, such as approving hours that were approved already. An operation
names the fields whose refusal is about state; those answer 409 with the same error list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema

from outsourcer.audit.api import BoundedPagination


class StateConflict(Exception):
    """The request is well formed but the object's state refuses it."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


@contextmanager
def conflicts(*fields: str) -> Iterator[None]:
    """Turn a service's refusal on any of `fields` (and only those) into a 409."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and exc.message_dict and set(exc.message_dict) <= set(fields):
            raise StateConflict(exc.message_dict) from exc
        raise


def refuse_nulls(data: dict[str, Any], nullable: frozenset[str] = frozenset(), prefix: str = "") -> None:
    """In a partial update, null clears only the values that may be empty; anywhere else it is refused."""
    for key, value in data.items():
        if value is None and key not in nullable:
            raise ValidationError({prefix + key: "This field cannot be null."})


class ErrorOut(Schema):
    path: str
    message: str


class ConflictOut(Schema):
    message: str
    errors: list[ErrorOut]


def paged(serializer: Callable[[Any], dict[str, Any]]) -> type[BoundedPagination]:
    """A bounded limit/offset pagination whose page items are `serializer(row)`."""

    class SerializedPagination(BoundedPagination):
        def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
            page = super().paginate_queryset(queryset, pagination, request, **params)
            page["items"] = [serializer(row) for row in page["items"]]
            return page

    return SerializedPagination
