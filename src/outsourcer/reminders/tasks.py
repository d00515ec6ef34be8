"""Reminder jobs for the task backend. The scheduler enqueues both every hour; running them more
often, or on two workers at once, sends nothing twice (see services)."""

from __future__ import annotations

from django_tasks import task

from outsourcer.reminders.services import digests_send_all, reminders_send_all


@task()
def send_due_reminders() -> int:
    """Every workspace's due reminders; returns how many emails went out (digest items not counted)."""
    return reminders_send_all().sent


@task()
def send_daily_digests() -> int:
    """Each workspace's daily digests, once its working day has begun; returns how many went out."""
    return digests_send_all().sent
