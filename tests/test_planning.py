"""The outsourcing plan's model: ordering, guards, money and the CSV it reads."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outsourcer.planning.csv_io import CsvInvalid, parse_text
from outsourcer.planning.scoring import TaskInput, plan_tasks, priority

BIN = Path(sys.executable).parent / "outsourcer"
HEADER = (
    "name,category,hours_per_month,effectiveness,business_value,knowledge,"
    "inhouse_cost_per_hour,market_rate_per_hour,recurring\n"
)

tasks = st.builds(
    TaskInput,
    name=st.text(alphabet="abcdefghij", min_size=1, max_size=8),
    hours_per_month=st.decimals(min_value=0, max_value=744, places=1, allow_nan=False, allow_infinity=False),
    effectiveness=st.integers(1, 5),
    business_value=st.integers(1, 5),
    category=st.sampled_from(["", "design", "bookkeeping"]),
    knowledge=st.sampled_from([None, "none", "basic", "working", "expert"]),
    inhouse_cost_per_hour=st.none() | st.decimals(min_value=0, max_value=500, places=2),
    market_rate_per_hour=st.none() | st.decimals(min_value=0, max_value=500, places=2),
    recurring=st.booleans(),
)


@given(tasks, st.integers(1, 4))
def test_lower_effectiveness_moves_a_task_up(task, lower):
    better = replace(task, effectiveness=max(task.effectiveness, lower + 1))
    worse = replace(task, effectiveness=lower)
    assert priority(worse) > priority(better)


@given(tasks, st.integers(1, 4))
def test_lower_business_value_moves_a_task_up(task, lower):
    assert priority(replace(task, business_value=lower)) > priority(replace(task, business_value=lower + 1))


@given(tasks, st.decimals(min_value=0, max_value=743, places=1), st.decimals(min_value="0.1", max_value=1, places=1))
def test_more_hours_move_a_task_up(task, hours, more):
    assert priority(replace(task, hours_per_month=hours + more)) > priority(replace(task, hours_per_month=hours))


@given(st.lists(tasks, min_size=1, max_size=20))
def test_ranks_follow_the_score_and_are_stable(items):
    plan = plan_tasks(items)
    assert [p.rank for p in plan.tasks] == list(range(1, len(items) + 1))
    scores = [p.score for p in plan.tasks]
    assert scores == sorted(scores, reverse=True)
    assert [p.as_dict() for p in plan_tasks(list(reversed(items))).tasks] == [p.as_dict() for p in plan.tasks]


@given(st.lists(tasks, min_size=1, max_size=20))
def test_core_work_is_never_plainly_outsourced(items):
    for planned in plan_tasks(items).tasks:
        if planned.task.business_value == 5:
            assert planned.recommendation in {"keep", "outsource_with_oversight", "reconsider"}


@given(st.lists(tasks, min_size=1, max_size=20))
def test_unknown_work_is_never_handed_out_without_oversight_and_says_why(items):
    for planned in plan_tasks(items).tasks:
        if planned.task.knowledge == "none":
            assert planned.recommendation not in {"outsource_first", "outsource"}
            if planned.recommendation == "outsource_with_oversight" and planned.task.business_value < 5:
                assert any("know nothing" in r for r in planned.reasons)


def test_a_worked_example_by_hand():
    """The example of docs/planning.md, computed by hand."""
    books = TaskInput(
        name="Bookkeeping",
        category="bookkeeping",
        hours_per_month=Decimal(12),
        effectiveness=2,
        business_value=2,
        knowledge="basic",
        market_rate_per_hour=Decimal(45),
    )
    site = TaskInput(
        name="Website rebuild",
        category="web_development",
        hours_per_month=Decimal(40),
        effectiveness=1,
        business_value=3,
        knowledge="none",
        market_rate_per_hour=Decimal(85),
        recurring=False,
    )
    plan = plan_tasks([books, site], owner_hourly_value=Decimal(120))
    first, second = plan.tasks
    assert first.task.name == "Website rebuild" and first.recommendation == "outsource_with_oversight"
    # 25 % of 40 h stays with the owner for oversight: 30 h freed; 30 x 120 - 40 x 85 = 200.
    assert first.hours_freed_per_month == Decimal("30.0") and first.monthly_saving == Decimal("200.00")
    assert first.shape == "fixed price after a small paid trial"
    # 12 x 120 - 12 x 45 = 900.
    assert second.recommendation == "outsource_first" and second.monthly_saving == Decimal("900.00")
    assert plan.totals == {"hours_freed_per_month": "42.0", "monthly_saving": "1100.00"}
    assert [r["role"] for r in plan.roles] == ["Web development contractor", "Bookkeeping contractor"]


def test_tasks_of_one_category_make_one_role():
    a = TaskInput(name="Posts", category="social_media", hours_per_month=Decimal(6), effectiveness=2, business_value=2)
    b = TaskInput(
        name="Replies", category="social_media", hours_per_month=Decimal(4), effectiveness=2, business_value=3
    )
    assert plan_tasks([a, b]).roles == [
        {"role": "Social media contractor", "tasks": ["Posts", "Replies"], "hours_per_month": "10"}
    ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Books,,10,7,2,,,,yes", "row 2, column effectiveness: '7' must be a whole number from 1 to 5"),
        ("Books,,-3,2,2,,,,yes", "row 2, column hours_per_month: '-3' must be zero or more"),
        ("Books,,ten,2,2,,,,yes", "row 2, column hours_per_month: 'ten' is not a number"),
        ("Books,,10,2,2,guru,,,yes", "row 2, column knowledge: 'guru' is not one of none, basic, working, expert"),
        ("Books,,10,2,2,,,,maybe", "row 2, column recurring: 'maybe' is not yes or no"),
    ],
)
def test_malformed_rows_name_their_row_and_column(row, expected):
    with pytest.raises(CsvInvalid) as exc:
        parse_text(HEADER + row + "\n")
    assert [str(e) for e in exc.value.errors] == [expected]


def test_a_missing_column_is_named():
    with pytest.raises(CsvInvalid) as exc:
        parse_text("name,hours_per_month,effectiveness\nBooks,10,2\n")
    assert [str(e) for e in exc.value.errors] == ["row 1, column business_value: required column is missing"]


def test_the_cli_works_on_a_file_alone(tmp_path):
    audit = tmp_path / "audit.csv"
    audit.write_text(HEADER + "Bookkeeping,bookkeeping,12,2,2,basic,,45,yes\nStrategy,strategy,8,4,5,expert,,150,no\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "OUTSOURCER_DATA_DIR": str(tmp_path / "nowhere"),
        "OUTSOURCER_DEBUG": "1",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }  # a database it must not need
    result = subprocess.run(
        [str(BIN), "plan", str(audit), "--owner-hourly-value", "120", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert [t["name"] for t in plan["tasks"]] == ["Bookkeeping", "Strategy"]
    assert plan["tasks"][0] | {"reasons": []} == {
        "name": "Bookkeeping",
        "ref": None,
        "rank": 1,
        "score": plan["tasks"][0]["score"],
        "quadrant": "peripheral, done poorly",
        "recommendation": "outsource_first",
        "hours_freed_per_month": "12.0",
        "monthly_saving": "900.00",
        "shape": "ongoing or retainer",
        "role": "Bookkeeping contractor",
        "reasons": [],
    }
    assert plan["totals"] == {"hours_freed_per_month": "12.0", "monthly_saving": "900.00"}
    table = subprocess.run(
        [str(BIN), "plan", str(audit), "--top", "1", "--owner-hourly-value", "120"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert table.returncode == 0 and "Bookkeeping" in table.stdout and "... and 1 more tasks" in table.stdout
    assert table.stdout.rstrip().endswith("Monthly saving: USD 900.00")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Books,,10,7,2,,,,yes\n")
    result = subprocess.run([str(BIN), "plan", str(bad)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "row 2, column effectiveness" in result.stderr
