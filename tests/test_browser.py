"""Journeys in real Chromium (the system's /usr/bin/chromium, headless) against a live server."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core import mail

from outsourcer.accounts.models import Membership, Role, Workspace
from outsourcer.accounts.services import signup
from outsourcer.bundles.demo import demo_document
from tests.conftest import PASSWORD, require_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("OUTSOURCER_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
TODAY_DEMO = dt.date(2026, 12, 1)  # the date the demo's story is told as of


@pytest.fixture(scope="session")
def browser():
    require_service(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    # A form refused with a 4xx status logs "Failed to load resource"; that is the page working as meant.
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource: the server responded with a status of 4")
            and page.problems.append(m.text)
        ),  # type: ignore[attr-defined]
    )
    page.on("pageerror", lambda e: page.problems.append(str(e)))  # type: ignore[attr-defined]
    yield page
    problems = page.problems  # type: ignore[attr-defined]
    context.close()
    assert not problems, f"browser console errors (CSP violations show here): {problems}"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.wait_for_load_state()


def test_sign_up_and_land_in_the_new_workspace(page):
    page.goto("/accounts/signup/")
    shot(page, "signup")
    page.get_by_label("Your name").fill("Morgan Diaz")
    page.get_by_label("Email").fill("morgan@diaz.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Business or workspace name").fill("Diaz Landscaping")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_role("button", name=re.compile("create|sign up", re.I)).click()
    page.wait_for_url(re.compile(r"/w/[0-9a-f-]+/$"))
    assert "Diaz Landscaping" in page.content()
    shot(page, "dashboard")
    ws = Workspace.objects.get(name="Diaz Landscaping")
    assert ws.time_zone == "America/Chicago"


def test_log_in_and_out_with_the_keyboard(page):
    signup(email="kim@example.test", password=PASSWORD, name="Kim", workspace_name="Kim Studio")
    page.goto("/accounts/login/")
    shot(page, "login")
    assert page.evaluate("document.activeElement.name") == "username"  # the email field has focus
    # Start sequential navigation from the top of the page, as a fresh keyboard user would.
    page.evaluate("document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex')")
    page.keyboard.press("Tab")  # from the top, the first stop is the skip link
    assert page.evaluate("document.activeElement.textContent").strip().lower().startswith("skip")
    page.get_by_label("Email").fill("kim@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(re.compile(r"/w/[0-9a-f-]+/$"))
    assert "Kim Studio" in page.content()
    page.get_by_role("button", name=re.compile("log out|sign out", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_wrong_password_is_explained(page):
    signup(email="lee@example.test", password=PASSWORD, name="Lee", workspace_name="Lee Co")
    log_in(page, "lee@example.test", "not-the-password")
    assert "/accounts/login/" in page.url
    assert re.search(r"correct email|enter a correct", page.content(), re.I)


def test_invite_someone_who_joins_through_the_link(page, browser, live_server):
    owner, ws = signup(email="owner@invite.test", password=PASSWORD, name="Olive Owner", workspace_name="Invite Co")
    log_in(page, owner.email)
    page.goto(f"/w/{ws.uuid}/members/")
    page.get_by_label("Email").fill("newcomer@invite.test")
    page.get_by_label("Role").select_option("manager")
    page.get_by_role("button", name=re.compile("invite", re.I)).click()
    page.wait_for_load_state()
    assert "newcomer@invite.test" in page.content()
    shot(page, "members")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    guest = browser.new_context(base_url=live_server.url).new_page()
    guest.goto(path)
    guest.get_by_label("Your name").fill("Nico Newcomer")
    guest.get_by_label("Password").fill(PASSWORD)
    guest.get_by_role("button", name=re.compile("join", re.I)).click()
    guest.wait_for_url(re.compile(rf"/w/{ws.uuid}/$"))
    assert Membership.objects.get(workspace=ws, user__email="newcomer@invite.test").role == Role.MANAGER
    guest.context.close()


def test_switch_between_workspaces(page):
    user, first = signup(email="multi@example.test", password=PASSWORD, name="Multi", workspace_name="First Shop")
    from outsourcer.accounts.services import workspace_create
    from outsourcer.core.actor import Actor

    second = workspace_create(actor=Actor.cli(), name="Second Shop", owner=user)
    log_in(page, user.email)
    page.goto(f"/w/{first.uuid}/")
    page.locator("summary", has_text=re.compile("First Shop")).first.click()
    page.get_by_role("link", name="Second Shop").first.click()
    page.wait_for_url(re.compile(rf"/w/{second.uuid}/$"))
    page.goto("/")
    page.wait_for_url(re.compile(rf"/w/{second.uuid}/$"))


def test_import_a_bundle_as_a_new_workspace_and_see_errors_for_a_bad_one(page, tmp_path):
    user, ws = signup(email="imp@example.test", password=PASSWORD, name="Ima", workspace_name="Importer")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(demo_document()))
    log_in(page, user.email)
    page.goto("/workspaces/import/")
    page.get_by_label(re.compile("Bundle file")).set_input_files(str(good))
    page.get_by_role("button", name=re.compile("import|create", re.I)).click()
    page.wait_for_url(re.compile(r"/w/[0-9a-f-]+/$"))
    assert "Brightline Studio" in page.content()
    bad = tmp_path / "bad.json"
    doc = demo_document()
    doc["workspace"]["base_currency"] = "dollars"  # type: ignore[index]
    doc["workspace"]["mood"] = "sunny"  # type: ignore[index]
    bad.write_text(json.dumps(doc))
    page.goto(f"/w/{ws.uuid}/bundle/")
    page.get_by_label(re.compile("Bundle file")).set_input_files(str(bad))
    page.get_by_role("button", name=re.compile("import", re.I)).click()
    page.wait_for_load_state()
    text = page.content()
    assert "$.workspace.base_currency" in text and "$.workspace.mood" in text
    assert "Nothing was imported" in text
    shot(page, "bundle-errors")
    ws.refresh_from_db()
    assert ws.base_currency == "USD"


def test_the_dashboard_works_on_a_phone(browser, live_server):
    user, _ws = signup(email="phone@example.test", password=PASSWORD, name="Pho", workspace_name="Pocket Co")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, user.email)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "dashboard-phone")
    context.close()


def test_the_demo_workspace_pages_render_cleanly(page):
    from outsourcer.bundles.demo import demo_load

    login = demo_load(password=PASSWORD)
    ws = login.workspace
    log_in(page, login.email)
    pages = {
        "demo-dashboard": (f"/w/{ws.uuid}/", "Brightline Studio"),
        "demo-settings": (f"/w/{ws.uuid}/settings/", "America/New_York"),
        "demo-members": (f"/w/{ws.uuid}/members/", "sam@brightline.example"),
        "demo-activity": (f"/w/{ws.uuid}/activity/", "bundle"),
        "demo-tokens": (f"/w/{ws.uuid}/tokens/", "token"),
        "demo-bundle": (f"/w/{ws.uuid}/bundle/", "Download"),
        "demo-workspaces": ("/accounts/workspaces/", "Brightline Studio"),
        "demo-plan": (f"/w/{ws.uuid}/plan/", "Studio website rebuild"),
        "demo-tasks": (f"/w/{ws.uuid}/tasks/", "Bookkeeping and receipts"),
        "demo-health": (f"/w/{ws.uuid}/health/", "deliver/commitment-at-risk"),
        "demo-findings": (f"/w/{ws.uuid}/health/findings/", "New-business pitches"),
        "demo-rules": (f"/w/{ws.uuid}/health/rules/", "plan/not-outsourcing-enough"),
        "api-docs": ("/api/v1/docs", "Outsourcer API"),
    }
    for name, (url, expected) in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        if name == "api-docs":
            page.wait_for_selector("text=Outsourcer API")
        assert expected.lower() in page.content().lower(), (url, expected)
        shot(page, name)


def test_from_the_plan_to_a_candidate_and_a_quieter_health_check(page):
    """The plan says what to hand out first; acting on it, and judging a finding, quiets the check."""
    from outsourcer.bundles.demo import demo_load
    from outsourcer.checks.models import Finding
    from outsourcer.planning.models import Task

    login = demo_load(password=PASSWORD)
    ws = login.workspace
    log_in(page, login.email)
    page.goto(f"/w/{ws.uuid}/plan/")
    chart = page.locator("svg[role=img]").first
    assert chart.is_visible()
    # One labelled point per planned (not retired) task.
    planned = Task.objects.filter(workspace=ws).exclude(status="retired").count()
    assert chart.locator("text", has_text=re.compile(r"^\d+$")).count() >= planned
    row = page.locator("tr", has_text="Bookkeeping and receipts").last
    row.get_by_role("button", name="Make candidate").click()
    page.wait_for_load_state()
    assert "candidate for vetting" in page.content()
    assert Task.objects.get(workspace=ws, ref="bookkeeping").status == "candidate"

    # Acting on the plan resolved its finding: the change re-ran the check by itself.
    books = Finding.objects.get(workspace=ws, subject_ref="bookkeeping")
    assert books.resolved_at is not None
    page.goto(f"/w/{ws.uuid}/health/findings/?stage=plan")
    assert "Photo retouching" in page.content() and "Bookkeeping and receipts" not in page.content()
    page.goto(f"/w/{ws.uuid}/health/")
    page.get_by_role("button", name="Run the check now").first.click()
    page.wait_for_load_state()
    assert "0 new" in page.content()  # nothing changed since the automatic run
    shot(page, "health-dashboard")

    core = Finding.objects.get(workspace=ws, rule="plan/outsourcing-core")
    page.goto(f"/w/{ws.uuid}/health/findings/{core.uuid}/")
    page.locator("textarea[name=reason]").fill("The agency only drafts; we present every pitch ourselves.")
    page.get_by_role("button", name="Dismiss").click()
    page.wait_for_load_state()
    core.refresh_from_db()
    assert core.dismissed_at is not None
    page.goto(f"/w/{ws.uuid}/health/findings/")
    assert "New-business pitches" not in page.content()
    shot(page, "health-findings")


def test_from_a_plan_row_to_a_vetted_approved_contractor(page):
    """The issue's journey: a candidate task, a new contractor, references, interview, trial, approval."""
    from outsourcer.bundles.demo import demo_load
    from outsourcer.contractors.models import Contractor
    from outsourcer.engagements.models import Engagement

    login = demo_load(password=PASSWORD)
    ws = login.workspace
    log_in(page, login.email)
    page.goto(f"/w/{ws.uuid}/plan/")
    row = page.locator("tr", has_text="Inbox triage and scheduling").last  # a candidate in the demo
    row.get_by_role("link", name="Find a contractor").click()
    page.wait_for_load_state()
    assert "/contractors/" in page.url and "skill=email" in page.url
    page.get_by_role("link", name="Add a contractor").first.click()
    page.wait_for_load_state()
    page.get_by_label("Name", exact=True).fill("Rosa Quintero")
    page.get_by_label("Email").fill("rosa@quintero.example")
    page.get_by_label("Time zone").select_option("America/Mexico_City")
    page.get_by_label("Starts work at").fill("09:00")
    page.get_by_label("Stops work at").fill("17:00")
    page.get_by_role("button", name=re.compile("add", re.I)).last.click()
    page.wait_for_load_state()
    rosa = Contractor.objects.get(workspace=ws, email="rosa@quintero.example")
    assert rosa.skills == ["email"] and f"/contractors/{rosa.uuid}/" in page.url
    assert "Worst day" in page.content()  # the overlap timeline with the workspace's hours

    page.get_by_role("link", name="Add a reference").click()
    page.get_by_label("Who gave the reference").fill("Lucía Ortega, a former client")
    page.get_by_label("Checked on").fill("2026-11-20")
    page.get_by_label("Outcome").select_option("positive")
    page.get_by_role("button", name=re.compile("save|add", re.I)).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Add an interview").click()
    page.get_by_label("Held on").fill("2026-11-23")
    page.get_by_label("Skills").select_option("4")
    page.get_by_label("Identity verified").check()
    page.get_by_role("button", name=re.compile("save|add", re.I)).first.click()
    page.wait_for_load_state()

    page.get_by_role("link", name=re.compile("Start a paid trial")).first.click()
    page.get_by_label("Budget").fill("250")
    page.get_by_role("button", name=re.compile("start", re.I)).click()
    page.wait_for_load_state()
    trial = Engagement.objects.get(contractor=rosa, kind="trial")
    assert trial.status == "active" and [t.ref for t in trial.tasks.all()] == ["inbox"]
    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_role("radio", name=re.compile("^Passed")).check()
    page.get_by_label("Overall score").select_option("5")
    page.get_by_role("button", name=re.compile("record|save", re.I)).click()
    page.wait_for_load_state()

    page.get_by_label("Stage").select_option("approved")
    page.get_by_role("button", name="Change the stage").click()
    page.wait_for_load_state()
    rosa.refresh_from_db()
    assert rosa.stage == "approved" and rosa.approval_override == ""  # nothing was skipped
    shot(page, "contractor-approved")


def test_from_an_approved_contractor_to_reviewed_accepted_work_and_a_rating(page, browser, live_server):
    """Issue 5's journey: engagement with a full brief, the contractor submits in the portal, we review and accept."""
    from outsourcer.bundles.demo import demo_load
    from outsourcer.contractors.models import Contractor
    from outsourcer.deliverables.models import Milestone
    from outsourcer.engagements.models import Engagement
    from outsourcer.vetting.selectors import scorecards

    login = demo_load(password=PASSWORD)
    ws = login.workspace
    contractor = Contractor.objects.filter(workspace=ws, stage__in=["approved", "preferred"]).exclude(email="").first()
    contractor.email = "journey.contractor@example.test"
    contractor.save()
    before = scorecards(workspace=ws, contractor_ids=[contractor.pk])[contractor.pk]

    log_in(page, login.email)
    page.goto(f"/w/{ws.uuid}/contractors/{contractor.uuid}/")
    page.get_by_role("link", name="New engagement").first.click()
    page.wait_for_load_state()
    page.get_by_label("Title").fill("Spring newsletter series")
    page.get_by_label("Amount").fill("900")
    page.get_by_label("Budget cap").fill("900")
    page.get_by_label("Payment terms").fill("14")
    page.get_by_label("Starts on").fill("2026-11-02")
    page.get_by_role("button", name=re.compile("create|open|save", re.I)).last.click()
    page.wait_for_load_state()
    engagement = Engagement.objects.get(workspace=ws, title="Spring newsletter series")
    assert engagement.contractor == contractor and engagement.status == "draft"

    page.get_by_role("navigation", name="Engagement sections").get_by_role("link", name="Brief", exact=True).click()
    page.get_by_label("Goals").fill("Bring lapsed customers back for spring bookings with three short newsletters.")
    page.get_by_label("Context").fill("Repeat customers are half our revenue; winter bookings fell by a fifth.")
    page.get_by_label("Deliverables").fill("Three newsletters of about 300 words\nSubject lines for each")
    page.get_by_label("Acceptance criteria").fill("Each has one clear call to booking\nFollows our tone guide")
    page.get_by_label("Out of scope").fill("Design of the email template.")
    page.get_by_label("Constraints").fill("No discounts over 10%; plain English.")
    score = page.locator(".brief-score, [data-brief-score], #brief-score").first
    page.wait_for_function("document.body.innerText.includes('100')")
    assert "100" in score.inner_text()
    page.get_by_role("button", name=re.compile("save the brief|save", re.I)).first.click()
    page.wait_for_load_state()
    assert engagement.brief.acceptance_criteria == ["Each has one clear call to booking", "Follows our tone guide"]
    shot(page, "journey-brief-full-marks")

    page.get_by_role("navigation", name="Engagement sections").get_by_role("link", name="Overview").click()
    page.get_by_role("button", name=re.compile("activate|start", re.I)).first.click()
    page.wait_for_load_state()
    engagement.refresh_from_db()
    assert engagement.status == "active"
    page.get_by_role("navigation", name="Engagement sections").get_by_role("link", name="Brief", exact=True).click()
    page.get_by_role("button", name=re.compile("send", re.I)).first.click()
    page.wait_for_load_state()
    assert engagement.brief.versions.count() == 1

    page.get_by_role("navigation", name="Engagement sections").get_by_role("link", name="Milestones").click()
    page.get_by_label("Title").fill("First newsletter")
    page.get_by_label("Due on").fill("2026-12-18")
    page.get_by_role("button", name=re.compile("add", re.I)).first.click()
    page.wait_for_load_state()
    milestone = Milestone.objects.get(engagement=engagement)

    # Invite the contractor to the portal; they join through the emailed link.
    page.goto(f"/w/{ws.uuid}/contractors/{contractor.uuid}/")
    page.get_by_role("button", name=re.compile("invite to the portal", re.I)).click()
    page.wait_for_load_state()
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    guest = browser.new_context(base_url=live_server.url).new_page()
    guest.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    guest.get_by_label("Your name").fill(contractor.name)
    guest.get_by_label("Password").fill(PASSWORD)
    guest.get_by_role("button", name=re.compile("join", re.I)).click()
    guest.wait_for_load_state()
    assert "/portal/" in guest.url
    guest.get_by_role("link", name="Spring newsletter series").first.click()
    assert "Each has one clear call to booking" in guest.content()
    guest.get_by_role("link", name="First newsletter").first.click()
    guest.get_by_label("Your work, as text").fill("Spring is when the garden wakes up, and so do our bookings ...")
    guest.get_by_role("button", name=re.compile("submit", re.I)).first.click()
    guest.wait_for_load_state()
    milestone.refresh_from_db()
    assert milestone.status == "submitted"
    shot(guest, "journey-portal-submitted")
    guest.context.close()

    # We review against the brief's two criteria and accept.
    page.goto(f"/w/{ws.uuid}/milestones/{milestone.uuid}/")
    for criterion in ("Each has one clear call to booking", "Follows our tone guide"):
        page.get_by_role("group", name=re.compile(re.escape(criterion))).get_by_label("Met", exact=True).check()
    page.get_by_label("Accept", exact=True).check()
    page.get_by_label("Share this feedback with the contractor").check()
    page.get_by_role("button", name=re.compile("record the review", re.I)).click()
    page.wait_for_load_state()
    milestone.refresh_from_db()
    assert milestone.status == "accepted"
    shot(page, "journey-review-accepted")

    # The engagement completes and its rating moves the contractor's scorecard.
    page.goto(f"/w/{ws.uuid}/engagements/{engagement.uuid}/")
    page.get_by_text("Complete or terminate").click()
    page.get_by_label("Reason").fill("All three newsletters delivered.")
    page.get_by_role("button", name="Mark as completed").click()
    page.wait_for_load_state()
    engagement.refresh_from_db()
    assert engagement.status == "completed"
    page.get_by_label("Overall").select_option("5")
    page.get_by_role("button", name="Save the rating").click()
    page.wait_for_load_state()
    after = scorecards(workspace=ws, contractor_ids=[contractor.pk])[contractor.pk]
    assert engagement.ratings.get().overall == 5
    assert after != before


def test_risk_and_papers_from_access_left_open_to_a_signed_agreement_and_a_worker_status(page, tmp_path):
    """Access left open on ended work is revoked from the register's alert; the New York engagement with no
    agreement gets one (addresses filled, the PDF downloaded, the signed copy stored); the ongoing payroll work
    gets its first worker-status assessment; a suggested risk joins a register; and the health check agrees."""
    from outsourcer.bundles.demo import demo_load
    from outsourcer.checks.services import check_run
    from outsourcer.compliance.models import Agreement
    from outsourcer.core.actor import Actor
    from outsourcer.engagements.models import Engagement
    from outsourcer.risk.models import AccessGrant, Risk

    login = demo_load(password=PASSWORD)
    ws = login.workspace
    log_in(page, login.email)

    # 1. The access register's alert names the research folder left open on terminated work; revoke it.
    page.goto(f"/w/{ws.uuid}/access/")
    alert = page.locator(".access-alert")
    assert "Google Drive: Market research folder" in alert.inner_text()
    shot(page, "risk-access-alert")
    alert.get_by_role("button", name="Revoke Google Drive: Market research folder").click()
    page.wait_for_load_state()
    assert (
        page.locator(".access-alert").count() == 0
        or "Market research folder" not in page.locator(".access-alert").inner_text()
    )
    assert not AccessGrant.objects.filter(
        workspace=ws, engagement__ref="market-research", revoked_on__isnull=True
    ).exists()

    # 2. Pitch decks has no agreement although New York's law asks for one: fill in what it lacks and sign.
    pitch = Engagement.objects.get(workspace=ws, ref="pitch-decks")
    page.goto(f"/w/{ws.uuid}/engagements/{pitch.uuid}/agreement/")
    assert "lacks what the law asks for" in page.content()
    page.get_by_label("Business mailing address").fill("12 Atlantic Avenue\nBrooklyn, NY 11201")
    page.get_by_label("Contractor mailing address").fill("340 West 23rd Street\nNew York, NY 10011")
    page.get_by_label("Services").fill("Three pitch decks\nA deck template")
    page.get_by_role("button", name="Save the terms").click()
    page.wait_for_load_state()
    assert Agreement.objects.filter(engagement=pitch).exists()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = tmp_path / "agreement.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.4\n% signed by both\n%%EOF\n")
    page.get_by_label("Signed on").fill("2026-11-30")
    page.get_by_label("Signed copy").set_input_files(str(signed))
    page.get_by_role("button", name="Record the signing").click()
    page.wait_for_load_state()
    assert "Signed 30 Nov 2026" in page.content()
    shot(page, "risk-agreement-signed")

    # 3. Payroll support is ongoing and was never assessed: answer the questions and record the basis.
    payroll = Engagement.objects.get(workspace=ws, ref="payroll-support")
    page.goto(f"/w/{ws.uuid}/engagements/{payroll.uuid}/classification/")
    for name in ("sets_hours_or_location", "trains_in_our_methods", "directs_how_work_is_done", "provides_benefits",
                 "works_only_for_us", "similar_workers_are_employees", "provides_tools", "reimburses_expenses",
                 "no_chance_of_profit_or_loss", "core_to_our_business"):  # fmt: skip
        page.check(f'input[name="{name}"][value="no"]')
    page.check('input[name="paid_by_time_not_result"][value="yes"]')
    page.check('input[name="open_ended"][value="yes"]')
    page.get_by_label("Reasonable basis for contractor treatment").fill(
        "Dana runs her own bookkeeping practice with other clients; her accountant's letter of 3 March 2026."
    )
    page.get_by_role("button", name="Record the assessment").click()
    page.wait_for_load_state()
    assert page.locator(".ws-result__level").inner_text().startswith("Low")
    shot(page, "risk-worker-status")

    # 4. IT updates has no strategic risk on record: add one the register suggests.
    it = Engagement.objects.get(workspace=ws, ref="it-updates")
    page.goto(f"/w/{ws.uuid}/engagements/{it.uuid}/risks/")
    before = Risk.objects.filter(engagement=it).count()
    page.get_by_role("button", name=re.compile(r"^Add “")).first.click()
    page.wait_for_load_state()
    assert Risk.objects.filter(engagement=it).count() == before + 1

    # The health check no longer finds what was fixed.
    found = {(f.rule, f.subject_ref) for f in check_run(actor=Actor.cli(), workspace=ws, as_of=TODAY_DEMO).open}
    assert ("risk/access-not-revoked", "market-research") not in found
    assert ("comply/no-agreement", "pitch-decks") not in found
    assert ("comply/classification-unassessed", "payroll-support") not in found
    page.goto(f"/w/{ws.uuid}/risks/")
    assert page.locator("svg").first.is_visible()
    shot(page, "risk-register")
