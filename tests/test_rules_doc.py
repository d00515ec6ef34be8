"""docs/rules.md is made from the rule catalogue, so the reference cannot drift from the code."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

from django.core.management import call_command

from outsourcer.checks.registry import STAGES, rules
from outsourcer.checks.report import rule_catalogue

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def rules_command(*args: str) -> str:
    out = io.StringIO()
    call_command("rules", *args, stdout=out)
    return out.getvalue()


def test_the_rules_reference_is_the_commands_output():
    assert DOC.read_text(encoding="utf-8") == rules_command("--markdown"), (
        "docs/rules.md is out of date with the rule catalogue; regenerate it with "
        "`.venv/bin/python manage.py rules --markdown > docs/rules.md` (or `outsourcer rules --markdown`)."
    )


def test_every_rule_is_complete_and_unique():
    catalogue = rules()
    assert catalogue, "the catalogue is empty"
    duplicates = [rule_id for rule_id, n in Counter(r.id for r in catalogue).items() if n > 1]
    assert not duplicates, f"rule ids used twice: {duplicates}"
    for rule in catalogue:
        for text in ("title", "checks", "why", "fix", "source"):
            assert getattr(rule, text).strip(), f"{rule.id} has no {text}"
        assert rule.stage in STAGES, f"{rule.id} names no known stage"
        assert rule.severity in rule.levels, f"{rule.id}: its severity is not among its levels"


def test_the_reference_has_a_section_for_each_rule():
    text = rules_command("--markdown")
    for rule in rules():
        section = text.split(f"### {rule.id}\n", 1)[1].split("\n### ", 1)[0]
        assert f"**What it checks.** {rule.checks}" in section
        assert f"**Why it matters.** {rule.why}" in section
        assert f"**How to fix it.** {rule.fix}" in section
        assert f"**Source.** {rule.source}" in section
        assert f"## {rule.stage_label}" in text.split(f"### {rule.id}\n", 1)[0]
    for severity in ("error", "warning", "info"):
        assert f"- **{severity}**: " in text


def test_the_table_and_the_json_list_the_catalogue():
    table = rules_command()
    for rule in rules():
        assert rule.id in table and rule.title in table
    assert json.loads(rules_command("--json")) == rule_catalogue()
