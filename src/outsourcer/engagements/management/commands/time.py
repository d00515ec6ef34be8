from argparse import ArgumentParser
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from outsourcer.accounts.door import ObjectNotFound, WorkspaceAccess
from outsourcer.core.actor import Actor
from outsourcer.engagements import serialize
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text, hours_text, refuse
from outsourcer.engagements.models import TimeEntry
from outsourcer.engagements.schemas import TimeEntryOut
from outsourcer.engagements.selectors import time_entry_list_for_workspace
from outsourcer.engagements.services import time_entry_decide


class Command(WorkspaceCommand):
    help = "Contractors' time entries: list them, approve or reject submitted hours."
    option_names = {"status": "error", "reason": "--reason"}

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,approve,reject}")

        listing = actions.add_parser("list", help="time entries, the latest worked first")
        listing.add_argument("--workspace", required=True, help="name, slug or UUID")
        listing.add_argument("--status", choices=TimeEntry.Status.values, help="`submitted` waits for approval")
        listing.add_argument("--engagement", metavar="REF_OR_ID", help="only this engagement's")
        listing.add_argument("--json", action="store_true")

        approve = actions.add_parser("approve", help="approve submitted hours (which locks them)")
        approve.add_argument("entry", nargs="?", metavar="ID", help="the time entry's id (from `time list`)")
        approve.add_argument("--workspace", required=True, help="name, slug or UUID")
        approve.add_argument(
            "--all-submitted", action="store_true", help="every entry of --engagement that waits for approval"
        )
        approve.add_argument("--engagement", metavar="REF_OR_ID", help="with --all-submitted")
        approve.add_argument("--json", action="store_true")

        reject = actions.add_parser("reject", help="reject submitted hours, saying why (the contractor sees it)")
        reject.add_argument("entry", metavar="ID", help="the time entry's id (from `time list`)")
        reject.add_argument("--workspace", required=True, help="name, slug or UUID")
        reject.add_argument("--reason", required=True, help="why; the contractor reads it")
        reject.add_argument("--json", action="store_true")

    def _entry(self, access: WorkspaceAccess, text: str) -> TimeEntry:
        try:
            return access.get(TimeEntry.objects.select_related("engagement__contractor", "workspace"), text)
        except ObjectNotFound as exc:
            raise refuse(f"No time entry {text!r} in {access.workspace.name} (give the id `time list` shows).") from exc

    @staticmethod
    def _what(entry: TimeEntry) -> str:
        return f"{hours_text(entry.hours)} h of {day_text(entry.worked_on)} on {entry.engagement.title}"

    def _decide(self, entry: TimeEntry, *, approve: bool, reason: str = "") -> TimeEntry:
        try:
            return time_entry_decide(actor=Actor.cli(), entry=entry, approve=approve, reason=reason)
        except ValidationError as exc:
            raise self.invalid(
                exc, f"The {self._what(entry)} were not {'approved' if approve else 'rejected'}."
            ) from exc

    # --- subcommands -------------------------------------------------------------------------------

    def _list(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        engagement = self.find_engagement(access, options["engagement"]) if options["engagement"] else None
        found = time_entry_list_for_workspace(
            workspace=access.workspace, status=options["status"] or "", engagement=engagement
        )
        rows = [serialize.time_entry_dict(t) for t in found]
        if options["json"]:
            self.print_json(TimeEntryOut, rows)
            return
        if not rows:
            narrowed = " that match" if options["status"] or engagement else ""
            self.stdout.write(f"{access.workspace.name} has no time entries{narrowed}.")
            return
        names = {t.uuid: (t.engagement.title, t.engagement.contractor.name) for t in found}
        table = self.table(
            f"Time entries: {access.workspace.name}",
            [("ID", "left"), ("Engagement", "left"), ("Contractor", "left"), ("Worked on", "left"),
             ("Hours", "right"), ("Status", "left"), ("Description", "left")],
            whole=("ID",),
        )  # fmt: skip
        for r in rows:
            title, contractor = names[r["id"]]
            status = TimeEntry.Status(r["status"]).label
            if r["rejection_reason"]:
                status += f": {r['rejection_reason']}"
            table.add_row(
                str(r["id"]), f"{title} ({r['engagement_ref']})", contractor, day_text(r["worked_on"]),
                hours_text(r["hours"]), status, r["description"],
            )  # fmt: skip
        self.print_table(table)
        total = sum((t.hours for t in found), start=Decimal(0))
        self.stdout.write(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}, {hours_text(total)} h.")

    def _approve(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        if options["all_submitted"]:
            if options["entry"]:
                raise refuse("Give either an ID or --all-submitted, not both.")
            if not options["engagement"]:
                raise refuse("--all-submitted needs --engagement REF: the engagement whose hours to approve.")
            engagement = self.find_engagement(access, options["engagement"])
            waiting = list(
                time_entry_list_for_workspace(
                    workspace=access.workspace, status=TimeEntry.Status.SUBMITTED, engagement=engagement
                ).order_by("worked_on", "pk")
            )
            with transaction.atomic():  # all of them or none
                decided = [self._decide(entry, approve=True) for entry in waiting]
        else:
            if not options["entry"]:
                raise refuse("Give the ID of the time entry to approve, or --all-submitted --engagement REF.")
            if options["engagement"]:
                raise refuse("--engagement goes with --all-submitted; an ID names one entry already.")
            engagement = None
            decided = [self._decide(self._entry(access, options["entry"]), approve=True)]
        if options["json"]:
            self.print_json(TimeEntryOut, [serialize.time_entry_dict(t) for t in decided])
            return
        if engagement is not None and not decided:
            self.stdout.write(f"Nothing on {engagement.title} ({engagement.ref}) waits for approval.")
            return
        for entry in decided:
            self.stdout.write(self.style.SUCCESS(f"Approved {self._what(entry)}."))
        if len(decided) > 1:
            total = sum((entry.hours for entry in decided), start=Decimal(0))
            self.stdout.write(f"{len(decided)} entries, {hours_text(total)} h, approved and locked.")

    def _reject(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        entry = self._decide(self._entry(access, options["entry"]), approve=False, reason=options["reason"])
        if options["json"]:
            self.print_json(TimeEntryOut, serialize.time_entry_dict(entry))
            return
        self.stdout.write(self.style.SUCCESS(f"Rejected {self._what(entry)}: {entry.rejection_reason}"))
