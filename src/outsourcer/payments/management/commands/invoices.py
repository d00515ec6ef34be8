"""`outsourcer invoices`: list a workspace's invoices, show one with its due date and history, approve one,
record a payment. `--json` prints what the API answers; bad input exits 2 with the reason on stderr."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.api_types import DAY_MAX, DAY_MIN
from outsourcer.core.timezones import today_in
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text, hours_text, refuse
from outsourcer.payments import serialize
from outsourcer.payments.dues import invoice_due
from outsourcer.payments.models import Channel, Invoice, Status
from outsourcer.payments.schemas import InvoiceDetailOut, InvoiceOut, money_text
from outsourcer.payments.selectors import invoice_list
from outsourcer.payments.services import invoice_set_status

STATUS_CHOICES = ["open", *Status.values]
INVOICE_ROWS = ("engagement__contractor", "engagement__workspace", "milestone", "workspace")


def money(amount: Any, currency: str) -> str:
    return f"{money_text(Decimal(amount))} {currency}"


def standing(d: dict[str, Any], today: dt.date) -> str:
    """Where an invoice stands against its due date, in words."""
    status = d["status"]
    if status == Status.VOID:
        return "void"
    if status == Status.PAID:
        if d["paid_on_time"] is False:
            return f"paid {day_text(d['paid_on'])}, late"
        return f"paid {day_text(d['paid_on'])}"
    if d["due_on_effective"] is None:
        return "no date to count from"
    late = d["days_overdue"] or 0
    if late:
        words = f"{late} day{'s' if late != 1 else ''} overdue"
    else:
        ahead = (d["due_on_effective"] - today).days
        words = {0: "due today", 1: "due tomorrow"}.get(ahead, f"due in {ahead} days")
    return words + (" (on hold: disputed)" if status == Status.DISPUTED else "")


def parse_day(text: str, option: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise refuse(f"{option}: give a date as YYYY-MM-DD, not {text!r}.") from exc
    if not DAY_MIN <= day <= DAY_MAX:
        raise refuse(f"{option}: give a date between {DAY_MIN.year} and {DAY_MAX.year}.")
    return day


def parse_money(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise refuse(f"{option}: give an amount such as 50 or 50.00, not {text!r}.") from exc
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise refuse(f"{option}: give an amount of zero or more, with at most two decimals.")
    if value >= Decimal(10) ** 12:
        raise refuse(f"{option}: that amount is too large.")
    return value


class Command(WorkspaceCommand):
    help = (
        "The invoices of a workspace: list them (due dates and why), show one with its history, approve one, "
        "record a payment."
    )
    option_names = {
        "status": "error",
        "paid_on": "--on",
        "channel": "--channel",
        "backup_withholding": "--backup-withholding",
    }

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,show,approve,pay}")

        listing = actions.add_parser("list", help="invoices, the latest received first")
        listing.add_argument("--workspace", required=True, help="name, slug or UUID")
        listing.add_argument("--status", choices=STATUS_CHOICES, help="`open`: received, approved or scheduled")
        listing.add_argument("--engagement", metavar="REF_OR_ID", help="only this engagement's")
        listing.add_argument("--contractor", metavar="REF_OR_ID", help="only this contractor's")
        listing.add_argument("--json", action="store_true")

        show = actions.add_parser("show", help="one invoice: its due date and why, the hours it bills, its history")
        show.add_argument("invoice", metavar="REF", help="the invoice's ref (or id)")
        show.add_argument("--workspace", required=True, help="name, slug or UUID")
        show.add_argument("--json", action="store_true")

        approve = actions.add_parser("approve", help="approve a received (or disputed) invoice: it becomes committed")
        approve.add_argument("invoice", metavar="REF", help="the invoice's ref (or id)")
        approve.add_argument("--workspace", required=True, help="name, slug or UUID")
        approve.add_argument("--note", default="", help="kept with the step")
        approve.add_argument("--json", action="store_true")

        pay = actions.add_parser("pay", help="record that an approved or scheduled invoice was paid")
        pay.add_argument("invoice", metavar="REF", help="the invoice's ref (or id)")
        pay.add_argument("--workspace", required=True, help="name, slug or UUID")
        pay.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="the day the money went out")
        pay.add_argument(
            "--channel",
            required=True,
            choices=Channel.values,
            help="how it was paid; card, paypal, payment_app and platform go on the processor's 1099-K, "
            "never on your 1099-NEC",
        )
        pay.add_argument(
            "--backup-withholding", metavar="AMOUNT", help="tax withheld (24%%) because the payee's TIN was missing"
        )
        pay.add_argument("--note", default="", help="kept with the step")
        pay.add_argument("--json", action="store_true")

    # --- finding rows ------------------------------------------------------------------------------

    def _invoice(self, access: WorkspaceAccess, text: str) -> Invoice:
        return self.find_row(access, Invoice.objects.select_related(*INVOICE_ROWS), text, "invoice")

    def _contractor(self, access: WorkspaceAccess, text: str) -> Contractor:
        return self.find_row(access, Contractor.objects.all(), text, "contractor")

    def _detail(self, access: WorkspaceAccess, invoice: Invoice) -> dict[str, Any]:
        row = self._invoice(access, str(invoice.uuid))
        return serialize.invoice_detail_dict(row, invoice_due(row), today=today_in(access.workspace.time_zone))

    # --- subcommands -------------------------------------------------------------------------------

    def _list(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        workspace = access.workspace
        engagement = self.find_engagement(access, options["engagement"]) if options["engagement"] else None
        contractor = self._contractor(access, options["contractor"]) if options["contractor"] else None
        found = list(
            invoice_list(
                workspace=workspace, status=options["status"] or "", engagement=engagement, contractor=contractor
            )
        )
        today = today_in(workspace.time_zone)
        rows = serialize.invoice_dicts(found, today=today)
        if options["json"]:
            self.print_json(InvoiceOut, rows)
            return
        if not rows:
            narrowed = options["status"] or engagement or contractor
            self.stdout.write(f"{workspace.name} has no invoices{' that match' if narrowed else ''}.")
            return
        table = self.table(
            f"Invoices: {workspace.name}",
            [("Ref", "left"), ("Number", "left"), ("Contractor", "left"), ("Engagement", "left"),
             ("Amount", "right"), ("Status", "left"), ("Due", "left"), ("Where it stands", "left")],
        )  # fmt: skip
        for r in rows:
            table.add_row(
                r["ref"], r["number"] or "-", r["contractor_name"], f"{r['engagement_title']} ({r['engagement_ref']})",
                money(r["amount"], r["currency"]), Status(r["status"]).label, day_text(r["due_on_effective"]),
                standing(r, today),
            )  # fmt: skip
        self.print_table(table)
        overdue = sum(1 for r in rows if r["days_overdue"])
        summary = f"{len(rows)} invoice{'s' if len(rows) != 1 else ''}"
        self.stdout.write(summary + (f", {overdue} overdue." if overdue else "."))

    def _show(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        data = self._detail(access, self._invoice(access, options["invoice"]))
        if options["json"]:
            self.print_json(InvoiceDetailOut, data)
            return
        self.stdout.write("\n".join(self._lines(data, today_in(access.workspace.time_zone))))

    def _lines(self, d: dict[str, Any], today: dt.date) -> list[str]:
        title = f"Invoice {d['number']} ({d['ref']})" if d["number"] else f"Invoice {d['ref']}"
        lines = [
            f"{title}: {money(d['amount'], d['currency'])}, {Status(d['status']).label.lower()}",
            f"  Contractor: {d['contractor_name']} ({d['contractor_ref']})",
            f"  Engagement: {d['engagement_title']} ({d['engagement_ref']})"
            + (f", milestone {d['milestone_ref']}" if d["milestone_ref"] else ""),
            f"  Issued: {day_text(d['issued_on'])}   Received: {day_text(d['received_on'])}"
            + ("   (sent in the portal)" if d["from_portal"] else ""),
            f"  Due: {day_text(d['due_on_effective'])}",
            f"    Why: {d['due_basis']}",
        ]
        for law in d["laws"]:
            lines.append(f"    Covered by {law['name']} ({law['citation']})")
        lines.append(f"  Stands: {standing(d, today)}")
        if d["status"] == Status.PAID:
            withheld = d["backup_withholding"]
            extra = f", backup withholding {money(withheld, d['currency'])}" if withheld else ""
            lines.append(f"  Paid: {day_text(d['paid_on'])} by {Channel(d['channel']).label}{extra}")
        if d["note"]:
            lines.append(f"  Note: {d['note']}")
        if d["file_name"]:
            lines.append(f"  Copy: {d['file_name']} (download it from the invoice's web page)")
        if d["time_entries"]:
            total = sum((Decimal(t["hours"]) for t in d["time_entries"]), start=Decimal(0))
            lines.append(f"  Bills {len(d['time_entries'])} time entries, {hours_text(total)} h")
        nexts = ", ".join(d["next_statuses"]) or "none: it is settled"
        lines += [f"  Next: {nexts}", "", "History:"]
        for e in d["events"]:
            step = f"{e['from_status']} -> {e['to_status']}" if e["from_status"] else e["to_status"]
            note = f": {e['note']}" if e["note"] else ""
            lines.append(f"  {e['at']:%d %b %Y %H:%M} {step} by {e['by']}{note}")
        return lines

    def _move(self, access: WorkspaceAccess, invoice: Invoice, status: str, **kwargs: Any) -> Invoice:
        try:
            return invoice_set_status(actor=Actor.cli(), invoice=invoice, status=status, **kwargs)
        except ValidationError as exc:
            verb = {"approved": "approved", "paid": "recorded as paid"}.get(status, status)
            raise self.invalid(exc, f"Invoice {invoice.ref} was not {verb}.") from exc

    def _done(self, access: WorkspaceAccess, invoice: Invoice, options: dict[str, Any], words: str) -> None:
        if options["json"]:
            self.print_json(InvoiceDetailOut, self._detail(access, invoice))
            return
        self.stdout.write(self.style.SUCCESS(words))

    def _approve(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        invoice = self._invoice(access, options["invoice"])
        self._move(access, invoice, Status.APPROVED, note=options["note"])
        name = invoice.number or invoice.ref
        self._done(
            access, invoice, options,
            f"Approved invoice {name} of {invoice.engagement.contractor.name}: "
            f"{money(invoice.amount, invoice.currency)}, now committed spend.",
        )  # fmt: skip

    def _pay(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        paid_on = parse_day(options["on"], "--on")
        withheld = options["backup_withholding"]
        withholding = parse_money(withheld, "--backup-withholding") if withheld is not None else None
        invoice = self._invoice(access, options["invoice"])
        paid = self._move(
            access, invoice, Status.PAID, note=options["note"], paid_on=paid_on, channel=options["channel"],
            backup_withholding=withholding,
        )  # fmt: skip
        words = (
            f"Recorded invoice {paid.number or paid.ref} of {invoice.engagement.contractor.name} as paid on "
            f"{day_text(paid_on)} by {Channel(paid.channel).label}: {money(paid.amount, paid.currency)}"
        )
        if withholding:
            words += f", {money(withholding, paid.currency)} withheld"
        self._done(access, paid, options, words + ".")
