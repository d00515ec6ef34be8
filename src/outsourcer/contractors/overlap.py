"""Working-hours overlap between the business and a contractor, day by day, DST-aware.

Each side's hours are a local window (`start`-`end`, crossing midnight when `end` is earlier) on
its own working weekdays, in its own IANA zone. Windows are turned into UTC instants date by date,
so the two zones changing to or from summer time on different dates is handled by the zone
database, not by a fixed offset. A day is one of the business's working days, named by its local
date: "on Tuesday 10 March you share 3 hours" is what a person plans with.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Hours:
    zone: str
    start: dt.time
    end: dt.time
    days: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO weekdays, 1 = Monday

    def window(self, local_date: dt.date) -> Interval | None:
        """The working window that starts on `local_date`, in UTC; None on a day off."""
        if local_date.isoweekday() not in self.days or self.start == self.end:
            return None
        tz = zoneinfo.ZoneInfo(self.zone)
        begin = dt.datetime.combine(local_date, self.start, tzinfo=tz)
        end_date = local_date if self.end > self.start else local_date + dt.timedelta(days=1)
        end = dt.datetime.combine(end_date, self.end, tzinfo=tz)
        return begin.astimezone(UTC), end.astimezone(UTC)

    def windows_near(self, moment: Interval) -> list[Interval]:
        """Every window of these hours that could touch `moment` (local dates a day either side)."""
        tz = zoneinfo.ZoneInfo(self.zone)
        first = moment[0].astimezone(tz).date() - dt.timedelta(days=1)
        last = moment[1].astimezone(tz).date() + dt.timedelta(days=1)
        found = []
        day = first
        while day <= last:
            window = self.window(day)
            if window is not None:
                found.append(window)
            day += dt.timedelta(days=1)
        return found


@dataclass(frozen=True)
class DayOverlap:
    day: dt.date  # the business's local working date
    minutes: int
    shared: list[Interval] = field(default_factory=list)  # the shared stretches, in UTC

    @property
    def hours(self) -> float:
        return self.minutes / 60


def _intersect(a: Interval, b: Interval) -> Interval | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start < end else None


def overlap_on(business: Hours, contractor: Hours, day: dt.date) -> DayOverlap | None:
    """The overlap on one of the business's working days; None when the business does not work then."""
    window = business.window(day)
    if window is None:
        return None
    shared = [s for other in contractor.windows_near(window) if (s := _intersect(window, other)) is not None]
    minutes = sum(int((end - start).total_seconds() // 60) for start, end in shared)
    return DayOverlap(day=day, minutes=minutes, shared=shared)


def daily_overlap(business: Hours, contractor: Hours, *, start: dt.date, days: int = 30) -> list[DayOverlap]:
    """The overlap on each of the business's working days in `days` calendar days from `start`."""
    result = []
    for offset in range(days):
        found = overlap_on(business, contractor, start + dt.timedelta(days=offset))
        if found is not None:
            result.append(found)
    return result


def worst_day(business: Hours, contractor: Hours, *, start: dt.date, days: int = 30) -> DayOverlap | None:
    """The working day with the least overlap (the earliest of equals); None when nobody works."""
    days_found = daily_overlap(business, contractor, start=start, days=days)
    return min(days_found, key=lambda d: (d.minutes, d.day)) if days_found else None


def overlap_day_dict(day: DayOverlap) -> dict[str, Any]:
    """One day of overlap as the API and the CLI give it."""
    return {
        "day": day.day,
        "minutes": day.minutes,
        "shared": [{"start": start, "end": end} for start, end in day.shared],
    }
