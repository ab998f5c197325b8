"""The demo has a live example of each new stage: the running commission's risk register (one risk due for review)
and the signed contract's social value, promised in the winning bid, monitored as KPIs and reported in a return."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from commissioning.risks.models import Risk
from commissioning.risks.services import risk_reviews_enqueue
from core.tenancy import unscoped
from monitoring.contracts.social_value import social_value_roll_up
from monitoring.kpis.models import Kpi
from monitoring.returns.models import ACCEPTED_STATUSES, KpiValue
from partners.models import Organisation

TITLE = "County-wide debt, benefits and consumer advice"


def test_the_demo_has_a_risk_register_and_monitored_social_value(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    with unscoped(reason="test reads the demo"):
        risks = list(Risk.objects.filter(commission__title=TITLE).order_by("reference"))
        assert [r.letter for r in risks] == ["A", "B", "C", "D"]
        assert [r.score for r in risks] == [12, 12, 12, 12]
        assert risks[0].review_date < timezone.localdate() and risks[-1].status == "managed"
        kpis = list(Kpi.objects.filter(contract__commission__title=TITLE).exclude(social_value_kind=""))
        assert sorted(k.social_value_kind for k in kpis) == [
            "apprenticeships",
            "local_jobs",
            "money_reinvested",
            "volunteering_hours",
        ]
        reported = KpiValue.objects.filter(kpi__in=kpis, kpi_return__status__in=list(ACCEPTED_STATUSES))
        assert reported.filter(kpi__social_value_kind="local_jobs", actual=5).exists()
        county = Organisation.objects.get(name="Staffordshire County Council")
        rollup = social_value_roll_up(organisation=county)
        assert rollup.contracts and any(p.share_of_delivered > 0 for p in rollup.partners)
    assert risk_reviews_enqueue() == 1  # risk A is due for review: one reminder
    assert risk_reviews_enqueue() == 0
