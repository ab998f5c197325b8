"""Forward plans (seed 001: partners "share ... commissioning plans"): each partner records what it plans to
commission or fund in the next 18 months and edits only its own; the partnership sees every plan on one page with a
timeline and a table; plans in one service area within a chosen window (default six months), or near another
partner's mapped contract that is ending, are flagged with their combined value; one click starts a joint commission
from them with the partners invited; a partner publishes chosen plans to the public pipeline, which tells followers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import JointCommission, Participation, ParticipationStatus
from commissioning.plans.models import ForwardPlan, PlanStatus
from commissioning.plans.rules import add_months, find_overlaps, within_months
from commissioning.plans.selectors import forthcoming_plans
from commissioning.plans.services import commission_from_plans, plan_update, plans_publish
from commissioning.service_map.services import mapped_contract_create
from core import handlers, opportunities
from core import workflow as wf
from core.errors import DomainError, NotPermitted
from core.models import Notification
from core.tenancy import unscoped
from partners.models import Role
from tests.conftest import api_client, sign_in
from tests.factories.commissioning import acting, commissioner_at
from tests.factories.following import follower
from tests.factories.market import advice_area, overlapping_plans, plan
from tests.query_counts import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    """What the announcer (M2's following) was told: registered for the test alone."""
    told: list[opportunities.Opportunity] = []
    with handlers.override(opportunities.ANNOUNCER, announce=told.append):
        yield told


def pipeline_url(world, **query):
    url = reverse("forward-plans", kwargs={"partnership_id": world.partnership.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- the general rule --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "months", "near"),
    [
        (dt.date(2027, 1, 31), dt.date(2027, 7, 31), 6, True),
        (dt.date(2027, 1, 31), dt.date(2027, 8, 1), 6, False),
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29), 6, True),  # month ends clamp (leap year)
        (dt.date(2027, 3, 1), dt.date(2027, 3, 1), 1, True),
        (dt.date(2027, 7, 31), dt.date(2027, 1, 31), 6, True),  # either order
    ],
)
def test_within_a_window_of_months_is_calendar_months(a, b, months, near):
    assert within_months(a, b, months) is near
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


def test_overlaps_need_two_partners_in_one_area_within_the_window(world):
    ov = overlapping_plans(world)  # county at +4 months, district at +7: three months apart
    today = timezone.localdate()
    plans = [ov.county_plan, ov.district_plan]
    [found] = find_overlaps(plans, [], months=6, today=today)
    assert found.combined_value == Decimal("135000.00")
    assert {p.pk for p in found.plans} == {ov.county_plan.pk, ov.district_plan.pk}
    assert find_overlaps(plans, [], months=2, today=today) == []
    # one partner's two plans are no overlap; a third partner's plan chains into the group
    assert find_overlaps([ov.county_plan], [], months=24, today=today) == []


def test_a_plan_near_another_partners_ending_contract_is_an_overlap(world):
    ov = overlapping_plans(world)
    start = ov.district_plan.start_date
    contract = mapped_contract_create(
        service_area=ov.area,
        provider_name="Citizens Advice Lichfield District",
        title="Advice in Burntwood",
        annual_value=Decimal("23750.00"),
        start_date=start - dt.timedelta(days=900),
        end_date=start - dt.timedelta(days=20),
        funding_source="Core budget",
        alignable=True,
        by=ov.county,
    )
    today = timezone.localdate()
    [alone] = find_overlaps([ov.district_plan], [contract], months=6, today=today)
    assert alone.contracts == [contract]
    assert alone.contracts_annual_value == Decimal("23750.00")
    # the county's own contract beside the county's own plan is its own replacement, not a co-commissioning chance
    assert find_overlaps([ov.county_plan], [contract], months=1, today=today) == []


# --- the stories ---------------------------------------------------------------------------------------------------


def test_a_partner_records_a_plan_and_only_it_may_change_it(world):
    ov = overlapping_plans(world)
    assert ov.county_plan.organisation == world.county
    plan_update(plan=ov.county_plan, changes={"estimated_value": Decimal("95000.50")}, by=ov.county)
    ov.county_plan.refresh_from_db()
    assert ov.county_plan.estimated_value == Decimal("95000.50")
    with pytest.raises(NotPermitted):
        plan_update(plan=ov.county_plan, changes={"title": "Ours now"}, by=ov.district)


def test_a_plan_more_than_18_months_ahead_is_refused_next_to_the_date(world):
    county = acting(world.lead_commissioner, world.county)
    with pytest.raises(DomainError) as error:
        plan(county, advice_area(world), months_ahead=19)
    assert "procurement_date" in error.value.field_errors


def test_the_partnership_sees_every_plan_the_overlap_and_its_combined_value(client, world):
    ov = overlapping_plans(world)
    sign_in(client, commissioner_at(world, world.district), world.district)
    response = client.get(pipeline_url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Debt and benefits advice" in body and "Consumer advice" in body
    assert "combined value £135,000.00" in body
    assert "Start a joint commission from these plans" in body
    assert "<svg" in body and 'data-testid="plans-table"' in body
    # a narrower window (a GET field) drops the flag
    narrow = client.get(pipeline_url(world, window=2)).content.decode()
    assert "No overlaps within 2 months" in narrow
    bad = client.get(pipeline_url(world, window=99))
    assert bad.status_code == 200 and "No overlaps within 6 months" not in bad.content.decode()
    assert ov.area.name in body


def test_one_click_starts_a_joint_commission_with_the_other_partner_invited(client, world):
    ov = overlapping_plans(world)
    sign_in(client, world.lead_commissioner, world.county)
    response = client.post(
        reverse("forward-plans-joint-commission", kwargs={"partnership_id": world.partnership.pk}),
        {"plans": [ov.county_plan.pk, ov.district_plan.pk], "window": "6"},
    )
    with unscoped(reason="test reads the outcome"):
        commission = JointCommission.objects.get()
        assert response.status_code == 302 and response.url == reverse(
            "commission-detail", kwargs={"commission_id": commission.pk}
        )
        assert commission.lead == world.county and commission.service_area == ov.area
        assert commission.start_date == ov.county_plan.start_date
        invited = Participation.objects.get(commission=commission, organisation=world.district)
        assert invited.status == ParticipationStatus.INVITED
        assert set(ForwardPlan.objects.values_list("commission_id", flat=True)) == {commission.pk}
    page = client.get(pipeline_url(world)).content.decode()
    assert "Joint commission started" in page and "Start a joint commission from these plans" not in page
    with pytest.raises(DomainError):
        commission_from_plans(plans=[ov.county_plan, ov.district_plan], by=ov.county)


def test_a_partner_with_no_plan_among_them_cannot_start_from_them(world):
    ov = overlapping_plans(world)
    other = world.member(world.county, Role.COMMISSIONER)
    with pytest.raises(NotPermitted):
        commission_from_plans(plans=[ov.district_plan], by=acting(other, world.county))


def test_published_plans_reach_the_public_pipeline_and_the_followers(client, world, announced):
    ov = overlapping_plans(world)
    draft = plan(ov.county, ov.area, months_ahead=5, status="draft", title="Not yet agreed")
    with pytest.raises(DomainError):
        plans_publish(plans=[draft], by=ov.county)
    with pytest.raises(NotPermitted):
        plans_publish(plans=[ov.district_plan], by=ov.county)
    sign_in(client, world.lead_commissioner, world.county)
    client.post(
        reverse("forward-plans-publish", kwargs={"partnership_id": world.partnership.pk}),
        {"plans": [ov.county_plan.pk], "action": "publish"},
    )
    client.logout()
    public = client.get(reverse("public-pipeline")).content.decode()
    assert "Debt and benefits advice" in public
    assert "Consumer advice" not in public and "Not yet agreed" not in public
    assert [o.key for o in announced] == [f"plan:{ov.county_plan.pk}"]
    assert announced[0].service_area_id == ov.area.pk and announced[0].kind == "plan"
    # publishing again tells nobody twice
    plans_publish(plans=[ov.county_plan], by=ov.county)
    assert len(announced) == 1
    with unscoped(reason="the digest reads public facts"):
        keys = [o.key for o in forthcoming_plans(partnership_ids=None, now=timezone.now())]
    assert keys == [f"plan:{ov.county_plan.pk}"]
    plans_publish(plans=[ov.county_plan], publish=False, by=ov.county)
    assert "Debt and benefits advice" not in client.get(reverse("public-pipeline")).content.decode()


def test_a_plans_steps_are_its_owners(client, world):
    ov = overlapping_plans(world)
    sign_in(client, commissioner_at(world, world.district), world.district)
    url = reverse("forward-plan-transition", kwargs={"plan_id": ov.county_plan.pk})
    client.post(url, {"transition": "procure"})
    ov.county_plan.refresh_from_db()
    assert ov.county_plan.status == PlanStatus.PLANNED
    moved = wf.transition(
        obj=ov.district_plan,
        workflow=wf.get_workflow("forward_plan"),
        name="drop",
        reason="Budget withdrawn",
        by=ov.district,
    )
    assert moved.status == PlanStatus.DROPPED


def test_another_partnership_cannot_see_the_plans(client, world):
    overlapping_plans(world)
    outsider = world.member(world.other_council, Role.COMMISSIONER)
    sign_in(client, outsider, world.other_council)
    assert client.get(pipeline_url(world)).status_code == 404


def test_the_api_covers_plans_overlaps_and_the_joint_commission(world):
    area = advice_area(world)
    county = api_client(world.lead_commissioner, world.county)
    district_user = commissioner_at(world, world.district)
    district = api_client(district_user, world.district)
    today = timezone.localdate()
    created = county.post(
        "/api/v1/forward-plans/",
        {
            "service_area": area.pk,
            "title": "Debt advice",
            "estimated_value": "90000.00",
            "procurement_date": add_months(today, 3).isoformat(),
            "start_date": add_months(today, 9).isoformat(),
            "status": "planned",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    other = district.post(
        "/api/v1/forward-plans/",
        {
            "service_area": area.pk,
            "title": "Consumer advice",
            "estimated_value": "45000.00",
            "procurement_date": add_months(today, 5).isoformat(),
            "start_date": add_months(today, 11).isoformat(),
            "status": "planned",
        },
        format="json",
    )
    assert other.status_code == 201
    plan_id = created.json()["id"]
    assert district.patch(f"/api/v1/forward-plans/{plan_id}/", {"title": "Mine"}, format="json").status_code == 403
    overlaps = county.get(f"/api/v1/forward-plans/overlaps/?partnership={world.partnership.pk}&window=6").json()
    assert overlaps[0]["combined_value"] == "135000.00" and len(overlaps[0]["plans"]) == 2
    started = county.post(
        "/api/v1/forward-plans/joint-commission/", {"plans": overlaps[0]["plans"], "window": 6}, format="json"
    )
    assert started.status_code == 201, started.content
    assert county.post("/api/v1/forward-plans/publish/", {"plans": [plan_id]}, format="json").status_code == 200
    steps = county.get(f"/api/v1/forward-plans/{plan_id}/transitions/").json()
    assert {s["transition"] for s in steps} >= {"procure", "drop"}


def test_the_pipeline_page_costs_the_same_queries_with_many_plans(client, world):
    ov = overlapping_plans(world)
    sign_in(client, world.lead_commissioner, world.county)
    few = page_queries(client, pipeline_url(world), warm=True)
    for i in range(8):
        plan(ov.district if i % 2 else ov.county, ov.area, months_ahead=1 + i, title=f"Plan {i}")
    many = page_queries(client, pipeline_url(world), warm=True)
    assert many == few, (few, many)


def test_a_published_plan_alerts_the_followers_of_its_kind_of_service(world):
    """A provider that follows "Older people" hears of a partner's plan of that kind when it is published, once, even
    though it follows no service area (the real announcer: following's alerts)."""
    area = advice_area(world)
    county = acting(world.lead_commissioner, world.county)
    older, _ = follower("Olive Older", categories=["older_people"])
    follower("Carl Carers", categories=["carers"])
    connectors = plan(county, area, title="Community connectors", service_category="older_people")
    plans_publish(plans=[connectors], by=county)
    plans_publish(plans=[connectors], by=county)
    with unscoped(reason="the test reads who was told"):
        told = list(
            Notification.objects.filter(dedupe_key__startswith=f"opportunity:plan:{connectors.pk}").values_list(
                "recipient", flat=True
            )
        )
    assert told == [older.pk]
    assert ForwardPlan.objects.get(pk=connectors.pk).get_service_category_display() == "Older people"
