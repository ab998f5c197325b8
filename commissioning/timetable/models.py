"""Data: the commission's timetable: stages, reminders and the calendar feed."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from core.tenancy import TenantManager, nothing
from partners.models import Membership, Organisation, User


class Stage(models.Model):
    """One stage of a commission's timetable, with an owner, planned dates and the actual completion."""

    commission = models.ForeignKey(JointCommission, on_delete=models.CASCADE, related_name="stages")
    key = models.CharField(max_length=40, blank=True, help_text="The template stage it came from")
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_start = models.DateField()
    planned_end = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = TenantManager["Stage"](via="commission")  # visible exactly when its commission is

    class Meta:
        ordering = ["position", "planned_start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("planned_start")), name="stage_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commission})"

    def is_overdue(self, today: Any) -> bool:
        return self.completed_on is None and self.planned_end < today


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private iCal address for their stages and deadlines (calendar apps cannot sign in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_feed_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["CalendarFeed"]()

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()

        return Q(
            Exists(
                Membership.objects.unscoped(reason="a visibility rule reads the membership table itself").filter(
                    user=OuterRef("user"), organisation=organisation, is_active=True
                )
            )
        )

    def audit_audience(self) -> list[int]:

        return list(
            Membership.objects.unscoped(reason="the audience is every organisation the person belongs to")
            .filter(user_id=self.user_id, is_active=True)
            .values_list("organisation_id", flat=True)
        )
