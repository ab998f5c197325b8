"""Data: every change to a contribution's amount, kept (never an overwrite).

An indicative figure changes at once, its old value kept here (``kind=change``, ``status=applied``). A confirmed or
transferred figure changes only through a variation (``kind=variation``): proposed with a reason and the new figure,
it stays ``pending`` -- the old figure standing in every total -- until a commissioner or finance officer of the
contributing partner re-confirms it (``applied``), or it is withdrawn."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from commissioning.commissions.models import Contribution
from core.files import PrivateFileField
from core.money import MoneyField, format_gbp
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, Partnership, User


class ChangeKind(models.TextChoices):
    CHANGE = "change", "Indicative amount changed"
    VARIATION = "variation", "Variation"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Awaiting re-confirmation"
    APPLIED = "applied", "Applied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ContributionChange(models.Model):
    """One change to one contribution's amount: old, new, who, when, why."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.APPLIED)
    old_amount = MoneyField(validators=[MinValueValidator(0)])
    new_amount = MoneyField(validators=[MinValueValidator(0)])
    reason = models.TextField(max_length=1000, blank=True)
    proposed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["ContributionChange"](via="contribution")  # visible exactly when its contribution is

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution"], condition=Q(status="pending"), name="contribution_one_pending_variation"
            ),
            models.CheckConstraint(
                condition=Q(old_amount__gte=0, new_amount__gte=0), name="contribution_change_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind="variation") | Q(status="applied"), name="contribution_change_only_variations_wait"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {format_gbp(self.old_amount)} to {format_gbp(self.new_amount)}"

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING

    # The figures follow the contribution's reading rules (core.audit): participants see that a variation moved,
    # only those who may read the contribution see how much.
    audit_sensitive_fields = ("amount", "from", "to")

    def audit_repr(self) -> str:
        return f"{self.contribution.audit_repr()}: {self.get_kind_display().lower()}"

    def audit_restricted_readers(self) -> list[str]:
        return self.contribution.audit_restricted_readers()


class ReportFile(models.Model):
    """A contribution report as a PDF: every partner's (the accountable body's, 19 pages at county scale; no
    ``organisation``) or one organisation's own. Built in the background with its progress stored here, and reused
    while the figures in it are unchanged (``content_hash``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        GENERATING = "generating", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contribution_report_files")
    # The organisation whose own report this is; empty for every partner's.
    organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    file = PrivateFileField(blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, max_length=2000)
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["ReportFile"]()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "content_hash"])]

    def __str__(self) -> str:
        return f"Contribution report for {self.partnership_id}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        # Every partner's figures: the accountable body's only, never public; an organisation's own: its own too.
        if organisation is None:
            return nothing()
        return Q(partnership__accountable_body=organisation) | Q(organisation=organisation)

    def audit_audience(self) -> list[int]:
        return sorted({self.partnership.accountable_body_id, *([self.organisation_id] if self.organisation_id else [])})

    @property
    def filename(self) -> str:
        who = slugify(self.organisation.name) if self.organisation_id and self.organisation else "all-partners"
        return f"contributions-{who}-{timezone.localtime(self.created_at):%Y-%m-%d}.pdf"
