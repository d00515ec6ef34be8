"""The REST face of money: invoices and their path, what to pay and when, budgets, spend, the forecast and
the on-time rate. The CLI's `--json` goes through the same schemas.

Money travels as a decimal string with two places ("1200.00"), rounded half up where a sum or a
conversion made more; requests may send a string or a JSON number. Inside, it is `Decimal` throughout.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

from outsourcer.core.api_types import Day, Strict
from outsourcer.planning.schemas import REF_PATTERN, Money

InvoiceStatusName = Literal["received", "approved", "scheduled", "paid", "disputed", "void"]
ChannelName = Literal["ach", "wire", "check", "cash", "card", "paypal", "payment_app", "platform", "other"]
BudgetLevelName = Literal["ok", "warning", "over", "no-cap"]

CENT = Decimal("0.01")


def money_text(value: Decimal) -> str:
    """Two places, half up: "1200.00", "-35.50"."""
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):f}"


# Out: always a string with two places (an amount may be negative where it is a difference: what remains).
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(money_text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["1200.00"]}, mode="serialization"),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")]
Note = Annotated[str, Field(max_length=5000)]
Number = Annotated[str, Field(max_length=64, description="the contractor's own invoice number")]

# Query parameters, each at the path the caller knows ("$.status"), not under a schema's name.
InvoiceStatusQuery = Annotated[
    Literal["", "open", "received", "approved", "scheduled", "paid", "disputed", "void"],
    Field(description="only invoices with this status; `open` is received, approved or scheduled (still to pay)"),
]
EngagementQuery = Annotated[uuid.UUID | None, Field(description="only this engagement's (its id)")]
ContractorQuery = Annotated[uuid.UUID | None, Field(description="only this contractor's (their id)")]
StartQuery = Annotated[Day | None, Field(description="the first day paid; default: 1 January of `end`'s year")]
EndQuery = Annotated[Day | None, Field(description="the last day paid; default: today in the workspace")]


# --- Invoices --------------------------------------------------------------------------------------


class InvoiceCreateIn(Strict):
    """An invoice entered by the business. Its copy (a PDF or an image) is uploaded on the web page or
    in the contractor's portal: the API takes no file."""

    engagement: uuid.UUID = Field(description="the engagement's id; a running or completed one, never a draft")
    ref: str | None = Field(None, pattern=REF_PATTERN, description="made up when not given")
    number: Number = ""
    issued_on: Day | None = Field(None, description="the date on the invoice")
    received_on: Day | None = Field(None, description="when it reached you; payment terms count from here")
    amount: Money = Field(description="above zero, before any backup withholding")
    currency: Currency | None = Field(None, description="default: the engagement's")
    due_on: Day | None = Field(None, description="only when the invoice states one; otherwise it is computed")
    note: Note = ""
    milestone: uuid.UUID | None = Field(None, description="the id of the milestone of this engagement it bills")
    time_entries: list[uuid.UUID] = Field(
        default=[], max_length=500, description="ids of approved, unbilled time entries of this engagement it bills"
    )


class InvoicePatchIn(Strict):
    """Send only what changes. Only a received or disputed invoice changes (409 otherwise): an approved one
    is settled through its status. May be null to clear: `issued_on`, `received_on`, `due_on`, `milestone`."""

    ref: str | None = Field(None, pattern=REF_PATTERN)
    number: Number | None = None
    issued_on: Day | None = None
    received_on: Day | None = None
    amount: Money | None = None
    currency: Currency | None = None
    due_on: Day | None = None
    note: Note | None = None
    milestone: uuid.UUID | None = None


class InvoiceStatusIn(Strict):
    status: InvoiceStatusName
    note: Annotated[str, Field(max_length=2000)] = Field(
        "", description="needed to dispute (the contractor sees it); kept with the step otherwise"
    )
    paid_on: Day | None = Field(None, description="needed to pay: the day the money went out")
    channel: ChannelName | None = Field(
        None,
        description="needed to pay. card, paypal, payment_app and platform are reported by the processor (1099-K), "
        "never on a 1099-NEC",
    )
    backup_withholding: Money | None = Field(None, description="only when paying: tax withheld (24%) for a bad TIN")


class LawOut(Schema):
    id: str
    name: str
    citation: str
    payment_days_after_completion: int


class InvoiceOut(Schema):
    id: uuid.UUID
    ref: str
    number: str
    engagement: uuid.UUID
    engagement_ref: str
    engagement_title: str
    contractor: uuid.UUID
    contractor_ref: str
    contractor_name: str
    milestone: uuid.UUID | None
    milestone_ref: str | None
    issued_on: dt.date | None
    received_on: dt.date | None
    amount: MoneyOut
    currency: str
    due_on: dt.date | None = Field(description="the due date the invoice states; null when it states none")
    due_on_effective: dt.date | None = Field(
        description="when it is due: the stated date, else computed from the terms and any law; null with no "
        "date to count from"
    )
    due_basis: str = Field(description="where the effective due date comes from, in words")
    due_capped: bool = Field(description="a freelancer-protection law moved it earlier than the terms would")
    laws: list[LawOut] = Field(description="the freelancer-protection laws that cover it")
    days_overdue: int | None = Field(
        description="days past the effective due date while not paid or void (0 when not yet due or with no "
        "date); null once paid or void"
    )
    paid_on_time: bool | None = Field(description="for a paid invoice: paid by its due date; null otherwise")
    status: InvoiceStatusName
    paid_on: dt.date | None
    channel: ChannelName | None
    backup_withholding: MoneyOut | None
    note: str
    from_portal: bool = Field(description="submitted by the contractor in the portal")
    file_name: str | None = Field(description="the uploaded copy's name; null when none was uploaded")
    created_at: dt.datetime
    updated_at: dt.datetime


class InvoiceEventOut(Schema):
    from_status: InvoiceStatusName | None = Field(description="null for the first step: the invoice arriving")
    to_status: InvoiceStatusName
    at: dt.datetime
    by: str = Field(description="who took the step")
    note: str


class TimeEntryRefOut(Schema):
    id: uuid.UUID
    worked_on: dt.date
    hours: Decimal


class InvoiceDetailOut(InvoiceOut):
    next_statuses: list[InvoiceStatusName] = Field(description="where its path may go from here")
    time_entries: list[TimeEntryRefOut] = Field(description="the approved hours it bills")
    events: list[InvoiceEventOut] = Field(description="every step of its path, oldest first, with who took it")


# --- Budgets, spend, forecast, on-time ---------------------------------------------------------------


class BurnOut(Schema):
    month: dt.date = Field(description="the first of the month")
    committed: MoneyOut = Field(description="committed invoices so far, cumulative, in the engagement's currency")


class UnconvertibleInvoiceOut(Schema):
    ref: str
    amount: MoneyOut
    currency: str


class BudgetOut(Schema):
    engagement: uuid.UUID
    engagement_ref: str
    engagement_title: str
    currency: str = Field(description="the engagement's currency: every amount here is in it")
    cap: MoneyOut | None = Field(description="the budget cap; null without one")
    invoiced: MoneyOut = Field(description="approved, scheduled and paid invoices")
    unbilled_time: MoneyOut = Field(description="approved hours no invoice bills yet, at the hourly rate")
    committed: MoneyOut = Field(description="invoiced plus unbilled time")
    percent: int | None = Field(description="committed as a share of the cap, rounded half up; null without a cap")
    remaining: MoneyOut | None = Field(description="the cap less committed (negative when over); null without a cap")
    level: BudgetLevelName = Field(description="against the workspace's budget alert percent")
    alert_percent: int = Field(description="the workspace's budget alert threshold, in percent")
    burn: list[BurnOut] = Field(description="by the month invoices were received (or issued), oldest first")
    unconvertible: list[UnconvertibleInvoiceOut] = Field(
        description="committed invoices in a currency with no FX rate: left out of the totals above"
    )


class AmountByOut(Schema):
    key: str
    amount: MoneyOut


class MonthAmountOut(Schema):
    month: dt.date = Field(description="the first of the month")
    amount: MoneyOut


class ForeignAmountOut(Schema):
    currency: str
    amount: MoneyOut = Field(description="in that currency: no FX rate to the base currency")


class SpendOut(Schema):
    start: dt.date
    end: dt.date
    currency: str = Field(description="the workspace's base currency: every total is in it")
    total: MoneyOut
    by_contractor: list[AmountByOut] = Field(description="by contractor name")
    by_month: list[MonthAmountOut]
    by_category: list[AmountByOut] = Field(description="an engagement's category is its first linked task's")
    unconvertible: list[ForeignAmountOut] = Field(description="paid in a currency with no FX rate: left out")


class ObligationOut(Schema):
    engagement: uuid.UUID
    engagement_ref: str
    engagement_title: str
    contractor_name: str
    end_on: dt.date | None
    monthly: MoneyOut | None = Field(description="a month, in the base currency; null when it cannot be converted")
    basis: str


class ForecastOut(Schema):
    as_of: dt.date
    currency: str = Field(description="the workspace's base currency")
    next_3_months: MoneyOut
    next_12_months: MoneyOut
    obligations: list[ObligationOut] = Field(description="running retainers and ongoing hourly work")


class OnTimeMonthOut(Schema):
    month: dt.date = Field(description="the first of the month")
    paid: int
    on_time: int
    percent: int | None = Field(description="paid by the due date, in percent; null when nothing was paid")


class OnTimeOut(Schema):
    as_of: dt.date
    window_days: int = Field(description="the rate's window: paid in the last this many days")
    paid: int
    on_time: int
    percent: int | None = Field(description="the on-time rate over the window, in percent; null when none paid")
    months: list[OnTimeMonthOut] = Field(description="the last 12 months, the current one last")


# --- The contractor portal ---------------------------------------------------------------------------


class PortalInvoiceIn(Strict):
    """An invoice the contractor submits: dated received today in the workspace, its ref made up. The copy
    (a PDF or an image) is uploaded on the portal's page: the API takes no file."""

    number: Number = ""
    issued_on: Day | None = Field(None, description="the date on your invoice")
    amount: Money = Field(description="above zero")
    currency: Currency | None = Field(None, description="default: the engagement's")
    due_on: Day | None = Field(None, description="only when your invoice states one (a law may make it earlier)")
    note: Note = ""
    milestone: uuid.UUID | None = Field(None, description="the id of the milestone of this engagement it bills")


class PortalInvoiceOut(Schema):
    id: uuid.UUID
    ref: str
    number: str
    engagement: uuid.UUID
    engagement_ref: str
    engagement_title: str
    milestone: uuid.UUID | None
    milestone_title: str | None
    issued_on: dt.date | None
    received_on: dt.date | None
    amount: MoneyOut
    currency: str
    status: InvoiceStatusName
    due_on_effective: dt.date | None = Field(description="when it is due; null with no date to count from")
    due_basis: str = Field(description="where the due date comes from, in words")
    days_overdue: int | None = Field(description="days past due while unpaid; null once paid or void")
    paid_on: dt.date | None
    backup_withholding: MoneyOut | None
    dispute_reason: str | None = Field(description="why it is disputed, while it is")
    from_portal: bool = Field(description="submitted by you in the portal (else entered by the business)")
    file_name: str | None
