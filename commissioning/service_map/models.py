"""Data: the service map (what each partner already funds)."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.files import PrivateFileField
from core.money import MoneyField, money
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, Partnership, PartnershipMember, User

DEFAULT_FRAMEWORK_THRESHOLD = money("35000")


DEFAULT_REMINDER_DAYS = (7, 1)


DEFAULT_ALIGNMENT_WINDOW_DAYS = 183


def active_member(organisation: Organisation, partnership_ref: str) -> Q:
    """Rows whose partnership (``partnership_ref`` on the outer row) has ``organisation`` as an active member."""
    return Q(
        Exists(
            PartnershipMember.objects.unscoped(reason="a visibility rule reads the membership table itself").filter(
                partnership=OuterRef(partnership_ref),
                organisation=organisation,
                status=PartnershipMember.Status.ACTIVE,
            )
        )
    )


def partnership_audience(partnership_id: int) -> list[int]:
    return list(
        PartnershipMember.objects.unscoped(reason="the audience is every active member")
        .filter(partnership_id=partnership_id, status=PartnershipMember.Status.ACTIVE)
        .values_list("organisation_id", flat=True)
    )


class SharedWithActivePartners:
    """The tenancy rule of rows shared by their partnership's active members (an invited organisation sees nothing
    until it joins): narrower than the partnership's own rule, so written here rather than ``via="partnership"``."""

    partnership_id: int

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return active_member(organisation, "partnership")

    def audit_audience(self) -> list[int]:
        return partnership_audience(self.partnership_id)


class PartnershipScoped(SharedWithActivePartners, models.Model):
    """Shared by the partnership's active members."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


def _default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


class CommissioningSettings(SharedWithActivePartners, models.Model):
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


def settings_for(partnership: Partnership) -> CommissioningSettings:
    """The partnership's settings, or the defaults (unsaved) when none have been saved. A partnership read with
    ``select_related("commissioning_settings")`` answers without a query."""
    if "commissioning_settings" in partnership._state.fields_cache:
        found = partnership._state.fields_cache["commissioning_settings"]
    else:
        found = CommissioningSettings.objects.filter(partnership=partnership).first()
    return found or CommissioningSettings(
        partnership=partnership,
        framework_threshold=DEFAULT_FRAMEWORK_THRESHOLD,
        reminder_days=list(DEFAULT_REMINDER_DAYS),
        alignment_window_days=DEFAULT_ALIGNMENT_WINDOW_DAYS,
    )


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


class MapDecision(PartnershipScoped):
    """A partner's decision about one of its mapped contracts, or a whole service area, made without a commission
    (seed 000, recommendation 2: "keep as it is", "look at a stand-alone model later"), with a date to look again."""

    class Kind(models.TextChoices):
        KEEP = "keep", "Keep as it is"
        STANDALONE_LATER = "standalone_later", "Look at a stand-alone model later"
        ALIGN_LATER = "align_later", "Align with partners when the contract ends"
        EXTEND = "extend", "Extend the existing contract"
        END = "end", "End the contract (decommission)"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="map_decisions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="map_decisions")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.CASCADE, related_name="decisions")
    contract = models.ForeignKey(
        MappedContract,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decisions",
        help_text="Leave empty for a decision about the whole service area",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(max_length=2000)
    review_on = models.DateField(help_text="When to look at this decision again")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["MapDecision"]()

    class Meta:
        ordering = ["review_on", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="map_decision_has_reason")]

    def __str__(self) -> str:
        what = self.contract.provider_name if self.contract_id and self.contract else self.service_area.name
        return f"{self.organisation}: {self.get_kind_display()} ({what})"
