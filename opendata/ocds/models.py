"""A published OCDS release: written once, never changed (the model refuses, and a database trigger refuses any
other client too)."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.models import JointCommission
from core.tenancy import TenantManager
from partners.models import Organisation
from procurement.tenders.models import Tender


class ReleaseImmutableError(RuntimeError):
    pass


class Release(models.Model):
    """One OCDS release: one published event of one contracting process (a tender). Public data: everyone may read
    every release, because nothing enters a release that is not public (``opendata.ocds.facts``)."""

    ocid = models.CharField(max_length=100, db_index=True)
    release_id = models.CharField(max_length=150, unique=True)
    date = models.DateTimeField(db_index=True)
    tags = ArrayField(models.CharField(max_length=30), size=8)
    data = models.JSONField(help_text="The release, exactly as published")
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="+")
    commission = models.ForeignKey(JointCommission, on_delete=models.PROTECT, related_name="+")
    source_key = models.CharField(
        max_length=200, unique=True, help_text="The event it publishes: recording the same event twice is a no-op"
    )
    notice_ref = models.CharField(max_length=64, blank=True, help_text="The notice that published it, if any")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Release"]()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["ocid", "date"])]

    def __str__(self) -> str:
        return self.release_id

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return Q(pk__isnull=False)  # public: everything in a release is already public

    def audit_audience(self) -> list[int]:
        return self.commission.audit_audience()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ReleaseImmutableError("A published release cannot be changed: publish a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ReleaseImmutableError("A published release cannot be deleted")
