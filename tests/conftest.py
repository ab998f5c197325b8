"""Personas and the shared world: a lead commissioner, a partner's finance officer, a board member, a bidder,
and an outsider in another organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db.backends.postgresql.operations import DatabaseOperations
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from config.celery import app as celery_app
from core.tenancy import unscoped
from partners.acting import SESSION_KEY
from partners.models import Invitation, Organisation, OrganisationKind, Partnership, Role, User
from tests.factories.partners import OrganisationFactory, PartnershipFactory, ProviderFactory, person


@pytest.fixture(autouse=True)
def _system_scope_for_setup():
    """Test set-up runs as the system (tenancy off); requests still get their own scope from the middleware."""
    with unscoped(reason="test set-up builds every organisation's data"):
        yield


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    # Celery reads Django settings once, when its configuration is first used: set the app itself too, so
    # tasks run in the test unless a test asks for the real worker (tests/celery_support.py).
    eager, propagates = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager, propagates


def api_client(user: User, organisation: Organisation) -> APIClient:
    """An API client with a new token of ``user``'s, acting for ``organisation``."""
    client = APIClient()
    _token, secret = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}", HTTP_X_JOINTLY_ORGANISATION=str(organisation.pk))
    return client


def sign_in(client: Client, user: User, organisation: Organisation | None = None) -> Client:
    """Sign in as ``user`` acting for ``organisation``, with two-factor already confirmed."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    if organisation is not None:
        session[SESSION_KEY] = organisation.pk
    session.save()
    return client


@dataclass
class World:
    county: Organisation
    district: Organisation
    provider: Organisation
    other_council: Organisation
    partnership: Partnership
    lead_commissioner: User
    county_admin: User
    finance_officer: User
    board_member: User
    bidder: User
    outsider: User
    invitation: Invitation
    extras: dict[str, Any] = field(default_factory=dict)

    def member(self, organisation: Organisation, *roles: str) -> User:
        """A (cached) person at ``organisation`` holding exactly ``roles``."""
        key = f"{organisation.pk}:{','.join(sorted(roles))}"
        if key not in self.extras:
            self.extras[key] = person(organisation, *roles)
        return self.extras[key]


@pytest.fixture
def world(db) -> World:
    county = OrganisationFactory(name="Staffordshire County Council", kind=OrganisationKind.COUNTY_COUNCIL)
    district = OrganisationFactory(name="Lichfield District Council", kind=OrganisationKind.DISTRICT_COUNCIL)
    provider = ProviderFactory(name="Citizens Advice Lichfield District")
    other_council = OrganisationFactory(name="Northshire County Council", kind=OrganisationKind.COUNTY_COUNCIL)
    partnership = PartnershipFactory(
        name="Lichfield Locality Commissioning Partnership", accountable_body=district, partners=[county]
    )
    all_public_roles = [
        Role.ORG_ADMIN,
        Role.COMMISSIONER,
        Role.FINANCE_OFFICER,
        Role.BOARD_MEMBER,
        Role.EVALUATOR,
        Role.VIEWER,
    ]
    county_admin = person(county, Role.ORG_ADMIN, name="Priya Shah")
    invitation = Invitation.objects.create(
        organisation=county, email="new.starter@example.org", roles=[Role.VIEWER], invited_by=county_admin
    )
    return World(
        county=county,
        district=district,
        provider=provider,
        other_council=other_council,
        partnership=partnership,
        lead_commissioner=person(county, Role.COMMISSIONER, name="Alex Morgan"),
        county_admin=county_admin,
        finance_officer=person(district, Role.FINANCE_OFFICER, name="Jo Evans"),
        board_member=person(district, Role.BOARD_MEMBER, name="Chris Walker"),
        bidder=person(provider, Role.ORG_ADMIN, Role.BIDDER, name="Mo Hussain"),
        outsider=person(other_council, *all_public_roles, name="Oscar Outsider"),
        invitation=invitation,
    )


@pytest.fixture
def as_user(client):
    def _as(user: User, organisation: Organisation | None = None) -> Client:
        return sign_in(client, user, organisation)

    return _as


def _let_the_test_runner_empty_the_audit_trail() -> None:
    """Transactional tests end with a flush (TRUNCATE of every table), which the audit trail's trigger refuses
    unless this transaction-local setting is on (core migration 0004): set it for the flush alone."""

    original = DatabaseOperations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False):
        sql = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL jointly.allow_audit_truncate = 'on'", *sql] if sql else sql

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


_let_the_test_runner_empty_the_audit_trail()
