"""People, workspaces and who may do what in which workspace."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone as dj_timezone

from outsourcer.core.models import PublicModel

# Defaults for `workspace.policy`, exactly as RULES.md states them; a workspace overrides any of them.
POLICY_DEFAULTS: dict[str, Any] = {
    "min_overlap_hours": 2,
    "max_check_ins_per_week": 3,
    "silence_days": 14,
    "default_payment_terms_days": 30,
    "trial_required_above": "2000",
    "originality_threshold": 0.5,
    "budget_alert_percent": 80,
}

currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code, e.g. USD.")
country_validator = RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166 code, e.g. US.")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # People type their address with capitals now and then; it is still them.
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """Logs in with an email address; `username` is gone."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Workspace(PublicModel):
    class Kind(models.TextChoices):
        SMALL_BUSINESS = "small_business", "Small business"
        FREELANCER = "freelancer", "Freelancer"
        AGENCY = "agency", "Agency"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SMALL_BUSINESS)
    base_currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    region = models.CharField(max_length=64, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    work_start = models.TimeField(default=dt.time(9, 0))
    work_end = models.TimeField(default=dt.time(17, 0))
    work_days = models.JSONField(default=list, blank=True)
    owner_hourly_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fx_rates = models.JSONField(default=dict, blank=True)
    policy = models.JSONField(default=dict, blank=True)

    # What an owner may change; the slug and keys are the system's.
    SETTINGS_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "kind",
        "base_currency",
        "country",
        "region",
        "time_zone",
        "work_start",
        "work_end",
        "work_days",
        "owner_hourly_value",
        "fx_rates",
        "policy",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def working_days(self) -> list[int]:
        return list(self.work_days) or [1, 2, 3, 4, 5]

    def policy_value(self, key: str) -> Any:
        return self.policy.get(key, POLICY_DEFAULTS[key])

    @property
    def effective_policy(self) -> dict[str, Any]:
        return {**POLICY_DEFAULTS, **self.policy}


class WorkspaceOwned(PublicModel):
    """Every domain row carries its workspace; the door filters on it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    VIEWER = "viewer", "Viewer"
    CONTRACTOR = "contractor", "Contractor"


class Membership(PublicModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "workspace"], name="one_membership_per_user")
        ]
        ordering: ClassVar[list[str]] = ["workspace__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.role}"


class Invitation(PublicModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.workspace}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class ApiToken(PublicModel):
    """A personal token for one workspace; only its SHA-256 is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    def touch(self) -> None:
        now = dj_timezone.now()
        # One write a minute at most: a busy script must not turn every GET into a write.
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
