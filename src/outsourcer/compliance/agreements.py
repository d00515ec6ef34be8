"""The terms of a written independent-contractor agreement, checked against the freelancer laws, and its PDF.

`agreement_terms` reads an engagement and its `Agreement` (saved, or the draft `agreement_draft` fills in)
into `Terms`: the parties, the itemised services, the value, the rate and method of pay, when payment and
the invoice are due, the clauses whose flags are on, and the numbered sections the printable page and the
PDF print word for word. It also checks, for every freelancer-protection law that covers the engagement
(`engagements/data/freelancer_laws.json`, field `contract_fields`), whether the terms hold each thing the
law asks a written contract to hold; what they lack is `missing`.

The facts of the laws (the days after completion by which payment is due, how long to keep the signed
copy) come from that data and `compliance.selectors`, never from this module. The wording is ours: a
plain starting point to review, not legal advice.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from outsourcer.compliance.models import Agreement
from outsourcer.compliance.selectors import agreement_draft, agreement_laws, law_day, retention_until
from outsourcer.contractors.models import Document
from outsourcer.deliverables.models import Milestone
from outsourcer.engagements.laws import Law
from outsourcer.engagements.models import Engagement, RateModel

FONTS = Path(__file__).resolve().parent / "fonts"
DISCLAIMER = (
    "Prepared with Outsourcer as a starting point. Read it, change what does not fit, and take legal "
    "advice where you need it: it is not legal advice."
)

# What each `contract_fields` entry of a law asks the written contract to hold, in words.
FIELD_LABELS: dict[str, str] = {
    "parties": "The names of both parties",
    "addresses": "The mailing addresses of both parties",
    "contact": "The phone number and email of both parties",
    "services": "The services, itemised",
    "value": "The value of the services",
    "rate_and_method": "The rate and method of pay",
    "payment_date": "The payment date, or how it is set",
    "invoice_deadline": "The date by which the contractor sends the invoice",
}
CLAUSE_FLAGS = (
    "independent_contractor_clause",
    "ip_assignment",
    "confidentiality",
    "payment_date_stated",
    "termination_clause",
)
# US and Canadian businesses print on Letter; everyone else on A4.
LETTER_COUNTRIES = frozenset({"US", "CA"})


@dataclass(frozen=True)
class Party:
    role: str  # "the Business" or "the Contractor", as the sections call them
    name: str
    address: str
    email: str
    phone: str


@dataclass(frozen=True)
class Item:
    """One itemised service, or one milestone with what it pays and when it is due."""

    text: str
    amount: Decimal | None = None
    due_on: dt.date | None = None


@dataclass(frozen=True)
class Section:
    number: int
    key: str
    heading: str
    paragraphs: tuple[str, ...]
    items: tuple[str, ...] = ()  # a list printed after the first paragraph; an item may hold several lines
    numbered: bool = True  # the items as 1., 2., ...; else as blocks whose first line is bold (the parties)


@dataclass(frozen=True)
class FieldCheck:
    field: str
    label: str
    held: bool
    detail: str  # what is missing, in words; empty when held
    required_by: tuple[str, ...]  # the ids of the covering laws that ask for it


@dataclass(frozen=True)
class LawCheck:
    law: Law
    fields: tuple[FieldCheck, ...]

    @property
    def complete(self) -> bool:
        return all(f.held for f in self.fields)


@dataclass(frozen=True)
class Terms:
    engagement: Engagement
    agreement: Agreement
    on: dt.date  # the day the draft is prepared (the page's today)
    business: Party
    contractor: Party
    services: tuple[Item, ...]
    services_source: str  # agreement, brief or title
    currency: str
    value: Decimal | None
    value_source: str  # agreement, budget_cap, fixed_price, milestones or "" (unknown)
    rate_model: str
    rate_text: str  # the rate and method of pay, as printed; empty when the rate is not known
    milestones: tuple[Item, ...]
    payment_days: int
    payment_days_source: str  # agreement, engagement or workspace
    completion_cap_days: int | None  # a covering law's days after completion; None when none covers
    invoice_deadline_days: int
    termination_notice_days: int
    governing_law: str
    extra_terms: str
    clauses: dict[str, bool]
    laws: tuple[Law, ...]
    retention_years: int | None
    retention_until: dt.date | None
    signed_on: dt.date | None
    document: Document | None
    sections: tuple[Section, ...]
    checks: tuple[FieldCheck, ...]  # every field, required or not
    law_checks: tuple[LawCheck, ...]

    @property
    def missing(self) -> list[FieldCheck]:
        """What a covering law asks for that the terms do not hold."""
        return [c for c in self.checks if c.required_by and not c.held]

    @property
    def saved(self) -> bool:
        return self.agreement.pk is not None

    @property
    def missing_clauses(self) -> list[str]:
        return self.agreement.missing_clauses

    @property
    def title(self) -> str:
        return "Independent Contractor Agreement"

    @property
    def retention_law(self) -> Law | None:
        """The covering law with the longest retention period."""
        return _longest_retention(self.laws)


# --- Reading the terms ------------------------------------------------------------------------------


def money_text(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}".strip()


def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _hours_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _lines(text: str) -> list[str]:
    return [line.strip(" \t-•*") for line in text.splitlines() if line.strip(" \t-•*")]


def _services(engagement: Engagement, agreement: Agreement) -> tuple[tuple[Item, ...], str]:
    own = _lines(agreement.services)
    if own:
        return tuple(Item(text) for text in own), "agreement"
    brief = getattr(engagement, "brief", None)
    deliverables = [str(d).strip() for d in (brief.deliverables if brief is not None else []) if str(d).strip()]
    if deliverables:
        return tuple(Item(text) for text in deliverables), "brief"
    return (Item(engagement.title),), "title"


def _milestones(engagement: Engagement) -> tuple[Item, ...]:
    if engagement.rate_model != RateModel.MILESTONE or engagement.pk is None:
        return ()
    rows = Milestone.objects.filter(engagement=engagement).exclude(status=Milestone.Status.CANCELLED)
    return tuple(Item(m.title, m.amount, m.due_on) for m in rows.order_by("due_on", "pk"))


def _value(engagement: Engagement, agreement: Agreement, milestones: tuple[Item, ...]) -> tuple[Decimal | None, str]:
    if agreement.total_value is not None:
        return agreement.total_value, "agreement"
    if engagement.budget_cap is not None:
        return engagement.budget_cap, "budget_cap"
    if engagement.rate_model == RateModel.FIXED and engagement.rate_amount is not None:
        return engagement.rate_amount, "fixed_price"
    amounts = [m.amount for m in milestones if m.amount is not None]
    if amounts:
        return sum(amounts, Decimal(0)), "milestones"
    if engagement.rate_model == RateModel.MILESTONE and engagement.rate_amount is not None:
        return engagement.rate_amount, "fixed_price"
    return None, ""


def _rate_text(engagement: Engagement, milestones: tuple[Item, ...]) -> str:
    """The rate and method of pay in one or two sentences; empty when the engagement does not say it."""
    model, amount, cur = engagement.rate_model, engagement.rate_amount, engagement.rate_currency
    if model == RateModel.HOURLY:
        if amount is None:
            return ""
        text = (
            f"Paid by the hour: {money_text(amount, cur)} for each hour worked. The Contractor records the hours "
            "worked, and the Business pays for the hours it approves."
        )
        if engagement.weekly_hour_cap is not None:
            text += (
                f" The Contractor works no more than {_hours_text(engagement.weekly_hour_cap)} hours a week "
                "unless the Business agrees to more in writing beforehand."
            )
        return text
    if model == RateModel.FIXED:
        if amount is None:
            return ""
        return f"A fixed price of {money_text(amount, cur)} for all the services listed, paid on completion."
    if model == RateModel.MILESTONE:
        if not any(m.amount is not None for m in milestones) and amount is None:
            return ""
        text = (
            "Paid by milestone: the Business pays each milestone's amount once it has accepted that milestone's work."
        )
        if amount is not None and not milestones:
            text += f" The milestones together come to {money_text(amount, cur)}."
        return text
    if model == RateModel.RETAINER:
        if amount is None:
            return ""
        text = f"A monthly retainer of {money_text(amount, cur)}"
        if engagement.retainer_included_hours is not None:
            text += (
                f", which covers up to {_hours_text(engagement.retainer_included_hours)} hours of work in the month. "
                "Work beyond those hours is paid only when the Business has agreed to it in writing beforehand."
            )
        else:
            text += "."
        return text
    if model == RateModel.COMMISSION:
        if engagement.commission_percent is None:
            return ""
        base = engagement.commission_base.strip() or "the sales the Contractor brings in"
        return f"A commission of {_hours_text(engagement.commission_percent)}% of {base}."
    return ""


def _payment_days(engagement: Engagement, agreement: Agreement) -> tuple[int, str]:
    if agreement.payment_days is not None:
        return agreement.payment_days, "agreement"
    if engagement.payment_terms_days is not None:
        return engagement.payment_terms_days, "engagement"
    return int(engagement.workspace.effective_policy["default_payment_terms_days"]), "workspace"


def _party(role: str, name: str, address: str, email: str, phone: str) -> Party:
    return Party(role=role, name=name.strip(), address=address.strip(), email=email.strip(), phone=phone.strip())


def _both(business: Party, contractor: Party, attr: str, what: str) -> str:
    lacking = [who for who, party in (("the business", business), ("the contractor", contractor))
               if not getattr(party, attr)]  # fmt: skip
    return f"No {what} for {' or '.join(lacking)}." if lacking else ""


def _field_checks(terms: dict[str, Any], laws: tuple[Law, ...]) -> tuple[FieldCheck, ...]:
    business, contractor = terms["business"], terms["contractor"]
    gaps: dict[str, str] = {
        "parties": _both(business, contractor, "name", "name"),
        "addresses": _both(business, contractor, "address", "mailing address"),
        "contact": " ".join(
            t
            for t in (
                _both(business, contractor, "phone", "phone number"),
                _both(business, contractor, "email", "email"),
            )
            if t
        ),
        "services": "Only the engagement's title: list the services one a line."
        if terms["services_source"] == "title"
        else "",
        "value": "" if terms["value"] is not None else "No value: give the total value or a budget cap.",
        "rate_and_method": "" if terms["rate_text"] else "The engagement has no rate: set it on the engagement.",
        "payment_date": "" if terms["clauses"]["payment_date_stated"] else "The payment date clause is turned off.",
        "invoice_deadline": "",
    }
    return tuple(
        FieldCheck(
            field=name,
            label=label,
            held=not gaps[name],
            detail=gaps[name],
            required_by=tuple(law.id for law in laws if name in law.contract_fields),
        )
        for name, label in FIELD_LABELS.items()
    )


def agreement_terms(*, engagement: Engagement, agreement: Agreement | None = None, on: dt.date) -> Terms:
    """The agreement of `engagement` as it would print on `on`: its saved terms, else the draft."""
    agreement = agreement if agreement is not None else agreement_draft(engagement=engagement)
    laws = tuple(agreement_laws(engagement=engagement, on=law_day(signed_on=agreement.signed_on, today=on)))
    business = _party("the Business", agreement.business_name, agreement.business_address,
                      agreement.business_email, agreement.business_phone)  # fmt: skip
    contractor = _party("the Contractor", agreement.contractor_name, agreement.contractor_address,
                        agreement.contractor_email, agreement.contractor_phone)  # fmt: skip
    services, services_source = _services(engagement, agreement)
    milestones = _milestones(engagement)
    value, value_source = _value(engagement, agreement, milestones)
    payment_days, payment_source = _payment_days(engagement, agreement)
    years = max((law.retention_years or 0 for law in laws), default=0) or None
    keep = retention_until(engagement=engagement, signed_on=agreement.signed_on, laws=list(laws)) if (
        agreement.signed_on
    ) else None  # fmt: skip
    document = agreement.signed_document if agreement.signed_document_id else None
    parts: dict[str, Any] = {
        "engagement": engagement,
        "agreement": agreement,
        "on": on,
        "business": business,
        "contractor": contractor,
        "services": services,
        "services_source": services_source,
        "currency": engagement.rate_currency,
        "value": value,
        "value_source": value_source,
        "rate_model": engagement.rate_model,
        "rate_text": _rate_text(engagement, milestones),
        "milestones": milestones,
        "payment_days": payment_days,
        "payment_days_source": payment_source,
        "completion_cap_days": min((law.payment_days_after_completion for law in laws), default=None),
        "invoice_deadline_days": agreement.invoice_deadline_days,
        "termination_notice_days": agreement.termination_notice_days,
        "governing_law": agreement.governing_law.strip(),
        "extra_terms": agreement.extra_terms.strip(),
        "clauses": {name: bool(getattr(agreement, name)) for name in CLAUSE_FLAGS},
        "laws": laws,
        "retention_years": years,
        "retention_until": keep,
        "signed_on": agreement.signed_on,
        "document": document,
    }
    checks = _field_checks(parts, laws)
    law_checks = tuple(
        LawCheck(law=law, fields=tuple(c for c in checks if c.field in law.contract_fields)) for law in laws
    )
    return Terms(**parts, sections=_sections(parts), checks=checks, law_checks=law_checks)


# --- The wording --------------------------------------------------------------------------------------


def _party_block(party: Party) -> str:
    """One party as printed: the name and what the agreement calls them, then one line for each detail."""
    lines = [f"{party.name or '[name to be added]'} (“{party.role}”)"]
    address = ", ".join(_lines(party.address))
    lines.append(f"Mailing address: {address or '[to be added]'}")
    if party.email:
        lines.append(f"Email: {party.email}")
    if party.phone:
        lines.append(f"Phone: {party.phone}")
    return "\n".join(lines)


def _section_texts(t: dict[str, Any]) -> list[tuple[str, str, list[str], list[str]]]:
    """(key, heading, paragraphs, items) of each section that prints, in order."""
    business, contractor = t["business"], t["contractor"]
    cur, clauses = t["currency"], t["clauses"]
    out: list[tuple[str, str, list[str], list[str]]] = []
    out.append((
        "parties", "The parties",
        ["This agreement is made between:"],
        [_party_block(business), _party_block(contractor)],
    ))  # fmt: skip
    out.append((
        "services", "The services",
        ["The Contractor will provide these services to the Business:"],
        [item.text for item in t["services"]],
    ))  # fmt: skip
    value = t["value"]
    if value is None:
        value_text = "The value of the services is [to be added]."
    elif t["value_source"] == "budget_cap":
        value_text = (
            f"The services are worth up to {money_text(value, cur)} in total. The Business pays no more than that "
            "unless both parties agree a higher amount in writing."
        )
    else:
        value_text = f"The total value of the services is {money_text(value, cur)}."
    out.append(("value", "Value", [value_text], []))
    rate_items = [
        m.text
        + (f": {money_text(m.amount, cur)}" if m.amount is not None else "")
        + (f", due {day_text(m.due_on)}" if m.due_on else "")
        for m in t["milestones"]
    ]
    out.append(("rate", "Rate and method of pay", [t["rate_text"] or "The rate and method of pay: [to be added]."],
                rate_items))  # fmt: skip
    out.append((
        "invoices", "Invoices",
        [f"The Contractor sends the Business an invoice listing the services completed and what each costs, no "
         f"later than {_days(t['invoice_deadline_days'])} after completing them."],
        [],
    ))  # fmt: skip
    if clauses["payment_date_stated"]:
        days = t["payment_days"]
        when = "on the day it receives it" if days == 0 else f"within {_days(days)} after receiving it"
        text = f"The Business pays each correct invoice {when}"
        if t["completion_cap_days"] is not None:
            text += (
                f", and never later than {_days(t['completion_cap_days'])} after the work the invoice covers is "
                "completed"
            )
        out.append(("payment", "Payment date", [text + ". Payment is made to the account the Contractor names."], []))
    if clauses["independent_contractor_clause"]:
        out.append((
            "independent_contractor", "Independent contractor",
            ["The Contractor works as an independent business, not as an employee, partner or agent of the "
             "Business. The Contractor decides how to do the work and when to do it, within the dates agreed, "
             "uses their own equipment, may work for others, and is responsible for their own taxes, insurance "
             "and benefits. The Business does not withhold tax from payments unless the law requires it."],
            [],
        ))  # fmt: skip
    if clauses["ip_assignment"]:
        out.append((
            "ip_assignment", "Ownership of the work",
            ["Once the Business has paid for it, the Contractor transfers to the Business all rights, including "
             "copyright, in the work made for the Business under this agreement. The Contractor keeps what they "
             "owned before or make independently of this work, and gives the Business a permanent, free licence "
             "to use any of it that is built into the delivered work."],
            [],
        ))  # fmt: skip
    if clauses["confidentiality"]:
        out.append((
            "confidentiality", "Confidentiality",
            ["Each party keeps the other's non-public information private and uses it only for this agreement. "
             "When the work ends, the Contractor returns or deletes the Business's information and any access "
             "given to them. This does not cover information that is already public or that the law requires "
             "to be disclosed, and it continues after the agreement ends."],
            [],
        ))  # fmt: skip
    if clauses["termination_clause"]:
        notice = t["termination_notice_days"]
        ahead = "1 day's" if notice == 1 else f"{notice} days'"
        how = "at any time by notice in writing" if notice == 0 else f"by giving {ahead} notice in writing"
        out.append((
            "termination", "Ending the agreement",
            [f"Either party may end this agreement {how}. The Business pays for the work done up to the end date, "
             "and the Contractor hands over that work."],
            [],
        ))  # fmt: skip
    law = _longest_retention(t["laws"])
    if law is not None:
        out.append((
            "records", "Keeping this agreement",
            [f"The Business keeps a signed copy of this agreement for at least {law.retention_years} years after "
             f"it is signed or the work ends, whichever is later, as the {law.name} requires, and gives the "
             "Contractor a copy."],
            [],
        ))  # fmt: skip
    if t["governing_law"]:
        out.append(("governing_law", "Governing law",
                    [f"This agreement is governed by the law of {t['governing_law']}."], []))  # fmt: skip
    if t["extra_terms"]:
        out.append(("extra_terms", "Other terms", _paragraphs(t["extra_terms"]), []))
    out.append((
        "changes", "Changes",
        ["Any change to this agreement is made in writing and signed by both parties."],
        [],
    ))  # fmt: skip
    return out


def _paragraphs(text: str) -> list[str]:
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]


def _longest_retention(laws: tuple[Law, ...]) -> Law | None:
    named = [law for law in laws if law.retention_years]
    return max(named, key=lambda law: law.retention_years or 0) if named else None


def _sections(parts: dict[str, Any]) -> tuple[Section, ...]:
    return tuple(
        Section(
            number=n, key=key, heading=heading, paragraphs=tuple(paras), items=tuple(items), numbered=key != "parties"
        )
        for n, (key, heading, paras, items) in enumerate(_section_texts(parts), start=1)
    )


# --- For the API and the command line -----------------------------------------------------------------


def _party_dict(party: Party) -> dict[str, str]:
    return {"name": party.name, "address": party.address, "email": party.email, "phone": party.phone}


def _item_dict(item: Item) -> dict[str, Any]:
    return {"text": item.text, "amount": item.amount, "due_on": item.due_on}


def _check_dict(check: FieldCheck) -> dict[str, Any]:
    return {
        "field": check.field,
        "label": check.label,
        "held": check.held,
        "detail": check.detail,
        "required_by": list(check.required_by),
    }


def terms_dict(terms: Terms) -> dict[str, Any]:
    """The agreement as the API answers it (`AgreementOut`)."""
    engagement, agreement, document = terms.engagement, terms.agreement, terms.document
    return {
        "engagement": {"id": engagement.uuid, "ref": engagement.ref, "title": engagement.title},
        "saved": terms.saved,
        "terms": {
            "business": _party_dict(terms.business),
            "contractor": _party_dict(terms.contractor),
            "services": [_item_dict(i) for i in terms.services],
            "services_source": terms.services_source,
            "services_text": agreement.services,
            "currency": terms.currency,
            "value": terms.value,
            "value_source": terms.value_source or None,
            "total_value": agreement.total_value,
            "rate_model": terms.rate_model,
            "rate_and_method": terms.rate_text,
            "milestones": [_item_dict(i) for i in terms.milestones],
            "payment_days": terms.payment_days,
            "payment_days_source": terms.payment_days_source,
            "paid_within_days_of_completion": terms.completion_cap_days,
            "invoice_deadline_days": terms.invoice_deadline_days,
            "termination_notice_days": terms.termination_notice_days,
            "governing_law": terms.governing_law,
            "extra_terms": terms.extra_terms,
            **terms.clauses,
        },
        "sections": [
            {
                "number": s.number,
                "key": s.key,
                "heading": s.heading,
                "paragraphs": list(s.paragraphs),
                "items": list(s.items),
                "numbered": s.numbered,
            }
            for s in terms.sections
        ],
        "laws": [
            {
                "id": lc.law.id,
                "name": lc.law.name,
                "citation": lc.law.citation,
                "retention_years": lc.law.retention_years,
                "paid_within_days_of_completion": lc.law.payment_days_after_completion,
                "requires": [_check_dict(c) for c in lc.fields],
            }
            for lc in terms.law_checks
        ],
        "missing": [_check_dict(c) for c in terms.missing],
        "signing": {
            "signed_on": terms.signed_on,
            "missing_clauses": terms.missing_clauses,
            "document": None
            if document is None
            else {
                "id": document.uuid,
                "file_name": document.file_name,
                "content_type": document.content_type,
                "size": document.size,
                "retain_until": document.retain_until,
            },
        },
        "retention": {"years": terms.retention_years, "until": terms.retention_until},
    }


def agreement_filename(terms: Terms, suffix: str = ".pdf") -> str:
    """A file name safe in any header and on any disk: `agreement-<ref>.pdf`."""
    stem = slugify(terms.engagement.ref) or "engagement"
    return f"agreement-{stem[:60]}{suffix}"


# --- The PDF ------------------------------------------------------------------------------------------


def _printable(text: str) -> str:
    """Text the PDF can set: no control characters (a tab is a space), one kind of line break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")


def agreement_pdf(terms: Terms, *, paper: str | None = None) -> bytes:
    """The agreement as a PDF: title, the note that it is a starting point, numbered sections, signature
    lines and page numbers. The same terms and day give the same bytes."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it tells of every font subset at INFO

    country = (terms.engagement.workspace.country or "").upper()
    size = paper or ("Letter" if country in LETTER_COUNTRIES else "A4")
    footer = f"{terms.title} · {terms.engagement.title}"

    class Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 6, _printable(f"{footer[:90]} · Page {self.page_no()} of {{nb}}"), align="C")

    pdf = Pdf(orientation="portrait", unit="mm", format=size)
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_printable(f"{terms.title}: {terms.engagement.title}"))
    pdf.set_author(_printable(terms.business.name))
    pdf.set_creator("Outsourcer")
    pdf.set_producer("Outsourcer")
    pdf.set_creation_date(dt.datetime.combine(terms.on, dt.time(0, 0), tzinfo=dt.UTC))
    pdf.add_page()
    width = pdf.epw

    def text(value: str, *, size: float = 10.5, bold: bool = False, height: float = 5.4, indent: float = 0,
             align: str = "L", grey: bool = False) -> None:  # fmt: skip
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.set_text_color(*((100, 100, 100) if grey else (20, 20, 20)))
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, height, _printable(value), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    text(terms.title, size=18, bold=True, height=9, align="C")
    engagement = terms.engagement
    text(f"{engagement.title} (ref {engagement.ref})", size=11, height=6, align="C")
    dated = f"Signed on {day_text(terms.signed_on)}" if terms.signed_on else f"Draft of {day_text(terms.on)}"
    text(dated, size=9.5, height=5.5, align="C", grey=True)
    pdf.ln(3)
    text(DISCLAIMER, size=8.5, height=4.4, grey=True)
    pdf.ln(4)

    for section in terms.sections:
        if pdf.will_page_break(22):
            pdf.add_page()
        text(f"{section.number}. {section.heading}", size=12, bold=True, height=7)
        first, *rest = section.paragraphs or ("",)
        if first:
            text(first)
        for n, item in enumerate(section.items, start=1):
            pdf.ln(0.8 if section.numbered else 1.6)
            if section.numbered:
                pdf.set_font("DejaVu", "", 10.5)
                pdf.set_x(pdf.l_margin + 4)
                pdf.cell(8, 5.4, f"{n}.")
                pdf.multi_cell(width - 12, 5.4, _printable(item), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            else:
                head, _, tail = _printable(item).partition("\n")
                text(head, bold=True, indent=6)
                if tail:
                    text(tail, indent=6)
        for paragraph in rest:
            pdf.ln(1.5)
            text(paragraph)
        pdf.ln(4)

    # The signature blocks, kept together on one page: two columns, each with its lines.
    column, gap, first_line, step = (width - 12) / 2, 12.0, 30.0, 14.0
    blocks = first_line + 2 * step + 6
    if pdf.will_page_break(24 + blocks):
        pdf.add_page()
    pdf.ln(2)
    text("Signatures", size=12, bold=True, height=7)
    text("Each party signs below to agree to these terms.")
    pdf.ln(5)
    top = pdf.get_y()
    pdf.set_auto_page_break(auto=False)
    pdf.set_draw_color(40, 40, 40)
    pdf.set_line_width(0.3)
    for i, party in enumerate((terms.business, terms.contractor)):
        x = pdf.l_margin + i * (column + gap)
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.set_text_color(20, 20, 20)
        pdf.cell(column, 6, "For the Business" if i == 0 else "The Contractor")
        pdf.set_xy(x, top + 6.5)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(column, 5, _printable(party.name or "[name to be added]")[:120], align="L", max_line_height=5)
        for j, label in enumerate(("Signature", "Name and title" if i == 0 else "Name", "Date")):
            y = top + first_line + j * step
            pdf.line(x, y, x + column, y)
            pdf.set_xy(x, y + 0.8)
            pdf.set_font("DejaVu", "", 8)
            pdf.set_text_color(100, 100, 100)
            pdf.cell(column, 4, label)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.set_y(top + blocks)
    return bytes(pdf.output())
