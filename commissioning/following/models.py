"""Data: who follows which service area or category, and each follower's notification settings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.service_map.models import ServiceArea
from core.opportunities import CATEGORIES, category_label
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, User


class OwnedByFollower(models.Model):
    """Rows only the follower's own organisation ever sees (a commissioner never learns who follows what)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation)

    def audit_audience(self) -> list[int]:
        return [self.organisation_id]


class Follow(OwnedByFollower):
    """A provider's person follows one service area or one category, and is told when an opportunity appears."""

    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=40, blank=True, choices=CATEGORIES)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Follow"]()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(service_area__isnull=False) & Q(category=""))
                | (Q(service_area__isnull=True) & ~Q(category="")),
                name="follow_one_thing",
            ),
            models.UniqueConstraint(
                fields=["organisation", "user", "service_area"],
                condition=Q(service_area__isnull=False),
                name="follow_area_once",
            ),
            models.UniqueConstraint(
                fields=["organisation", "user", "category"], condition=~Q(category=""), name="follow_category_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.what}"

    @property
    def what(self) -> str:
        if self.service_area_id:
            return str(self.service_area)
        return category_label(self.category)


class AlertChannel(models.TextChoices):
    EMAIL = "email", "By email and on Jointly"
    IN_APP = "in_app", "On Jointly only"
    OFF = "off", "Not at all"


class FollowSettings(OwnedByFollower):
    """How a follower wants to hear: alerts as they happen (email, in-app, or not), and the monthly digest."""

    alerts = models.CharField(max_length=10, choices=AlertChannel.choices, default=AlertChannel.EMAIL)
    digest = models.BooleanField(default=True, help_text="A monthly email of forthcoming opportunities")
    digest_stopped_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["FollowSettings"]()

    class Meta:
        verbose_name_plural = "follow settings"
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="follow_settings_once")]

    def __str__(self) -> str:
        return f"Follow settings of {self.user}"
