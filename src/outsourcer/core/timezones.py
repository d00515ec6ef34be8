import zoneinfo
from functools import cache


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_iana_zone(name: object) -> bool:
    """A real IANA zone name ("Europe/Berlin"), never a folder of them ("Europe") or a fixed offset."""
    return isinstance(name, str) and name in _zones()
