"""Engagements: pieces of outsourced work given to one contractor, as the bundle's `engagement`.

An engagement carries its rate and budget, its brief (versioned once sent), its communication plan,
the log of check-ins, the contractor's time entries and the ratings at its end. The promises the
business made to its own customer live here too, because an engagement links to the one it serves;
milestones, submissions and reviews are the `deliverables` app's, one stage later.
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
# Work that is over, well or not: offboarding starts, access should be gone.
ENDED = frozenset({Status.COMPLETED, Status.TERMINATED})
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


class CustomerCommitment(WorkspaceOwned):
    """Something the business promised its own customer, partly fulfilled by contractors."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DELIVERED = "delivered", "Delivered"
        LATE = "late", "Delivered late"
        CANCELLED = "cancelled", "Cancelled"

    ref = models.CharField(max_length=64, validators=[ref_validator])
    customer = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    promised_on = models.DateField()
    # Working days kept between the last contractor delivery and the promise, for our own review.
    buffer_days = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(365)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True, max_length=20000)

    class Meta:
        ordering: ClassVar[list[str]] = ["promised_on", "ref"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="commitment_ref_unique_in_workspace"),
        ]

    def __str__(self) -> str:
        return f"{self.title} for {self.customer}"


class Engagement(WorkspaceOwned):
    ref = models.CharField(max_length=64, validators=[ref_validator])
    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="engagements")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    tasks = models.ManyToManyField(Task, blank=True, related_name="engagements")
    customer_commitment = models.ForeignKey(
        CustomerCommitment, null=True, blank=True, on_delete=models.SET_NULL, related_name="engagements"
    )
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


class Brief(WorkspaceOwned):
    """What the contractor should make and what done looks like, as the bundle's `brief`."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="brief")
    goals = models.TextField(blank=True, max_length=20000)
    context = models.TextField(blank=True, max_length=20000)
    deliverables = models.JSONField(default=list, blank=True)  # list of strings
    acceptance_criteria = models.JSONField(default=list, blank=True)  # list of strings
    out_of_scope = models.TextField(blank=True, max_length=20000)
    constraints = models.TextField(blank=True, max_length=20000)

    def __str__(self) -> str:
        return f"Brief for {self.engagement_id}"


class BriefVersion(WorkspaceOwned):
    """A brief as it was sent to the contractor; what the portal shows is the latest one."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["brief", "number"], name="brief_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Brief version {self.number}"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    PROJECT_TOOL = "project_tool", "Project tool"
    IN_PERSON = "in_person", "In person"


IMPORTANT_CHANNELS = (Channel.PHONE, Channel.VIDEO, Channel.IN_PERSON)


class Cadence(models.TextChoices):
    DAILY = "daily", "Daily"
    TWICE_WEEKLY = "twice_weekly", "Twice a week"
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    PER_MILESTONE = "per_milestone", "At each milestone"


class CommunicationPlan(WorkspaceOwned):
    """Who the contractor talks to, how, how often, and how many working hours must overlap."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="communication")
    point_person = models.CharField(max_length=200, blank=True)
    escalation_contact = models.CharField(max_length=200, blank=True)
    channels = models.JSONField(default=list, blank=True)  # Channel values
    important_topics_channel = models.CharField(
        max_length=10, blank=True, choices=[(c.value, c.label) for c in IMPORTANT_CHANNELS]
    )
    cadence = models.CharField(max_length=14, blank=True, choices=Cadence.choices)
    needs_overlap_hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
    )

    def __str__(self) -> str:
        return f"Communication plan for {self.engagement_id}"


class CheckIn(WorkspaceOwned):
    """One contact about the work: a status update, a meeting, a request for status, or feedback."""

    class Kind(models.TextChoices):
        STATUS_UPDATE = "status_update", "Status update"
        MEETING = "meeting", "Meeting"
        STATUS_REQUEST = "status_request", "Status request"
        FEEDBACK = "feedback", "Feedback"

    class Initiator(models.TextChoices):
        US = "us", "Us"
        CONTRACTOR = "contractor", "The contractor"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="check_ins")
    on = models.DateField()
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.STATUS_UPDATE)
    initiated_by = models.CharField(max_length=10, choices=Initiator.choices, default=Initiator.US)
    notes = models.TextField(blank=True, max_length=20000)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["-on", "-pk"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["workspace", "on"], name="checkin_ws_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class TimeEntry(WorkspaceOwned):
    """Hours the contractor worked; submitted, then approved (and locked) or rejected."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="time_entries")
    worked_on = models.DateField()
    hours = models.DecimalField(
        max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(24))]
    )
    description = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rejection_reason = models.CharField(max_length=2000, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["-worked_on", "-pk"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["workspace", "status"], name="timeentry_ws_status"),
            models.Index(fields=["engagement", "worked_on"], name="timeentry_eng_day"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.worked_on}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED
