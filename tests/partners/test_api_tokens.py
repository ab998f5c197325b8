"""Personal API tokens: stored hashed, shown once, expiring, always acting as their owner."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from partners import tokens
from tests.conftest import sign_in
from tests.factories.commissioning import acting

pytestmark = pytest.mark.django_db


def _api(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_alex_creates_a_token_and_sees_it_once(world, client):
    """Regression (issue #9): POST used to 500 (get_context_data() got multiple values for 'token')."""
    sign_in(client, world.lead_commissioner, world.county)

    response = client.post(reverse("api-token"), {"action": "create"})

    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("jly_")
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    page = client.get(reverse("api-token")).content.decode()
    assert secret not in page  # once only
    assert secret[:15] in page  # the start, so Alex can tell tokens apart
    assert _api(secret).get("/api/v1/me/").json()["email"] == world.lead_commissioner.email


def test_only_a_digest_is_stored(world):
    instance, secret = tokens.api_token_create(by=acting(world.lead_commissioner, world.county))

    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        rows = cursor.fetchall()
    assert rows == [(instance.digest, secret[:15])]
    assert secret not in instance.digest


def test_replacing_a_token_keeps_the_old_one_if_creating_the_new_one_fails(world, client, monkeypatch):
    """Regression (issue #9): the old token was deleted before the new one failed."""
    sign_in(client, world.lead_commissioner, world.county)
    _old, old_secret = AuthToken.objects.create(user=world.lead_commissioner)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(AuthToken.objects, "create", broken)
    client.raise_request_exception = False
    response = client.post(reverse("api-token"), {"action": "create"})
    monkeypatch.undo()

    assert response.status_code == 500
    assert _api(old_secret).get("/api/v1/me/").status_code == 200


def test_replacing_a_token_retires_the_old_one(world, client):
    sign_in(client, world.lead_commissioner, world.county)
    _old, old_secret = AuthToken.objects.create(user=world.lead_commissioner)

    new_secret = client.post(reverse("api-token"), {"action": "create"}).context["secret"]

    assert _api(old_secret).get("/api/v1/me/").status_code == 401
    assert _api(new_secret).get("/api/v1/me/").status_code == 200
    assert AuthToken.objects.filter(user=world.lead_commissioner).count() == 1


def test_alex_revokes_every_token(world, client):
    sign_in(client, world.lead_commissioner, world.county)
    _t, secret = AuthToken.objects.create(user=world.lead_commissioner)

    response = client.post(reverse("api-token"), {"action": "revoke"})

    assert response.status_code == 302
    assert _api(secret).get("/api/v1/me/").status_code == 401


def test_a_token_expires(world):
    _instance, secret = tokens.api_token_create(by=acting(world.lead_commissioner, world.county))
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=91)):
        assert _api(secret).get("/api/v1/me/").status_code == 401


def test_a_token_acts_only_as_its_owner_even_for_staff(world, client):
    """Staff cannot make a token for someone else: the page makes one for whoever is signed in, and the admin
    has no way to add one."""
    world.county_admin.is_staff = world.county_admin.is_superuser = True
    world.county_admin.save()
    sign_in(client, world.county_admin, world.county)

    secret = client.post(
        reverse("api-token"), {"action": "create", "user": world.bidder.pk, "user_id": world.bidder.pk}
    ).context["secret"]

    assert _api(secret).get("/api/v1/me/").json()["email"] == world.county_admin.email
    assert not AuthToken.objects.filter(user=world.bidder).exists()


def test_the_openapi_schema_names_the_token_scheme(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey" and scheme["name"] == "Authorization"
    assert "jly_" in scheme["description"]
    assert "knoxApiToken" not in schema["components"]["securitySchemes"]
