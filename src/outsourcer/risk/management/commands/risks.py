"""`outsourcer risks`: the risk register of a workspace from the command line.

    outsourcer risks --workspace W [list] [--status S] [--category C] [--engagement REF] [--json]
    outsourcer risks --workspace W heat-map [--json]          (or `list --heat-map`)
    outsourcer risks --workspace W add [--engagement REF | --contractor REF] --category C --title T
                                       --likelihood N --impact N [--mitigation M] [--owner O] [--review-on DATE]
    outsourcer risks --workspace W close REF

`--workspace` may come before or after the subcommand. `--json` prints what the API answers; bad input
exits 2 with the reason on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.api_types import DAY_MAX, DAY_MIN
from outsourcer.core.timezones import today_in
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text, refuse
from outsourcer.risk.charts import BAND_RANGES, IMPACT_WORDS, LIKELIHOOD_WORDS
from outsourcer.risk.models import Category, Risk
from outsourcer.risk.schemas import HeatMapOut, RiskOut, heat_dict, risk_dict
from outsourcer.risk.selectors import risk_heat, risk_list
from outsourcer.risk.services import risk_create, risk_update

ACTIONS = ("list", "heat-map", "add", "close")
RISK_ROWS = ("engagement__contractor", "contractor", "workspace")


def parse_day(text: str, option: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise refuse(f"{option}: give a date as YYYY-MM-DD, not {text!r}.") from exc
    if not DAY_MIN <= day <= DAY_MAX:
        raise refuse(f"{option}: give a date between {DAY_MIN.year} and {DAY_MAX.year}.")
    return day


def parse_score(text: str, option: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise refuse(f"{option}: give a whole number from 1 to 5, not {text!r}.")
    return value


def parse_choice(text: str | None, option: str, choices: list[str]) -> str:
    if not text:
        return ""
    if text not in choices:
        raise refuse(f"{option}: choose one of {', '.join(choices)} (not {text!r}).")
    return text


class Command(WorkspaceCommand):
    help = "The risk register of a workspace: list it (the default), draw its heat map as text, add a risk, close one."
    option_names = {
        "engagement": "--engagement",
        "contractor": "--contractor",
        "review_on": "--review-on",
        "ref": "--ref",
        "status": "error",
    }

    def add_arguments(self, parser: ArgumentParser) -> None:
        # The listing's options on the command itself too, so `risks --workspace W --status open` lists.
        self._listing_options(parser, top=True)
        actions = parser.add_subparsers(dest="action", required=False, metavar="{list,heat-map,add,close}")

        listing = actions.add_parser("list", help="the register, open risks first, the highest score first")
        self._listing_options(listing, top=False)

        heat = actions.add_parser("heat-map", help="how many risks at each likelihood and impact, as a 5 x 5 grid")
        self._workspace(heat, top=False)
        heat.add_argument("--status", default=argparse.SUPPRESS, help="only this status")
        heat.add_argument("--category", default=argparse.SUPPRESS, help="only this area")
        heat.add_argument("--engagement", metavar="REF_OR_ID", default=argparse.SUPPRESS, help="only this engagement's")
        heat.add_argument("--json", action="store_true", default=argparse.SUPPRESS)

        add = actions.add_parser("add", help="record a risk")
        self._workspace(add, top=False)
        about = add.add_mutually_exclusive_group()
        about.add_argument("--engagement", metavar="REF_OR_ID", default=argparse.SUPPRESS, help="the engagement")
        about.add_argument("--contractor", metavar="REF_OR_ID", help="a contractor, across all their work")
        add.add_argument("--category", required=True, default=argparse.SUPPRESS, help=self._areas())
        add.add_argument("--title", required=True, help="what could go wrong, in one sentence")
        add.add_argument("--likelihood", required=True, metavar="1-5", help=self._scale(LIKELIHOOD_WORDS))
        add.add_argument("--impact", required=True, metavar="1-5", help=self._scale(IMPACT_WORDS))
        add.add_argument("--mitigation", default="", help="what you do about it (a high risk needs one)")
        add.add_argument("--owner", default="", help="who watches it")
        add.add_argument("--review-on", metavar="YYYY-MM-DD", help="when to look at it again")
        add.add_argument("--ref", help="a short id; made up when not given")
        add.add_argument("--json", action="store_true", default=argparse.SUPPRESS)

        close = actions.add_parser("close", help="close a risk that can no longer happen (it stays on record)")
        close.add_argument("risk", metavar="REF", help="the risk's ref (or id)")
        self._workspace(close, top=False)
        close.add_argument("--json", action="store_true", default=argparse.SUPPRESS)

    @staticmethod
    def _workspace(parser: ArgumentParser, *, top: bool) -> None:
        default = None if top else argparse.SUPPRESS
        parser.add_argument("--workspace", default=default, help="name, slug or UUID")

    @staticmethod
    def _areas() -> str:
        return "the area: " + ", ".join(Category.values)

    @staticmethod
    def _scale(words: dict[int, str]) -> str:
        return ", ".join(f"{n} {w}" for n, w in words.items()).replace("%", "%%")

    def _listing_options(self, parser: ArgumentParser, *, top: bool) -> None:
        default = None if top else argparse.SUPPRESS
        self._workspace(parser, top=top)
        parser.add_argument("--status", default=default, help="only this status: " + ", ".join(Risk.Status.values))
        parser.add_argument("--category", default=default, help="only this area: " + ", ".join(Category.values))
        parser.add_argument("--engagement", metavar="REF_OR_ID", default=default, help="only this engagement's")
        parser.add_argument("--heat-map", action="store_true", default=False if top else argparse.SUPPRESS,
                            help="draw the heat map instead of the table")  # fmt: skip
        parser.add_argument("--json", action="store_true", default=False if top else argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options.get("workspace"):
            raise refuse("--workspace: name the workspace (its name, slug or UUID).")
        action = options.get("action") or "list"
        if action == "list" and options.get("heat_map"):
            action = "heat-map"
        super().handle(*args, **{**options, "action": action})

    # --- finding rows ------------------------------------------------------------------------------

    def _risk(self, access: WorkspaceAccess, text: str) -> Risk:
        return self.find_row(access, Risk.objects.select_related(*RISK_ROWS), text, "risk")

    def _contractor(self, access: WorkspaceAccess, text: str) -> Contractor:
        return self.find_row(access, Contractor.objects.all(), text, "contractor")

    def _filters(self, access: WorkspaceAccess, options: dict[str, Any]) -> dict[str, Any]:
        engagement = options.get("engagement")
        return {
            "status": parse_choice(options.get("status"), "--status", Risk.Status.values),
            "category": parse_choice(options.get("category"), "--category", Category.values),
            "engagement": self.find_engagement(access, engagement) if engagement else None,
        }

    # --- subcommands -------------------------------------------------------------------------------

    def _list(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        workspace = access.workspace
        filters = self._filters(access, options)
        today = today_in(workspace.time_zone)
        found = risk_list(workspace=workspace, **filters).select_related("engagement__contractor", "workspace")
        rows = [risk_dict(r, today=today) for r in found]
        if options.get("json"):
            self.print_json(RiskOut, rows)
            return
        if not rows:
            narrowed = any(filters.values())
            self.stdout.write(f"{workspace.name} has no risks{' that match' if narrowed else ' recorded yet'}.")
            return
        table = self.table(
            f"Risk register: {workspace.name}",
            [("Ref", "left"), ("Risk", "left"), ("Area", "left"), ("About", "left"), ("L x I", "right"),
             ("Band", "left"), ("Status", "left"), ("Owner", "left"), ("Review", "left"), ("Mitigation", "left")],
        )  # fmt: skip
        table.columns[0].no_wrap = True  # a ref to copy, never cut
        for r in rows:
            if r["engagement"]:
                about = f"{r['engagement_title']} ({r['engagement_ref']})"
            else:
                about = r["contractor_name"] or "whole workspace"
            review = day_text(r["review_on"]) + (" DUE" if r["review_due"] else "")
            table.add_row(
                r["ref"], r["title"], Category(r["category"]).label, about,
                f"{r['likelihood']} x {r['impact']} = {r['score']}", r["band"], Risk.Status(r["status"]).label,
                r["owner"] or "-", review, "yes" if r["mitigation"].strip() else "no",
            )  # fmt: skip
        self.print_table(table)
        high = sum(1 for r in rows if r["band"] == "high" and r["status"] != Risk.Status.CLOSED)
        due = sum(1 for r in rows if r["review_due"])
        summary = f"{len(rows)} risk{'s' if len(rows) != 1 else ''}, {high} high (not closed)"
        self.stdout.write(summary + (f", {due} due for review." if due else "."))

    def _heat_map(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        workspace = access.workspace
        filters = self._filters(access, options)
        rows = risk_list(workspace=workspace, **filters).exclude(status=Risk.Status.CLOSED)
        data = heat_dict(risk_heat(risks=rows))
        if options.get("json"):
            self.print_json(HeatMapOut, data)
            return
        self.stdout.write("\n".join(heat_lines(workspace.name, data)))

    def _add(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        engagement = self.find_engagement(access, options["engagement"]) if options.get("engagement") else None
        contractor = self._contractor(access, options["contractor"]) if options.get("contractor") else None
        category = parse_choice(options["category"], "--category", Category.values)
        data: dict[str, Any] = {
            "engagement": engagement,
            "contractor": contractor,
            "category": category,
            "title": options["title"].strip(),
            "likelihood": parse_score(options["likelihood"], "--likelihood"),
            "impact": parse_score(options["impact"], "--impact"),
            "mitigation": options["mitigation"],
            "owner": options["owner"],
            "review_on": parse_day(options["review_on"], "--review-on") if options.get("review_on") else None,
        }
        if options.get("ref"):
            data["ref"] = options["ref"]
        try:
            made = risk_create(actor=Actor.cli(), workspace=access.workspace, data=data)
        except ValidationError as exc:
            raise self.invalid(exc, "The risk was not recorded.") from exc
        self._done(access, options, made, f"Recorded risk {made.ref}: {made.title} (score {made.score}).")

    def _close(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        risk = self._risk(access, options["risk"])
        if risk.status == Risk.Status.CLOSED:
            self._done(access, options, risk, f"Risk {risk.ref} was closed already.")
            return
        try:
            risk_update(actor=Actor.cli(), risk=risk, data={"status": Risk.Status.CLOSED})
        except ValidationError as exc:
            raise self.invalid(exc, f"Risk {risk.ref} was not closed.") from exc
        self._done(access, options, risk, f"Closed risk {risk.ref}: {risk.title}. It stays in the register.")

    def _done(self, access: WorkspaceAccess, options: dict[str, Any], risk: Risk, message: str) -> None:
        if options.get("json"):
            row = self._risk(access, str(risk.uuid))
            self.print_json(RiskOut, risk_dict(row, today=today_in(access.workspace.time_zone)))
            return
        self.stdout.write(self.style.SUCCESS(message))


def heat_lines(name: str, data: dict[str, Any]) -> list[str]:
    """The heat map as text: likelihood rows (5 at the top), impact columns, each cell its count and band."""
    label_w, cell_w = 18, 14
    lines = [
        f"Risk heat map: {name} ({data['total']} on the map: {data['high']} high, {data['medium']} medium, "
        f"{data['low']} low; closed risks left off)",
        "",
        "likelihood".ljust(label_w) + "impact ->",
        "".ljust(label_w) + "".join(f"{n} {IMPACT_WORDS[n]}".ljust(cell_w) for n in range(1, 6)).rstrip(),
    ]
    for row in data["rows"]:
        likelihood = row["likelihood"]
        cells = "".join(f"{c['count']} {c['band']}".ljust(cell_w) for c in row["cells"])
        lines.append(f"{likelihood} {LIKELIHOOD_WORDS[likelihood]}".ljust(label_w) + cells.rstrip())
    lines += [
        "",
        "Score = likelihood x impact. " + "; ".join(f"{band}: {span}" for band, span in BAND_RANGES.items()) + ".",
    ]
    return lines
