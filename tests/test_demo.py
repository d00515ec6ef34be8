"""The demo workspace, Brightline Studio: work in every state, one engagement done right, and the mistakes
of the brief, manage, deliver, money, risk and compliance stages planted where a studio would make them."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from outsourcer.bundles.demo import demo_document, demo_load
from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor
from outsourcer.deliverables.models import Milestone, OriginalityMatch
from outsourcer.engagements.briefs import brief_completeness
from outsourcer.engagements.models import CheckIn, CustomerCommitment, Engagement, Status, TimeEntry
from outsourcer.engagements.services import brief_content
from outsourcer.payments.models import Invoice
from outsourcer.payments.models import Status as InvoiceStatus

TODAY = dt.date(2026, 12, 1)  # the date the demo's story is told as of
BIN = Path(sys.executable).parent / "outsourcer"

# Each mistake of the later stages, on the subject the story plants it.
PLANTED = {
    ("brief/missing-goals", "inbox-triage"),
    ("brief/no-point-person", "inbox-triage"),
    ("brief/no-acceptance-criteria", "pitch-decks"),
    ("brief/no-important-channel", "social-and-newsletter"),
    ("manage/silence", "website-rebuild"),
    ("manage/micromanaging", "pitch-decks"),
    ("manage/no-feedback", "pd-lakeside-draft"),
    ("manage/no-feedback", "ines-duarte"),
    ("manage/underused-retainer", "social-and-newsletter"),
    ("manage/over-hour-cap", "payroll-support"),
    ("deliver/overdue", "wr-content"),
    ("deliver/unreviewed-to-customer", "mr-sample"),
    ("deliver/commitment-at-risk", "mr-final"),
    ("deliver/originality", "sn-december-newsletter"),
}
# The money and tax mistakes: a preferred agency's overdue invoice, a retainer paid late, terms never
# agreed, a retainer with no budget, an hourly engagement near its budget and a paused one past it, an
# illustrator paid by PayPal with no W-9, a photographer over the 2026 1099-NEC threshold by ACH, and a
# deposit to a contractor whose TIN check failed, with nothing withheld.
MONEY_PLANTED = {
    ("money/late-payment", "vd-2026-031"),
    ("money/good-worker-waiting", "vistula-digital"),
    ("money/paid-late", "id-2026-10"),
    ("money/no-payment-terms", "pitch-decks"),
    ("money/no-budget", "social-and-newsletter"),
    ("money/over-budget", "it-updates"),
    ("money/over-budget", "payroll-support"),
    ("comply/missing-tax-form", "lena-fox"),
    ("comply/1099-due", "noah-brooks"),
    ("comply/backup-withholding", "jordan-blake"),
}
MONEY_RULES = ("money/", "comply/missing-tax-form", "comply/1099-due", "comply/backup-withholding")
# The risk and paper mistakes: a small IT job whose risks were only thought through for security, a pitch
# deadline written down and never answered, an agency with admin on the live site and no way out planned,
# a research folder left open after the work was terminated, the studio's Instagram password shared with
# the social media contractor, one bookkeeper and no one to stand in, pitch decks started on an NDA and an
# email, the agency's own template without the IP assignment, the payroll support never assessed, a retainer
# that has drifted toward employment, and the agency's insurance certificate about to lapse.
RISK_PLANTED = {
    ("risk/no-register", "it-updates"),
    ("risk/unmitigated", "pd-lakeside-deadline"),
    ("risk/no-exit-plan", "website-rebuild"),
    ("risk/access-not-revoked", "market-research"),
    ("risk/shared-credentials", "social-and-newsletter"),
    ("risk/concentration", "dana-whitfield"),
    ("comply/no-agreement", "pitch-decks"),
    ("comply/agreement-incomplete", "website-rebuild"),
    ("comply/classification-unassessed", "payroll-support"),
    ("comply/classification-risk", "social-and-newsletter"),
    ("comply/document-expiring", "vistula-digital"),
}
RISK_RULES = (
    "risk/",
    "comply/no-agreement",
    "comply/agreement-incomplete",
    "comply/classification-",
    "comply/document-expiring",
)


def is_money(rule: str) -> bool:
    return rule.startswith(MONEY_RULES)


def is_risk(rule: str) -> bool:
    return rule.startswith(RISK_RULES)


def test_the_demo_holds_work_in_every_state(db):
    ws = demo_load(password="a-long-demo-password").workspace
    assert set(Engagement.objects.filter(workspace=ws).values_list("status", flat=True)) == set(Status)
    assert set(Milestone.objects.filter(workspace=ws).values_list("status", flat=True)) == set(Milestone.Status)
    entries = set(TimeEntry.objects.filter(workspace=ws).values_list("status", flat=True))
    assert {"submitted", "approved", "rejected"} <= entries
    promise = CustomerCommitment.objects.get(workspace=ws)
    assert Milestone.objects.filter(engagement__customer_commitment=promise).count() == 2
    for engagement in Engagement.objects.filter(workspace=ws, status__in=("active", "paused")):
        assert engagement.brief and engagement.communication, engagement.ref
        assert CheckIn.objects.filter(engagement=engagement).exists(), engagement.ref
    # A year of invoices, in every status and four currencies, paid every way the 1099 rules tell apart.
    invoices = Invoice.objects.filter(workspace=ws)
    assert set(invoices.values_list("status", flat=True)) == set(InvoiceStatus)
    assert set(invoices.values_list("currency", flat=True)) == {"USD", "EUR", "GBP", "INR"}
    assert {"ach", "wire", "check", "card", "paypal"} <= set(invoices.values_list("channel", flat=True))
    paid = sorted(invoices.filter(status="paid").values_list("paid_on", flat=True))
    assert (paid[0], paid[-1]) == (dt.date(2026, 1, 8), dt.date(2026, 11, 24))
    assert min(invoices.values_list("issued_on", flat=True)) == dt.date(2025, 12, 15)
    # Hourly work is billed by the hour: each invoice of Hannah's case studies bills that month's approved time.
    billed = TimeEntry.objects.filter(workspace=ws, billed__isnull=False)
    assert set(billed.values_list("status", flat=True)) == {"approved"}
    assert set(billed.values_list("engagement__ref", flat=True)) == {"case-study-writing", "payroll-support"}


def test_the_demo_plants_each_stage_mistake_and_leaves_one_engagement_clean(db):
    ws = demo_load(password="a-long-demo-password").workspace
    found = {(f.rule, f.subject_ref) for f in check_run(actor=Actor.cli(), workspace=ws, as_of=TODAY).open}
    later = {(rule, ref) for rule, ref in found if rule.split("/")[0] in ("brief", "manage", "deliver")}
    assert later == PLANTED
    assert {(rule, ref) for rule, ref in found if is_money(rule)} == MONEY_PLANTED
    # Case-study writing is done right: a brief with full marks, a plan, regular check-ins, time under
    # its cap, reviewed work and a shared rating. Nothing is found on it or its milestones.
    clean = Engagement.objects.get(workspace=ws, ref="case-study-writing")
    assert brief_completeness(brief_content(clean.brief)).score == 100
    refs = {"case-study-writing", "hannah-price", *clean.milestones.values_list("ref", flat=True)}
    assert not [f for f in found if f[1] in refs]


def test_the_demo_shares_a_paragraph_between_two_submissions(db):
    ws = demo_load(password="a-long-demo-password").workspace
    (match,) = OriginalityMatch.objects.filter(workspace=ws)
    assert match.submission.milestone.ref == "sn-december-newsletter"
    assert match.other.submission.milestone.ref == "cs-harbor-dental"
    assert match.similarity >= 0.5 and match.passages[0]["text"].startswith("Harbor Dental came to us")


def test_the_demo_bundle_is_written_as_the_export_writes_it(db):
    from outsourcer.bundles.selectors import bundle_export

    ws = demo_load(password="a-long-demo-password").workspace
    assert bundle_export(workspace=ws) == demo_document()


def test_the_demo_command_shows_the_originality_finding_with_the_database_queue(tmp_path):
    """The command as a user runs it: the task backend is the database queue, and no worker runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTSOURCER_", "DATABASE_URL", "DJANGO_"))}
    env.update(OUTSOURCER_DATA_DIR=str(tmp_path / "data"), OUTSOURCER_SECRET_KEY="t" * 50, OUTSOURCER_HTTPS="0")

    def run(*args: str) -> str:
        result = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result.stdout

    run("demo", "--json")
    report = json.loads(
        run("check", "--workspace", "Brightline Studio", "--as-of", TODAY.isoformat(), "--json", "--fail-on", "none")
    )
    rules = {f["rule"] for f in report["findings"]}
    assert "deliver/originality" in rules and "manage/silence" in rules


def clean_copy() -> dict:
    """The demo cut down to its well-run engagement, its contractor and its invoices."""
    doc = demo_document()
    doc["workspace"]["name"] = "Clean copy"
    doc["engagements"] = [e for e in doc["engagements"] if e["ref"] == "case-study-writing"]
    works = {e["ref"] for e in doc["engagements"]}
    keep = {e["contractor_ref"] for e in doc["engagements"]}
    doc["contractors"] = [c for c in doc["contractors"] if c["ref"] in keep]
    # A vetted writer standing by, so that the one contractor paid is not a dependency (risk/concentration).
    doc["contractors"].append(
        {
            "ref": "backup-writer",
            "name": "Rosa Lind",
            "kind": "individual",
            "stage": "approved",
            "skills": ["copywriting", "editing"],
        }
    )
    commitments = {e.get("customer_commitment_ref") for e in doc["engagements"]}
    doc["customer_commitments"] = [c for c in doc.get("customer_commitments", []) if c["ref"] in commitments]
    doc["invoices"] = [i for i in doc["invoices"] if i["engagement_ref"] == "case-study-writing"]
    # Its risks and its contractor's; not the studio's own, nor those of the work cut away.
    doc["risks"] = [
        r
        for r in doc["risks"]
        if r.get("engagement_ref") in works or (not r.get("engagement_ref") and r.get("contractor_ref") in keep)
    ]
    return doc


def test_a_bundle_of_the_clean_engagement_alone_raises_nothing_of_these_stages(db, django_capture_on_commit_callbacks):
    """The same data as a bundle of its own: the planted bundle finds each mistake, the clean one none."""
    from outsourcer.bundles.services import bundle_import_new

    doc = clean_copy()
    with django_capture_on_commit_callbacks(execute=True):
        ws = bundle_import_new(actor=Actor.cli(), document=doc, name="Clean copy", owner=None).workspace
    found = {(f.rule, f.subject_ref) for f in check_run(actor=Actor.cli(), workspace=ws, as_of=TODAY).open}
    assert not [f for f in found if f[0].split("/")[0] in ("brief", "manage", "deliver")], found
    assert Milestone.objects.filter(workspace=ws).exists()  # the clean engagement's work came along

    with django_capture_on_commit_callbacks(execute=True):
        planted = bundle_import_new(actor=Actor.cli(), document=demo_document(), name="Planted", owner=None).workspace
    found = {(f.rule, f.subject_ref) for f in check_run(actor=Actor.cli(), workspace=planted, as_of=TODAY).open}
    assert {(rule, ref) for rule, ref in found if rule.split("/")[0] in ("brief", "manage", "deliver")} == PLANTED


def test_a_bundle_of_the_clean_engagement_alone_raises_no_money_or_tax_finding(db):
    """Hannah's case studies, billed by the hour and paid within her terms, under budget, with her W-8BEN on
    file: no money or tax finding. The whole demo finds each planted one, with its numbers."""
    from outsourcer.bundles.services import bundle_import_new

    doc = clean_copy()
    assert len(doc["invoices"]) == 7  # May to November
    ws = bundle_import_new(actor=Actor.cli(), document=doc, name="Clean copy", owner=None).workspace
    found = check_run(actor=Actor.cli(), workspace=ws, as_of=TODAY).open
    assert not [(f.rule, f.subject_ref) for f in found if is_money(f.rule)]
    assert Invoice.objects.filter(workspace=ws, status="paid").count() == 6

    planted = bundle_import_new(actor=Actor.cli(), document=demo_document(), name="Planted", owner=None).workspace
    found = {(f.rule, f.subject_ref): f for f in check_run(actor=Actor.cli(), workspace=planted, as_of=TODAY).open}
    assert {key for key in found if is_money(key[0])} == MONEY_PLANTED
    assert found[("money/over-budget", "it-updates")].severity == "error"
    assert found[("money/over-budget", "payroll-support")].severity == "warning"
    assert "(88%), past the 75% alert" in found[("money/over-budget", "payroll-support")].message
    assert (
        "In the last 90 days you paid 8 of 9 invoices on time (89%)."
        in found[("money/paid-late", "id-2026-10")].message
    )
    # The card payment for studio hire does not count toward Noah's 1099-NEC, nor Lena's PayPal payments toward hers.
    assert "was paid $4,000.00 in 2026" in found[("comply/1099-due", "noah-brooks")].message
    assert ("comply/1099-due", "lena-fox") not in found


def test_the_demo_keeps_a_register_exit_plans_access_and_papers_in_every_state(db):
    from outsourcer.compliance.models import Agreement, ClassificationAssessment
    from outsourcer.risk.models import CORE_AREAS, AccessGrant, ExitPlan, Risk

    ws = demo_load(password="a-long-demo-password").workspace
    risks = Risk.objects.filter(workspace=ws)
    assert set(risks.values_list("status", flat=True)) == set(Risk.Status)
    assert {r.category for r in risks} >= set(CORE_AREAS) | {"compliance"}
    high = [r for r in risks if r.is_high]
    assert len([r for r in high if r.mitigation]) >= 3 and all(r.owner and r.review_on for r in high)
    assert risks.filter(engagement__isnull=True, contractor__isnull=False).exists()  # a contractor's own risks
    assert risks.filter(engagement__isnull=True, contractor__isnull=True).exists()  # and the studio's
    plans = ExitPlan.objects.filter(workspace=ws)
    assert set(plans.values_list("handover_kind", flat=True)) == set(ExitPlan.Handover)
    assert all(plan.has_steps for plan in plans)
    grants = AccessGrant.objects.filter(workspace=ws)
    assert grants.filter(revoked_on__isnull=False, shared_credential=True).exists()  # revoked when the work ended
    assert all(g.expires_on for g in grants.filter(revoked_on__isnull=True, engagement__status="active")
               if not g.shared_credential)  # fmt: skip
    agreements = Agreement.objects.filter(workspace=ws)
    assert agreements.filter(signed_on__isnull=True).get().engagement.ref == "inbox-triage"  # waiting for a signature
    assert agreements.get(engagement__ref="case-study-writing").business_name == "Brightline Studio"
    assessed = set(ClassificationAssessment.objects.filter(workspace=ws).values_list("engagement__ref", flat=True))
    assert assessed == {"case-study-writing", "social-and-newsletter"}


def test_the_demo_plants_each_risk_and_paper_mistake_once(db):
    ws = demo_load(password="a-long-demo-password").workspace
    found = {(f.rule, f.subject_ref): f for f in check_run(actor=Actor.cli(), workspace=ws, as_of=TODAY).open}
    assert {key for key in found if is_risk(key[0])} == RISK_PLANTED
    # The rest of the story is as before.
    assert {key for key in found if key[0].split("/")[0] in ("brief", "manage", "deliver")} == PLANTED
    assert {key for key in found if is_money(key[0])} == MONEY_PLANTED
    assert found[("risk/no-register", "it-updates")].message.endswith(
        "has no risk recorded for strategic, operational, financial."
    )
    assert found[("comply/no-agreement", "pitch-decks")].severity == "error"  # New York's freelancer law
    assert "lacks the IP assignment." in found[("comply/agreement-incomplete", "website-rebuild")].message
    assert "Google Drive: Market research folder" in found[("risk/access-not-revoked", "market-research")].message
    assert "bookkeeping" in found[("risk/concentration", "dana-whitfield")].message
    assert "expires on 15 December 2026, in 14 days" in found[("comply/document-expiring", "vistula-digital")].message


def test_a_bundle_of_the_clean_engagement_alone_raises_no_risk_or_paper_finding(db):
    """Hannah's case studies: a register in the four areas, an exit plan, her own expiring login, an agreement
    with every clause and a worker-status assessment. The planted bundle finds each risk and paper mistake."""
    from outsourcer.bundles.services import bundle_import_new

    doc = clean_copy()
    assert {r["category"] for r in doc["risks"]} == {"strategic", "operational", "technology_security", "financial"}
    ws = bundle_import_new(actor=Actor.cli(), document=doc, name="Clean copy", owner=None).workspace
    found = {(f.rule, f.subject_ref): f for f in check_run(actor=Actor.cli(), workspace=ws, as_of=TODAY).open}
    # Alone in its workspace Hannah is the one contractor paid, with nobody ready to take over: the copy
    # keeps a vetted backup writer, as a business doing it right would, and then nothing is found.
    assert not [key for key in found if is_risk(key[0])], found

    planted = bundle_import_new(actor=Actor.cli(), document=demo_document(), name="Planted", owner=None).workspace
    found = {(f.rule, f.subject_ref): f for f in check_run(actor=Actor.cli(), workspace=planted, as_of=TODAY).open}
    assert {key for key in found if is_risk(key[0])} == RISK_PLANTED
