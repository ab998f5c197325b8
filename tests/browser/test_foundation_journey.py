"""Each demo persona signs in through the real pages (with two-factor where their role needs it), sees
their role's dashboard, and the multi-organisation commissioner switches organisation. axe checks each page."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from core.tenancy import unscoped
from partners.demo import DEMO_PASSWORD, PERSONAS
from partners.models import Organisation, User
from tests.browser.conftest import click_and_wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED_PANEL = {
    "priya@staffordshire.demo": "People and invitations",
    "alex@staffordshire.demo": "Partnerships",
    "dee@staffordshire.demo": "Your organisation",
    "ben@staffordshire.demo": "Your organisation",
    "sam@lichfield.demo": "Partnerships",
    "jo@lichfield.demo": "Partnerships",
    "chris@lichfield.demo": "Partnerships",
    "val@lichfield.demo": "Recent activity",
    "mo@lichfieldcab.demo": "People and invitations",
    "ruth@ageuk.demo": "Your organisation",
}


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_every_persona_signs_in_and_sees_their_dashboard(demo, browser_page, login, axe_check, screenshot):
    page = browser_page
    page.goto("/")
    axe_check(page)
    page.goto("/accounts/login/")
    axe_check(page)
    for persona in PERSONAS:
        with unscoped(reason="the journey looks up the demo's people across organisations"):
            user = User.objects.get(email=persona.email)
        login(page, user, password=DEMO_PASSWORD)
        assert page.url.endswith("/dashboard/"), f"{persona.email} landed on {page.url}"
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == "Your dashboard"
        assert page.get_by_role("heading", name=EXPECTED_PANEL[persona.email]).is_visible()
        assert persona.full_name in page.content()
        axe_check(page)
        screenshot(page, f"dashboard-{persona.email.split('@')[0]}")


def test_commissioner_switches_organisation(demo, browser_page, login, axe_check, screenshot):
    page = browser_page
    with unscoped(reason="the journey looks up the demo's people across organisations"):
        sam = User.objects.get(email="sam@lichfield.demo")
        tamworth = Organisation.objects.get(name="Tamworth Borough Council")
    login(page, sam, password=DEMO_PASSWORD)
    assert "Lichfield District Council" in page.locator(".govuk-caption-l").inner_text()
    page.locator("#acting-organisation").select_option(str(tamworth.pk))
    click_and_wait(page, "Switch")
    assert "You are now acting for Tamworth Borough Council" in page.content()
    assert "Tamworth Borough Council" in page.locator(".govuk-caption-l").inner_text()
    axe_check(page)
    screenshot(page, "switched-to-tamworth")
    # The choice sticks across pages.
    page.goto("/organisation/people/")
    assert page.get_by_role("heading", level=1).inner_text() == "People in Tamworth Borough Council"
    axe_check(page)


def test_two_factor_refuses_a_wrong_code_and_keeps_the_page(demo, browser_page, axe_check, screenshot):
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("alex@staffordshire.demo")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    click_and_wait(page, "Sign in")
    assert "/accounts/two-factor/" in page.url
    page.get_by_label("Code from your authenticator app").fill("000000")
    click_and_wait(page, "Continue")
    assert page.get_by_role("alert").is_visible()
    assert "The code is not right" in page.content()
    assert page.get_by_label("Code from your authenticator app").input_value() == "000000"
    axe_check(page)
    screenshot(page, "two-factor-wrong-code")


def test_provider_registers_and_a_duplicate_is_refused_without_losing_input(demo, browser_page, axe_check, screenshot):
    page = browser_page
    page.goto("/accounts/register/")
    axe_check(page)
    page.get_by_label("Organisation name").fill("Citizens Advice Lichfield District")
    page.get_by_label("Charity", exact=True).check()
    page.get_by_label("Charity number (if you have one)").fill("1199999")
    page.get_by_label("Your full name").fill("Nadia Patel")
    page.get_by_label("Your email address").fill("nadia@example.org")
    page.get_by_label("Create a password").fill("password")
    page.get_by_label("Confirm your password").fill("password")
    click_and_wait(page, "Register")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert "already registered" in page.content()
    assert page.get_by_label("Your email address").input_value() == "nadia@example.org"
    assert page.get_by_label("Charity number (if you have one)").input_value() == "1199999"
    axe_check(page)
    screenshot(page, "register-duplicate")
    page.get_by_label("Organisation name").fill("Lichfield Food Bank")
    page.get_by_label("Create a password").fill("short")
    page.get_by_label("Confirm your password").fill("short")
    click_and_wait(page, "Register")
    assert "This password is too short" in page.content()
    assert page.get_by_label("Organisation name").input_value() == "Lichfield Food Bank"
    page.get_by_label("Create a password").fill("Lichfield-food-bank-2026")
    page.get_by_label("Confirm your password").fill("Lichfield-food-bank-2026")
    click_and_wait(page, "Register")
    assert page.url.endswith("/dashboard/")
    assert "Lichfield Food Bank is registered" in page.content()
    axe_check(page)
    screenshot(page, "provider-dashboard")
