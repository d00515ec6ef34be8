"""Validating a workspace bundle in full before anything is stored.

First the JSON Schema (our public contract, `schema/bundle.schema.json`), then what a schema cannot
say: IANA zones that exist, refs unique in their list (milestone refs across the bundle) and pointing
at items of the bundle, dates in order, reviews that answer each acceptance criterion of their brief,
sections (and engagement parts) this version can store, invoices that bill their own engagement's
milestones and approved time, risks of the bundle's own engagements and contractors, access granted
before it expires or is revoked, an exit plan that hands over to someone other than its own
contractor, an assessment with its date. Every problem is reported with its JSON path,
so a user can fix a whole file in one pass.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError as SchemaError

from outsourcer.accounts.settings_rules import RATE_RE, fx_rate_problem
from outsourcer.core.api_types import DAY_MAX, DAY_MIN
from outsourcer.core.timezones import is_iana_zone

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "bundle.schema.json"
BUNDLE_FORMAT = "outsourcer-bundle"
BUNDLE_VERSION = 1

ALL_SECTIONS = ("workspace", "tasks", "contractors", "customer_commitments", "engagements", "invoices", "risks")
# Sections this version stores. A section the schema gains before Outsourcer can keep it is left out
# here, and refused when not empty, so nothing is silently dropped.
SUPPORTED_SECTIONS: frozenset[str] = frozenset(ALL_SECTIONS)
# Parts of an engagement the schema defines but this version has nowhere to keep: refused when not
# empty, as above. Every part is stored today.
ENGAGEMENT_UNSTORED: tuple[str, ...] = ()
# How an exit plan's `handover_to` says the work comes back in-house (any case); a contractor's ref
# names that contractor, anything else a person.
IN_HOUSE_WORDS = ("in-house", "in_house")
# What the brief's editor accepts, so an imported brief stays editable.
BRIEF_MAX_ITEMS = 100
# A promise's buffer, as the commitment stores it.
BUFFER_DAYS_MAX = 365
# Rate figures as the engagement stores them (two decimals) and their ceilings.
RATE_NUMBERS = {
    "weekly_hour_cap": Decimal(168),
    "retainer_included_hours": Decimal("99999.99"),
    "commission_percent": Decimal(100),
}


@dataclass(frozen=True, order=True)
class BundleError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class BundleInvalid(Exception):
    def __init__(self, errors: list[BundleError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the bundle")


@cache
def bundle_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


_FORMAT = Draft202012Validator.VALIDATORS["format"]


def _format_and_range(validator: Any, format: Any, instance: Any, schema: Any) -> Iterator[SchemaError]:
    """The schema's `format`, and for every date of the bundle the range every face takes (as the API's
    `Day`), so that no date sum made from an imported date can overflow."""
    yield from _FORMAT(validator, format, instance, schema)
    day = _date(instance) if format == "date" else None
    if day is not None and not DAY_MIN <= day <= DAY_MAX:
        yield SchemaError(
            f"{_short(instance)} is out of range: give a date from {DAY_MIN} to {DAY_MAX}", validator="date-range"
        )


_BundleValidator = validators.extend(Draft202012Validator, {"format": _format_and_range})


@cache
def _validator() -> Any:
    return _BundleValidator(bundle_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _schema_errors(document: Any) -> list[BundleError]:
    errors: list[BundleError] = []
    for error in _validator().iter_errors(document):
        errors.extend(_explain(error))
    return errors


def _explain(error: SchemaError) -> list[BundleError]:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extras = sorted(k for k in error.instance if k not in allowed)
        return [BundleError(json_path([*path, key]), "unknown key (not part of the bundle format)") for key in extras]
    if error.validator in {"oneOf", "anyOf"} and error.context:
        # The deepest sub-error says the most; a list of every branch says nothing.
        best = max(error.context, key=lambda e: len(list(e.absolute_path)))
        return _explain(best)
    message = error.message
    if error.validator == "type":
        message = f"expected {error.validator_value}, got {type(error.instance).__name__}: {_short(error.instance)}"
    elif error.validator == "required":
        message = error.message.replace("is a required property", "is required")
    elif error.validator in {"pattern", "format", "enum", "const"}:
        message = f"{_short(error.instance)} is not valid here ({_rule(error)})"
    return [BundleError(json_path(path), message)]


def _rule(error: SchemaError) -> str:
    if error.validator == "enum":
        return "one of " + ", ".join(json.dumps(v) for v in error.validator_value)
    if error.validator == "const":
        return f"must be {json.dumps(error.validator_value)}"
    if error.validator == "pattern" and error.schema.get("description"):
        return f"{error.schema['description']}; must match {error.validator_value}"
    if error.validator == "format":
        return (
            f"must be a {error.validator_value}, e.g. 2026-01-31"
            if error.validator_value == "date"
            else str(error.validator_value)
        )
    return f"must match {error.validator_value}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _zone_errors(document: dict[str, Any]) -> list[BundleError]:
    errors = []

    def check(hours: Any, path: list[Any]) -> None:
        if isinstance(hours, dict) and isinstance(hours.get("timezone"), str):
            name = hours["timezone"]
            if not is_iana_zone(name):
                errors.append(
                    BundleError(
                        json_path([*path, "timezone"]), f"{name!r} is not a known IANA time zone (e.g. Europe/Berlin)"
                    )
                )

    check(document.get("workspace", {}).get("working_hours"), ["workspace", "working_hours"])
    for i, contractor in enumerate(document.get("contractors") or []):
        if isinstance(contractor, dict):
            check(contractor.get("working_hours"), ["contractors", i, "working_hours"])
    return errors


def _fx_errors(document: dict[str, Any]) -> list[BundleError]:
    rates = document.get("workspace", {}).get("fx_rates")
    if not isinstance(rates, dict):
        return []
    return [
        BundleError(json_path(["workspace", "fx_rates", code]), problem)
        for code, rate in rates.items()
        # A rate that breaks the schema's pattern is already reported; judge only the rest.
        if isinstance(rate, str) and (problem := fx_rate_problem(code, rate if RATE_RE.match(rate) else "1"))
    ]


def _nul_errors(value: Any, path: list[Any]) -> list[BundleError]:
    """NUL is valid JSON, but no database text column takes it."""
    if isinstance(value, str):
        if "\x00" not in value:
            return []
        return [BundleError(json_path(path), "text must not contain NUL (\\u0000) characters")]
    if isinstance(value, dict):
        found = [BundleError(json_path(path), "keys must not contain NUL characters") for k in value if "\x00" in k]
        return found + [e for k, v in value.items() for e in _nul_errors(v, [*path, k])]
    if isinstance(value, list):
        return [e for i, v in enumerate(value) for e in _nul_errors(v, [*path, i])]
    return []


def _ref_errors(document: dict[str, Any]) -> list[BundleError]:
    errors = []
    for section in ALL_SECTIONS[1:]:
        seen: dict[str, int] = {}
        items = document.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            ref = item.get("ref") if isinstance(item, dict) else None
            if not isinstance(ref, str):
                continue
            if ref in seen:
                errors.append(
                    BundleError(
                        json_path([section, i, "ref"]),
                        f"ref {ref!r} is already used by {json_path([section, seen[ref]])}",
                    )
                )
            else:
                seen[ref] = i
    # Milestones are named across the whole workspace, not within their engagement.
    milestones: dict[str, list[Any]] = {}
    for i, engagement in _items(document, "engagements"):
        for j, milestone in _list(engagement, "milestones"):
            ref = milestone.get("ref")
            if not isinstance(ref, str):
                continue
            path = ["engagements", i, "milestones", j]
            if ref in milestones:
                errors.append(
                    BundleError(
                        json_path([*path, "ref"]), f"ref {ref!r} is already used by {json_path(milestones[ref])}"
                    )
                )
            else:
                milestones[ref] = path
    return errors


def _task_errors(document: dict[str, Any]) -> list[BundleError]:
    """Hours are stored to the hundredth; a value finer than that would not come back the same."""
    errors = []
    for i, task in enumerate(document.get("tasks") or []):
        hours = task.get("hours_per_month") if isinstance(task, dict) else None
        if isinstance(hours, int | float) and not isinstance(hours, bool):
            exponent = Decimal(str(hours)).as_tuple().exponent
            if isinstance(exponent, int) and exponent < -2:
                errors.append(BundleError(json_path(["tasks", i, "hours_per_month"]), "use at most two decimals"))
    return errors


def _unsupported_sections(document: dict[str, Any]) -> list[BundleError]:
    errors = []
    for section in ALL_SECTIONS:
        if section in SUPPORTED_SECTIONS or section not in document:
            continue
        if document[section]:
            errors.append(
                BundleError(
                    json_path([section]),
                    f"this version of Outsourcer cannot store {section!r} yet; nothing was imported. "
                    "Remove the section or use a version that supports it.",
                )
            )
    return errors


def _items(document: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a list section with their index; the schema reports anything else."""
    found = document.get(section)
    return [(i, item) for i, item in enumerate(found) if isinstance(item, dict)] if isinstance(found, list) else []


def _list(item: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a list inside an item, with their index."""
    return _items(item, key)


def _number(value: Any) -> Decimal | None:
    """A JSON number as a Decimal, or None for anything else (the schema reports it)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return None


def _finer_than_hundredths(number: Decimal) -> bool:
    exponent = number.as_tuple().exponent
    return isinstance(exponent, int) and exponent < -2


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None  # the schema's format check reports it


def _unstored_engagement_parts(document: dict[str, Any]) -> list[BundleError]:
    errors = [
        BundleError(
            json_path(["engagements", i, key]),
            f"this version of Outsourcer cannot store an engagement's {key!r} yet; nothing was imported. "
            "Remove it or use a version that supports it.",
        )
        for i, engagement in _items(document, "engagements")
        for key in ENGAGEMENT_UNSTORED
        if engagement.get(key) not in (None, "", [], {})
    ]
    return errors


def _link_errors(document: dict[str, Any]) -> list[BundleError]:
    """Every ref an engagement gives must name an item of this bundle."""
    contractors = {c.get("ref") for _, c in _items(document, "contractors")}
    tasks = {t.get("ref") for _, t in _items(document, "tasks")}
    commitments = {c.get("ref") for _, c in _items(document, "customer_commitments")}
    errors = []
    for i, engagement in _items(document, "engagements"):
        ref = engagement.get("customer_commitment_ref")
        if isinstance(ref, str) and ref not in commitments:
            errors.append(
                BundleError(
                    json_path(["engagements", i, "customer_commitment_ref"]),
                    f"no customer commitment in the bundle has the ref {ref!r}",
                )
            )
        ref = engagement.get("contractor_ref")
        if isinstance(ref, str) and ref not in contractors:
            errors.append(
                BundleError(
                    json_path(["engagements", i, "contractor_ref"]), f"no contractor in the bundle has the ref {ref!r}"
                )
            )
        task_refs = engagement.get("task_refs")
        for j, task in enumerate(task_refs if isinstance(task_refs, list) else []):
            if isinstance(task, str) and task not in tasks:
                errors.append(
                    BundleError(
                        json_path(["engagements", i, "task_refs", j]), f"no task in the bundle has the ref {task!r}"
                    )
                )
    return errors


def _date_order_errors(document: dict[str, Any]) -> list[BundleError]:
    errors = []
    for i, engagement in _items(document, "engagements"):
        start, end = _date(engagement.get("start_on")), _date(engagement.get("end_on"))
        if start and end and end < start:
            errors.append(BundleError(json_path(["engagements", i, "end_on"]), f"ends before it starts ({start})"))
    for i, contractor in _items(document, "contractors"):
        documents = contractor.get("documents")
        for j, item in enumerate(documents if isinstance(documents, list) else []):
            if not isinstance(item, dict):
                continue
            signed, expires = _date(item.get("signed_on")), _date(item.get("expires_on"))
            if signed and expires and expires < signed:
                errors.append(
                    BundleError(
                        json_path(["contractors", i, "documents", j, "expires_on"]),
                        f"expires before it was signed ({signed})",
                    )
                )
    return errors


def _contractor_errors(document: dict[str, Any]) -> list[BundleError]:
    """What the directory refuses and the schema cannot say, so an imported contractor stays editable."""
    errors = []
    for i, contractor in _items(document, "contractors"):
        email = contractor.get("email")
        if isinstance(email, str) and email:
            try:
                validate_email(email.strip())  # stored stripped, as the directory does
            except ValidationError:
                errors.append(
                    BundleError(json_path(["contractors", i, "email"]), f"{_short(email)} is not an email address")
                )
        skills = contractor.get("skills")
        for j, skill in enumerate(skills if isinstance(skills, list) else []):
            if isinstance(skill, str) and any(ch in skill for ch in "\n\r\t"):
                errors.append(BundleError(json_path(["contractors", i, "skills", j]), "a skill is one line of text"))
        if contractor.get("hourly_rate") is not None and "currency" not in contractor:
            errors.append(
                BundleError(json_path(["contractors", i, "currency"]), "say which currency the hourly rate is in")
            )
        hours = contractor.get("working_hours")
        if isinstance(hours, dict) and isinstance(hours.get("start"), str) and hours.get("start") == hours.get("end"):
            errors.append(
                BundleError(
                    json_path(["contractors", i, "working_hours", "end"]),
                    "the working day must end at another time than it starts",
                )
            )
    return errors


def _engagement_errors(document: dict[str, Any]) -> list[BundleError]:
    errors = []
    for i, engagement in _items(document, "engagements"):
        rate = engagement.get("rate")
        if not isinstance(rate, dict):
            continue
        for key, ceiling in RATE_NUMBERS.items():
            number = _number(rate.get(key))
            if number is None:
                continue
            if _finer_than_hundredths(number):
                errors.append(BundleError(json_path(["engagements", i, "rate", key]), "use at most two decimals"))
            elif number > ceiling:
                errors.append(BundleError(json_path(["engagements", i, "rate", key]), f"must be at most {ceiling}"))
        if rate.get("model") == "commission" and rate.get("commission_percent") is None:
            errors.append(
                BundleError(
                    json_path(["engagements", i, "rate", "commission_percent"]), "a commission needs its percentage"
                )
            )
    return errors


def criteria_count(brief: Any) -> int:
    """The acceptance criteria a brief holds, as the brief stores them (blank lines dropped)."""
    criteria = brief.get("acceptance_criteria") if isinstance(brief, dict) else None
    return len([c for c in criteria if isinstance(c, str) and c.strip()]) if isinstance(criteria, list) else 0


def _brief_errors(i: int, brief: Any) -> list[BundleError]:
    if not isinstance(brief, dict):
        return []
    errors = []
    for key in ("deliverables", "acceptance_criteria"):
        items = brief.get(key)
        if isinstance(items, list) and len(items) > BRIEF_MAX_ITEMS:
            errors.append(BundleError(json_path(["engagements", i, "brief", key]), f"at most {BRIEF_MAX_ITEMS} items"))
    return errors


def _review_errors(path: list[Any], review: dict[str, Any], criteria: int) -> list[BundleError]:
    """A review answers each of the brief's criteria, in order; an acceptance leaves none unmet."""
    met = review.get("criteria_met")
    if not isinstance(met, list):
        return []
    if len(met) != criteria:
        answers = f"{len(met)} answer{'s' if len(met) != 1 else ''}"
        return [
            BundleError(
                json_path([*path, "criteria_met"]),
                f"{answers} for the brief's {criteria} acceptance criteri{'on' if criteria == 1 else 'a'}: give one "
                "true or false per criterion, in the brief's order",
            )
        ]
    if review.get("decision") == "accepted" and False in met:
        return [
            BundleError(
                json_path([*path, "criteria_met", met.index(False)]),
                "an accepted review cannot leave a criterion unmet; request a revision instead",
            )
        ]
    return []


def _work_errors(document: dict[str, Any]) -> list[BundleError]:
    """What the schema cannot say about briefs, plans, milestones, reviews and time, so it stores as written."""
    errors = []
    for i, engagement in _items(document, "engagements"):
        brief = engagement.get("brief")
        errors += _brief_errors(i, brief)
        criteria = criteria_count(brief)
        communication = engagement.get("communication")
        overlap = _number(communication.get("needs_overlap_hours")) if isinstance(communication, dict) else None
        if overlap is not None and _finer_than_hundredths(overlap):
            errors.append(
                BundleError(
                    json_path(["engagements", i, "communication", "needs_overlap_hours"]), "use at most two decimals"
                )
            )
        for j, milestone in _list(engagement, "milestones"):
            path = ["engagements", i, "milestones", j]
            if milestone.get("submission_text") not in (None, "") and "submitted_on" not in milestone:
                errors.append(
                    BundleError(json_path([*path, "submitted_on"]), "submitted text needs the date it was submitted")
                )
            for k, review in _list(milestone, "reviews"):
                errors += _review_errors([*path, "reviews", k], review, criteria)
        for j, entry in _list(engagement, "time_entries"):
            hours = _number(entry.get("hours"))
            if hours is not None and _finer_than_hundredths(hours):
                errors.append(
                    BundleError(json_path(["engagements", i, "time_entries", j, "hours"]), "use at most two decimals")
                )
    for i, commitment in _items(document, "customer_commitments"):
        buffer = commitment.get("buffer_days")
        if isinstance(buffer, int) and not isinstance(buffer, bool) and buffer > BUFFER_DAYS_MAX:
            errors.append(
                BundleError(json_path(["customer_commitments", i, "buffer_days"]), f"must be at most {BUFFER_DAYS_MAX}")
            )
    return errors


def _money(value: Any) -> Decimal | None:
    """A money string as a Decimal, or None (the schema reports anything else)."""
    if not isinstance(value, str):
        return None
    try:
        return Decimal(value)
    except ArithmeticError:
        return None


PAID_ONLY = ("paid_on", "channel", "backup_withholding")
INVOICE_STATUSES = ("received", "approved", "scheduled", "paid", "disputed", "void")


def _one_invoice_errors(path: list[Any], invoice: dict[str, Any]) -> list[BundleError]:
    """What an invoice says about itself: its amount, its payment and its dates, as the payments app checks them."""
    errors = []
    total = _money(invoice.get("amount"))
    if total is not None and total <= 0:
        errors.append(BundleError(json_path([*path, "amount"]), "an invoice is for an amount above zero"))
    withheld = _money(invoice.get("backup_withholding"))
    if withheld is not None and total is not None and withheld > total:
        errors.append(
            BundleError(json_path([*path, "backup_withholding"]), "backup withholding cannot exceed the invoice")
        )
    if invoice.get("status") == "paid":
        if "paid_on" not in invoice:
            errors.append(BundleError(json_path([*path, "paid_on"]), "a paid invoice needs the day it was paid"))
        if "channel" not in invoice:
            errors.append(
                BundleError(
                    json_path([*path, "channel"]),
                    "a paid invoice needs how it was paid (it decides what goes on a 1099-NEC)",
                )
            )
    elif invoice.get("status") in INVOICE_STATUSES:
        errors += [
            BundleError(json_path([*path, key]), f"only a paid invoice has {key!r} (this one is {invoice['status']})")
            for key in PAID_ONLY
            if key in invoice
        ]
    issued, received = _date(invoice.get("issued_on")), _date(invoice.get("received_on"))
    due, paid = _date(invoice.get("due_on")), _date(invoice.get("paid_on"))
    if issued and received and received < issued:
        errors.append(BundleError(json_path([*path, "received_on"]), f"received before it was issued ({issued})"))
    dated = issued or received
    if due and dated and due < dated:
        errors.append(BundleError(json_path([*path, "due_on"]), f"due before the invoice's date ({dated})"))
    if paid and issued and paid < issued:
        errors.append(BundleError(json_path([*path, "paid_on"]), f"paid before it was issued ({issued})"))
    return errors


def _invoice_errors(document: dict[str, Any]) -> list[BundleError]:
    """Invoices name an engagement of the bundle (not a draft) and, when they bill one, a milestone of that
    engagement; a time entry's `invoice_ref` names an invoice of its own engagement, and only approved time
    is billed."""
    engagements = {e.get("ref"): e for _, e in _items(document, "engagements") if isinstance(e.get("ref"), str)}
    milestone_owner = {
        m.get("ref"): ref for ref, e in engagements.items() for _, m in _list(e, "milestones") if m.get("ref")
    }
    invoices: dict[str, str | None] = {}  # invoice ref -> its engagement ref
    errors = []
    for i, invoice in _items(document, "invoices"):
        path: list[Any] = ["invoices", i]
        errors += _one_invoice_errors(path, invoice)
        ref, engagement_ref = invoice.get("ref"), invoice.get("engagement_ref")
        if isinstance(ref, str):  # its engagement when that is one of the bundle's (else reported below)
            invoices.setdefault(ref, engagement_ref if engagement_ref in engagements else None)
        if not isinstance(engagement_ref, str):
            continue
        engagement = engagements.get(engagement_ref)
        if engagement is None:
            errors.append(
                BundleError(
                    json_path([*path, "engagement_ref"]), f"no engagement in the bundle has the ref {engagement_ref!r}"
                )
            )
        elif engagement.get("status") == "draft":
            errors.append(
                BundleError(
                    json_path([*path, "engagement_ref"]),
                    f"engagement {engagement_ref!r} is a draft: it has nothing to invoice yet",
                )
            )
        milestone = invoice.get("milestone_ref")
        if not isinstance(milestone, str) or engagement is None:
            continue
        owner = milestone_owner.get(milestone)
        if owner is None:
            errors.append(
                BundleError(
                    json_path([*path, "milestone_ref"]), f"no milestone in the bundle has the ref {milestone!r}"
                )
            )
        elif owner != engagement_ref:
            errors.append(
                BundleError(
                    json_path([*path, "milestone_ref"]),
                    f"milestone {milestone!r} belongs to engagement {owner!r}, not to {engagement_ref!r}",
                )
            )
    for i, engagement in _items(document, "engagements"):
        for j, entry in _list(engagement, "time_entries"):
            ref = entry.get("invoice_ref")
            if not isinstance(ref, str):
                continue
            path = ["engagements", i, "time_entries", j, "invoice_ref"]
            if ref not in invoices:
                errors.append(BundleError(json_path(path), f"no invoice in the bundle has the ref {ref!r}"))
            elif invoices[ref] is not None and invoices[ref] != engagement.get("ref"):
                errors.append(
                    BundleError(json_path(path), f"invoice {ref!r} bills engagement {invoices[ref]!r}, not this one")
                )
            status = entry.get("status", "draft")
            if isinstance(status, str) and status != "approved":
                errors.append(BundleError(json_path(path), f"only approved time can be billed; this entry is {status}"))
    return errors


def handover_of(value: Any, contractor_refs: Any) -> tuple[str, str]:
    """What an exit plan's `handover_to` names: ("in_house", ""), ("contractor", ref), ("person", name),
    or ("", "") when it names no one. The name is trimmed; a contractor's ref is matched exactly."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return "", ""
    if text.lower() in IN_HOUSE_WORDS:
        return "in_house", ""
    if text in contractor_refs:
        return "contractor", text
    return "person", text


def _blank(item: dict[str, Any], key: str) -> bool:
    value = item.get(key)
    return isinstance(value, str) and not value.strip()


def _risk_errors(document: dict[str, Any]) -> list[BundleError]:
    """A risk names an engagement and a contractor of the bundle; when it names both, the engagement's own."""
    contractors = {c.get("ref") for _, c in _items(document, "contractors")}
    engagements = {e.get("ref"): e for _, e in _items(document, "engagements") if isinstance(e.get("ref"), str)}
    errors = []
    for i, risk in _items(document, "risks"):
        path: list[Any] = ["risks", i]
        if _blank(risk, "title"):
            errors.append(BundleError(json_path([*path, "title"]), "a risk needs a title"))
        engagement_ref, contractor_ref = risk.get("engagement_ref"), risk.get("contractor_ref")
        engagement = engagements.get(engagement_ref) if isinstance(engagement_ref, str) else None
        if isinstance(engagement_ref, str) and engagement is None:
            errors.append(
                BundleError(
                    json_path([*path, "engagement_ref"]), f"no engagement in the bundle has the ref {engagement_ref!r}"
                )
            )
        if not isinstance(contractor_ref, str):
            continue
        if contractor_ref not in contractors:
            errors.append(
                BundleError(
                    json_path([*path, "contractor_ref"]), f"no contractor in the bundle has the ref {contractor_ref!r}"
                )
            )
        elif engagement is not None and engagement.get("contractor_ref") != contractor_ref:
            errors.append(
                BundleError(
                    json_path([*path, "contractor_ref"]),
                    f"engagement {engagement_ref!r} is with {engagement.get('contractor_ref')!r}, not "
                    f"{contractor_ref!r}: give the engagement's contractor, or only one of the two",
                )
            )
    return errors


def _safeguard_errors(document: dict[str, Any]) -> list[BundleError]:
    """An engagement's exit plan, access grants and assessment, as the risk and compliance pages keep them."""
    contractors = {c.get("ref") for _, c in _items(document, "contractors")}
    errors = []
    for i, engagement in _items(document, "engagements"):
        path: list[Any] = ["engagements", i]
        plan = engagement.get("exit_plan")
        if isinstance(plan, dict):
            kind, ref = handover_of(plan.get("handover_to"), contractors)
            if kind == "contractor" and ref == engagement.get("contractor_ref"):
                errors.append(
                    BundleError(
                        json_path([*path, "exit_plan", "handover_to"]),
                        f"{ref!r} is this engagement's own contractor: name who would take the work over instead",
                    )
                )
        for j, grant in _list(engagement, "access_grants"):
            at = [*path, "access_grants", j]
            if _blank(grant, "system"):
                errors.append(BundleError(json_path([*at, "system"]), "name the system the access is to"))
            granted = _date(grant.get("granted_on"))
            for key, word in (("expires_on", "expires"), ("revoked_on", "is revoked")):
                day = _date(grant.get(key))
                if granted and day and day < granted:
                    errors.append(BundleError(json_path([*at, key]), f"{word} before it was granted ({granted})"))
        assessment = engagement.get("classification")
        if isinstance(assessment, dict) and assessment and "assessed_on" not in assessment:
            errors.append(
                BundleError(
                    json_path([*path, "classification", "assessed_on"]),
                    "an assessment needs the day it was made",
                )
            )
    return errors


def bundle_validate(document: Any) -> list[BundleError]:
    """Every problem in the document, sorted by path; an empty list means it can be imported."""
    errors = _schema_errors(document)
    if isinstance(document, dict):
        errors += _zone_errors(document) + _fx_errors(document) + _ref_errors(document) + _nul_errors(document, [])
        errors += _unsupported_sections(document) + _task_errors(document) + _unstored_engagement_parts(document)
        errors += _link_errors(document) + _date_order_errors(document) + _contractor_errors(document)
        errors += _engagement_errors(document) + _work_errors(document) + _invoice_errors(document)
        errors += _risk_errors(document) + _safeguard_errors(document)
    return sorted(set(errors))


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a number JSON allows", name, 0)


def bundle_parse(raw: bytes | str, *, max_bytes: int) -> dict[str, Any]:
    """Decode a bundle file; a file that is not JSON is one error at `$`."""
    if len(raw) > max_bytes:
        raise BundleInvalid([BundleError("$", f"the file is larger than {max_bytes // (1024 * 1024)} MiB")])
    try:
        document = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise BundleInvalid([BundleError("$", "the document is nested too deeply")]) from exc
    except UnicodeDecodeError as exc:
        raise BundleInvalid([BundleError("$", "the file is not UTF-8 text")]) from exc
    except json.JSONDecodeError as exc:
        raise BundleInvalid(
            [BundleError("$", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
        ) from exc
    errors = bundle_validate(document)
    if errors:
        raise BundleInvalid(errors)
    assert isinstance(document, dict)  # the schema's top level is an object
    return document
