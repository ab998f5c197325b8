"""The portfolio in the REST API: the organisation's (or a board's) contracts by period, with their RAG status."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from boards.models import Board
from core.api import TenantAPIView
from monitoring.contracts.portfolio import board_portfolio, organisation_portfolio
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
