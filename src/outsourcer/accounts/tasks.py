"""Account emails as background jobs. Only ids go through the queue; links are made here."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from outsourcer.accounts.emails import invitation_email, password_reset_email
from outsourcer.accounts.models import Invitation, User


@task()
def send_invitation_email(*, invitation_id: str) -> bool:
    invitation = Invitation.objects.select_related("workspace", "invited_by").filter(uuid=invitation_id).first()
    if invitation is None or not invitation.is_open:
        return False  # withdrawn or used before the job ran: nothing to send
    subject, body = invitation_email(invitation)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return True


@task()
def send_password_reset_email(*, user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    subject, body = password_reset_email(user)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
