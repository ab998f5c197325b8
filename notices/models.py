"""A notice: its kind, what it is about (the tender, and the contract for contract notices), the field values as
generated from Jointly's facts (a JSON snapshot), its state, and the notice it corrects.

Published notices are public and immutable: ``save`` refuses any change to a published notice (a correction is a new
notice whose ``corrects`` names the old one), and ``delete`` refuses to remove one."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.models import JointCommission
from core.errors import DomainError
from core.tenancy import TenantManager
from notices.kinds import KINDS, NoticeKind
from partners.models import Organisation, User
from procurement.award.models import Contract
from procurement.tenders.models import Tender, commission_visible_q


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CHECKED = "checked", "Checked"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


# What a published notice may still have written once: the stamps its publication sets.
_STAMPS = ("published_at", "release_ref")
_FROZEN = ("kind", "title", "fields", "tender_id", "contract_id", "commission_id", "corrects_id", "status", "due_on")


class Notice(models.Model):
    commission = models.ForeignKey(JointCommission, on_delete=models.PROTECT, related_name="notices")
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="notices")
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="notices")
    subject_ref = models.CharField(
        max_length=40, blank=True, help_text="For a contract change notice: the variation it reports"
    )
    kind = models.CharField(max_length=8, choices=NoticeKind.choices)
    title = models.CharField(max_length=250)
    fields = models.JSONField(default=dict, help_text="The notice's field values, each traced to a Jointly fact")
    status = models.CharField(max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    due_on = models.DateField(null=True, blank=True, help_text="The last day the law allows for publishing it")
    checked_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by_name = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    release_ref = models.CharField(max_length=200, blank=True, help_text="The OCDS release it produced")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Notice"]()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        published = Q(status=NoticeStatus.PUBLISHED)
        if organisation is None:
            return published
        return published | commission_visible_q(organisation, "commission")

    def audit_audience(self) -> list[int]:
        return self.commission.audit_audience()

    @property
    def spec(self) -> Any:
        return KINDS[self.kind]

    @property
    def is_published(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
            if stored is not None and stored.status == NoticeStatus.PUBLISHED:
                changed = [f for f in _FROZEN if getattr(stored, f) != getattr(self, f)]
                changed += [f for f in _STAMPS if getattr(stored, f) and getattr(stored, f) != getattr(self, f)]
                if changed:
                    raise DomainError("A published notice cannot be changed: publish a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if type(self)._base_manager.filter(pk=self.pk, status=NoticeStatus.PUBLISHED).exists():
            raise DomainError("A published notice cannot be removed")
        return super().delete(*args, **kwargs)
