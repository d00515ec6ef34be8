import datetime as dt
import zoneinfo
from functools import cache

from django.utils import timezone as dj_timezone


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_iana_zone(name: object) -> bool:
    """A real IANA zone name ("Europe/Berlin"), never a folder of them ("Europe") or a fixed offset."""
    return isinstance(name, str) and name in _zones()


def today_in(zone: str) -> dt.date:
    """Today's date where the workspace is: a check run at 23:30 in New York is about that day."""
    try:
        return dj_timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dj_timezone.now().date()
