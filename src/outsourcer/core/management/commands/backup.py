from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from outsourcer.core.backup import BackupError, backup_create
from outsourcer.core.cli import dump_json, progress_bar


class Command(BaseCommand):
    help = "Write a consistent backup (database and uploaded files) to PATH, while the app runs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="archive to write, e.g. outsourcer-2026-11-22.tar.gz")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with progress_bar("Backing up", enabled=not options["json"]) as update:
                info = backup_create(path=options["path"], progress=update)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc), returncode=1) from exc
        if options["json"]:
            self.stdout.write(dump_json(info.as_dict()))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backup written to {info.path} ({info.size_bytes:,} bytes, {info.engine}, "
                    f"{info.media_files} uploaded files)."
                )
            )
