from decimal import Decimal

import factory
from django.utils import timezone

from outsourcer.accounts.models import Membership, Role, User, Workspace
from outsourcer.checks.models import Finding
from outsourcer.planning.models import Task

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
