"""Written agreements and worker-status assessments, as the bundle's `agreement` and `classification`.

An agreement holds the terms Outsourcer writes into a printable independent-contractor agreement
(parties, services, value, payment, invoice deadline, clauses), and the fact of its signing with the
signed copy (a contractor `Document` of kind agreement, kept until the retention date the laws name).
A classification assessment is one dated answer sheet of the worker-status questionnaire; the latest
one counts, earlier ones are the history a reassessment leaves.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from outsourcer.accounts.models import WorkspaceOwned
from outsourcer.contractors.models import Document
from outsourcer.engagements.models import Engagement

# The four clauses rule comply/agreement-incomplete asks of a signed agreement, with what a person reads.
REQUIRED_CLAUSES: dict[str, str] = {
    "independent_contractor_clause": "the independent-contractor clause",
    "ip_assignment": "the IP assignment",
    "confidentiality": "confidentiality",
    "payment_date_stated": "a stated payment date",
}


class Agreement(WorkspaceOwned):
    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="agreement")
    # The parties as the agreement names them (the freelancer laws ask for names and mailing addresses;
    # Los Angeles also for phone and email).
    business_name = models.CharField(max_length=200, blank=True)
    business_address = models.TextField(blank=True, max_length=1000)
    business_email = models.EmailField(max_length=254, blank=True)
    business_phone = models.CharField(max_length=50, blank=True)
    contractor_name = models.CharField(max_length=200, blank=True)
    contractor_address = models.TextField(blank=True, max_length=1000)
    contractor_email = models.EmailField(max_length=254, blank=True)
    contractor_phone = models.CharField(max_length=50, blank=True)
    # The services, one a line (itemised, as the laws ask); blank means the brief's deliverables.
    services = models.TextField(blank=True, max_length=20000)
    # What the whole agreement is worth; None means the engagement's budget cap.
    total_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    # Days after an invoice is received that payment is due; None means the engagement's terms.
    payment_days = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    # Days after completing work by which the contractor sends the invoice (New York State, Illinois, California).
    invoice_deadline_days = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    termination_notice_days = models.PositiveSmallIntegerField(default=14, validators=[MaxValueValidator(365)])
    governing_law = models.CharField(max_length=200, blank=True)
    extra_terms = models.TextField(blank=True, max_length=20000)
    # Which clauses the agreement holds: for a generated one, those it prints; for an imported or
    # uploaded one, what the signed paper says.
    independent_contractor_clause = models.BooleanField(default=True)
    ip_assignment = models.BooleanField(default=True)
    confidentiality = models.BooleanField(default=True)
    payment_date_stated = models.BooleanField(default=True)
    termination_clause = models.BooleanField(default=True)
    signed_on = models.DateField(null=True, blank=True)
    signed_document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Agreement for {self.engagement_id}"

    @property
    def missing_clauses(self) -> list[str]:
        return [text for name, text in REQUIRED_CLAUSES.items() if not getattr(self, name)]


# The questionnaire's answers, as the bundle's `classification`: True points toward employment.
ANSWER_FIELDS = (
    "sets_hours_or_location",
    "trains_in_our_methods",
    "directs_how_work_is_done",
    "paid_by_time_not_result",
    "reimburses_expenses",
    "provides_tools",
    "no_chance_of_profit_or_loss",
    "works_only_for_us",
    "provides_benefits",
    "open_ended",
    "core_to_our_business",
    "similar_workers_are_employees",
)


class ClassificationAssessment(WorkspaceOwned):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="classifications")
    assessed_on = models.DateField()
    sets_hours_or_location = models.BooleanField(null=True, blank=True)
    trains_in_our_methods = models.BooleanField(null=True, blank=True)
    directs_how_work_is_done = models.BooleanField(null=True, blank=True)
    paid_by_time_not_result = models.BooleanField(null=True, blank=True)
    reimburses_expenses = models.BooleanField(null=True, blank=True)
    provides_tools = models.BooleanField(null=True, blank=True)
    no_chance_of_profit_or_loss = models.BooleanField(null=True, blank=True)
    works_only_for_us = models.BooleanField(null=True, blank=True)
    provides_benefits = models.BooleanField(null=True, blank=True)
    open_ended = models.BooleanField(null=True, blank=True)
    core_to_our_business = models.BooleanField(null=True, blank=True)
    similar_workers_are_employees = models.BooleanField(null=True, blank=True)
    # Why contractor treatment is reasonable, written at the time of the decision (Section 530).
    reasonable_basis = models.TextField(blank=True, max_length=2000)
    assessed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar[list[str]] = ["-assessed_on", "-pk"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["engagement", "assessed_on"], name="classification_eng_day"),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.assessed_on}"

    @property
    def answers(self) -> dict[str, bool | None]:
        return {name: getattr(self, name) for name in ANSWER_FIELDS}

    @property
    def toward_employment(self) -> list[str]:
        return [name for name in ANSWER_FIELDS if getattr(self, name) is True]
