from typing import Any

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "outsourcer.compliance"
    label = "compliance"
    verbose_name = "Agreements and worker status"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from outsourcer.engagements.models import Engagement

        # An engagement that ends (or whose end date moves) can lengthen how long its signed agreement is kept;
        # engagements cannot import this app, so it listens.
        post_save.connect(_engagement_saved, sender=Engagement, dispatch_uid="compliance-retention")


def _engagement_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created or raw:
        return
    from outsourcer.compliance.services import agreement_retention_refresh

    agreement_retention_refresh(engagement=instance)
