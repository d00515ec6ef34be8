"""The number of queries behind every page does not grow with the number of rows.

Each page is measured with 5 rows of everything a workspace can hold, then with 30 (with the engagements
every maker adds, the longer lists pass a page of 50); the two counts must be equal, and both under a
ceiling. A query per row would show as 25 more. New kinds of rows join through ROW_MAKERS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsourcer.accounts.models import Role, Workspace
from outsourcer.accounts.services import api_token_create, invitation_create, workspace_update
from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor
from outsourcer.planning.scoring import STATUSES
from tests.conftest import Personas, login_client
from tests.factories import (
    BriefFactory,
    ContractorFactory,
    CustomerCommitmentFactory,
    DocumentFactory,
    EngagementFactory,
    FindingFactory,
    InterviewFactory,
    MembershipFactory,
    MilestoneFactory,
    RatingFactory,
    RedFlagFactory,
    ReferenceCheckFactory,
    ReferenceTextFactory,
    ReviewFactory,
    SubmissionFactory,
    TaskFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.urlconf import fill, sample_values, web_pages

CEILING = 25


def _members(ws: Workspace, owner, n: int) -> None:
    for _ in range(n):
        MembershipFactory(workspace=ws, user=UserFactory(), role=Role.VIEWER)


def _invitations(ws: Workspace, owner, n: int) -> None:
    for i in range(n):
        invitation_create(actor=Actor.cli(), workspace=ws, email=f"q{i}-{ws.invitations.count()}@x.test", role="viewer")


def _tokens(ws: Workspace, owner, n: int) -> None:
    for i in range(n):
        api_token_create(actor=Actor.cli(), workspace=ws, user=owner, name=f"t{i}", read_only=True)


def _audit(ws: Workspace, owner, n: int) -> None:
    for i in range(n):
        workspace_update(actor=Actor(user=owner, face="web"), workspace=ws, data={"region": f"R{i}-{n}"})


def _workspaces(ws: Workspace, owner, n: int) -> None:
    for _ in range(n):
        MembershipFactory(workspace=WorkspaceFactory(), user=owner, role=Role.OWNER)


def _tasks(ws: Workspace, owner, n: int) -> None:
    for i in range(n):
        # Varied scores, so every recommendation, quadrant and plan rule has rows.
        TaskFactory(workspace=ws, effectiveness=1 + i % 5, business_value=1 + (i // 5) % 5, status=STATUSES[i % 3])


def _findings(ws: Workspace, owner, n: int) -> None:
    check_run(actor=Actor.cli(), workspace=ws)  # the real findings of the rows above, and a trend point
    for i in range(n):
        FindingFactory(workspace=ws, severity=("error", "warning", "info")[i % 3])


def _contractors(ws: Workspace, owner, n: int) -> None:
    stages = ("prospect", "vetting", "trial", "approved", "preferred", "inactive", "blocked")
    for i in range(n):
        contractor = ContractorFactory(workspace=ws, stage=stages[i % len(stages)])
        ReferenceCheckFactory(contractor=contractor)
        InterviewFactory(contractor=contractor)
        DocumentFactory(contractor=contractor)
        RedFlagFactory(contractor=contractor, resolved=bool(i % 2))
        trial = EngagementFactory(contractor=contractor, kind="trial", status=("active", "completed")[i % 2])
        RatingFactory(engagement=trial, would_rehire=bool(i % 3))
        EngagementFactory(contractor=contractor, kind=("project", "ongoing")[i % 2])


def _deliverables(ws: Workspace, owner, n: int) -> None:
    """Milestones with submissions, files and reviews; customer commitments with linked work; reference
    texts; and, on the first milestone and engagement (the sample pages'), more of each and originality matches."""
    from outsourcer.deliverables.models import Milestone, OriginalityDoc, OriginalityMatch, SubmissionFile
    from outsourcer.engagements.models import Engagement

    statuses = Milestone.Status.values
    sample = Milestone.objects.filter(workspace=ws).order_by("pk").first()
    home = Engagement.objects.filter(workspace=ws).order_by("pk").first()
    for i in range(n):
        commitment = CustomerCommitmentFactory(workspace=ws, status=("open", "delivered")[i % 2])
        engagement = EngagementFactory(contractor=ContractorFactory(workspace=ws), customer_commitment=commitment)
        BriefFactory(engagement=engagement)
        milestone = MilestoneFactory(
            engagement=engagement, status=statuses[i % len(statuses)], due_on=dt.date(2026, 11, 1 + i % 28)
        )
        submission = SubmissionFactory(milestone=milestone)
        SubmissionFile.objects.create(workspace=ws, submission=submission, file="submissions/q.pdf", name="q.pdf")
        ReviewFactory(milestone=milestone, submission=submission, decision=("accepted", "rejected")[i % 2])
        reference = ReferenceTextFactory(workspace=ws)
        if home is not None:
            MilestoneFactory(engagement=home, status=statuses[i % len(statuses)])
        if sample is None:
            continue
        earlier = SubmissionFactory(milestone=sample, submitted_on=dt.date(2026, 10, 1 + i % 28), links=["https://x"])
        SubmissionFile.objects.create(workspace=ws, submission=earlier, file="submissions/q.pdf", name="e.pdf")
        ReviewFactory(milestone=sample, submission=earlier, decision="revision_requested", feedback="More.")
        latest = sample.submissions.order_by("-submitted_on", "-pk").first()
        OriginalityDoc.objects.get_or_create(workspace=ws, submission=latest, defaults={"signature": b""})
        for owner_kwargs in ({"submission": submission}, {"reference_text": reference}):
            doc = OriginalityDoc.objects.create(workspace=ws, signature=b"", **owner_kwargs)
            OriginalityMatch.objects.create(
                workspace=ws, submission=latest, other=doc, similarity=0.6, estimated=0.6, passages=[{"text": "x"}]
            )


def _engagement_work(ws: Workspace, owner, n: int) -> None:
    """On the first engagement (the sample pages'): check-ins, time entries over the weeks the time tab
    draws, ratings, linked tasks and sent brief versions; on the first commitment, linked engagements."""
    from django.utils import timezone

    from outsourcer.engagements.models import Brief, BriefVersion, CheckIn, CustomerCommitment, Engagement, TimeEntry
    from tests.factories import CheckInFactory, TimeEntryFactory

    home = Engagement.objects.filter(workspace=ws).order_by("pk").first()
    if home is None:
        return
    brief = Brief.objects.filter(engagement=home).first() or BriefFactory(engagement=home)
    first = BriefVersion.objects.filter(brief=brief).count() + 1
    today = dt.date.today()
    for i in range(n):
        CheckInFactory(engagement=home, on=today - dt.timedelta(days=i % 20), kind=CheckIn.Kind.values[i % 4])
        TimeEntryFactory(
            engagement=home, worked_on=today - dt.timedelta(days=i % 56), status=TimeEntry.Status.values[i % 4]
        )
        RatingFactory(engagement=home, overall=1 + i % 5)
        home.tasks.add(TaskFactory(workspace=ws))
        BriefVersion.objects.create(
            workspace=ws,
            brief=brief,
            number=first + i,
            content={"goals": f"v{i}"},
            sent_at=timezone.now(),
            sent_by=owner,
        )
    commitment = CustomerCommitment.objects.filter(workspace=ws).order_by("pk").first()
    if commitment is not None:
        for _ in range(n):
            EngagementFactory(contractor=ContractorFactory(workspace=ws), customer_commitment=commitment)


def _reminders(ws: Workspace, owner, n: int) -> None:
    """Reminders sent to the owner (the settings page lists the latest), and other members' preferences."""
    from outsourcer.reminders.models import ReminderPreference, ReminderSent

    start = ReminderSent.objects.filter(workspace=ws).count()
    for i in range(start, start + n):
        ReminderSent.objects.create(
            workspace=ws,
            key=f"due_soon:q{i}:2026-11-01:{owner.email}",
            kind=("due_soon", "overdue", "time_waiting", "silence", "digest")[i % 5],
            recipient=owner.email,
            subject_line=f"[{ws.name}] Reminder {i}",
            body="Body",
            state=("sent", "digest", "claimed")[i % 3],
        )
        member = MembershipFactory(workspace=ws, user=UserFactory(), role=Role.MANAGER)
        ReminderPreference.objects.create(workspace=ws, user=member.user, delivery="daily")


def _invoices(ws: Workspace, owner, n: int) -> None:
    """Invoices in every status and two currencies (one with no FX rate), paid over the last year, billing
    milestones with accepted reviews and approved hours; on the first invoice (the sample pages'), its history;
    on the first engagement (the budget page's), more invoices and unbilled hours."""
    import uuid

    from django.utils import timezone

    from outsourcer.engagements.models import Engagement
    from outsourcer.payments.models import BilledTime, Invoice, InvoiceEvent
    from tests.factories import TimeEntryFactory

    statuses = Invoice._meta.get_field("status").choices
    home = Engagement.objects.filter(workspace=ws).order_by("pk").first()
    sample = Invoice.objects.filter(workspace=ws).order_by("pk").first()
    today = dt.date.today()
    for i in range(n):
        engagement = EngagementFactory(
            contractor=ContractorFactory(workspace=ws),
            kind=("project", "ongoing")[i % 2],
            rate_model=("hourly", "fixed", "retainer")[i % 3],
            rate_amount="60.00",
            budget_cap=("1000.00", None)[i % 2],
        )
        status = statuses[i % len(statuses)][0]
        day = today - dt.timedelta(days=(i * 7) % 360)
        for target in (engagement, home) if home is not None else (engagement,):
            milestone = MilestoneFactory(engagement=target, status="accepted")
            ReviewFactory(milestone=milestone, decision="accepted", reviewed_on=day)
            invoice = Invoice.objects.create(
                workspace=ws, engagement=target, milestone=milestone, ref=f"q-{uuid.uuid4().hex[:12]}",
                number=f"Q{i}", received_on=day, amount="250.00", currency=("USD", "EUR")[i % 2], status=status,
                paid_on=day + dt.timedelta(days=i % 40) if status == "paid" else None,
                channel="ach" if status == "paid" else "",
            )  # fmt: skip
            entry = TimeEntryFactory(engagement=target, status="approved", worked_on=day)
            BilledTime.objects.create(invoice=invoice, time_entry=entry)
            TimeEntryFactory(engagement=target, status="approved", worked_on=day)  # not billed yet
        if sample is not None:
            InvoiceEvent.objects.create(
                workspace=ws, invoice=sample, from_status="approved", to_status="approved", at=timezone.now(),
                by=owner if i % 2 else None, by_label="command line", note=f"Step {i}",
            )  # fmt: skip
            entry = TimeEntryFactory(engagement=sample.engagement, status="approved", worked_on=day)
            BilledTime.objects.create(invoice=sample, time_entry=entry)


def _risks(ws: Workspace, owner, n: int) -> None:
    """Risks of every status, area and score, about engagements, contractors and the whole workspace, some due
    for review; on the first engagement (its risks page), more risks, open access grants and a customer promise."""
    from outsourcer.engagements.models import Engagement
    from outsourcer.risk.models import Category, Risk
    from tests.factories import AccessGrantFactory, RiskFactory

    home = Engagement.objects.filter(workspace=ws).order_by("pk").first()
    start = Risk.objects.filter(workspace=ws).count()
    today = dt.date.today()
    for i in range(start, start + n):
        engagement = EngagementFactory(contractor=ContractorFactory(workspace=ws))
        about = (
            {"engagement": engagement},
            {"engagement": None, "workspace": ws, "contractor": engagement.contractor},
            {"engagement": None, "workspace": ws},
        )[i % 3]
        RiskFactory(
            ref=f"q-risk-{i}", category=Category.values[i % 5], likelihood=1 + i % 5, impact=1 + (i // 5) % 5,
            status=Risk.Status.values[i % 4], review_on=today + dt.timedelta(days=(i % 7) - 3),
            mitigation="" if i % 2 else "A plan.", **about,
        )  # fmt: skip
        if home is not None:
            RiskFactory(ref=f"q-home-{i}", engagement=home, likelihood=1 + i % 5, impact=5 - i % 5)
            AccessGrantFactory(engagement=home, shared_credential=bool(i % 2), level=("admin", "read")[i % 2])
    if home is not None and home.customer_commitment_id is None:
        home.customer_commitment = CustomerCommitmentFactory(workspace=ws)
        home.save(update_fields=["customer_commitment"])


def _access(ws: Workspace, owner, n: int) -> None:
    """Access grants in every state (open, ending soon, past their end, revoked, left open on ended engagements,
    shared logins) and exit plans handing over to another contractor; on the first engagement (its exit and
    offboarding pages'), more grants, every offboarding step ticked and an exit plan."""
    from outsourcer.engagements.models import Engagement
    from outsourcer.risk.models import ExitPlan, OffboardingStep
    from tests.factories import AccessGrantFactory, ExitPlanFactory

    home = Engagement.objects.filter(workspace=ws).order_by("pk").first()
    today = dt.date.today()
    granted = today - dt.timedelta(days=60)
    ends = (today + dt.timedelta(days=3), today - dt.timedelta(days=2), None, today + dt.timedelta(days=90))
    for i in range(n):
        engagement = EngagementFactory(
            contractor=ContractorFactory(workspace=ws), status=("active", "completed", "terminated", "paused")[i % 4]
        )
        for target in (engagement, home) if home is not None else (engagement,):
            AccessGrantFactory(
                engagement=target, granted_on=granted, expires_on=ends[i % 4], shared_credential=bool(i % 2),
                revoked_on=(None, None, today)[i % 3], level=("read", "write", "admin", "")[i % 4],
            )  # fmt: skip
        ExitPlanFactory(
            engagement=engagement, handover_kind="contractor",
            handover_contractor=ContractorFactory(workspace=ws, stage=("approved", "preferred")[i % 2]),
        )  # fmt: skip
    if home is not None and not ExitPlan.objects.filter(engagement=home).exists():
        other = ContractorFactory(workspace=ws, stage="preferred")
        ExitPlanFactory(engagement=home, handover_kind="contractor", handover_contractor=other)
        for step in OffboardingStep.Step.values:
            OffboardingStep.objects.create(workspace=ws, engagement=home, step=step, done_on=today, done_by=owner)


def _compliance(ws: Workspace, owner, n: int) -> None:
    """Agreements (signed with their retained copy, signed without, drafts), worker-status assessments and
    papers near their expiry, for contractors whom the freelancer laws cover; on the first engagement (the
    worker-status page's), more assessments."""
    from outsourcer.engagements.models import Engagement
    from tests.factories import AgreementFactory, ClassificationFactory

    home = Engagement.objects.filter(workspace=ws).order_by("pk").first()
    today = dt.date.today()
    for i in range(n):
        contractor = ContractorFactory(workspace=ws, kind="individual", region="NY-NYC")
        engagement = EngagementFactory(
            contractor=contractor, kind=("project", "ongoing")[i % 2], status=("active", "draft", "completed")[i % 3]
        )
        copy = (
            DocumentFactory(contractor=contractor, kind="agreement", retain_until=dt.date(2033, 1, 1))
            if i % 2
            else None
        )
        AgreementFactory(
            engagement=engagement, signed_on=None if i % 3 == 2 else dt.date(2026, 10, 30), signed_document=copy
        )
        ClassificationFactory(
            engagement=engagement,
            assessed_on=today - dt.timedelta(days=(i * 40) % 500),
            core_to_our_business=bool(i % 2),
        )
        DocumentFactory(
            contractor=contractor, kind=("w8ben", "insurance")[i % 2], signed_on=dt.date(today.year - 3, 1, 2),
            expires_on=None if i % 2 == 0 else today + dt.timedelta(days=i % 40),
        )  # fmt: skip
        if home is not None:
            ClassificationFactory(engagement=home, assessed_on=today - dt.timedelta(days=i), provides_tools=bool(i % 2))


ROW_MAKERS: list[Callable[[Workspace, object, int], None]] = [
    _members,
    _invitations,
    _tokens,
    _audit,
    _workspaces,
    _tasks,
    _contractors,
    _findings,
    _engagement_work,
    _deliverables,
    _reminders,
    _invoices,
    _access,
    _risks,
    _compliance,
]

GET_PAGES = [p for p in web_pages() if isinstance(p.policy, dict) and p.policy.get("GET")]
GET_PAGES += [p for p in web_pages() if p.policy == "account"]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", GET_PAGES, ids=lambda p: p.name)
def test_queries_do_not_grow_with_rows(page, personas: Personas):
    ws, owner = personas.workspace, personas.owner
    client = login_client(owner)
    url = fill(page.route, sample_values(page.args, ws, owner))
    for make in ROW_MAKERS:
        make(ws, owner, 5)
    client.get(url)  # warm the session and per-process caches
    small = _count(client, url)
    for make in ROW_MAKERS:
        make(ws, owner, 25)
    large = _count(client, url)
    assert small == large, f"{url}: {small} queries with 5 rows, {large} with 30"
    assert large <= CEILING, f"{url}: {large} queries"
