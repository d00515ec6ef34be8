from typing import Any

from django import template

from outsourcer.accounts.selectors import workspace_list_for_user

register = template.Library()


@register.simple_tag
def user_memberships(user: Any) -> Any:
    """The user's memberships with their workspaces in one query, for the workspace switcher."""
    if not getattr(user, "is_authenticated", False):
        return []
    return workspace_list_for_user(user=user)
