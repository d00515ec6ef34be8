"""`outsourcer access`: the access register of a workspace from the command line.

    outsourcer access --workspace W [list] [--open | --left-open] [--engagement REF] [--json]
    outsourcer access revoke --workspace W --engagement REF (--system NAME | --all) [--on YYYY-MM-DD] [--json]

`--json` prints what the API answers (`GET /workspaces/{ws}/access-grants`); bad input exits 2 with the
reason on stderr.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text, refuse
from outsourcer.engagements.models import Engagement
from outsourcer.payments.management.commands.invoices import parse_day
from outsourcer.risk.models import AccessGrant
from outsourcer.risk.schemas_access import GRANT_STATE_LABELS, AccessGrantOut, grant_dict
from outsourcer.risk.selectors import access_grant_list, access_left_open
from outsourcer.risk.services import access_grant_revoke, access_revoke_all

LIST_ONLY = ("open", "left_open")
REVOKE_ONLY = ("system", "all", "on")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


class Command(WorkspaceCommand):
    help = (
        "The access register: every system a contractor can reach, at what level and until when (list, the "
        "default; --open, --left-open), and revoking an engagement's access (revoke --system NAME or --all)."
    )
    option_names = {"revoked_on": "--on"}

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", nargs="?", choices=["list", "revoke"], default="list", help="default: list")
        parser.add_argument("--workspace", required=True, help="name, slug or UUID")
        parser.add_argument("--engagement", metavar="REF_OR_ID", help="list: only this engagement's; revoke: whose")
        shown = parser.add_mutually_exclusive_group()
        shown.add_argument("--open", action="store_true", help="list: only grants not revoked yet")
        shown.add_argument(
            "--left-open",
            action="store_true",
            help="list: only open grants whose engagement ended or whose end date passed",
        )
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--system", metavar="NAME", help="revoke: the open grant(s) to this system")
        which.add_argument("--all", action="store_true", help="revoke: every open grant of the engagement")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="revoke: the day access was taken away (default today)")
        parser.add_argument("--json", action="store_true", help="print the grants as the API gives them")

    def _stray(self, options: dict[str, Any], names: tuple[str, ...], action: str) -> None:
        stray = [_flag(n) for n in names if options.get(n)]
        if stray:
            raise refuse(f"{', '.join(stray)} go{'es' if len(stray) == 1 else ''} with `access {action}` only.")

    # --- list --------------------------------------------------------------------------------------

    def _list(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        self._stray(options, REVOKE_ONLY, "revoke")
        workspace = access.workspace
        today = today_in(workspace.time_zone)
        engagement = self.find_engagement(access, options["engagement"]) if options["engagement"] else None
        if options["left_open"]:
            rows = access_left_open(workspace=workspace, today=today)
            if engagement is not None:
                rows = rows.filter(engagement=engagement)
        else:
            rows = access_grant_list(workspace=workspace, engagement=engagement, open_only=options["open"]).order_by(
                F("revoked_on").asc(nulls_first=True), "engagement__title", "system", "pk"
            )
        found = [grant_dict(g, today=today) for g in rows]
        if options["json"]:
            self.print_json(AccessGrantOut, found)
            return
        narrowed = "open " if options["open"] else "left-open " if options["left_open"] else ""
        where = f"{engagement.title}" if engagement is not None else workspace.name
        if not found:
            self.stdout.write(f"No {narrowed}access recorded in {where}.")
            return
        table = self.table(
            f"Access register: {where}",
            [("System", "left"), ("Contractor", "left"), ("Engagement", "left"), ("Level", "left"),
             ("Shared login", "left"), ("Granted", "left"), ("Ends", "left"), ("Revoked", "left"), ("State", "left")],
        )  # fmt: skip
        for r in found:
            late = r["left_open"] and r["state"] != "expired"
            state = GRANT_STATE_LABELS[r["state"]] + (", left open" if late else "")
            table.add_row(
                r["system"], r["contractor_name"], f"{r['engagement_title']} ({r['engagement_ref']})",
                (r["level"] or "-"), "yes" if r["shared_credential"] else "no", day_text(r["granted_on"]),
                day_text(r["expires_on"]), day_text(r["revoked_on"]), state,
            )  # fmt: skip
        self.print_table(table)
        still_open = sum(1 for r in found if r["revoked_on"] is None)
        left = sum(1 for r in found if r["left_open"])
        summary = f"{len(found)} grant{'s' if len(found) != 1 else ''}, {still_open} open"
        self.stdout.write(summary + (f", {left} left open: revoke them." if left else "."))

    # --- revoke ------------------------------------------------------------------------------------

    def _revoke(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        self._stray(options, LIST_ONLY, "list")
        if not options["engagement"]:
            raise refuse("--engagement: say whose access to revoke (a ref or an id).")
        if not options["system"] and not options["all"]:
            raise refuse("Say what to revoke: --system NAME, or --all for every open grant of the engagement.")
        workspace = access.workspace
        today = today_in(workspace.time_zone)
        on = parse_day(options["on"], "--on") if options["on"] else today
        engagement = self.find_engagement(access, options["engagement"])
        engagement.workspace = workspace
        actor = Actor.cli()
        try:
            if options["all"]:
                grants = list(engagement.access_grants.filter(revoked_on__isnull=True))
                count = access_revoke_all(actor=actor, engagement=engagement, on=on)
            else:
                grants = self._by_system(engagement, options["system"])
                with transaction.atomic():  # all of them, or (refused) none
                    for grant in grants:
                        access_grant_revoke(actor=actor, grant=grant, on=on)
                count = len(grants)
        except ValidationError as exc:
            raise self.invalid(exc, f"Nothing was revoked for {engagement.title}.") from exc
        if options["json"]:
            done = AccessGrant.objects.filter(pk__in=[g.pk for g in grants]).select_related("engagement__contractor")
            self.print_json(AccessGrantOut, [grant_dict(g, today=today) for g in done.order_by("system", "pk")])
            return
        if not count:
            what = f"to {options['system']}" if options["system"] else f"of {engagement.title}"
            self.stdout.write(f"No access {what} was open: nothing to revoke.")
            return
        systems = ", ".join(sorted({g.system for g in grants}))
        self.stdout.write(
            self.style.SUCCESS(
                f"Revoked {count} grant{'s' if count != 1 else ''} of {engagement.title} on {day_text(on)}: {systems}."
            )
        )

    def _by_system(self, engagement: Engagement, name: str) -> list[AccessGrant]:
        """The engagement's open grants to `name` (any case); refuses a name it has no grant for."""
        grants = list(engagement.access_grants.filter(system__iexact=name.strip()))
        if not grants:
            known = sorted(set(engagement.access_grants.values_list("system", flat=True)))
            hint = f" It has: {', '.join(known)}." if known else " It has no access recorded."
            raise refuse(f"--system: {engagement.title} has no grant to {name!r}.{hint}")
        return [g for g in grants if g.revoked_on is None]
