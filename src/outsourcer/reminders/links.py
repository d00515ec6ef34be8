"""Absolute links for emails and the calendar feed: on OUTSOURCER_BASE_URL, never on a Host header."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from outsourcer.accounts.models import Workspace
from outsourcer.deliverables.models import Milestone
from outsourcer.engagements.models import CustomerCommitment


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def page_link(workspace: Workspace, name: str, **kwargs: Any) -> str:
    """The page's address, or the workspace's overview when that page does not exist (yet)."""
    try:
        return absolute(reverse(name, kwargs={"ws": workspace.uuid, **kwargs}))
    except NoReverseMatch:
        return absolute(reverse("workspace:dashboard", kwargs={"ws": workspace.uuid}))


def milestone_link(milestone: Milestone, *, for_contractor: bool) -> str:
    name = "portal:milestone" if for_contractor else "deliverables:milestone"
    return page_link(milestone.workspace, name, milestone=milestone.uuid)


def settings_link(workspace: Workspace) -> str:
    return page_link(workspace, "reminders:settings")


def commitment_link(commitment: CustomerCommitment) -> str:
    return page_link(commitment.workspace, "engagements:commitment", commitment=commitment.uuid)
