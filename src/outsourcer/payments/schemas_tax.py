"""The shape of the 1099-NEC year-end report, as the API answers it and `outsourcer report 1099 --json`
prints it (both go through `TaxReportOut`). Amounts are US dollars as decimal strings ("2000.00")."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

ExclusionName = Literal["not_us_person", "us_status_unknown", "corporation", "processor_channel"]
W8StateName = Literal["current", "expiring", "expired", "undated", "missing"]


class TaxContractorOut(Schema):
    uuid: uuid.UUID
    ref: str
    name: str


class ExcludedOut(Schema):
    reason: ExclusionName
    amount: Decimal = Field(description="US dollars")
    text: str


class ForeignAmountOut(Schema):
    currency: str
    amount: Decimal = Field(description="in that currency: no FX rate to USD")


class W8Out(Schema):
    state: W8StateName
    kind: Literal["w8ben", "w8ben_e"] | None
    signed_on: dt.date | None
    expires_on: dt.date | None = Field(description="stated, else 31 December of the third year after signing")
    expiry_stated: bool
    days_left: int | None = Field(description="days from as_of to the expiry; negative once expired")
    text: str


class TaxPayeeOut(Schema):
    contractor: TaxContractorOut
    us_person: bool | None
    entity_type: str
    legal_services: bool | None
    payments: int = Field(description="paid invoices in the year, of every channel")
    reportable: Decimal = Field(description="box 1: nonemployee compensation, US dollars")
    withheld: Decimal = Field(description="box 4: backup withholding on reportable payments, US dollars")
    excluded: list[ExcludedOut]
    unconvertible: list[ForeignAmountOut] = Field(description="would count, but have no FX rate to USD")
    unconvertible_excluded: list[ForeignAmountOut]
    needs_form: bool | None = Field(description="null: cannot tell until an FX rate is added")
    why: str
    w9_on_file: bool
    tin_verified: bool | None
    papers_missing: list[str]
    w8: W8Out | None = Field(description="for payees who are not US persons")


class ThresholdOut(Schema):
    amount: Decimal = Field(description="US dollars; a total at least this much needs a form")
    known: bool = Field(description="false: indexed for inflation and not yet published; $2,000 is used")
    note: str
    source: str


class ExcludedTotalOut(ExcludedOut):
    pass


class TaxSummaryOut(Schema):
    payees: int
    forms: int
    cannot_tell: int
    nonemployee_compensation: Decimal
    federal_income_tax_withheld: Decimal
    missing_papers: int
    foreign_flagged: int = Field(description="foreign payees whose W-8BEN is missing, expired, expiring or undated")
    excluded: list[ExcludedTotalOut]
    unconvertible_invoices: int


class UnconvertibleInvoiceOut(Schema):
    ref: str
    number: str
    payee: str
    payee_ref: str
    paid_on: dt.date
    amount: Decimal
    currency: str
    channel: str


class TaxReportOut(Schema):
    workspace: str
    year: int
    form: Literal["1099-NEC"]
    currency: Literal["USD"]
    as_of: dt.date
    threshold: ThresholdOut
    deadline: dt.date = Field(description="31 January of the next year, moved to the next business day")
    deadline_note: str
    summary: TaxSummaryOut
    payees: list[TaxPayeeOut]
    unconvertible_invoices: list[UnconvertibleInvoiceOut] = Field(description="the first 200, oldest first")
