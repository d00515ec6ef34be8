"""Risks, exit plans and access: what could go wrong with outsourced work and how the business would leave.

As the bundle's `risk`, `exit_plan` and `access_grant`. A risk belongs to an engagement or to a
contractor (or to the workspace as a whole when neither is set); an exit plan and the access grants
belong to an engagement. The offboarding checklist's manual steps are `OffboardingStep` rows; the other
steps (access revoked, a rating given) are read from the data itself.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from outsourcer.accounts.models import WorkspaceOwned
from outsourcer.contractors.models import Contractor
from outsourcer.engagements.models import Engagement
from outsourcer.planning.models import ref_validator

score_validators = [MinValueValidator(1), MaxValueValidator(5)]
# Likelihood x impact at or above this is a high risk: it needs a mitigation (rule risk/unmitigated).
HIGH_SCORE = 15
# A new risk is looked at again this many days after it is recorded, unless a date is given.
FIRST_REVIEW_DAYS = 90
# At or above this (and below HIGH_SCORE), a medium one; below, low.
MEDIUM_SCORE = 8


def band_of_score(score: int) -> str:
    """The heat map's band of a likelihood x impact score: high, medium or low."""
    return "high" if score >= HIGH_SCORE else "medium" if score >= MEDIUM_SCORE else "low"


class Category(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    TECHNOLOGY_SECURITY = "technology_security", "Technology and security"
    FINANCIAL = "financial", "Financial"
    COMPLIANCE = "compliance", "Compliance"


# The areas every engagement's register should cover (rule risk/no-register); compliance has its own rules.
CORE_AREAS = (Category.STRATEGIC, Category.OPERATIONAL, Category.TECHNOLOGY_SECURITY, Category.FINANCIAL)


class Risk(WorkspaceOwned):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATED = "mitigated", "Mitigated"
        ACCEPTED = "accepted", "Accepted"
        CLOSED = "closed", "Closed"

    ref = models.CharField(max_length=64, validators=[ref_validator])
    engagement = models.ForeignKey(Engagement, null=True, blank=True, on_delete=models.CASCADE, related_name="risks")
    contractor = models.ForeignKey(Contractor, null=True, blank=True, on_delete=models.CASCADE, related_name="risks")
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=200)
    likelihood = models.PositiveSmallIntegerField(validators=score_validators)
    impact = models.PositiveSmallIntegerField(validators=score_validators)
    mitigation = models.TextField(blank=True, max_length=20000)
    owner = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["ref"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="risk_ref_unique_in_workspace"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["workspace", "status"], name="risk_ws_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def is_high(self) -> bool:
        return self.score >= HIGH_SCORE


class ExitPlan(WorkspaceOwned):
    """How the business would leave an engagement: the steps, who takes over, whether data comes back."""

    class Handover(models.TextChoices):
        IN_HOUSE = "in_house", "In-house"
        PERSON = "person", "A named person"
        CONTRACTOR = "contractor", "Another contractor"

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="exit_plan")
    steps = models.TextField(blank=True, max_length=20000)
    handover_kind = models.CharField(max_length=10, choices=Handover.choices, blank=True)
    # The person's name when handover_kind is "person"; the contractor is `handover_contractor`.
    handover_person = models.CharField(max_length=200, blank=True)
    handover_contractor = models.ForeignKey(
        Contractor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data_return = models.BooleanField(null=True, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Exit plan for {self.engagement_id}"

    @property
    def has_steps(self) -> bool:
        return bool(self.steps.strip())


class AccessGrant(WorkspaceOwned):
    """One system a contractor can reach for an engagement, at what level, and until when."""

    class Level(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Write"
        ADMIN = "admin", "Admin"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="access_grants")
    system = models.CharField(max_length=200)
    level = models.CharField(max_length=5, choices=Level.choices, blank=True)
    shared_credential = models.BooleanField(default=False)
    granted_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering: ClassVar[list[str]] = ["granted_on", "system", "pk"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["workspace", "revoked_on"], name="access_ws_revoked")]

    def __str__(self) -> str:
        return self.system

    @property
    def is_open(self) -> bool:
        return self.revoked_on is None


class OffboardingStep(WorkspaceOwned):
    """A manual step of an ended engagement's offboarding, ticked by a person (who and when)."""

    class Step(models.TextChoices):
        DATA = "data", "Data and documents returned or deleted"
        ASSETS = "assets", "Equipment and other assets collected"
        FINAL_INVOICE = "final_invoice", "Final invoice received and settled"
        HANDOVER = "handover", "Work handed over"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="offboarding_steps")
    step = models.CharField(max_length=14, choices=Step.choices)
    done_on = models.DateField()
    done_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["done_on", "pk"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["engagement", "step"], name="offboarding_step_once"),
        ]

    def __str__(self) -> str:
        return self.get_step_display()
