"""The risk rules: each fires with its message and numbers, a near miss stays silent, and a whole check
costs the same queries for few or many risks, grants and payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outsourcer.checks.models import Finding
from outsourcer.checks.services import check_run
from outsourcer.checks.templatetags.checks_tags import subject_url
from outsourcer.core.actor import Actor
from outsourcer.payments.models import Invoice
from tests.factories import (
    AccessGrantFactory,
    ContractorFactory,
    EngagementFactory,
    ExitPlanFactory,
    RiskFactory,
    TaskFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)


def run(ws, as_of: dt.date = TODAY):
    return check_run(actor=ACTOR, workspace=ws, as_of=as_of)


def found(ws, rule: str, as_of: dt.date = TODAY) -> dict[str, str]:
    """The open findings of one rule: subject ref -> message."""
    return {f.subject_ref: f.message for f in run(ws, as_of).open if f.rule == rule}


def levels(ws, rule: str) -> dict[str, str]:
    return {f.subject_ref: f.severity for f in run(ws).open if f.rule == rule}


def engagement(ws, ref: str, title: str = "Website copy", name: str = "Ann Lee", **fields):
    contractor = fields.pop("contractor", None) or ContractorFactory(workspace=ws, ref=f"c-{ref}", name=name)
    return EngagementFactory(contractor=contractor, ref=ref, title=title, **fields)


def covered(work, *areas: str) -> None:
    for area in areas:
        RiskFactory(engagement=work, category=area)


ALL_AREAS = ("strategic", "operational", "technology_security", "financial")


# --- risk/no-register ------------------------------------------------------------------------------------


def test_no_register_lists_the_areas_with_no_risk(db):
    ws = WorkspaceFactory()
    copy = engagement(ws, "copy")
    RiskFactory(engagement=copy, category="operational")
    # A risk recorded for the contractor as a whole counts for each of their engagements.
    RiskFactory(engagement=None, contractor=copy.contractor, workspace=ws, category="technology_security")
    # A risk of another engagement, even of the same contractor, does not.
    other = engagement(ws, "other", title="Newsletter", contractor=copy.contractor)
    covered(other, *ALL_AREAS)
    engagement(ws, "bare", title="Support desk", name="Bo Chen", kind="ongoing", status="paused")
    assert found(ws, "risk/no-register") == {
        "copy": "Website copy with Ann Lee has no risk recorded for strategic, financial.",
        "bare": "Support desk with Bo Chen has no risk recorded for strategic, operational, technology and security, "
        "financial (none of the four areas).",
    }
    assert set(levels(ws, "risk/no-register").values()) == {"warning"}


def test_no_register_is_quiet_for_a_full_register_a_trial_and_ended_work(db):
    ws = WorkspaceFactory()
    full = engagement(ws, "full")
    covered(full, "strategic", "operational", "technology_security")
    RiskFactory(engagement=full, category="financial", status="closed")  # any status was thought about
    engagement(ws, "trial", kind="trial", name="Cy Trial")  # a paid trial needs no register
    engagement(ws, "done", status="completed", name="Di Done")
    engagement(ws, "draft", status="draft", name="Ed Draft")
    assert found(ws, "risk/no-register") == {}


# --- risk/unmitigated ------------------------------------------------------------------------------------


def test_unmitigated_fires_on_an_open_high_risk_without_mitigation(db):
    ws = WorkspaceFactory()
    copy = engagement(ws, "copy")
    covered(copy, *ALL_AREAS)
    RiskFactory(engagement=copy, ref="vanish", title="Contractor vanishes", category="operational", likelihood=4,
                impact=4, mitigation="")  # fmt: skip
    RiskFactory(engagement=None, contractor=copy.contractor, workspace=ws, ref="price", title="Rates double",
                category="financial", likelihood=3, impact=5, mitigation="  \n")  # fmt: skip
    # Near misses: 3 x 4 = 12 is under 15; mitigated or accepted risks are answered; one with a mitigation.
    RiskFactory(engagement=copy, ref="twelve", likelihood=3, impact=4, mitigation="")
    RiskFactory(engagement=copy, ref="handled", likelihood=5, impact=5, mitigation="", status="mitigated")
    RiskFactory(engagement=copy, ref="accepted", likelihood=5, impact=5, mitigation="", status="accepted")
    RiskFactory(engagement=copy, ref="planned", likelihood=5, impact=5, mitigation="A second writer on call.")
    assert found(ws, "risk/unmitigated") == {
        "vanish": "The operational risk vanish \u201cContractor vanishes\u201d (Website copy with Ann Lee) is open at "
        "likelihood 4 x impact 4 = 16 (15 or more is high) and has no mitigation.",
        "price": "The financial risk price \u201cRates double\u201d (Ann Lee) is open at likelihood 3 x impact 5 = "
        "15 (15 or more is high) and has no mitigation.",
    }
    assert set(levels(ws, "risk/unmitigated").values()) == {"warning"}


def test_a_finding_about_a_risk_links_to_the_risk(db):
    ws = WorkspaceFactory()
    risk = RiskFactory(engagement=engagement(ws, "copy"), ref="vanish", likelihood=5, impact=4, mitigation="")
    run(ws)
    finding = Finding.objects.get(workspace=ws, rule="risk/unmitigated")
    assert (finding.subject_kind, finding.subject_label) == ("risk", risk.title)
    assert subject_url(finding, ws) == reverse("risk:risk", kwargs={"ws": ws.uuid, "risk": risk.uuid})


# --- risk/no-exit-plan -----------------------------------------------------------------------------------


def test_no_exit_plan_fires_for_ongoing_work_or_open_access(db):
    ws = WorkspaceFactory()
    engagement(ws, "retainer", title="Support desk", kind="ongoing")
    site = engagement(ws, "site", name="Bo Chen")
    AccessGrantFactory(engagement=site, system="WordPress")
    AccessGrantFactory(engagement=site, system="Analytics")
    ExitPlanFactory(engagement=site, steps="   ")
    # Near misses: project work with no access; ongoing with steps; access all revoked; ended ongoing work.
    engagement(ws, "plain", name="Cy Plain")
    ExitPlanFactory(engagement=engagement(ws, "planned", kind="ongoing", name="Di Plan"))
    AccessGrantFactory(engagement=engagement(ws, "closed", name="Ed Closed"), revoked_on=dt.date(2026, 11, 20))
    engagement(ws, "ended", kind="ongoing", status="completed", name="Fa Ended")
    assert found(ws, "risk/no-exit-plan") == {
        "retainer": "Support desk with Ann Lee is ongoing work but has no exit plan.",
        "site": "Website copy with Bo Chen has access to Analytics and WordPress but has an exit plan with no steps.",
    }


# --- risk/access-not-revoked -----------------------------------------------------------------------------


def test_access_not_revoked_lists_each_system_left_open_on_ended_work_or_past_its_expiry(db):
    ws = WorkspaceFactory()
    done = engagement(ws, "done", status="completed", end_on=dt.date(2026, 11, 20))
    AccessGrantFactory(engagement=done, system="GitHub", level="admin")
    AccessGrantFactory(engagement=done, system="Figma", level="", expires_on=None)
    AccessGrantFactory(engagement=done, system="Drive", revoked_on=dt.date(2026, 11, 21))
    cut = engagement(ws, "cut", title="Ads", name="Bo Chen", status="terminated", end_on=None)
    AccessGrantFactory(engagement=cut, system="Google Ads", level="write")
    live = engagement(ws, "live", title="Support desk", name="Cy Live")
    AccessGrantFactory(engagement=live, system="Helpdesk", level="read", expires_on=dt.date(2026, 11, 30))
    AccessGrantFactory(engagement=live, system="Email", expires_on=TODAY)  # expires at the end of today
    # Near misses: ended work whose grants are all revoked; running work within its grants' dates.
    gone = engagement(ws, "gone", name="Di Gone", status="completed")
    AccessGrantFactory(engagement=gone, system="Slack", revoked_on=dt.date(2026, 11, 1))
    AccessGrantFactory(engagement=engagement(ws, "fine", name="Ed Fine"), system="Slack")
    assert found(ws, "risk/access-not-revoked") == {
        "done": "Website copy with Ann Lee still has 2 access grants that should be closed: Figma: the engagement "
        "was completed on 20 November 2026; GitHub (admin): the engagement was completed on 20 November 2026.",
        "cut": "Ads with Bo Chen still has 1 access grant that should be closed: Google Ads (write): the engagement "
        "was terminated.",
        "live": "Support desk with Cy Live still has 1 access grant that should be closed: Helpdesk (read): it "
        "expired on 30 November 2026.",
    }
    assert set(levels(ws, "risk/access-not-revoked").values()) == {"error"}
    facts = Finding.objects.get(workspace=ws, rule="risk/access-not-revoked", subject_ref="live").facts
    assert facts["grants"] == [{"system": "Helpdesk", "expires_on": "2026-11-30"}]
    # The day after its expiry, the e-mail grant is left open too.
    assert "Email" in found(ws, "risk/access-not-revoked", as_of=TODAY + dt.timedelta(days=1))["live"]


# --- risk/shared-credentials -----------------------------------------------------------------------------


def test_shared_credentials_lists_the_systems_with_a_shared_login(db):
    ws = WorkspaceFactory()
    site = engagement(ws, "site")
    AccessGrantFactory(engagement=site, system="WordPress", level="admin", shared_credential=True)
    AccessGrantFactory(engagement=site, system="Mailchimp", level="", shared_credential=True)
    AccessGrantFactory(engagement=site, system="GitHub", shared_credential=False)
    # Near miss: a shared login already revoked.
    old = engagement(ws, "old", name="Bo Chen", status="completed")
    AccessGrantFactory(engagement=old, system="Shopify", shared_credential=True, revoked_on=dt.date(2026, 10, 1))
    assert found(ws, "risk/shared-credentials") == {
        "site": "Website copy with Ann Lee uses a shared login for Mailchimp and WordPress (admin): nobody can tell "
        "their actions apart from others', and their access cannot be removed on its own."
    }
    assert levels(ws, "risk/shared-credentials") == {"site": "warning"}


# --- risk/concentration ----------------------------------------------------------------------------------


def paid(work, ref: str, amount: str, paid_on: dt.date, currency: str = "USD") -> Invoice:
    return Invoice.objects.create(
        workspace=work.workspace, engagement=work, ref=ref, amount=Decimal(amount), currency=currency,
        received_on=paid_on - dt.timedelta(days=10), status="paid", paid_on=paid_on, channel="ach",
    )  # fmt: skip


def test_concentration_fires_when_one_contractor_was_paid_over_half_of_the_last_12_months(db):
    ws = WorkspaceFactory(fx_rates={"EUR": "1.10"})
    ann = engagement(ws, "ann", name="Ann Lee")
    bo = engagement(ws, "bo", name="Bo Chen")
    paid(ann, "a1", "2000.00", dt.date(2025, 12, 2))  # the first day of the 365
    paid(ann, "a2", "1000.00", dt.date(2026, 6, 1), currency="EUR")  # 1,100.00 USD
    paid(bo, "b1", "1000.00", TODAY)
    paid(bo, "b-old", "9000.00", dt.date(2025, 12, 1))  # a day too early: out of the window
    paid(bo, "b-gbp", "700.00", dt.date(2026, 3, 1), currency="GBP")  # no rate: left out and named
    assert found(ws, "risk/concentration") == {
        "c-ann": "Ann Lee was paid 3,100.00 USD of the 4,100.00 USD paid to 2 contractors in the 12 months from "
        "2 December 2025 to 1 December 2026 (76%) (700.00 GBP with no exchange rate left out), and no other "
        "approved or preferred contractor lists any of their skills."
    }
    assert levels(ws, "risk/concentration") == {"c-ann": "info"}
    # The day before, Bo's old invoice is in the window (and today's is not): Bo has more than half.
    assert list(found(ws, "risk/concentration", as_of=dt.date(2026, 11, 30))) == ["c-bo"]


def test_concentration_counts_half_as_not_more_and_one_payee_as_all(db):
    ws = WorkspaceFactory()
    ann = engagement(ws, "ann", name="Ann Lee")
    bo = engagement(ws, "bo", name="Bo Chen")
    paid(ann, "a1", "1000.00", dt.date(2026, 10, 1))
    paid(bo, "b1", "1000.00", dt.date(2026, 10, 1))
    assert found(ws, "risk/concentration") == {}  # exactly half each
    paid(ann, "a2", "1.00", dt.date(2026, 10, 2))
    assert "(50.0%), and no other" in found(ws, "risk/concentration")["c-ann"]
    Invoice.objects.filter(engagement=bo).delete()
    assert found(ws, "risk/concentration") == {
        "c-ann": "Ann Lee was paid 1,001.00 USD of the 1,001.00 USD paid to 1 contractor in the 12 months from "
        "2 December 2025 to 1 December 2026 (all), and no other approved or preferred contractor lists any of "
        "their skills."
    }


def test_concentration_of_spend_is_covered_by_an_approved_contractor_with_one_of_the_skills(db):
    ws = WorkspaceFactory()
    ann = engagement(ws, "ann", name="Ann Lee")
    ann.contractor.skills_text = "\ncopywriting\nediting\n"
    ann.contractor.save()
    paid(ann, "a1", "1000.00", dt.date(2026, 10, 1))
    # Near misses that are not ready: one in vetting with the skill, one approved with another skill.
    ContractorFactory(workspace=ws, name="Val Vetting", stage="vetting", skills_text="\nediting\n")
    ContractorFactory(workspace=ws, name="Sam Seo", stage="approved", skills_text="\nseo\n")
    assert list(found(ws, "risk/concentration")) == ["c-ann"]
    ContractorFactory(workspace=ws, name="Bea Backup", stage="approved", skills_text="\nEditing\n")
    assert found(ws, "risk/concentration") == {}


def test_concentration_fires_for_the_only_contractor_of_a_category_with_nobody_ready(db):
    ws = WorkspaceFactory()
    books = TaskFactory(workspace=ws, name="Bookkeeping", category="bookkeeping")
    payroll = TaskFactory(workspace=ws, name="Payroll", category="payroll")
    design = TaskFactory(workspace=ws, name="Design", category="graphic_design")
    ann = engagement(ws, "ann", title="Monthly books", name="Ann Lee")
    ann.tasks.add(books, payroll)
    # Near misses: payroll has an approved contractor with the skill standing by (not the one doing it);
    # design work is shared by two contractors; a contractor merely in vetting is not ready.
    ContractorFactory(workspace=ws, name="Pat Payroll", stage="approved", skills_text="\nPayroll\n")
    ContractorFactory(workspace=ws, name="Val Vetting", stage="vetting", skills_text="\nbookkeeping\n")
    engagement(ws, "d1", name="Cy Design").tasks.add(design)
    engagement(ws, "d2", name="Di Design").tasks.add(design)
    # Ended work does not count.
    engagement(ws, "old", name="Ed Old", status="completed").tasks.add(TaskFactory(workspace=ws, category="seo"))
    assert found(ws, "risk/concentration") == {
        "c-ann": "Ann Lee is the only contractor with work in progress in bookkeeping (Monthly books), and no other "
        "approved or preferred contractor lists it among their skills."
    }
    ContractorFactory(workspace=ws, name="Xu Ready", stage="preferred", skills_text="\nbookkeeping\n")
    assert found(ws, "risk/concentration") == {}


# --- Cost ------------------------------------------------------------------------------------------------


def test_the_risk_rules_cost_the_same_queries_for_few_or_many_rows(db):
    def queries(n: int) -> int:
        ws = WorkspaceFactory(fx_rates={"EUR": "1.1"})
        for i in range(n):
            work = engagement(ws, f"e{i}", name=f"Contractor {i}", kind=("ongoing", "project")[i % 2],
                              status=("active", "completed", "paused")[i % 3])  # fmt: skip
            work.tasks.add(TaskFactory(workspace=ws, category=("books", "design", f"c{i}")[i % 3]))
            RiskFactory(engagement=work, category=ALL_AREAS[i % 4], likelihood=5, impact=3 + i % 3, mitigation="")
            RiskFactory(engagement=None, contractor=work.contractor, workspace=ws, category="strategic")
            AccessGrantFactory(engagement=work, shared_credential=bool(i % 2), expires_on=dt.date(2026, 1 + i % 12, 1))
            if i % 2:
                ExitPlanFactory(engagement=work, steps=("", "Export and close")[i % 4 == 1])
            paid(work, f"p{i}", "100.00", dt.date(2026, 1 + i % 11, 1), currency=("USD", "EUR", "JPY")[i % 3])
        run(ws)
        with CaptureQueriesContext(connection) as ctx:
            run(ws)
        return len(ctx.captured_queries)

    assert queries(3) == queries(24)
