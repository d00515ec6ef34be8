#!/usr/bin/env python
"""Django's command-line utility for development; `outsourcer` (the console script) is the product's."""

import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsourcer.settings")
    # manage.py is the developer's tool in a checkout: with no secret key given it runs in debug mode.
    # Servers use the `outsourcer` command, which refuses to start without a key.
    if not os.environ.get("OUTSOURCER_SECRET_KEY"):
        os.environ.setdefault("OUTSOURCER_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
