"""Under the strict Content-Security-Policy the pages still work: GOV.UK components start, the API docs render,
the admin's two-factor sign-in shows, and anything inline that slipped in would be caught."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CSP_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_work_under_the_policy(browser_page):
    page = browser_page
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "js-enabled" in page.locator("body").get_attribute("class")  # the static replacement for inline JS

    page.goto("/api/v1/docs/")
    page.wait_for_selector("text=Jointly API", timeout=30_000)

    page.goto("/admin/login/")
    assert page.locator("input[name=otp_token]").count() == 1


def test_an_inline_script_would_be_blocked_and_reported(browser_page):
    page = browser_page
    page.goto("/accounts/login/")
    with pytest.raises(Exception):  # noqa: B017 - Playwright reports the refusal as a plain Error
        page.add_script_tag(content="window.injected = true;")
    assert page.evaluate("window.injected === undefined")
    page.wait_for_timeout(200)
    assert CSP_VIOLATIONS, "the journey's CSP watcher saw nothing"
    CSP_VIOLATIONS.clear()  # expected here: every other journey fails on one
