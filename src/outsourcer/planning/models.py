"""The time audit: the work the business does, which the outsourcing plan ranks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from outsourcer.accounts.models import WorkspaceOwned

ref_validator = RegexValidator(r"^[A-Za-z0-9_.:-]{1,64}$", "Use letters, digits and _ . : - only (at most 64).")
score_validators = [MinValueValidator(1), MaxValueValidator(5)]
MAX_HOURS = Decimal(744)  # every hour of a 31-day month


class Knowledge(models.TextChoices):
    NONE = "none", "None"
    BASIC = "basic", "Basic"
    WORKING = "working", "Working"
    EXPERT = "expert", "Expert"


class TaskStatus(models.TextChoices):
    IN_HOUSE = "in_house", "In-house"
    CANDIDATE = "candidate", "Candidate for vetting"
    OUTSOURCED = "outsourced", "Outsourced"
    RETIRED = "retired", "Retired"


class Task(WorkspaceOwned):
    """One line of the time audit, as the bundle's `task`."""

    ref = models.CharField(max_length=64, validators=[ref_validator])
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=64, blank=True)
    hours_per_month = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_HOURS)]
    )
    effectiveness = models.PositiveSmallIntegerField(validators=score_validators)
    business_value = models.PositiveSmallIntegerField(validators=score_validators)
    knowledge = models.CharField(max_length=10, choices=Knowledge.choices, blank=True)
    inhouse_cost_per_hour = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    market_rate_per_hour = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    recurring = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.IN_HOUSE)

    # What a person may set; the ref is kept when not given.
    EDITABLE: ClassVar[tuple[str, ...]] = (
        "ref",
        "name",
        "category",
        "hours_per_month",
        "effectiveness",
        "business_value",
        "knowledge",
        "inhouse_cost_per_hour",
        "market_rate_per_hour",
        "recurring",
        "status",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "ref"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="task_ref_unique_in_workspace"),
            models.CheckConstraint(
                condition=models.Q(effectiveness__gte=1, effectiveness__lte=5), name="task_effectiveness_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(business_value__gte=1, business_value__lte=5), name="task_business_value_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_month__gte=0, hours_per_month__lte=744), name="task_hours_in_month"
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["workspace", "status"], name="task_ws_status")]

    def __str__(self) -> str:
        return self.name
