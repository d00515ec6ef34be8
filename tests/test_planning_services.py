"""Writes to the time audit: the CSV import updates only the columns a file has."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outsourcer.core.actor import Actor
from outsourcer.planning.csv_io import CsvInvalid
from outsourcer.planning.models import Task
from outsourcer.planning.services import tasks_import_csv
from tests.factories import TaskFactory, WorkspaceFactory


def test_an_update_by_csv_leaves_columns_the_file_lacks_alone(db):
    ws = WorkspaceFactory()
    TaskFactory(workspace=ws, ref="books", status="outsourced", category="bookkeeping", knowledge="expert")
    text = "ref,name,hours_per_month,effectiveness,business_value\nbooks,Books,20,2,2\n"
    result = tasks_import_csv(actor=Actor.cli(), workspace=ws, text=text)
    assert result.as_dict() == {"created": 0, "updated": 1, "removed": 0}
    task = Task.objects.get(workspace=ws, ref="books")
    assert (task.name, task.hours_per_month, task.effectiveness) == ("Books", Decimal("20.00"), 2)
    assert (task.status, task.category, task.knowledge) == ("outsourced", "bookkeeping", "expert")


def test_replace_removes_tasks_the_file_does_not_name_and_a_bad_file_changes_nothing(db):
    ws = WorkspaceFactory()
    TaskFactory(workspace=ws, ref="keep")
    TaskFactory(workspace=ws, ref="gone")
    text = "ref,name,hours_per_month,effectiveness,business_value\nkeep,Kept,5,3,3\n,New one,2,1,1\n"
    with pytest.raises(CsvInvalid):
        tasks_import_csv(actor=Actor.cli(), workspace=ws, text=text + "x,Bad,5,9,3\n", replace=True)
    assert sorted(Task.objects.filter(workspace=ws).values_list("ref", flat=True)) == ["gone", "keep"]
    result = tasks_import_csv(actor=Actor.cli(), workspace=ws, text=text, replace=True)
    assert result.as_dict() == {"created": 1, "updated": 1, "removed": 1}
    refs = set(Task.objects.filter(workspace=ws).values_list("ref", flat=True))
    assert "gone" not in refs and "keep" in refs and len(refs) == 2


def test_a_task_that_running_work_is_linked_to_is_kept(db):
    from django.core.exceptions import ValidationError

    from outsourcer.planning.services import task_delete
    from tests.factories import EngagementFactory

    ws = WorkspaceFactory()
    task = TaskFactory(workspace=ws, ref="books", name="Books")
    EngagementFactory(workspace=ws, contractor__workspace=ws, status="active").tasks.set([task])
    with pytest.raises(ValidationError) as exc:
        task_delete(actor=Actor.cli(), task=task)
    assert "retired" in str(exc.value)
    text = "ref,name,hours_per_month,effectiveness,business_value\nother,Other,5,3,3\n"
    with pytest.raises(CsvInvalid) as csv_exc:
        tasks_import_csv(actor=Actor.cli(), workspace=ws, text=text, replace=True)
    assert "active work is linked to (Books)" in str(csv_exc.value.errors[0])
    assert Task.objects.filter(workspace=ws).count() == 1
    done = TaskFactory(workspace=ws, ref="done")
    EngagementFactory(workspace=ws, contractor__workspace=ws, status="completed").tasks.set([done])
    task_delete(actor=Actor.cli(), task=done)  # finished work does not hold a task back
