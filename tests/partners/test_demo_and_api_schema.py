from __future__ import annotations

import yaml  # pragma: no cover
from django.core.management import call_command

from partners.models import Membership, Organisation, Partnership, User


def test_demo_loads_the_seeds_world_and_is_idempotent(db):
    call_command("load_demo", verbosity=0)
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Partnership.objects.count(),
    )
    call_command("load_demo", verbosity=0)
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Partnership.objects.count(),
    ) == counts
    tscip = Partnership.objects.get(name="Staffordshire Third Sector Commissioning in Partnership")
    assert tscip.members.count() == 15
    lichfield = Partnership.objects.get(name="Lichfield Locality Commissioning Partnership")
    assert lichfield.accountable_body.name == "Lichfield District Council"
    assert Organisation.objects.filter(sector="provider").count() >= 8
    assert Membership.objects.filter(user__email="sam@lichfield.demo").count() == 2


def test_openapi_schema_is_valid_and_documents_the_api(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].endswith("json") else None
    if schema is None:
        schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/partnerships/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"redoc" in docs.content.lower()
