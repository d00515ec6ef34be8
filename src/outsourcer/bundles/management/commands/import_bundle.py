import sys
import uuid
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsourcer.accounts.door import door_for_operator
from outsourcer.accounts.models import User, Workspace
from outsourcer.accounts.selectors import WorkspaceAmbiguous, WorkspaceLookupError
from outsourcer.bundles.services import BundleConflict, bundle_import_into, bundle_import_new
from outsourcer.bundles.validation import BundleInvalid, bundle_parse
from outsourcer.core.actor import Actor
from outsourcer.core.cli import dump_json


def _existing(name: str) -> Workspace | None:
    """The workspace the operator names, through the door, or None when there is none to find."""
    try:
        return door_for_operator(name=name).workspace
    except WorkspaceAmbiguous:
        raise
    except WorkspaceLookupError:
        return None


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class Command(BaseCommand):
    help = (
        "Load a workspace bundle into a workspace, creating it when it does not exist. The whole file "
        "is validated first; any error is reported with its JSON path (exit status 2) and nothing changes."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(prog_name, "import", **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="bundle file, or - for standard input")
        parser.add_argument("--workspace", required=True, help="target workspace: name, slug or UUID")
        parser.add_argument("--owner", help="email of an existing user to own a new workspace")
        parser.add_argument("--replace", action="store_true", help="replace a workspace that holds data")
        parser.add_argument("--json", action="store_true")

    def _refused(self, exc: BundleInvalid, name: str) -> CommandError:
        for error in exc.errors:
            self.stderr.write(str(error))
        return CommandError(f"{len(exc.errors)} problem(s) in {name}; nothing was imported.", returncode=2)

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror}.", returncode=2) from exc

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = bundle_parse(self._read(options["file"]), max_bytes=settings.BUNDLE_MAX_BYTES)
        except BundleInvalid as exc:
            raise self._refused(exc, options["file"]) from exc
        owner = None
        if options["owner"]:
            owner = User.objects.filter(email__iexact=options["owner"]).first()
            if owner is None:
                raise CommandError(
                    f"No user {options['owner']}; create one with `outsourcer createuser`.", returncode=2
                )
        actor = Actor.cli(owner)
        try:
            target = _existing(options["workspace"])
            if target is None and _is_uuid(options["workspace"]):
                raise CommandError(f"No workspace has the UUID {options['workspace']}.", returncode=2)
            if target is None:
                result = bundle_import_new(actor=actor, document=document, name=options["workspace"], owner=owner)
            else:
                result = bundle_import_into(
                    actor=actor, document=document, workspace=target, replace=options["replace"], owner=owner
                )
        except BundleInvalid as exc:
            raise self._refused(exc, options["file"]) from exc
        except (BundleConflict, WorkspaceLookupError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["json"]:
            self.stdout.write(dump_json(result.as_dict()))
        else:
            verb = "Created" if result.created else "Updated"
            counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
            self.stdout.write(self.style.SUCCESS(f"{verb} workspace {result.workspace.name} ({counts})."))
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
