"""`outsourcer payables --workspace W [--this-week] [--csv | --json]`: what is still to pay, the soonest due
first. `--this-week` keeps the approved or scheduled invoices due by Sunday (overdue ones included);
`--csv` prints the same CSV as the web page's this-week download (cells that a spreadsheet would read as
a formula are quoted); `--json` prints what the API answers (`GET /workspaces/{ws}/payables`)."""

from __future__ import annotations

from argparse import ArgumentParser
from collections import defaultdict
from decimal import Decimal
from typing import Any

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.core.timezones import today_in
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text
from outsourcer.payments import serialize
from outsourcer.payments.management.commands.invoices import money, standing
from outsourcer.payments.models import Status
from outsourcer.payments.schemas import InvoiceOut
from outsourcer.payments.selectors import pay_this_week, payables


class Command(WorkspaceCommand):
    help = "What is still to pay, the soonest due first (--this-week: what to pay by Sunday), as a table, CSV or JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--workspace", required=True, help="name, slug or UUID")
        parser.add_argument(
            "--this-week", action="store_true", help="only approved or scheduled invoices due by Sunday, overdue too"
        )
        shape = parser.add_mutually_exclusive_group()
        shape.add_argument("--csv", action="store_true", help="print CSV (the web page's this-week columns)")
        shape.add_argument("--json", action="store_true", help="print the rows as the API gives them")

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, action="show", **options)

    def _show(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        workspace = access.workspace
        today = today_in(workspace.time_zone)
        found = (pay_this_week if options["this_week"] else payables)(workspace=workspace, today=today)
        if options["csv"]:
            self.stdout.write(serialize.payables_csv(found), ending="")
            return
        rows = serialize.payable_dicts(found, today=today)
        if options["json"]:
            self.print_json(InvoiceOut, rows)
            return
        what = "to pay this week" if options["this_week"] else "still to pay"
        if not rows:
            self.stdout.write(f"Nothing {what} in {workspace.name}.")
            return
        table = self.table(
            f"{what.capitalize()}: {workspace.name}",
            [("Due", "left"), ("Where it stands", "left"), ("Contractor", "left"), ("Engagement", "left"),
             ("Invoice", "left"), ("Amount", "right"), ("Status", "left")],
        )  # fmt: skip
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for r in rows:
            totals[r["currency"]] += Decimal(r["amount"])
            invoice = f"{r['number']} ({r['ref']})" if r["number"] else r["ref"]
            table.add_row(
                day_text(r["due_on_effective"]), standing(r, today), r["contractor_name"], r["engagement_title"],
                invoice, money(r["amount"], r["currency"]), Status(r["status"]).label,
            )  # fmt: skip
        self.print_table(table)
        overdue = sum(1 for r in rows if r["days_overdue"])
        sums = ", ".join(money(amount, currency) for currency, amount in sorted(totals.items()))
        count = f"{len(rows)} invoice{'s' if len(rows) != 1 else ''}"
        self.stdout.write(f"{count}: {sums}" + (f"; {overdue} overdue." if overdue else "."))
