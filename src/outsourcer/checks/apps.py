from typing import Any

from django.apps import AppConfig
from django.db import transaction


class ChecksConfig(AppConfig):
    name = "outsourcer.checks"
    label = "checks"
    verbose_name = "Health check"

    def ready(self) -> None:
        from outsourcer.core.signals import workspace_data_changed

        workspace_data_changed.connect(_recheck_after_commit, dispatch_uid="checks.recheck")


def _recheck_after_commit(sender: Any, workspace: Any, **kwargs: Any) -> None:
    """Findings follow the data: re-check in the background once the change has landed.

    A rolled-back change enqueues nothing; a check is idempotent, so two queued for the same
    workspace only cost a second look.
    """
    from outsourcer.checks.models import CheckRun
    from outsourcer.checks.tasks import run_check

    workspace_id = str(workspace.uuid)
    transaction.on_commit(
        lambda: run_check.enqueue(workspace_id=workspace_id, trigger=CheckRun.Trigger.CHANGE), robust=True
    )
