from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.engagements import serialize
from outsourcer.engagements.briefs import PART_LABELS
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text, hours_text
from outsourcer.engagements.models import Engagement, Kind, Status
from outsourcer.engagements.schemas import BriefOut, EngagementDetailOut, EngagementOut, HoursOut
from outsourcer.engagements.selectors import engagement_list
from outsourcer.engagements.services import engagement_set_status

STATUS_CHOICES = [*Status.values, "running"]
CADENCE_WORDS = {
    "daily": "daily",
    "twice_weekly": "twice a week",
    "weekly": "weekly",
    "biweekly": "every two weeks",
    "monthly": "monthly",
    "per_milestone": "at each milestone",
}


def rate_text(rate: dict[str, Any]) -> str:
    """The rate as a person says it: "40.00 EUR / h, at most 10 h a week"."""
    amount, currency = rate["amount"], rate["currency"]
    money = f"{amount} {currency}" if amount is not None else f"(amount not set, {currency})"
    model = rate["model"]
    if model == "hourly":
        text = f"{money} / h"
        if rate["weekly_hour_cap"] is not None:
            text += f", at most {hours_text(rate['weekly_hour_cap'])} h a week"
        return text
    if model == "fixed":
        return f"{money} fixed"
    if model == "retainer":
        text = f"{money} a period"
        if rate["retainer_included_hours"] is not None:
            text += f", {hours_text(rate['retainer_included_hours'])} h included"
        return text
    if model == "commission":
        percent = hours_text(rate["commission_percent"])
        return f"{percent}% of {rate['commission_base'] or 'the base agreed'}"
    return f"by milestone ({currency})"


class Command(WorkspaceCommand):
    help = (
        "The engagements of a workspace: list them, show one, move one to another status, check its brief "
        "and its hours against the weekly cap."
    )
    option_names = {"status": "STATUS", "ended_reason": "--reason"}

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,show,status,brief,hours}")

        listing = actions.add_parser("list", help="engagements, the latest started first")
        listing.add_argument("--workspace", required=True, help="name, slug or UUID")
        listing.add_argument("--status", choices=STATUS_CHOICES, help="`running` is active or paused")
        listing.add_argument("--kind", choices=Kind.values)
        listing.add_argument("--search", default="", help="part of the title, ref or contractor's name")
        listing.add_argument("--json", action="store_true")

        show = actions.add_parser("show", help="one engagement: terms, brief score, communication plan")
        show.add_argument("engagement", metavar="REF_OR_ID")
        show.add_argument("--workspace", required=True, help="name, slug or UUID")
        show.add_argument("--json", action="store_true")

        status = actions.add_parser("status", help="move an engagement to another status")
        status.add_argument("engagement", metavar="REF_OR_ID")
        status.add_argument("status", choices=Status.values, metavar="STATUS", help=", ".join(Status.values))
        status.add_argument("--workspace", required=True, help="name, slug or UUID")
        status.add_argument("--reason", default="", help="why it ended (kept with the engagement)")
        status.add_argument("--json", action="store_true")

        brief = actions.add_parser("brief", help="the brief's completeness score and what it still misses")
        brief.add_argument("engagement", metavar="REF_OR_ID")
        brief.add_argument("--workspace", required=True, help="name, slug or UUID")
        brief.add_argument("--json", action="store_true")

        hours = actions.add_parser("hours", help="hours against the weekly cap, the last 8 weeks")
        hours.add_argument("engagement", metavar="REF_OR_ID")
        hours.add_argument("--workspace", required=True, help="name, slug or UUID")
        hours.add_argument("--json", action="store_true")

    def _detail(self, access: WorkspaceAccess, engagement: Engagement) -> dict[str, Any]:
        rows = (
            Engagement.objects.filter(pk=engagement.pk)
            .select_related("contractor", "workspace", "customer_commitment", "brief", "communication")
            .prefetch_related("tasks")
        )
        return serialize.engagement_detail_dict(access.get(rows, engagement.uuid))

    # --- subcommands -------------------------------------------------------------------------------

    def _list(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        workspace = access.workspace
        found = engagement_list(
            workspace=workspace, status=options["status"] or "", kind=options["kind"] or "", q=options["search"]
        )
        rows = [serialize.engagement_dict(e) for e in found]
        if options["json"]:
            self.print_json(EngagementOut, rows)
            return
        if not rows:
            narrowed = options["status"] or options["kind"] or options["search"]
            self.stdout.write(f"{workspace.name} has no engagements{' that match' if narrowed else ''}.")
            return
        table = self.table(
            f"Engagements: {workspace.name}",
            [("Ref", "left"), ("Title", "left"), ("Contractor", "left"), ("Kind", "left"), ("Status", "left"),
             ("Dates", "left"), ("Rate", "left")],
        )  # fmt: skip
        for r in rows:
            dates = f"{day_text(r['start_on'])} to {day_text(r['end_on'])}"
            table.add_row(
                r["ref"], r["title"], r["contractor_name"], Kind(r["kind"]).label, Status(r["status"]).label, dates,
                rate_text(r["rate"]),
            )  # fmt: skip
        self.print_table(table)

    def _show(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        data = self._detail(access, self.find_engagement(access, options["engagement"]))
        if options["json"]:
            self.print_json(EngagementDetailOut, data)
            return
        self.stdout.write("\n".join(self._lines(data)))

    def _lines(self, d: dict[str, Any]) -> list[str]:
        terms = f"{d['payment_terms_days']} days" if d["payment_terms_days"] is not None else "-"
        cap = f"{d['budget_cap']} {d['rate']['currency']}" if d["budget_cap"] is not None else "-"
        lines = [
            f"{d['title']} ({d['ref']}), {Kind(d['kind']).label.lower()}, status: {Status(d['status']).label}",
            f"  Contractor: {d['contractor_name']} ({d['contractor_ref']})",
            f"  Dates: {day_text(d['start_on'])} to {day_text(d['end_on'])}",
            f"  Rate: {rate_text(d['rate'])}",
            f"  Budget cap: {cap}   Payment terms: {terms}",
            f"  Customer commitment: {d['customer_commitment_ref'] or '-'}",
            f"  Tasks: {', '.join(d['task_refs']) or '-'}",
        ]
        if d["ended_reason"]:
            lines.append(f"  Ended because: {d['ended_reason']}")
        brief = d["brief"]
        sent = f"version {brief['latest_version']} sent" if brief["latest_version"] else "not sent yet"
        if brief["changed_since_sent"]:
            sent += ", changed since"
        lines += ["", f"Brief: {brief['score']}/100 ({sent})"]
        lines += [f"  Missing: {PART_LABELS[m['part']]}" for m in brief["missing"]]
        lines += [f"  Too thin: {PART_LABELS[t['part']]}" for t in brief["thin"]]
        plan = d["communication"]
        if plan is None:
            lines.append("Communication plan: not written yet")
        else:
            cadence = CADENCE_WORDS.get(plan["cadence"] or "", "no set cadence")
            needs = (
                f", {hours_text(plan['needs_overlap_hours'])} h overlap needed" if plan["needs_overlap_hours"] else ""
            )
            channels = ", ".join(plan["channels"]) or "no channels"
            lines.append(f"Communication: {plan['point_person'] or 'no point person'}, {channels}, {cadence}{needs}")
        return lines

    def _status(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        engagement = self.find_engagement(access, options["engagement"])
        try:
            engagement_set_status(
                actor=Actor.cli(), engagement=engagement, status=options["status"], reason=options["reason"]
            )
        except ValidationError as exc:
            raise self.invalid(exc, f"{engagement.title} was not moved.") from exc
        if options["json"]:
            self.print_json(EngagementDetailOut, self._detail(access, engagement))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{engagement.title} ({engagement.ref}) is now {Status(engagement.status).label.lower()}."
            )
        )

    def _brief(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        engagement = self.find_engagement(access, options["engagement"])
        data = serialize.brief_dict(access.get(Engagement.objects.select_related("brief"), engagement.uuid))
        if options["json"]:
            self.print_json(BriefOut, data)
            return
        lines = [f"Brief for {engagement.title} ({engagement.ref}): {data['score']}/100"]
        if data["missing"]:
            lines.append("Missing:")
            lines += [f"  - {PART_LABELS[m['part']]}: {m['advice']}" for m in data["missing"]]
        if data["thin"]:
            lines.append("Too thin:")
            lines += [f"  - {PART_LABELS[t['part']]}: {t['advice']}" for t in data["thin"]]
        if not data["missing"] and not data["thin"]:
            lines.append("Nothing missing: the contractor has what they need.")
        latest = data["latest_version"]
        if latest is None:
            lines.append("Not sent to the contractor yet.")
        else:
            changed = "; changed since, send it again" if data["changed_since_sent"] else ""
            lines.append(f"Version {latest['number']} sent on {latest['sent_at']:%d %b %Y}{changed}.")
        self.stdout.write("\n".join(lines))

    def _hours(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        engagement = self.find_engagement(access, options["engagement"])
        data = serialize.hours_dict(engagement, today=today_in(access.workspace.time_zone))
        if options["json"]:
            self.print_json(HoursOut, data)
            return
        cap = data["weekly_hour_cap"]
        limit = f"a cap of {hours_text(cap)} h a week" if cap is not None else "no weekly cap"
        self.stdout.write(f"Hours on {engagement.title} ({engagement.ref}), {limit}:")
        table = self.table(
            None,
            [("Week of", "left"), ("Approved", "right"), ("Waiting", "right"), ("Left", "right"), ("Used", "right")],
        )
        for week in data["weeks"]:
            used = f"{week['percent']}%" if week["percent"] is not None else "-"
            if week["over"]:
                used += " OVER"
            table.add_row(
                day_text(week["week_start"]), hours_text(week["approved"]), hours_text(week["waiting"]),
                hours_text(week["left"]), used,
            )  # fmt: skip
        self.print_table(table)
