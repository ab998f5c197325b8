"""Browser journeys: real headless Chromium (Debian's package) driven by Playwright, against the live server,
with axe checking every page against WCAG 2.2 AA."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from tests.factories.partners import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in this thread

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
}


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    return path


pytestmark = pytest.mark.browser

# Content-Security-Policy violations seen in any page of any context during the current test (see _watch_csp).
CSP_VIOLATIONS: list[str] = []
_REPORT_CSP = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _watch_csp(context) -> None:
    """Every page reports what the Content-Security-Policy blocked (the event, and Chromium's own console line)."""
    context.add_init_script(_REPORT_CSP)  # Playwright's init scripts are not subject to the page's CSP

    def on_console(message) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {text}")

    context.on("console", on_console)


@pytest.fixture(autouse=True)
def _no_csp_violations() -> Iterator[None]:
    """A journey that makes the browser block anything under the Content-Security-Policy fails."""
    CSP_VIOLATIONS.clear()
    yield
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture(scope="session")
def _playwright() -> Iterator[object]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def _browser(_playwright) -> Iterator[object]:
    browser = _playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True)
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        _watch_csp(context)
        return context

    browser.new_context = watched_context  # every journey's contexts, including those a test makes itself
    yield browser
    browser.close()


@pytest.fixture
def browser_page(_browser, live_server, settings) -> Iterator[object]:
    settings.JOINTLY_BASE_URL = live_server.url
    context = _browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.live_server_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def axe_check() -> Callable[[object], None]:
    axe = Axe()

    def check(page) -> None:
        results = axe.run(page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        detail = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations
        )
        assert not violations, f"axe found accessibility violations on {page.url}:\n{detail}"

    return check


@pytest.fixture
def screenshot() -> Callable[[object, str], Path]:
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def click_and_wait(page, name: str, role: str = "button") -> None:
    """Click a button or link that loads a new page, and wait for that page (a plain click does not wait)."""
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()


@pytest.fixture
def login() -> Callable[..., None]:
    """Sign in through the real pages: email and password, then the two-factor code if asked,
    then switch to ``organisation`` if given."""

    def sign_in(page, user, organisation=None, password: str = PASSWORD) -> None:
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(password)
        click_and_wait(page, "Sign in")
        if "/accounts/two-factor/" in page.url:
            page.get_by_label("Code from your authenticator app").fill(current_code(user))
            click_and_wait(page, "Continue")
        if organisation is not None:
            switcher = page.locator("#acting-organisation")
            if switcher.count():
                switcher.select_option(str(organisation.pk))
                click_and_wait(page, "Switch")

    return sign_in
