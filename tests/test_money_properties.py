"""Money is exact: for any set of invoices, the totals reconcile with the invoices themselves.

Rounding, as `payments/selectors.py` states it: each total is the exact sum of its invoices, each
converted into the base currency at the workspace's rate with no rounding on the way, rounded to cents
half up once, at the end. So each total below is compared with `cents(sum(amount x rate))` computed
here invoice by invoice; amounts with no rate are never guessed, only listed by currency.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outsourcer.engagements.models import TimeEntry
from outsourcer.payments.models import COMMITTED, BilledTime, Invoice, Status
from outsourcer.payments.selectors import UNCATEGORISED, budget_for, cents, spend
from tests.factories import ContractorFactory, EngagementFactory, TaskFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# The workspace's rates into US dollars; CHF has none.
CURRENCIES = ("USD", "EUR", "GBP", "INR", "CHF")
rates = st.fixed_dictionaries(
    {code: st.decimals(min_value="0.0001", max_value="150", places=4).map(str) for code in ("EUR", "GBP", "INR")}
)
money = st.decimals(min_value="0.01", max_value="99999.99", places=2)
paid_invoice = st.tuples(
    st.integers(0, 3),  # which engagement (contractor and category)
    st.integers(1, 12),  # the month it was paid in
    st.integers(1, 28),  # the day
    st.sampled_from(CURRENCIES),
    money,
)
_refs = itertools.count()


def _ref(prefix: str) -> str:
    return f"{prefix}-{next(_refs)}"


def _rate(fx: dict[str, str], currency: str) -> Decimal | None:
    return Decimal(1) if currency == "USD" else (Decimal(fx[currency]) if currency in fx else None)


@SETTINGS
@given(fx=rates, invoices=st.lists(paid_invoice, max_size=25))
def test_spend_by_contractor_month_and_category_each_reconcile_with_the_invoices(db, fx, invoices):
    ws = WorkspaceFactory(fx_rates=fx)
    # Four engagements: two contractors with two each; three categories (one engagement has none).
    people = [ContractorFactory(workspace=ws, name=name) for name in ("Ana", "Ben")]
    categories = ["design", "copywriting", "design", None]
    engagements = []
    for i, category in enumerate(categories):
        engagement = EngagementFactory(contractor=people[i % 2])
        if category:
            engagement.tasks.add(TaskFactory(workspace=ws, category=category))
        engagements.append(engagement)
    Invoice.objects.bulk_create(
        [
            Invoice(
                workspace=ws,
                engagement=engagements[e],
                ref=_ref("paid"),
                amount=amount,
                currency=currency,
                status=Status.PAID,
                paid_on=dt.date(2026, month, day),
                channel="ach",
            )
            for e, month, day, currency, amount in invoices
        ]
    )
    # An invoice outside the year and one not paid are not spend.
    Invoice.objects.create(
        workspace=ws, engagement=engagements[0], ref=_ref("old"), amount=Decimal(7), currency="USD",
        status=Status.PAID, paid_on=dt.date(2025, 12, 31), channel="ach",
    )  # fmt: skip
    Invoice.objects.create(
        workspace=ws, engagement=engagements[0], ref=_ref("open"), amount=Decimal(9), currency="USD",
        status=Status.APPROVED,
    )  # fmt: skip

    exact_by = {"contractor": defaultdict(Decimal), "month": defaultdict(Decimal), "category": defaultdict(Decimal)}
    unconvertible: dict[str, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    for e, month, _day, currency, amount in invoices:
        rate = _rate(fx, currency)
        if rate is None:
            unconvertible[currency] += amount
            continue
        value = amount * rate  # exact: no rounding on the way
        exact_by["contractor"][people[e % 2].name] += value
        exact_by["month"][dt.date(2026, month, 1)] += value
        exact_by["category"][categories[e] or UNCATEGORISED] += value
        total += value

    found = spend(workspace=ws, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert found.currency == "USD"
    assert found.by_contractor == {k: cents(v) for k, v in sorted(exact_by["contractor"].items())}
    assert found.by_month == {k: cents(v) for k, v in sorted(exact_by["month"].items())}
    assert found.by_category == {k: cents(v) for k, v in sorted(exact_by["category"].items())}
    assert found.total == cents(total)
    assert found.unconvertible == dict(unconvertible)
    # Every breakdown covers the same invoices: its parts, each rounded once, stay within half a cent each
    # of the total.
    for part in (found.by_contractor, found.by_month, found.by_category):
        assert abs(sum(part.values(), Decimal(0)) - found.total) <= Decimal("0.005") * len(part)


any_invoice = st.tuples(st.sampled_from(list(Status)), st.sampled_from(CURRENCIES), money)
time_entry = st.tuples(
    st.decimals(min_value="0.01", max_value="24", places=2),
    st.sampled_from(list(TimeEntry.Status)),
    st.booleans(),  # billed by an invoice
)


@SETTINGS
@given(
    fx=rates,
    invoices=st.lists(any_invoice, max_size=15),
    entries=st.lists(time_entry, max_size=15),
    rate=st.decimals(min_value="0.01", max_value="999.99", places=2),
)
def test_committed_spend_is_committed_invoices_plus_unbilled_approved_hours_at_the_rate(
    db, fx, invoices, entries, rate
):
    ws = WorkspaceFactory(fx_rates=fx)
    work = EngagementFactory(
        contractor=ContractorFactory(workspace=ws), rate_model="hourly", rate_amount=rate, rate_currency="USD",
        budget_cap=Decimal(1000),
    )  # fmt: skip
    stored = Invoice.objects.bulk_create(
        [
            Invoice(
                workspace=ws,
                engagement=work,
                ref=_ref("inv"),
                amount=amount,
                currency=currency,
                status=status,
                paid_on=dt.date(2026, 11, 2) if status == Status.PAID else None,
            )
            for status, currency, amount in invoices
        ]
    )
    logged = TimeEntry.objects.bulk_create(
        [
            TimeEntry(workspace=ws, engagement=work, worked_on=dt.date(2026, 11, 2), hours=hours, status=status)
            for hours, status, _billed in entries
        ]
    )
    if stored:
        BilledTime.objects.bulk_create(
            [
                BilledTime(invoice=stored[i % len(stored)], time_entry=entry)
                for i, (entry, (_h, status, billed)) in enumerate(zip(logged, entries, strict=True))
                if billed and status == TimeEntry.Status.APPROVED
            ]
        )

    committed = [(currency, amount) for status, currency, amount in invoices if status in COMMITTED]
    invoiced = sum((amount * r for currency, amount in committed if (r := _rate(fx, currency)) is not None), Decimal(0))

    # Approved hours count as time until an approved, scheduled or paid invoice bills them.
    def billed_by_committed(i: int, billed: bool) -> bool:
        return bool(billed and stored) and invoices[i % len(stored)][0] in COMMITTED

    unbilled_hours = sum(
        (
            hours
            for i, (hours, status, billed) in enumerate(entries)
            if status == TimeEntry.Status.APPROVED and not billed_by_committed(i, billed)
        ),
        Decimal(0),
    )
    budget = budget_for(engagement=work)
    assert budget.invoiced == invoiced
    assert budget.unbilled_time == unbilled_hours * rate
    assert budget.committed == cents(invoiced + unbilled_hours * rate)
    assert sorted(i.amount for i in budget.unconvertible) == sorted(a for c, a in committed if c == "CHF")
    assert budget.percent == int((budget.committed / 1000 * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
