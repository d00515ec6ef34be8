"""Types every API schema module shares: strict request bodies, bounded dates and texts, field renames.

They sit in core so that any stage's API can use them without importing another stage's faces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import ConfigDict, Field

# Dates a record may carry: wide enough for an old licence, narrow enough that date sums never overflow.
# Forms and the bundle keep to the same range.
DAY_MIN = dt.date(1900, 1, 1)
DAY_MAX = dt.date(2999, 12, 31)
Day = Annotated[dt.date, Field(ge=DAY_MIN, le=DAY_MAX)]
Text = Annotated[str, Field(max_length=20000)]
Line = Annotated[str, Field(max_length=200)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StretchOut(Schema):
    start: dt.datetime
    end: dt.datetime


class OverlapDayOut(Schema):
    day: dt.date = Field(description="the workspace's local working date")
    minutes: int
    shared: list[StretchOut] = Field(description="the shared stretches, in UTC")


@contextmanager
def api_names(names: dict[str, str]) -> Iterator[None]:
    """Rename the fields of a service's ValidationError to the names the API caller used."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(field, field): msgs for field, msgs in exc.message_dict.items()}) from exc
