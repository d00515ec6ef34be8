from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsourcer.accounts.door import door_for_operator
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.bundles.selectors import bundle_dumps, bundle_export


class Command(BaseCommand):
    help = "Write a workspace as a bundle (standard output by default). The same data gives the same bytes."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(prog_name, "export", **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--workspace", required=True, help="name, slug or UUID")
        parser.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workspace = door_for_operator(name=options["workspace"]).workspace
        except WorkspaceLookupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        text = bundle_dumps(bundle_export(workspace=workspace))
        if options["output"]:
            out = Path(options["output"])
            partial = out.with_name(out.name + ".partial")
            partial.write_text(text, encoding="utf-8")
            partial.replace(out)
            self.stderr.write(f"Wrote {out}.")
        else:
            self.stdout.write(text, ending="")
