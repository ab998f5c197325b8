"""The portfolio in the REST API: the organisation's (or a board's) contracts by period, with their RAG status."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from boards.models import Board
from core.api import TenantAPIView
from monitoring.contracts.portfolio import board_portfolio, organisation_portfolio
from monitoring.contracts.social_value import social_value_roll_up
from monitoring.permissions import READ_ROLES


class PortfolioView(TenantAPIView):
    """Contracts with their last twelve periods' returns (status and RAG), as on the portfolio page: your
    organisation's contracts, or with ``board`` every contract of that board's partnership (its members only)."""

    required_roles = READ_ROLES

    @extend_schema(parameters=[OpenApiParameter("board", int)], responses=None)
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("board", "")
        if raw:
            if not raw.isdigit():
                raise Http404("No such board")
            board = get_object_or_404(Board.objects.all(), pk=int(raw))
            portfolio = board_portfolio(board=board, user=request.user, organisation=self.acting.organisation)
        else:
            portfolio = organisation_portfolio(organisation=self.acting.organisation)
        return Response(
            {
                "today": portfolio.today,
                "totals": portfolio.totals,
                "contracts": [
                    {
                        "id": row.contract.pk,
                        "title": row.contract.title,
                        "provider": row.contract.provider.name,
                        "lead": row.contract.commission.lead.name,
                        "annual_value": f"{row.contract.annual_value:.2f}",
                        "kpis_agreed": row.agreed,
                        "kpis": getattr(row.contract, "kpi_count", 0),
                        "open_improvement_plans": getattr(row.contract, "open_plans", 0),
                        "next_visit": getattr(row.contract, "next_visit_on", None),
                        "latest_rag": row.latest_rag,
                        "overdue": row.overdue,
                        "periods": [
                            {
                                "label": c.period.label,
                                "start": c.period.start,
                                "end": c.period.end,
                                "state": c.state,
                                "rag": c.rag,
                                "red_kpis": c.reds,
                                "return": c.return_id if row.linked else None,
                            }
                            for c in row.cells
                        ],
                    }
                    for row in portfolio.rows
                ],
            }
        )


class SocialValueView(TenantAPIView):
    """Social value promised in the winning bids and delivered in accepted returns: per contract, and each funding
    partner's pro rata share (its share of the contract's funding over the term), as on the social value page."""

    required_roles = READ_ROLES

    @extend_schema(responses=None)
    def get(self, request: Request) -> Response:
        rollup = social_value_roll_up(organisation=self.acting.organisation)
        return Response(
            {
                "basis": rollup.hint,
                "contracts": [
                    {
                        "id": c.contract.pk,
                        "title": c.contract.title,
                        "provider": c.contract.provider.name,
                        "funding_shares": {str(k): str(v.quantize(Decimal("0.0001"))) for k, v in c.shares.items()},
                        "commitments": [
                            {
                                "kpi": m.kpi.pk,
                                "kind": m.kpi.social_value_kind,
                                "label": m.label,
                                "target_per_year": str(m.target),
                                "unit": m.unit,
                                "delivered": str(m.delivered),
                                "years_reported": m.years_reported,
                            }
                            for m in c.commitments
                        ],
                    }
                    for c in rollup.contracts
                ],
                "partners": [
                    {
                        "organisation": p.organisation.pk,
                        "name": p.organisation.name,
                        "label": p.label,
                        "unit": p.unit,
                        "share_of_target_per_year": str(p.share_of_target),
                        "share_of_delivered": str(p.share_of_delivered),
                        "contracts": p.contracts,
                    }
                    for p in rollup.partners
                ],
            }
        )
