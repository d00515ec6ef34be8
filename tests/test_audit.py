from outsourcer.audit.models import AuditEntry
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.core.actor import Actor
from tests.conftest import Personas, login_client


def test_changes_hold_old_and_new_values_and_never_secrets(personas: Personas):
    user = personas.viewer
    old_name = user.name
    changes = apply_changes(user, {"name": "New Name", "password": "x", "email": user.email})
    assert changes == {"name": [old_name, "New Name"], "password": ["***", "***"]}
    assert user.name == "New Name"
    entry = audit_record(actor=Actor.cli(), action="user.update", obj=user, workspace=None, changes=changes)
    assert entry.actor is None and entry.actor_label == "command line" and entry.face == "cli"


def test_activity_page_lists_entries_for_the_owner(personas: Personas):
    audit_record(
        actor=Actor(user=personas.manager, face="web"),
        action="workspace.update",
        obj=personas.workspace,
        workspace=personas.workspace,
        changes={"region": ["", "NY"]},
    )
    audit_record(actor=Actor.job(), action="reminder.sent", obj=personas.workspace, workspace=personas.workspace)
    audit_record(
        actor=Actor.cli(), action="elsewhere", obj=personas.other_workspace, workspace=personas.other_workspace
    )
    client = login_client(personas.owner)
    page = client.get(f"/w/{personas.workspace.uuid}/activity/").content.decode()
    assert "workspace.update" in page and "reminder.sent" in page and "NY" in page
    assert "elsewhere" not in page
    filtered = client.get(f"/w/{personas.workspace.uuid}/activity/?face=job", HTTP_HX_REQUEST="true")
    body = filtered.content.decode()
    assert "reminder.sent" in body and "workspace.update" not in body
    assert "<html" not in body  # an htmx request gets the fragment alone


def test_entries_keep_the_actor_label_after_the_user_is_gone(personas: Personas):
    entry = audit_record(
        actor=Actor(user=personas.manager, face="api"), action="x", obj=personas.workspace, workspace=personas.workspace
    )
    personas.manager.delete()
    entry.refresh_from_db()
    assert entry.actor is None and entry.actor_label == "manager@acme.test"
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_history_restore_gets_the_whole_page(personas: Personas):
    client = login_client(personas.owner)
    url = f"/w/{personas.workspace.uuid}/activity/"
    body = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true").content.decode()
    assert "<html" in body
