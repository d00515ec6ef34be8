"""`outsourcer`: the command-line face. Product commands are Django management commands, named here.

`outsourcer import` runs the `import_bundle` command, and so on; any other Django command passes
through unchanged, so `outsourcer shell` or `outsourcer createcachetable` work too.
"""

from __future__ import annotations

import os
import sys

from outsourcer import __version__

ALIASES = {
    "import": "import_bundle",
    "export": "export_bundle",
}

PRODUCT_COMMANDS = [
    ("serve", "run the web app (and the background worker) with gunicorn"),
    ("demo", "create or reset the demo workspace and print how to log in"),
    ("migrate", "create or update the database tables"),
    ("createuser", "create a user, optionally as owner of a workspace"),
    ("import", "load a workspace bundle (validated in full first; all or nothing)"),
    ("export", "write a workspace as a bundle"),
    ("backup", "write a consistent copy of the data, while the app runs"),
    ("restore", "check a backup, then put it in place"),
    ("plan", "rank a time audit into an outsourcing plan: a CSV file (no database needed) or --workspace"),
    ("tasks", "the time audit of a workspace: list, add, import and export CSV"),
    ("contractors", "the contractor directory: list, show, add, stage, trial"),
    ("engagements", "engagements: list, show, status, brief (its score), hours (against the weekly cap)"),
    ("time", "contractors' time entries: list, approve, reject"),
    ("milestones", "milestones across a workspace: list (--overdue)"),
    ("commitments", "what you promised your customers: list"),
    ("invoices", "invoices: list (due dates and why), show, approve, pay"),
    ("payables", "what is still to pay, the soonest due first (--this-week, --csv, --json)"),
    ("report", "year-end reports: 1099 (who needs a Form 1099-NEC for a year, --json or --csv)"),
    ("risks", "the risk register: list (a text heat map with --heat-map), add, close"),
    ("access", "the access register: list (--open, --left-open), revoke"),
    ("agreement", "an engagement's written agreement: show (the laws that apply), pdf, sign"),
    ("classification", "worker status: an engagement's latest assessment and what it says (--json)"),
    ("check", "run the health check on a workspace and report its findings (exit 1 on --fail-on)"),
    ("rules", "print the health-check rule catalogue (Markdown with --markdown)"),
    ("reminders", "send due reminders and daily digests now (--once, --dry-run, --as-of)"),
    ("scheduler", "enqueue the daily health check and reminders on a timer (started by serve)"),
    ("worker", "run background jobs (emails, reminders): the database queue, or RQ with Redis"),
]


def usage() -> str:
    lines = [f"outsourcer {__version__}: outsource work well.", "", "usage: outsourcer COMMAND [options]", ""]
    lines += [f"  {name:<11} {text}" for name, text in PRODUCT_COMMANDS]
    lines += ["", "`outsourcer COMMAND --help` for a command's options; --version prints the version."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return
    if argv[0] in {"--version", "-V", "version"}:
        print(f"outsourcer {__version__}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsourcer.settings")
    from django.core.management import execute_from_command_line

    command = ALIASES.get(argv[0], argv[0])
    execute_from_command_line(["outsourcer", command, *argv[1:]])


if __name__ == "__main__":
    main()
