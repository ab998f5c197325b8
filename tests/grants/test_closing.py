"""At the closing time the system closes the round (the beat's task, safe to run twice) and tells the lead
commissioner how many applications arrived, without saying who sent them."""

from __future__ import annotations

from core.models import Notification
from grants.tasks import close_due_programmes
from tests.factories.grants import applicant, close, food_poverty_round, submitted


def test_the_system_closes_a_due_round_once_and_tells_the_lead_how_many_arrived(world):
    rnd = food_poverty_round(world)
    org, by = applicant(world, "Lichfield Foodbank")
    submitted(rnd, by)
    assert close_due_programmes() == 0  # not due yet
    programme = close(rnd)
    assert programme.status == "closed"
    assert close_due_programmes() == 0  # safe to run twice
    [told] = Notification.objects.filter(recipient=world.lead_commissioner, subject__contains="have closed")
    assert told.subject == "Food Poverty and Health Grants Scheme: applications have closed (1 received)"
    assert org.name not in told.body
