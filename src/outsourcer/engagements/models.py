"""Engagements: pieces of outsourced work given to one contractor, as the bundle's `engagement`.

This release holds what vetting needs (the paid trial and what it showed) and what the health
check reads: kind, status, dates, linked tasks, the rate and the budget, and the ratings. The
brief, communication plan, milestones and time arrive with the engagements stage.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from outsourcer.accounts.models import WorkspaceOwned, currency_validator
from outsourcer.contractors.models import Contractor, score_validators
from outsourcer.planning.models import Task, ref_validator


class Kind(models.TextChoices):
    TRIAL = "trial", "Paid trial"
    PROJECT = "project", "Project"
    ONGOING = "ongoing", "Ongoing"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    TERMINATED = "terminated", "Terminated"


# "Active" in the rules' sense: work that is going on, even if paused for now.
RUNNING = frozenset({Status.ACTIVE, Status.PAUSED})
# Which status may follow which; anything else is refused with the allowed next steps.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.ACTIVE, Status.TERMINATED}),
    Status.ACTIVE: frozenset({Status.PAUSED, Status.COMPLETED, Status.TERMINATED}),
    Status.PAUSED: frozenset({Status.ACTIVE, Status.COMPLETED, Status.TERMINATED}),
    Status.COMPLETED: frozenset(),
    Status.TERMINATED: frozenset(),
}


class RateModel(models.TextChoices):
    HOURLY = "hourly", "Hourly"
    FIXED = "fixed", "Fixed price"
    MILESTONE = "milestone", "By milestone"
    RETAINER = "retainer", "Retainer"
    COMMISSION = "commission", "Commission"


money = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Engagement(WorkspaceOwned):
    ref = models.CharField(max_length=64, validators=[ref_validator])
    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="engagements")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    tasks = models.ManyToManyField(Task, blank=True, related_name="engagements")
    start_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    work_location = models.CharField(max_length=64, blank=True)
    rate_model = models.CharField(max_length=12, choices=RateModel.choices, default=RateModel.FIXED)
    rate_currency = models.CharField(max_length=3, validators=[currency_validator])
    rate_amount = models.DecimalField(null=True, blank=True, **money)  # type: ignore[arg-type]
    weekly_hour_cap = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    retainer_included_hours = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    commission_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    commission_base = models.CharField(max_length=200, blank=True)
    budget_cap = models.DecimalField(null=True, blank=True, **money)  # type: ignore[arg-type]
    payment_terms_days = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    ended_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering: ClassVar[list[str]] = ["-start_on", "title", "ref"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="engagement_ref_unique_in_workspace"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["workspace", "status"], name="engagement_ws_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING


class Rating(WorkspaceOwned):
    """The business's feedback on the contractor at the end of an engagement (for a trial: its outcome)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="ratings")
    on = models.DateField()
    overall = models.PositiveSmallIntegerField(validators=score_validators)
    quality = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    timeliness = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    communication = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    value_for_money = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    would_rehire = models.BooleanField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=20000)
    shared_with_contractor = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["on", "pk"]

    def __str__(self) -> str:
        return f"Rating {self.overall}/5 on {self.on}"
