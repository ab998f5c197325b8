"""Contract monitoring: KPIs agreed by the partners before award, the provider's returns each period, the lead's
reviews, monitoring visits, improvement plans, and the end of the contract.

Where KPIs live. The tendering app creates a ``Contract`` only when it is signed, and the commissioning timetable
puts "collaborative agreement on KPIs" *before* "contract award signed". So KPIs are drafted on a ``KpiSet`` that
belongs to the joint commission (optionally to one lot of its tender), are agreed by the partners there, and apply
to every contract awarded for that commission (or lot): a lot's own set wins over the commission-wide one. Nothing
is copied at award, so the record of who agreed what, and when, stays with the KPIs the contract is monitored on.

Visibility (the tenant filters below):

- A KPI set, its KPIs and the partners' comments and agreements are visible to whoever sees the joint commission
  (its lead, partners taking part and the accountable body). Once agreed, the KPIs (not the comments) are also
  visible to the provider of a contract awarded under them.
- Everything about a contract's performance (returns, values, evidence, queries, visits, improvement plans, the end
  of contract review) is visible to whoever sees the contract: the provider and the commission's organisations.
  A return is the provider's working copy until submitted: nobody else sees a draft.
- Confidential details of user feedback are visible to the lead commissioner's organisation only -- not the
  partners, not the board, and not (once given) the provider: service users may be frightened to come forward.
- The board's portfolio is a person-level view (a seat on the partnership's board), read by the selector.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.service_map.models import Outcome
from core.files import PrivateFileField
from core.tenancy import TenantManager, nothing
from monitoring import periods, rag
from partners.models import Organisation, User
from procurement.award.models import Contract
from procurement.tenders.models import Lot

# ---------------------------------------------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------------------------------------------


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    MONEY = "money", "Money (£)"
    YES_NO = "yes_no", "Yes or no"


class Frequency(models.TextChoices):
    MONTHLY = periods.MONTHLY, "Monthly"
    QUARTERLY = periods.QUARTERLY, "Quarterly"
    ANNUAL = periods.ANNUAL, "Annual"


class Direction(models.TextChoices):
    HIGHER = rag.HIGHER, "Higher is better"
    LOWER = rag.LOWER, "Lower is better"


class Rag(models.TextChoices):
    NOT_REPORTED = rag.NOT_REPORTED, "Not reported"
    GREEN = rag.GREEN, "Green"
    AMBER = rag.AMBER, "Amber"
    RED = rag.RED, "Red"


class KpiSetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "With partners for agreement"
    AGREED = "agreed", "Agreed"


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


class ReviewStatus(models.TextChoices):
    OPEN = "open", "In progress"
    FEEDBACK_GIVEN = "feedback_given", "Feedback given"
    CLOSED = "closed", "Closed"


# ---------------------------------------------------------------------------------------------------------------
# Visibility helpers
# ---------------------------------------------------------------------------------------------------------------


def commission_visible(organisation: Organisation, commission_ref: str) -> Q:
    return Q(
        Exists(
            JointCommission._base_manager.filter(
                JointCommission.tenant_filter(organisation), pk=OuterRef(commission_ref)
            )
        )
    )


def contract_visible(organisation: Organisation, contract_ref: str) -> Q:
    """Rows whose contract (``contract_ref`` is the path to it) ``organisation`` may see: its provider and the
    joint commission's organisations."""
    return Q(**{f"{contract_ref}__provider": organisation}) | commission_visible(
        organisation, f"{contract_ref}__commission"
    )


def _return_visible(organisation: Organisation | None, prefix: str) -> Q:
    """A return (``prefix`` is the path to it, "" for the return itself): the provider always; the commission's
    organisations once it has been submitted."""
    if organisation is None:
        return nothing()
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}contract__provider": organisation}) | (
        Q(**{f"{p}status__in": SEEN_BY_COMMISSIONERS}) & commission_visible(organisation, f"{p}contract__commission")
    )


def contract_audience(contract: Contract) -> list[int]:
    return sorted({contract.provider_id, *contract.commission.audit_audience()})


class ContractChild(models.Model):
    """Anything about one contract's performance: visible exactly when the contract is (to a signed-in
    organisation; the public sees none of it)."""

    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return contract_visible(organisation, "contract")

    def audit_audience(self) -> list[int]:
        return contract_audience(self.contract)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------------------------
# KPIs, agreed collaboratively before award
# ---------------------------------------------------------------------------------------------------------------


def _default_reminder_days() -> list[int]:
    return [7, 1]


def _kpi_set_visible(organisation: Organisation, prefix: str) -> Q:
    """A KPI set (``prefix`` is the path to it): whoever sees the commission; and, once agreed, the provider of a
    contract it applies to (the commission's, for a commission-wide set; the lot's, for a lot's own set)."""
    p = f"{prefix}__" if prefix else ""
    held = Contract._base_manager.filter(commission=OuterRef(f"{p}commission"), provider=organisation)
    awarded_to = (Q(**{f"{p}lot__isnull": True}) & Q(Exists(held))) | Q(Exists(held.filter(lot=OuterRef(f"{p}lot"))))
    return commission_visible(organisation, f"{p}commission") | (Q(**{f"{p}status": KpiSetStatus.AGREED}) & awarded_to)


class KpiSet(models.Model):
    """The KPIs for a joint commission (or one lot of its tender), drafted by the lead and agreed by every partner
    before award. ``version`` goes up whenever the lead reopens it: agreements count for the current version only."""

    commission = models.ForeignKey(JointCommission, on_delete=models.PROTECT, related_name="kpi_sets")
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Leave empty for every lot"
    )
    title = models.CharField(max_length=200)
    return_frequency = models.CharField(
        "How often the provider sends a return",
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
    )
    return_due_days = models.PositiveSmallIntegerField(
        "Days after each period ends that the return is due",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reminder_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(60)]),
        default=_default_reminder_days,
        help_text="Days before a return is due when the provider is reminded",
    )
    status = models.CharField(max_length=15, choices=KpiSetStatus.choices, default=KpiSetStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreed_by_name = models.CharField(max_length=200, blank=True)

    objects = TenantManager["KpiSet"]()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "lot"], name="kpi_set_one_per_lot", nulls_distinct=False),
            models.CheckConstraint(condition=~Q(reminder_days=[]), name="kpi_set_has_reminder_days"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _kpi_set_visible(organisation, "")

    def audit_audience(self) -> list[int]:
        ids = set(self.commission.audit_audience())
        ids.update(
            Contract._base_manager.filter(commission_id=self.commission_id).values_list("provider_id", flat=True)
        )
        return sorted(ids)

    @property
    def is_draft(self) -> bool:
        return self.status == KpiSetStatus.DRAFT

    @property
    def is_agreed(self) -> bool:
        return self.status == KpiSetStatus.AGREED


class KpiSetChild(models.Model):
    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _kpi_set_visible(organisation, "kpi_set")

    def audit_audience(self) -> list[int]:
        return self.kpi_set.audit_audience()  # type: ignore[attr-defined, no-any-return]


class Kpi(KpiSetChild):
    """One key performance indicator: what is measured, the target each period, and how it is judged."""

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="kpis")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="Exactly what is counted, and how")
    unit = models.CharField(max_length=12, choices=Unit.choices, default=Unit.COUNT)
    target = models.DecimalField(max_digits=14, decimal_places=2, help_text="The target for each period")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    green_threshold = models.DecimalField(max_digits=14, decimal_places=2, help_text="Green at or better than this")
    red_threshold = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Red when worse than this; amber in between"
    )
    outcome = models.ForeignKey(
        Outcome,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kpis",
        help_text="The outcome in the partnership's framework it evidences",
    )
    evidence_required = models.TextField(blank=True, help_text="What the provider must attach to evidence it")
    payment_linked = models.BooleanField("Payment depends on it", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Kpi"]()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(direction="higher") & Q(red_threshold__lte=models.F("green_threshold")))
                | (Q(direction="lower") & Q(red_threshold__gte=models.F("green_threshold"))),
                name="kpi_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(unit="percentage")
                | (
                    Q(target__gte=0, target__lte=100, green_threshold__gte=0, green_threshold__lte=100)
                    & Q(red_threshold__gte=0, red_threshold__lte=100)
                ),
                name="kpi_percentages_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def rag_of(self, actual: Decimal | None) -> str:
        return rag.rag_for(actual=actual, direction=self.direction, green=self.green_threshold, red=self.red_threshold)


class KpiSetResponse(models.Model):
    """A partner's comment on, or agreement to, a version of the KPIs: who, for which organisation, when."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        AGREE = "agree", "Agreed"

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField()
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["KpiSetResponse"]()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="agree") | ~Q(text=""), name="kpi_response_comment_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_kind_display().lower()} (version {self.version})"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return commission_visible(organisation, "kpi_set__commission")

    def audit_audience(self) -> list[int]:
        return self.kpi_set.commission.audit_audience()


# ---------------------------------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------------------------------


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
        return contract_audience(self.contract)

    @property
    def is_accepted(self) -> bool:
        return self.status in ACCEPTED_STATUSES

    @property
    def provider_may_edit(self) -> bool:
        return self.status in PROVIDER_EDITABLE


class ReturnChild(models.Model):
    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return _return_visible(organisation, "kpi_return")

    def audit_audience(self) -> list[int]:
        return self.kpi_return.audit_audience()  # type: ignore[attr-defined, no-any-return]


class KpiValue(ReturnChild):
    """The actual for one KPI in one return, with its RAG status (from the KPI's thresholds, kept with the value)."""

    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.CASCADE, related_name="values")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="values")
    actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    rag = models.CharField(max_length=6, choices=Rag.choices, blank=True, default="")

    objects = TenantManager["KpiValue"]()

    class Meta:
        ordering = ["kpi__position", "kpi_id"]
        constraints = [models.UniqueConstraint(fields=["kpi_return", "kpi"], name="kpi_value_once")]
        indexes = [models.Index(fields=["kpi_return", "rag"])]

    def __str__(self) -> str:
        return f"{self.kpi.name}: {self.actual}"


class ReturnEvidence(ReturnChild):
    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=200)
    file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ReturnEvidence"]()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class ReturnQuery(ReturnChild):
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

    objects = TenantManager["ReturnQuery"]()

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


# ---------------------------------------------------------------------------------------------------------------
# Visits and improvement plans (support first)
# ---------------------------------------------------------------------------------------------------------------


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

    objects = TenantManager["MonitoringVisit"]()

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

    objects = TenantManager["ImprovementPlan"]()

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

    objects = TenantManager["ImprovementAction"]()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.action[:80]

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return contract_visible(organisation, "plan__contract")

    def audit_audience(self) -> list[int]:
        return self.plan.audit_audience()

    def is_overdue(self, today: Any) -> bool:
        return self.status != ActionStatus.DONE and self.due_on < today


# ---------------------------------------------------------------------------------------------------------------
# The end of the contract
# ---------------------------------------------------------------------------------------------------------------

DEFAULT_DECOMMISSIONING_STEPS = (
    "Tell service users and referrers when the service ends, and where to go instead",
    "Agree the transfer or secure deletion of service users' records",
    "Reconcile the final payment with every partner's share",
    "Return or transfer equipment and premises funded by the contract",
    "Publish the end of the contract",
)


class EndReview(ContractChild):
    """The end-of-contract review: what was achieved, lessons, feedback to the provider (required before
    closing), decommissioning steps, and whether outcomes are tracked beyond the contract."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="end_review")
    status = models.CharField(max_length=15, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    summary = models.TextField("What the contract achieved", blank=True)
    lessons = models.TextField("Lessons for future commissioning", blank=True)
    feedback = models.TextField("Feedback to the provider", blank=True)
    feedback_given_at = models.DateTimeField(null=True, blank=True)
    feedback_given_by_name = models.CharField(max_length=200, blank=True)
    track_outcomes = models.BooleanField("Track outcomes after the contract ends", default=False)
    started_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["EndReview"]()

    def __str__(self) -> str:
        return f"End of contract review: {self.contract.title}"


class DecommissioningStep(models.Model):
    review = models.ForeignKey(EndReview, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    owner_name = models.CharField("Owner", max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    not_needed = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    objects = TenantManager["DecommissioningStep"]()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(not_needed=False) | ~Q(note=""), name="decommissioning_step_not_needed_says_why"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return contract_visible(organisation, "review__contract")

    def audit_audience(self) -> list[int]:
        return self.review.audit_audience()

    @property
    def is_settled(self) -> bool:
        return self.done_on is not None or self.not_needed


class OutcomeFollowUp(ContractChild):
    """Tracking an outcome beyond the contract's life (for example a follow-up survey a year on)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="outcome_follow_ups")
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=300, help_text="What will be checked, and how")
    due_on = models.DateField()
    finding = models.TextField(blank=True)
    recorded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["OutcomeFollowUp"]()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.measure
