"""Reads: the commission's whole page (every part in a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Prefetch

from commissioning.agreements.models import PartnershipAgreement
from commissioning.commissions.models import Contribution, JointCommission, Participation
from commissioning.money.models import ContributionChange


def commission_detail(*, commission_id: int) -> JointCommission:
    """The commission with every row its page shows and its guards read, each read once: participations,
    agreements, outcomes, contributions with their changes, and the partnership's settings. Another organisation's
    commission (or none) raises ``JointCommission.DoesNotExist``."""
    return (
        JointCommission.objects.select_related(
            "lead",
            "service_area",
            "partnership__accountable_body",
            "partnership__commissioning_settings",
            "lead_contact",
        )
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation", "responded_by").order_by(
                    "-is_lead", "organisation__name"
                ),
            ),
            Prefetch("agreements", queryset=PartnershipAgreement.objects.select_related("organisation", "signed_by")),
            "outcomes",
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("organisation", "source").prefetch_related(
                    Prefetch(
                        "changes",
                        queryset=ContributionChange.objects.select_related("proposed_by", "decided_by").order_by(
                            "-proposed_at", "-id"
                        ),
                        to_attr="history",
                    )
                ),
            ),
        )
        .get(pk=commission_id)
    )
