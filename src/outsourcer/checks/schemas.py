from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from outsourcer.checks.report import AS_OF_MAX, AS_OF_MIN, finding_state
from outsourcer.checks.selectors import State
from outsourcer.core.timezones import today_in

SeverityName = Literal["error", "warning", "info"]
StageName = Literal["plan", "vet", "brief", "manage", "deliver", "money", "risk", "comply"]
FindingState = Literal["open", "snoozed", "dismissed", "resolved"]


class CheckRunIn(Schema):
    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = Field(
        None, ge=AS_OF_MIN, le=AS_OF_MAX, description="Check as of this day; default today in the workspace's zone."
    )


class ReportSubjectOut(Schema):
    kind: str
    ref: str = Field(description="The subject's bundle ref")
    label: str


class ReportFindingOut(Schema):
    rule: str
    severity: SeverityName
    subject: ReportSubjectOut
    message: str
    fix: str


class ReportSummaryOut(Schema):
    error: int
    warning: int
    info: int
    total: int = Field(description="Open findings")
    quiet: int = Field(description="Snoozed or dismissed, not listed")
    new: int = Field(description="Found by this run and not open before it")
    resolved: int = Field(description="Gone since the run before")


class CheckReportOut(Schema):
    workspace: str
    as_of: dt.date
    findings: list[ReportFindingOut]
    summary: ReportSummaryOut


class FindingFilter(Schema):
    state: State = "open"
    severity: SeverityName | None = None
    min_severity: SeverityName | None = None
    stage: StageName | None = None
    rule: str | None = Field(None, max_length=64, description="A rule id, e.g. plan/no-knowledge")


class SubjectOut(Schema):
    kind: str
    ref: str
    id: uuid.UUID | None
    label: str


class FindingOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    rule: str
    stage: str
    severity: SeverityName
    subject: SubjectOut
    message: str
    fix: str
    facts: dict[str, Any]
    first_seen: dt.datetime
    last_seen: dt.datetime
    resolved_at: dt.datetime | None
    snoozed_until: dt.date | None
    dismissed_at: dt.datetime | None
    dismiss_reason: str
    state: FindingState

    # The workspace comes with the finding (select_related), so these cost no query per row.

    @staticmethod
    def resolve_subject(obj: Any) -> dict[str, Any]:
        return {"kind": obj.subject_kind, "ref": obj.subject_ref, "id": obj.subject_uuid, "label": obj.subject_label}

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return finding_state(obj, today=today_in(obj.workspace.time_zone))


class SnoozeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    until: dt.date = Field(description="Quiet until this day (after today, at most a year ahead)")


class DismissIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="Why it does not apply, for the next person")


class ReopenIn(Schema):
    model_config = ConfigDict(extra="forbid")


class CheckCountsOut(Schema):
    error: int
    warning: int
    info: int
    total: int


class CheckRunOut(Schema):
    as_of: dt.date
    trigger: str
    counts: CheckCountsOut
    new: int
    resolved: int
    duration_ms: int
    created_at: dt.datetime

    @staticmethod
    def resolve_counts(obj: Any) -> dict[str, int]:
        return {"error": obj.errors, "warning": obj.warnings, "info": obj.infos, "total": obj.open_total}


class RuleOut(Schema):
    id: str
    stage: StageName
    severity: SeverityName
    levels: list[SeverityName]
    title: str
    checks: str
    why: str
    fix: str
    source: str
