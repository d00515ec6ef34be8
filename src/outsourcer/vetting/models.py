"""How a workspace weighs the parts of a contractor's scorecard."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from outsourcer.accounts.models import Workspace

weight = [MinValueValidator(0), MaxValueValidator(10)]


class ScorecardWeights(models.Model):
    """One row per workspace that changed the defaults; the parts with data are weighed by these."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="scorecard_weights")
    references = models.PositiveSmallIntegerField(default=2, validators=weight)
    interviews = models.PositiveSmallIntegerField(default=2, validators=weight)
    trial = models.PositiveSmallIntegerField(default=3, validators=weight)
    ratings = models.PositiveSmallIntegerField(default=3, validators=weight)
    updated_at = models.DateTimeField(auto_now=True)

    PARTS: ClassVar[tuple[str, ...]] = ("references", "interviews", "trial", "ratings")

    class Meta:
        verbose_name_plural = "scorecard weights"

    def __str__(self) -> str:
        return f"Scorecard weights of {self.workspace}"

    def as_dict(self) -> dict[str, int]:
        return {part: getattr(self, part) for part in self.PARTS}
