"""The directory pages: the filtered list, adding (with duplicates), editing and deleting a contractor,
the contractor's page with its scorecard, vetting gaps and overlap timeline, and the scorecard weights."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from outsourcer.contractors.models import Contractor
from outsourcer.vetting.models import ScorecardWeights
from tests.conftest import Personas, login_client
from tests.factories import (
    ContractorFactory,
    DocumentFactory,
    EngagementFactory,
    InterviewFactory,
    RedFlagFactory,
    ReferenceCheckFactory,
    TaskFactory,
)

GOOD = {
    "kind": "individual",
    "name": "Grace Hopper",
    "email": "Grace@Example.test",
    "country": "us",
    "region": "NY",
    "time_zone": "America/New_York",
    "work_start": "09:00",
    "work_end": "17:00",
    "work_days": ["1", "2", "3", "4"],
    "skills": "Bookkeeping, xero ,  payroll",
    "hourly_rate": "55",
    "currency": "usd",
    "source": "Referral from Ada",
    "notes": "Met at a meetup.",
    "us_person": "true",
    "entity_type": "single_member_llc",
    "legal_services": "false",
    "tin_verified": "",
    "works_in_us": "true",
    "ref": "",
}


def url(name: str, personas: Personas, **kwargs: object) -> str:
    return reverse(f"vetting:{name}", kwargs={"ws": personas.workspace.uuid, **kwargs})


def text(response) -> str:
    return html.unescape(response.content.decode())


def listed(response) -> set[str]:
    """The names in the directory table."""
    return set(re.findall(r'class="dir-table__name"[^>]*>([^<]+)<', text(response)))


# --- The directory ------------------------------------------------------------------------------


@pytest.fixture
def pool(personas: Personas) -> dict[str, Contractor]:
    """Five contractors that differ in every filtered way. The workspace works 9-17 in New York."""
    ws = personas.workspace
    ada = ContractorFactory(
        workspace=ws, name="Ada Berlin", skills_text="\nbookkeeping\nxero\n", hourly_rate=Decimal("40"),
        currency="EUR", stage="vetting", time_zone="Europe/Berlin",
    )  # fmt: skip
    ben = ContractorFactory(
        workspace=ws, name="Ben Chicago", skills_text="\ndesign\n", hourly_rate=Decimal("80"), stage="approved",
        time_zone="America/Chicago",
    )  # fmt: skip
    cy = ContractorFactory(
        workspace=ws, name="Cy Manila", skills_text="\nbookkeeping\n", hourly_rate=Decimal("25"), stage="prospect",
        time_zone="Asia/Manila",
    )  # fmt: skip
    dee = ContractorFactory(
        workspace=ws, name="Dee Nohours", skills_text="\nseo\n", hourly_rate=None, currency="", stage="trial",
        time_zone="", work_start=None, work_end=None,
    )  # fmt: skip
    eve = ContractorFactory(
        workspace=ws, name="Eve London", skills_text="\ncopywriting\n", hourly_rate=Decimal("60"),
        currency="GBP", stage="vetting", time_zone="Europe/London",
    )  # fmt: skip
    # Standings: Ada preferred (all 100%), Ben avoid (a red flag), Cy watch (50%), Eve good (62.5%), Dee unrated.
    ReferenceCheckFactory(contractor=ada, outcome="positive")
    InterviewFactory(contractor=ada, score_skills=5, score_communication=5)
    RedFlagFactory(contractor=ben)
    InterviewFactory(contractor=cy, score_skills=3, score_communication=3)
    ReferenceCheckFactory(contractor=eve, outcome="mixed")
    InterviewFactory(contractor=eve, score_skills=4, score_communication=4)
    ContractorFactory(workspace=personas.other_workspace, name="Zed Elsewhere", skills_text="\nbookkeeping\n")
    return {"ada": ada, "ben": ben, "cy": cy, "dee": dee, "eve": eve}


EVERYONE = {"Ada Berlin", "Ben Chicago", "Cy Manila", "Dee Nohours", "Eve London"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, EVERYONE),
        ({"skill": "bookkeeping"}, {"Ada Berlin", "Cy Manila"}),
        ({"skill": "Bookkeeping"}, {"Ada Berlin", "Cy Manila"}),
        ({"stage": "vetting"}, {"Ada Berlin", "Eve London"}),
        ({"stage": "approved"}, {"Ben Chicago"}),
        ({"rate_min": "30", "rate_max": "60"}, {"Ada Berlin", "Eve London"}),
        ({"rate_min": "61"}, {"Ben Chicago"}),
        ({"rate_max": "30"}, {"Cy Manila"}),
        # Chicago shares 7 h with New York every day; Berlin 2 or 3, London 3 or 4; Manila none.
        ({"overlap": "5"}, {"Ben Chicago"}),
        ({"overlap": "2"}, {"Ada Berlin", "Ben Chicago", "Eve London"}),
        ({"overlap": "0"}, {"Ada Berlin", "Ben Chicago", "Cy Manila", "Eve London"}),
        ({"standing": "preferred"}, {"Ada Berlin"}),
        ({"standing": "good"}, {"Eve London"}),
        ({"standing": "watch"}, {"Cy Manila"}),
        ({"standing": "avoid"}, {"Ben Chicago"}),
        ({"standing": "unrated"}, {"Dee Nohours"}),
        ({"q": "xero"}, {"Ada Berlin"}),
        ({"q": "london"}, {"Eve London"}),
        ({"skill": "bookkeeping", "standing": "watch"}, {"Cy Manila"}),
        ({"stage": "vetting", "overlap": "3"}, {"Eve London"}),
    ],
)
def test_each_filter_lists_the_right_contractors(personas: Personas, pool, query, expected):
    response = login_client(personas.owner).get(url("directory", personas), query)
    assert response.status_code == 200
    assert listed(response) == expected


def test_the_directory_shows_each_row_in_full(personas: Personas, pool):
    page = text(login_client(personas.owner).get(url("directory", personas)))
    assert "5 contractors" in page
    assert "40.00 EUR" in page and "Europe/Berlin" in page
    assert '<span class="badge stage stage--approved">Approved</span>' in page
    assert 'Preferred <span class="standing__score">100%</span>' in page
    assert '<span class="badge badge--danger">1 open red flag</span>' in page
    assert "7 h" in page  # Chicago's worst day with New York
    assert "no hours" in page  # Dee
    assert "Zed Elsewhere" not in page
    # The stage chips count the contractors at each stage.
    assert re.search(r'stage=vetting"[^>]*>Vetting <span class="dir-count">2</span>', page)
    assert re.search(r'stage=approved"[^>]*>Approved <span class="dir-count">1</span>', page)


def test_stage_counts_follow_the_other_filters(personas: Personas, pool):
    page = text(login_client(personas.owner).get(url("directory", personas), {"skill": "bookkeeping"}))
    assert re.search(r'>All <span class="dir-count">2</span>', page)
    assert re.search(r'stage=vetting"[^>]*>Vetting <span class="dir-count">1</span>', page)
    assert "skill=bookkeeping&stage=prospect" in page


@pytest.mark.parametrize(
    ("query", "message", "expected"),
    [
        ({"rate_min": "abc"}, "Rate from: Enter a number.", EVERYONE),
        ({"rate_min": "abc", "skill": "design"}, "Rate from: Enter a number.", {"Ben Chicago"}),
        # The upper bound is the one left out; the lower still applies.
        (
            {"rate_min": "60", "rate_max": "10"},
            "Rate up to: The upper rate is below the lower one.",
            {"Ben Chicago", "Eve London"},
        ),
        ({"overlap": "30"}, "Ensure this value is less than or equal to 24.", EVERYONE),
        ({"overlap": "lots"}, "Shared hours, at least: Enter a number.", EVERYONE),
        ({"stage": "hired"}, "Select a valid choice. hired is not one of the available choices.", EVERYONE),
        ({"standing": "great"}, "Select a valid choice. great is not one of the available choices.", EVERYONE),
        ({"task": "not-a-uuid"}, "Enter a valid UUID.", EVERYONE),
    ],
)
def test_a_bad_filter_is_said_and_left_out(personas: Personas, pool, query, message, expected):
    response = login_client(personas.owner).get(url("directory", personas), query)
    assert response.status_code == 400
    page = text(response)
    assert "Some filters were not understood and are left out" in page and message in page
    assert listed(response) == expected


def test_the_directory_pages_by_fifty(personas: Personas):
    for i in range(51):
        ContractorFactory(workspace=personas.workspace, name=f"Person {i:02d}")
    client = login_client(personas.owner)
    first = client.get(url("directory", personas))
    assert len(listed(first)) == 50 and "Page 1 of 2" in text(first)
    second = client.get(url("directory", personas), {"page": "2"})
    assert listed(second) == {"Person 50"}


def test_an_empty_directory_explains_vetting(personas: Personas):
    page = text(login_client(personas.owner).get(url("directory", personas)))
    assert "No contractors yet" in page
    assert "check a reference" in page and "run a small paid trial" in page
    assert f'href="{url("contractor_new", personas)}"' in page


def test_a_search_for_a_task_carries_it_to_the_new_contractor_form(personas: Personas, pool):
    task = TaskFactory(workspace=personas.workspace, name="Monthly books", category="Bookkeeping", status="candidate")
    client = login_client(personas.owner)
    response = client.get(url("directory", personas), {"skill": "Bookkeeping", "task": str(task.uuid)})
    page = text(response)
    task_link = reverse("planning:task_edit", kwargs={"ws": personas.workspace.uuid, "task": task.uuid})
    assert f'Finding someone for “<a href="{task_link}">Monthly books</a>”' in page
    assert listed(response) == {"Ada Berlin", "Cy Manila"}
    assert f"{url('contractor_new', personas)}?skill=bookkeeping&task={task.uuid}" in page
    # Each contractor's link keeps the task, for the paid trial.
    assert f"{url('contractor', personas, contractor=pool['ada'].uuid)}?task={task.uuid}" in page


def test_a_skill_nobody_lists_offers_to_add_someone(personas: Personas, pool):
    page = text(login_client(personas.owner).get(url("directory", personas), {"skill": "Payroll"}))
    assert "No contractor matches these filters." in page
    assert "Nobody in the directory lists “payroll”" in page
    assert f"{url('contractor_new', personas)}?skill=payroll" in page


# --- Adding a contractor ------------------------------------------------------------------------


def test_a_contractor_added_through_the_form_is_stored_with_every_field(personas: Personas):
    client = login_client(personas.owner)
    response = client.post(url("contractor_new", personas), GOOD)
    assert response.status_code == 302
    c = Contractor.objects.get(workspace=personas.workspace)
    assert response["Location"] == url("contractor", personas, contractor=c.uuid)
    assert (c.name, c.email, c.country, c.region, c.time_zone) == (
        "Grace Hopper", "grace@example.test", "US", "NY", "America/New_York",
    )  # fmt: skip
    assert (c.work_start, c.work_end, c.work_days) == (dt.time(9), dt.time(17), [1, 2, 3, 4])
    assert c.skills == ["bookkeeping", "xero", "payroll"]
    assert (c.hourly_rate, c.currency, c.source, c.stage) == (Decimal("55.00"), "USD", "Referral from Ada", "prospect")
    assert (c.us_person, c.entity_type, c.legal_services, c.tin_verified, c.works_in_us) == (
        True, "single_member_llc", False, None, True,
    )  # fmt: skip
    page = text(client.get(response["Location"]))
    assert "Added Grace Hopper as a prospect. Next: check a reference, hold an interview" in page


def test_the_plan_s_skill_and_task_prefill_the_form_and_reach_the_trial_link(personas: Personas):
    task = TaskFactory(workspace=personas.workspace, name="Monthly books", category="bookkeeping")
    client = login_client(personas.owner)
    page = text(client.get(url("contractor_new", personas), {"skill": "bookkeeping", "task": str(task.uuid)}))
    assert 'name="skills" value="bookkeeping"' in page
    assert f'name="task" value="{task.uuid}"' in page
    assert "You are looking for someone for “Monthly books”" in page

    response = client.post(url("contractor_new", personas), {**GOOD, "task": str(task.uuid)})
    c = Contractor.objects.get(workspace=personas.workspace)
    assert response["Location"] == f"{url('contractor', personas, contractor=c.uuid)}?task={task.uuid}"
    page = text(client.get(response["Location"]))
    assert f"{url('trial_new', personas, contractor=c.uuid)}?task={task.uuid}" in page
    assert "You came here to find someone for “<a href=" in page and ">Monthly books</a>”" in page


def test_a_possible_duplicate_is_shown_and_added_only_when_confirmed(personas: Personas):
    existing = ContractorFactory(workspace=personas.workspace, name="Grace Hopper", email="grace@navy.test")
    client = login_client(personas.owner)
    response = client.post(url("contractor_new", personas), GOOD)
    assert response.status_code == 400
    page = text(response)
    assert "This may be someone already in the directory" in page
    assert f'href="{url("contractor", personas, contractor=existing.uuid)}">Grace Hopper</a>' in page
    assert "a name 100% alike (Grace Hopper)" in page
    assert "This is someone else: add anyway" in page
    assert 'value="Referral from Ada"' in page  # what was typed is kept
    assert Contractor.objects.filter(workspace=personas.workspace).count() == 1

    response = client.post(url("contractor_new", personas), {**GOOD, "allow_duplicates": "on"})
    assert response.status_code == 302
    assert Contractor.objects.filter(workspace=personas.workspace, name="Grace Hopper").count() == 2


def test_the_same_email_is_named_as_the_reason(personas: Personas):
    ContractorFactory(workspace=personas.workspace, name="G. M. Hopper", email="grace@example.test")
    page = text(login_client(personas.owner).post(url("contractor_new", personas), GOOD))
    assert "the same email address (grace@example.test)" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Name: This field is required."),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice. Mars/Olympus is not one of the available choices."),
        ({"currency": ""}, "Currency: Say which currency the hourly rate is in."),
        ({"time_zone": ""}, "Working hours need a time zone, a start and an end (or none of them)."),
        ({"work_end": "09:00"}, "The working day must end at another time than it starts."),
        ({"country": "Germany"}, "Ensure this value has at most 2 characters (it has 7)."),
        ({"country": "1A"}, "Use a two-letter ISO 3166 code, e.g. US."),
        ({"hourly_rate": "cheap"}, "Hourly rate: Enter a number."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"work_days": ["9"]}, "Select a valid choice. 9 is not one of the available choices."),
        ({"skills": "x" * 65}, "A skill is at most 64 characters"),
        ({"ref": "has space"}, "Use letters, digits and _ . : - only"),
    ],
)
def test_a_bad_contractor_is_refused_beside_the_field(personas: Personas, change, message):
    response = login_client(personas.owner).post(url("contractor_new", personas), {**GOOD, **change})
    assert response.status_code == 400
    assert message in text(response)
    assert not Contractor.objects.filter(workspace=personas.workspace).exists()


# --- Editing and deleting -----------------------------------------------------------------------


def test_editing_a_contractor_saves_the_change(personas: Personas):
    c = ContractorFactory(workspace=personas.workspace, name="Old Name", skills_text="\nseo\n")
    client = login_client(personas.manager)
    page = text(client.get(url("contractor_edit", personas, contractor=c.uuid)))
    assert 'value="Old Name"' in page and 'name="skills" value="seo"' in page
    response = client.post(url("contractor_edit", personas, contractor=c.uuid), {**GOOD, "ref": c.ref})
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.name, c.skills, c.ref) == ("Grace Hopper", ["bookkeeping", "xero", "payroll"], c.ref)
    assert "Saved Grace Hopper." in text(client.get(response["Location"]))


def test_an_edit_the_service_refuses_changes_nothing(personas: Personas):
    c = ContractorFactory(workspace=personas.workspace, name="Keep Me", currency="USD")
    response = login_client(personas.owner).post(
        url("contractor_edit", personas, contractor=c.uuid), {**GOOD, "name": "Changed", "currency": ""}
    )
    assert response.status_code == 400
    assert "Say which currency the hourly rate is in." in text(response)
    c.refresh_from_db()
    assert c.name == "Keep Me"


def test_a_contractor_with_engagements_cannot_be_deleted(personas: Personas):
    c = ContractorFactory(workspace=personas.workspace, name="Worked With")
    EngagementFactory(contractor=c)
    client = login_client(personas.owner)
    page = text(client.get(url("contractor_delete", personas, contractor=c.uuid)))
    assert "has 1 engagement, which the work history needs" in page
    response = client.post(url("contractor_delete", personas, contractor=c.uuid))
    assert response.status_code == 400
    assert "This contractor has engagements; set the stage to inactive instead of deleting." in text(response)
    assert Contractor.objects.filter(pk=c.pk).exists()


def test_deleting_a_contractor_removes_them(personas: Personas):
    c = ContractorFactory(workspace=personas.workspace, name="Gone Soon")
    ReferenceCheckFactory(contractor=c)
    client = login_client(personas.owner)
    response = client.post(url("contractor_delete", personas, contractor=c.uuid))
    assert response.status_code == 302 and response["Location"] == url("directory", personas)
    assert not Contractor.objects.filter(pk=c.pk).exists()
    assert "Deleted Gone Soon and their vetting records" in text(client.get(response["Location"]))


# --- A contractor's page ------------------------------------------------------------------------


def test_the_page_shows_the_gaps_and_the_scorecard(personas: Personas):
    ScorecardWeights.objects.create(workspace=personas.workspace, references=4, interviews=1, trial=3, ratings=2)
    c = ContractorFactory(workspace=personas.workspace, name="Half Vetted")
    ReferenceCheckFactory(contractor=c, outcome="mixed", name="Dana Ref")
    page = text(login_client(personas.owner).get(url("contractor", personas, contractor=c.uuid)))
    assert "Still missing:</strong> an interview; a finished paid trial." in page
    assert "Done: a reference that was checked and came back positive or mixed." in page
    # The parts with their details and weights; the score is the references' alone (mixed = 50%).
    parts = re.findall(r'<th scope="row">([^<]+)<span class="scorecard__detail">([^<]+)</span></th>', page)
    assert parts == [
        ("References", "1 checked"),
        ("Interviews", "None yet"),
        ("Paid trial", "No finished trial"),
        ("Ratings of real work", "No rated work yet"),
    ]
    weights = re.findall(r'<td class="num">(\d+)<span class="visually-hidden"> of 10</span>', page)
    assert weights == ["4", "1", "3", "2"]
    assert '<span class="scorecard__percent">50%</span>' in page
    assert '<span class="badge standing standing--watch">Watch</span>' in page
    assert url("scorecard_weights", personas) in page
    assert "Dana Ref" in page and url("reference_edit", personas, reference=c.referencecheck_set.get().uuid) in page


def test_open_red_flags_are_prominent_and_make_the_standing_avoid(personas: Personas):
    c = ContractorFactory(workspace=personas.workspace)
    flag = RedFlagFactory(contractor=c, notes="Wanted half the fee before starting.")
    RedFlagFactory(contractor=c, kind="copied_work", resolved=True)
    page = text(login_client(personas.owner).get(url("contractor", personas, contractor=c.uuid)))
    assert "1 unresolved red flag" in page
    assert "Asked for payment up front</strong>, noted 4 Nov 2026: Wanted half the fee before starting." in page
    assert url("red_flag_edit", personas, red_flag=flag.uuid) in page
    assert "Avoid while 1 red flag is unresolved" in page


def test_the_worst_overlap_day_is_named_across_a_dst_change(personas: Personas):
    """Berlin 9-17 against New York 9-17: 3 h shared while only the US is on summer time
    (8 to 28 March 2026), 2 h before and after."""
    c = ContractorFactory(workspace=personas.workspace, name="Ada", time_zone="Europe/Berlin")
    client = login_client(personas.owner)
    page = text(client.get(url("contractor", personas, contractor=c.uuid), {"from": "2026-03-09"}))
    assert "Worst day: Mon 30 Mar, 2 h shared (and 6 more days alike)" in page
    assert "from Mon 30 Mar: 6 h ahead (was 5 h ahead)" in page
    rows = dict(
        re.findall(
            r'<th scope="row">(\w{3} \d+ \w{3})(?: <span[^>]*>worst</span>)?</th>\s*<td class="num">([^<]+)<', page
        )
    )
    assert rows["Mon 9 Mar"] == "3 h" and rows["Fri 27 Mar"] == "3 h"
    assert rows["Mon 30 Mar"] == "2 h" and rows["Tue 7 Apr"] == "2 h"
    assert "Sat 14 Mar" not in rows  # not a working day of the workspace
    # The shared stretch is said in the workspace's time.
    assert "09:00\u201312:00" in page and "09:00\u201311:00" in page

    page = text(client.get(url("contractor", personas, contractor=c.uuid), {"from": "2026-03-02"}))
    assert "Worst day: Mon 2 Mar, 2 h shared" in page
    assert "from Mon 9 Mar: 5 h ahead (was 6 h ahead)" in page


def test_a_bad_start_day_is_said(personas: Personas):
    c = ContractorFactory(workspace=personas.workspace)
    response = login_client(personas.owner).get(url("contractor", personas, contractor=c.uuid), {"from": "soon"})
    assert response.status_code == 400
    assert "“soon” is not a date: write it as YYYY-MM-DD" in text(response)


def test_a_contractor_without_hours_is_asked_for_them(personas: Personas):
    c = ContractorFactory(workspace=personas.workspace, name="Nohours", time_zone="", work_start=None, work_end=None)
    page = text(login_client(personas.owner).get(url("contractor", personas, contractor=c.uuid)))
    assert "Nohours\u2019s working hours are not known" in page
    assert f"{url('contractor_edit', personas, contractor=c.uuid)}#id_time_zone" in page


def test_the_records_and_the_trial_links_are_on_the_page(personas: Personas):
    c = ContractorFactory(workspace=personas.workspace)
    interview = InterviewFactory(contractor=c, score_values_fit=3, identity_verified=False)
    document = DocumentFactory(contractor=c, title="Signed W-9", file="documents/x/abc.pdf", file_name="w9.pdf")
    client = login_client(personas.owner)
    page = text(client.get(url("contractor", personas, contractor=c.uuid)))
    for name in ("reference_new", "interview_new", "document_new", "red_flag_new"):
        assert url(name, personas, contractor=c.uuid) in page
    assert url("interview_edit", personas, interview=interview.uuid) in page and "Not verified" in page
    assert url("document_file", personas, document=document.uuid) in page and "Download w9.pdf" in page
    assert url("document_edit", personas, document=document.uuid) in page
    assert f'href="{url("trial_new", personas, contractor=c.uuid)}">Start a paid trial</a>' in page
    assert f'action="{url("contractor_stage", personas, contractor=c.uuid)}"' in page
    assert 'name="override_reason"' in page

    trial = EngagementFactory(contractor=c, kind="trial", status="active", title="Trial: one month of books")
    page = text(client.get(url("contractor", personas, contractor=c.uuid)))
    assert "Trial: one month of books" in page and "1,500.00 USD" in page
    assert url("trial_finish", personas, engagement=trial.uuid) in page
    assert "Start a paid trial" not in page


# --- The weights --------------------------------------------------------------------------------


def test_the_weights_page_explains_and_saves(personas: Personas):
    client = login_client(personas.owner)
    page = text(client.get(url("scorecard_weights", personas)))
    assert "80% and more" in page and "60% to under 80%" in page and "below 40%" in page
    assert "An unresolved red flag means “avoid”" in page
    assert 'name="trial" value="3"' in page
    response = client.post(
        url("scorecard_weights", personas), {"references": "1", "interviews": "0", "trial": "5", "ratings": "4"}
    )
    assert response.status_code == 302
    weights = ScorecardWeights.objects.get(workspace=personas.workspace)
    assert weights.as_dict() == {"references": 1, "interviews": 0, "trial": 5, "ratings": 4}
    assert "Saved the scorecard weights." in text(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"references": "0", "interviews": "0", "trial": "0", "ratings": "0"},
            "At least one part must weigh more than zero.",
        ),
        (
            {"references": "11", "interviews": "1", "trial": "1", "ratings": "1"},
            "Ensure this value is less than or equal to 10.",
        ),
        ({"references": "x", "interviews": "1", "trial": "1", "ratings": "1"}, "Enter a whole number."),
    ],
)
def test_bad_weights_are_refused(personas: Personas, data, message):
    response = login_client(personas.owner).post(url("scorecard_weights", personas), data)
    assert response.status_code == 400
    assert message in text(response)
    assert not ScorecardWeights.objects.filter(workspace=personas.workspace).exists()


# --- Who sees what ------------------------------------------------------------------------------


def test_a_viewer_reads_everything_and_sees_no_write_buttons(personas: Personas, pool):
    client = login_client(personas.viewer)
    ada = pool["ada"]
    directory = text(client.get(url("directory", personas)))
    assert "Ada Berlin" in directory and "Add a contractor" not in directory
    page = text(client.get(url("contractor", personas, contractor=ada.uuid)))
    assert "Scorecard" in page and "Worst day:" in page
    for hidden in ("Edit</a>", "Delete…", "Add a reference", "Start a paid trial", "Change the stage"):
        assert hidden not in page, hidden
    edit = text(client.get(url("contractor_edit", personas, contractor=ada.uuid)))
    assert "Only owners and managers can change contractors." in edit and ">Save</button>" not in edit
    weights = text(client.get(url("scorecard_weights", personas)))
    assert "Save the weights" not in weights and "disabled" in weights
    assert client.post(url("scorecard_weights", personas), {"references": "1"}).status_code == 403
    assert client.post(url("contractor_delete", personas, contractor=ada.uuid)).status_code == 403


# --- From the plan ------------------------------------------------------------------------------


def test_the_plan_links_a_candidate_task_to_the_directory(personas: Personas):
    candidate = TaskFactory(workspace=personas.workspace, name="Books", category="bookkeeping", status="candidate")
    kept = TaskFactory(workspace=personas.workspace, name="Sales", category="sales", status="in_house")
    page = text(login_client(personas.viewer).get(reverse("planning:plan", kwargs={"ws": personas.workspace.uuid})))
    assert f'{url("directory", personas)}?skill=bookkeeping&task={candidate.uuid}"' in page
    assert f"task={kept.uuid}" not in page
    assert page.count("Find a contractor") == 1


def test_a_timeline_start_far_out_is_refused_not_a_crash(personas):
    from tests.conftest import login_client as _login
    from tests.factories import ContractorFactory as _Contractor

    contractor = _Contractor(workspace=personas.workspace, time_zone="Europe/Berlin")
    base = f"/w/{personas.workspace.uuid}/contractors/{contractor.uuid}/"
    for far in ("9999-12-31", "0001-01-01"):
        response = _login(personas.viewer).get(f"{base}?from={far}")
        assert response.status_code == 400 and "Choose a day between 2000 and 2999" in response.content.decode()
