from __future__ import annotations

from django.core.management import call_command

from monitoring.kpis.models import KpiSet
from monitoring.oversight.models import MonitoringVisit
from monitoring.returns.models import KpiReturn


def test_demo_gives_the_debt_advice_service_kpis_and_returns_and_is_idempotent(db):
    call_command("load_demo", verbosity=0)
    counts = (KpiSet.objects.count(), KpiReturn.objects.count(), MonitoringVisit.objects.count())
    call_command("load_demo", verbosity=0)
    assert (KpiSet.objects.count(), KpiReturn.objects.count(), MonitoringVisit.objects.count()) == counts
    kpi_set = KpiSet.objects.get(commission__title="County-wide debt, benefits and consumer advice")
    assert kpi_set.status == "agreed" and kpi_set.responses.filter(kind="agree").count() == 4
    statuses = list(KpiReturn.objects.order_by("period_start").values_list("status", "rag"))
    assert statuses[-1] == ("submitted", "red")
    assert ("accepted_with_note", "green") in statuses
