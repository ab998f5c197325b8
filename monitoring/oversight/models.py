"""The lead's oversight of a live contract: monitoring visits, and improvement plans (support first) with their
actions. Visible to whoever sees the contract.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import TenantManager
from monitoring.kpis.models import Kpi
from monitoring.returns.models import KpiReturn
from monitoring.scope import ContractChild
from partners.models import Organisation, User
from procurement.award.models import Contract


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class PlanStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class MonitoringVisit(ContractChild):
    """A visit to see the service in practice, not only a desk review."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="monitoring_visits")
    planned_on = models.DateField()
    purpose = models.TextField()
    status = models.CharField(max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    visited_on = models.DateField(null=True, blank=True)
    visitors = models.CharField(max_length=300, blank=True, help_text="Who went")
    notes = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["MonitoringVisit"](via="contract")

    class Meta:
        ordering = ["-planned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(visited_on__isnull=False) & ~Q(findings="")),
                name="visit_done_has_date_and_findings",
            )
        ]

    def __str__(self) -> str:
        return f"Visit on {self.planned_on:%d %B %Y} to {self.contract.title}"


class ImprovementPlan(ContractChild):
    """A plan to improve poor performance, support first: what the commissioners will do to help, and actions."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="improvement_plans")
    title = models.CharField(max_length=200)
    concern = models.TextField(help_text="What is not going well, and the evidence")
    support_offered = models.TextField(help_text="The help the commissioners will give first")
    kpis = models.ManyToManyField(Kpi, blank=True, related_name="improvement_plans")
    source_return = models.ForeignKey(
        KpiReturn, null=True, blank=True, on_delete=models.SET_NULL, related_name="improvement_plans"
    )
    review_on = models.DateField(null=True, blank=True, help_text="When progress will next be reviewed")
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    opened_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)

    objects = TenantManager["ImprovementPlan"](via="contract")

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == PlanStatus.OPEN


class ImprovementAction(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner_name = models.CharField("Owner", max_length=200)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    progress = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager["ImprovementAction"](via="plan")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.action[:80]

    def is_overdue(self, today: Any) -> bool:
        return self.status != ActionStatus.DONE and self.due_on < today
