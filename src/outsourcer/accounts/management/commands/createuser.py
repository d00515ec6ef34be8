import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from outsourcer.accounts import selectors, services
from outsourcer.accounts.door import door_for_operator
from outsourcer.accounts.models import Role
from outsourcer.core.actor import Actor
from outsourcer.core.cli import dump_json


class Command(BaseCommand):
    help = "Create a user who logs in with EMAIL; optionally make them a member of a workspace."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input instead of prompting"
        )
        parser.add_argument("--workspace", help="workspace (name, slug or UUID) to join")
        parser.add_argument("--role", choices=Role.values, default=Role.OWNER)
        parser.add_argument("--superuser", action="store_true", help="may also use the operator admin")
        parser.add_argument("--json", action="store_true")

    def _password(self, options: dict[str, Any]) -> str:
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for a password: use --password-stdin.", returncode=2)
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.", returncode=2)
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = None
        if options["workspace"]:
            try:
                workspace = door_for_operator(name=options["workspace"]).workspace
            except selectors.WorkspaceLookupError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        password = self._password(options)
        try:
            password_validation.validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from exc
        actor = Actor.cli()
        try:
            with transaction.atomic():
                user = services.user_create(
                    email=options["email"], password=password, name=options["name"], actor=actor
                )
                if options["superuser"]:
                    user.is_staff = user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
                if workspace is not None:
                    services.membership_add(actor=actor, workspace=workspace, user=user, role=options["role"])
        except services.AccountError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        result = {
            "email": user.email,
            "workspace": workspace.name if workspace else None,
            "role": options["role"] if workspace else None,
        }
        if options["json"]:
            self.stdout.write(dump_json(result))
        else:
            where = f" as {options['role']} of {workspace.name}" if workspace else ""
            self.stdout.write(self.style.SUCCESS(f"Created {user.email}{where}."))
