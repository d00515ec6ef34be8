"""Signals between apps that must not import each other.

`workspace_data_changed` is sent by a domain service after it changed rows a health-check rule
reads; the health check (which domain apps may not import) listens and re-checks the workspace in
the background once the change has committed, so findings follow the data without a button press.
"""

from django.dispatch import Signal

# Sent with `workspace` (a Workspace instance).
workspace_data_changed = Signal()

# Sent with `invitation` and `user` when someone accepts an invitation, inside its transaction: the
# contractors app links a contractor's portal account this way, without accounts knowing of it.
invitation_accepted = Signal()
