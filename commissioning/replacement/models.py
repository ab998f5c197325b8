"""Data: what a commission replaces, notices to providers, impact notes, the Compact's notice period, appraisals."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.commissions.models import CommissioningModel, JointCommission
from commissioning.service_map.models import (
    MappedContract,
    PartnershipScoped,
    ServiceArea,
    SharedWithActivePartners,
)
from core.money import MoneyField, money
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, Partnership, User

DEFAULT_NOTICE_MONTHS = 3
MAX_SAVING = money("1000000")
TEXT_LIMIT = 2000


class CompactSettings(SharedWithActivePartners, models.Model):
    """What the partnership's local Compact with the voluntary sector says about notice (three months by default)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="compact_settings")
    notice_months = models.PositiveSmallIntegerField(
        default=DEFAULT_NOTICE_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Months of written notice a provider gets before its contract is replaced or ended",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["CompactSettings"]()

    class Meta:
        verbose_name_plural = "Compact settings"
        constraints = [
            models.CheckConstraint(condition=Q(notice_months__gte=1, notice_months__lte=24), name="compact_notice_1_24")
        ]

    def __str__(self) -> str:
        return f"Compact notice for {self.partnership}: {self.notice_months} months"


def notice_months_for(partnership_id: int) -> int:
    found = CompactSettings.objects.filter(partnership_id=partnership_id).values_list("notice_months", flat=True)
    return found[0] if found else DEFAULT_NOTICE_MONTHS


def notice_end(sent_on: dt.date, months: int) -> dt.date:
    """The day the notice runs out: the sent date plus the period (31 January + 1 month = 28/29 February)."""
    year, month0 = divmod(sent_on.month - 1 + months, 12)
    year += sent_on.year
    day = min(sent_on.day, calendar.monthrange(year, month0 + 1)[1])
    return dt.date(year, month0 + 1, day)


class ReplacedContract(models.Model):
    """A partner's existing (mapped) contract that a joint commission replaces; each partner links its own."""

    commission = models.ForeignKey(JointCommission, on_delete=models.CASCADE, related_name="replaced_contracts")
    contract = models.OneToOneField(MappedContract, on_delete=models.CASCADE, related_name="replacement")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    saving = MoneyField(
        default=money("0"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SAVING)],
        help_text="Commissioning cost avoided by not letting this contract again (officer time, legal, tendering)",
    )
    saving_note = models.CharField(max_length=500, blank=True)
    linked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ReplacedContract"](via="commission")  # visible exactly when its commission is

    class Meta:
        ordering = ["organisation__name", "contract__provider_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(saving__gte=0, saving__lte=MAX_SAVING), name="replaced_contract_saving_bounds"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract} replaced by {self.commission}"


class ProviderNotice(models.Model):
    """Written notice to a provider that its contract is to be replaced or ended, under the local Compact."""

    class Because(models.TextChoices):
        REPLACED = "replaced", "Replaced by a joint commission"
        ENDED = "ended", "Ended (decommissioned)"

    contract = models.OneToOneField(MappedContract, on_delete=models.CASCADE, related_name="provider_notice")
    commission = models.ForeignKey(
        JointCommission, null=True, blank=True, on_delete=models.SET_NULL, related_name="provider_notices"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    because = models.CharField(max_length=10, choices=Because.choices)
    reason = models.TextField(max_length=TEXT_LIMIT)
    sent_on = models.DateField()
    notice_months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(24)])
    ends_on = models.DateField(help_text="The sent date plus the Compact's notice period")
    change_on = models.DateField(help_text="When the replacement starts, or the contract ends")
    sent_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ProviderNotice"]()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="provider_notice_has_reason"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("sent_on")), name="provider_notice_dates"),
        ]

    def __str__(self) -> str:
        return f"Notice to {self.contract.provider_name} ({self.sent_on:%d %B %Y})"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        """The partner that sent it, the provider it went to (when registered), and the commission's lead."""
        if organisation is None:
            return nothing()
        return Q(organisation=organisation) | Q(contract__provider=organisation) | Q(commission__lead=organisation)

    def audit_audience(self) -> list[int]:
        ids = {self.organisation_id}
        provider = (
            MappedContract.objects.unscoped(reason="the audience includes the provider told")
            .filter(pk=self.contract_id)
            .values_list("provider_id", flat=True)
            .first()
        )
        if provider:
            ids.add(provider)
        return sorted(ids)

    @property
    def late(self) -> bool:
        """Sent too late: the notice runs out after the change happens."""
        return self.ends_on > self.change_on


class DecommissioningImpact(models.Model):
    """The impact note for a contract being ended or replaced (seeds 003, 004): who is affected and how it is eased."""

    contract = models.OneToOneField(MappedContract, on_delete=models.CASCADE, related_name="impact")
    who_is_affected = models.TextField(max_length=TEXT_LIMIT)
    service_users = models.TextField(max_length=TEXT_LIMIT, blank=True)
    staff = models.TextField(max_length=TEXT_LIMIT, blank=True)
    mitigation = models.TextField(max_length=TEXT_LIMIT)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["DecommissioningImpact"](via="contract")  # visible exactly when its contract is

    def __str__(self) -> str:
        return f"Impact of ending {self.contract}"


class AppraisalModel(models.TextChoices):
    """The models an options appraisal weighs: the commissioning models, and delivering the service in-house."""

    ALIGNED = CommissioningModel.ALIGNED.value, CommissioningModel.ALIGNED.label
    STANDALONE = CommissioningModel.STANDALONE.value, CommissioningModel.STANDALONE.label
    INDIVIDUAL = CommissioningModel.INDIVIDUAL.value, CommissioningModel.INDIVIDUAL.label
    POOLED = CommissioningModel.POOLED.value, CommissioningModel.POOLED.label
    DO_NOTHING = CommissioningModel.DO_NOTHING.value, CommissioningModel.DO_NOTHING.label
    IN_HOUSE = "in_house", "In-house delivery"


class OptionsAppraisal(PartnershipScoped):
    """An options appraisal for a service area, before a commission exists or for one (seed 000 tables 2-3)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.CASCADE, related_name="appraisals")
    commission = models.ForeignKey(
        JointCommission, null=True, blank=True, on_delete=models.SET_NULL, related_name="appraisals"
    )
    title = models.CharField(max_length=200)
    chosen = models.CharField(max_length=20, choices=AppraisalModel.choices, blank=True)
    chosen_reason = models.TextField(max_length=TEXT_LIMIT, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["OptionsAppraisal"]()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(chosen="") | ~Q(chosen_reason=""), name="appraisal_choice_has_reason")
        ]

    def __str__(self) -> str:
        return self.title


class AppraisalOption(models.Model):
    """One model considered in an appraisal, with its advantages and disadvantages."""

    appraisal = models.ForeignKey(OptionsAppraisal, on_delete=models.CASCADE, related_name="options")
    model = models.CharField(max_length=20, choices=AppraisalModel.choices)
    advantages = models.TextField(max_length=TEXT_LIMIT)
    disadvantages = models.TextField(max_length=TEXT_LIMIT)

    objects = TenantManager["AppraisalOption"](via="appraisal")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "model"], name="appraisal_option_once")]

    def __str__(self) -> str:
        return self.get_model_display()
