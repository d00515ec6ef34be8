"""The planning pages: the time audit forms, CSV in and out, and the plan page with its chart."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outsourcer.planning.models import Task
from outsourcer.planning.selectors import plan_for_workspace
from tests.conftest import Personas, login_client
from tests.factories import TaskFactory

GOOD = {
    "name": "Bookkeeping",
    "category": "bookkeeping",
    "hours_per_month": "12",
    "effectiveness": "2",
    "business_value": "2",
    "knowledge": "basic",
    "inhouse_cost_per_hour": "",
    "market_rate_per_hour": "45",
    "recurring": "on",
    "status": "in_house",
    "ref": "books",
}


def url(name: str, personas: Personas, **kwargs: object) -> str:
    return reverse(f"planning:{name}", kwargs={"ws": personas.workspace.uuid, **kwargs})


def text(response) -> str:
    return html.unescape(response.content.decode())


def task_values(task: Task) -> tuple:
    return tuple(getattr(task, f) for f in Task.EDITABLE)


def csv_file(body: str, name: str = "audit.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="text/csv")


# --- The task forms ---------------------------------------------------------------------------------


def test_a_task_added_through_the_form_is_stored_and_shown_in_the_plan(personas: Personas):
    client = login_client(personas.owner)
    response = client.post(url("task_new", personas), GOOD)
    task = Task.objects.get(workspace=personas.workspace, ref="books")
    assert response.status_code == 302
    assert response["Location"] == url("task_edit", personas, task=task.uuid)
    assert (task.name, task.hours_per_month, task.effectiveness, task.knowledge) == ("Bookkeeping", 12, 2, "basic")
    assert task.market_rate_per_hour == Decimal("45.00") and task.inhouse_cost_per_hour is None and task.recurring

    page = text(client.get(response["Location"]))
    assert "Added “Bookkeeping”" in page
    assert "You do it poorly and it is not core: a specialist will do it better." in page
    assert "Outsource first" in page


def test_a_task_without_a_ref_gets_one(personas: Personas):
    response = login_client(personas.owner).post(url("task_new", personas), {**GOOD, "ref": ""})
    assert response.status_code == 302
    assert Task.objects.get(workspace=personas.workspace).ref.startswith("task-")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"effectiveness": "7"}, "In-house effectiveness: Choose a score from 1 to 5."),
        ({"business_value": "0"}, "Business value: Choose a score from 1 to 5."),
        ({"business_value": ""}, "Business value: Choose a score from 1 to 5."),
        ({"hours_per_month": "800"}, "Ensure this value is less than or equal to 744."),
        ({"hours_per_month": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"market_rate_per_hour": "lots"}, "Market rate per hour: Enter a number."),
        ({"name": ""}, "Task: This field is required."),
        ({"ref": "no spaces"}, "Use letters, digits and _ . : - only"),
        ({"knowledge": "guru"}, "Select a valid choice. guru is not one of the available choices."),
        ({"ref": "taken"}, "Another task already uses the ref 'taken'."),
    ],
)
def test_a_bad_new_task_is_refused_with_a_message_and_nothing_is_stored(personas: Personas, change, message):
    TaskFactory(workspace=personas.workspace, ref="taken")
    response = login_client(personas.owner).post(url("task_new", personas), {**GOOD, **change})
    assert response.status_code == 400
    assert message in text(response)
    assert Task.objects.filter(workspace=personas.workspace).count() == 1


def test_editing_a_task_saves_the_change_and_the_plan_row_follows(personas: Personas):
    task = TaskFactory(workspace=personas.workspace, ref="t1", name="Old name", effectiveness=5, business_value=5)
    client = login_client(personas.owner)
    page = text(client.get(url("task_edit", personas, task=task.uuid)))
    assert "Keep in-house" in page and "It is core to the business (value 5): keep control of it." in page

    response = client.post(url("task_edit", personas, task=task.uuid), {**GOOD, "name": "New name", "ref": "t1"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.name, task.effectiveness, task.business_value) == ("New name", 2, 2)
    page = text(client.get(response["Location"]))
    assert "Saved “New name”." in page and "Outsource first" in page


def test_an_empty_ref_on_edit_keeps_the_ref(personas: Personas):
    task = TaskFactory(workspace=personas.workspace, ref="keep-me")
    login_client(personas.owner).post(url("task_edit", personas, task=task.uuid), {**GOOD, "ref": ""})
    task.refresh_from_db()
    assert task.ref == "keep-me" and task.name == "Bookkeeping"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"effectiveness": "7"}, "Choose a score from 1 to 5."),
        ({"ref": "other"}, "Another task already uses the ref 'other'."),
    ],
)
def test_a_bad_edit_changes_nothing(personas: Personas, change, message):
    task = TaskFactory(workspace=personas.workspace, ref="mine", name="Mine")
    TaskFactory(workspace=personas.workspace, ref="other")
    before = task_values(task)
    response = login_client(personas.owner).post(
        url("task_edit", personas, task=task.uuid), {**GOOD, "name": "Changed", "ref": "mine", **change}
    )
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "<h1>Mine</h1>" in page  # the page shows the stored task, not the refused values
    task.refresh_from_db()
    assert task_values(task) == before


def test_deleting_a_task_asks_first_then_removes_it(personas: Personas):
    task = TaskFactory(workspace=personas.workspace, name="Old filing")
    client = login_client(personas.owner)
    confirm = client.get(url("task_delete", personas, task=task.uuid))
    assert confirm.status_code == 200 and "Delete “Old filing”?" in text(confirm)
    assert Task.objects.filter(pk=task.pk).exists()

    response = client.post(url("task_delete", personas, task=task.uuid), follow=True)
    assert not Task.objects.filter(pk=task.pk).exists()
    assert "Deleted “Old filing” from the time audit." in text(response)


def test_make_candidate_moves_the_task_to_vetting(personas: Personas):
    task = TaskFactory(workspace=personas.workspace, name="Payroll", effectiveness=1, business_value=2)
    client = login_client(personas.owner)
    plan_page = text(client.get(url("plan", personas)))
    assert url("task_candidate", personas, task=task.uuid) in plan_page

    assert client.get(url("task_candidate", personas, task=task.uuid)).status_code == 405
    response = client.post(url("task_candidate", personas, task=task.uuid), follow=True)
    task.refresh_from_db()
    assert task.status == "candidate"
    assert response.redirect_chain[-1][0] == url("plan", personas)
    page = text(response)
    assert "“Payroll” is now a candidate for vetting" in page
    assert url("task_candidate", personas, task=task.uuid) not in page  # done: no button any more


def test_kept_tasks_offer_no_make_candidate(personas: Personas):
    task = TaskFactory(workspace=personas.workspace, effectiveness=5, business_value=5)
    page = text(login_client(personas.owner).get(url("plan", personas)))
    assert url("task_candidate", personas, task=task.uuid) not in page


# --- CSV --------------------------------------------------------------------------------------------

AUDIT_CSV = """name,category,hours_per_month,effectiveness,business_value,knowledge,market_rate_per_hour,recurring
Bookkeeping,bookkeeping,12,2,2,basic,45,yes
Website rebuild,web_development,40,1,3,none,85,no
"""


def test_a_csv_import_adds_the_tasks_and_says_how_many(personas: Personas):
    response = login_client(personas.owner).post(
        url("tasks_import", personas), {"file": csv_file(AUDIT_CSV)}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("plan", personas)
    assert "Imported the time audit: 2 tasks added, 0 updated, 0 removed." in text(response)
    names = sorted(Task.objects.filter(workspace=personas.workspace).values_list("name", flat=True))
    assert names == ["Bookkeeping", "Website rebuild"]


def test_a_csv_import_with_replace_removes_tasks_not_in_the_file(personas: Personas):
    TaskFactory(workspace=personas.workspace, name="Gone soon")
    response = login_client(personas.owner).post(
        url("tasks_import", personas), {"file": csv_file(AUDIT_CSV), "replace": "on"}, follow=True
    )
    assert "2 tasks added, 0 updated, 1 removed." in text(response)
    assert not Task.objects.filter(name="Gone soon").exists()


def test_a_malformed_csv_names_row_and_column_and_stores_nothing(personas: Personas):
    existing = TaskFactory(workspace=personas.workspace, ref="books", name="Bookkeeping", effectiveness=3)
    body = (
        "ref,name,hours_per_month,effectiveness,business_value\nbooks,Bookkeeping,12,2,2\nnew,New task,5,7,2\n,,5,2,2\n"
    )
    response = login_client(personas.owner).post(url("tasks_import", personas), {"file": csv_file(body)})
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was imported. 2 problems:" in page
    assert "row 3, column effectiveness: '7' must be a whole number from 1 to 5" in page
    assert "row 4, column name: a task needs a name" in page
    existing.refresh_from_db()
    assert existing.effectiveness == 3
    assert Task.objects.filter(workspace=personas.workspace).count() == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("name,hours\n".encode("utf-16"), "The file is not UTF-8 text."),
        (b"", "The submitted file is empty."),
        (b"title,hours_per_month\nx,1\n", "row 1, column name: required column is missing"),
        (b"name,hours_per_month,effectiveness,business_value\nA\x00B,1,1,1\n", "row 2: cannot be read as CSV"),
    ],
)
def test_an_unreadable_csv_is_refused_with_a_message(personas: Personas, payload, message):
    upload = SimpleUploadedFile("audit.csv", payload, content_type="text/csv")
    response = login_client(personas.owner).post(url("tasks_import", personas), {"file": upload})
    assert response.status_code == 400
    assert message in text(response)
    assert not Task.objects.filter(workspace=personas.workspace).exists()


def test_a_csv_over_the_size_limit_is_refused(personas: Personas, monkeypatch):
    monkeypatch.setattr("outsourcer.planning.forms.CSV_MAX_BYTES", 10)
    response = login_client(personas.owner).post(url("tasks_import", personas), {"file": csv_file(AUDIT_CSV)})
    assert response.status_code == 400
    assert "The file is larger than" in text(response)
    assert not Task.objects.filter(workspace=personas.workspace).exists()


def test_export_then_import_gives_the_same_tasks(personas: Personas):
    ws = personas.workspace
    TaskFactory(workspace=ws, ref="a", name="Books, receipts", hours_per_month=Decimal("12.5"), knowledge="")
    TaskFactory(workspace=ws, ref="b", name='The "big" rebuild', inhouse_cost_per_hour=Decimal("60.00"))
    TaskFactory(workspace=ws, ref="c", name="Old", status="retired", recurring=False, market_rate_per_hour=None)
    before = sorted(task_values(t) for t in Task.objects.filter(workspace=ws))
    client = login_client(personas.owner)

    export = client.get(url("tasks_export", personas))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    assert export["Content-Disposition"] == f'attachment; filename="{ws.slug}-time-audit.csv"'
    Task.objects.filter(workspace=ws).delete()

    response = client.post(url("tasks_import", personas), {"file": csv_file(export.content.decode())})
    assert response.status_code == 302
    assert sorted(task_values(t) for t in Task.objects.filter(workspace=ws)) == before


def test_export_is_read_only(personas: Personas):
    assert login_client(personas.owner).post(url("tasks_export", personas)).status_code == 405


# --- The plan page ----------------------------------------------------------------------------------


def _varied_tasks(personas: Personas, n: int) -> None:
    for i in range(n):
        TaskFactory(
            workspace=personas.workspace,
            ref=f"v{i}",
            name=f"Task {i:02d}",
            effectiveness=1 + i % 5,
            business_value=1 + (i // 5) % 5,
            hours_per_month=Decimal(2 + i % 7),
            knowledge=("none", "basic", "working", "expert")[i % 4],
        )


def test_the_plan_lists_the_tasks_in_the_order_of_the_plan(personas: Personas):
    _varied_tasks(personas, 12)
    TaskFactory(workspace=personas.workspace, ref="gone", status="retired")
    page = text(login_client(personas.owner).get(url("plan", personas)))
    shown = re.findall(r'<tr class="plan-row[^"]*" data-ref="([^"]+)" data-rank="(\d+)"', page)
    expected = [p.task.ref for p in plan_for_workspace(workspace=personas.workspace).plan.tasks]
    assert [ref for ref, _rank in shown] == expected
    assert [int(rank) for _ref, rank in shown] == list(range(1, 13))
    assert "gone" not in [ref for ref, _rank in shown]
    assert "1 retired task left out" in page


def test_the_chart_has_one_point_per_task_labelled_with_its_rank(personas: Personas):
    _varied_tasks(personas, 12)
    page = text(login_client(personas.owner).get(url("plan", personas)))
    svg = page[page.index('<svg class="chart"') : page.index("</svg>", page.index('<svg class="chart"'))]
    assert 'role="img"' in svg and "<desc" in svg
    points = re.findall(
        r'<g class="chart__point chart__point--(\w+)"[^>]*data-rank="(\d+)">\s*<title>([^<]*)</title>\s*'
        r'<path d="[^"]+"/>\s*<text[^>]*>(\d+)</text>',
        svg,
    )
    assert len(points) == 12
    assert sorted(int(rank) for _rec, rank, _title, _label in points) == list(range(1, 13))
    assert all(rank == label for _rec, rank, _title, label in points)
    plan = plan_for_workspace(workspace=personas.workspace).plan
    by_rank = {p.rank: p for p in plan.tasks}
    for rec, rank, title, _label in points:
        planned = by_rank[int(rank)]
        assert rec == planned.recommendation
        assert title.startswith(f"#{rank} {planned.task.name}: effectiveness {planned.task.effectiveness}")
    for quadrant in ("core, done poorly", "core, done well", "peripheral, done poorly", "peripheral, done well"):
        assert quadrant in svg


def test_points_sharing_a_cell_do_not_overlap(personas: Personas):
    for i in range(7):
        TaskFactory(workspace=personas.workspace, effectiveness=2, business_value=2, name=f"Same cell {i}")
    page = text(login_client(personas.owner).get(url("plan", personas)))
    spots = re.findall(r'<g class="chart__point[^"]*" transform="translate\(([\d.]+) ([\d.]+)\)"', page)
    assert len(spots) == 7
    coords = [(float(x), float(y)) for x, y in spots]
    gaps = [abs(a[0] - b[0]) + abs(a[1] - b[1]) for i, a in enumerate(coords) for b in coords[i + 1 :]]
    assert min(gaps) >= 25  # at least a marker's width apart


def test_a_long_plan_charts_the_top_60_and_shows_the_top_50_rows(personas: Personas):
    _varied_tasks(personas, 65)
    client = login_client(personas.owner)
    page = text(client.get(url("plan", personas)))
    assert page.count('<g class="chart__point chart__point--') == 60
    assert "The chart shows the top 60 of 65 ranked tasks" in page
    assert page.count('<tr class="plan-row') == 50
    assert "Show all 65" in page
    everything = text(client.get(url("plan", personas) + "?all=1"))
    assert everything.count('<tr class="plan-row') == 65


def test_the_header_totals_match_the_worked_example(personas: Personas):
    ws = personas.workspace
    ws.owner_hourly_value = Decimal("120")
    ws.save()
    TaskFactory(workspace=ws, name="Bookkeeping", hours_per_month=12, effectiveness=2, business_value=2,
                knowledge="basic", market_rate_per_hour=Decimal("45"))  # fmt: skip
    TaskFactory(workspace=ws, name="Website rebuild", category="web_development", hours_per_month=40,
                effectiveness=1, business_value=3, knowledge="none", market_rate_per_hour=Decimal("85"),
                recurring=False)  # fmt: skip
    page = text(login_client(personas.owner).get(url("plan", personas)))
    assert "42 h" in page
    assert "1,100.00 USD" in page and "900.00 USD" in page and "200.00 USD" in page
    assert "Web development contractor" in page and "Fixed price after a small paid trial" in page
    assert "can't be computed" not in page


def test_a_negative_saving_is_shown_as_such(personas: Personas):
    ws = personas.workspace
    ws.owner_hourly_value = Decimal("20")
    ws.save()
    TaskFactory(
        workspace=ws, hours_per_month=10, effectiveness=1, business_value=1, market_rate_per_hour=Decimal("150")
    )
    page = text(login_client(personas.owner).get(url("plan", personas)))
    assert '<span class="is-negative">\u22121,300.00 USD</span>' in page
    assert "It costs more outside than in-house: the case rests on the hours it frees." in page


def test_without_an_owner_value_the_plan_says_which_savings_it_cannot_compute(personas: Personas):
    ws = personas.workspace
    assert ws.owner_hourly_value is None
    TaskFactory(workspace=ws, effectiveness=1, business_value=1, inhouse_cost_per_hour=None)
    page = text(login_client(personas.owner).get(url("plan", personas)))
    assert "can't be computed" in page
    assert reverse("workspace:settings", kwargs={"ws": ws.uuid}) in page
    assert "your hourly value is not set" in page


def test_an_empty_plan_explains_the_time_audit(personas: Personas):
    page = text(login_client(personas.owner).get(url("plan", personas)))
    assert "Start with a time audit" in page
    assert url("task_new", personas) in page and url("tasks_import", personas) in page
    assert "How the ranking works" in page
    assert '<svg class="chart"' not in page


def test_roles_group_handed_out_tasks_of_one_category(personas: Personas):
    TaskFactory(workspace=personas.workspace, name="Receipts", category="bookkeeping", effectiveness=1)
    TaskFactory(workspace=personas.workspace, name="Payroll", category="bookkeeping", effectiveness=2)
    page = text(login_client(personas.owner).get(url("plan", personas)))
    roles = page[page.index("Suggested contractor roles") :]
    assert roles.count("Bookkeeping contractor") == 1
    assert "20 h a month" in roles and "Receipts" in roles and "Payroll" in roles


def test_a_viewer_sees_the_plan_but_no_write_buttons(personas: Personas):
    task = TaskFactory(workspace=personas.workspace, effectiveness=1, business_value=1, name="Filing")
    owner_page = text(login_client(personas.owner).get(url("plan", personas)))
    for needle in ("Make candidate", url("task_new", personas), url("tasks_import", personas)):
        assert needle in owner_page

    viewer = login_client(personas.viewer)
    page = text(viewer.get(url("plan", personas)))
    assert "Filing" in page and "Outsource first" in page
    for needle in ("Make candidate", url("task_new", personas), url("tasks_import", personas)):
        assert needle not in page
    detail = text(viewer.get(url("task_edit", personas, task=task.uuid)))
    assert "Only owners and managers can change tasks." in detail
    assert ">Save</button>" not in detail and "Make it a candidate" not in detail
    assert url("task_delete", personas, task=task.uuid) not in detail
    listing = text(viewer.get(url("task_list", personas)))
    assert "Filing" in listing and url("task_delete", personas, task=task.uuid) not in listing
    assert viewer.post(url("task_candidate", personas, task=task.uuid)).status_code == 403


# --- The time audit list ----------------------------------------------------------------------------


def test_the_time_audit_filters_by_status_and_search(personas: Personas):
    ws = personas.workspace
    TaskFactory(workspace=ws, name="Bookkeeping", category="finance")
    TaskFactory(workspace=ws, name="Logo design", category="design", status="candidate")
    TaskFactory(workspace=ws, name="Old catalogue", category="design", status="retired")
    client = login_client(personas.owner)

    page = text(client.get(url("task_list", personas)))
    assert "3 tasks" in page and 'Candidate for vetting <span class="chip__count">1</span>' in page

    page = text(client.get(url("task_list", personas), {"status": "candidate"}))
    assert "Logo design" in page and "Bookkeeping" not in page and "Old catalogue" not in page

    page = text(client.get(url("task_list", personas), {"q": "design"}))
    assert "2 tasks matching “design”" in page and "Bookkeeping" not in page

    page = text(client.get(url("task_list", personas), {"status": "nonsense"}))
    assert "3 tasks" in page  # an unknown filter is ignored, not an error
