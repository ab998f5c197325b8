"""The life of a KPI set, as data: draft -> with partners (shared) -> agreed; the lead may take it back to draft (the
version goes up and partners agree again) while no return has been started.
"""

from __future__ import annotations

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from monitoring.kpis.models import KpiSet, KpiSetStatus
from monitoring.kpis.rules import every_partner_agreed, frequencies_fit, has_kpis, is_set_lead, no_returns_started
from monitoring.people import actor_name
from monitoring.permissions import LEAD_ROLES

K = KpiSetStatus


def _stamp_shared(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.shared_at = timezone.now()
    kpi_set.save(update_fields=["shared_at"])


def _new_version(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.version += 1
    kpi_set.agreed_at = None
    kpi_set.agreed_by = None
    kpi_set.agreed_by_name = ""
    kpi_set.save(update_fields=["version", "agreed_at", "agreed_by", "agreed_by_name"])


def _stamp_agreed(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.agreed_at = timezone.now()
    kpi_set.agreed_by = by.user
    kpi_set.agreed_by_name = actor_name(by)
    kpi_set.save(update_fields=["agreed_at", "agreed_by", "agreed_by_name"])


KPI_SET_WORKFLOW = Workflow(
    "kpi_set",
    KpiSetStatus,
    [
        Transition(
            "share",
            (K.DRAFT,),
            K.CONSULTATION,
            "Share with partners for agreement",
            roles=frozenset(LEAD_ROLES),
            allowed=is_set_lead,
            who="the lead commissioner",
            guards=(has_kpis, frequencies_fit),
            effects=(_stamp_shared,),
        ),
        Transition(
            "reopen",
            (K.CONSULTATION,),
            K.DRAFT,
            "Take back to change",
            roles=frozenset(LEAD_ROLES),
            allowed=is_set_lead,
            who="the lead commissioner",
            effects=(_new_version,),
        ),
        Transition(
            "agree",
            (K.CONSULTATION,),
            K.AGREED,
            "Record the agreement",
            roles=frozenset(LEAD_ROLES),
            allowed=is_set_lead,
            who="the lead commissioner",
            guards=(has_kpis, frequencies_fit, every_partner_agreed),
            effects=(_stamp_agreed,),
        ),
        Transition(
            "revise",
            (K.AGREED,),
            K.DRAFT,
            "Reopen to revise",
            roles=frozenset(LEAD_ROLES),
            allowed=is_set_lead,
            who="the lead commissioner",
            guards=(no_returns_started,),
            effects=(_new_version,),
        ),
    ],
)
