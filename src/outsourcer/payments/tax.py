"""US year-end information returns: who needs a Form 1099-NEC for a year of payments, for how much,
by when, and which tax papers are missing. The one place for these rules: the web page, the API,
`outsourcer report 1099` and the health-check rules `comply/*` all read through here.

What counts (research/domain-rules.md section 4, RULES.md `comply/*`):

- Paid invoices, placed in a calendar year by the day they were paid (`paid_on`), summed by payee
  (the engagement's contractor).
- Only payees who are US persons (`us_person` true). A foreign contractor needs no 1099 (keep a
  current W-8BEN or W-8BEN-E instead); one whose status is not recorded cannot be decided and is
  listed apart.
- Not corporations (C or S, and LLCs taxed as either), unless the payments are for legal services.
- Not payments by card, PayPal, a payment app or a freelance platform: the processor reports those
  on a 1099-K (`PROCESSOR_CHANNELS`). A paid invoice with no channel recorded counts.
- Amounts in US dollars: other currencies go through the workspace's FX rates
  (`payments.selectors.convert`). An amount with no rate is never guessed: it is listed as
  unconvertible, and a payee whose decision depends on it is "cannot tell".
- A form is needed when the reportable total reaches the year's threshold (inclusive: at least
  $600 through 2025, at least $2,000 for 2026; `data/tax_years.json`), or, whatever the amount,
  when backup withholding was withheld.
- The deadline: 31 January of the next year, moved to the next business day past weekends and US
  federal holidays (the `holidays` library).

Rounding: each group of invoices (payee, channel, currency) is summed exactly by the database,
converted to dollars without rounding, and each payee's totals are rounded to cents, half up, once,
at the end; the threshold compares the rounded total.

Sums are made by the database (one grouped query: payee, status, channel, currency, year), so a
report over a million invoices reads as many rows as there are payees and channels, not invoices.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from outsourcer.accounts.models import Workspace
from outsourcer.contractors.models import Contractor, Document, EntityType
from outsourcer.payments.models import PROCESSOR_CHANNELS, Invoice, Status
from outsourcer.payments.selectors import cents, convert

DATA = Path(__file__).resolve().parent / "data" / "tax_years.json"
USD = "USD"
FORM = "1099-NEC"
ZERO = Decimal(0)

# Corporations are not sent a 1099-NEC, except for legal services (research 4.2).
CORPORATIONS = frozenset(
    {
        EntityType.C_CORPORATION,
        EntityType.S_CORPORATION,
        EntityType.LLC_C_CORPORATION,
        EntityType.LLC_S_CORPORATION,
    }
)
# Entities that file with an EIN, whatever else: the CSV can say so; for the others the TIN type is the payee's.
EIN_ENTITIES = CORPORATIONS | {EntityType.PARTNERSHIP, EntityType.LLC_PARTNERSHIP, EntityType.TRUST_ESTATE}
# Names a person files under (name type I on the form); the others are businesses (B).
PERSON_ENTITIES = frozenset({EntityType.INDIVIDUAL, EntityType.SOLE_PROPRIETOR, ""})
W8_KINDS = (Document.Kind.W8BEN, Document.Kind.W8BEN_E)
TAX_DOCUMENT_KINDS = (Document.Kind.W9, *W8_KINDS)
# At most this many unconvertible invoices are listed one by one (all are counted and summed).
UNCONVERTIBLE_LISTED = 200


# --- The year's facts, as data --------------------------------------------------------------------


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def first_year() -> int:
    """The first tax year the 1099-NEC was back in use for nonemployee pay (2020)."""
    return int(_data()["first_year"])


@dataclass(frozen=True)
class Threshold:
    year: int
    amount: Decimal  # in US dollars; reached when the total is at least this much
    known: bool  # False when the amount is indexed and the IRS has not published it yet
    note: str
    source: str


def _in(row: dict[str, Any], year: int) -> bool:
    return row["from_year"] <= year and (row["through_year"] is None or year <= row["through_year"])


def threshold_for(year: int) -> Threshold:
    """The 1099-NEC threshold for payments made in `year`."""
    for row in _data()["thresholds"]:
        if _in(row, year):
            return Threshold(
                year=year, amount=Decimal(row["amount_usd"]), known=bool(row["known"]), note=row["note"],
                source=row["source"],
            )  # fmt: skip
    raise ValueError(f"No 1099-NEC threshold is known for {year}.")


def backup_withholding_rate(year: int) -> Decimal:
    """The backup-withholding rate for payments made in `year` (24 % since 2018)."""
    for row in _data()["backup_withholding_rates"]:
        if _in(row, year):
            return Decimal(row["rate"])
    raise ValueError(f"No backup-withholding rate is known for {year}.")


def filing_deadline(year: int) -> dt.date:
    """When the 1099-NEC for payments made in `year` is due, to the IRS and to the payee: 31 January of
    the next year, moved to the next business day past a weekend or a US federal holiday."""
    rule = _data()["deadline"]
    day = dt.date(year + 1, rule["month"], rule["day"])
    closed = holidays.US(years=[year + 1])
    while day.weekday() >= 5 or day in closed:
        day += dt.timedelta(days=1)
    return day


def day_text(day: dt.date) -> str:
    """`Monday 1 February 2027`."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def deadline_note(year: int) -> str:
    """Why the deadline is the day it is, in words."""
    rule = _data()["deadline"]
    nominal = dt.date(year + 1, rule["month"], rule["day"])
    due = filing_deadline(year)
    if due == nominal:
        return f"{day_text(due)} (31 January, a business day)."
    closed = holidays.US(years=[year + 1]).get(nominal)
    why = f"a holiday ({closed})" if closed else f"a {nominal:%A}"
    return f"{day_text(due)} (31 January {year + 1} is {why}, so the deadline moves to the next business day)."


def year_problem(year: int, today: dt.date) -> str | None:
    """Why no report can be made for `year`, or None. Next year is allowed (a plan); later years are not."""
    if year < first_year():
        return f"The 1099-NEC report starts with payments made in {first_year()}; {year} is earlier."
    if year > today.year + 1:
        return f"{year} is more than a year ahead; choose a year up to {today.year + 1}."
    return None


# --- Who is reportable ------------------------------------------------------------------------------


class Exclusion(StrEnum):
    """Why a payment does not count toward a 1099-NEC (the first that applies, in this order)."""

    NOT_US_PERSON = "not_us_person"
    US_STATUS_UNKNOWN = "us_status_unknown"
    CORPORATION = "corporation"
    PROCESSOR_CHANNEL = "processor_channel"


EXCLUSION_TEXT = {
    Exclusion.NOT_US_PERSON: "not a US person (no 1099; keep a current W-8BEN or W-8BEN-E)",
    Exclusion.US_STATUS_UNKNOWN: "not recorded as a US person or not (collect a W-9 or a W-8BEN)",
    Exclusion.CORPORATION: "a corporation (not reported unless for legal services)",
    Exclusion.PROCESSOR_CHANNEL: (
        "paid by card, PayPal, a payment app or a platform (reported by the processor on a 1099-K)"
    ),
}


def is_corporation(entity_type: str) -> bool:
    return entity_type in CORPORATIONS


def payee_exclusion(payee: Contractor) -> Exclusion | None:
    """Why none of the payments to `payee` are reportable, or None when they may be."""
    if payee.us_person is False:
        return Exclusion.NOT_US_PERSON
    if payee.us_person is None:
        return Exclusion.US_STATUS_UNKNOWN
    if is_corporation(payee.entity_type) and not payee.legal_services:
        return Exclusion.CORPORATION
    return None


def payment_exclusion(payee: Contractor, channel: str) -> Exclusion | None:
    """Why a payment to `payee` by `channel` does not count toward a 1099-NEC, or None when it does."""
    reason = payee_exclusion(payee)
    if reason is None and channel in PROCESSOR_CHANNELS:
        return Exclusion.PROCESSOR_CHANNEL
    return reason


# --- W-9 and W-8BEN -----------------------------------------------------------------------------------


def has_w9(documents: Iterable[Document]) -> bool:
    return any(d.kind == Document.Kind.W9 for d in documents)


def w8_expiry(document: Document) -> dt.date | None:
    """A W-8BEN's stated expiry, else 31 December of the third year after it was signed (IRS
    instructions: signed 30 September 2015, valid through 31 December 2018); None with neither date."""
    if document.expires_on is not None:
        return document.expires_on
    if document.signed_on is not None:
        years = int(_data()["w8_validity_years"])
        return dt.date(document.signed_on.year + years, 12, 31)
    return None


class W8State(StrEnum):
    CURRENT = "current"
    EXPIRING = "expiring"  # within `w8_expiring_within_days`
    EXPIRED = "expired"
    UNDATED = "undated"  # on file, with neither a signing nor an expiry date
    MISSING = "missing"


W8_STATE_TEXT = {
    W8State.CURRENT: "current",
    W8State.EXPIRING: "expires soon",
    W8State.EXPIRED: "expired",
    W8State.UNDATED: "on file, with no date",
    W8State.MISSING: "none on file",
}


@dataclass(frozen=True)
class W8Standing:
    state: W8State
    document: Document | None = None
    expires_on: dt.date | None = None
    expiry_stated: bool = False  # False: three years after signing
    days_left: int | None = None

    @property
    def kind_label(self) -> str:
        return self.document.get_kind_display() if self.document else ""

    @property
    def current(self) -> bool:
        """Valid today: current, expiring soon, or on file with no date to say otherwise."""
        return self.state in (W8State.CURRENT, W8State.EXPIRING, W8State.UNDATED)

    @property
    def text(self) -> str:
        if self.document is None:
            return "No W-8BEN or W-8BEN-E on file."
        if self.expires_on is None:
            return f"{self.kind_label} on file with no signing or expiry date: add the date it was signed."
        basis = "" if self.expiry_stated else " (three years after signing)"
        if self.state == W8State.EXPIRED:
            return f"{self.kind_label} expired on {self.expires_on:%d %B %Y}{basis}: collect a new one."
        if self.state == W8State.EXPIRING:
            return (
                f"{self.kind_label} expires on {self.expires_on:%d %B %Y}{basis}, in {self.days_left} days: "
                "collect a new one."
            )
        return f"{self.kind_label} valid through {self.expires_on:%d %B %Y}{basis}."


def w8_standing(documents: Iterable[Document], today: dt.date) -> W8Standing:
    """The best W-8BEN / W-8BEN-E on file as of `today`: the one valid longest; an undated one when
    none valid is dated; an expired one only when that is all there is."""
    forms = [d for d in documents if d.kind in W8_KINDS]
    if not forms:
        return W8Standing(state=W8State.MISSING)
    dated: list[tuple[dt.date, Document]] = []
    undated: list[Document] = []
    for document in forms:
        expiry = w8_expiry(document)
        if expiry is None:
            undated.append(document)
        else:
            dated.append((expiry, document))
    dated.sort(key=lambda pair: (pair[0], pair[1].signed_on or dt.date.min, pair[1].pk or 0))
    if dated and dated[-1][0] >= today:
        expires, document = dated[-1]
        days = (expires - today).days
        soon = days <= int(_data()["w8_expiring_within_days"])
        state = W8State.EXPIRING if soon else W8State.CURRENT
        return W8Standing(state, document, expires, document.expires_on is not None, days)
    if undated:
        return W8Standing(state=W8State.UNDATED, document=undated[-1])
    expires, document = dated[-1]
    return W8Standing(W8State.EXPIRED, document, expires, document.expires_on is not None, (expires - today).days)


def tax_documents(*, workspace: Workspace) -> dict[int, list[Document]]:
    """W-9s, W-8BENs and W-8BEN-Es by contractor, oldest signed first (one query)."""
    rows = Document.objects.filter(workspace=workspace, kind__in=TAX_DOCUMENT_KINDS).only(
        "contractor_id", "kind", "title", "signed_on", "expires_on"
    )
    found: dict[int, list[Document]] = defaultdict(list)
    for document in rows.order_by("signed_on", "pk"):
        found[document.contractor_id].append(document)
    return found


# --- Payments, summed by the database --------------------------------------------------------------


@dataclass(frozen=True)
class PaymentGroup:
    """Invoices of one payee with the same status, channel, currency and year paid, summed."""

    payee: int  # contractor pk
    year: int | None  # the year paid; None for an approved or scheduled invoice not paid yet
    status: str
    channel: str
    currency: str
    amount: Decimal
    withheld: Decimal  # backup withholding recorded, in the invoice currency
    count: int
    unwithheld_amount: Decimal  # paid with no backup withholding recorded
    unwithheld_count: int


def _paid_in(years: list[int]) -> Q:
    return Q(status=Status.PAID, paid_on__gte=dt.date(min(years), 1, 1), paid_on__lte=dt.date(max(years), 12, 31))


def payment_groups(
    *, workspace: Workspace, years: Iterable[int], paid_through: dt.date | None = None, open_too: bool = False
) -> list[PaymentGroup]:
    """Paid invoices of the calendar `years` (consecutive), summed by the database per payee, year,
    status, channel and currency; with `open_too`, approved and scheduled invoices as well (year
    None). One query; rows grow with payees and channels, never with invoices."""
    span = sorted(set(years))
    paid = _paid_in(span)
    if paid_through is not None:
        paid &= Q(paid_on__lte=paid_through)
    wanted = paid | Q(status__in=(Status.APPROVED, Status.SCHEDULED)) if open_too else paid
    if len(span) == 1:
        year: Any = Case(
            When(status=Status.PAID, then=Value(span[0])), default=Value(None), output_field=IntegerField()
        )
    else:
        whens = [When(status=Status.PAID, paid_on__lte=dt.date(y, 12, 31), then=Value(y)) for y in span]
        year = Case(*whens, default=Value(None), output_field=IntegerField())
    no_withholding = Q(backup_withholding__isnull=True) | Q(backup_withholding=0)
    rows = (
        Invoice.objects.filter(wanted, workspace=workspace)
        .values("status", "channel", "currency", payee=F("engagement__contractor_id"), year=year)
        .annotate(
            total=Sum("amount"),
            withheld_total=Sum("backup_withholding"),
            invoices=Count("pk"),
            unwithheld_total=Sum("amount", filter=no_withholding),
            unwithheld_invoices=Count("pk", filter=no_withholding),
        )
        .order_by()
    )
    return [_group(row) for row in rows]


def _group(row: Any) -> PaymentGroup:
    return PaymentGroup(
        payee=row["payee"], year=row["year"], status=row["status"], channel=row["channel"] or "",
        currency=row["currency"], amount=row["total"] or ZERO, withheld=row["withheld_total"] or ZERO,
        count=row["invoices"], unwithheld_amount=row["unwithheld_total"] or ZERO,
        unwithheld_count=row["unwithheld_invoices"],
    )  # fmt: skip


def payee_profiles(*, workspace: Workspace) -> dict[int, Contractor]:
    """Contractors with the columns the tax rules read, by pk (one query)."""
    rows = Contractor.objects.filter(workspace=workspace).only(
        "uuid", "ref", "name", "kind", "country", "region", "us_person", "entity_type", "legal_services",
        "tin_verified", "works_in_us",
    )  # fmt: skip
    return {c.pk: c for c in rows}


# --- One payee's year ---------------------------------------------------------------------------------


@dataclass
class PayeeYear:
    """One payee's payments in one calendar year, in US dollars (unrounded until read)."""

    payee: Contractor
    year: int
    reportable_raw: Decimal = ZERO
    withheld_raw: Decimal = ZERO
    excluded_raw: dict[Exclusion, Decimal] = field(default_factory=dict)
    # Amounts with no FX rate to dollars, by currency: those that would count, and those excluded anyway.
    unconvertible: dict[str, Decimal] = field(default_factory=dict)
    unconvertible_excluded: dict[str, Decimal] = field(default_factory=dict)
    payments: int = 0
    reportable_payments: int = 0
    reasons: set[Exclusion] = field(default_factory=set)  # every reason a payment was left out
    # Reportable payments with no backup withholding recorded (what comply/backup-withholding reads).
    unwithheld_raw: Decimal = ZERO
    unwithheld_payments: int = 0

    @property
    def reportable(self) -> Decimal:
        return cents(self.reportable_raw)

    @property
    def withheld(self) -> Decimal:
        return cents(self.withheld_raw)

    @property
    def excluded(self) -> dict[Exclusion, Decimal]:
        return {reason: cents(self.excluded_raw[reason]) for reason in Exclusion if reason in self.excluded_raw}

    @property
    def unwithheld(self) -> Decimal:
        return cents(self.unwithheld_raw)

    @property
    def complete(self) -> bool:
        """Every amount that would count could be converted to dollars."""
        return not self.unconvertible


def payee_year(payee: Contractor, groups: Iterable[PaymentGroup], *, year: int, workspace: Workspace) -> PayeeYear:
    """Tally the paid groups of `payee` in `year`: reportable, withheld, excluded by reason, unconvertible."""
    found = PayeeYear(payee=payee, year=year)
    for group in groups:
        if group.payee != payee.pk or group.status != Status.PAID or group.year != year:
            continue
        found.payments += group.count
        reason = payment_exclusion(payee, group.channel)
        if reason is not None:
            found.reasons.add(reason)
        amount = convert(workspace, group.amount, group.currency, USD)
        if amount is None:
            into = found.unconvertible if reason is None else found.unconvertible_excluded
            into[group.currency] = into.get(group.currency, ZERO) + group.amount
            continue
        if reason is not None:
            found.excluded_raw[reason] = found.excluded_raw.get(reason, ZERO) + amount
            continue
        found.reportable_raw += amount
        found.reportable_payments += group.count
        withheld = convert(workspace, group.withheld, group.currency, USD) if group.withheld else ZERO
        found.withheld_raw += withheld or ZERO
        unwithheld = convert(workspace, group.unwithheld_amount, group.currency, USD)
        found.unwithheld_raw += unwithheld or ZERO
        found.unwithheld_payments += group.unwithheld_count
    return found


@dataclass(frozen=True)
class Unwithheld:
    """Reportable payments made with no backup withholding recorded (whatever their currency)."""

    payments: int
    usd: Decimal  # the convertible part, in dollars, rounded
    unconvertible: dict[str, Decimal]  # the rest, by currency


def unwithheld_reportable(payee: Contractor, groups: Iterable[PaymentGroup], *, workspace: Workspace) -> Unwithheld:
    """The paid groups of `payee` that count toward a 1099-NEC and record no backup withholding: what
    must have had 24 % withheld when the payee has no W-9 or a failed TIN check (any amount: the
    payer cannot know in advance that the year's total will stay under the threshold)."""
    payments, usd = 0, ZERO
    unconvertible: dict[str, Decimal] = {}
    for group in groups:
        if group.payee != payee.pk or group.status != Status.PAID or not group.unwithheld_count:
            continue
        if payment_exclusion(payee, group.channel) is not None:
            continue
        payments += group.unwithheld_count
        amount = convert(workspace, group.unwithheld_amount, group.currency, USD)
        if amount is None:
            unconvertible[group.currency] = unconvertible.get(group.currency, ZERO) + group.unwithheld_amount
        else:
            usd += amount
    return Unwithheld(payments=payments, usd=cents(usd), unconvertible=unconvertible)


def money(value: Decimal) -> str:
    """`$2,000.00`."""
    return f"${value:,.2f}"


def amounts_text(amounts: dict[str, Decimal]) -> str:
    """`1,000.00 EUR and 20.00 GBP`."""
    parts = [f"{amount:,.2f} {currency}" for currency, amount in sorted(amounts.items())]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class Decision:
    needed: bool | None  # None: cannot tell (an amount that would count has no FX rate)
    why: str


def decide(tally: PayeeYear, threshold: Threshold) -> Decision:
    """Does this payee need a 1099-NEC for the year, and why, in a sentence."""
    total, withheld = tally.reportable, tally.withheld
    missing = (
        f" Box 1 leaves out {amounts_text(tally.unconvertible)} with no exchange rate to USD: add the rate first."
        if tally.unconvertible
        else ""
    )
    year = threshold.year
    if total >= threshold.amount:
        also = f"; {money(withheld)} of backup withholding goes in box 4" if withheld else ""
        reaches = f"{money(total)} reportable reaches the {year} threshold of {money(threshold.amount)}"
        return Decision(True, f"{reaches}{also}.{missing}")
    if withheld > 0:
        return Decision(
            True, f"Backup withholding of {money(withheld)} was withheld: a form is needed whatever the amount "
            f"({money(total)} reportable).{missing}",
        )  # fmt: skip
    if tally.unconvertible:
        return Decision(
            None,
            f"Cannot tell: {amounts_text(tally.unconvertible)} paid has no exchange rate to USD "
            f"({money(total)} reportable without it, the {year} threshold is {money(threshold.amount)}). "
            "Add the rate in the workspace settings.",
        )
    if total > 0:
        return Decision(False, f"{money(total)} reportable is under the {year} threshold of {money(threshold.amount)}.")
    reasons = [EXCLUSION_TEXT[r] for r in Exclusion if r in tally.reasons]
    if not reasons:
        return Decision(False, "Nothing reportable was paid.")
    return Decision(False, "Nothing reportable: " + "; ".join(reasons) + ".")


# --- The year-end report ------------------------------------------------------------------------------


@dataclass
class PayeeLine:
    tally: PayeeYear
    decision: Decision
    w9_on_file: bool
    w8: W8Standing | None  # for payees who are not US persons

    @property
    def payee(self) -> Contractor:
        return self.tally.payee

    @property
    def papers_missing(self) -> list[str]:
        """What a US payee (or one whose status is unknown) lacks: a W-9, a verified TIN."""
        if self.payee.us_person is False:
            return []
        missing = []
        if not self.w9_on_file:
            missing.append("no W-9 on file")
        if self.payee.tin_verified is not True:
            missing.append("TIN check failed" if self.payee.tin_verified is False else "TIN not checked")
        return missing


@dataclass
class UnconvertibleInvoice:
    ref: str
    number: str
    payee: str
    payee_ref: str
    paid_on: dt.date
    amount: Decimal
    currency: str
    channel: str


@dataclass
class TaxReport:
    workspace: Workspace
    year: int
    as_of: dt.date
    threshold: Threshold
    deadline: dt.date
    deadline_note: str
    lines: list[PayeeLine]  # every payee paid in the year, by name
    unconvertible_invoices: list[UnconvertibleInvoice]
    unconvertible_count: int

    @property
    def forms(self) -> list[PayeeLine]:
        return [line for line in self.lines if line.decision.needed]

    @property
    def undecided(self) -> list[PayeeLine]:
        return [line for line in self.lines if line.decision.needed is None]

    @property
    def missing_papers(self) -> list[PayeeLine]:
        return [line for line in self.lines if line.papers_missing]

    @property
    def foreign(self) -> list[PayeeLine]:
        return [line for line in self.lines if line.payee.us_person is False]

    @property
    def foreign_flagged(self) -> list[PayeeLine]:
        return [line for line in self.foreign if line.w8 is not None and line.w8.state != W8State.CURRENT]

    @property
    def compensation_total(self) -> Decimal:
        return sum((line.tally.reportable for line in self.forms), ZERO)

    @property
    def withheld_total(self) -> Decimal:
        return sum((line.tally.withheld for line in self.forms), ZERO)

    @property
    def excluded_totals(self) -> dict[Exclusion, Decimal]:
        totals: dict[Exclusion, Decimal] = {}
        for line in self.lines:
            for reason, amount in line.tally.excluded.items():
                totals[reason] = totals.get(reason, ZERO) + amount
        return {reason: totals[reason] for reason in Exclusion if reason in totals}


def tax_report(*, workspace: Workspace, year: int, as_of: dt.date) -> TaxReport:
    """The 1099-NEC year-end report of `workspace` for payments made in `year`, as of `as_of` (W-8
    expiry is judged on that day). Four queries, five with unconvertible invoices to list."""
    problem = year_problem(year, as_of)
    if problem:
        raise ValueError(problem)
    threshold = threshold_for(year)
    groups = payment_groups(workspace=workspace, years=[year])
    by_payee: dict[int, list[PaymentGroup]] = defaultdict(list)
    for group in groups:
        by_payee[group.payee].append(group)
    # Every contractor and tax paper of the workspace (rows grow with contractors, not invoices): cheaper
    # than asking the database again which contractors the million invoices were paid to.
    profiles = payee_profiles(workspace=workspace) if groups else {}
    documents = tax_documents(workspace=workspace) if groups else {}
    lines = []
    payees = [profiles[pk] for pk in by_payee if pk in profiles]
    for payee in sorted(payees, key=lambda c: (c.name.lower(), c.ref)):
        tally = payee_year(payee, by_payee[payee.pk], year=year, workspace=workspace)
        papers = documents.get(payee.pk, [])
        lines.append(
            PayeeLine(
                tally=tally,
                decision=decide(tally, threshold),
                w9_on_file=has_w9(papers),
                w8=w8_standing(papers, as_of) if payee.us_person is False else None,
            )
        )
    unconvertible: set[str] = set()
    count = 0
    for group in groups:
        if group.currency not in unconvertible and convert(workspace, Decimal(1), group.currency, USD) is None:
            unconvertible.add(group.currency)
    count = sum(g.count for g in groups if g.currency in unconvertible)
    listed = []
    if unconvertible:
        rows = (
            Invoice.objects.filter(_paid_in([year]), workspace=workspace, currency__in=sorted(unconvertible))
            .values("ref", "number", "paid_on", "amount", "currency", "channel", "engagement__contractor__name",
                    "engagement__contractor__ref")
            .order_by("paid_on", "ref")[:UNCONVERTIBLE_LISTED]
        )  # fmt: skip
        listed = [
            UnconvertibleInvoice(
                ref=r["ref"],
                number=r["number"],
                payee=r["engagement__contractor__name"],
                payee_ref=r["engagement__contractor__ref"],
                paid_on=r["paid_on"] or dt.date.min,  # never empty: the filter is on paid_on
                amount=r["amount"],
                currency=r["currency"],
                channel=r["channel"],
            )
            for r in rows
        ]
    return TaxReport(
        workspace=workspace, year=year, as_of=as_of, threshold=threshold, deadline=filing_deadline(year),
        deadline_note=deadline_note(year), lines=lines, unconvertible_invoices=listed, unconvertible_count=count,
    )  # fmt: skip


def report_years(*, workspace: Workspace, today: dt.date) -> list[int]:
    """The years a report can be asked for, newest first: from the first payment to the last, plus this
    year and last. Two queries that read one row each from the (workspace, paid_on) index."""
    paid = Invoice.objects.filter(workspace=workspace, paid_on__isnull=False).values_list("paid_on", flat=True)
    first, last = paid.order_by("paid_on").first(), paid.order_by("-paid_on").first()
    years = {today.year, today.year - 1}
    if first is not None and last is not None:
        years |= set(range(max(first.year, first_year()), min(last.year, today.year + 1) + 1))
    return sorted((y for y in years if year_problem(y, today) is None), reverse=True)


# --- Faces' shapes: one dict for the API and the CLI's --json, one CSV -----------------------------------


def _contractor_dict(payee: Contractor) -> dict[str, Any]:
    return {"uuid": payee.uuid, "ref": payee.ref, "name": payee.name}


def _w8_dict(w8: W8Standing | None) -> dict[str, Any] | None:
    if w8 is None:
        return None
    return {
        "state": str(w8.state),
        "kind": w8.document.kind if w8.document else None,
        "signed_on": w8.document.signed_on if w8.document else None,
        "expires_on": w8.expires_on,
        "expiry_stated": w8.expiry_stated,
        "days_left": w8.days_left,
        "text": w8.text,
    }


def report_dict(report: TaxReport) -> dict[str, Any]:
    """The report as the API answers it (schema `payments.schemas_tax.TaxReportOut`)."""
    payees = []
    for line in report.lines:
        tally, payee = line.tally, line.payee
        payees.append(
            {
                "contractor": _contractor_dict(payee),
                "us_person": payee.us_person,
                "entity_type": payee.entity_type,
                "legal_services": payee.legal_services,
                "payments": tally.payments,
                "reportable": tally.reportable,
                "withheld": tally.withheld,
                "excluded": [
                    {"reason": str(r), "amount": a, "text": EXCLUSION_TEXT[r]} for r, a in tally.excluded.items()
                ],
                "unconvertible": [{"currency": c, "amount": a} for c, a in sorted(tally.unconvertible.items())],
                "unconvertible_excluded": [
                    {"currency": c, "amount": a} for c, a in sorted(tally.unconvertible_excluded.items())
                ],
                "needs_form": line.decision.needed,
                "why": line.decision.why,
                "w9_on_file": line.w9_on_file,
                "tin_verified": payee.tin_verified,
                "papers_missing": line.papers_missing,
                "w8": _w8_dict(line.w8),
            }
        )
    return {
        "workspace": report.workspace.name,
        "year": report.year,
        "form": FORM,
        "currency": USD,
        "as_of": report.as_of,
        "threshold": {
            "amount": report.threshold.amount,
            "known": report.threshold.known,
            "note": report.threshold.note,
            "source": report.threshold.source,
        },
        "deadline": report.deadline,
        "deadline_note": report.deadline_note,
        "summary": {
            "payees": len(report.lines),
            "forms": len(report.forms),
            "cannot_tell": len(report.undecided),
            "nonemployee_compensation": report.compensation_total,
            "federal_income_tax_withheld": report.withheld_total,
            "missing_papers": len(report.missing_papers),
            "foreign_flagged": len(report.foreign_flagged),
            "excluded": [
                {"reason": str(r), "amount": a, "text": EXCLUSION_TEXT[r]} for r, a in report.excluded_totals.items()
            ],
            "unconvertible_invoices": report.unconvertible_count,
        },
        "payees": payees,
        "unconvertible_invoices": [vars(i) for i in report.unconvertible_invoices],
    }


# The IRIS Taxpayer Portal's 1099-NEC upload template, as closely as it is known: the IRS hands the
# template out only inside the portal, by form and year, so check these headers against the one you
# download (docs/tax-forms.md lists what Outsourcer fills and what you add).
CSV_COLUMNS = [
    "Form Type", "Tax Year",
    "Payer TIN Type", "Payer Taxpayer ID Number", "Payer Name Type", "Payer Business or Entity Name Line 1",
    "Payer Business or Entity Name Line 2", "Payer First Name", "Payer Middle Name", "Payer Last Name",
    "Payer Suffix", "Payer Address Line 1", "Payer Address Line 2", "Payer City", "Payer State", "Payer ZIP Code",
    "Payer Country", "Payer Phone Number", "Payer Email Address",
    "Recipient TIN Type", "Recipient Taxpayer ID Number", "Recipient Name Type",
    "Recipient Business or Entity Name Line 1", "Recipient Business or Entity Name Line 2", "Recipient First Name",
    "Recipient Middle Name", "Recipient Last Name", "Recipient Suffix", "Recipient Address Line 1",
    "Recipient Address Line 2", "Recipient City", "Recipient State", "Recipient ZIP Code", "Recipient Country",
    "Form Account Number", "Second TIN Notice", "Corrected",
    "Box 1 - Nonemployee Compensation", "Box 2 - Direct Sales Indicator", "Box 3 - Excess Golden Parachute Payments",
    "Box 4 - Federal Income Tax Withheld",
    "State 1 - State Code", "State 1 - State Tax Withheld", "State 1 - State/Payer's State No.",
    "State 1 - State Income",
    "State 2 - State Code", "State 2 - State Tax Withheld", "State 2 - State/Payer's State No.",
    "State 2 - State Income",
]  # fmt: skip


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run (the one rule every CSV of the app follows)."""
    from outsourcer.payments.serialize import csv_cell

    return csv_cell(value)


def _state_code(country: str, region: str) -> str:
    """`NY` from region `NY-NYC` for a US payee; empty elsewhere."""
    return region.split("-", 1)[0].upper()[:2] if country.upper() == "US" and region else ""


def _name_fields(payee: Contractor) -> dict[str, str]:
    if payee.entity_type in PERSON_ENTITIES and payee.kind == Contractor.Kind.INDIVIDUAL:
        parts = payee.name.split()
        first, last = (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", payee.name)
        return {"Recipient Name Type": "I", "Recipient First Name": first, "Recipient Last Name": last}
    return {"Recipient Name Type": "B", "Recipient Business or Entity Name Line 1": payee.name}


def report_csv(report: TaxReport) -> str:
    """One row per payee who needs a 1099-NEC, under the IRIS template's headers. Fields Outsourcer
    does not store (TINs, street addresses, the payer's details) are left empty for you to add."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    ws = report.workspace
    for line in report.forms:
        payee = line.payee
        row: dict[str, Any] = {
            "Form Type": FORM,
            "Tax Year": report.year,
            "Payer TIN Type": "",
            "Payer Name Type": "B",
            "Payer Business or Entity Name Line 1": ws.name,
            "Payer State": _state_code(ws.country, ws.region),
            "Payer Country": ws.country if ws.country and ws.country.upper() != "US" else "",
            "Recipient TIN Type": "EIN" if payee.entity_type in EIN_ENTITIES else "",
            **_name_fields(payee),
            "Recipient State": _state_code(payee.country, payee.region),
            "Recipient Country": payee.country if payee.country and payee.country.upper() != "US" else "",
            "Form Account Number": payee.ref,
            "Second TIN Notice": "N",
            "Corrected": "N",
            "Box 1 - Nonemployee Compensation": f"{line.tally.reportable:.2f}",
            "Box 2 - Direct Sales Indicator": "N",
            "Box 4 - Federal Income Tax Withheld": f"{line.tally.withheld:.2f}" if line.tally.withheld else "",
        }
        writer.writerow([safe_cell(row.get(column, "")) for column in CSV_COLUMNS])
    return out.getvalue()
