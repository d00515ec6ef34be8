"""`outsourcer report 1099 --workspace NAME --year 2026 [--json | --csv]`: the 1099-NEC year-end report.

A table by default; `--json` prints exactly what the API answers (`GET /workspaces/{ws}/tax/1099/{year}`);
`--csv` prints the IRIS upload rows (one per form). A bad year or workspace exits 2. The rules are in
`payments/tax.py`.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.table import Table

from outsourcer.accounts.door import door_for_operator
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.core.cli import as_api, dump_json, table_text
from outsourcer.core.timezones import today_in
from outsourcer.payments import tax
from outsourcer.payments.schemas_tax import TaxReportOut


class Command(BaseCommand):
    help = "Year-end reports. `report 1099`: who needs a Form 1099-NEC for a year of payments, and by when."

    def add_arguments(self, parser: ArgumentParser) -> None:
        reports = parser.add_subparsers(dest="report", required=True, metavar="{1099}")
        nec = reports.add_parser("1099", help="the 1099-NEC year-end report of one calendar year of payments")
        nec.add_argument("--workspace", required=True, help="name, slug or UUID")
        nec.add_argument("--year", required=True, type=int, help="the calendar year the payments were made, e.g. 2026")
        shape = nec.add_mutually_exclusive_group()
        shape.add_argument("--json", action="store_true", help="print the report as the API gives it")
        shape.add_argument("--csv", action="store_true", help="print the IRIS upload CSV: one row per form")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workspace = door_for_operator(name=options["workspace"]).workspace
        except WorkspaceLookupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        today = today_in(workspace.time_zone)
        year = options["year"]
        problem = tax.year_problem(year, today)
        if problem:
            raise CommandError(f"--year: {problem}", returncode=2)
        report = tax.tax_report(workspace=workspace, year=year, as_of=today)
        if options["json"]:
            self.stdout.write(dump_json(as_api(TaxReportOut, tax.report_dict(report))))
        elif options["csv"]:
            self.stdout.write(tax.report_csv(report), ending="")
        else:
            self.stdout.write(self._text(report))

    def _text(self, report: tax.TaxReport) -> str:
        lines = [
            f"1099-NEC report of {report.workspace.name}: payments made in {report.year}, in US dollars.",
            f"Threshold: ${report.threshold.amount:,.2f} or more.",
        ]
        if not report.threshold.known:
            lines.append(report.threshold.note)
        passed = " (passed)" if report.as_of > report.deadline else ""
        lines.append(f"Deadline{passed}: {report.deadline_note}")
        if report.lines:
            table = Table(title=f"Payees paid in {report.year}")
            for column, justify in (("Payee", "left"), ("Ref", "left"), ("Box 1", "right"), ("Box 4", "right"),
                                    ("Form", "left"), ("Why", "left"), ("Papers", "left")):  # fmt: skip
                table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
            for line in report.lines:
                needed = {True: "yes", False: "no", None: "cannot tell"}[line.decision.needed]
                papers = "; ".join(line.papers_missing) or (line.w8.text if line.w8 else "W-9 on file, TIN checked")
                table.add_row(
                    line.payee.name, line.payee.ref, f"{line.tally.reportable:,.2f}",
                    f"{line.tally.withheld:,.2f}" if line.tally.withheld else "-", needed, line.decision.why, papers,
                )  # fmt: skip
            lines.append(table_text(table))
        else:
            lines.append(f"Nobody was paid in {report.year}.")
        lines.append(
            f"{len(report.forms)} form(s) to file: box 1 ${report.compensation_total:,.2f}, "
            f"box 4 ${report.withheld_total:,.2f}."
        )
        for reason, amount in report.excluded_totals.items():
            lines.append(f"Left out: ${amount:,.2f}, {tax.EXCLUSION_TEXT[reason]}.")
        if report.unconvertible_count:
            lines.append(
                f"{report.unconvertible_count} paid invoice(s) have no exchange rate to USD; add the rates "
                "(workspace settings) and run the report again."
            )
        return "\n".join(lines)
