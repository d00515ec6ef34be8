from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from outsourcer.core.backup import BackupError, backup_restore
from outsourcer.core.cli import dump_json, progress_bar


class Command(BaseCommand):
    help = "Check the backup at PATH in full, then replace the database and uploaded files with it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the data")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"] and options.get("interactive", True):
            answer = input("This replaces all current data with the backup. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was changed.", returncode=1)
        try:
            with progress_bar("Restoring", enabled=not options["json"]) as update:
                manifest = backup_restore(path=options["path"], progress=update)
        except BackupError as exc:
            raise CommandError(f"{exc} Nothing was changed.", returncode=2) from exc
        # A backup from an older version is brought up to date.
        call_command("migrate", verbosity=0, interactive=False)
        if options["json"]:
            self.stdout.write(dump_json(manifest))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored the backup of {manifest['created_at']} (Outsourcer {manifest['app_version']})."
                )
            )
