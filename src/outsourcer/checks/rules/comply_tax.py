"""comply/missing-tax-form, comply/1099-due, comply/backup-withholding: US tax papers and year-end forms
(RULES.md, "comply"; research/domain-rules.md section 4).

Every rule is about one contractor. They read three loaders of `CheckContext`: the contractors (with
their tax profile), their W-9 / W-8BEN documents, and invoices summed by the database per contractor,
year paid, status, channel and currency (`payments.tax.payment_groups`): a fixed number of queries,
whatever the number of invoices. What counts toward a 1099-NEC, the thresholds, the deadline and
W-8BEN expiry are `payments/tax.py`'s, the same as the year-end report's.

The rules look at payments of last calendar year and this one, up to the reference date, and at
approved or scheduled invoices not paid yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from outsourcer.checks.registry import CheckContext, Hit, register
from outsourcer.checks.rules.manage import plural
from outsourcer.checks.rules.vet import and_list, contractor_subject, date_text
from outsourcer.contractors.models import Contractor
from outsourcer.payments import tax
from outsourcer.payments.models import Status
from outsourcer.payments.tax import PaymentGroup


def _by_payee(ctx: CheckContext) -> dict[int, list[PaymentGroup]]:
    found: dict[int, list[PaymentGroup]] = {}
    for group in ctx.tax_payments:
        found.setdefault(group.payee, []).append(group)
    return found


def _payees(ctx: CheckContext) -> Iterator[tuple[Contractor, list[PaymentGroup]]]:
    """Each contractor with payments or invoices waiting, by name."""
    groups = _by_payee(ctx)
    for contractor in ctx.contractors.values():
        if contractor.pk in groups:
            yield contractor, groups[contractor.pk]


def _since(ctx: CheckContext) -> str:
    return f"since {date_text(dt.date(min(ctx.tax_years), 1, 1))}" if ctx.tax_years else ""


def _status_text(contractor: Contractor) -> str:
    if contractor.us_person is True:
        return "a US person"
    if contractor.us_person is False:
        return "not a US person"
    return "US status not recorded"


@register(
    id="comply/missing-tax-form",
    severity="error",
    title="A contractor is paid without tax papers",
    checks=(
        "A contractor was paid (last calendar year or this one) or has an approved or scheduled invoice, and has "
        "no W-9 on file when they are a US person, no current W-8BEN or W-8BEN-E when they are not, and neither "
        "when whether they are a US person is not recorded. A W-8BEN is current until its stated expiry, else "
        "until 31 December of the third year after it was signed."
    ),
    why=(
        "The W-9 gives you the taxpayer ID and tax classification you need to decide on and file a 1099-NEC; "
        "without it you must withhold 24 % of reportable payments. For a foreign contractor, a current W-8BEN is "
        "what shows that no 1099 and no withholding are due. Collected after the money has gone, it is much "
        "harder to get."
    ),
    fix=(
        "Ask the contractor for the form before the next payment (no W-9, no payment), and record it as a "
        "document of the contractor with the date it was signed. For a foreign contractor whose W-8BEN has "
        "expired, ask for a new one."
    ),
    source="research 4.4, 4.5",
)
def missing_tax_form(ctx: CheckContext) -> Iterator[Hit]:
    for contractor, groups in _payees(ctx):
        paid = sum(g.count for g in groups if g.status == Status.PAID)
        waiting = sum(g.count for g in groups if g.status != Status.PAID)
        documents = ctx.tax_documents.get(contractor.pk, [])
        w9 = tax.has_w9(documents)
        w8 = tax.w8_standing(documents, ctx.as_of)
        if contractor.us_person is True:
            if w9:
                continue
            problem = "no W-9 is on file"
        elif contractor.us_person is False:
            if w8.current:
                continue
            if w8.document is None:
                problem = "no W-8BEN or W-8BEN-E is on file"
            else:
                assert w8.expires_on is not None  # an expired form has a date
                basis = "" if w8.expiry_stated else " (three years after it was signed)"
                problem = f"the {w8.kind_label} on file expired on {date_text(w8.expires_on)}{basis}"
        else:
            if w9 or w8.current:
                continue
            problem = "whether they are a US person is not recorded, and neither a W-9 nor a current W-8BEN is on file"
        what = []
        if paid:
            what.append(f"received {plural(paid, 'payment')} {_since(ctx)}")
        if waiting:
            what.append(f"has {plural(waiting, 'approved invoice')} waiting to be paid")
        yield Hit(
            subject=contractor_subject(contractor),
            message=f"{contractor.name} ({_status_text(contractor)}) {and_list(what)}, but {problem}.",
            facts={
                "us_person": contractor.us_person,
                "paid": paid,
                "waiting": waiting,
                "w9": w9,
                "w8": str(w8.state),
                "w8_expires_on": w8.expires_on.isoformat() if w8.expires_on else None,
            },
        )


def _deadline_text(year: int) -> str:
    due = tax.filing_deadline(year)
    moved = due != dt.date(year + 1, 1, 31)
    return f"{tax.day_text(due)}" + (" (31 January moved to the next business day)" if moved else "")


def _due_years(ctx: CheckContext) -> list[int]:
    """This year, and last year while its forms are not yet past due."""
    return [y for y in ctx.tax_years if y == ctx.as_of.year or ctx.as_of <= tax.filing_deadline(y)]


@register(
    id="comply/1099-due",
    severity="warning",
    title="A 1099-NEC is due for a contractor",
    checks=(
        "A US contractor's reportable payments in a calendar year reach that year's 1099-NEC threshold ($600 or "
        "more for payments through 2025, $2,000 or more for 2026; from 2027 indexed, $2,000 until the amount is "
        "published). Payments by card, PayPal, a payment app or a freelance platform do not count, nor payments "
        "to corporations unless for legal services; other currencies count at the workspace's exchange rates. "
        "It looks at this year's payments, and at last year's until their forms are due."
    ),
    why=(
        "The 1099-NEC is due to the IRS and to the contractor by 31 January of the next year (the next business "
        "day when that is a weekend or holiday), with no automatic extension. A late or missing form costs a "
        "penalty per form, rising the later it is filed."
    ),
    fix=(
        "Open the 1099-NEC year-end report for the year (the tax forms page under Money, or the command "
        "outsourcer report 1099), check each payee's W-9 details, download the CSV for the IRS's IRIS portal, "
        "add the TINs and addresses, and file before the deadline. Send the contractor their copy by the same day."
    ),
    source="research 4.1-4.3",
)
def form_1099_due(ctx: CheckContext) -> Iterator[Hit]:
    years = _due_years(ctx)
    for contractor, groups in _payees(ctx):
        if contractor.us_person is not True:
            continue
        sentences, facts = [], []
        for year in years:
            tally = tax.payee_year(contractor, groups, year=year, workspace=ctx.workspace)
            threshold = tax.threshold_for(year)
            if tally.reportable < threshold.amount:
                continue
            more = (
                f" (plus {tax.amounts_text(tally.unconvertible)} with no exchange rate to USD)"
                if tally.unconvertible
                else ""
            )
            sentences.append(
                f"{contractor.name} was paid {tax.money(tally.reportable)}{more} in {year} that counts toward a "
                f"1099-NEC, at or over the {year} threshold of {tax.money(threshold.amount)}: file it and send "
                f"the contractor their copy by {_deadline_text(year)}."
            )
            facts.append({"year": year, "reportable": str(tally.reportable), "threshold": str(threshold.amount)})
        if sentences:
            yield Hit(subject=contractor_subject(contractor), message=" ".join(sentences), facts={"years": facts})


@register(
    id="comply/backup-withholding",
    severity="error",
    title="No backup withholding without a W-9 or a valid TIN",
    checks=(
        "A payment that counts toward a 1099-NEC (not by card, PayPal, a payment app or a platform, not to a "
        "corporation unless for legal services) went to a US contractor who has no W-9 on file, or whose TIN "
        "check failed, with no backup withholding recorded. It looks at payments of last calendar year and this "
        "one, whatever their amount."
    ),
    why=(
        "Without a W-9, or when the IRS says the TIN is wrong, the payer must withhold 24 % of reportable "
        "payments and pay it to the IRS; what was not withheld the payer owes itself, with penalties."
    ),
    fix=(
        "Get a W-9 with a correct TIN from the contractor (check it with the IRS TIN matching service), and until "
        "then withhold 24 % of each payment and record it as the invoice's backup withholding."
    ),
    source="research 4.4",
)
def backup_withholding(ctx: CheckContext) -> Iterator[Hit]:
    rate = tax.backup_withholding_rate(ctx.as_of.year) if ctx.tax_years else None
    for contractor, groups in _payees(ctx):
        if contractor.us_person is not True or tax.payee_exclusion(contractor) is not None:
            continue
        problems = []
        w9 = tax.has_w9(ctx.tax_documents.get(contractor.pk, []))
        if not w9:
            problems.append("no W-9 is on file")
        if contractor.tin_verified is False:
            problems.append("the TIN check failed")
        if not problems:
            continue
        unwithheld = tax.unwithheld_reportable(contractor, groups, workspace=ctx.workspace)
        if not unwithheld.payments:
            continue
        amounts: list[str] = [tax.money(unwithheld.usd)] if unwithheld.usd else []
        if unwithheld.unconvertible:
            amounts.append(tax.amounts_text(unwithheld.unconvertible))
        percent = f"{(rate or 0) * 100:.0f} %"
        message = (
            f"{contractor.name} received {plural(unwithheld.payments, 'reportable payment')} ({and_list(amounts)}) "
            f"{_since(ctx)} with no backup withholding recorded, though {and_list(problems)}: withhold {percent} "
            "of each payment until a W-9 with a valid TIN is on file."
        )
        facts: dict[str, Any] = {
            "payments": unwithheld.payments,
            "usd": str(unwithheld.usd),
            "w9": w9,
            "tin_verified": contractor.tin_verified,
        }
        yield Hit(subject=contractor_subject(contractor), message=message, facts=facts)
