"""The life of a KPI set, as data: draft -> with partners (shared) -> agreed; the lead may take it back to draft (the
version goes up and partners agree again) while no return has been started.
"""

from __future__ import annotations

from core.actors import Actor
from core.workflow import Workflow
from monitoring.kpis.models import KpiSet, KpiSetStatus
from monitoring.kpis.rules import every_partner_agreed, frequencies_fit, has_kpis, is_set_lead, no_returns_started
from monitoring.steps import lead_step, stamp

K = KpiSetStatus


def _stamp_shared(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.save(update_fields=stamp(kpi_set, "shared", by))


def _new_version(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.version += 1
    kpi_set.agreed_at = None
    kpi_set.agreed_by = None
    kpi_set.agreed_by_name = ""
    kpi_set.save(update_fields=["version", "agreed_at", "agreed_by", "agreed_by_name"])


def _stamp_agreed(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.save(update_fields=stamp(kpi_set, "agreed", by))


KPI_SET_WORKFLOW = Workflow(
    "kpi_set",
    KpiSetStatus,
    [
        lead_step(
            "share",
            (K.DRAFT,),
            K.CONSULTATION,
            "Share with partners for agreement",
            allowed=is_set_lead,
            guards=(has_kpis, frequencies_fit),
            effects=(_stamp_shared, "tell_partners_shared"),
        ),
        lead_step(
            "reopen",
            (K.CONSULTATION,),
            K.DRAFT,
            "Take back to change",
            allowed=is_set_lead,
            effects=(_new_version,),
        ),
        lead_step(
            "agree",
            (K.CONSULTATION,),
            K.AGREED,
            "Record the agreement",
            allowed=is_set_lead,
            guards=(has_kpis, frequencies_fit, every_partner_agreed),
            effects=(_stamp_agreed, "tell_partners_agreed"),
        ),
        lead_step(
            "revise",
            (K.AGREED,),
            K.DRAFT,
            "Reopen to revise",
            allowed=is_set_lead,
            guards=(no_returns_started,),
            effects=(_new_version,),
        ),
    ],
    colours={K.DRAFT: "grey", K.CONSULTATION: "yellow", K.AGREED: "green"},
)
