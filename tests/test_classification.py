"""Worker status: what an assessment's answers say (`classification.result_of` and the words around it),
and the engagement's worker-status page and one assessment's page."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from outsourcer.audit.models import AuditEntry
from outsourcer.compliance import classification as rules
from outsourcer.compliance.classification import Result, result_of
from outsourcer.compliance.models import ANSWER_FIELDS, ClassificationAssessment
from outsourcer.core.timezones import today_in
from tests.conftest import Personas, login_client
from tests.factories import ClassificationFactory, ContractorFactory, EngagementFactory

ON = dt.date(2026, 11, 1)
# Answers toward employment in an order that leaves `core_to_our_business` for last.
NOT_CORE = [name for name in ANSWER_FIELDS if name != "core_to_our_business"]


def answers(*toward: str, unsure: tuple[str, ...] = ()) -> dict[str, bool | None]:
    found: dict[str, bool | None] = dict.fromkeys(ANSWER_FIELDS, False)
    for name in toward:
        found[name] = True
    for name in unsure:
        found[name] = None
    return found


def read(*toward: str, region: str = "TX", country: str = "US", on: dt.date = ON, **kw: tuple[str, ...]) -> Result:
    return result_of(answers(*toward, **kw), country=country, region=region, on=on)


# --- result_of -------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["CA", "MA", "NJ", "ca", "CA-LOS_ANGELES"])
def test_core_work_in_an_abc_state_is_an_error_on_its_own(state):
    result = read("core_to_our_business", region=state)
    assert result.count == 1
    assert (result.severity, result.level) == ("error", "high")
    assert result.abc is not None and result.abc.region == state.upper()[:2]
    assert result.abc_failed == ("B",)
    assert "prong B cannot be shown" in result.reasons[0]


def test_core_work_outside_an_abc_state_is_no_finding():
    for country, region in (("US", "TX"), ("US", "NY"), ("US", ""), ("DE", "CA")):
        result = read("core_to_our_business", country=country, region=region)
        assert (result.severity, result.level, result.abc) == (None, "low", None), (country, region)
        assert result.abc_failed == () and result.prongs == ()


def test_an_abc_state_without_core_work_counts_like_anywhere_else():
    result = read("sets_hours_or_location", "works_only_for_us", region="MA")
    assert result.severity is None and result.level == "low"
    assert result.abc_failed == ("A", "C")  # the prongs in doubt are still named
    assert [p.state for p in result.prongs] == ["cannot_show", "nothing_against", "cannot_show"]


@pytest.mark.parametrize(
    ("n", "severity", "level"),
    [(0, None, "low"), (2, None, "low"), (3, "warning", "elevated"), (4, "warning", "elevated"), (5, "error", "high"),
     (11, "error", "high")],
)  # fmt: skip
def test_the_count_of_answers_toward_employment_sets_the_severity(n, severity, level):
    result = read(*NOT_CORE[:n])
    assert result.count == n
    assert (result.severity, result.level) == (severity, level)
    assert bool(result.reasons) == (severity is not None)
    if severity:
        assert result.reasons[-1].startswith(f"{n} of 12 answers point toward employment")


def test_thresholds_are_the_data_the_rule_reads():
    assert rules.thresholds() == (3, 5)


def test_not_sure_is_neither_for_nor_against():
    result = read("provides_tools", "reimburses_expenses", unsure=("paid_by_time_not_result", "open_ended"))
    assert result.count == 2 and result.severity is None
    assert {q.id for q in result.unanswered} == {"paid_by_time_not_result", "open_ended"}
    # Missing answers count as not sure too.
    empty = result_of({}, country="US", region="CA", on=ON)
    assert empty.count == 0 and len(empty.unanswered) == 12 and empty.severity is None
    assert [p.state for p in empty.prongs] == ["unsure", "unsure", "unsure"]


def test_factors_are_grouped_by_irs_category_with_counts():
    result = read("sets_hours_or_location", "trains_in_our_methods", "provides_tools", "open_ended")
    groups = {f.category: f for f in result.factors}
    assert list(groups) == ["behavioral", "financial", "relationship"]
    assert [f.count for f in result.factors] == [2, 1, 1]
    assert groups["behavioral"].label == "Behavioural control"
    assert [q.employee_sign for q in groups["financial"].signs] == ["You provide their tools and equipment."]
    assert result.by_category == {"behavioral": 2, "financial": 1, "relationship": 1}


def test_new_jersey_can_meet_prong_b_by_location():
    nj = read("core_to_our_business", region="NJ")
    ca = read("core_to_our_business", region="CA")
    assert "outside all of your places of business" in nj.reasons[0]
    assert "outside all of your places of business" not in ca.reasons[0]
    prong_b = {p.prong: p for p in nj.prongs}["B"]
    assert prong_b.state == "cannot_show" and "outside all of your places of business" in prong_b.note
    assert all(p.note == "" for p in ca.prongs)


@pytest.mark.parametrize(
    ("on", "version"),
    [
        (dt.date(2024, 3, 10), None),
        (dt.date(2023, 1, 1), None),
        (dt.date(2024, 3, 11), "flsa-2024"),
        (dt.date(2024, 6, 1), "flsa-2024"),
        (dt.date(2025, 4, 30), "flsa-2024"),
        (dt.date(2025, 5, 1), "flsa-2025-enforcement"),
        (dt.date(2025, 6, 1), "flsa-2025-enforcement"),
    ],
)
def test_the_flsa_test_is_the_one_in_force_on_the_assessment_date(on, version):
    result = read(on=on)
    assert (result.flsa.id if result.flsa else None) == version
    if version == "flsa-2024":
        assert len(result.flsa.factors) == 6 and "no factor has a set weight" in result.flsa.note
    if version == "flsa-2025-enforcement":
        assert "Fact Sheet #13" in result.flsa.name and "private lawsuits" in result.flsa.note


def test_flsa_versions_are_dated_data_oldest_first():
    versions = rules.flsa_versions()
    assert [v.starts for v in versions] == sorted(v.starts for v in versions)
    assert versions[0].starts == dt.date(2024, 3, 11)


def test_ss8_is_suggested_only_when_the_result_is_elevated_or_high():
    assert read(*NOT_CORE[:2]).ss8_suggested is False
    assert read(*NOT_CORE[:3]).ss8_suggested is True
    assert read("core_to_our_business", region="CA").ss8_suggested is True


def test_the_explanation_says_what_the_level_means():
    low = rules.explanation(read("provides_tools"))
    assert low.startswith("1 answer of 12 points toward employment")
    elevated = rules.explanation(read(*NOT_CORE[:3], unsure=("open_ended",)))
    assert elevated.startswith("3 of 12 answers point toward employment")
    assert "1 question was answered \u201cnot sure\u201d" in elevated
    high = rules.explanation(read("core_to_our_business", region="NJ"))
    assert "looks more like employment" in high and "New Jersey" in high
    abc_low = rules.explanation(read(region="CA"))
    assert "California uses the ABC test" in abc_low


def test_when_to_reassess():
    assert rules.reassess_periodically(kind="ongoing", start_on=ON, end_on=ON + dt.timedelta(days=10))
    assert rules.reassess_periodically(kind="project", start_on=ON, end_on=None)  # open-ended
    assert rules.reassess_periodically(kind="project", start_on=ON, end_on=ON + dt.timedelta(days=91))
    assert not rules.reassess_periodically(kind="project", start_on=ON, end_on=ON + dt.timedelta(days=90))
    assert not rules.reassess_periodically(kind="trial", start_on=None, end_on=ON)
    assert rules.reassess_by(dt.date(2026, 11, 1)) == dt.date(2027, 11, 1)
    assert rules.reassess_by(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
    assert "Reassess by 1 November 2027" in rules.reassess_text(periodic=True, assessed_on=ON)
    assert "when the work changes" in rules.reassess_text(periodic=False, assessed_on=ON)


def test_an_assessment_is_expected_of_ongoing_or_long_running_work():
    today = dt.date(2026, 11, 30)
    assert rules.assessment_expected(kind="ongoing", start_on=None, today=today)
    assert rules.assessment_expected(kind="project", start_on=today - dt.timedelta(days=91), today=today)
    assert not rules.assessment_expected(kind="project", start_on=today - dt.timedelta(days=90), today=today)
    assert not rules.assessment_expected(kind="project", start_on=None, today=today)


# --- The pages -------------------------------------------------------------------------------------


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


@pytest.fixture
def ws(personas: Personas):
    workspace = personas.workspace
    workspace.country, workspace.region = "US", "CA"
    workspace.save()
    return workspace


@pytest.fixture
def engagement(ws):
    contractor = ContractorFactory(workspace=ws, name="Carla Reyes")
    return EngagementFactory(contractor=contractor, title="Monthly bookkeeping", kind="ongoing", end_on=None)


def page(engagement) -> str:
    return reverse("compliance:classification", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid})


def form_data(*toward: str, unsure: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    data = {name: "yes" if name in toward else "unsure" if name in unsure else "no" for name in ANSWER_FIELDS}
    return {"assessed_on": "2026-11-20", "reasonable_basis": "", **data, **extra}


def test_the_page_before_any_assessment(personas: Personas, engagement):
    response = login_client(personas.owner).get(page(engagement))
    assert response.status_code == 200
    text = words(response)
    assert "Not assessed yet" in text
    assert rules.DISCLAIMER in text
    for label in ("Behavioural control", "Financial control", "Relationship of the parties"):
        assert label in text
    for q in rules.questions():
        assert q.question in text
    assert "written advice from a lawyer or an accountant" in text.lower()
    today = today_in(engagement.workspace.time_zone)
    assert f'value="{today.isoformat()}"' in response.content.decode()  # the date defaults to today


def test_recording_an_assessment_shows_its_result(personas: Personas, engagement):
    client = login_client(personas.owner)
    data = form_data(
        "core_to_our_business", "provides_tools", unsure=("open_ended",),
        reasonable_basis="Written advice of our accountant, 3 Nov 2026.",
    )  # fmt: skip
    response = client.post(page(engagement), data)
    assert response.status_code == 302 and response["Location"].endswith("#result")
    saved = ClassificationAssessment.objects.get(engagement=engagement)
    assert saved.assessed_on == dt.date(2026, 11, 20) and saved.assessed_by == personas.owner
    assert (saved.core_to_our_business, saved.provides_tools, saved.open_ended, saved.provides_benefits) == (
        True, True, None, False,
    )  # fmt: skip
    assert saved.reasonable_basis == "Written advice of our accountant, 3 Nov 2026."
    assert AuditEntry.objects.filter(action="classification.record", workspace=engagement.workspace).count() == 1
    text = words(client.get(page(engagement)))
    assert "High risk: this looks like employment" in text
    assert "2 of 12 answers point toward employment · 1 not sure" in text
    assert "The work is a key part of your regular business." in text
    assert "California: the ABC test" in text and "Cal. Lab. Code § 2775" in text
    assert "Cannot be shown" in text
    assert "Fact Sheet #13" in text  # 20 Nov 2026: the enforcement guidance
    assert "Form SS-8" in text
    assert "Reassess by 20 November 2027" in text  # ongoing: every 12 months
    assert "Written advice of our accountant" in text


def test_a_reassessment_adds_one_and_keeps_the_history(personas: Personas, engagement):
    first = ClassificationFactory(engagement=engagement, assessed_on=dt.date(2025, 11, 1), provides_tools=True)
    client = login_client(personas.owner)
    # The form starts from the latest answers.
    html_text = client.get(page(engagement)).content.decode()
    assert re.search(r'name="provides_tools" value="yes"[^>]*checked', html_text)
    response = client.post(page(engagement), form_data())
    assert response.status_code == 302
    rows = list(ClassificationAssessment.objects.filter(engagement=engagement))
    assert len(rows) == 2 and rows[0].assessed_on == dt.date(2026, 11, 20) and rows[1] == first
    text = words(client.get(page(engagement)))
    assert "History 2" in text
    assert reverse("compliance:assessment", kwargs={"ws": engagement.workspace.uuid, "assessment": first.uuid}) in (
        client.get(page(engagement)).content.decode()
    )
    assert "Low risk" in text


def test_a_bad_date_or_answer_is_shown_on_the_form(personas: Personas, engagement):
    client = login_client(personas.owner)
    for bad in ({"assessed_on": "2026-13-45"}, {"assessed_on": ""}, {"assessed_on": "0999-01-01"}):
        response = client.post(page(engagement), {**form_data(), **bad})
        assert response.status_code == 400, bad
        assert "Assessed on" in words(response)
    response = client.post(page(engagement), {**form_data(), "provides_tools": "maybe"})
    assert response.status_code == 400
    assert "Answer yes, no or not sure." in words(response)
    response = client.post(page(engagement), {**form_data(), "reasonable_basis": "x" * 2001})
    assert response.status_code == 400
    assert not ClassificationAssessment.objects.exists()


def test_a_viewer_reads_but_cannot_record(personas: Personas, engagement):
    ClassificationFactory(engagement=engagement)
    client = login_client(personas.viewer)
    response = client.get(page(engagement))
    assert response.status_code == 200
    text = words(response)
    assert "Only owners and managers can record an assessment" in text
    assert "Record the reassessment" not in text
    assert client.post(page(engagement), form_data()).status_code == 403
    assert ClassificationAssessment.objects.count() == 1


def test_another_workspace_sees_nothing(personas: Personas, engagement):
    assessment = ClassificationFactory(engagement=engagement)
    outsider = login_client(personas.outsider)
    assert outsider.get(page(engagement)).status_code == 404
    assert outsider.post(page(engagement), form_data()).status_code == 404
    # Their own workspace's URL with our objects: not found either.
    other = personas.other_workspace
    theirs = reverse("compliance:classification", kwargs={"ws": other.uuid, "engagement": engagement.uuid})
    assert outsider.get(theirs).status_code == 404
    their_assessment = reverse("compliance:assessment", kwargs={"ws": other.uuid, "assessment": assessment.uuid})
    assert outsider.get(their_assessment).status_code == 404
    assert ClassificationAssessment.objects.count() == 1


def test_one_assessment_page_is_read_only_and_says_when_replaced(personas: Personas, engagement):
    old = ClassificationFactory(
        engagement=engagement, assessed_on=dt.date(2024, 6, 1), sets_hours_or_location=True, works_only_for_us=True,
        provides_tools=None, reasonable_basis="Long-standing practice in bookkeeping.",
    )  # fmt: skip
    client = login_client(personas.manager)
    url = reverse("compliance:assessment", kwargs={"ws": engagement.workspace.uuid, "assessment": old.uuid})
    response = client.get(url)
    assert response.status_code == 200
    text = words(response)
    assert "Assessment of 1 June 2024" in text
    assert "2024 economic-reality rule" in text  # the FLSA test of that day
    assert "This is the latest assessment" in text
    assert "<form" not in response.content.decode().split('id="main"', 1)[1]
    assert "Long-standing practice in bookkeeping." in text
    ClassificationFactory(engagement=engagement, assessed_on=dt.date(2026, 11, 1))
    assert "A later assessment replaces this one." in words(client.get(url))
    assert client.post(url, {}).status_code == 405


def test_the_engagement_page_links_to_worker_status(personas: Personas, engagement):
    detail = reverse("engagements:detail", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid})
    body = login_client(personas.viewer).get(detail).content.decode()
    assert page(engagement) in body


def test_an_anonymous_visitor_is_sent_to_sign_in(engagement):
    response = Client().get(page(engagement))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_docs_list_the_questions_as_the_data_has_them():
    """docs/worker-status.md's questionnaire table and FLSA dates are the data's, so the page cannot drift."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "worker-status.md").read_text()
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| :?([ABC—]):? \| `(\w+)` \|$", text, flags=re.M)
    expected = [(rules.category_label(q.category), q.question, q.abc or "—", q.id) for q in rules.questions()]
    assert [(c.strip(), q.strip(), p, i) for c, q, p, i in rows] == expected
    for version in rules.flsa_versions():
        assert f"{version.starts.day} {version.starts:%B %Y}" in text
