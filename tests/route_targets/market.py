"""Route targets for forward plans and market engagement (commissioning.plans, commissioning.engagement).

Open events and the engagement group are public (anyone may read them and sign up), so their targets name no owning
organisation; a plan, a place and an unpublished meeting's notes are tenant data."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from commissioning.engagement.models import (
    EngagementEvent,
    EngagementGroup,
    EventSignup,
    GroupMeeting,
    GroupMember,
)
from commissioning.engagement.services import group_meeting_record, group_member_add, signup_create
from commissioning.plans.models import ForwardPlan
from tests.factories.commissioning import acting
from tests.factories.market import engagement_group, open_event, overlapping_plans
from tests.route_targets import Target


def _plan(w: Any) -> ForwardPlan:
    if "market-plans" not in w.extras:
        w.extras["market-plans"] = overlapping_plans(w)
    return w.extras["market-plans"].county_plan


def _event(w: Any) -> EngagementEvent:
    if "market-event" not in w.extras:
        w.extras["market-event"] = open_event(w, capacity=5)
    return w.extras["market-event"]


def _signup(w: Any) -> EventSignup:
    if "market-signup" not in w.extras:
        w.extras["market-signup"] = signup_create(
            event=_event(w), access_needs="Step-free access", by=acting(w.bidder, w.provider)
        )
    return w.extras["market-signup"]


def _group(w: Any) -> EngagementGroup:
    if "market-group" not in w.extras:
        w.extras["market-group"] = engagement_group(w)
    return w.extras["market-group"]


def _member(w: Any) -> GroupMember:
    if "market-member" not in w.extras:
        w.extras["market-member"] = group_member_add(
            group=_group(w), name="Jo Evans", role="Chair", by=acting(w.lead_commissioner, w.county)
        )
    return w.extras["market-member"]


def _meeting(w: Any) -> GroupMeeting:
    """An unpublished meeting: the partnership's until its notes are published."""
    if "market-meeting" not in w.extras:
        w.extras["market-meeting"] = group_meeting_record(
            group=_group(w),
            held_on=timezone.localdate(),
            title="Shaping the advice tender",
            notes="Draft notes",
            by=acting(w.lead_commissioner, w.county),
        )
    return w.extras["market-meeting"]


KWARGS = {
    "plan_id": lambda w: Target(_plan(w).pk, w.county),
    "event_id": lambda w: Target(_event(w).pk, None),
    "signup_id": lambda w: Target(_signup(w).pk, w.provider, user=w.bidder),
    "group_id": lambda w: Target(_group(w).pk, None),
    "meeting_id": lambda w: Target(_meeting(w).pk, w.county),
}

API_OBJECTS = {
    ForwardPlan: lambda w: Target(_plan(w).pk, w.county),
    EngagementEvent: lambda w: Target(_event(w).pk, None),
    EventSignup: lambda w: Target(_signup(w).pk, w.provider, user=w.bidder),
    EngagementGroup: lambda w: Target(_group(w).pk, None),
    GroupMember: lambda w: Target(_member(w).pk, None),
    GroupMeeting: lambda w: Target(_meeting(w).pk, w.county),
}
