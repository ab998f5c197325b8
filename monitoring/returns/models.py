"""The provider's returns each period: values with their RAG status, evidence, the lead's queries, and confidential
feedback.

A return is the provider's working copy until submitted: nobody else sees a draft. Confidential details of user
feedback are visible to the lead commissioner's organisation only -- not the partners, not the board, and not
(once given) the provider: service users may be frightened to come forward.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.files import PrivateFileField
from core.tenancy import TenantManager, nothing
from monitoring import rag
from monitoring.kpis.models import Frequency, Kpi, KpiSet
from monitoring.scope import commission_visible
from partners.models import Organisation, User
from procurement.award.models import Contract


class Rag(models.TextChoices):
    NOT_REPORTED = rag.NOT_REPORTED, "Not reported"
    GREEN = rag.GREEN, "Green"
    AMBER = rag.AMBER, "Amber"
    RED = rag.RED, "Red"


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    QUERIED = "queried", "Queried"
    ANSWERED = "answered", "Answered"
    ACCEPTED = "accepted", "Accepted"
    ACCEPTED_WITH_NOTE = "accepted_with_note", "Accepted with a note"


SEEN_BY_COMMISSIONERS = (
    ReturnStatus.SUBMITTED,
    ReturnStatus.QUERIED,
    ReturnStatus.ANSWERED,
    ReturnStatus.ACCEPTED,
    ReturnStatus.ACCEPTED_WITH_NOTE,
)


ACCEPTED_STATUSES = (ReturnStatus.ACCEPTED, ReturnStatus.ACCEPTED_WITH_NOTE)


PROVIDER_EDITABLE = (ReturnStatus.DRAFT, ReturnStatus.QUERIED)


def _return_visible(organisation: Organisation | None, prefix: str) -> Q:
    """A return (``prefix`` is the path to it, "" for the return itself): the provider always; the commission's
    organisations once it has been submitted."""
    if organisation is None:
        return nothing()
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}contract__provider": organisation}) | (
        Q(**{f"{p}status__in": SEEN_BY_COMMISSIONERS}) & commission_visible(organisation, f"{p}contract__commission")
    )


class KpiReturn(models.Model):
    """The provider's return for one reporting period: an actual for each KPI due, a narrative, evidence, case
    studies and a summary of user feedback; reviewed by the lead (accept, query, accept with a note)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="kpi_returns")
    kpi_set = models.ForeignKey(KpiSet, on_delete=models.PROTECT, related_name="returns")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    label = models.CharField(max_length=40)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    narrative = models.TextField(blank=True, help_text="How the period went, in your words")
    case_studies = models.TextField(blank=True, help_text="One or two short, anonymised stories")
    feedback_summary = models.TextField(
        "Summary of user feedback", blank=True, help_text="Shared with every partner: no names or identifying detail"
    )
    has_confidential_feedback = models.BooleanField(default=False)
    rag = models.CharField(max_length=6, choices=Rag.choices, blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_by_name = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by_name = models.CharField(max_length=200, blank=True)
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["KpiReturn"]()

    class Meta:
        ordering = ["contract", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_start"], name="kpi_return_one_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="kpi_return_dates"),
            models.CheckConstraint(
                condition=~Q(status="accepted_with_note") | ~Q(review_note=""), name="kpi_return_note_when_noted"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.label} return: {self.contract.title}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return _return_visible(organisation, "")

    def audit_audience(self) -> list[int]:
        if self.status == ReturnStatus.DRAFT:
            return [self.contract.provider_id]
        return self.contract.audit_audience()

    @property
    def is_accepted(self) -> bool:
        return self.status in ACCEPTED_STATUSES

    @property
    def provider_may_edit(self) -> bool:
        return self.status in PROVIDER_EDITABLE


class KpiValue(models.Model):
    """The actual for one KPI in one return, with its RAG status (from the KPI's thresholds, kept with the value)."""

    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.CASCADE, related_name="values")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="values")
    actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    rag = models.CharField(max_length=6, choices=Rag.choices, blank=True, default="")

    objects = TenantManager["KpiValue"](via="kpi_return")

    class Meta:
        ordering = ["kpi__position", "kpi_id"]
        constraints = [models.UniqueConstraint(fields=["kpi_return", "kpi"], name="kpi_value_once")]
        indexes = [models.Index(fields=["kpi_return", "rag"])]

    def __str__(self) -> str:
        return f"{self.kpi.name}: {self.actual}"


class ReturnEvidence(models.Model):
    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=200)
    file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ReturnEvidence"](via="kpi_return")

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class ReturnQuery(models.Model):
    """The lead's question about a return and the provider's answer, in the app."""

    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.CASCADE, related_name="queries")
    question = models.TextField()
    asked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_by_name = models.CharField(max_length=200)
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_by_name = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["ReturnQuery"](via="kpi_return")

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"Query on {self.kpi_return}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class ConfidentialFeedback(models.Model):
    """Confidential details of user feedback: seen by the lead commissioner's organisation only. The provider
    writes them; once saved it cannot read them back, and no partner or board member ever sees them."""

    kpi_return = models.OneToOneField(KpiReturn, on_delete=models.CASCADE, related_name="confidential_feedback")
    details = models.TextField()
    given_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["ConfidentialFeedback"]()

    def __str__(self) -> str:
        return f"Confidential feedback for {self.kpi_return_id}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(kpi_return__contract__commission__lead=organisation) & ~Q(kpi_return__status=ReturnStatus.DRAFT)

    def audit_audience(self) -> list[int]:
        contract = self.kpi_return.contract
        return sorted({contract.commission.lead_id, contract.provider_id})
