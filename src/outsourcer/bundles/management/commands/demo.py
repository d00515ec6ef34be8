from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from outsourcer.bundles.demo import demo_load
from outsourcer.core.cli import dump_json


class Command(BaseCommand):
    help = "Create (or reset) the demo workspace from the bundle shipped with Outsourcer, and print the login."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--password", help="the demo owner's password (a random one by default)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        login = demo_load(password=options["password"])
        url = settings.BASE_URL + "/"
        if options["json"]:
            self.stdout.write(
                dump_json(
                    {"workspace": login.workspace.name, "url": url, "email": login.email, "password": login.password}
                )
            )
            return
        self.stdout.write(self.style.SUCCESS(f"The demo workspace {login.workspace.name} is ready."))
        self.stdout.write(f"  Open      {url}\n  Email     {login.email}\n  Password  {login.password}")
