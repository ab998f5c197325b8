"""Reads: the provider's bids, contracts and performance with one partnership, and the rows other apps add."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from core import handlers
from core.money import format_gbp
from grants.applications.models import GrantApplication
from grants.applications.models import unsealed_q as application_unsealed_q
from monitoring.contracts.selectors import annotate_contracts
from monitoring.returns.models import KpiReturn
from procurement.award.models import Contract
from procurement.bids.models import Bid, unsealed_q

# Apps above monitoring may add rows: ``core.handlers.register(f"{HISTORY_KIND}:<name>", rows=fn)`` with
# ``fn(*, partnership_id: int, organisation_id: int) -> list[HistoryRow]``. Grants sit below monitoring and are read
# here directly.
HISTORY_KIND = "register.provider_history"


@dataclass(frozen=True)
class HistoryRow:
    kind: str  # "Bid", "Grant", "Contract"
    title: str
    when: dt.date | None
    status: str
    detail: str = ""
    url: str = ""


@dataclass
class ProviderHistory:
    bids: list[HistoryRow] = field(default_factory=list)
    contracts: list[dict[str, Any]] = field(default_factory=list)
    others: dict[str, list[HistoryRow]] = field(default_factory=dict)


def provider_history(*, partnership_id: int, organisation_id: int, now: dt.datetime | None = None) -> ProviderHistory:
    """Read for a commissioner of the partnership (checked by the caller): bids only once unsealed, contracts with
    their latest return's RAG, open improvement plans and end review."""
    now = now or timezone.now()
    history = ProviderHistory()
    bids = (
        Bid.objects.unscoped(reason="a register's commissioners see a provider's unsealed bids to the partnership")
        .filter(unsealed_q(now=now), organisation_id=organisation_id, tender__commission__partnership_id=partnership_id)
        .select_related("tender")
        .order_by("-submitted_at", "-pk")
    )
    history.bids = [
        HistoryRow(
            kind="Bid",
            title=b.tender.title,
            when=timezone.localtime(b.submitted_at).date() if b.submitted_at else None,
            status=b.get_status_display(),
        )
        for b in bids
    ]
    grants = (
        GrantApplication.objects.unscoped(
            reason="a register's commissioners see a provider's applications to the partnership once unsealed"
        )
        .filter(
            application_unsealed_q(now=now),
            organisation_id=organisation_id,
            programme__partnership_id=partnership_id,
        )
        .select_related("programme")
        .order_by("-submitted_at", "-pk")
    )
    history.others["grants"] = [
        HistoryRow(
            kind="Grant",
            title=f"{g.programme.title}: {g.project_title}" if g.project_title else g.programme.title,
            when=timezone.localtime(g.submitted_at).date() if g.submitted_at else None,
            status=g.get_status_display(),
            detail=format_gbp(g.amount_awarded) if g.amount_awarded is not None else "",
        )
        for g in grants
    ]
    latest = (
        KpiReturn.objects.unscoped(reason="the latest reviewed return's RAG, for the register")
        .filter(contract=OuterRef("pk"))
        .exclude(rag="")
        .order_by("-period_end")
    )
    contracts = annotate_contracts(
        Contract.objects.unscoped(
            reason="a register's commissioners see the provider's contracts in the partnership"
        ).filter(provider_id=organisation_id, commission__partnership_id=partnership_id)
    ).annotate(latest_rag=Subquery(latest.values("rag")[:1]), latest_period=Subquery(latest.values("label")[:1]))
    history.contracts = [
        {
            "contract": c,
            "url": reverse("monitoring-contract", kwargs={"monitored_contract_id": c.pk}),
        }
        for c in contracts.order_by("-start_date", "-pk")
    ]
    for kind in handlers.kinds():
        if kind.startswith(f"{HISTORY_KIND}:"):
            fn = handlers.find(kind, "rows")
            if fn is not None:
                history.others[kind.split(":", 1)[1]] = list(
                    fn(partnership_id=partnership_id, organisation_id=organisation_id)
                )
    return history
