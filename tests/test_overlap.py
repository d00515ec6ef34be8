"""Daily working-hours overlap across time zones, with fixed dates around DST changes."""

from __future__ import annotations

import datetime as dt

import pytest

from outsourcer.contractors.overlap import Hours, daily_overlap, overlap_on, worst_day

T = dt.time


def nine_to_five(zone: str) -> Hours:
    return Hours(zone=zone, start=T(9), end=T(17))


NEW_YORK = nine_to_five("America/New_York")
BERLIN = nine_to_five("Europe/Berlin")


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (dt.date(2026, 3, 6), 2),  # both on winter time: Berlin is 6 hours ahead
        (dt.date(2026, 3, 9), 3),  # New York moved on 8 March, Berlin not yet: 5 hours ahead
        (dt.date(2026, 3, 27), 3),
        (dt.date(2026, 3, 30), 2),  # Berlin moved on 29 March: 6 hours again
        (dt.date(2026, 10, 26), 3),  # Berlin back on winter time on 25 October, New York on 1 November
        (dt.date(2026, 11, 2), 2),
    ],
)
def test_new_york_and_berlin_across_both_dst_changes(day, hours):
    assert overlap_on(NEW_YORK, BERLIN, day).minutes == hours * 60


def test_kolkata_has_no_dst_and_an_evening_shift_crossing_midnight():
    kolkata_evening = Hours(zone="Asia/Kolkata", start=T(18), end=T(2))  # 18:00 to 02:00 next day
    # Winter: 18:00 IST = 07:30 EST, 02:00 IST = 15:30 EST: New York shares 09:00-15:30.
    assert overlap_on(NEW_YORK, kolkata_evening, dt.date(2026, 1, 13)).minutes == 390
    # Summer: the same Indian evening is 08:30-16:30 EDT: 09:00-16:30.
    assert overlap_on(NEW_YORK, kolkata_evening, dt.date(2026, 7, 14)).minutes == 450
    # A plain 9-to-5 in Kolkata never meets New York's.
    assert overlap_on(NEW_YORK, nine_to_five("Asia/Kolkata"), dt.date(2026, 1, 13)).minutes == 0


def test_sydney_a_day_ahead_meets_new_york_on_the_previous_evening():
    sydney = nine_to_five("Australia/Sydney")
    late_new_york = Hours(zone="America/New_York", start=T(13), end=T(21))
    # Friday 6 March, 13:00-21:00 EST: Sydney (UTC+11) is then in its Saturday, a day off.
    assert overlap_on(late_new_york, sydney, dt.date(2026, 3, 6)).minutes == 0
    # Thursday 5 March, 13:00-21:00 EST = 18:00-02:00 UTC; Sydney's Friday 09:00 AEDT = 22:00 UTC.
    assert overlap_on(late_new_york, sydney, dt.date(2026, 3, 5)).minutes == 4 * 60
    # 12 March: New York on summer time (UTC-4): 17:00-01:00 UTC; Sydney still 22:00 UTC: 3 hours.
    assert overlap_on(late_new_york, sydney, dt.date(2026, 3, 12)).minutes == 3 * 60
    # 9 April: Sydney back on winter time (UTC+10) since 5 April: its Friday starts 23:00 UTC: 2 hours.
    assert overlap_on(late_new_york, sydney, dt.date(2026, 4, 9)).minutes == 2 * 60


def test_only_the_business_working_days_count_and_the_worst_is_found():
    days = daily_overlap(NEW_YORK, BERLIN, start=dt.date(2026, 3, 2), days=30)
    assert all(d.day.isoweekday() <= 5 for d in days)
    assert len(days) == 22  # 2 to 31 March 2026 holds 22 weekdays
    worst = worst_day(NEW_YORK, BERLIN, start=dt.date(2026, 3, 2), days=30)
    assert (worst.day, worst.minutes) == (dt.date(2026, 3, 2), 120)
    best = max(days, key=lambda d: d.minutes)
    assert best.minutes == 180 and dt.date(2026, 3, 9) <= best.day <= dt.date(2026, 3, 27)


def test_a_contractor_who_works_other_days_gives_zero_on_those():
    weekend_worker = Hours(zone="Europe/Berlin", start=T(9), end=T(17), days=(6, 7))
    assert worst_day(NEW_YORK, weekend_worker, start=dt.date(2026, 3, 2)).minutes == 0
    off = Hours(zone="America/New_York", start=T(9), end=T(17), days=())
    assert worst_day(off, BERLIN, start=dt.date(2026, 3, 2)) is None
