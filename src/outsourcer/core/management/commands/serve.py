"""Run Outsourcer with gunicorn, and the background worker beside it, until interrupted."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the web app with gunicorn (and the background worker and scheduler unless --no-worker)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker")
        parser.add_argument(
            "--no-worker", action="store_true", help="start neither the background worker nor the scheduler"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535", returncode=2)
        if not settings.WHITENOISE_USE_FINDERS:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        procs = [
            subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "outsourcer.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(options["workers"]),
                    "--threads",
                    str(options["threads"]),
                    "--access-logfile",
                    "-",
                    # Forwarded headers are Django's to judge (OUTSOURCER_TRUSTED_PROXIES), not gunicorn's.
                    "--forwarded-allow-ips",
                    "*" if settings.TRUSTED_PROXIES else "",
                ],
            )
        ]
        if not options["no_worker"]:
            procs.append(subprocess.Popen([sys.executable, "-m", "outsourcer.cli", "worker"]))
            # The daily health check: the scheduler only enqueues; the worker runs it.
            procs.append(subprocess.Popen([sys.executable, "-m", "outsourcer.cli", "scheduler"]))
        self.stdout.write(f"Outsourcer is running at http://{bind}/  (Ctrl+C to stop)")

        def stop(*_: Any) -> None:
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(proc.poll() is None for proc in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
