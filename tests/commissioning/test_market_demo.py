"""The demo has a live example of every stage of forward plans and market engagement: two partners' plans overlapping
in one service area (flagged, ready for a joint commission), a published plan on the public pipeline, an event that
is full with a provider on the waiting list, a past event with its Q&A published, and the engagement group with its
notes; loading it twice changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from commissioning.engagement.models import EngagementEvent, EngagementGroup, EventSignup
from commissioning.plans.models import ForwardPlan
from partners.models import Organisation, Partnership, User
from tests.conftest import sign_in


@pytest.mark.timeout(1500)
def test_the_demo_shows_every_stage_of_plans_and_engagement(db, client):
    call_command("load_demo", verbosity=0)
    counts = (
        ForwardPlan._base_manager.count(),
        EngagementEvent._base_manager.count(),
        EventSignup._base_manager.count(),
    )
    call_command("load_demo", verbosity=0)
    assert counts == (
        ForwardPlan._base_manager.count(),
        EngagementEvent._base_manager.count(),
        EventSignup._base_manager.count(),
    )
    lichfield = Partnership._base_manager.get(name="Lichfield Locality Commissioning Partnership")
    full = EngagementEvent._base_manager.get(title="Meet the commissioners: healthy lifestyles")
    assert sorted(EventSignup._base_manager.filter(event=full).values_list("status", flat=True)) == [
        "booked",
        "booked",
        "waiting",
    ]
    past = EngagementEvent._base_manager.get(title="How to apply: a workshop for small charities")
    assert past.status == "held" and past.notes_published_at
    assert EngagementGroup._base_manager.filter(partnership=lichfield).exists()

    public = client.get(reverse("public-pipeline")).content.decode()
    assert "Community connectors for isolated older people" in public
    assert (
        "Can we include full cost recovery"
        in client.get(reverse("public-event", kwargs={"event_id": past.pk})).content.decode()
    )

    sam = User._base_manager.get(email="sam@lichfield.demo")
    sign_in(client, sam, Organisation._base_manager.get(name="Lichfield District Council"))
    page = client.get(reverse("forward-plans", kwargs={"partnership_id": lichfield.pk})).content.decode()
    assert "Start a joint commission from these plans" in page
    assert "Healthy lifestyles and social isolation: combined value £126,000.00" in page
