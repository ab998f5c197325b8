"""Data: the joint commission, who takes part in it and what each partner puts in, year by year.

Contributions live here, not in ``money``, because the commission's own rules read them (a changed term must not
strand a contribution; a partner that declines loses its indicative figures; the model suggestion weighs the first
year's money). ``commissioning.money`` holds everything done with them: recording, confirming, transfers, reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commissioning.service_map.models import MappedContract, Outcome, ServiceArea
from core.money import FinancialYearPart, MoneyField, financial_year_label, term_end, term_financial_years
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, Partnership, Role, User


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


def loaded_rows(obj: models.Model, name: str, query: Iterable[Any]) -> list[Any]:
    """The rows of ``obj``'s relation ``name`` as the page loaded them (``prefetch_related``), else ``query`` run
    now. The commission page loads its participations, agreements and contributions once and its guards and
    permissions read them from there; a service (on a freshly locked row) reads them afresh."""
    cache = getattr(obj, "_prefetched_objects_cache", None) or {}
    if name in cache:
        return list(cache[name])
    return list(query)


def commission_q(organisation: Organisation) -> Q:
    """Commissions (the rows of the query this Q filters) that ``organisation`` may see."""
    return (
        Q(lead=organisation)
        | Q(partnership__accountable_body=organisation)
        | Q(
            Exists(
                Participation.objects.unscoped(reason="a visibility rule reads the participation table itself").filter(
                    commission=OuterRef("pk"), organisation=organisation, status__in=VISIBLE_PARTICIPATION
                )
            )
        )
    )


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
        return commission_q(organisation)

    def audit_audience(self) -> list[int]:
        ids = set(
            Participation.objects.unscoped(reason="the audience is every organisation involved")
            .filter(commission=self)
            .values_list("organisation_id", flat=True)
        )
        ids.add(self.lead_id)
        ids.add(
            Partnership.objects.unscoped(reason="the audience is every organisation involved")
            .filter(pk=self.partnership_id)
            .values_list("accountable_body_id", flat=True)[0]
        )
        return sorted(ids)

    @property
    def year_parts(self) -> list[FinancialYearPart]:
        """Every financial year the term touches, part-years at either end labelled as such
        (``core.money.term_financial_years``): 3 years from 1 October 2026 touch 2026/27 to 2029/30."""
        return term_financial_years(self.start_date, self.term_years)

    @property
    def financial_years(self) -> list[int]:
        return [p.year for p in self.year_parts]

    @property
    def end_date(self) -> dt.date:
        return term_end(self.start_date, self.term_years)

    def year_label(self, year: int) -> str:
        """The year's label for this commission ("2029/30 (part year: 1 April 2029 to 30 September 2029)")."""
        for part in self.year_parts:
            if part.year == year:
                return part.label
        return financial_year_label(year)

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


class Participation(models.Model):
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

    objects = TenantManager["Participation"](via="commission")  # visible exactly when its commission is

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


class Contribution(models.Model):
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

    objects = TenantManager["Contribution"](via="commission")  # visible exactly when its commission is

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
        commission = JointCommission.objects.unscoped(reason="the audience is every organisation involved").get(
            pk=self.commission_id
        )
        taking_part = set(
            Participation.objects.unscoped(reason="the audience is every organisation involved")
            .filter(commission_id=self.commission_id)
            .values_list("organisation_id", flat=True)
        )
        taking_part.add(commission.lead_id)
        grants = {str(self.organisation_id)}
        grants.update(f"{org}:{role}" for org in taking_part for role in (Role.COMMISSIONER, Role.ORG_ADMIN))
        body = (
            Partnership.objects.unscoped(reason="the audience is every organisation involved")
            .filter(pk=commission.partnership_id)
            .values_list("accountable_body_id", flat=True)[0]
        )
        grants.update(f"{body}:{role}" for role in (Role.FINANCE_OFFICER, Role.COMMISSIONER))
        return sorted(grants)

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year)
