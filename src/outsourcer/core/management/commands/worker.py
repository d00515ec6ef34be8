"""Run background jobs from whichever task backend is configured."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background jobs: the database queue by default, RQ when OUTSOURCER_REDIS_URL is set."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--burst", action="store_true", help="run what is queued, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = str(settings.TASKS["default"]["BACKEND"])
        if backend.startswith("django_tasks_rq"):
            extra = ["--burst"] if options["burst"] else []
            call_command("rqworker", "default", "--job-class", "django_tasks_rq.Job", *extra)
        elif backend.startswith("django_tasks_db"):
            extra = ["--batch"] if options["burst"] else []
            call_command("db_worker", *extra)
        else:
            self.stdout.write(f"The task backend {backend} runs jobs in the web process; no worker needed.")
