"""The emails accounts send, made at sending time so a link is never stored in a queue."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from outsourcer.accounts.models import Invitation, User

INVITATION_SALT = "outsourcer.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.uuid))


def invitation_url(invitation: Invitation) -> str:
    return settings.BASE_URL + reverse("accounts:invitation", args=[invitation_token(invitation)])


def invitation_email(invitation: Invitation) -> tuple[str, str]:
    """The subject and body of the email that carries an invitation's link."""
    workspace = invitation.workspace
    inviter = invitation.invited_by.display_name if invitation.invited_by else f"The owner of {workspace.name}"
    body = render_to_string(
        "accounts/email/invitation.txt",
        {
            "invitation": invitation,
            "url": invitation_url(invitation),
            "inviter": inviter,
            "days": settings.INVITATION_MAX_AGE_SECONDS // 86400,
        },
    )
    return f"You are invited to {workspace.name} on Outsourcer", body


def password_reset_email(user: User) -> tuple[str, str]:
    """The reset email, its link on OUTSOURCER_BASE_URL: never on a Host header a caller chose."""
    base = urlsplit(settings.BASE_URL)
    context = {
        "email": user.email,
        "user": user,
        "domain": base.netloc,
        "protocol": base.scheme,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(render_to_string("accounts/email/password_reset_subject.txt", context).splitlines())
    return subject, render_to_string("accounts/email/password_reset.txt", context)
