"""The partners' published forward plans feed the UK1 pipeline notice, and the commission's engagement events feed
the UK2 preliminary market engagement notice (Procurement Act 2023, ss. 93 and 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commissioning.engagement.services import event_create
from commissioning.engagement.workflows import EVENT_WORKFLOW
from commissioning.plans.models import ForwardPlan
from commissioning.plans.services import plans_publish
from commissioning.timetable.models import Stage
from core import workflow as wf
from core.tenancy import unscoped
from notices import generate
from notices.kinds import NoticeKind
from procurement.tenders.models import Tender
from tests.factories.market import plan
from tests.factories.procurement import draft_tender, lead_of

pytestmark = pytest.mark.django_db


def test_uk1_draws_on_the_published_plans_the_commission_started_from(world):
    tender = draft_tender(world)
    lead = lead_of(world)
    area = tender.commission.service_area
    county_plan = plan(lead, area, months_ahead=3, value="71250.00", title="Older people's independence service")
    unpublished = plan(lead, area, months_ahead=4, value="99999.00", title="Not public yet")
    plans_publish(plans=[county_plan], by=lead)
    with unscoped(reason="test set-up: the commission was started from these plans"):
        ForwardPlan.objects.filter(pk__in=[county_plan.pk, unpublished.pk]).update(commission=tender.commission)
        Stage.objects.filter(commission=tender.commission).delete()
        Tender._base_manager.filter(pk=tender.pk).update(estimated_value_inc_vat=0)
        tender.refresh_from_db()
        facts = generate.BUILDERS[NoticeKind.UK1](tender)
    assert facts["estimated_value_inc_vat"] == "71250.00"
    assert facts["estimated_tender_notice_date"] == county_plan.procurement_date.isoformat()
    assert facts["estimated_award_date"] == (county_plan.start_date - dt.timedelta(days=1)).isoformat()
    assert [p["title"] for p in facts["pipeline_plans"]] == ["Older people's independence service"]


def test_uk2_lists_the_commissions_engagement_events(world):
    tender = draft_tender(world)
    lead = lead_of(world)
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=20)
    event = event_create(
        partnership=tender.commission.partnership,
        commission=tender.commission,
        kind="training",
        title="How to bid for the independence service",
        description="For small charities: the application process.",
        format="online",
        location="Online",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=30,
        by=lead,
    )
    with unscoped(reason="test reads the facts"):
        assert generate.BUILDERS[NoticeKind.UK2](tender)["engagement"] == [] or all(
            "How to bid" not in e["what"] for e in generate.BUILDERS[NoticeKind.UK2](tender)["engagement"]
        )  # a draft event is not engagement yet
    wf.transition(obj=event, workflow=EVENT_WORKFLOW, name="open", by=lead)
    with unscoped(reason="test reads the facts"):
        engagement = generate.BUILDERS[NoticeKind.UK2](tender)["engagement"]
    [entry] = [e for e in engagement if "How to bid" in e["what"]]
    assert entry["what"].startswith("Training on the application process")
    assert entry["from"] == timezone.localtime(starts).isoformat(timespec="minutes")
