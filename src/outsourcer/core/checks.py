"""System checks of our own, shown by `manage.py check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def email_is_configured(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        return [
            Warning(
                "Emails (invitations, password resets) are printed to the console, links and all.",
                hint="Set OUTSOURCER_EMAIL_HOST (and user, password, TLS) so they are sent instead.",
                id="outsourcer.W001",
            )
        ]
    return []
