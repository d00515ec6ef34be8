"""The compliance overview: every engagement's agreement and worker status, documents of engaged contractors
that expire, and how long signed agreements are kept (the page and the selector behind it)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from outsourcer.compliance.overview import compliance_overview, expiring_documents
from outsourcer.core.timezones import today_in
from outsourcer.payments.tax import w8_expiry
from tests.conftest import Personas, login_client
from tests.factories import (
    AgreementFactory,
    ClassificationFactory,
    ContractorFactory,
    DocumentFactory,
    EngagementFactory,
)

pytestmark = pytest.mark.django_db


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


@pytest.fixture
def ws(personas: Personas):
    workspace = personas.workspace
    workspace.country, workspace.region = "US", "NY-NYC"
    workspace.save()
    return workspace


@pytest.fixture
def today(ws) -> dt.date:
    return today_in(ws.time_zone)


def url(ws) -> str:
    return reverse("compliance:overview", kwargs={"ws": ws.uuid})


def test_agreement_and_worker_status_states(personas: Personas, ws, today):
    person = ContractorFactory(workspace=ws, name="Ada Park", kind="individual", region="NY-NYC")
    signed = EngagementFactory(contractor=person, title="Signed work", kind="project", end_on=None)
    AgreementFactory(engagement=signed, signed_on=dt.date(2026, 10, 30), confidentiality=False)
    ClassificationFactory(engagement=signed, assessed_on=today - dt.timedelta(days=30), provides_tools=True)
    drafted = EngagementFactory(contractor=person, title="Drafted work", kind="ongoing")
    AgreementFactory(engagement=drafted, signed_on=None)
    ClassificationFactory(engagement=drafted, assessed_on=today - dt.timedelta(days=400))  # due again
    bare = EngagementFactory(
        contractor=person, title="Bare work", kind="project", start_on=today - dt.timedelta(days=120),
        end_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    ended = EngagementFactory(contractor=person, title="Old work", status="completed")
    draft = EngagementFactory(contractor=person, title="Zed draft", status="draft")

    found = compliance_overview(workspace=ws, today=today)
    rows = {r.engagement.title: r for r in found.rows}
    # Running first, then drafts, then what has ended.
    assert [r.engagement.title for r in found.rows] == [
        "Bare work",
        "Drafted work",
        "Signed work",
        "Zed draft",
        "Old work",
    ]
    assert rows["Signed work"].agreement.state == "signed"
    assert rows["Signed work"].agreement.missing == ["confidentiality"]
    assert rows["Signed work"].classification.state == "assessed"
    assert rows["Drafted work"].agreement.state == "draft"
    assert rows["Drafted work"].classification.state == "due"
    assert rows["Bare work"].agreement.state == "none"
    assert rows["Bare work"].classification.state == "never" and rows["Bare work"].classification.expected
    assert not rows["Zed draft"].classification.expected and not rows["Old work"].classification.expected
    assert [law.id for law in rows["Bare work"].agreement.laws]  # an individual working in New York City
    assert found.counts == {"unsigned": 2, "never": 1, "due": 1, "high": 0, "documents": 0}

    text = words(login_client(personas.viewer).get(url(ws)))
    assert "Signed on 30 Oct 2026" in text
    assert "Confidentiality" in text
    assert "Draft not signed" in text
    assert "Never assessed ongoing or running over 90 days: assess it" in text
    assert "Due for reassessment since" in text
    assert "Freelance Isn" in text  # the law that applies, by name
    assert "2 running without a signed agreement" in text
    body = login_client(personas.viewer).get(url(ws)).content.decode()
    for engagement in (signed, drafted, bare, ended, draft):
        assert reverse("compliance:agreement", kwargs={"ws": ws.uuid, "engagement": engagement.uuid}) in body
        assert reverse("compliance:classification", kwargs={"ws": ws.uuid, "engagement": engagement.uuid}) in body


def test_a_high_result_is_counted_and_shown(personas: Personas, ws, today):
    ws.region = "CA"
    ws.save()
    engagement = EngagementFactory(contractor=ContractorFactory(workspace=ws), title="Core work")
    ClassificationFactory(engagement=engagement, assessed_on=today, core_to_our_business=True)
    assert compliance_overview(workspace=ws, today=today).counts["high"] == 1
    assert "1 with a high worker-status risk" in words(login_client(personas.owner).get(url(ws)))


def test_expiring_documents_of_engaged_contractors(personas: Personas, ws, today):
    engaged = ContractorFactory(workspace=ws, name="Bea Engaged")
    EngagementFactory(contractor=engaged, status="active")
    idle = ContractorFactory(workspace=ws, name="Ian Idle")
    EngagementFactory(contractor=idle, status="completed")
    soon = DocumentFactory(contractor=engaged, kind="insurance", expires_on=today + dt.timedelta(days=30))
    DocumentFactory(contractor=engaged, kind="license", expires_on=today + dt.timedelta(days=31))  # not yet
    gone = DocumentFactory(contractor=engaged, kind="certificate", expires_on=today - dt.timedelta(days=3))
    DocumentFactory(contractor=engaged, kind="nda", expires_on=None)  # never expires
    DocumentFactory(contractor=idle, kind="insurance", expires_on=today - dt.timedelta(days=1))  # no running work
    found = expiring_documents(workspace=ws, today=today)
    assert [(d.document, d.days_left, d.expiry_stated) for d in found] == [(gone, -3, True), (soon, 30, True)]

    text = words(login_client(personas.viewer).get(url(ws)))
    section = text.split("Documents expiring", 1)[1].split("Retention of signed agreements", 1)[0]
    assert "Bea Engaged" in section and "Ian Idle" not in section
    assert "Expired 3 days ago" in text and "Expires in 30 days" in text


def test_a_renewed_document_replaces_the_old_one(ws, today):
    contractor = ContractorFactory(workspace=ws)
    EngagementFactory(contractor=contractor, status="paused")
    DocumentFactory(contractor=contractor, kind="insurance", signed_on=dt.date(2025, 1, 1), expires_on=today)
    DocumentFactory(
        contractor=contractor,
        kind="insurance",
        signed_on=dt.date(2026, 1, 1),
        expires_on=today + dt.timedelta(days=365),
    )
    assert expiring_documents(workspace=ws, today=today) == []


def test_a_w8ben_without_an_expiry_runs_to_the_end_of_the_third_year(personas: Personas, ws):
    contractor = ContractorFactory(workspace=ws, name="Olu Abroad", us_person=False)
    EngagementFactory(contractor=contractor, status="active")
    form = DocumentFactory(contractor=contractor, kind="w8ben", signed_on=dt.date(2023, 3, 15), expires_on=None)
    assert w8_expiry(form) == dt.date(2026, 12, 31)
    # Three weeks before: listed, with the default expiry; a day after it: expired.
    found = expiring_documents(workspace=ws, today=dt.date(2026, 12, 10))
    assert [(d.document, d.expires_on, d.expiry_stated, d.days_left) for d in found] == [
        (form, dt.date(2026, 12, 31), False, 21)
    ]
    assert expiring_documents(workspace=ws, today=dt.date(2026, 11, 30)) == []
    assert expiring_documents(workspace=ws, today=dt.date(2027, 1, 1))[0].expired
    # A stated expiry wins over the default.
    form.expires_on = dt.date(2030, 1, 1)
    form.save()
    assert expiring_documents(workspace=ws, today=dt.date(2026, 12, 10)) == []


def test_the_page_explains_a_default_w8_expiry(personas: Personas, ws, today):
    contractor = ContractorFactory(workspace=ws, name="Olu Abroad", us_person=False)
    EngagementFactory(contractor=contractor, status="active")
    DocumentFactory(contractor=contractor, kind="w8ben", signed_on=dt.date(today.year - 3, 1, 2), expires_on=None)
    text = words(login_client(personas.viewer).get(url(ws)))
    assert f"31 Dec {today.year}" in text
    assert "no date stated: 31 December of the third year after signing" in text


def test_signed_agreements_with_their_keep_until_dates(personas: Personas, ws, today):
    person = ContractorFactory(workspace=ws, name="Nia Freelance", kind="individual", region="NY-NYC")
    covered = EngagementFactory(contractor=person, title="Covered", end_on=dt.date(2027, 3, 31))
    AgreementFactory(engagement=covered, signed_on=dt.date(2026, 10, 30))
    company = ContractorFactory(workspace=ws, name="Big Agency", kind="company", country="DE", region="")
    uncovered = EngagementFactory(contractor=company, title="Uncovered")
    AgreementFactory(engagement=uncovered, signed_on=dt.date(2026, 9, 1))
    EngagementFactory(contractor=person, title="Unsigned")
    found = compliance_overview(workspace=ws, today=today).retained
    by_title = {r.agreement.engagement.title: r.keep_until for r in found}
    assert set(by_title) == {"Covered", "Uncovered"}
    assert by_title["Uncovered"] is None  # no law covers an agency's work
    assert by_title["Covered"] is not None and by_title["Covered"] > dt.date(2027, 3, 31)
    text = words(login_client(personas.viewer).get(url(ws)))
    assert f"{by_title['Covered']:%-d %b %Y}" in text
    assert "no law names a period" in text


def test_empty_workspace_and_other_workspaces(personas: Personas, ws):
    response = login_client(personas.viewer).get(url(ws))
    assert response.status_code == 200
    assert "No engagement yet" in words(response)
    assert login_client(personas.outsider).get(url(ws)).status_code == 404
