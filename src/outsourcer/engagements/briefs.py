"""The brief completeness score: how much of what a contractor needs the brief already says.

Pure functions over plain values, so the score can be shown live while a brief is being written
(from the form's data, before anything is saved) and the same numbers appear in the API and the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Each part of a brief with its weight (out of 100) and what to say when it is missing.
PARTS: tuple[tuple[str, int, str], ...] = (
    ("goals", 25, "Say why the work exists: the business goal it serves."),
    ("deliverables", 20, "List what the contractor hands over."),
    ("acceptance_criteria", 20, "Write how you will judge that a deliverable is done, one criterion a line."),
    ("context", 15, "Give the company goals and strategy the contractor needs to see the big picture."),
    ("out_of_scope", 10, "Say what is out of scope, so nobody builds (or bills) more than you asked for."),
    ("constraints", 10, "Name the limits: brand, tools, legal or technical."),
)
# Too short to be a real answer: a goal of "logo" does not tell anyone why.
MIN_TEXT = 20


@dataclass(frozen=True)
class Completeness:
    score: int  # 0 to 100
    missing: list[dict[str, str]]  # [{"part": ..., "advice": ...}], heaviest first
    thin: list[dict[str, str]]  # present but too short to help

    @property
    def complete(self) -> bool:
        return self.score == 100


def _items(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, Sequence):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def brief_completeness(content: Mapping[str, Any] | None) -> Completeness:
    """Score a brief given as the bundle's `brief` object (lists may also be newline-separated text)."""
    content = content or {}
    score = 0
    missing: list[dict[str, str]] = []
    thin: list[dict[str, str]] = []
    for part, weight, advice in PARTS:
        value = content.get(part)
        if part in ("deliverables", "acceptance_criteria"):
            present = bool(_items(value))
        else:
            text = str(value or "").strip()
            present = bool(text)
            if present and len(text) < MIN_TEXT and part in ("goals", "context"):
                thin.append({"part": part, "advice": f"{advice} A few words are not enough."})
                score += weight // 2
                continue
        if present:
            score += weight
        else:
            missing.append({"part": part, "advice": advice})
    deliverables = _items(content.get("deliverables"))
    criteria = _items(content.get("acceptance_criteria"))
    if deliverables and criteria and len(criteria) < len(deliverables):
        thin.append(
            {
                "part": "acceptance_criteria",
                "advice": f"{len(deliverables)} deliverables but {len(criteria)} acceptance criteria: "
                "give each deliverable a way to judge it.",
            }
        )
    return Completeness(score=score, missing=missing, thin=thin)


PART_LABELS = {
    "goals": "Goals",
    "context": "Context",
    "deliverables": "Deliverables",
    "acceptance_criteria": "Acceptance criteria",
    "out_of_scope": "Out of scope",
    "constraints": "Constraints",
}
