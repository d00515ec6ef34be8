from argparse import ArgumentParser
from typing import Any

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.engagements import serialize
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text
from outsourcer.engagements.models import CustomerCommitment
from outsourcer.engagements.schemas import CommitmentOut
from outsourcer.engagements.selectors import commitment_list


class Command(WorkspaceCommand):
    help = "What the business promised its own customers, with the engagements that serve each promise."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list}")
        listing = actions.add_parser("list", help="customer commitments, the earliest promise first")
        listing.add_argument("--workspace", required=True, help="name, slug or UUID")
        listing.add_argument("--status", choices=CustomerCommitment.Status.values)
        listing.add_argument("--json", action="store_true")

    def _list(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        workspace = access.workspace
        found = commitment_list(workspace=workspace, status=options["status"] or "").prefetch_related("engagements")
        rows = [serialize.commitment_dict(c) for c in found]
        if options["json"]:
            self.print_json(CommitmentOut, rows)
            return
        if not rows:
            self.stdout.write(
                f"{workspace.name} has no customer commitments{' that match' if options['status'] else ''}."
            )
            return
        table = self.table(
            f"Customer commitments: {workspace.name}",
            [("Ref", "left"), ("Customer", "left"), ("Promise", "left"), ("Promised on", "left"),
             ("Buffer", "right"), ("Status", "left"), ("Engagements", "left")],
        )  # fmt: skip
        for r in rows:
            buffer = f"{r['buffer_days']} working day{'s' if r['buffer_days'] != 1 else ''}"
            engagements = ", ".join(e["ref"] for e in r["engagements"]) or "none yet"
            table.add_row(
                r["ref"], r["customer"], r["title"], day_text(r["promised_on"]), buffer,
                CustomerCommitment.Status(r["status"]).label, engagements,
            )  # fmt: skip
        self.print_table(table)
