"""The risk register: what the pages rely on in the selectors and services (the heat map's counts, the
suggestions and when they go away, what a risk may be about), then the pages themselves: the register with
its filters, heat map and reviews due, the heat map alone as SVG, one risk's form, an engagement's risks and
suggestions; who sees which controls, and refusals that answer 4xx with the reason."""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.risk import charts
from outsourcer.risk.models import Risk
from outsourcer.risk.selectors import risk_heat, risk_list, risk_reviews_due, risk_suggestions
from outsourcer.risk.services import risk_add_suggested, risk_create
from tests.conftest import Personas, login_client
from tests.factories import (
    AccessGrantFactory,
    ContractorFactory,
    CustomerCommitmentFactory,
    EngagementFactory,
    RiskFactory,
    TaskFactory,
)

ACTOR = Actor.cli()
SVG = "{http://www.w3.org/2000/svg}"


def url(name: str, personas: Personas, **kwargs: object) -> str:
    return reverse(f"risk:{name}", kwargs={"ws": personas.workspace.uuid, **kwargs})


def words(response) -> str:
    """The page's text without tags, spaces squeezed: what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


@pytest.fixture
def owner(personas: Personas) -> Client:
    return login_client(personas.owner)


@pytest.fixture
def viewer(personas: Personas) -> Client:
    return login_client(personas.viewer)


@pytest.fixture
def today(personas: Personas) -> dt.date:
    return today_in(personas.workspace.time_zone)


@pytest.fixture
def ann(personas: Personas):
    return ContractorFactory(workspace=personas.workspace, name="Ann Lee", stage="approved")


@pytest.fixture
def site(ann):
    return EngagementFactory(contractor=ann, title="Website copy", status="active")


def cell(grid, likelihood: int, impact: int):
    return grid[5 - likelihood][impact - 1]


# --- The heat map's counts ------------------------------------------------------------------------


def test_heat_counts_each_risk_in_its_cell_likelihood_rows_from_five(site):
    for likelihood, impact in ((4, 5), (4, 5), (1, 1), (3, 2), (5, 5)):
        RiskFactory(engagement=site, likelihood=likelihood, impact=impact)
    grid = risk_heat(risks=Risk.objects.filter(workspace=site.workspace))
    assert [row[0].likelihood for row in grid] == [5, 4, 3, 2, 1]
    assert [c.impact for c in grid[0]] == [1, 2, 3, 4, 5]
    assert cell(grid, 4, 5).count == 2
    assert cell(grid, 1, 1).count == 1 and cell(grid, 3, 2).count == 1 and cell(grid, 5, 5).count == 1
    assert sum(c.count for row in grid for c in row) == 5
    # A list gives the same grid as a queryset.
    assert risk_heat(risks=list(Risk.objects.all())) == grid


@pytest.mark.parametrize(
    ("likelihood", "impact", "band"),
    [(3, 5, "high"), (5, 5, "high"), (2, 4, "medium"), (3, 4, "medium"), (1, 5, "low"), (2, 3, "low")],
)
def test_bands_follow_the_score(likelihood, impact, band):
    assert charts.band_of(likelihood, impact) == band


# --- Suggestions ----------------------------------------------------------------------------------


def keys(engagement) -> list[str]:
    return [s.key for s in risk_suggestions(engagement=engagement)]


def test_every_engagement_is_offered_budget_and_availability(site):
    found = {s.key: s for s in risk_suggestions(engagement=site)}
    assert {"budget", "availability"} <= set(found)
    assert "access" not in found and "commitment" not in found
    assert found["budget"].likelihood == 2 and "has a budget cap" in found["budget"].why
    site.budget_cap = None
    site.save()
    assert next(s for s in risk_suggestions(engagement=site) if s.key == "budget").likelihood == 4


def test_open_access_grants_suggest_an_access_risk_stronger_with_admin_rights(site):
    AccessGrantFactory(engagement=site, system="Old CRM", revoked_on=dt.date(2026, 11, 5))
    assert "access" not in keys(site)  # only revoked access: nothing to suggest
    AccessGrantFactory(engagement=site, system="Bank portal", level="read")
    access = next(s for s in risk_suggestions(engagement=site) if s.key == "access")
    assert "Bank portal" in access.title and "Old CRM" not in access.title
    assert access.likelihood == 2 and access.category == "technology_security"
    AccessGrantFactory(engagement=site, system="Website admin", level="admin")
    access = next(s for s in risk_suggestions(engagement=site) if s.key == "access")
    assert access.likelihood == 3
    assert "2 system(s)" in access.why and "admin rights" in access.why


def test_a_customer_promise_suggests_an_operational_risk(site):
    site.customer_commitment = CustomerCommitmentFactory(workspace=site.workspace, customer="Bakery Co")
    site.save()
    commitment = next(s for s in risk_suggestions(engagement=site) if s.key == "commitment")
    assert "Bakery Co" in commitment.title and "Bakery Co" in commitment.why
    assert commitment.category == "operational"


def test_work_only_this_contractor_covers_suggests_a_concentration_risk(personas: Personas, site):
    site.tasks.add(TaskFactory(workspace=personas.workspace, category="Payroll"))
    assert "concentration-payroll" in keys(site)
    # A contractor still being vetted does not count as cover...
    other = ContractorFactory(workspace=personas.workspace, skills_text="\npayroll\n", stage="vetting")
    assert "concentration-payroll" in keys(site)
    # ...an approved one with the skill does.
    other.stage = "approved"
    other.save()
    assert "concentration-payroll" not in keys(site)


def test_another_contractors_running_work_in_the_category_is_cover(personas: Personas, site):
    task = TaskFactory(workspace=personas.workspace, category="Payroll")
    site.tasks.add(task)
    elsewhere = EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace), status="completed")
    elsewhere.tasks.add(task)
    assert "concentration-payroll" in keys(site)  # ended work covers nothing
    elsewhere.status = "active"
    elsewhere.save()
    assert "concentration-payroll" not in keys(site)


def test_a_recorded_suggestion_disappears_and_cannot_be_added_twice(site):
    before = keys(site)
    made = risk_add_suggested(actor=ACTOR, engagement=site, key="budget")
    assert made.engagement == site and made.category == "financial" and made.review_on is not None
    assert AuditEntry.objects.filter(action="risk.create", object_uuid=made.uuid).exists()
    assert keys(site) == [k for k in before if k != "budget"]
    with pytest.raises(ValidationError) as exc:
        risk_add_suggested(actor=ACTOR, engagement=site, key="budget")
    assert "key" in exc.value.message_dict


def test_a_risk_recorded_by_hand_with_the_same_title_counts_as_recorded(site):
    title = next(s.title for s in risk_suggestions(engagement=site) if s.key == "availability")
    RiskFactory(engagement=site, title=title.upper())
    assert "availability" not in keys(site)


# --- What a risk may be about ---------------------------------------------------------------------


def data(**extra):
    return {"category": "operational", "title": "The work slips", "likelihood": 3, "impact": 3, **extra}


def test_a_risk_cannot_be_about_another_workspaces_engagement_or_contractor(personas: Personas):
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    with pytest.raises(ValidationError) as exc:
        risk_create(actor=ACTOR, workspace=personas.workspace, data=data(engagement=foreign))
    assert exc.value.message_dict == {"engagement": ["Choose one of this workspace's."]}
    with pytest.raises(ValidationError) as exc:
        risk_create(actor=ACTOR, workspace=personas.workspace, data=data(contractor=foreign.contractor))
    assert "contractor" in exc.value.message_dict
    assert not Risk.objects.exists()


def test_a_risks_contractor_must_be_its_engagements(personas: Personas, site, ann):
    bob = ContractorFactory(workspace=personas.workspace, name="Bob")
    with pytest.raises(ValidationError) as exc:
        risk_create(actor=ACTOR, workspace=personas.workspace, data=data(engagement=site, contractor=bob))
    assert exc.value.message_dict == {"contractor": ["This is not the engagement's contractor."]}
    made = risk_create(actor=ACTOR, workspace=personas.workspace, data=data(engagement=site, contractor=ann))
    assert made.contractor == ann and made.ref.startswith("r-")


def test_the_register_lists_open_risks_first_then_by_score(personas: Personas, site):
    RiskFactory(engagement=site, ref="closed-big", status="closed", likelihood=5, impact=5)
    RiskFactory(engagement=site, ref="open-small", status="open", likelihood=5, impact=1)
    RiskFactory(engagement=site, ref="open-big", status="open", likelihood=2, impact=5)
    RiskFactory(engagement=site, ref="accepted", status="accepted", likelihood=4, impact=4)
    RiskFactory(engagement=site, ref="mitigated", status="mitigated", likelihood=5, impact=4)
    refs = [r.ref for r in risk_list(workspace=personas.workspace)]
    assert refs == ["open-big", "open-small", "accepted", "mitigated", "closed-big"]


def test_reviews_due_are_those_dated_today_or_earlier_and_not_closed(site, today):
    RiskFactory(engagement=site, ref="due-today", review_on=today)
    RiskFactory(engagement=site, ref="overdue", review_on=today - dt.timedelta(days=9))
    RiskFactory(engagement=site, ref="closed", review_on=today - dt.timedelta(days=9), status="closed")
    RiskFactory(engagement=site, ref="later", review_on=today + dt.timedelta(days=1))
    RiskFactory(engagement=site, ref="undated", review_on=None)
    due = [r.ref for r in risk_reviews_due(workspace=site.workspace, today=today)]
    assert due == ["overdue", "due-today"]


# --- The register page ----------------------------------------------------------------------------


def test_owner_sees_the_register_with_write_controls_and_the_heat_map(owner, personas: Personas, site):
    RiskFactory(engagement=site, title="The copy misses the launch", likelihood=4, impact=5, mitigation="")
    RiskFactory(engagement=None, workspace=personas.workspace, title="Our only designer leaves", likelihood=2)
    response = owner.get(url("register", personas))
    assert response.status_code == 200
    text = words(response)
    assert "The copy misses the launch" in text and "Website copy" in text and "with Ann Lee" in text
    assert (
        "4 \N{MULTIPLICATION SIGN} 5 = 20 high" in text and "None: needed" in text
    )  # a high risk without mitigation says so
    assert "The whole workspace" in text
    body = response.content.decode()
    assert url("risk_new", personas) in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="heat-map"' in body


def test_viewer_sees_the_register_but_no_write_controls(viewer, personas: Personas, site):
    risk = RiskFactory(engagement=site, title="The copy misses the launch")
    body = viewer.get(url("register", personas)).content.decode()
    assert "The copy misses the launch" in body
    assert url("risk_new", personas) not in body
    page = viewer.get(url("risk", personas, risk=risk.uuid))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Only owners and managers can change the risk register" in text
    assert "Save</button>" not in text and 'id="delete-risk"' not in text
    assert 'name="title"' in text and "disabled" in text


def test_the_register_filters_by_status_and_area_and_refuses_a_bad_filter(owner, personas: Personas, site):
    RiskFactory(engagement=site, title="Open money risk", category="financial", status="open")
    RiskFactory(engagement=site, title="Closed money risk", category="financial", status="closed")
    RiskFactory(engagement=site, title="Open people risk", category="operational", status="open")
    text = words(owner.get(url("register", personas), {"status": "open", "category": "financial"}))
    assert "Open money risk" in text and "Closed money risk" not in text and "Open people risk" not in text
    bad = owner.get(url("register", personas), {"status": "sleeping", "category": "financial"})
    assert bad.status_code == 400
    text = words(bad)
    assert "Some filters could not be read" in text
    # The area that could be read still applies.
    assert "Open money risk" in text and "Closed money risk" in text and "Open people risk" not in text


def test_the_register_calls_out_reviews_due(owner, personas: Personas, site, today):
    RiskFactory(engagement=site, title="Due for a look", review_on=today - dt.timedelta(days=2))
    RiskFactory(engagement=site, title="Not yet", review_on=today + dt.timedelta(days=30))
    text = words(owner.get(url("register", personas)))
    assert "1 risk review due" in text
    callout = text.split("1 risk review due", 1)[1].split("Status", 1)[0]
    assert "Due for a look" in callout and "Not yet" not in callout


# --- The heat map as SVG --------------------------------------------------------------------------


def svg_cells(content: bytes) -> dict[tuple[int, int], tuple[str, str]]:
    """Each cell's (band word, count) as the SVG writes them, by (likelihood, impact) from its title."""
    root = ET.fromstring(content)
    cells = {}
    for group in root.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title").text
        found = re.match(r"Likelihood (\d) .*impact (\d)", title)
        texts = [t.text for t in group.iter(f"{SVG}text")]
        cells[(int(found.group(1)), int(found.group(2)))] = (texts[0], texts[-1])
    return cells


def test_the_heat_map_svg_reads_without_colour(owner, personas: Personas, site):
    RiskFactory(engagement=site, likelihood=4, impact=5)
    RiskFactory(engagement=site, likelihood=4, impact=5)
    RiskFactory(engagement=site, likelihood=2, impact=2)
    RiskFactory(engagement=site, likelihood=1, impact=1, status="closed")  # closed: off the map
    response = owner.get(url("heat_map", personas))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.find(f"{SVG}title").text == "Risk heat map"
    desc = root.find(f"{SVG}desc").text
    assert "3 risks on the map: 2 high, 0 medium, 1 low" in desc
    assert "likelihood 4, impact 5: 2 risks (high)" in desc
    cells = svg_cells(response.content)
    assert len(cells) == 25
    assert cells[(4, 5)] == ("high", "2")
    assert cells[(2, 2)] == ("low", "1")
    assert cells[(1, 1)] == ("low", "0")
    assert cells[(3, 3)] == ("medium", "0")
    axis = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Likelihood" in axis and "Impact" in axis and "almost certain" in axis and "severe" in axis


def test_the_heat_map_svg_takes_the_registers_filters_and_an_engagement(owner, personas: Personas, site):
    other = EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace))
    RiskFactory(engagement=site, likelihood=3, impact=3, category="financial")
    RiskFactory(engagement=other, likelihood=3, impact=3, category="strategic")
    both = svg_cells(owner.get(url("heat_map", personas)).content)
    assert both[(3, 3)][1] == "2"
    money = svg_cells(owner.get(url("heat_map", personas), {"category": "financial"}).content)
    assert money[(3, 3)][1] == "1"
    mine = svg_cells(owner.get(url("heat_map", personas), {"engagement": str(other.uuid)}).content)
    assert mine[(3, 3)][1] == "1"
    assert owner.get(url("heat_map", personas), {"category": "weather"}).status_code == 400
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    assert owner.get(url("heat_map", personas), {"engagement": str(foreign.uuid)}).status_code == 404
    assert owner.get(url("heat_map", personas), {"engagement": "not-an-id"}).status_code == 404


# --- One risk's form ------------------------------------------------------------------------------


def form_data(**extra):
    return {
        "about": "", "category": "financial", "title": "Costs run past the cap", "likelihood": "3", "impact": "4",
        "mitigation": "", "owner": "Maya", "status": "open", "review_on": "", "ref": "", **extra,
    }  # fmt: skip


def test_posting_the_form_records_a_risk_about_an_engagement(owner, personas: Personas, site):
    response = owner.post(url("risk_new", personas), form_data(about=f"e:{site.uuid}", review_on="2027-03-01"))
    assert response.status_code == 302 and response["Location"] == url("register", personas)
    risk = Risk.objects.get(title="Costs run past the cap")
    assert (risk.engagement, risk.contractor, risk.likelihood, risk.impact) == (site, None, 3, 4)
    assert risk.review_on == dt.date(2027, 3, 1) and risk.owner == "Maya"
    assert AuditEntry.objects.filter(action="risk.create", object_uuid=risk.uuid, face="web").exists()


def test_the_form_records_a_contractors_risk_or_the_workspaces(owner, personas: Personas, ann):
    owner.post(url("risk_new", personas), form_data(about=f"c:{ann.uuid}", title="Ann is overbooked"))
    owner.post(url("risk_new", personas), form_data(title="The studio depends on referrals"))
    assert Risk.objects.get(title="Ann is overbooked").contractor == ann
    whole = Risk.objects.get(title="The studio depends on referrals")
    assert whole.engagement is None and whole.contractor is None


def test_the_new_form_starts_on_the_engagement_it_came_from(owner, personas: Personas, site, today):
    page = owner.get(url("risk_new", personas), {"engagement": str(site.uuid)})
    assert page.status_code == 200
    assert f'value="e:{site.uuid}" selected' in page.content.decode()
    assert (today + dt.timedelta(days=90)).isoformat() in page.content.decode()


def test_an_invalid_form_answers_400_with_the_errors_beside_the_fields(owner, personas: Personas, site):
    response = owner.post(url("risk_new", personas), form_data(title="", likelihood="9", about="e:nonsense"))
    assert response.status_code == 400
    text = words(response)
    assert "This field is required." in text
    assert "Choose a number from 1 to 5." in text
    assert "Select a valid choice." in text
    assert not Risk.objects.exists()


def test_a_foreign_engagement_cannot_be_chosen(owner, personas: Personas):
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    response = owner.post(url("risk_new", personas), form_data(about=f"e:{foreign.uuid}"))
    assert response.status_code == 400 and not Risk.objects.exists()


def test_editing_a_risk_saves_it_and_goes_back_where_it_came_from(owner, personas: Personas, site):
    risk = RiskFactory(engagement=site, title="Old words", likelihood=2, impact=2)
    back = reverse("risk:engagement_risks", kwargs={"ws": personas.workspace.uuid, "engagement": site.uuid})
    page = owner.get(url("risk", personas, risk=risk.uuid), {"next": back})
    assert page.status_code == 200 and "Old words" in page.content.decode()
    response = owner.post(
        url("risk", personas, risk=risk.uuid),
        form_data(about=f"e:{site.uuid}", title="New words", status="mitigated", next=back),
    )
    assert response.status_code == 302 and response["Location"] == back
    risk.refresh_from_db()
    assert (risk.title, risk.status, risk.likelihood, risk.impact) == ("New words", "mitigated", 3, 4)
    # Somewhere off the site is never where it goes back to.
    for elsewhere in ("https://evil.example/", "//evil.example/"):
        response = owner.post(url("risk", personas, risk=risk.uuid), form_data(next=elsewhere))
        assert response.status_code == 302 and response["Location"] == url("register", personas)


def test_deleting_a_risk_takes_a_post(owner, viewer, personas: Personas, site):
    risk = RiskFactory(engagement=site)
    assert owner.get(url("risk_delete", personas, risk=risk.uuid)).status_code == 405
    assert viewer.post(url("risk_delete", personas, risk=risk.uuid)).status_code == 403
    response = owner.post(url("risk_delete", personas, risk=risk.uuid))
    assert response.status_code == 302 and not Risk.objects.filter(pk=risk.pk).exists()
    assert AuditEntry.objects.filter(action="risk.delete", object_uuid=risk.uuid).exists()


def test_another_workspaces_risk_and_engagement_are_not_found(owner, personas: Personas):
    foreign_engagement = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    foreign = RiskFactory(engagement=foreign_engagement)
    assert owner.get(url("risk", personas, risk=foreign.uuid)).status_code == 404
    assert owner.post(url("risk", personas, risk=foreign.uuid), form_data()).status_code == 404
    assert owner.post(url("risk_delete", personas, risk=foreign.uuid)).status_code == 404
    assert owner.get(url("engagement_risks", personas, engagement=foreign_engagement.uuid)).status_code == 404
    assert Risk.objects.filter(pk=foreign.pk).exists()


# --- An engagement's risks and suggestions --------------------------------------------------------


def test_the_engagement_page_lists_its_risks_heat_map_and_suggestions(owner, personas: Personas, site, ann):
    RiskFactory(engagement=site, title="The copy is late", likelihood=3, impact=4)
    RiskFactory(engagement=None, workspace=personas.workspace, contractor=ann, title="Ann is overbooked")
    elsewhere = EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace))
    RiskFactory(engagement=elsewhere, title="Somebody else's risk")
    AccessGrantFactory(engagement=site, system="Website admin", level="admin")
    response = owner.get(url("engagement_risks", personas, engagement=site.uuid))
    assert response.status_code == 200
    text = words(response)
    assert "The copy is late" in text and "Ann is overbooked" in text and "Somebody else's risk" not in text
    assert "2 risks recorded" in text
    assert "Access to Website admin is misused, leaked or left open" in text
    assert "Why: Ann Lee holds access to 1 system(s), with admin rights or a shared login." in text
    body = response.content.decode()
    assert body.count('name="key"') == len(risk_suggestions(engagement=site))
    assert 'value="access"' in body
    assert reverse("engagements:detail", kwargs={"ws": personas.workspace.uuid, "engagement": site.uuid}) in body
    root_start = body.index("<svg xmlns")
    svg = body[root_start : body.index("</svg>", root_start) + 6]
    assert "2 risks on the map" in svg


def test_adding_a_suggestion_records_it_and_it_leaves_the_list(owner, personas: Personas, site):
    page = url("engagement_risks", personas, engagement=site.uuid)
    response = owner.post(page, {"key": "availability"})
    assert response.status_code == 302 and response["Location"] == page
    made = Risk.objects.get(engagement=site)
    assert made.title == f"{site.contractor.name} becomes unavailable in the middle of the work"
    body = owner.get(page).content.decode()
    assert 'value="availability"' not in body and "1 risk recorded" in words(owner.get(page))


def test_adding_an_unknown_or_recorded_suggestion_answers_400(owner, personas: Personas, site):
    page = url("engagement_risks", personas, engagement=site.uuid)
    owner.post(page, {"key": "budget"})
    again = owner.post(page, {"key": "budget"})
    assert again.status_code == 400
    assert "No such suggestion for this engagement" in words(again)
    assert owner.post(page, {}).status_code == 400
    assert Risk.objects.filter(engagement=site).count() == 1


def test_viewer_sees_suggestions_without_add_buttons(viewer, personas: Personas, site):
    response = viewer.get(url("engagement_risks", personas, engagement=site.uuid))
    assert response.status_code == 200
    body = response.content.decode()
    assert "becomes unavailable in the middle of the work" in body
    assert 'name="key"' not in body and url("risk_new", personas) not in body
    assert viewer.post(url("engagement_risks", personas, engagement=site.uuid), {"key": "budget"}).status_code == 403
    assert not Risk.objects.exists()
