"""Following, alerts and the monthly digest, as a charity bid writer meets them: follow a service area with nothing
open yet and a category, hear once when a tender appears there, get one digest a month, and stop it with one click
from the email without signing in."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from commissioning.following.models import Follow, FollowSettings
from commissioning.following.rules import unsubscribe_token
from commissioning.following.services import digest_send, follows_set
from core import opportunities
from core.errors import DomainError, NotPermitted
from core.models import Notification
from core.opportunities import Opportunity
from tests.conftest import api_client
from tests.factories.commissioning import ServiceAreaFactory, acting
from tests.factories.following import follower
from tests.factories.procurement import lichfield_procurement, published_tender

LONDON = ZoneInfo("Europe/London")


def alerts_for(user):
    return list(Notification.objects.filter(recipient=user, dedupe_key__startswith="opportunity:"))


def digests_for(user):
    return list(Notification.objects.filter(recipient=user, dedupe_key__startswith="digest:"))


def test_a_bid_writer_follows_a_service_area_with_nothing_open_and_a_category(world, client, as_user):
    quiet = ServiceAreaFactory(partnership=world.partnership, name="Befriending")
    as_user(world.bidder, world.provider)
    page = client.get(reverse("opportunity-follows"))
    assert page.status_code == 200
    assert "Befriending (Lichfield Locality Commissioning Partnership)" in page.content.decode()
    saved = client.post(
        reverse("opportunity-follows"),
        {"service_areas": [str(quiet.pk)], "categories": ["food"], "alerts": "email", "digest": "on"},
    )
    assert saved.status_code == 302
    mine = Follow.objects.filter(user=world.bidder)
    assert {(f.service_area_id, f.category) for f in mine} == {(quiet.pk, ""), (None, "food")}
    again = client.get(reverse("opportunity-follows")).content.decode()
    assert "Befriending" in again and "Food poverty and health" in again


def test_an_unknown_category_is_refused_next_to_the_field_and_nothing_is_lost(world, client, as_user):
    as_user(world.bidder, world.provider)
    refused = client.post(reverse("opportunity-follows"), {"categories": ["fishing"], "alerts": "email"})
    assert refused.status_code == 400
    assert Follow.objects.filter(user=world.bidder).count() == 0


def test_only_a_providers_people_follow(world):
    with pytest.raises(NotPermitted):
        follows_set(service_areas=[], categories=["food"], by=acting(world.lead_commissioner, world.county))


def test_publishing_a_tender_alerts_each_follower_of_its_area_or_category_once(world):
    ex = lichfield_procurement(world)
    area_only, _ = follower("Ada Area", areas=[ex.area])
    category_only, _ = follower("Cat Category", categories=["older_people"])
    both, _ = follower("Bo Both", areas=[ex.area], categories=["older_people"])
    in_app, _ = follower("Ian Inapp", areas=[ex.area], alerts="in_app")
    silent, _ = follower("Sid Silent", areas=[ex.area], alerts="off")
    elsewhere, _ = follower("Ed Elsewhere", categories=["housing"])

    tender = published_tender(world, category="older_people")

    for person in (area_only, category_only, both, in_app):
        [alert] = alerts_for(person)
        assert alert.subject == f"New tender in {ex.area.name}: {tender.title}"
        assert alert.url == reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk})
    assert alerts_for(silent) == [] and alerts_for(elsewhere) == []
    emailed = {n.recipient for n in Notification.objects.filter(dedupe_key__startswith="opportunity:", email=True)}
    assert emailed == {area_only, category_only, both}  # "on Jointly only" gets no email


def test_announcing_the_same_opportunity_again_tells_nobody_twice(world):
    area = ServiceAreaFactory(partnership=world.partnership, name="Carers' breaks")
    person, _ = follower("Ada Area", areas=[area])
    plan = Opportunity(
        kind="plan",
        kind_label="Forward plan",
        key="plan:7",
        title="Carers' breaks from 2027",
        url="/plans/7/",
        partnership_id=world.partnership.pk,
        service_area_id=area.pk,
        category="carers",
    )
    opportunities.announce(plan)
    opportunities.announce(plan)
    [alert] = alerts_for(person)
    assert alert.subject == "New forward plan in Carers' breaks: Carers' breaks from 2027"


def test_the_monthly_digest_goes_once_a_month_and_lists_what_is_forthcoming(world):
    ex = lichfield_procurement(world)
    quiet = ServiceAreaFactory(partnership=world.partnership, name="Befriending")
    reader, _ = follower("Rita Reader", areas=[ex.area, quiet], categories=["food"])
    nothing_open, _ = follower("Nat Nothing", areas=[quiet])
    off, _ = follower("Olly Off", areas=[ex.area], digest=False)
    tender = published_tender(world)
    now = dt.datetime.now(LONDON)

    assert digest_send(now=now) == 2
    assert digest_send(now=now) == 0  # a second beat, a retry: nothing more
    [digest] = digests_for(reader)
    assert digest.subject.startswith(f"Your opportunities digest for {now:%B %Y}: 1 forthcoming")
    assert f"Tender: {tender.title}" in digest.body
    assert "You follow: Befriending, Food poverty and health" in digest.body
    [empty] = digests_for(nothing_open)
    assert "Nothing is open or coming up" in empty.body
    assert digests_for(off) == []

    next_month = (now.replace(day=1) + dt.timedelta(days=32)).replace(day=2)
    assert digest_send(now=next_month) == 2
    assert len(digests_for(reader)) == 2


def test_one_click_from_the_email_stops_the_digest_without_signing_in(world, client):
    area = ServiceAreaFactory(partnership=world.partnership, name="Befriending")
    reader, org = follower("Rita Reader", areas=[area])
    digest_send(now=dt.datetime(2027, 1, 3, 9, tzinfo=LONDON))
    [digest] = digests_for(reader)
    link = re.search(r"https?://[^/\s]+(/digest/unsubscribe/[^\s]+)", digest.body).group(1)

    page = client.get(link)
    assert page.status_code == 200 and "Unsubscribe from the monthly digest" in page.content.decode()
    done = client.post(link)
    assert done.status_code == 200 and "You have unsubscribed" in done.content.decode()
    assert FollowSettings.objects.get(user=reader, organisation=org).digest is False

    assert digest_send(now=dt.datetime(2027, 2, 3, 9, tzinfo=LONDON)) == 0
    # alerts still come
    assert FollowSettings.objects.get(user=reader).alerts == "email"


def test_a_forged_or_altered_unsubscribe_link_is_not_found(world, client):
    token = unsubscribe_token(organisation_id=world.provider.pk, user_id=world.bidder.pk)
    assert client.get(reverse("digest-unsubscribe", kwargs={"unsubscribe_token": token[:-2] + "xx"})).status_code == 404
    assert client.post(reverse("digest-unsubscribe", kwargs={"unsubscribe_token": "nonsense"})).status_code == 404


def test_following_through_the_api(world):
    area = ServiceAreaFactory(partnership=world.partnership, name="Befriending")
    api = api_client(world.bidder, world.provider)
    made = api.post("/api/v1/follows/", {"service_area": area.pk}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["what"] == "Befriending"
    cat = api.post("/api/v1/follows/", {"category": "carers"}, format="json")
    assert cat.status_code == 201
    refused = api.post("/api/v1/follows/", {}, format="json")
    assert refused.status_code == 400
    assert [f["what"] for f in api.get("/api/v1/follows/").json()["results"]] == ["Befriending", "Carers' support"]
    settings = api.put("/api/v1/follow-settings/", {"alerts": "in_app", "digest": False}, format="json")
    assert settings.json() == {"alerts": "in_app", "digest": False}
    categories = api.get("/api/v1/opportunity-categories/").json()
    assert {"value": "food", "name": "Food poverty and health"} in categories

    other, _ = follower("Oona Other", categories=["food"])
    theirs = Follow.objects.get(user=other)
    assert api.delete(f"/api/v1/follows/{theirs.pk}/").status_code == 404
    assert api.delete(f"/api/v1/follows/{made.json()['id']}/").status_code == 204
    assert not Follow.objects.filter(pk=made.json()["id"]).exists()


def test_following_nothing_that_exists_is_refused(world):
    with pytest.raises(DomainError):
        follows_set(service_areas=[], categories=["knitting"], by=acting(world.bidder, world.provider))
