"""`outsourcer classification --workspace NAME ENGAGEMENT_REF [--json]`: an engagement's latest worker-status
assessment and what it says (the level, the answers toward employment by IRS category, the ABC test where
it applies, the FLSA test in force, when to reassess). `--json` prints what the API answers for that
assessment; an unknown workspace or engagement exits 2. It informs; it is not legal advice."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from rich.table import Table

from outsourcer.accounts.door import ObjectNotFound, door_for_operator
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.compliance.classification import DISCLAIMER, SS8_TEXT
from outsourcer.compliance.overview import Reading, assessment_history
from outsourcer.compliance.schemas_classification import AssessmentOut, assessment_dict
from outsourcer.core.cli import as_api, dump_json, table_text
from outsourcer.engagements.management.commands._shared import refuse
from outsourcer.engagements.models import Engagement


class Command(BaseCommand):
    help = (
        "Worker status: an engagement's latest assessment and what it says (factors, the ABC test, the FLSA "
        "test in force, when to reassess). It informs; it is not legal advice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("engagement", metavar="ENGAGEMENT_REF", help="the engagement's ref (or id)")
        parser.add_argument("--workspace", required=True, help="name, slug or UUID")
        parser.add_argument("--json", action="store_true", help="print the assessment as the API gives it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            access = door_for_operator(name=options["workspace"])
        except WorkspaceLookupError as exc:
            raise refuse(str(exc)) from exc
        rows = access.scope(Engagement.objects.select_related("contractor"))
        text = options["engagement"]
        engagement = rows.filter(ref=text).first()
        if engagement is None:
            try:
                engagement = access.get(rows, text)
            except ObjectNotFound as exc:
                raise refuse(f"No engagement {text!r} in {access.workspace.name} (give a ref or an id).") from exc
        engagement.workspace = access.workspace
        history = assessment_history(engagement=engagement)
        if not history:
            message = (
                f"{engagement.title} ({engagement.ref}) has never been assessed. Answer the worker-status "
                "questionnaire on the engagement's Worker status page, or POST it to "
                f"/api/v1/workspaces/{access.workspace.uuid}/engagements/{engagement.uuid}/classifications."
            )
            if options["json"]:
                self.stdout.write("null")  # no assessment; the reason goes to stderr
                self.stderr.write(message)
            else:
                self.stdout.write(message)
            return
        latest = history[0]
        if options["json"]:
            self.stdout.write(dump_json(as_api(AssessmentOut, assessment_dict(latest, engagement))))
        else:
            self.stdout.write(self._text(engagement, latest, len(history)))

    def _text(self, engagement: Engagement, reading: Reading, count: int) -> str:
        result, a = reading.result, reading.assessment
        earlier = f" ({count - 1} earlier)" if count > 1 else ""
        lines = [
            f"Worker status of {engagement.title} ({engagement.ref}) with {engagement.contractor.name}",
            f"Assessed on {a.assessed_on:%-d %B %Y}{earlier}.",
            "",
            f"{result.level.upper()}: {reading.headline}.",
            f"{result.count} of {reading.asked} answers point toward employment"
            + (f"; {len(result.unanswered)} not sure." if result.unanswered else "."),
            reading.explanation,
        ]
        table = Table(title="Answers toward employment, by IRS category")
        table.add_column("Category")
        table.add_column("Count", justify="right")
        table.add_column("What the answers say", overflow="fold")
        for group in result.factors:
            table.add_row(group.label, str(group.count), "\n".join(q.employee_sign for q in group.signs) or "-")
        lines += ["", table_text(table)]
        if result.abc is not None:
            lines += ["", f"ABC test ({result.abc.name}, {result.abc.citation}): all three prongs must be shown."]
            for p in result.prongs:
                lines.append(f"  {p.prong}. {p.text}: {p.state_text}.")
                if p.note:
                    lines.append(f"     {p.note}")
        if result.flsa is not None:
            lines += ["", f"FLSA test in force on {a.assessed_on:%-d %B %Y}: {result.flsa.name}."]
            lines += [f"  - {factor}" for factor in result.flsa.factors]
            lines.append(f"  {result.flsa.note}")
        else:
            lines += ["", "FLSA: no test in Outsourcer's data before 11 March 2024."]
        lines += ["", f"Reasonable basis: {a.reasonable_basis or 'none recorded (Section 530 relief needs one).'}"]
        lines.append(f"When to reassess: {reading.reassess_text}")
        if result.ss8_suggested:
            lines.append(f"Form SS-8: {SS8_TEXT}")
        lines += ["", f"Not legal advice. {DISCLAIMER}"]
        return "\n".join(lines)
