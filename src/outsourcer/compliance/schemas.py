"""Request and response bodies of the agreements API."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from outsourcer.core.api_types import Line, Strict, Text
from outsourcer.payments.schemas import MoneyOut

Address = Annotated[str, Field(max_length=1000)]
Phone = Annotated[str, Field(max_length=50)]
Email = Annotated[str, Field(max_length=254, description="an email address, or empty")]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class AgreementIn(Strict):
    """The terms to save. A field left out keeps its value (for an agreement not saved yet, the value drafted
    from the workspace, the contractor and the engagement); null is taken only where it means "not set"."""

    business_name: Line | None = None
    business_address: Address | None = Field(None, description="the business's mailing address")
    business_email: Email | None = None
    business_phone: Phone | None = None
    contractor_name: Line | None = None
    contractor_address: Address | None = Field(None, description="the contractor's mailing address")
    contractor_email: Email | None = None
    contractor_phone: Phone | None = None
    services: Text | None = Field(None, description="one service a line; empty: the brief's deliverables")
    total_value: Money | None = Field(None, description="null: the engagement's budget cap")
    payment_days: Annotated[int, Field(ge=0, le=120)] | None = Field(
        None, description="days after receiving an invoice; null: the engagement's payment terms"
    )
    invoice_deadline_days: Annotated[int, Field(ge=1, le=120)] | None = Field(
        None, description="days after completing the work by which the contractor invoices"
    )
    termination_notice_days: Annotated[int, Field(ge=0, le=365)] | None = None
    governing_law: Line | None = None
    extra_terms: Text | None = None
    independent_contractor_clause: bool | None = None
    ip_assignment: bool | None = None
    confidentiality: bool | None = None
    payment_date_stated: bool | None = None
    termination_clause: bool | None = None


# Fields that may be sent as null to mean "not set" (the others: null or absent means "keep").
NULLABLE = frozenset({"total_value", "payment_days"})


class EngagementRefOut(Schema):
    id: uuid.UUID
    ref: str
    title: str


class PartyOut(Schema):
    name: str
    address: str
    email: str
    phone: str


class ItemOut(Schema):
    text: str
    amount: MoneyOut | None
    due_on: dt.date | None


class TermsOut(Schema):
    business: PartyOut
    contractor: PartyOut
    services: list[ItemOut] = Field(description="the itemised services as printed")
    services_source: Literal["agreement", "brief", "title"]
    services_text: str = Field(description="the services as saved, one a line; empty: taken from the brief")
    currency: str
    value: MoneyOut | None = Field(description="the value printed; null when not known")
    value_source: Literal["agreement", "budget_cap", "fixed_price", "milestones"] | None
    total_value: MoneyOut | None = Field(description="as saved; null: the value comes from the engagement")
    rate_model: str
    rate_and_method: str = Field(description="as printed; empty when the engagement has no rate")
    milestones: list[ItemOut]
    payment_days: int = Field(description="days after receiving an invoice, as printed")
    payment_days_source: Literal["agreement", "engagement", "workspace"]
    paid_within_days_of_completion: int | None = Field(
        description="the latest payment a covering law allows after the work is completed; null when none covers"
    )
    invoice_deadline_days: int
    termination_notice_days: int
    governing_law: str
    extra_terms: str
    independent_contractor_clause: bool
    ip_assignment: bool
    confidentiality: bool
    payment_date_stated: bool
    termination_clause: bool


class SectionOut(Schema):
    number: int
    key: str
    heading: str
    paragraphs: list[str]
    items: list[str] = Field(description="a list printed after the first paragraph; an item may hold several lines")
    numbered: bool = Field(description="the items as 1., 2., ...; false for the parties, printed as blocks")


class FieldCheckOut(Schema):
    field: str = Field(description="parties, addresses, contact, services, value, rate_and_method, ...")
    label: str
    held: bool
    detail: str = Field(description="what is missing, in words; empty when held")
    required_by: list[str] = Field(description="the ids of the covering laws that ask for it")


class LawOut(Schema):
    id: str
    name: str
    citation: str
    retention_years: int | None
    paid_within_days_of_completion: int
    requires: list[FieldCheckOut]


class DocumentOut(Schema):
    id: uuid.UUID
    file_name: str
    content_type: str
    size: int
    retain_until: dt.date | None = Field(description="the stored copy cannot be deleted or replaced before then")


class SigningOut(Schema):
    signed_on: dt.date | None
    missing_clauses: list[str]
    document: DocumentOut | None


class RetentionOut(Schema):
    years: int | None = Field(description="the longest retention period of the covering laws")
    until: dt.date | None = Field(description="for a signed agreement: the later of signing and the end, plus that")


class AgreementOut(Schema):
    engagement: EngagementRefOut
    saved: bool = Field(description="false: a draft, filled in from the workspace, contractor and engagement")
    terms: TermsOut
    sections: list[SectionOut] = Field(description="the numbered sections, word for word as printed")
    laws: list[LawOut] = Field(description="the freelancer-protection laws that cover the engagement")
    missing: list[FieldCheckOut] = Field(description="what a covering law asks for that the terms lack")
    signing: SigningOut
    retention: RetentionOut
