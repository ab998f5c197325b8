"""Data: register entries (one per partnership and provider) and the provider's own documents."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commissioning.service_map.models import active_member, partnership_audience
from core.files import PrivateFileField
from core.opportunities import CATEGORIES, category_label
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, Partnership, User

REMINDER_DAYS = 30  # a document's provider is reminded this many days before it expires


class RegisterStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    APPROVED = "approved", "Approved"
    SUSPENDED = "suspended", "Suspended"


class RegisterEntry(models.Model):
    """A provider on a partnership's register. Seen by the partnership's active members (the commissioners) and by
    the provider itself, which keeps its own facts up to date; the status is the partnership's to change."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=RegisterStatus.choices, default=RegisterStatus.REGISTERED)
    categories = ArrayField(
        models.CharField(max_length=40, choices=CATEGORIES), default=list, blank=True, size=len(CATEGORIES)
    )
    approved_until = models.DateField(null=True, blank=True)
    suspended_reason = models.TextField(blank=True, max_length=2000)
    services_offered = models.TextField(blank=True, max_length=2000, help_text="What the provider does, in brief")
    areas_served = models.CharField(max_length=300, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["RegisterEntry"]()

    class Meta:
        verbose_name_plural = "register entries"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="register_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on the register of {self.partnership}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation) | active_member(organisation, "partnership")

    def audit_audience(self) -> list[int]:
        return sorted({*partnership_audience(self.partnership_id), self.organisation_id})

    @property
    def category_labels(self) -> list[str]:
        return [category_label(c) for c in self.categories]

    def approved_on(self, day: dt.date) -> bool:
        """Approved, and the approval still runs on ``day``."""
        return self.status == RegisterStatus.APPROVED and (self.approved_until is None or self.approved_until >= day)

    def approved_for(self, category: str, day: dt.date) -> bool:
        return self.approved_on(day) and category in self.categories


class DocumentKind(models.TextChoices):
    INSURANCE = "insurance", "Insurance certificate"
    SAFEGUARDING = "safeguarding", "Safeguarding policy"
    ACCOUNTS = "accounts", "Annual accounts"
    OTHER = "other", "Other document"


def on_a_register_of(organisation: Organisation, provider_ref: str) -> Q:
    """Rows of a provider (``provider_ref``) that is on a register of a partnership ``organisation`` is an active
    member of."""
    entries = RegisterEntry.objects.unscoped(reason="a visibility rule reads the register itself").filter(
        Q(organisation=OuterRef(provider_ref)) & active_member(organisation, "partnership")
    )
    return Q(Exists(entries))


class ProviderDocument(models.Model):
    """A provider's document, uploaded once ("tell us once") and read by every partnership whose register the
    provider is on, and attached by reference to its bids. A replaced or removed document is kept (``removed_at``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200, blank=True)
    file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    expires_on = models.DateField(null=True, blank=True)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True, help_text="The expiry date a reminder was sent for")

    objects = TenantManager["ProviderDocument"]()

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation) | on_a_register_of(organisation, "organisation")

    def audit_audience(self) -> list[int]:
        partnerships = RegisterEntry.objects.unscoped(reason="the audience is every register the provider is on")
        ids = {self.organisation_id}
        for pid in partnerships.filter(organisation_id=self.organisation_id).values_list("partnership_id", flat=True):
            ids.update(partnership_audience(pid))
        return sorted(ids)

    def is_current(self, day: dt.date) -> bool:
        return self.removed_at is None and (self.expires_on is None or self.expires_on >= day)

    def expires_within(self, day: dt.date, days: int = REMINDER_DAYS) -> bool:
        return self.is_current(day) and self.expires_on is not None and self.expires_on <= day + dt.timedelta(days)
