"""The bundle's `invoices` section and the time entries an invoice billed (`time_entries[].invoice_ref`):
stored as written, exported byte for byte, checked in full before anything is written."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from outsourcer.bundles.selectors import bundle_dumps, bundle_export
from outsourcer.bundles.services import INVOICE_IMPORT_NOTE, bundle_import_into, bundle_import_new
from outsourcer.bundles.validation import BundleInvalid, bundle_validate
from outsourcer.core.actor import Actor
from outsourcer.engagements.models import TimeEntry
from outsourcer.payments.models import BilledTime, Invoice, InvoiceEvent
from outsourcer.payments.services import invoice_create
from tests.conftest import Personas
from tests.test_bundles_engagements import full_work, work_bundle

ACTOR = Actor.cli()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def logo_work() -> dict:
    return {
        "ref": "e2", "contractor_ref": "ann", "title": "Logo", "kind": "project", "status": "completed",
        "start_on": "2026-10-01", "end_on": "2026-10-31",
        "rate": {"model": "fixed", "currency": "USD", "amount": "900.00"},
        "milestones": [{"ref": "m-logo", "title": "Logo", "due_on": "2026-10-20", "status": "accepted"}],
    }  # fmt: skip


def full_invoices() -> list[dict]:
    """Invoices in every status with every field the format has, written (and sorted) as the export writes them."""
    return [
        {"ref": "inv-a", "engagement_ref": "e1", "number": "AL-2026-11", "issued_on": "2026-11-20",
         "received_on": "2026-11-21", "amount": "400.00", "currency": "EUR", "due_on": "2026-12-05",
         "status": "paid", "paid_on": "2026-11-30", "channel": "wire", "backup_withholding": "96.00",
         "milestone_ref": "m-home"},
        {"ref": "inv-b", "engagement_ref": "e1", "received_on": "2026-11-22", "amount": "101.25", "currency": "EUR",
         "status": "approved"},
        {"ref": "inv-c", "engagement_ref": "e2", "issued_on": "2026-10-21", "amount": "900.00", "currency": "USD",
         "status": "disputed", "milestone_ref": "m-logo"},
        {"ref": "inv-d", "engagement_ref": "e2", "amount": "50.00", "currency": "GBP", "status": "received"},
        {"ref": "inv-e", "engagement_ref": "e2", "issued_on": "2026-10-21", "amount": "900.00", "currency": "USD",
         "status": "void"},
        {"ref": "inv-f", "engagement_ref": "e1", "amount": "12.00", "currency": "EUR", "status": "scheduled"},
        {"ref": "inv-g", "engagement_ref": "e2", "amount": "75.00", "currency": "USD", "status": "paid",
         "paid_on": "2026-10-30", "channel": "paypal"},
    ]  # fmt: skip


def money_bundle() -> dict:
    work = full_work()
    work["time_entries"][0]["invoice_ref"] = "inv-b"  # the approved hours, billed
    doc = work_bundle([work, logo_work()])
    doc["invoices"] = full_invoices()
    return doc


def paths(document) -> list[tuple[str, str]]:
    return [(e.path, e.message) for e in bundle_validate(document)]


# --- Round trip -----------------------------------------------------------------------------------


def test_every_invoice_field_comes_back_byte_for_byte(db):
    doc = money_bundle()
    assert paths(doc) == []
    ws = bundle_import_new(actor=ACTOR, document=doc, name="Tiny", owner=None).workspace
    exported = bundle_export(workspace=ws)
    assert exported["invoices"] == doc["invoices"]
    assert exported["engagements"] == doc["engagements"]  # invoice_ref included
    text = bundle_dumps(exported)
    again = bundle_import_new(actor=ACTOR, document=json.loads(text), name="Tiny", owner=None).workspace
    assert bundle_dumps(bundle_export(workspace=again)) == text
    # What was stored, as the payments app reads it.
    paid = Invoice.objects.get(workspace=ws, ref="inv-a")
    assert (paid.amount, paid.backup_withholding, paid.paid_on) == (Decimal(400), Decimal(96), dt.date(2026, 11, 30))
    assert paid.milestone.ref == "m-home" and paid.engagement.ref == "e1" and not paid.from_portal
    (billed,) = BilledTime.objects.filter(invoice__workspace=ws)
    assert (billed.invoice.ref, billed.time_entry.status, billed.time_entry.worked_on) == (
        "inv-b",
        TimeEntry.Status.APPROVED,
        dt.date(2026, 11, 16),
    )


def test_each_imported_invoice_starts_its_history_with_one_step_by_the_importer(db, personas: Personas):
    bundle_import_into(
        actor=Actor.cli(personas.owner), document=money_bundle(), workspace=personas.workspace, replace=True
    )
    events = InvoiceEvent.objects.filter(workspace=personas.workspace).select_related("invoice")
    assert sorted((e.invoice.ref, e.from_status, e.to_status) for e in events) == [
        (i["ref"], "", i["status"]) for i in full_invoices()
    ]
    assert {(e.by, e.by_label, e.note) for e in events} == {(personas.owner, personas.owner.email, INVOICE_IMPORT_NOTE)}


def test_the_export_is_sorted_whatever_the_order_of_the_file(db):
    doc = money_bundle()
    shuffled = copy.deepcopy(doc)
    shuffled["invoices"].reverse()
    ws = bundle_import_new(actor=ACTOR, document=shuffled, name="Tiny", owner=None).workspace
    assert [i["ref"] for i in bundle_export(workspace=ws)["invoices"]] == [i["ref"] for i in doc["invoices"]]
    assert bundle_dumps(bundle_export(workspace=ws)) == bundle_dumps(bundle_export(workspace=ws))


def test_invoice_files_stay_out_of_the_bundle_and_go_when_the_workspace_is_replaced(
    db, personas: Personas, django_capture_on_commit_callbacks
):
    ws = personas.workspace
    bundle_import_into(actor=ACTOR, document=money_bundle(), workspace=ws, replace=True)
    work = ws.engagement_set.get(ref="e1")
    upload = SimpleUploadedFile("march.pdf", PDF, content_type="application/pdf")
    stored = invoice_create(actor=ACTOR, engagement=work, data={"ref": "inv-z", "amount": 5}, upload=upload)
    assert stored.file and default_storage.exists(stored.file.name)
    exported = bundle_export(workspace=ws)
    (item,) = [i for i in exported["invoices"] if i["ref"] == "inv-z"]
    assert set(item) == {"ref", "engagement_ref", "amount", "currency", "status"}
    with django_capture_on_commit_callbacks(execute=True):
        bundle_import_into(actor=ACTOR, document=exported, workspace=ws, replace=True)
    assert not default_storage.exists(stored.file.name)  # removed once the import landed
    assert not Invoice.objects.get(workspace=ws, ref="inv-z").file  # the invoice came back, without its file


# --- Validation ------------------------------------------------------------------------------------


def test_invoices_that_point_nowhere_or_at_the_wrong_work_are_reported_with_their_paths(db):
    doc = money_bundle()
    draft = copy.deepcopy(logo_work()) | {"ref": "e3", "status": "draft", "milestones": []}
    doc["engagements"].append(draft)
    entries = doc["engagements"][0]["time_entries"]
    entries[1]["invoice_ref"] = "inv-b"  # submitted, not approved
    entries[2]["invoice_ref"] = "inv-c"  # an invoice of the other engagement
    entries[3]["invoice_ref"] = "inv-zz"  # no such invoice
    invoices = doc["invoices"]
    invoices[1]["engagement_ref"] = "nowhere"
    invoices[2]["milestone_ref"] = "m-home"  # e1's milestone on an e2 invoice
    invoices[3]["milestone_ref"] = "m-gone"
    invoices[4]["engagement_ref"] = "e3"
    invoices.append(dict(invoices[0]))  # the same ref twice
    assert paths(doc) == [
        ("$.engagements[0].time_entries[1].invoice_ref", "only approved time can be billed; this entry is submitted"),
        ("$.engagements[0].time_entries[2].invoice_ref", "invoice 'inv-c' bills engagement 'e2', not this one"),
        ("$.engagements[0].time_entries[2].invoice_ref", "only approved time can be billed; this entry is rejected"),
        ("$.engagements[0].time_entries[3].invoice_ref", "no invoice in the bundle has the ref 'inv-zz'"),
        ("$.engagements[0].time_entries[3].invoice_ref", "only approved time can be billed; this entry is draft"),
        ("$.invoices[1].engagement_ref", "no engagement in the bundle has the ref 'nowhere'"),
        ("$.invoices[2].milestone_ref", "milestone 'm-home' belongs to engagement 'e1', not to 'e2'"),
        ("$.invoices[3].milestone_ref", "no milestone in the bundle has the ref 'm-gone'"),
        ("$.invoices[4].engagement_ref", "engagement 'e3' is a draft: it has nothing to invoice yet"),
        ("$.invoices[7].ref", "ref 'inv-a' is already used by $.invoices[0]"),
    ]


def test_payments_amounts_and_dates_out_of_order_are_reported(db):
    doc = money_bundle()
    paid, approved, disputed, received = doc["invoices"][:4]
    del paid["paid_on"], paid["channel"]
    paid["backup_withholding"] = "400.01"
    paid["due_on"] = "2026-11-19"  # before it was issued
    approved |= {"paid_on": "2026-11-30", "channel": "ach", "amount": "0.00"}
    disputed |= {"received_on": "2026-10-20", "backup_withholding": "1.00"}  # received before it was issued
    received |= {"issued_on": "2026-11-10", "status": "paid", "paid_on": "2026-11-09", "channel": "card"}
    assert paths(doc) == [
        ("$.invoices[0].backup_withholding", "backup withholding cannot exceed the invoice"),
        ("$.invoices[0].channel", "a paid invoice needs how it was paid (it decides what goes on a 1099-NEC)"),
        ("$.invoices[0].due_on", "due before the invoice's date (2026-11-20)"),
        ("$.invoices[0].paid_on", "a paid invoice needs the day it was paid"),
        ("$.invoices[1].amount", "an invoice is for an amount above zero"),
        ("$.invoices[1].channel", "only a paid invoice has 'channel' (this one is approved)"),
        ("$.invoices[1].paid_on", "only a paid invoice has 'paid_on' (this one is approved)"),
        ("$.invoices[2].backup_withholding", "only a paid invoice has 'backup_withholding' (this one is disputed)"),
        ("$.invoices[2].received_on", "received before it was issued (2026-10-21)"),
        ("$.invoices[3].paid_on", "paid before it was issued (2026-11-10)"),
    ]


def test_the_schema_checks_each_invoice_field(db):
    doc = money_bundle()
    doc["invoices"][0] |= {"amount": "4,00", "currency": "eur", "status": "late", "channel": "venmo", "note": "x"}
    doc["invoices"][1].pop("engagement_ref")
    assert [path for path, _ in paths(doc)] == [
        "$.invoices[0].amount",
        "$.invoices[0].channel",
        "$.invoices[0].currency",
        "$.invoices[0].note",
        "$.invoices[0].status",
        "$.invoices[1]",
    ]


def test_a_refused_bundle_writes_nothing(db, personas: Personas):
    ws = personas.workspace
    bundle_import_into(actor=ACTOR, document=money_bundle(), workspace=ws, replace=True)
    before = (bundle_dumps(bundle_export(workspace=ws)), InvoiceEvent.objects.count(), BilledTime.objects.count())
    bad = money_bundle()
    bad["invoices"][0]["ref"] = "renamed"
    bad["invoices"][1]["milestone_ref"] = "m-logo"
    with pytest.raises(BundleInvalid) as exc:
        bundle_import_into(actor=ACTOR, document=bad, workspace=ws, replace=True)
    assert [e.path for e in exc.value.errors] == ["$.invoices[1].milestone_ref"]
    assert (bundle_dumps(bundle_export(workspace=ws)), InvoiceEvent.objects.count(), BilledTime.objects.count()) == (
        before
    )


def test_the_export_costs_the_same_queries_for_few_or_many_invoices(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n: int) -> int:
        engagements, invoices = [], []
        for i in range(n):
            work = copy.deepcopy(full_work()) | {"ref": f"e{i}"}
            for milestone in work["milestones"]:
                milestone["ref"] += f"-{i}"
            work["time_entries"][0]["invoice_ref"] = f"inv-{i}"
            engagements.append(work)
            invoices += [
                {"ref": f"inv-{i}", "engagement_ref": f"e{i}", "amount": "10.00", "currency": "EUR",
                 "status": "paid", "paid_on": "2026-11-30", "channel": "ach", "milestone_ref": f"m-home-{i}"},
                {"ref": f"inv-{i}-b", "engagement_ref": f"e{i}", "amount": "5.00", "currency": "EUR",
                 "status": "received"},
            ]  # fmt: skip
        doc = work_bundle(engagements) | {"invoices": invoices}
        ws = bundle_import_new(actor=ACTOR, document=doc, name=f"Q{n}", owner=None).workspace
        with CaptureQueriesContext(connection) as ctx:
            exported = bundle_export(workspace=ws)
        assert len(exported["invoices"]) == 2 * n
        return len(ctx.captured_queries)

    assert queries(1) == queries(6)
