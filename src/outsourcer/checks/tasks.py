"""Health-check jobs: after an import, and every day. Only ids go through the queue."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from outsourcer.accounts.models import Workspace
from outsourcer.checks.models import CheckRun
from outsourcer.checks.selectors import workspaces_due_for_daily_check
from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor

logger = logging.getLogger(__name__)


@task()
def run_check(*, workspace_id: str, trigger: str = CheckRun.Trigger.IMPORT) -> int:
    """Check one workspace; returns the number of open findings (-1 when it is gone)."""
    workspace = Workspace.objects.filter(uuid=workspace_id).first()
    if workspace is None:
        return -1
    return len(check_run(actor=Actor.job(), workspace=workspace, trigger=trigger).open)


@task()
def run_due_checks() -> int:
    """The daily check of every workspace not checked in the last day. Safe to run often, or twice."""
    done = 0
    for workspace in workspaces_due_for_daily_check(now=timezone.now()).iterator():
        try:
            check_run(actor=Actor.job(), workspace=workspace, trigger=CheckRun.Trigger.SCHEDULE)
            done += 1
        except Exception:  # one broken workspace must not stop the others' checks
            logger.exception("daily check failed for workspace %s", workspace.uuid)
    return done
