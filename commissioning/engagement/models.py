"""Data: market engagement events, sign-ups, the standing engagement group and its meetings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.service_map.models import ServiceArea, active_member, partnership_audience
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, Partnership, User

MAX_CAPACITY = 1000
REMIND_HOURS_BEFORE = 48


class EventKind(models.TextChoices):
    ENGAGEMENT = "engagement", "Market engagement event"
    TRAINING = "training", "Training on the application process"


class EventFormat(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for sign-up"
    CLOSED = "closed", "Sign-up closed"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


PUBLIC_EVENT_STATUSES = (EventStatus.OPEN, EventStatus.CLOSED, EventStatus.HELD)


class EngagementEvent(models.Model):
    """An event a partner organises for providers. The partnership's members see every event; anyone sees it once
    it is open (and after)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="engagement_events")
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="engagement_events")
    service_area = models.ForeignKey(
        ServiceArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="engagement_events"
    )
    commission = models.ForeignKey(
        JointCommission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagement_events",
        help_text="The joint commission the engagement is for (it feeds the UK2 notice)",
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.ENGAGEMENT)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000)
    format = models.CharField(max_length=20, choices=EventFormat.choices)
    location = models.CharField(max_length=300, help_text="The address, or how to join online")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)])
    status = models.CharField(max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT)
    notes = models.TextField(max_length=20000, blank=True, help_text="Notes or questions and answers, afterwards")
    notes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["EngagementEvent"]()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        public = Q(status__in=PUBLIC_EVENT_STATUSES)
        if organisation is None:
            return public
        return public | active_member(organisation, "partnership")

    def audit_audience(self) -> list[int]:
        return partnership_audience(self.partnership_id)

    @property
    def notes_published(self) -> bool:
        return self.notes_published_at is not None


class SignupStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class EventSignup(models.Model):
    """A provider's place (or place on the waiting list) at an event, for one person. Seen by the provider itself
    and by the organiser (who needs the access needs); never by other providers."""

    event = models.ForeignKey(EngagementEvent, on_delete=models.CASCADE, related_name="signups")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    access_needs = models.TextField(
        max_length=1000, blank=True, help_text="Anything that would help you take part (step-free access, BSL...)"
    )
    status = models.CharField(max_length=20, choices=SignupStatus.choices, default=SignupStatus.BOOKED)
    attended = models.BooleanField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["EventSignup"]()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], condition=~Q(status="cancelled"), name="one_live_signup_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation}) at {self.event}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation) | Q(event__organiser=organisation)

    def audit_audience(self) -> list[int]:
        return sorted({self.organisation_id, self.event.organiser_id})


class EngagementGroup(models.Model):
    """A standing engagement group of the partnership (seed 004: the Voluntary Sector Engagement Group). Public."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="engagement_groups")
    name = models.CharField(max_length=200)
    purpose = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["EngagementGroup"]()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return Q()  # the group, who sits on it and its published notes are public

    def audit_audience(self) -> list[int]:
        return partnership_audience(self.partnership_id)


class GroupMember(models.Model):
    """Someone on the group: an organisation (a provider, a CVS, a partner) and, optionally, the person for it."""

    group = models.ForeignKey(EngagementGroup, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200, help_text="The person's name, or the organisation's if no one is named")
    role = models.CharField(max_length=200, blank=True, help_text="For example, chair, or representing small charities")
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)

    objects = TenantManager["GroupMember"](via="group")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class GroupMeeting(models.Model):
    """A meeting of the group and its notes; anyone reads them once published, the partnership before."""

    group = models.ForeignKey(EngagementGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.TextField(max_length=20000)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["GroupMeeting"]()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %B %Y})"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        published = Q(published_at__isnull=False)
        if organisation is None:
            return published
        return published | active_member(organisation, "group__partnership")

    def audit_audience(self) -> list[int]:
        return partnership_audience(self.group.partnership_id)
