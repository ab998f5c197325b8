"""Joint commissioning: the service map (who funds what), joint commissions with their partners, contributions,
delegation agreements and timetables.

Visibility (the tenant filters below):

- Partnership-wide things -- service areas, mapped contracts, evidence, the outcomes framework, settings -- are
  shared with the partnership's *active* members (an invited organisation sees nothing until it joins).
- A joint commission and everything under it (participations, contributions, agreements, stages) is visible to its
  lead, to partners invited to it or taking part, and to the partnership's accountable body (which holds the money).
  Within that, *who sees which contribution figures* depends on the role: see ``selectors.contribution_view``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.files import PrivateFileField
from core.money import MoneyField, financial_year_label, financial_years, money
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, Partnership, PartnershipMember, Role, User

DEFAULT_FRAMEWORK_THRESHOLD = money("35000")
DEFAULT_REMINDER_DAYS = (7, 1)
DEFAULT_ALIGNMENT_WINDOW_DAYS = 183


def _active_member(organisation: Organisation, partnership_ref: str) -> Q:
    """Rows whose partnership (``partnership_ref`` on the outer row) has ``organisation`` as an active member."""
    return Q(
        Exists(
            PartnershipMember._base_manager.filter(
                partnership=OuterRef(partnership_ref),
                organisation=organisation,
                status=PartnershipMember.Status.ACTIVE,
            )
        )
    )


def _partnership_audience(partnership_id: int) -> list[int]:
    return list(
        PartnershipMember._base_manager.filter(
            partnership_id=partnership_id, status=PartnershipMember.Status.ACTIVE
        ).values_list("organisation_id", flat=True)
    )


class PartnershipScoped(models.Model):
    """Shared by the partnership's active members."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _active_member(organisation, "partnership")

    def audit_audience(self) -> list[int]:
        return _partnership_audience(self.partnership_id)


# --------------------------------------------------------------------------------------------------------------
# Per-partnership settings
# --------------------------------------------------------------------------------------------------------------


def _default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


class CommissioningSettings(models.Model):
    """A partnership's commissioning settings (kept here, one-to-one, so ``partners`` needs no change)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="commissioning_settings")
    framework_threshold = MoneyField(
        default=DEFAULT_FRAMEWORK_THRESHOLD,
        validators=[MinValueValidator(0)],
        help_text="Above this annual value a single partner commissions under the framework procedure",
    )
    reminder_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(365)]),
        default=_default_reminder_days,
        help_text="Days before a stage ends when its owner and the lead are reminded",
    )
    alignment_window_days = models.PositiveSmallIntegerField(
        default=DEFAULT_ALIGNMENT_WINDOW_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(1830)],
        help_text="Contracts ending within this many days of each other are an alignment opportunity",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["CommissioningSettings"]()

    class Meta:
        verbose_name_plural = "commissioning settings"

    def __str__(self) -> str:
        return f"Commissioning settings for {self.partnership}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _active_member(organisation, "partnership")

    def audit_audience(self) -> list[int]:
        return _partnership_audience(self.partnership_id)


# --------------------------------------------------------------------------------------------------------------
# The service map
# --------------------------------------------------------------------------------------------------------------


class ServiceArea(PartnershipScoped):
    """A kind of service partners fund, for example "Debt, benefits and consumer advice"."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ServiceArea"]()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("partnership", Lower("name"), name="service_area_name_unique_in_partnership")
        ]

    def __str__(self) -> str:
        return self.name


def provider_key(name: str) -> str:
    """How two spellings of one provider are recognised as the same: case and spacing ignored."""
    return " ".join(name.lower().split())


class MappedContract(PartnershipScoped):
    """One partner's existing contract or grant with a provider, in a service area: the raw material of the map."""

    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="contracts")
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mapped_contracts_funded")
    provider = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mapped_contracts_provided",
        help_text="Set when the provider is registered on Jointly",
    )
    provider_name = models.CharField(max_length=200)
    provider_key = models.CharField(max_length=200, editable=False, db_index=True)
    title = models.CharField(max_length=200, blank=True, help_text="What the contract or grant pays for")
    reference = models.CharField(max_length=100, blank=True)
    annual_value = MoneyField(validators=[MinValueValidator(0)])
    start_date = models.DateField()
    end_date = models.DateField()
    funding_source = models.CharField(max_length=200, help_text="For example core budget, or a named government grant")
    alignable = models.BooleanField(default=True, help_text="Can this money be aligned with other partners'?")
    not_alignable_reason = models.TextField(
        blank=True, help_text="Why not: for example, a ring-fenced central-government grant"
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["MappedContract"]()

    class Meta:
        ordering = ["service_area__name", "funder__name", "provider_name", "end_date"]
        indexes = [models.Index(fields=["partnership", "service_area", "end_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="mapped_contract_dates"),
            models.CheckConstraint(condition=Q(annual_value__gte=0), name="mapped_contract_value_not_negative"),
            models.CheckConstraint(
                condition=Q(alignable=True) | ~Q(not_alignable_reason=""),
                name="mapped_contract_ring_fence_has_reason",
            ),
        ]

    def __str__(self) -> str:
        what = self.title or self.service_area.name
        return f"{self.funder.name}: {what} ({self.provider_name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.provider_key = provider_key(self.provider_name)
        super().save(*args, **kwargs)


class ContractImport(models.Model):
    """One CSV/XLSX import of a partner's contracts, with its row-by-row report (kept for the record)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    imported_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    source_file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, help_text="[{row, status, reason, contract_id}]")

    objects = TenantManager["ContractImport"]()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.original_filename} by {self.organisation}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation)

    def audit_audience(self) -> list[int]:
        return [self.organisation_id]

    @property
    def rows_refused(self) -> int:
        return self.rows_total - self.rows_imported


class EvidenceItem(PartnershipScoped):
    """A document or link in the partnership's shared evidence base (needs assessments, profiles...), tagged."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="evidence_items")
    service_area = models.ForeignKey(
        ServiceArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence_items"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    document = PrivateFileField(blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["EvidenceItem"]()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(document=""), name="evidence_has_link_or_document")
        ]

    def __str__(self) -> str:
        return self.title


class Outcome(PartnershipScoped):
    """One line of the partnership's outcomes framework: an outcome ("a community which is healthy") or a principle
    ("encourage early intervention"). Tenders and KPIs link to these."""

    class Kind(models.TextChoices):
        OUTCOME = "outcome", "Outcome"
        PRINCIPLE = "principle", "Principle"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OUTCOME)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Outcome"]()

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint("partnership", "kind", Lower("title"), name="outcome_title_unique_in_partnership")
        ]

    def __str__(self) -> str:
        return self.title


# --------------------------------------------------------------------------------------------------------------
# Joint commissions
# --------------------------------------------------------------------------------------------------------------


class CommissioningModel(models.TextChoices):
    ALIGNED = "aligned", "Aligned budget with a lead commissioner"
    STANDALONE = "standalone", "Stand-alone partnership"
    INDIVIDUAL = "individual", "Individual, under the framework"
    POOLED = "pooled", "Pooled budget"
    DO_NOTHING = "do_nothing", "Do nothing (keep existing contracts)"


# Models under which partners delegate to the lead and sign an agreement before procurement.
DELEGATING_MODELS = frozenset({CommissioningModel.ALIGNED, CommissioningModel.STANDALONE, CommissioningModel.POOLED})


class CommissionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    GATHERING = "gathering", "Gathering requirements"
    SIGN_UP = "sign_up", "Sign-up"
    PROCUREMENT = "procurement", "Procurement"
    AWARDED = "awarded", "Awarded"
    LIVE = "live", "Live"
    CLOSED = "closed", "Closed"
    DECOMMISSIONED = "decommissioned", "Decommissioned"


OPEN_STATUSES = frozenset(
    {
        CommissionStatus.DRAFT,
        CommissionStatus.GATHERING,
        CommissionStatus.SIGN_UP,
        CommissionStatus.PROCUREMENT,
        CommissionStatus.AWARDED,
        CommissionStatus.LIVE,
    }
)
PLANNING_STATUSES = frozenset({CommissionStatus.DRAFT, CommissionStatus.GATHERING, CommissionStatus.SIGN_UP})


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Taking part"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Invitation withdrawn"


VISIBLE_PARTICIPATION = (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED)


def _commission_q(organisation: Organisation) -> Q:
    """Commissions (the rows of the query this Q filters) that ``organisation`` may see."""
    return (
        Q(lead=organisation)
        | Q(partnership__accountable_body=organisation)
        | Q(
            Exists(
                Participation._base_manager.filter(
                    commission=OuterRef("pk"), organisation=organisation, status__in=VISIBLE_PARTICIPATION
                )
            )
        )
    )


class CommissionChild(models.Model):
    """Anything belonging to one joint commission: visible exactly when the commission is."""

    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(Exists(JointCommission._base_manager.filter(_commission_q(organisation), pk=OuterRef("commission"))))

    def audit_audience(self) -> list[int]:
        return self.commission.audit_audience()  # type: ignore[attr-defined, no-any-return]


class JointCommission(models.Model):
    """Partners commissioning one service together, led by one of them."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="joint_commissions")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="commissions")
    title = models.CharField(max_length=200)
    intended_outcomes = models.TextField(help_text="What the service must achieve, in plain words")
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="commissions")
    model = models.CharField(max_length=20, choices=CommissioningModel.choices, blank=True)
    model_reason = models.TextField(blank=True)
    suggested_model = models.CharField(max_length=20, choices=CommissioningModel.choices, blank=True)
    suggestion_reason = models.TextField(blank=True)
    new_service = models.BooleanField(default=False, help_text="A service none of the partners buys today")
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commissions_led")
    lead_contact = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", help_text="The lead commissioner (a person)"
    )
    term_years = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    start_date = models.DateField(help_text="When the new contract starts")
    status = models.CharField(max_length=20, choices=CommissionStatus.choices, default=CommissionStatus.DRAFT)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["JointCommission"]()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(term_years__gte=1, term_years__lte=5), name="commission_term_1_to_5"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _commission_q(organisation)

    def audit_audience(self) -> list[int]:
        ids = set(Participation._base_manager.filter(commission=self).values_list("organisation_id", flat=True))
        ids.add(self.lead_id)
        ids.add(
            Partnership._base_manager.filter(pk=self.partnership_id).values_list("accountable_body_id", flat=True)[0]
        )
        return sorted(ids)

    @property
    def financial_years(self) -> list[int]:
        return financial_years(self.start_date, self.term_years)

    @property
    def first_year(self) -> int:
        return self.financial_years[0]

    @property
    def term_label(self) -> str:
        years = self.financial_years
        return f"{financial_year_label(years[0])} to {financial_year_label(years[-1])}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_planning(self) -> bool:
        return self.status in PLANNING_STATUSES

    @property
    def needs_agreements(self) -> bool:
        return self.model in DELEGATING_MODELS


class Participation(CommissionChild):
    """An organisation's part in a joint commission: invited by the lead, then accepted or declined."""

    commission = models.ForeignKey(JointCommission, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commission_participations")
    status = models.CharField(max_length=10, choices=ParticipationStatus.choices, default=ParticipationStatus.INVITED)
    is_lead = models.BooleanField(default=False)
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    response_reason = models.TextField(blank=True)

    objects = TenantManager["Participation"]()

    class Meta:
        ordering = ["-is_lead", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "organisation"], name="participation_unique"),
            models.UniqueConstraint(fields=["commission"], condition=Q(is_lead=True), name="participation_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.commission}"


class ContributionStatus(models.TextChoices):
    INDICATIVE = "indicative", "Indicative"
    CONFIRMED = "confirmed", "Confirmed"
    TRANSFERRED = "transferred", "Transferred"


class Contribution(CommissionChild):
    """What one partner puts into a joint commission in one UK financial year (1 April to 31 March)."""

    commission = models.ForeignKey(JointCommission, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commission_contributions")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts (1 April)")
    amount = MoneyField(validators=[MinValueValidator(0)])
    status = models.CharField(max_length=12, choices=ContributionStatus.choices, default=ContributionStatus.INDICATIVE)
    source = models.ForeignKey(
        MappedContract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        help_text="The existing contract or grant the money comes from, if any",
    )
    funding_source = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    transferred_on = models.DateField(null=True, blank=True)
    transfer_reference = models.CharField(max_length=100, blank=True)
    transfer_recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager["Contribution"]()

    class Meta:
        ordering = ["financial_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "organisation", "financial_year"], name="contribution_one_per_partner_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="transferred") | (Q(transferred_on__isnull=False) & ~Q(transfer_reference="")),
                name="contribution_transfer_has_date_and_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {financial_year_label(self.financial_year)}: £{self.amount:,.2f}"

    # The commission's participants see that a partner's figure moved; only those who may read the figure itself
    # (``commissioning.selectors.contributions_visible``) see how much (core.audit).
    audit_sensitive_fields = ("amount", "from", "to", "transferred_on", "reference")

    def audit_repr(self) -> str:
        return f"{self.organisation} {financial_year_label(self.financial_year)} contribution"

    def audit_restricted_readers(self) -> list[str]:
        """The same readers as the contributions API: the contributing organisation; commissioners and admins of
        the lead and of every organisation taking part; the accountable body's finance officers and commissioners."""
        commission = JointCommission._base_manager.get(pk=self.commission_id)
        taking_part = set(
            Participation._base_manager.filter(commission_id=self.commission_id).values_list(
                "organisation_id", flat=True
            )
        )
        taking_part.add(commission.lead_id)
        grants = {str(self.organisation_id)}
        grants.update(f"{org}:{role}" for org in taking_part for role in (Role.COMMISSIONER, Role.ORG_ADMIN))
        body = Partnership._base_manager.filter(pk=commission.partnership_id).values_list(
            "accountable_body_id", flat=True
        )[0]
        grants.update(f"{body}:{role}" for role in (Role.FINANCE_OFFICER, Role.COMMISSIONER))
        return sorted(grants)

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year)


class DelegationScope(models.TextChoices):
    PROCUREMENT = "procurement", "Procurement"
    CONTRACT_MANAGEMENT = "contract_management", "Contract management"
    PERFORMANCE_MANAGEMENT = "performance_management", "Performance management"


class PartnershipAgreement(CommissionChild):
    """A partner's signed agreement delegating to the lead commissioner, for the commission's term."""

    commission = models.ForeignKey(JointCommission, on_delete=models.CASCADE, related_name="agreements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="delegation_agreements")
    scopes = ArrayField(models.CharField(max_length=30, choices=DelegationScope.choices))
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signatory_name = models.CharField(max_length=150)
    signatory_authority = models.CharField(
        max_length=300, help_text="The signatory's post and the authority they sign under"
    )
    signed_on = models.DateField()
    valid_from = models.DateField()
    valid_until = models.DateField()
    document = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["PartnershipAgreement"]()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "organisation"], name="agreement_one_per_partner"),
            models.CheckConstraint(condition=~Q(scopes=[]), name="agreement_delegates_something"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} delegates to the lead of {self.commission}"

    def scope_labels(self) -> list[str]:
        labels = dict(DelegationScope.choices)
        return [str(labels.get(s, s)) for s in self.scopes]


# --------------------------------------------------------------------------------------------------------------
# Timetable
# --------------------------------------------------------------------------------------------------------------


class Stage(CommissionChild):
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

    objects = TenantManager["Stage"]()

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
        from partners.models import Membership

        return Q(
            Exists(Membership._base_manager.filter(user=OuterRef("user"), organisation=organisation, is_active=True))
        )

    def audit_audience(self) -> list[int]:
        from partners.models import Membership

        return list(
            Membership._base_manager.filter(user_id=self.user_id, is_active=True).values_list(
                "organisation_id", flat=True
            )
        )
