"""Data: a partner's forward plan (one line of the co-commissioning pipeline)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.service_map.models import ServiceArea, active_member, partnership_audience
from core import opportunities
from core.money import MoneyField
from core.tenancy import TenantManager
from partners.models import Organisation, Partnership, User

HORIZON_MONTHS = 18
DEFAULT_OVERLAP_MONTHS = 6


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PLANNED = "planned", "Planned"
    IN_PROCUREMENT = "in_procurement", "In procurement"
    COMMISSIONED = "commissioned", "Commissioned"
    DROPPED = "dropped", "Dropped"


class PlanCategory(models.TextChoices):
    """What kind of spending the plan is: providers follow these as well as service areas."""

    SERVICES = "services", "A contract for services"
    GRANTS = "grants", "Grant funding"
    FRAMEWORK = "framework", "A framework or approved list"


ACTIVE_STATUSES = (PlanStatus.DRAFT, PlanStatus.PLANNED, PlanStatus.IN_PROCUREMENT)


class ForwardPlan(models.Model):
    """What one partner plans to commission or fund. Its partnership's active members see every plan; the public
    (and providers) see the plans the partner has published."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="forward_plans")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="forward_plans")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="forward_plans")
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=PlanCategory.choices, default=PlanCategory.SERVICES)
    service_category = models.CharField(
        max_length=20,
        choices=opportunities.CATEGORIES,
        blank=True,
        help_text="The kind of service, as providers follow it (core.opportunities.CATEGORIES)",
    )
    description = models.TextField(max_length=2000, blank=True)
    estimated_value = MoneyField(validators=[MinValueValidator(0)], help_text="The whole value over the term")
    procurement_date = models.DateField(help_text="When procurement (or the grant round) is planned to start")
    start_date = models.DateField(help_text="When the service or funding is planned to start")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, help_text="When it was published on the portal")
    commission = models.ForeignKey(
        JointCommission, null=True, blank=True, on_delete=models.SET_NULL, related_name="forward_plans"
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["ForwardPlan"]()

    class Meta:
        ordering = ["procurement_date", "title", "pk"]
        indexes = [models.Index(fields=["partnership", "service_area", "procurement_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(start_date__gte=models.F("procurement_date")), name="plan_dates"),
            models.CheckConstraint(condition=Q(estimated_value__gte=0), name="plan_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.title}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        published = Q(published_at__isnull=False)
        if organisation is None:
            return published
        return published | active_member(organisation, "partnership")

    def audit_audience(self) -> list[int]:
        return partnership_audience(self.partnership_id)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
