"""Reads: a joint commission's risk register, its 5 x 5 grid and who may own a risk."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

from commissioning.commissions.models import JointCommission, Participation, ParticipationStatus
from commissioning.risks.models import Impact, Likelihood, Risk, RiskStatus
from commissioning.risks.rules import band_of
from core.charts import GridCell, grid_chart
from partners.models import Membership, Role

# Light tints of the GOV.UK tag colours, one per band: dark text stays readable on each, and every cell says its
# band in words.
FILLS = {"low": "#cce2d8", "medium": "#fff7bf", "high": "#fcd6c3", "very_high": "#f4cdc6"}


def risks_of(*, commission: JointCommission, include_closed: bool = True) -> list[Risk]:
    """The register, highest score first (closed risks last): one query however many risks."""
    qs = Risk.objects.filter(commission=commission).select_related("owner", "owner_organisation")
    if not include_closed:
        qs = qs.exclude(status=RiskStatus.CLOSED)
    return sorted(qs, key=lambda r: (r.is_closed, -r.score, r.reference))


@dataclass(frozen=True)
class GridRow:
    impact: int
    label: str
    cells: list[tuple[int, int, str, int]]  # (likelihood, score, band label, count)


def grid_rows(risks: list[Risk]) -> list[GridRow]:
    """The 5 x 5 grid of the risks still open or managed: impact 5 at the top, likelihood 1 to 5 across."""
    counts: dict[tuple[int, int], int] = {}
    for r in risks:
        if not r.is_closed:
            counts[(r.likelihood, r.impact)] = counts.get((r.likelihood, r.impact), 0) + 1
    rows = []
    for impact in sorted(Impact.values, reverse=True):
        cells = []
        for likelihood in Likelihood.values:
            score = likelihood * impact
            cells.append((likelihood, score, band_of(score).label, counts.get((likelihood, impact), 0)))
        rows.append(GridRow(impact, Impact(impact).label, cells))
    return rows


def grid_svg(*, commission: JointCommission, rows: list[GridRow]) -> SafeString:
    return grid_chart(
        title=f"Risks of {commission.title} by likelihood and impact",
        columns=[Likelihood(v).label for v in Likelihood.values],
        rows=[r.label for r in rows],
        cells=[[GridCell(count, band, FILLS[band_of(score).key]) for _, score, band, count in r.cells] for r in rows],
        x_title="Likelihood",
        y_title="Impact",
    )


def owner_choices(*, commission: JointCommission) -> QuerySet[Membership]:
    """People at the lead or a partner taking part who can own a risk."""
    organisations = [
        commission.lead_id,
        *Participation.objects.filter(commission=commission, status=ParticipationStatus.ACCEPTED).values_list(
            "organisation_id", flat=True
        ),
    ]
    return (
        Membership.objects.unscoped(reason="a risk's owner may be a person at any partner organisation")
        .filter(organisation_id__in=organisations, is_active=True)
        .filter(
            Q(roles__contains=[Role.COMMISSIONER])
            | Q(roles__contains=[Role.FINANCE_OFFICER])
            | Q(roles__contains=[Role.ORG_ADMIN])
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )
