import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from outsourcer.accounts.models import Membership, Role, User, Workspace
from outsourcer.checks.models import Finding
from outsourcer.compliance.models import Agreement, ClassificationAssessment
from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck
from outsourcer.deliverables.models import Milestone, ReferenceText, Review, Submission
from outsourcer.engagements.models import (
    Brief,
    CheckIn,
    CommunicationPlan,
    CustomerCommitment,
    Engagement,
    Rating,
    TimeEntry,
)
from outsourcer.planning.models import Task
from outsourcer.risk.models import AccessGrant, ExitPlan, Risk

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")
    base_currency = "USD"
    time_zone = "America/New_York"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Role.MANAGER


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    workspace = factory.SubFactory(WorkspaceFactory)
    ref = factory.Sequence(lambda n: f"task-{n}")
    name = factory.Sequence(lambda n: f"Task {n}")
    category = "bookkeeping"
    hours_per_month = Decimal("10")
    effectiveness = 3
    business_value = 3
    knowledge = "working"
    market_rate_per_hour = Decimal("45.00")


class FindingFactory(factory.django.DjangoModelFactory):
    """A stored finding about a task, as a check run would leave it."""

    class Meta:
        model = Finding

    workspace = factory.SubFactory(WorkspaceFactory)
    rule = "plan/not-outsourcing-enough"
    stage = "plan"
    severity = "info"
    subject_kind = "task"
    subject_key = factory.Sequence(lambda n: f"task-f{n}")
    subject_ref = factory.SelfAttribute("subject_key")
    subject_label = factory.Sequence(lambda n: f"Task F{n}")
    message = "Task F takes 10 h a month in-house."
    fix = "Hand it out."
    fingerprint = "0" * 64
    first_seen = factory.LazyFunction(timezone.now)
    last_seen = factory.LazyFunction(timezone.now)


class ContractorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contractor

    workspace = factory.SubFactory(WorkspaceFactory)
    ref = factory.Sequence(lambda n: f"c-{n}")
    name = factory.Sequence(lambda n: f"Contractor {n}")
    email = factory.Sequence(lambda n: f"contractor{n}@example.test")
    country = "US"
    time_zone = "America/Chicago"
    work_start = factory.LazyFunction(lambda: dt.time(9))
    work_end = factory.LazyFunction(lambda: dt.time(17))
    skills_text = "\nbookkeeping\n"
    hourly_rate = Decimal("45.00")
    currency = "USD"
    stage = "vetting"


class ReferenceCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceCheck

    contractor = factory.SubFactory(ContractorFactory)
    workspace = factory.SelfAttribute("contractor.workspace")
    name = "Dana Reference"
    checked_on = factory.LazyFunction(lambda: dt.date(2026, 11, 2))
    outcome = "positive"


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    contractor = factory.SubFactory(ContractorFactory)
    workspace = factory.SelfAttribute("contractor.workspace")
    held_on = factory.LazyFunction(lambda: dt.date(2026, 11, 3))
    medium = "video"
    score_skills = 4
    score_communication = 4
    identity_verified = True


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    contractor = factory.SubFactory(ContractorFactory)
    workspace = factory.SelfAttribute("contractor.workspace")
    kind = "w9"
    signed_on = factory.LazyFunction(lambda: dt.date(2026, 1, 10))


class RedFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RedFlag

    contractor = factory.SubFactory(ContractorFactory)
    workspace = factory.SelfAttribute("contractor.workspace")
    kind = "upfront_payment_request"
    noted_on = factory.LazyFunction(lambda: dt.date(2026, 11, 4))


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    contractor = factory.SubFactory(ContractorFactory)
    workspace = factory.SelfAttribute("contractor.workspace")
    ref = factory.Sequence(lambda n: f"e-{n}")
    title = factory.Sequence(lambda n: f"Engagement {n}")
    kind = "project"
    status = "active"
    start_on = factory.LazyFunction(lambda: dt.date(2026, 11, 1))
    rate_model = "fixed"
    rate_currency = "USD"
    rate_amount = Decimal("1500.00")
    budget_cap = Decimal("1500.00")


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    on = factory.LazyFunction(lambda: dt.date(2026, 11, 20))
    overall = 4
    would_rehire = True


class CustomerCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerCommitment

    workspace = factory.SubFactory(WorkspaceFactory)
    ref = factory.Sequence(lambda n: f"cc-{n}")
    customer = factory.Sequence(lambda n: f"Customer {n}")
    title = factory.Sequence(lambda n: f"Promise {n}")
    promised_on = factory.LazyFunction(lambda: dt.date(2027, 1, 29))
    buffer_days = 3


class BriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brief

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    goals = "Win more local customers through a clearer website."
    context = "We are a ten-person studio; most customers come from referrals."
    deliverables = factory.LazyFunction(lambda: ["Home page copy", "Three case studies"])
    acceptance_criteria = factory.LazyFunction(lambda: ["Reads at grade 8 or below", "Uses our tone guide"])
    out_of_scope = "Visual design."
    constraints = "Plain English; no stock photos."


class CommunicationPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunicationPlan

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    point_person = "Maya Chen"
    escalation_contact = "Sam Ortiz"
    channels = factory.LazyFunction(lambda: ["email", "video"])
    important_topics_channel = "video"
    cadence = "weekly"


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    on = factory.LazyFunction(lambda: dt.date(2026, 11, 20))
    kind = "status_update"
    initiated_by = "contractor"


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    engagement = factory.SubFactory(EngagementFactory, rate_model="hourly", rate_amount=Decimal("60.00"))
    workspace = factory.SelfAttribute("engagement.workspace")
    worked_on = factory.LazyFunction(lambda: dt.date(2026, 11, 17))
    hours = Decimal("3.50")
    description = "Drafted the case studies"
    status = "submitted"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    ref = factory.Sequence(lambda n: f"m-{n}")
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = factory.LazyFunction(lambda: dt.date(2027, 1, 15))
    amount = Decimal("500.00")
    status = "planned"


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    milestone = factory.SubFactory(MilestoneFactory, status="submitted")
    workspace = factory.SelfAttribute("milestone.workspace")
    submitted_on = factory.LazyFunction(lambda: dt.date(2026, 11, 25))
    text = "Here is the home page copy, written for owners of small studios who want more local work."


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    milestone = factory.SubFactory(MilestoneFactory, status="accepted")
    workspace = factory.SelfAttribute("milestone.workspace")
    reviewed_on = factory.LazyFunction(lambda: dt.date(2026, 11, 26))
    reviewer = "Maya Chen"
    decision = "accepted"
    criteria_met = factory.LazyFunction(lambda: [True, True])
    feedback = "Clear and on brief."
    shared_with_contractor = True


class ReferenceTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceText

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"Reference {n}")
    text = "Our published about page: we design brands for small businesses in New York since 2009."


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    ref = factory.Sequence(lambda n: f"r-{n}")
    category = "operational"
    title = factory.Sequence(lambda n: f"Risk {n}")
    likelihood = 2
    impact = 3
    mitigation = "Keep a second contractor warm."
    owner = "Maya Chen"
    status = "open"
    review_on = factory.LazyFunction(lambda: dt.date(2027, 2, 1))


class ExitPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExitPlan

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    steps = "Export the files; hand the work to our in-house designer; close the accounts."
    handover_kind = "in_house"
    data_return = True
    reviewed_on = factory.LazyFunction(lambda: dt.date(2026, 11, 1))


class AccessGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGrant

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    system = factory.Sequence(lambda n: f"System {n}")
    level = "write"
    shared_credential = False
    granted_on = factory.LazyFunction(lambda: dt.date(2026, 11, 1))
    expires_on = factory.LazyFunction(lambda: dt.date(2027, 3, 31))


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    business_name = factory.SelfAttribute("engagement.workspace.name")
    business_address = "1 Main Street, Brooklyn, NY 11201"
    contractor_name = factory.SelfAttribute("engagement.contractor.name")
    contractor_address = "2 Side Street, Queens, NY 11101"
    signed_on = factory.LazyFunction(lambda: dt.date(2026, 10, 30))


class ClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassificationAssessment

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    assessed_on = factory.LazyFunction(lambda: dt.date(2026, 11, 1))
    sets_hours_or_location = False
    trains_in_our_methods = False
    directs_how_work_is_done = False
    paid_by_time_not_result = False
    reimburses_expenses = False
    provides_tools = False
    no_chance_of_profit_or_loss = False
    works_only_for_us = False
    provides_benefits = False
    open_ended = False
    core_to_our_business = False
    similar_workers_are_employees = False
    reasonable_basis = "Industry practice: studios hire freelance copywriters per project."
