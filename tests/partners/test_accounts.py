"""Registration, invitations, two-factor sign-in, lockout, and switching organisation."""

from __future__ import annotations

import pytest
from axes.utils import reset
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from core.models import AuditEvent
from partners.models import Invitation, Membership, Organisation, Role, User
from partners.services import invitation_email_send
from tests.browser.conftest import current_code
from tests.conftest import sign_in
from tests.factories.partners import PASSWORD

REGISTRATION = {
    "organisation_name": "Lichfield Food Bank",
    "kind": "charity",
    "area": "Lichfield",
    "charity_number": "1170001",
    "company_number": "",
    "full_name": "Nadia Patel",
    "email": "nadia@example.org",
    "password1": "Lichfield-food-bank-2026",
    "password2": "Lichfield-food-bank-2026",
}


def test_a_provider_registers_its_organisation_and_first_user(client, db):
    response = client.post(reverse("register"), REGISTRATION)
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Lichfield Food Bank")
    user = User.objects.get(email="nadia@example.org")
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert set(membership.roles) == {Role.ORG_ADMIN, Role.BIDDER}
    assert organisation.sector == "provider"
    assert AuditEvent.objects.filter(action="organisation.registered", object_id=str(organisation.pk)).exists()
    assert client.get(reverse("dashboard")).status_code == 200  # providers need no second factor


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"organisation_name": "Citizens Advice Lichfield District"}, "organisation_name", "already registered"),
        ({"charity_number": "EXISTING"}, "charity_number", "already registered"),
        ({"email": "mo.hussain@example.org"}, "email", "already exists"),
        ({"password1": "password", "password2": "password"}, "password1", "too short"),
        ({"password1": "12345678901234", "password2": "12345678901234"}, "password1", "entirely numeric"),
        ({"password2": "something-else-entirely"}, "password2", "do not match"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"kind": "county_council"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_registrations_get_a_clear_message_next_to_the_field_and_keep_the_input(
    client, world, change, field, message
):
    world.provider.charity_number = "EXISTING"
    world.provider.save()
    world.bidder.email = "mo.hussain@example.org"
    world.bidder.save()
    data = {**REGISTRATION, **change}
    response = client.post(reverse("register"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in e for e in form.errors.get(field, [])), form.errors
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'value="{data["full_name"]}"' in html
    assert not Organisation.objects.filter(name=data["organisation_name"]).exclude(pk=world.provider.pk).exists()


def test_every_problem_is_reported_at_once(client, world):
    data = {**REGISTRATION, "organisation_name": world.provider.name, "password1": "password", "password2": "password"}
    form = client.post(reverse("register"), data).context["form"]
    assert "organisation_name" in form.errors and "password1" in form.errors


def test_an_admin_invites_a_colleague_who_accepts_and_gets_the_roles(client, world, django_capture_on_commit_callbacks):
    sign_in(client, world.county_admin, world.county)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people-invite"),
            {"full_name": "Kim Lee", "email": "Kim.Lee@example.org", "roles": [Role.FINANCE_OFFICER]},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="kim.lee@example.org")
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    client.logout()
    url = reverse("invitation-accept", kwargs={"token": invitation.token})
    response = client.post(url, {"full_name": "Kim Lee", "password1": "weak", "password2": "weak"})
    assert response.status_code == 400 and "too short" in response.content.decode()
    response = client.post(
        url, {"full_name": "Kim Lee", "password1": "Finance-officer-2026", "password2": "Finance-officer-2026"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="kim.lee@example.org")
    assert Membership.objects.get(user=user, organisation=world.county).roles == [Role.FINANCE_OFFICER]
    # The link works once.
    client.logout()
    response = client.get(url)
    assert "accepted" in response.content.decode()


def test_only_roles_that_fit_the_sector_can_be_given(client, world):
    sign_in(client, world.bidder, world.provider)
    response = client.post(
        reverse("people-invite"), {"full_name": "X", "email": "x@example.org", "roles": [Role.FINANCE_OFFICER]}
    )
    assert response.status_code == 400
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_public_sector_staff_must_pass_two_factor(client, world):
    assert (
        client.post(reverse("login"), {"username": world.lead_commissioner.email, "password": PASSWORD}).status_code
        == 302
    )
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("two-factor-verify") in response["Location"]
    response = client.post(reverse("two-factor-verify"), {"code": "12345"})
    assert response.status_code == 400 and "Enter the 6-digit code" in response.content.decode()
    response = client.post(reverse("two-factor-verify"), {"code": "000000"})
    assert response.status_code == 400 and "The code is not right" in response.content.decode()
    assert 'value="000000"' in response.content.decode()
    response = client.post(reverse("two-factor-verify"), {"code": current_code(world.lead_commissioner)})
    assert "Too many wrong codes in a row" in response.content.decode()  # django-otp throttles guessing
    TOTPDevice.objects.get(user=world.lead_commissioner).throttle_reset()
    response = client.post(
        reverse("two-factor-verify"), {"code": current_code(world.lead_commissioner), "next": "/organisation/"}
    )
    assert response.status_code == 302 and response["Location"] == "/organisation/"
    assert client.get(reverse("dashboard")).status_code == 200


def test_first_sign_in_sets_up_an_authenticator(client, world):
    TOTPDevice.objects.filter(user=world.finance_officer).delete()
    client.post(reverse("login"), {"username": world.finance_officer.email, "password": PASSWORD})
    response = client.get(reverse("two-factor-verify"))
    assert response.status_code == 302 and reverse("two-factor-setup") in response["Location"]
    page = client.get(reverse("two-factor-setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.finance_officer, confirmed=False)

    response = client.post(reverse("two-factor-setup"), {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_lock_the_account(client, world):
    reset()
    for _ in range(3):
        client.post(reverse("login"), {"username": world.bidder.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        reverse("login"), {"username": world.bidder.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    reset()


def test_switching_to_an_organisation_you_do_not_belong_to_is_refused_clearly(client, world):
    sign_in(client, world.lead_commissioner, world.county)
    response = client.post(reverse("switch-organisation"), {"organisation": world.other_council.pk}, follow=True)
    assert "You are not a member of that organisation" in response.content.decode()
    assert response.context["acting"].organisation == world.county
    response = client.post(reverse("switch-organisation"), {"organisation": "1; drop table"}, follow=True)
    assert "Choose one of your organisations" in response.content.decode()


def test_a_tampered_session_organisation_falls_back_to_one_of_yours(client, world):
    sign_in(client, world.lead_commissioner, world.other_council)  # not theirs
    response = client.get(reverse("dashboard"))
    assert response.context["acting"].organisation == world.county


def test_api_refuses_an_organisation_header_you_do_not_belong_to(client, world):
    _token, secret = AuthToken.objects.create(user=world.lead_commissioner)
    auth = {"HTTP_AUTHORIZATION": f"Token {secret}"}
    assert client.get("/api/v1/me/", **auth).json()["acting_organisation"]["id"] == world.county.pk
    response = client.get("/api/v1/memberships/", HTTP_X_JOINTLY_ORGANISATION=str(world.other_council.pk), **auth)
    assert response.status_code == 403


def test_a_forgotten_password_is_reset_by_email_link(client, world):
    response = client.post(reverse("password_reset"), {"email": world.bidder.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password-reset/" in line).split(
        "testserver"
    )[1]
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and "too short" in response.content.decode()
    response = client.post(
        form_url, {"new_password1": "A-much-better-password-2026", "new_password2": "A-much-better-password-2026"}
    )
    assert response.status_code == 302
    world.bidder.refresh_from_db()
    assert world.bidder.check_password("A-much-better-password-2026")
    # Unknown addresses get the same answer (no account enumeration).
    assert client.post(reverse("password_reset"), {"email": "nobody@example.org"}).status_code == 302


def test_an_invitation_email_goes_out_once_even_if_its_job_runs_twice(
    client, world, django_capture_on_commit_callbacks
):
    """The invitation email is work recorded with the invitation (the outbox), so a mail or broker outage never turns
    the saved invitation into an error page; running its job again sends nothing more."""

    sign_in(client, world.county_admin, world.county)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people-invite"), {"full_name": "Lee Park", "email": "lee.park@example.org", "roles": [Role.VIEWER]}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="lee.park@example.org")
    assert invitation.emailed_at is not None and len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Jointly-Idempotency-Key"] == f"jointly-invitation-{invitation.pk}"
    assert invitation_email_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1
