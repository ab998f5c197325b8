"""Reads: the commission's whole page (every part in a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Prefetch

from commissioning.agreements.models import PartnershipAgreement
from commissioning.commissions.models import JointCommission, Participation


def commission_detail(*, commission_id: int) -> JointCommission:
    return (
        JointCommission.objects.select_related("lead", "service_area", "partnership__accountable_body", "lead_contact")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation", "responded_by").order_by(
                    "-is_lead", "organisation__name"
                ),
            ),
            Prefetch("agreements", queryset=PartnershipAgreement.objects.select_related("organisation", "signed_by")),
            "outcomes",
        )
        .get(pk=commission_id)
    )
