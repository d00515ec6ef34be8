import datetime as dt
import io
import json
import re
from argparse import ArgumentParser
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from rich.console import Console
from rich.table import Table

from outsourcer.accounts.door import ObjectNotFound, WorkspaceAccess, door_for_operator
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.accounts.settings_rules import parse_hhmm
from outsourcer.contractors.models import Contractor, Stage
from outsourcer.contractors.selectors import contractor_detail, contractor_list
from outsourcer.contractors.services import PossibleDuplicates, contractor_create
from outsourcer.core.actor import Actor
from outsourcer.core.cli import dump_json
from outsourcer.core.timezones import today_in
from outsourcer.engagements.services import TRIAL_DAYS, trial_default_end, trial_start
from outsourcer.planning.models import Task
from outsourcer.vetting import serialize
from outsourcer.vetting.schemas import ContractorDetailOut, ContractorOut, EngagementOut
from outsourcer.vetting.selectors import GAP_TEXT, STANDING_LABELS
from outsourcer.vetting.services import VettingIncomplete, contractor_set_stage

# What the model calls a field, as the operator typed it.
OPTION_NAMES = {
    "time_zone": "--timezone",
    "work_start": "--start",
    "work_end": "--end",
    "work_days": "--days",
    "skills": "--skills",
    "skills_text": "--skills",
    "hourly_rate": "--rate",
    "override_reason": "--reason",
    "stage": "--to",
    "start_on": "--start",
    "end_on": "--end",
    "rate_currency": "--currency",
    "rate_amount": "--budget",
    "budget_cap": "--budget",
    "contractor": "REF",
}
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _as_api(schema: type[Schema], data: dict[str, Any]) -> Any:
    """Data exactly as the API answers it: the same schema, the same JSON encoder (times to the millisecond)."""
    return json.loads(json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder))


def _refuse(option: str, message: str) -> CommandError:
    return CommandError(f"{option}: {message}", returncode=2)


def _time(text: str | None, option: str) -> dt.time | None:
    if text is None:
        return None
    if not HHMM.match(text):
        raise _refuse(option, f"give a time of day as HH:MM, e.g. 09:00 (not {text!r}).")
    return parse_hhmm(text)


def _days(text: str | None) -> list[int]:
    if text is None:
        return []
    try:
        days = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        days = [0]
    if not days or any(not 1 <= d <= 7 for d in days):
        raise _refuse(
            "--days", f"ISO weekdays separated by commas, 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5 (not {text!r})."
        )
    return days


def _decimal(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
        ok = value.is_finite() and 0 <= value < Decimal(10) ** 12 and value == value.quantize(Decimal("0.01"))
    except InvalidOperation:
        ok = False
    if not ok:
        raise _refuse(option, f"a number, zero or more and below 10^12, with at most two decimals (not {text!r}).")
    return value


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise _refuse(option, f"give a date as YYYY-MM-DD (not {text!r}).") from exc
    if not dt.date(1900, 1, 1) <= day <= dt.date(2999, 12, 31):  # as the API: no sums past year 9999
        raise _refuse(option, f"give a date between 1900 and 2999 (not {text!r}).")
    return day


def _hours_text(hours: dict[str, Any] | None) -> str:
    if hours is None:
        return "not known"
    days = ", ".join(WEEKDAYS[d - 1] for d in hours["days"])
    return f"{hours['start']}-{hours['end']} {hours['timezone']} ({days})"


def _minutes_text(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d} min"


class Command(BaseCommand):
    help = (
        "The contractor directory of a workspace: list, show and add contractors, move them along the vetting "
        "pipeline, start a paid trial."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,show,add,stage,trial}")

        listing = actions.add_parser("list", help="the directory, by name")
        listing.add_argument("--workspace", required=True, help="name, slug or UUID")
        listing.add_argument("--stage", choices=Stage.values)
        listing.add_argument("--skill", default="", help="contractors who list this skill")
        listing.add_argument("--search", default="", help="part of the name, email, ref, skills or source")
        listing.add_argument("--json", action="store_true")

        show = actions.add_parser("show", help="one contractor: profile, records, gaps, scorecard, overlap")
        show.add_argument("contractor", metavar="REF_OR_ID")
        show.add_argument("--workspace", required=True, help="name, slug or UUID")
        show.add_argument("--json", action="store_true")

        add = actions.add_parser("add", help="add one contractor (a possible duplicate is refused)")
        add.add_argument("--workspace", required=True, help="name, slug or UUID")
        add.add_argument("--name", required=True)
        add.add_argument("--kind", choices=Contractor.Kind.values, default=Contractor.Kind.INDIVIDUAL)
        add.add_argument("--email", default="")
        add.add_argument("--country", default="", help="two-letter ISO code, e.g. DE")
        add.add_argument("--region", default="", help="state, province or city code, e.g. NY")
        add.add_argument("--timezone", help="IANA zone of the working hours, e.g. Europe/Berlin")
        add.add_argument("--start", help="start of the working day, HH:MM")
        add.add_argument("--end", help="end of the working day, HH:MM (earlier than --start crosses midnight)")
        add.add_argument("--days", help="working days, ISO weekdays: 1,2,3,4,5 (the default) is Monday to Friday")
        add.add_argument("--skills", default="", help="comma-separated, e.g. 'bookkeeping,payroll'")
        add.add_argument("--rate", help="hourly rate (needs --currency)")
        add.add_argument("--currency", default="", help="ISO 4217 code of the rate, e.g. USD")
        add.add_argument("--source", default="", help="where they were found: referral, a marketplace, a job post")
        add.add_argument("--notes", default="")
        add.add_argument("--ref", help="a ref of your own (made up when not given)")
        add.add_argument("--allow-duplicate", action="store_true", help="add even if the directory may hold them")
        add.add_argument("--json", action="store_true")

        stage = actions.add_parser("stage", help="move a contractor along the vetting pipeline")
        stage.add_argument("contractor", metavar="REF_OR_ID")
        stage.add_argument("--workspace", required=True, help="name, slug or UUID")
        stage.add_argument("--to", required=True, choices=Stage.values, help="the new stage")
        stage.add_argument("--reason", default="", help="why to approve with vetting steps missing")
        stage.add_argument("--json", action="store_true")

        trial = actions.add_parser("trial", help="start a paid trial (a fixed-price trial engagement)")
        trial.add_argument("contractor", metavar="REF_OR_ID")
        trial.add_argument("--workspace", required=True, help="name, slug or UUID")
        trial.add_argument("--title", required=True, help="what the trial is, e.g. 'Reconcile March'")
        trial.add_argument("--budget", required=True, help="the fixed price of the trial")
        trial.add_argument("--start", help="first day, YYYY-MM-DD (default today)")
        trial.add_argument("--end", help=f"last day, YYYY-MM-DD (default: {TRIAL_DAYS} days, the start included)")
        trial.add_argument("--currency", default="", help="ISO 4217 code (default the contractor's)")
        trial.add_argument("--task", help="ref or id of the time-audit task the trial tries out")
        trial.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            access = door_for_operator(name=options["workspace"])
        except WorkspaceLookupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        getattr(self, f"_{options['action']}")(access, options)

    # --- helpers -----------------------------------------------------------------------------------

    def _find(self, access: WorkspaceAccess, text: str) -> Contractor:
        contractors = contractor_detail(workspace=access.workspace).select_related("workspace")
        found = contractors.filter(ref=text).first()
        if found is not None:
            return found
        try:
            return access.get(contractors, text)
        except ObjectNotFound as exc:
            raise CommandError(
                f"No contractor {text!r} in {access.workspace.name} (give a ref or an id).", returncode=2
            ) from exc

    def _invalid(self, exc: ValidationError, what: str) -> CommandError:
        details = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for field, messages in details.items():
            name = OPTION_NAMES.get(field, "--" + field.replace("_", "-")) if field else "error"
            self.stderr.write(f"{name}: {' '.join(messages)}")
        return CommandError(what, returncode=2)

    def _print_table(self, table: Table) -> None:
        console = Console(record=True, width=160, file=io.StringIO(), markup=False)  # names are text, never markup
        console.print(table)
        self.stdout.write(console.export_text().rstrip("\n"))

    def _row_json(self, contractor: Contractor) -> dict[str, Any]:
        row = serialize.contractor_rows([contractor])[0]
        return _as_api(ContractorOut, row)

    # --- subcommands -------------------------------------------------------------------------------

    def _list(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        workspace = access.workspace
        found = contractor_list(
            workspace=workspace, stage=options["stage"] or "", skill=options["skill"], search=options["search"]
        ).select_related("workspace")
        rows = [_as_api(ContractorOut, r) for r in serialize.contractor_rows(list(found))]
        if options["json"]:
            self.stdout.write(dump_json(rows))
            return
        if not rows:
            narrowed = options["stage"] or options["skill"] or options["search"]
            self.stdout.write(f"{workspace.name} has no contractors{' that match' if narrowed else ''}.")
            return
        table = Table(title=f"Contractors: {workspace.name}")
        for column, justify in (("Ref", "left"), ("Name", "left"), ("Stage", "left"), ("Skills", "left"),
                                ("Rate / h", "right"), ("Standing", "left")):  # fmt: skip
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for r in rows:
            rate = f"{r['hourly_rate']} {r['currency']}" if r["hourly_rate"] is not None else ""
            standing = STANDING_LABELS[r["standing"]]
            if r["open_red_flags"]:
                standing += f" ({r['open_red_flags']} red flag{'s' if r['open_red_flags'] > 1 else ''})"
            table.add_row(r["ref"], r["name"], Stage(r["stage"]).label, ", ".join(r["skills"]), rate, standing)
        self._print_table(table)

    def _show(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        contractor = self._find(access, options["contractor"])
        detail = serialize.contractor_detail_dict(contractor, today=today_in(access.workspace.time_zone))
        data = _as_api(ContractorDetailOut, detail)
        if options["json"]:
            self.stdout.write(dump_json(data))
            return
        self.stdout.write("\n".join(self._profile_lines(data)))

    def _profile_lines(self, d: dict[str, Any]) -> list[str]:
        card = d["scorecard"]
        lines = [
            f"{d['name']} ({d['ref']}), {d['kind']}, stage: {Stage(d['stage']).label}",
            f"  Email: {d['email'] or '-'}   Country: {'-'.join(p for p in (d['country'], d['region']) if p) or '-'}",
            f"  Working hours: {_hours_text(d['working_hours'])}",
            f"  Skills: {', '.join(d['skills']) or '-'}",
            f"  Rate: {d['hourly_rate'] + ' ' + d['currency'] + ' / h' if d['hourly_rate'] else '-'}"
            f"   Source: {d['source'] or '-'}",
        ]
        percent = f" ({card['percent']}%)" if card["percent"] is not None else ""
        lines += ["", f"Standing: {card['standing_label']}{percent}"]
        for part in card["parts"]:
            value = f"{part['value']:.2f}" if part["value"] is not None else "-"
            lines.append(f"  {part['name']:<11} {value:>5}  weight {part['weight']:<2}  {part['detail']}")
        lines += [f"  ! {reason}" for reason in card["reasons"]]
        gaps = d["vetting_gaps"]
        lines.append("")
        lines.append("Vetting still missing: " + ("; ".join(GAP_TEXT[g] for g in gaps) if gaps else "nothing"))
        worst = d["worst_overlap_day"]
        if worst is None:
            lines.append("Overlap with your working hours: not known (no working hours)")
        else:
            day = dt.date.fromisoformat(worst["day"])
            lines.append(
                f"Worst working day of the next 30: {day:%a %d %b %Y}, {_minutes_text(worst['minutes'])} shared"
            )
        lines += self._records(d)
        return lines

    def _records(self, d: dict[str, Any]) -> list[str]:
        lines = ["", f"References ({len(d['references'])})"]
        for r in d["references"]:
            lines.append(f"  {r['name']}: {r['outcome'] or 'no outcome'}, checked {r['checked_on'] or 'not yet'}")
        lines.append(f"Interviews ({len(d['interviews'])})")
        for i in d["interviews"]:
            average = f"average {i['average']:.1f} of 5" if i["average"] is not None else "no scores"
            verified = ", identity verified" if i["identity_verified"] else ""
            lines.append(f"  {i['held_on']} {i['medium'] or ''}: {average}{verified}")
        lines.append(f"Documents ({len(d['documents'])})")
        for doc in d["documents"]:
            dates = f"signed {doc['signed_on'] or '-'}, expires {doc['expires_on'] or '-'}"
            lines.append(f"  {doc['kind']} {doc['title']}: {dates}{', file on record' if doc['has_file'] else ''}")
        lines.append(f"Red flags ({len(d['red_flags'])})")
        for f in d["red_flags"]:
            lines.append(f"  {f['noted_on']} {f['kind']}: {'resolved' if f['resolved'] else 'OPEN'}")
        lines.append(f"Engagements ({len(d['engagements'])})")
        for e in d["engagements"]:
            dates = f"{e['start_on'] or '?'} to {e['end_on'] or '?'}"
            lines.append(f"  {e['ref']} {e['title']} ({e['kind']}, {e['status']}), {dates}")
        return lines

    def _add(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        data: dict[str, Any] = {
            "name": options["name"].strip(),
            "kind": options["kind"],
            "email": options["email"].strip(),
            "country": options["country"].strip().upper(),
            "region": options["region"].strip(),
            "skills": [s for s in (part.strip() for part in options["skills"].split(",")) if s],
            "hourly_rate": _decimal(options["rate"], "--rate"),
            "currency": options["currency"].strip().upper(),
            "source": options["source"].strip(),
            "notes": options["notes"],
            "time_zone": (options["timezone"] or "").strip(),
            "work_start": _time(options["start"], "--start"),
            "work_end": _time(options["end"], "--end"),
            "work_days": _days(options["days"]),
        }
        if options["ref"]:
            data["ref"] = options["ref"].strip()
        try:
            contractor = contractor_create(
                actor=Actor.cli(), workspace=access.workspace, data=data, allow_duplicates=options["allow_duplicate"]
            )
        except ValidationError as exc:
            raise self._invalid(exc, "The contractor was not added.") from exc
        except PossibleDuplicates as exc:
            self.stderr.write("This may be someone already in the directory:")
            for match in exc.matches:
                self.stderr.write(f"  {match.contractor.ref}  {match.contractor.name}: {match.reason}")
            raise CommandError(
                "The contractor was not added; run again with --allow-duplicate to add them anyway.", returncode=2
            ) from exc
        contractor.refresh_from_db()  # the values as stored: a rate of 45 reads back as "45.00"
        if options["json"]:
            self.stdout.write(dump_json(self._row_json(contractor)))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {contractor.name} ({contractor.ref}) to {access.workspace.name} as a prospect."
                )
            )

    def _stage(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        contractor = self._find(access, options["contractor"])
        try:
            moved = contractor_set_stage(
                actor=Actor.cli(), contractor=contractor, stage=options["to"], override_reason=options["reason"]
            )
        except VettingIncomplete as exc:
            self.stderr.write(f"{contractor.name} has not been through every vetting step. Still missing:")
            for gap in exc.gaps:
                self.stderr.write(f"  - {GAP_TEXT[gap]}")
            raise CommandError(
                f"{contractor.name} was not moved; give --reason to move them to {options['to']} anyway.", returncode=2
            ) from exc
        except ValidationError as exc:
            raise self._invalid(exc, f"{contractor.name} was not moved.") from exc
        if options["json"]:
            self.stdout.write(dump_json(self._row_json(moved)))
            return
        self.stdout.write(
            self.style.SUCCESS(f"{moved.name} ({moved.ref}) is now at the {Stage(moved.stage).label} stage.")
        )
        if options["reason"] and moved.approval_override == options["reason"].strip():
            self.stdout.write(f"Approved with vetting steps missing; the reason is kept: {moved.approval_override}")

    def _trial(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        contractor = self._find(access, options["contractor"])
        budget = _decimal(options["budget"], "--budget")
        assert budget is not None
        start = _date(options["start"], "--start") or today_in(access.workspace.time_zone)
        end = _date(options["end"], "--end") or trial_default_end(start)
        task = None
        if options["task"]:
            tasks = access.scope(Task.objects.all())
            task = tasks.filter(ref=options["task"]).first()
            if task is None:
                try:
                    task = access.get(tasks, options["task"])
                except ObjectNotFound as exc:
                    raise _refuse("--task", f"no task {options['task']!r} in {access.workspace.name}.") from exc
        try:
            trial = trial_start(
                actor=Actor.cli(),
                contractor=contractor,
                title=options["title"].strip(),
                start_on=start,
                end_on=end,
                budget=budget,
                currency=options["currency"].strip().upper(),
                task=task,
            )
        except ValidationError as exc:
            raise self._invalid(exc, "The trial was not started.") from exc
        trial.refresh_from_db()
        if options["json"]:
            self.stdout.write(dump_json(_as_api(EngagementOut, serialize.engagement_dict(trial))))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Started the trial {trial.title} ({trial.ref}) with {contractor.name}: {trial.start_on} to "
                f"{trial.end_on}, {trial.budget_cap} {trial.rate_currency} fixed."
            )
        )
