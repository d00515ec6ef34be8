"""Delivering: milestones, what the contractor submits, our reviews, and the originality index.

The business answers to its own customer for the work, so each submission is reviewed against the
brief's acceptance criteria before it goes out, and text is checked for near-duplicates of earlier
submissions and of reference texts the workspace keeps.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from django.core.validators import MinValueValidator
from django.db import models

from outsourcer.accounts.models import WorkspaceOwned
from outsourcer.engagements.models import Engagement
from outsourcer.planning.models import ref_validator

money = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Milestone(WorkspaceOwned):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted, to review"
        ACCEPTED = "accepted", "Accepted"
        REVISION_REQUESTED = "revision_requested", "Revision requested"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="milestones")
    ref = models.CharField(max_length=64, validators=[ref_validator])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    due_on = models.DateField()
    amount = models.DecimalField(null=True, blank=True, **money)  # type: ignore[arg-type]
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    # The date of the latest submission (the last one recorded): "not yet submitted" is one column to read.
    submitted_on = models.DateField(null=True, blank=True)
    delivered_to_customer_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "ref"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="milestone_ref_unique_in_workspace"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["workspace", "due_on"], name="milestone_ws_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Still to be delivered: not submitted yet, or sent back for another round."""
        return self.status in OPEN_STATUSES


OPEN_STATUSES = frozenset({Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS, Milestone.Status.REVISION_REQUESTED})


class Submission(WorkspaceOwned):
    """One delivery of a milestone by the contractor: text, links and files."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="submissions")
    submitted_on = models.DateField()
    text = models.TextField(blank=True, max_length=2_000_000)
    links = models.JSONField(default=list, blank=True)  # URLs
    note = models.TextField(blank=True, max_length=5000)
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # Newest first by when it was recorded, never by `submitted_on`: that date is stated (by us, when we
        # record work sent by email), so ordering on it would let an old date hide the newest work.
        ordering: ClassVar[list[str]] = ["-pk"]

    def __str__(self) -> str:
        return f"Submission of {self.submitted_on}"


def submission_file_path(attachment: SubmissionFile, filename: str) -> str:
    """Under the workspace's folder, by a random name: nothing about the file can be guessed from its path."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"submissions/{attachment.workspace.uuid}/{secrets.token_hex(16)}{suffix}"


class SubmissionFile(WorkspaceOwned):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=submission_file_path, max_length=255)
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Review(WorkspaceOwned):
    """Our review of a milestone against the brief's acceptance criteria, one answer per criterion."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accept"
        REVISION_REQUESTED = "revision_requested", "Request a revision"
        REJECTED = "rejected", "Reject"

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reviews")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.CharField(max_length=200, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    criteria_met = models.JSONField(default=list, blank=True)  # booleans, in the brief's order
    # The criteria as they read when the review was made, so a later brief edit cannot rewrite history.
    criteria = models.JSONField(default=list, blank=True)
    feedback = models.TextField(blank=True, max_length=20000)
    shared_with_contractor = models.BooleanField(default=False)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.reviewed_on}"


class ReferenceText(WorkspaceOwned):
    """A text the workspace keeps to compare submissions with (its own published copy, a known source)."""

    title = models.CharField(max_length=200)
    text = models.TextField(max_length=2_000_000)
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class OriginalityDoc(models.Model):
    """One indexed text (a submission or a reference text): its MinHash signature and LSH band keys."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="originality_doc"
    )
    reference_text = models.OneToOneField(
        ReferenceText, null=True, blank=True, on_delete=models.CASCADE, related_name="originality_doc"
    )
    signature = models.BinaryField()
    shingle_count = models.PositiveIntegerField(default=0)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Indexed text {self.pk}"


class OriginalityBand(models.Model):
    """One LSH band of a document: texts that share a band key are candidates for a near-duplicate."""

    workspace_id: int
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False)
    doc = models.ForeignKey(OriginalityDoc, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField()

    class Meta:
        indexes: ClassVar[list[Any]] = [models.Index(fields=["workspace", "key"], name="originality_band_key")]

    def __str__(self) -> str:
        return f"Band {self.key}"


class OriginalityMatch(models.Model):
    """A verified near-duplicate: a submission and an earlier text whose exact Jaccard similarity is high."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="originality_matches")
    other = models.ForeignKey(OriginalityDoc, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()  # exact Jaccard of the word shingles
    estimated = models.FloatField()  # what the MinHash signatures estimated
    passages = models.JSONField(default=list)  # [{"text": ..., "other": ...}], the shared runs of words
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-similarity", "pk"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["submission", "other"], name="originality_match_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.similarity:.0%} similar"
