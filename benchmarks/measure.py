"""The part of the county-scale benchmark that needs Django: builds the data and signs people in.

Imported by ``benchmarks.run`` once ``django.setup()`` has run (it chooses the database first)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks import money_data, monitoring_data, opendata_data, partners_data, procurement_data
from benchmarks.commissioning_data import build_county_scale
from benchmarks.run import Page
from core.tenancy import unscoped
from partners.acting import SESSION_KEY as ACTING_KEY
from partners.models import User


def build(scale: float, *, pages: bool = True) -> tuple[list[Page], dict[str, Any]]:
    call_command("migrate", "--no-input", verbosity=0)

    context: dict[str, Any] = {"scale": scale}
    started = time.monotonic()
    if not pages:
        context["build_seconds"] = round(time.monotonic() - started, 1)
        return [], context
    built = partners_data.build(context)
    for module in (
        procurement_data,
        monitoring_data,
        money_data,
        opendata_data,
    ):  # each adds its data to the partners' and its pages
        built += module.build(context)
    built.append(_service_map(scale))
    for page in built:
        page.key = page.key or page.label.startswith(KEY_PAGES)
    context["build_seconds"] = round(time.monotonic() - started, 1)
    return sorted(built, key=lambda p: not p.key), context


# Issue #15's key pages (by the labels their data modules give them), measured first and shown in bold.
KEY_PAGES = (
    "Dashboard (lead commissioner)",
    "Service map area",
    "A closed tender's bids",
    "Contribution report",
    "Monitoring: board portfolio",
)


def _service_map(scale: float) -> Page:
    """The county's service map area: 500 mapped contracts at scale 1 (1,500 at scale 3), 15 partners."""
    county = build_county_scale(partners=15, contracts=max(10, int(500 * scale)))
    return Page(
        f"Service map area ({county.contracts} contracts)",
        county.map_url,
        county.commissioner.email,
        county.organisation.pk,
        key=True,
    )


def session_cookie(email: str, organisation_id: int) -> str:
    with unscoped(reason="the benchmark signs in people of every organisation"):
        user = User.objects.get(email=email)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[ACTING_KEY] = organisation_id
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def count_queries(path: str, cookie: str) -> int:

    client = Client()
    name, _, value = cookie.partition("=")
    client.cookies[name] = value
    client.get(path)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return len(ctx.captured_queries)
