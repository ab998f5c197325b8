"""Sealing: a grant application is sealed until the programme's closing time, exactly as bids are. Before it nobody
but the applicant can read an application, its answers, its copy or whether a given charity has applied -- not the
lead commissioner, a superuser, a panel member or another council; not through a page, the API, the admin, the
audit trail or the PDF copy. At the closing time the lead and the assessors' organisations may read what was
received (never the working copy), and nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib import admin

from core.tenancy import scope
from grants.applications.models import ApplicationAnswer, ApplicationVersion, GrantApplication
from grants.programmes import services as programme_services
from grants.programmes.models import GrantAssessor, GrantProgramme
from partners.models import Role
from tests.conftest import sign_in
from tests.factories.grants import applicant, food_poverty_round, submitted

ONE = dt.timedelta(seconds=1)


@pytest.fixture
def sealed(world):
    """An open round with one submitted application and a district assessor on the panel."""
    rnd = food_poverty_round(world)
    org, by = applicant(world, "Lichfield Foodbank")
    application, _version = submitted(rnd, by)
    assessor = world.member(world.district, Role.EVALUATOR)
    programme_services.assessor_add(programme=rnd.programme, user=assessor, organisation=world.district, by=rnd.lead)
    return rnd.programme, application, org, by, assessor


def visible(organisation, programme: GrantProgramme) -> int:
    with scope(organisation=organisation):
        return GrantApplication.objects.filter(programme=programme).count()


def test_the_tenant_rule_seals_every_application_table_until_closing(world, sealed):
    programme, application, org, _, _ = sealed
    for outsider in (world.county, world.district, world.other_council, world.provider, None):
        with scope(organisation=outsider):
            assert GrantApplication.objects.filter(programme=programme).count() == 0
            assert ApplicationVersion.objects.filter(application=application).count() == 0
            assert ApplicationAnswer.objects.filter(application=application).count() == 0
    with scope(organisation=org):
        assert GrantApplication.objects.filter(programme=programme).count() == 1
        assert ApplicationAnswer.objects.filter(application=application).count() == 2
    with time_machine.travel(programme.closes_at, tick=False):
        for reader in (world.county, world.district):  # the lead, and the assessor's organisation
            with scope(organisation=reader):
                assert GrantApplication.objects.filter(programme=programme).count() == 1
                assert ApplicationVersion.objects.filter(application=application).count() == 1
                # The working copy is never shared: only the submitted version is.
                assert ApplicationAnswer.objects.filter(application=application).count() == 0
        for outsider in (world.other_council, world.provider, None):
            with scope(organisation=outsider):
                assert GrantApplication.objects.filter(programme=programme).count() == 0


@pytest.mark.parametrize(
    ("offset", "unsealed"), [(-ONE, False), (dt.timedelta(0), True), (ONE, True)], ids=["1s-before", "at", "1s-after"]
)
def test_the_closing_time_unseals_for_the_lead(world, sealed, offset, unsealed):
    programme, *_ = sealed
    with time_machine.travel(programme.closes_at + offset, tick=False):
        assert visible(world.county, programme) == (1 if unsealed else 0)


def test_a_draft_a_withdrawn_or_a_late_application_is_never_read_by_the_lead(world, sealed):
    programme, *_ = sealed
    _, drafter = applicant(world, "Draft Charity")
    draft = GrantApplication._base_manager.create(programme=programme, organisation=drafter.organisation)
    with time_machine.travel(programme.closes_at + ONE, tick=False), scope(organisation=world.county):
        assert not GrantApplication.objects.filter(pk=draft.pk).exists()
        assert GrantApplication.objects.filter(programme=programme).count() == 1


def page(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode("utf-8", "replace")


def test_pages_reveal_nothing_before_closing_even_to_a_superuser(world, sealed, client):
    programme, application, org, _, assessor = sealed
    lead = world.lead_commissioner
    lead.is_staff = lead.is_superuser = True
    lead.save(update_fields=["is_staff", "is_superuser"])
    sign_in(client, lead, world.county)
    for url in (f"/grants/programmes/{programme.pk}/", "/grants/programmes/", f"/grants/{programme.pk}/", "/audit/"):
        status, text = page(client, url)
        assert status in (200, 403), url
        assert org.name not in text, f"{url} names the applicant before closing"
    assert "Applications are sealed until" in page(client, f"/grants/programmes/{programme.pk}/")[1]
    assert client.get(f"/grants/applications/{application.public_id}/").status_code == 404
    assert client.get(f"/grants/applications/{application.public_id}/copy.pdf").status_code == 404
    client.logout()
    sign_in(client, assessor, world.district)
    assert client.get(f"/grants/applications/{application.public_id}/").status_code == 404


def test_pages_open_for_the_lead_and_the_assessor_after_closing_and_for_nobody_else(world, sealed, client):
    programme, application, org, _, assessor = sealed
    with time_machine.travel(programme.closes_at + ONE, tick=False):
        sign_in(client, world.lead_commissioner, world.county)
        status, text = page(client, f"/grants/programmes/{programme.pk}/")
        assert status == 200 and org.name in text
        status, text = page(client, f"/grants/applications/{application.public_id}/")
        assert status == 200 and "Community fridge and cookery classes" in text
        assert client.get(f"/grants/applications/{application.public_id}/copy.pdf").status_code == 200
        client.logout()
        sign_in(client, assessor, world.district)
        assert client.get(f"/grants/applications/{application.public_id}/").status_code == 200
        client.logout()
        sign_in(client, world.outsider, world.other_council)
        assert client.get(f"/grants/applications/{application.public_id}/").status_code == 404


def test_the_api_is_sealed(world, sealed, client):
    programme, application, org, by, _ = sealed
    sign_in(client, world.lead_commissioner, world.county)
    assert client.get("/api/v1/grants/applications/").json()["count"] == 0
    assert client.get(f"/api/v1/grants/applications/{application.public_id}/").status_code == 404
    assert org.name not in client.get("/api/v1/audit-events/?page_size=200").content.decode()
    client.logout()
    sign_in(client, by.user, org)
    mine = client.get(f"/api/v1/grants/applications/{application.public_id}/").json()
    assert mine["submitted"]["sha256"] == application.receipt_sha256
    with time_machine.travel(programme.closes_at + ONE, tick=False):
        client.logout()
        sign_in(client, world.lead_commissioner, world.county)
        listed = client.get(f"/api/v1/grants/applications/?programme={programme.pk}").json()
        assert listed["count"] == 1
        detail = client.get(f"/api/v1/grants/applications/{application.public_id}/").json()
        assert detail["content"]["applicant"]["name"] == org.name


def test_the_admin_never_shows_applications():
    registered = {model._meta.label for model in admin.site._registry}
    for model in (GrantApplication, ApplicationVersion, ApplicationAnswer, GrantAssessor):
        assert model._meta.label not in registered
