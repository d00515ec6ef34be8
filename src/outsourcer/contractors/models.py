"""The contractor directory and its vetting records, as the bundle's `contractor`."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from outsourcer.accounts.models import WorkspaceOwned, country_validator, currency_validator
from outsourcer.planning.models import ref_validator

score_validators = [MinValueValidator(1), MaxValueValidator(5)]


class Stage(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    VETTING = "vetting", "Vetting"
    TRIAL = "trial", "Trial"
    APPROVED = "approved", "Approved"
    PREFERRED = "preferred", "Preferred"
    INACTIVE = "inactive", "Inactive"
    BLOCKED = "blocked", "Blocked"


# Stages where a contractor may be given real work.
TRUSTED_STAGES = frozenset({Stage.APPROVED, Stage.PREFERRED})


class EntityType(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    SOLE_PROPRIETOR = "sole_proprietor", "Sole proprietor"
    SINGLE_MEMBER_LLC = "single_member_llc", "Single-member LLC"
    PARTNERSHIP = "partnership", "Partnership"
    LLC_PARTNERSHIP = "llc_partnership", "LLC taxed as a partnership"
    C_CORPORATION = "c_corporation", "C corporation"
    S_CORPORATION = "s_corporation", "S corporation"
    LLC_C_CORPORATION = "llc_c_corporation", "LLC taxed as a C corporation"
    LLC_S_CORPORATION = "llc_s_corporation", "LLC taxed as an S corporation"
    TRUST_ESTATE = "trust_estate", "Trust or estate"
    OTHER = "other", "Other"


class Contractor(WorkspaceOwned):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        AGENCY = "agency", "Agency"

    ref = models.CharField(max_length=64, validators=[ref_validator])
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    region = models.CharField(max_length=64, blank=True)
    # Working hours; no zone means the contractor's hours are not known yet.
    time_zone = models.CharField(max_length=64, blank=True)
    work_start = models.TimeField(null=True, blank=True)
    work_end = models.TimeField(null=True, blank=True)
    work_days = models.JSONField(default=list, blank=True)
    # Lower-case skill names, one a line between newlines ("\ndesign\nseo\n"), so that a filter on
    # one skill is a portable `icontains` on SQLite and PostgreSQL alike.
    skills_text = models.TextField(blank=True, default="")
    hourly_rate = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(max_length=3, blank=True, validators=[currency_validator])
    source = models.CharField(max_length=200, blank=True)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PROSPECT)
    notes = models.TextField(blank=True, max_length=20000)
    # Tax profile, as the bundle's `tax`; None means not known.
    us_person = models.BooleanField(null=True, blank=True)
    entity_type = models.CharField(max_length=20, choices=EntityType.choices, blank=True)
    legal_services = models.BooleanField(null=True, blank=True)
    tin_verified = models.BooleanField(null=True, blank=True)
    works_in_us = models.BooleanField(null=True, blank=True)
    # Why the last approval went ahead with vetting steps missing (also in the activity log).
    approval_override = models.TextField(blank=True, max_length=2000)
    # The account this contractor signs in to the portal with (linked when their invitation is accepted).
    portal_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="contractor_profiles"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "ref"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="contractor_ref_unique_in_workspace"),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["workspace", "stage"], name="contractor_ws_stage"),
            models.Index(fields=["workspace", "name"], name="contractor_ws_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def skills(self) -> list[str]:
        return [s for s in self.skills_text.split("\n") if s]

    @staticmethod
    def skills_to_text(skills: list[str]) -> str:
        cleaned = []
        for skill in skills:
            name = " ".join(skill.split()).lower()
            if name and name not in cleaned:
                cleaned.append(name)
        return "\n" + "\n".join(cleaned) + "\n" if cleaned else ""

    @property
    def has_hours(self) -> bool:
        return bool(self.time_zone) and self.work_start is not None and self.work_end is not None

    @property
    def working_days(self) -> list[int]:
        return list(self.work_days) or [1, 2, 3, 4, 5]


class ContractorRecord(WorkspaceOwned):
    """A vetting record of one contractor; the workspace is the contractor's."""

    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE)

    class Meta:
        abstract = True


class ReferenceCheck(ContractorRecord):
    class Outcome(models.TextChoices):
        POSITIVE = "positive", "Positive"
        MIXED = "mixed", "Mixed"
        NEGATIVE = "negative", "Negative"
        UNREACHABLE = "unreachable", "Unreachable"

    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200, blank=True)
    relationship = models.CharField(max_length=200, blank=True)
    checked_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    met_deadlines = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=20000)

    class Meta:
        ordering: ClassVar[list[str]] = ["checked_on", "pk"]

    def __str__(self) -> str:
        return f"Reference from {self.name}"

    @property
    def counts(self) -> bool:
        """A reference vouches for someone once it was checked and came back positive or mixed."""
        return self.checked_on is not None and self.outcome in (self.Outcome.POSITIVE, self.Outcome.MIXED)


class Interview(ContractorRecord):
    class Medium(models.TextChoices):
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        CHAT = "chat", "Chat"

    held_on = models.DateField()
    interviewer = models.CharField(max_length=200, blank=True)
    medium = models.CharField(max_length=10, choices=Medium.choices, blank=True)
    score_skills = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    score_communication = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    score_values_fit = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    score_reliability = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    identity_verified = models.BooleanField(default=False)
    notes = models.TextField(blank=True, max_length=20000)

    SCORES: ClassVar[tuple[str, ...]] = ("skills", "communication", "values_fit", "reliability")

    class Meta:
        ordering: ClassVar[list[str]] = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Interview on {self.held_on}"

    @property
    def scores(self) -> dict[str, int]:
        found = {name: getattr(self, f"score_{name}") for name in self.SCORES}
        return {name: value for name, value in found.items() if value is not None}

    @property
    def average(self) -> float | None:
        values = list(self.scores.values())
        return sum(values) / len(values) if values else None


def document_path(document: Document, filename: str) -> str:
    """Under the workspace's folder, by a random name: nothing about the file can be guessed from its path."""
    suffix = Path(filename).suffix.lower()
    return f"documents/{document.workspace.uuid}/{secrets.token_hex(16)}{suffix}"


class Document(ContractorRecord):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Agreement"
        NDA = "nda", "NDA"
        W9 = "w9", "W-9"
        W8BEN = "w8ben", "W-8BEN"
        W8BEN_E = "w8ben_e", "W-8BEN-E"
        INSURANCE = "insurance", "Insurance"
        LICENSE = "license", "Licence"
        CERTIFICATE = "certificate", "Certificate"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    # An uploaded copy, kept under the data directory and served only to the workspace.
    file = models.FileField(upload_to=document_path, blank=True, max_length=255)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    # Kept at least until this day: a freelancer-protection law's retention period (a signed agreement).
    retain_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "signed_on", "pk"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def expired(self, today: dt.date) -> bool:
        return self.expires_on is not None and self.expires_on < today


class RedFlag(ContractorRecord):
    class Kind(models.TextChoices):
        IDENTITY_MISMATCH = "identity_mismatch", "Identity does not match"
        UPFRONT_PAYMENT = "upfront_payment_request", "Asked for payment up front"
        OFF_PLATFORM_PAYMENT = "off_platform_payment_request", "Asked to be paid off-platform"
        UNVERIFIABLE_PORTFOLIO = "unverifiable_portfolio", "Portfolio cannot be verified"
        COPIED_WORK = "copied_work", "Copied work"
        PRESSURE_TACTICS = "pressure_tactics", "Pressure tactics"
        CREDENTIAL_REQUEST = "credential_request", "Asked for credentials"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    noted_on = models.DateField()
    notes = models.TextField(blank=True, max_length=20000)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["noted_on", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()
