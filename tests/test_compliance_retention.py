"""How long signed papers are kept, and what may not remove them early: an engagement that ends later keeps
its signed agreement longer; a workspace holding such papers cannot be replaced by an import. Also the
worker-status record's date and its yearly reassessment reminder."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from outsourcer.bundles.selectors import bundle_export
from outsourcer.bundles.services import BundleConflict, bundle_import_into
from outsourcer.compliance.models import ClassificationAssessment
from outsourcer.compliance.services import agreement_sign, classification_record
from outsourcer.contractors.models import Document
from outsourcer.core.actor import Actor
from outsourcer.reminders.services import Kind, reminders_planned
from tests.conftest import login_client, token_client
from tests.factories import ClassificationFactory, MembershipFactory, UserFactory
from tests.test_agreements import DAY, PDF, ny_engagement

ACTOR = Actor.cli()


def signed(**overrides):
    engagement = ny_engagement(**overrides)
    agreement = agreement_sign(
        actor=ACTOR, engagement=engagement, signed_on=DAY, upload=SimpleUploadedFile("s.pdf", PDF)
    )
    return engagement, Document.objects.get(pk=agreement.signed_document_id)


@pytest.mark.django_db
def test_an_engagement_that_ends_later_keeps_its_signed_agreement_longer():
    engagement, document = signed(end_on=None)
    assert document.retain_until == dt.date(2032, 11, 2)  # six years (New York State) from the signing
    engagement.end_on = dt.date(2027, 6, 30)
    engagement.status = "completed"
    engagement.save()
    document.refresh_from_db()
    assert document.retain_until == dt.date(2033, 6, 30)  # now counted from the end
    # An end date moved earlier never shortens what was promised.
    engagement.end_on = dt.date(2027, 1, 31)
    engagement.save()
    document.refresh_from_db()
    assert document.retain_until == dt.date(2033, 6, 30)


@pytest.mark.django_db
def test_a_workspace_keeping_signed_papers_is_not_replaced_by_an_import(tmp_path):
    engagement, document = signed()
    workspace = engagement.workspace
    bundle = bundle_export(workspace=workspace)
    with pytest.raises(BundleConflict, match="keeps 1 signed document"):
        bundle_import_into(actor=ACTOR, document=bundle, workspace=workspace, replace=True)
    assert Document.objects.filter(pk=document.pk).exists()

    # The command line says so and exits 2; the API answers 409; nothing changes either way.
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(CommandError, match="law says to keep") as refused:
        call_command("import_bundle", str(path), "--workspace", workspace.name, "--replace")
    assert refused.value.returncode == 2
    owner = UserFactory()
    MembershipFactory(user=owner, workspace=workspace, role="owner")
    response = token_client(owner, workspace).put(
        f"/api/v1/workspaces/{workspace.uuid}/bundle", data=json.dumps(bundle), content_type="application/json"
    )
    assert response.status_code == 409, response.content
    assert "law says to keep" in json.dumps(response.json())
    # The web page shows the refusal beside the form.
    page = login_client(owner).post(
        reverse("bundles:page", kwargs={"ws": workspace.uuid}),
        {"file": SimpleUploadedFile("b.json", json.dumps(bundle).encode()), "replace": "on"},
    )
    assert page.status_code in (400, 409) and b"law says to keep" in page.content
    assert Document.objects.filter(pk=document.pk).exists()
    # Once the period is over the papers may go, and the import replaces the workspace.
    Document.objects.filter(pk=document.pk).update(retain_until=dt.date(2020, 1, 1))
    bundle_import_into(actor=ACTOR, document=bundle, workspace=workspace, replace=True)
    assert not Document.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_a_worker_status_assessment_cannot_be_dated_in_the_future():
    engagement = ny_engagement()
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        classification_record(actor=ACTOR, engagement=engagement, data={"assessed_on": dt.date(2099, 1, 1)})
    assert not ClassificationAssessment.objects.exists()
    done = classification_record(actor=ACTOR, engagement=engagement, data={"assessed_on": dt.date(2026, 11, 2)})
    assert done.pk is not None


@pytest.mark.django_db
def test_long_or_open_ended_work_is_reminded_to_reassess_a_year_after_its_latest_assessment():
    owner = UserFactory(email="owner@acme.test")
    ongoing = ny_engagement(kind="ongoing", end_on=None)
    MembershipFactory(user=owner, workspace=ongoing.workspace, role="owner")
    ClassificationFactory(engagement=ongoing, assessed_on=dt.date(2025, 10, 1))
    ClassificationFactory(engagement=ongoing, assessed_on=dt.date(2026, 3, 1))  # the latest counts
    # Near misses: a short project with an end date; ended work.
    short = ny_engagement(ref="short", start_on=dt.date(2026, 1, 5), end_on=dt.date(2026, 2, 20))
    ClassificationFactory(engagement=short, assessed_on=dt.date(2025, 1, 5))
    ended = ny_engagement(ref="ended", kind="ongoing", status="completed", end_on=None)
    ClassificationFactory(engagement=ended, assessed_on=dt.date(2024, 1, 5))

    def planned(workspace, day):
        return [r for r in reminders_planned(workspace=workspace, today=day) if r.kind == Kind.REASSESS_STATUS]

    assert planned(ongoing.workspace, dt.date(2027, 2, 28)) == []
    [reminder] = planned(ongoing.workspace, dt.date(2027, 3, 1))
    assert reminder.recipient == "owner@acme.test" and reminder.occasion == dt.date(2027, 3, 1)
    assert "Website copy with Rosa Alvarez" in reminder.subject_line
    assert reverse("compliance:classification", kwargs={"ws": ongoing.workspace.uuid, "engagement": ongoing.uuid}) in (
        reminder.body
    )
    for other in (short, ended):
        assert planned(other.workspace, dt.date(2027, 3, 1)) == []
