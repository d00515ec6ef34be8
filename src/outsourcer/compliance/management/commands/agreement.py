"""`outsourcer agreement`: an engagement's written agreement. `show` prints the terms with the laws that cover
the engagement and what they lack, `pdf --output FILE` writes the PDF, `sign --on DATE [--file PATH]` records
the signing with the signed copy. `--json` prints what the API answers; bad input exits 2 with the reason."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.compliance import services
from outsourcer.compliance.agreements import DISCLAIMER, Terms, agreement_pdf, agreement_terms, money_text, terms_dict
from outsourcer.compliance.schemas import AgreementOut
from outsourcer.compliance.selectors import agreement_draft
from outsourcer.core.actor import Actor
from outsourcer.core.api_types import DAY_MAX, DAY_MIN
from outsourcer.core.cli import dump_json
from outsourcer.core.timezones import today_in
from outsourcer.engagements.management.commands._shared import WorkspaceCommand, day_text, refuse
from outsourcer.engagements.models import Engagement

CLAUSE_WORDS = {
    "independent_contractor_clause": "independent contractor",
    "ip_assignment": "ownership of the work (IP)",
    "confidentiality": "confidentiality",
    "payment_date_stated": "payment date",
    "termination_clause": "ending the agreement",
}
SOURCE_WORDS = {
    "budget_cap": "the engagement's budget cap",
    "fixed_price": "the engagement's price",
    "milestones": "the milestones added up",
    "agreement": "as agreed",
    "engagement": "the engagement's payment terms",
    "workspace": "the workspace's default terms",
    "brief": "the brief's deliverables",
    "title": "only the engagement's title",
}


def parse_day(text: str, option: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise refuse(f"{option}: give a date as YYYY-MM-DD, not {text!r}.") from exc
    if not DAY_MIN <= day <= DAY_MAX:
        raise refuse(f"{option}: give a date between {DAY_MIN.year} and {DAY_MAX.year}.")
    return day


class Command(WorkspaceCommand):
    help = (
        "An engagement's written agreement: show its terms and the freelancer laws that apply (the default), "
        "write it as a PDF, or record its signing with the signed copy."
    )
    option_names = {"signed_on": "--on", "file": "--file", "document": "--file"}

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("engagement", metavar="ENGAGEMENT_REF", help="the engagement's ref (or id)")
        parser.add_argument(
            "action", nargs="?", default="show", choices=["show", "pdf", "sign"], help="what to do (default: show)"
        )
        parser.add_argument("--workspace", required=True, help="name, slug or UUID")
        parser.add_argument("--output", metavar="FILE", help="pdf: where to write the PDF")
        parser.add_argument("--paper", choices=["A4", "Letter"], help="pdf: the paper size (default: by country)")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="sign: the day the last party signed")
        parser.add_argument("--file", metavar="PATH", help="sign: the signed copy (PDF, PNG or JPEG)")
        parser.add_argument("--json", action="store_true", help="print what the API answers")

    def _terms(self, access: WorkspaceAccess, engagement: Engagement) -> Terms:
        day = today_in(access.workspace.time_zone)
        return agreement_terms(engagement=engagement, agreement=agreement_draft(engagement=engagement), on=day)

    # --- subcommands -------------------------------------------------------------------------------

    def _show(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        terms = self._terms(access, self.find_engagement(access, options["engagement"]))
        if options["json"]:
            self.print_json(AgreementOut, terms_dict(terms))
            return
        self.stdout.write("\n".join(self._lines(terms)))

    def _pdf(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        if not options["output"]:
            raise refuse("pdf: give --output FILE, where to write the PDF.")
        terms = self._terms(access, self.find_engagement(access, options["engagement"]))
        target = Path(options["output"])
        if target.is_dir():
            raise refuse(f"--output: {target} is a directory; give a file name.")
        data = agreement_pdf(terms, paper=options["paper"])
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise refuse(f"--output: cannot write {target}: {exc.strerror}.") from exc
        missing = [c.label.lower() for c in terms.missing]
        if options["json"]:
            fields = [c.field for c in terms.missing]
            self.stdout.write(dump_json({"output": str(target), "size": len(data), "missing": fields}))
            return
        self.stdout.write(f"Wrote the agreement for {terms.engagement.title} to {target} ({len(data):,} bytes).")
        if missing:
            self.stdout.write(f"It lacks what the law asks for: {'; '.join(missing)}.")

    def _sign(self, access: WorkspaceAccess, options: dict[str, Any]) -> None:
        if not options["on"]:
            raise refuse("sign: give --on YYYY-MM-DD, the day the last party signed.")
        day = parse_day(options["on"], "--on")
        engagement = self.find_engagement(access, options["engagement"])
        path = Path(options["file"]) if options["file"] else None
        if path is not None and not path.is_file():
            raise refuse(f"--file: no file at {path}.")
        handle = path.open("rb") if path is not None else None
        try:
            upload = File(handle, name=path.name) if handle is not None and path is not None else None
            services.agreement_sign(actor=Actor.cli(), engagement=engagement, signed_on=day, upload=upload)
        except ValidationError as exc:
            raise self.invalid(exc, "The signing was not recorded.") from exc
        finally:
            if handle is not None:
                handle.close()
        terms = self._terms(access, engagement)
        if options["json"]:
            self.print_json(AgreementOut, terms_dict(terms))
            return
        line = f"Recorded the signing of the agreement for {engagement.title} on {day_text(day)}"
        if terms.document is not None:
            line += f", with the signed copy {terms.document.file_name}"
        self.stdout.write(line + ".")
        if terms.document is not None and terms.document.retain_until:
            self.stdout.write(f"Keep it until {day_text(terms.document.retain_until)}: it cannot be deleted before.")

    # --- words -------------------------------------------------------------------------------------

    def _lines(self, t: Terms) -> list[str]:
        e = t.engagement
        state = f"signed {day_text(t.signed_on)}" if t.signed_on else ("saved, not signed" if t.saved else "a draft")
        lines = [f"Agreement for {e.title} ({e.ref}) with {e.contractor.name}: {state}"]
        if t.law_checks:
            lines.append("")
            lines.append("Freelancer laws that cover it:")
            for lc in t.law_checks:
                kept = f"; keep it {lc.law.retention_years} years" if lc.law.retention_years else ""
                lines.append(f"  {lc.law.name} ({lc.law.citation}){kept}")
                for c in lc.fields:
                    lines.append(f"    {'held   ' if c.held else 'MISSING'}  {c.label}" + (
                        f": {c.detail}" if c.detail else ""))  # fmt: skip
        else:
            lines += ["", "No freelancer-protection law covers this engagement."]
        value = (
            f"{money_text(t.value, t.currency)} ({SOURCE_WORDS.get(t.value_source, t.value_source)})"
            if t.value is not None
            else "not known"
        )
        if t.clauses["payment_date_stated"]:
            payment = f"within {t.payment_days} days of receiving an invoice ({SOURCE_WORDS[t.payment_days_source]})"
            if t.completion_cap_days is not None:
                payment += f", never later than {t.completion_cap_days} days after the work is completed"
        else:
            payment = "not stated (the clause is off)"
        clauses = [words for name, words in CLAUSE_WORDS.items() if t.clauses[name]]
        lines += [
            "",
            "Terms:",
            f"  Business:      {t.business.name or '-'}; {', '.join(t.business.address.splitlines()) or 'no address'}",
            f"  Contractor:    {t.contractor.name or '-'}; "
            f"{', '.join(t.contractor.address.splitlines()) or 'no address'}",
            f"  Services:      {'; '.join(i.text for i in t.services)} ({SOURCE_WORDS[t.services_source]})",
            f"  Value:         {value}",
            f"  Rate:          {t.rate_text or 'not set on the engagement'}",
            f"  Payment:       {payment}",
            f"  Invoice:       within {t.invoice_deadline_days} days of completing the work",
            f"  Clauses:       {', '.join(clauses) or 'none'}",
            f"  Governing law: {t.governing_law or '-'}",
            "",
        ]
        if t.signed_on:
            copy = f"; signed copy {t.document.file_name}" if t.document is not None else "; no signed copy stored"
            lines.append(f"Signed on {day_text(t.signed_on)}{copy}.")
        else:
            lines.append("Not signed yet.")
        if t.retention_until:
            lines.append(f"Keep the signed agreement until {day_text(t.retention_until)}.")
        elif t.retention_years:
            lines.append(f"Keep the signed agreement {t.retention_years} years after signing or the end of the work.")
        if t.missing:
            lines.append(f"Missing what the law asks for: {'; '.join(c.detail for c in t.missing)}")
        lines += ["", DISCLAIMER]
        return lines
