"""Engagement emails as background jobs: only ids go through the queue; links are made here."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from outsourcer.core.text import email_subject
from outsourcer.engagements.models import BriefVersion


@task()
def send_brief_email(*, version_id: int) -> bool:
    version = BriefVersion.objects.select_related("brief__engagement__contractor", "workspace").filter(pk=version_id)
    found = version.first()
    if found is None:
        return False
    engagement = found.brief.engagement
    contractor = engagement.contractor
    if not contractor.email:
        return False
    url = settings.BASE_URL + reverse("portal:engagement", args=[found.workspace.uuid, engagement.uuid])
    body = render_to_string(
        "engagements/email/brief_sent.txt",
        {
            "version": found,
            "engagement": engagement,
            "contractor": contractor,
            "workspace": found.workspace,
            "url": url,
        },
    )
    subject = email_subject(f"{found.workspace.name}: brief for {engagement.title} (version {found.number})")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [contractor.email])
    return True
