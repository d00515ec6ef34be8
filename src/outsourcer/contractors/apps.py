from typing import Any

from django.apps import AppConfig


class ContractorsConfig(AppConfig):
    name = "outsourcer.contractors"
    label = "contractors"
    verbose_name = "Contractors and vetting"

    def ready(self) -> None:
        from outsourcer.core.signals import invitation_accepted

        invitation_accepted.connect(_link_portal_user, dispatch_uid="contractors.link_portal_user")


def _link_portal_user(sender: Any, invitation: Any, user: Any, **kwargs: Any) -> None:
    from outsourcer.accounts.models import Role
    from outsourcer.contractors.services import contractor_link_portal_user

    if invitation.role == Role.CONTRACTOR:
        contractor_link_portal_user(workspace=invitation.workspace, email=invitation.email, user=user)
