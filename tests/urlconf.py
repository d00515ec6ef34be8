"""Discovering every web page and API operation, and the sample objects their URLs need.

The permission-matrix and query-count tests walk these, so a new page or operation is covered the
moment it is added. A URL argument with no sample maker below fails those tests with a message
saying where to add one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from outsourcer.accounts.models import Invitation, Membership, Role, User, Workspace
from outsourcer.accounts.services import api_token_create, invitation_create
from outsourcer.api.api import api
from outsourcer.core.actor import Actor
from tests.factories import (
    AccessGrantFactory,
    BriefFactory,
    CheckInFactory,
    ClassificationFactory,
    ContractorFactory,
    CustomerCommitmentFactory,
    DocumentFactory,
    EngagementFactory,
    FindingFactory,
    InterviewFactory,
    MembershipFactory,
    MilestoneFactory,
    RedFlagFactory,
    ReferenceCheckFactory,
    ReferenceTextFactory,
    ReviewFactory,
    RiskFactory,
    SubmissionFactory,
    TaskFactory,
    TimeEntryFactory,
    UserFactory,
)


@dataclass(frozen=True)
class Page:
    route: str  # e.g. "w/<uuid:ws>/members/<uuid:member>/"
    name: str
    policy: Any  # "public", "account" or {"GET": action, "POST": action}

    @property
    def args(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, p.callback


def web_pages() -> list[Page]:
    """Every page of the app, with the door policy its view declares (admin and API left out)."""
    pages = []
    for route, name, callback in _walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/v1/")):
            continue
        pages.append(Page(route=route, name=name, policy=getattr(callback, "door_policy", None)))
    return pages


# --- Sample objects for URL arguments -------------------------------------------------------------

SampleMaker = Callable[[Workspace, User], str]


def _sample_member(workspace: Workspace, user: User) -> str:
    # A member who is not the caller, so removing them never locks the caller out.
    extra = UserFactory()
    return str(MembershipFactory(user=extra, workspace=workspace, role=Role.VIEWER).uuid)


def _sample_invitation(workspace: Workspace, user: User) -> str:
    invitation = invitation_create(
        actor=Actor.cli(),
        workspace=workspace,
        email=f"invitee-{Invitation.objects.count()}@example.test",
        role=Role.VIEWER,
    )
    return str(invitation.uuid)


def _sample_token(workspace: Workspace, user: User) -> str:
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        user = Membership.objects.filter(workspace=workspace).first().user  # type: ignore[union-attr]
    token, _raw = api_token_create(actor=Actor.cli(), workspace=workspace, user=user, name="sample", read_only=True)
    return str(token.uuid)


def _sample_task(workspace: Workspace, user: User) -> str:
    return str(TaskFactory(workspace=workspace).uuid)


def _sample_finding(workspace: Workspace, user: User) -> str:
    return str(FindingFactory(workspace=workspace).uuid)


def _sample_contractor(workspace: Workspace, user: User) -> str:
    return str(ContractorFactory(workspace=workspace).uuid)


def _record_maker(factory_class: Any) -> SampleMaker:
    def make(workspace: Workspace, user: User) -> str:
        return str(factory_class(contractor=ContractorFactory(workspace=workspace)).uuid)

    return make


SAMPLE_PDF = b"%PDF-1.4\n%%EOF\n"


def _sample_document(workspace: Workspace, user: User) -> str:
    """A document with a stored copy, so that its download page answers (one shared file, written once)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = "documents/sample-for-url-tests.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(SAMPLE_PDF))
    document = DocumentFactory(
        contractor=ContractorFactory(workspace=workspace),
        file=name,
        file_name="sample.pdf",
        content_type="application/pdf",
        size=len(SAMPLE_PDF),
    )
    return str(document.uuid)


def _portal_contractor(workspace: Workspace, user: User) -> Any:
    """A contractor of `workspace`; the caller's own when the caller signs in as a contractor (their portal)."""
    is_contractor = Membership.objects.filter(workspace=workspace, user=user, role=Role.CONTRACTOR).exists()
    return ContractorFactory(workspace=workspace, portal_user=user if is_contractor else None)


def _sample_trial(workspace: Workspace, user: User) -> str:
    return str(EngagementFactory(contractor=_portal_contractor(workspace, user), kind="trial").uuid)


def _sample_milestone(workspace: Workspace, user: User) -> str:
    """A milestone waiting for review, with one text submission, of an engagement with a brief."""
    engagement = EngagementFactory(contractor=_portal_contractor(workspace, user))
    BriefFactory(engagement=engagement)
    milestone = MilestoneFactory(engagement=engagement, status="submitted")
    SubmissionFactory(milestone=milestone)
    return str(milestone.uuid)


def _sample_submission_file(workspace: Workspace, user: User) -> str:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from outsourcer.deliverables.models import SubmissionFile

    name = "submissions/sample-for-url-tests.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(SAMPLE_PDF))
    engagement = EngagementFactory(contractor=_portal_contractor(workspace, user))
    submission = SubmissionFactory(milestone=MilestoneFactory(engagement=engagement, status="submitted"))
    attachment = SubmissionFile.objects.create(
        workspace=workspace, submission=submission, file=name, name="draft.pdf", size=len(SAMPLE_PDF)
    )
    return str(attachment.uuid)


def _sample_time_entry(workspace: Workspace, user: User) -> str:
    engagement = EngagementFactory(
        contractor=_portal_contractor(workspace, user), rate_model="hourly", rate_amount="60.00"
    )
    return str(TimeEntryFactory(engagement=engagement, status="submitted").uuid)


def _engagement_child(factory_class: Any) -> SampleMaker:
    def make(workspace: Workspace, user: User) -> str:
        engagement = EngagementFactory(contractor=_portal_contractor(workspace, user))
        return str(factory_class(engagement=engagement).uuid)

    return make


def _sample_review(workspace: Workspace, user: User) -> str:
    engagement = EngagementFactory(contractor=_portal_contractor(workspace, user))
    return str(ReviewFactory(milestone=MilestoneFactory(engagement=engagement, status="accepted")).uuid)


def _sample_invoice(workspace: Workspace, user: User) -> str:
    """An approved invoice of an active engagement, with a stored PDF, so that its pages and download answer."""
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from outsourcer.payments.services import invoice_create, invoice_set_status

    name = "invoices/sample-for-url-tests.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(SAMPLE_PDF))
    engagement = EngagementFactory(contractor=_portal_contractor(workspace, user), status="active")
    invoice = invoice_create(
        actor=Actor.cli(),
        engagement=engagement,
        data={"number": "S-1", "amount": Decimal("500.00"), "received_on": dt.date(2026, 11, 2)},
    )
    invoice = invoice_set_status(actor=Actor.cli(), invoice=invoice, status="approved")
    invoice.file = name
    invoice.file_name = "sample.pdf"
    invoice.save(update_fields=["file", "file_name"])
    return str(invoice.uuid)


SAMPLES: dict[str, SampleMaker] = {
    "contractor": _sample_contractor,
    "reference": _record_maker(ReferenceCheckFactory),
    "interview": _record_maker(InterviewFactory),
    "document": _sample_document,
    "red_flag": _record_maker(RedFlagFactory),
    "engagement": _sample_trial,
    "milestone": _sample_milestone,
    "submission_file": _sample_submission_file,
    "review": _sample_review,
    "check_in": _engagement_child(CheckInFactory),
    "time_entry": _sample_time_entry,
    "commitment": lambda workspace, user: str(CustomerCommitmentFactory(workspace=workspace).uuid),
    "reference_text": lambda workspace, user: str(ReferenceTextFactory(workspace=workspace).uuid),
    "member": _sample_member,
    "invitation": _sample_invitation,
    "token": _sample_token,
    "task": _sample_task,
    "finding": _sample_finding,
    "invoice": _sample_invoice,
    "risk": _engagement_child(RiskFactory),
    # A suggested risk's key (risk-suggestions/{key}): one every engagement is offered until it is recorded.
    "key": lambda workspace, user: "availability",
    "grant": _engagement_child(AccessGrantFactory),
    # A manual offboarding step (engagements/{engagement}/offboarding/{step}).
    "step": lambda workspace, user: "data",
    "assessment": _engagement_child(ClassificationFactory),
    # A tax year (the 1099-NEC report, tax/1099/<int:year>/): any year the report accepts.
    "year": lambda workspace, user: "2026",
}


# URL arguments that are values, not objects of a workspace (a tax year): the tests that ask for another
# workspace's objects skip them.
VALUE_ARGS = frozenset({"year", "step"})


def fill(route: str, values: dict[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise AssertionError(
                f"URL argument <{key}> in {route!r} has no sample: add a maker to SAMPLES in tests/urlconf.py"
            )
        return values[key]

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", sub, route)


def sample_values(args: list[str], workspace: Workspace, user: User) -> dict[str, str]:
    """Values for a workspace URL's arguments: objects of `workspace`, made for `user`."""
    values = {"ws": str(workspace.uuid)}
    for arg in args:
        if arg not in values and arg in SAMPLES:
            values[arg] = SAMPLES[arg](workspace, user)
    return values


# --- API operations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # e.g. "/workspaces/{ws}/members/{member}"
    action: str | None
    func_name: str

    @property
    def args(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def url(self, values: dict[str, str]) -> str:
        def sub(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in values:
                raise AssertionError(
                    f"API path argument {{{key}}} in {self.path!r} has no sample: "
                    "add one to SAMPLES in tests/urlconf.py"
                )
            return values[key]

        return "/api/v1" + re.sub(r"{(\w+)}", sub, self.path)


def api_operations() -> list[Operation]:
    api.urls
    ops = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                for method in op.methods:
                    ops.append(
                        Operation(
                            method=method,
                            path="/" + (prefix + path).lstrip("/"),
                            action=getattr(op.view_func, "door_action", None),
                            func_name=op.view_func.__name__,
                        )
                    )
    return sorted(set(ops), key=lambda o: (o.path, o.method))
