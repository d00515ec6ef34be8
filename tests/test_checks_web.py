"""The health check's pages: dashboard, run button, findings and their filters, one finding with
snooze / dismiss / reopen, the rules reference, subject links, and the overview's health card."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from outsourcer.checks.charts import trend_chart
from outsourcer.checks.models import CheckRun, Finding
from outsourcer.checks.registry import STAGES, rules
from outsourcer.checks.selectors import TrendPoint, check_trend
from outsourcer.checks.services import check_run, finding_dismiss
from outsourcer.checks.templatetags.checks_tags import subject_url
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from tests.conftest import Personas, login_client
from tests.factories import FindingFactory, TaskFactory


def url(ws, name: str, **kwargs) -> str:
    return reverse(f"checks:{name}", kwargs={"ws": ws.uuid, **kwargs})


def text(response) -> str:
    return unescape(response.content.decode())


def tally(page: str, severity: str) -> int:
    match = re.search(rf'tally__item--{severity}">.*?<span class="tally__num">(\d+)</span>', page, re.S)
    assert match, f"no {severity} tally on the page"
    return int(match.group(1))


@pytest.fixture
def fired(personas: Personas):
    """Three tasks, each firing one plan rule (one info, two warnings), and one that fires none; then a check."""
    ws = personas.workspace
    tasks = {
        "books": TaskFactory(
            workspace=ws, name="Bookkeeping", effectiveness=1, business_value=2, hours_per_month=Decimal(10)
        ),
        "pitch": TaskFactory(workspace=ws, name="Client pitches", business_value=5, status="outsourced"),
        "site": TaskFactory(workspace=ws, name="Website upkeep", knowledge="none", status="outsourced"),
        "fine": TaskFactory(workspace=ws, name="Payroll", effectiveness=4, business_value=3),
    }
    check_run(actor=Actor.cli(), workspace=ws)
    return tasks


def finding_of(ws, rule: str) -> Finding:
    return Finding.objects.get(workspace=ws, rule=rule)


# --- Dashboard ------------------------------------------------------------------------------------


def test_dashboard_before_any_check_says_so_and_offers_the_run(personas: Personas):
    ws = personas.workspace
    page = text(login_client(personas.owner).get(url(ws, "dashboard")))
    assert "No check has run yet" in page
    assert 'action="' + url(ws, "run") + '"' in page and "Run the check now" in page
    viewer_page = text(login_client(personas.viewer).get(url(ws, "dashboard")))
    assert "No check has run yet" in viewer_page and "Run the check now" not in viewer_page
    assert "an owner or a manager can run the check" in viewer_page


def test_dashboard_counts_findings_by_severity_and_stage(personas: Personas, fired):
    ws = personas.workspace
    page = text(login_client(personas.manager).get(url(ws, "dashboard")))
    assert (tally(page, "error"), tally(page, "warning"), tally(page, "info")) == (0, 2, 1)
    # The plan row of the stage grid links its two warnings and one info; later stages wait.
    assert f'href="{url(ws, "findings")}?stage=plan&severity=warning">2</a>' in page
    assert f'href="{url(ws, "findings")}?stage=plan&severity=info">1</a>' in page
    waiting = [stage for stage in STAGES if not any(rule.stage == stage for rule in rules())]
    assert waiting == []  # every stage has rules now: risk and comply are live
    assert page.count("Later release") == len(waiting)  # a stage with no rules yet would wait
    # The top findings: each with its message, its fix and a link to its task.
    books = finding_of(ws, "plan/not-outsourcing-enough")
    assert books.message in page and books.fix in page
    task_url = reverse("planning:task_edit", kwargs={"ws": ws.uuid, "task": fired["books"].uuid})
    assert f'href="{task_url}">Bookkeeping</a>' in page
    assert "Last checked" in page and "(run by hand)" in page
    assert "0 snoozed, 0 dismissed" in page


def test_dashboard_trend_shows_todays_point_with_its_numbers(personas: Personas, fired):
    ws = personas.workspace
    page = text(login_client(personas.owner).get(url(ws, "dashboard")))
    today = today_in(ws.time_zone)
    assert "<svg" in page and "<desc" in page
    assert f"Latest, {today.day} {today:%b}: 0 errors, 2 warnings, 1 info." in page
    assert f'<time datetime="{today:%Y-%m-%d}">' in page  # the data table's row for today
    assert 'class="trend__total">3</text>' in page


def test_dashboard_counts_snoozed_and_dismissed_apart_from_the_open(personas: Personas, fired):
    ws = personas.workspace
    finding_dismiss(actor=Actor.cli(), finding=finding_of(ws, "plan/no-knowledge"), reason="We hired an adviser.")
    page = text(login_client(personas.owner).get(url(ws, "dashboard")))
    assert tally(page, "warning") == 1
    assert "0 snoozed, 1 dismissed" in page


# --- Run ------------------------------------------------------------------------------------------


def test_run_button_runs_the_check_and_says_what_changed(personas: Personas):
    ws = personas.workspace
    TaskFactory(workspace=ws, name="Bookkeeping", effectiveness=1, business_value=2, hours_per_month=Decimal(10))
    client = login_client(personas.manager)
    response = client.post(url(ws, "run"), follow=True)
    assert response.redirect_chain == [(url(ws, "dashboard"), 302)]
    page = text(response)
    assert "Health check done: 1 new, 0 resolved, 1 open." in page
    assert CheckRun.objects.get(workspace=ws).trigger == "manual"
    assert tally(page, "info") == 1
    again = text(client.post(url(ws, "run"), follow=True))
    assert "Health check done: 0 new, 0 resolved, 1 open." in again


def test_run_refuses_get_and_readers(personas: Personas):
    ws = personas.workspace
    assert login_client(personas.owner).get(url(ws, "run")).status_code == 405
    assert login_client(personas.viewer).post(url(ws, "run")).status_code == 403
    assert not CheckRun.objects.filter(workspace=ws).exists()


# --- Findings list --------------------------------------------------------------------------------


def test_findings_filter_by_severity_stage_and_rule(personas: Personas, fired):
    ws = personas.workspace
    client = login_client(personas.viewer)
    everything = text(client.get(url(ws, "findings")))
    assert all(t in everything for t in ("Bookkeeping", "Client pitches", "Website upkeep"))
    assert "Payroll" not in everything
    warnings = text(client.get(url(ws, "findings"), {"severity": "warning"}))
    assert "Client pitches" in warnings and "Website upkeep" in warnings and "Bookkeeping" not in warnings
    by_rule = text(client.get(url(ws, "findings"), {"rule": "plan/no-knowledge"}))
    assert "Website upkeep" in by_rule and "Client pitches" not in by_rule
    assert "No open findings match these filters." in text(client.get(url(ws, "findings"), {"stage": "vet"}))
    # Each row links its rule to the reference's anchor.
    assert f'href="{url(ws, "rules")}#plan-no-knowledge"' in everything


def test_findings_refuse_an_unknown_filter_with_a_message(personas: Personas, fired):
    response = login_client(personas.viewer).get(url(personas.workspace, "findings"), {"severity": "dire"})
    assert response.status_code == 400
    page = text(response)
    assert "Some filters were not understood" in page and "Select a valid choice. dire is not one" in page
    assert "Client pitches" in page  # the valid rest still applies: all open findings


def test_findings_are_paginated_by_fifty_and_keep_the_filters(personas: Personas):
    ws = personas.workspace
    for i in range(55):
        FindingFactory(workspace=ws, severity="warning", subject_label=f"Subject {i:02d}")
    FindingFactory(workspace=ws, severity="info", subject_label="Only info")
    client = login_client(personas.owner)
    first = text(client.get(url(ws, "findings"), {"severity": "warning"}))
    assert first.count('data-label="Severity"') == 50
    assert "Page 1 of 2 · 55 findings" in first
    assert 'href="?severity=warning&page=2"' in first
    second = text(client.get(url(ws, "findings"), {"severity": "warning", "page": 2}))
    assert second.count('data-label="Severity"') == 5 and "Only info" not in second


# --- One finding: snooze, dismiss, reopen ---------------------------------------------------------


def test_finding_page_shows_it_in_full(personas: Personas, fired):
    ws = personas.workspace
    finding = finding_of(ws, "plan/not-outsourcing-enough")
    page = text(login_client(personas.viewer).get(url(ws, "finding", finding=finding.uuid)))
    rule = next(r for r in rules() if r.id == finding.rule)
    for part in (finding.message, finding.fix, rule.why, rule.source, rule.title):
        assert part in page
    assert "Effectiveness" in page and "Hours per month" in page and "in house" in page  # the facts
    assert "Not yet: the last check still saw it" in page


def test_snooze_through_the_page(personas: Personas, fired):
    ws = personas.workspace
    finding = finding_of(ws, "plan/outsourcing-core")
    until = today_in(ws.time_zone) + dt.timedelta(days=14)
    client = login_client(personas.manager)
    response = client.post(url(ws, "finding_snooze", finding=finding.uuid), {"until": until.isoformat()}, follow=True)
    assert response.redirect_chain == [(url(ws, "finding", finding=finding.uuid), 302)]
    assert f"Snoozed until {until:%d %b %Y}." in text(response)
    finding.refresh_from_db()
    assert finding.snoozed_until == until
    assert "Client pitches" not in text(client.get(url(ws, "findings")))
    assert "Client pitches" in text(client.get(url(ws, "findings"), {"state": "snoozed"}))


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("past", "Snooze until a date after today."),
        ("", "Choose the date it should come back."),
        ("not-a-date", "Enter a date."),
    ],
)
def test_snooze_refuses_a_bad_date_and_changes_nothing(personas: Personas, fired, until, message):
    ws = personas.workspace
    finding = finding_of(ws, "plan/outsourcing-core")
    if until == "past":
        until = (today_in(ws.time_zone) - dt.timedelta(days=1)).isoformat()
    response = login_client(personas.owner).post(url(ws, "finding_snooze", finding=finding.uuid), {"until": until})
    assert response.status_code == 400
    page = text(response)
    assert message in page and finding.message in page  # the finding page, with the error beside the field
    finding.refresh_from_db()
    assert finding.snoozed_until is None and finding.quiet_fingerprint == ""


def test_dismiss_needs_a_reason(personas: Personas, fired):
    ws = personas.workspace
    finding = finding_of(ws, "plan/no-knowledge")
    response = login_client(personas.owner).post(url(ws, "finding_dismiss", finding=finding.uuid), {"reason": "  "})
    assert response.status_code == 400
    page = text(response)
    assert "The finding was not dismissed" in page
    assert page.count("Say why it does not apply, so the next person knows.") == 2  # at the top and by the field
    finding.refresh_from_db()
    assert finding.dismissed_at is None and finding.dismiss_reason == ""


def test_dismissed_finding_leaves_the_open_list_and_can_be_reopened(personas: Personas, fired):
    ws = personas.workspace
    finding = finding_of(ws, "plan/no-knowledge")
    client = login_client(personas.owner)
    response = client.post(
        url(ws, "finding_dismiss", finding=finding.uuid), {"reason": "Our adviser reviews the site."}, follow=True
    )
    page = text(response)
    assert "Dismissed. It stays quiet until the data behind it changes." in page
    assert "Our adviser reviews the site." in page and "Reopen now" in page
    assert "Website upkeep" not in text(client.get(url(ws, "findings")))
    dismissed = text(client.get(url(ws, "findings"), {"state": "dismissed"}))
    assert "Website upkeep" in dismissed and "Dismissed" in dismissed

    page = text(client.post(url(ws, "finding_reopen", finding=finding.uuid), follow=True))
    assert "Reopened: it is back in the open list." in page
    finding.refresh_from_db()
    assert finding.dismissed_at is None and finding.dismiss_reason == ""
    assert "Website upkeep" in text(client.get(url(ws, "findings")))


def test_quieting_a_resolved_finding_is_refused_with_a_message(personas: Personas, fired):
    ws = personas.workspace
    finding = finding_of(ws, "plan/no-knowledge")
    fired["site"].delete()
    check_run(actor=Actor.cli(), workspace=ws)
    response = login_client(personas.owner).post(url(ws, "finding_dismiss", finding=finding.uuid), {"reason": "x"})
    assert response.status_code == 400
    assert "This finding is already resolved." in text(response)
    finding.refresh_from_db()
    assert finding.dismissed_at is None


def test_quieting_refuses_get_and_readers(personas: Personas, fired):
    ws = personas.workspace
    finding = finding_of(ws, "plan/no-knowledge")
    owner, viewer = login_client(personas.owner), login_client(personas.viewer)
    for name in ("finding_snooze", "finding_dismiss", "finding_reopen"):
        assert owner.get(url(ws, name, finding=finding.uuid)).status_code == 405
        assert viewer.post(url(ws, name, finding=finding.uuid), {"reason": "x"}).status_code == 403
    finding.refresh_from_db()
    assert finding.dismissed_at is None


def test_viewer_sees_no_write_buttons(personas: Personas, fired):
    ws = personas.workspace
    client = login_client(personas.viewer)
    finding = finding_of(ws, "plan/no-knowledge")
    dashboard = text(client.get(url(ws, "dashboard")))
    assert "Run the check now" not in dashboard and url(ws, "run") not in dashboard
    page = text(client.get(url(ws, "finding", finding=finding.uuid)))
    for name in ("finding_snooze", "finding_dismiss", "finding_reopen"):
        assert url(ws, name, finding=finding.uuid) not in page
    assert "an owner or a manager can snooze, dismiss or reopen them" in page
    owner_page = text(login_client(personas.owner).get(url(ws, "finding", finding=finding.uuid)))
    assert url(ws, "finding_snooze", finding=finding.uuid) in owner_page
    assert url(ws, "finding_dismiss", finding=finding.uuid) in owner_page


# --- Rules reference ------------------------------------------------------------------------------


def test_rules_page_lists_every_rule_with_its_anchor(personas: Personas):
    page = text(login_client(personas.viewer).get(url(personas.workspace, "rules")))
    catalogue = rules()
    assert catalogue
    for rule in catalogue:
        assert f'id="{rule.anchor}"' in page
        for part in (rule.id, rule.title, rule.checks, rule.why, rule.fix, rule.source):
            assert part in page
    assert "not raised again for the same subject until the data behind it changes" in page


# --- Subject links --------------------------------------------------------------------------------


def test_subject_links_go_to_the_task_page(personas: Personas, fired):
    ws = personas.workspace
    finding = finding_of(ws, "plan/outsourcing-core")
    task = fired["pitch"]
    link = subject_url(finding)
    assert link == reverse("planning:task_edit", kwargs={"ws": ws.uuid, "task": task.uuid})
    client = login_client(personas.owner)
    assert f'href="{link}">Client pitches</a>' in text(client.get(url(ws, "findings")))
    assert f'href="{link}">Client pitches</a>' in text(client.get(url(ws, "finding", finding=finding.uuid)))
    assert "Client pitches" in text(client.get(link))


def test_subjects_of_unknown_kind_or_without_uuid_have_no_link(personas: Personas):
    ws = personas.workspace
    assert subject_url(FindingFactory(workspace=ws, subject_kind="contractor")) is None
    assert subject_url(FindingFactory(workspace=ws, subject_kind="task", subject_uuid=None)) is None


# --- Overview card and trend ----------------------------------------------------------------------


def test_overview_shows_the_health_card_and_links_the_live_stages(personas: Personas, fired):
    ws = personas.workspace
    page = text(login_client(personas.viewer).get(reverse("workspace:dashboard", kwargs={"ws": ws.uuid})))
    assert re.search(r'health-card__count--warning"><a [^>]*><span class="health-card__num">2</span> warnings', page)
    assert re.search(r'health-card__count--info"><a [^>]*><span class="health-card__num">1</span> info', page)
    assert f'href="{url(ws, "dashboard")}">Health check</a></h3>' in page
    assert f'href="{reverse("planning:plan", kwargs={"ws": ws.uuid})}">Plan</a></h3>' in page
    assert f'href="{reverse("vetting:directory", kwargs={"ws": ws.uuid})}">Vet contractors</a></h3>' in page
    engagements = reverse("engagements:list", kwargs={"ws": ws.uuid})
    assert f'href="{engagements}">Brief & contract</a></h3>' in page
    assert f'href="{engagements}">Manage</a></h3>' in page
    assert f'href="{reverse("deliverables:list", kwargs={"ws": ws.uuid})}">Deliver & review</a></h3>' in page
    assert f'href="{reverse("payments:payables", kwargs={"ws": ws.uuid})}">Pay on time</a></h3>' in page
    risk = reverse("risk:register", kwargs={"ws": ws.uuid})
    assert f'href="{risk}">Risk & compliance</a></h3>' in page
    assert "Later release" not in page  # every stage of the cycle is in


def test_overview_health_card_before_any_check(personas: Personas):
    ws = personas.workspace
    page = text(login_client(personas.owner).get(reverse("workspace:dashboard", kwargs={"ws": ws.uuid})))
    assert "No check has run yet. It runs once a day" in page


def test_trend_chart_leaves_days_without_a_check_empty():
    today = dt.date(2026, 3, 30)
    points = [
        TrendPoint(day=dt.date(2026, 2, 1), errors=9, warnings=9, infos=9),  # before the window
        TrendPoint(day=dt.date(2026, 3, 2), errors=1, warnings=2, infos=3),
        TrendPoint(day=today, errors=0, warnings=1, infos=0),
    ]
    chart = trend_chart(points, today=today, days=30)
    assert [b.day for b in chart.bars] == [dt.date(2026, 3, 2), today]
    assert [s.severity for s in chart.bars[0].segments] == ["error", "warning", "info"]
    assert chart.bars[1].segments[0].severity == "warning" and chart.bars[1].total == 1
    assert chart.ticks[-1].value == 10  # 6 at most, rounded up to a readable scale
    assert chart.day_labels[-1].text == "30 Mar" and chart.day_labels[0].text == "2 Mar"
    assert chart.first_day == dt.date(2026, 3, 1)
    assert "Highest: 6 on 2 Mar." in chart.description


def test_trend_days_are_the_workspace_days(personas: Personas):
    ws = personas.workspace  # America/New_York
    run = CheckRun.objects.create(workspace=ws, as_of=dt.date(2026, 3, 9), trigger="cli", warnings=2)
    # 02:00 UTC on the 10th is 22:00 on the 9th in New York.
    CheckRun.objects.filter(pk=run.pk).update(created_at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC))
    assert [p.day for p in check_trend(workspace=ws)] == [dt.date(2026, 3, 9)]
