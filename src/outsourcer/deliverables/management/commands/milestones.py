from argparse import ArgumentParser
from typing import Any

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.core.timezones import today_in
from outsourcer.deliverables import serialize
from outsourcer.deliverables.models import Milestone
from outsourcer.deliverables.schemas import MilestoneOut
from outsourcer.deliverables.selectors import milestone_list
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text


class Command(WorkspaceCommand):
    help = "The milestones of a workspace, the soonest due first: what is overdue, what waits for review."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list}")
        listing = actions.add_parser("list", help="milestones, the soonest due first")
        listing.add_argument("--workspace", required=True, help="name, slug or UUID")
        listing.add_argument("--overdue", action="store_true", help="only open milestones past their due date")
        listing.add_argument(
            "--status", choices=["open", *Milestone.Status.values], help="`open`: planned, in progress or sent back"
        )
        listing.add_argument("--engagement", metavar="REF_OR_ID", help="only this engagement's")
        listing.add_argument("--json", action="store_true")

    def _list(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        workspace = access.workspace
        today = today_in(workspace.time_zone)
        engagement = self.find_engagement(access, options["engagement"]) if options["engagement"] else None
        found = milestone_list(
            workspace=workspace,
            today=today,
            status=options["status"] or "",
            engagement=engagement,
            due="overdue" if options["overdue"] else "all",
        )
        rows = [serialize.milestone_dict(m, today=today) for m in found]
        if options["json"]:
            self.print_json(MilestoneOut, rows)
            return
        if not rows:
            narrowed = options["overdue"] or options["status"] or engagement
            self.stdout.write(f"{workspace.name} has no milestones{' that match' if narrowed else ''}.")
            return
        table = self.table(
            f"Milestones: {workspace.name}",
            [("Ref", "left"), ("Title", "left"), ("Engagement", "left"), ("Contractor", "left"), ("Due", "left"),
             ("Status", "left"), ("Amount", "right")],
        )  # fmt: skip
        for r in rows:
            due = day_text(r["due_on"]) + (" OVERDUE" if r["overdue"] else "")
            status = Milestone.Status(r["status"]).label
            if r["delivered_to_customer_on"]:
                status += f", delivered {day_text(r['delivered_to_customer_on'])}"
            amount = f"{r['amount']} {r['currency']}" if r["amount"] is not None else ""
            table.add_row(
                r["ref"], r["title"], f"{r['engagement_title']} ({r['engagement_ref']})", r["contractor_name"], due,
                status, amount,
            )  # fmt: skip
        self.print_table(table)
        overdue = sum(1 for r in rows if r["overdue"])
        if overdue:
            self.stdout.write(f"{overdue} overdue.")
