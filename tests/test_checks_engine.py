"""The health-check engine: rules fire and near misses do not, runs are idempotent, quiet findings
stay quiet until their data changes, and a whole check costs a bounded number of queries."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsourcer.bundles.demo import demo_document
from outsourcer.bundles.services import bundle_import_into, bundle_import_new
from outsourcer.checks.models import CheckRun, Finding
from outsourcer.checks.registry import rules
from outsourcer.checks.selectors import check_trend, finding_counts, finding_list
from outsourcer.checks.services import check_run, finding_dismiss, finding_reopen, finding_snooze
from outsourcer.checks.tasks import run_due_checks
from outsourcer.core.actor import Actor
from outsourcer.planning.services import task_update
from tests.factories import TaskFactory, WorkspaceFactory

ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)


def run(ws, as_of=TODAY):
    return check_run(actor=ACTOR, workspace=ws, as_of=as_of)


def hits(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in result.open:
        found.setdefault(f.rule, []).append(f.subject_ref)
    return found


# --- The plan rules: each fires with its numbers, and a near miss stays silent ------------------


def test_outsourcing_core_fires_on_outsourced_core_work(db):
    ws = WorkspaceFactory()
    TaskFactory(workspace=ws, ref="pitch", name="Pitches", business_value=5, status="outsourced", hours_per_month=15)
    TaskFactory(workspace=ws, ref="near-1", business_value=4, status="outsourced")  # not core
    TaskFactory(workspace=ws, ref="near-2", business_value=5, status="candidate")  # not handed out yet
    result = run(ws)
    assert hits(result) == {"plan/outsourcing-core": ["pitch"]}
    (finding,) = result.open
    assert finding.severity == "warning"
    assert (
        finding.message == "Pitches is core to the business (business value 5 of 5) and is outsourced (15 h a month)."
    )
    assert finding.fix.startswith("Bring the task back in-house")


def test_no_knowledge_fires_on_outsourced_unknown_work(db):
    ws = WorkspaceFactory()
    TaskFactory(workspace=ws, ref="site", name="Website", knowledge="none", status="outsourced")
    TaskFactory(workspace=ws, ref="near-1", knowledge="basic", status="outsourced")
    TaskFactory(workspace=ws, ref="near-2", knowledge="none", status="in_house")
    result = run(ws)
    assert hits(result) == {"plan/no-knowledge": ["site"]}
    assert result.open[0].message == (
        "Website is outsourced, but the business knows nothing about this work (knowledge: none), "
        "so nobody can judge what comes back."
    )


@pytest.mark.parametrize(
    ("changes", "fires"),
    [
        ({}, True),
        ({"effectiveness": 3}, False),
        ({"business_value": 4}, False),
        ({"hours_per_month": Decimal("7.99")}, False),
        ({"status": "candidate"}, False),
    ],
)
def test_not_outsourcing_enough_and_its_near_misses(db, changes, fires):
    ws = WorkspaceFactory()
    fields = {"effectiveness": 2, "business_value": 3, "hours_per_month": Decimal(8), "status": "in_house"}
    TaskFactory(workspace=ws, ref="books", name="Bookkeeping", **(fields | changes))
    result = run(ws)
    assert hits(result) == ({"plan/not-outsourcing-enough": ["books"]} if fires else {})
    if fires:
        assert result.open[0].severity == "info"
        assert result.open[0].message == (
            "Bookkeeping takes 8 h a month in-house, though you rate your effectiveness at it 2 of 5 "
            "and its business value 3 of 5."
        )


def test_every_rule_has_its_texts():
    catalogue = rules()
    assert len({r.id for r in catalogue}) == len(catalogue)
    for rule in catalogue:
        assert rule.title and rule.checks and rule.why and rule.fix and rule.source, rule.id


# --- Runs, resolution and quiet findings --------------------------------------------------------


def test_running_twice_changes_nothing(db):
    ws = WorkspaceFactory()
    TaskFactory(workspace=ws, ref="books", effectiveness=1, business_value=2, hours_per_month=10, status="in_house")
    first = run(ws)
    before = list(Finding.objects.filter(workspace=ws).values("pk", "first_seen", "fingerprint", "message"))
    second = run(ws)
    assert list(Finding.objects.filter(workspace=ws).values("pk", "first_seen", "fingerprint", "message")) == before
    assert (first.run.new, second.run.new, second.run.resolved) == (1, 0, 0)
    assert CheckRun.objects.filter(workspace=ws).count() == 2


def test_a_fixed_mistake_is_resolved_and_a_returning_one_reopens(db):
    ws = WorkspaceFactory()
    task = TaskFactory(workspace=ws, effectiveness=1, business_value=2, hours_per_month=10, status="in_house")
    run(ws)
    task_update(actor=ACTOR, task=task, data={"status": "candidate"})
    result = run(ws)
    assert result.open == [] and result.run.resolved == 1
    assert Finding.objects.get(workspace=ws).resolved_at is not None
    task_update(actor=ACTOR, task=task, data={"status": "in_house"})
    result = run(ws)
    assert len(result.open) == 1 and result.run.new == 1
    assert Finding.objects.get(workspace=ws).resolved_at is None


def test_a_snooze_lasts_until_its_date_or_until_the_data_changes(db):
    ws = WorkspaceFactory(time_zone="UTC")
    task = TaskFactory(workspace=ws, effectiveness=1, business_value=2, hours_per_month=10, status="in_house")
    (finding,) = run(ws, as_of=None).open
    today = dt.date.today()
    with pytest.raises(ValidationError):
        finding_snooze(actor=ACTOR, finding=finding, until=today)  # not in the future
    finding_snooze(actor=ACTOR, finding=finding, until=today + dt.timedelta(days=7))
    assert run(ws, as_of=today).open == []
    assert len(run(ws, as_of=today + dt.timedelta(days=7)).open) == 1  # the snooze has run out
    assert run(ws, as_of=today).open == []  # ... but on the days before it, still quiet
    task_update(actor=ACTOR, task=task, data={"hours_per_month": Decimal(20)})
    (again,) = run(ws, as_of=today).open  # the data behind it changed: it speaks again
    assert again.pk == finding.pk and again.snoozed_until is None


def test_a_dismissal_needs_a_reason_and_holds_until_the_data_changes(db):
    ws = WorkspaceFactory()
    task = TaskFactory(workspace=ws, effectiveness=1, business_value=2, hours_per_month=10, status="in_house")
    (finding,) = run(ws).open
    with pytest.raises(ValidationError):
        finding_dismiss(actor=ACTOR, finding=finding, reason="   ")
    finding_dismiss(actor=ACTOR, finding=finding, reason="Seasonal: it stops in January.")
    result = run(ws)
    assert result.open == [] and [f.dismiss_reason for f in result.quiet] == ["Seasonal: it stops in January."]
    assert finding_counts(workspace=ws, today=TODAY)["quiet"] == 1
    task_update(actor=ACTOR, task=task, data={"name": "Renamed"})  # not data the rule reads
    assert run(ws).open == []
    task_update(actor=ACTOR, task=task, data={"effectiveness": 2})
    assert len(run(ws).open) == 1


def test_reopen_undoes_a_dismissal(db):
    ws = WorkspaceFactory()
    TaskFactory(workspace=ws, effectiveness=1, business_value=2, hours_per_month=10, status="in_house")
    (finding,) = run(ws).open
    finding_dismiss(actor=ACTOR, finding=finding, reason="Not now")
    finding_reopen(actor=ACTOR, finding=finding)
    assert [f.pk for f in finding_list(workspace=ws, today=TODAY)] == [finding.pk]


def test_findings_list_most_severe_first_and_counts_by_stage(db):
    ws = WorkspaceFactory()
    TaskFactory(workspace=ws, ref="a", effectiveness=1, business_value=2, hours_per_month=10, status="in_house")
    TaskFactory(workspace=ws, ref="b", business_value=5, status="outsourced")
    run(ws)
    assert [f.severity for f in finding_list(workspace=ws, today=TODAY)] == ["warning", "info"]
    assert [f.rule for f in finding_list(workspace=ws, today=TODAY, min_severity="warning")] == [
        "plan/outsourcing-core"
    ]
    counts = finding_counts(workspace=ws, today=TODAY)
    assert counts["by_severity"] == {"error": 0, "warning": 1, "info": 1}
    assert counts["by_stage"] == {"plan": {"error": 0, "warning": 1, "info": 1}}
    assert [p.total for p in check_trend(workspace=ws)] == [2]


def add_work(ws, i: int) -> None:
    """One engagement with a bit of everything the brief, manage and deliver rules read, varied by `i`."""
    from outsourcer.deliverables.models import OriginalityDoc, OriginalityMatch
    from tests.factories import (
        BriefFactory,
        CheckInFactory,
        CommunicationPlanFactory,
        CustomerCommitmentFactory,
        EngagementFactory,
        MilestoneFactory,
        RatingFactory,
        ReviewFactory,
        SubmissionFactory,
        TimeEntryFactory,
    )

    engagement = EngagementFactory(
        contractor__workspace=ws,
        contractor__stage=("approved", "preferred")[i % 2],
        contractor__us_person=(True, False, None)[i % 3],
        payment_terms_days=(None, 14, 30)[i % 3],
        budget_cap=(None, Decimal(900), Decimal(5000))[(i // 2) % 3],
        status=("active", "draft", "completed", "paused")[i % 4],
        rate_model=("hourly", "retainer", "fixed")[i % 3],
        weekly_hour_cap=Decimal(2),
        retainer_included_hours=Decimal(20),
        customer_commitment=CustomerCommitmentFactory(workspace=ws) if i % 3 == 0 else None,
    )
    if i % 2:
        BriefFactory(engagement=engagement, goals=("", "Grow the studio's local work.")[i % 4 == 1])
    if i % 3:
        CommunicationPlanFactory(engagement=engagement, escalation_contact=("", "Sam")[i % 2], needs_overlap_hours=3)
    for days in (i % 30, 20 + i % 10):
        CheckInFactory(
            engagement=engagement, on=TODAY - dt.timedelta(days=days), kind="status_request", initiated_by="us"
        )
    for day in (3, 10 + i % 5, 24):
        TimeEntryFactory(engagement=engagement, worked_on=dt.date(2026, 11, day), hours=3, status="approved")
    milestone = MilestoneFactory(
        engagement=engagement,
        due_on=dt.date(2026, 11, 1 + i % 28) + dt.timedelta(days=60 * (i % 2)),
        status=("planned", "submitted", "revision_requested", "accepted")[i % 4],
        delivered_to_customer_on=dt.date(2026, 11, 20) if i % 5 == 0 else None,
    )
    ReviewFactory(milestone=milestone, decision=("accepted", "revision_requested")[i % 2], feedback="")
    RatingFactory(engagement=engagement, shared_with_contractor=bool(i % 2))
    submission = SubmissionFactory(milestone=milestone)
    earlier = SubmissionFactory(milestone=MilestoneFactory(engagement=engagement, status="accepted"))
    other = OriginalityDoc.objects.create(workspace=ws, submission=earlier, signature=b"")
    OriginalityMatch.objects.create(
        workspace=ws, submission=submission, other=other, similarity=0.3 + (i % 5) / 10, estimated=0.5
    )
    add_invoices(engagement, milestone, i)


def add_invoices(engagement, milestone, i: int) -> None:
    """What the money and tax rules read: invoices open (some overdue), paid (some late, some by PayPal,
    some in euros), billing a milestone or approved hours; varied by `i`."""
    from outsourcer.payments.models import BilledTime, Invoice

    ws = engagement.workspace
    day = TODAY - dt.timedelta(days=10 + i % 60)
    open_invoice = Invoice.objects.create(
        workspace=ws, engagement=engagement, ref=f"open-{i}", amount=Decimal(400 + i), currency="USD",
        received_on=day, status=("received", "approved", "scheduled")[i % 3],
        milestone=milestone if i % 2 else None,
    )  # fmt: skip
    Invoice.objects.create(
        workspace=ws, engagement=engagement, ref=f"paid-{i}", amount=Decimal(900), currency=("USD", "EUR")[i % 2],
        received_on=day - dt.timedelta(days=20), status="paid", paid_on=day + dt.timedelta(days=i % 40),
        channel=("ach", "paypal", "check")[i % 3],
    )  # fmt: skip
    entry = engagement.time_entries.filter(status="approved").first()
    if entry is not None and i % 2:
        BilledTime.objects.create(invoice=open_invoice, time_entry=entry)


def test_a_whole_check_costs_the_same_queries_for_10_or_300_rows(db):
    def queries(n: int) -> int:
        ws = WorkspaceFactory(fx_rates={"EUR": "1.1"})
        for i in range(n):
            TaskFactory(
                workspace=ws,
                effectiveness=1 + i % 5,
                business_value=1 + (i // 5) % 5,
                knowledge=("none", "basic")[i % 2],
                status=("in_house", "outsourced")[i % 2],
            )
            add_work(ws, i)
        run(ws)  # the second run updates every finding: the costlier path
        with CaptureQueriesContext(connection) as ctx:
            run(ws)
        return len(ctx.captured_queries)

    # bulk_update writes in batches of 500: both sizes fit in one batch.
    assert queries(10) == queries(300)


# --- Bundles: planted mistakes are found, a clean bundle gives nothing ---------------------------


def planted() -> dict:
    doc = copy.deepcopy(demo_document())
    # The plan's mistakes alone; tests/test_vet_rules.py plants those of contractors and engagements.
    doc.pop("contractors")
    doc.pop("engagements")
    doc.pop("invoices")
    doc.pop("risks")
    doc["tasks"] = [
        {"ref": "core", "name": "Pitches", "hours_per_month": 15, "effectiveness": 3, "business_value": 5,
         "status": "outsourced"},
        {"ref": "blind", "name": "Website", "hours_per_month": 40, "effectiveness": 1, "business_value": 3,
         "knowledge": "none", "status": "outsourced"},
        {"ref": "stuck", "name": "Books", "hours_per_month": 12, "effectiveness": 2, "business_value": 2,
         "status": "in_house"},
    ]  # fmt: skip
    return doc


def clean() -> dict:
    doc = planted()
    doc["tasks"][0]["status"] = "in_house"
    doc["tasks"][1]["knowledge"] = "basic"
    doc["tasks"][2]["status"] = "candidate"
    return doc


def test_a_bundle_with_planted_mistakes_and_a_clean_one(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ws = bundle_import_new(actor=ACTOR, document=planted(), name="Planted", owner=None).workspace
    # The import ran the check by itself, in the background task backend.
    assert CheckRun.objects.filter(workspace=ws, trigger="import").count() == 1
    found = {(f.rule, f.subject_ref) for f in finding_list(workspace=ws, today=TODAY)}
    assert found == {
        ("plan/outsourcing-core", "core"),
        ("plan/no-knowledge", "blind"),
        ("plan/not-outsourcing-enough", "stuck"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        bundle_import_into(actor=ACTOR, document=clean(), workspace=ws, replace=True)
    assert list(finding_list(workspace=ws, today=TODAY)) == []
    assert Finding.objects.filter(workspace=ws, resolved_at__isnull=False).count() == 3


def test_the_demo_shows_every_implemented_rule(db):
    from outsourcer.bundles.demo import demo_load

    login = demo_load(password="a-long-demo-password")
    fired = {f.rule for f in finding_list(workspace=login.workspace, today=TODAY)}
    assert fired == {r.id for r in rules()}


# --- The daily schedule -------------------------------------------------------------------------


def test_the_daily_job_checks_only_workspaces_not_checked_today(db):
    fresh, stale = WorkspaceFactory(), WorkspaceFactory()
    run(fresh)
    assert run_due_checks.call() >= 1
    assert CheckRun.objects.filter(workspace=fresh).count() == 1  # checked within the day: left alone
    assert CheckRun.objects.filter(workspace=stale, trigger="schedule").count() == 1
    assert run_due_checks.call() == 0  # twice in a row costs nothing


def test_the_scheduler_enqueues_one_round(db, capsys):
    ws = WorkspaceFactory()
    call_command("scheduler", "--once")  # the test settings run jobs at once
    assert CheckRun.objects.filter(workspace=ws, trigger="schedule").exists()
    assert "Enqueued" in capsys.readouterr().out


def test_a_change_to_the_time_audit_re_checks_in_the_background(db, django_capture_on_commit_callbacks):
    from outsourcer.planning.services import task_create, task_set_status

    ws = WorkspaceFactory()
    fields = {"name": "Books", "hours_per_month": Decimal(10), "effectiveness": 1, "business_value": 2}
    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(actor=ACTOR, workspace=ws, data=fields)
    assert [(f.rule, f.subject_ref) for f in finding_list(workspace=ws, today=dt.date.today())] == [
        ("plan/not-outsourcing-enough", task.ref)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        task_set_status(actor=ACTOR, task=task, status="candidate")
    assert list(finding_list(workspace=ws, today=dt.date.today())) == []
    assert CheckRun.objects.filter(workspace=ws, trigger="change").count() == 2
    # Automatic runs are CheckRun rows, not activity-log entries; runs asked for by hand are both.
    from outsourcer.audit.models import AuditEntry

    assert not AuditEntry.objects.filter(workspace=ws, action="check.run").exists()
    run(ws)
    assert AuditEntry.objects.filter(workspace=ws, action="check.run").count() == 1


def test_core_or_unknown_work_linked_to_active_engagements_is_handed_out_too(db):
    from tests.factories import EngagementFactory

    ws = WorkspaceFactory()
    core = TaskFactory(workspace=ws, ref="core", name="Pitches", business_value=5, status="in_house")
    blind = TaskFactory(workspace=ws, ref="blind", name="Website", knowledge="none", status="candidate")
    active = EngagementFactory(workspace=ws, contractor__workspace=ws, title="Pitch decks", status="active")
    active.tasks.set([core, blind])
    done = EngagementFactory(workspace=ws, contractor__workspace=ws, status="completed")
    done.tasks.set([TaskFactory(workspace=ws, ref="old", business_value=5, status="in_house")])
    result = run(ws)
    plan = {rule: refs for rule, refs in hits(result).items() if rule.startswith("plan/")}
    assert plan == {"plan/outsourcing-core": ["core"], "plan/no-knowledge": ["blind"]}
    messages = sorted(f.message for f in result.open if f.rule.startswith("plan/"))
    assert messages == [
        "Pitches is core to the business (business value 5 of 5) and is in active work (Pitch decks) (10 h a month).",
        "Website is in active work (Pitch decks), but the business knows nothing about this work "
        "(knowledge: none), so nobody can judge what comes back.",
    ]


def test_the_scheduler_prunes_old_job_results_of_the_database_queue(db, settings, monkeypatch):
    from outsourcer.checks.management.commands import scheduler

    calls = []
    monkeypatch.setattr(scheduler, "call_command", lambda *args, **kwargs: calls.append(args))
    monkeypatch.setattr(scheduler, "run_due_checks", type("NoJob", (), {"enqueue": staticmethod(lambda: None)}))
    call_command("scheduler", "--once")
    assert calls == []  # the test settings run jobs at once: no queue to prune
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("scheduler", "--once")
    assert calls == [("prune_db_task_results", "--min-age-days", "14")]
