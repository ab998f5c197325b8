"""The platform admin: behind a second factor, short-lived for staff, showing no secret and no sealed bid.

Sam, a platform operator, is also the county's lead commissioner on a tender with a sealed bid: the most
privileged person there is. Even Sam learns nothing about the bid before the deadline, anywhere.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.errors import DomainError
from partners.admin import ADMIN_PAGES
from procurement.bids import services as bid_services
from procurement.bids.models import Bid
from tests.conftest import sign_in
from tests.factories.partners import UserFactory
from tests.factories.procurement import acting, bidder_of, fill_bid, pdf, provider, published_tender
from tests.route_targets.procurement import _published
from tests.test_route_access import ROUTES, method_for, resolve_kwargs

pytestmark = pytest.mark.django_db

SEALED_TITLE = "Zanzibar sealed delivery plan"
SEALED_FILE = "zanzibar-sealed.pdf"


def _text(response) -> str:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return body.decode("utf-8", "replace")


@pytest.fixture
def sam(world):
    """The county's lead commissioner, also a platform superuser."""
    user = world.lead_commissioner
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def sealed_bid(world):
    tender = published_tender(world, title="Sealed tender for the admin test")
    by = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=by)
    fill_bid(bid, by)
    bid_services.bid_attachment_add(bid=bid, title=SEALED_TITLE, upload=pdf(SEALED_FILE), by=by)
    bid_services.bid_submit(bid=bid, by=by)
    return tender, Bid._base_manager.get(pk=bid.pk)


def test_every_admin_page_is_on_the_allow_list_with_its_rule():
    registered = {model._meta.label for model in admin.site._registry}
    unlisted = registered - set(ADMIN_PAGES)
    assert not unlisted, f"registered in the admin without a rule in partners.admin.ADMIN_PAGES: {unlisted}"
    assert registered == set(ADMIN_PAGES), f"listed but not registered: {set(ADMIN_PAGES) - registered}"
    documented = (Path(settings.BASE_DIR) / "docs" / "admin.md").read_text()
    for label in ADMIN_PAGES:
        assert f"`{label}`" in documented, f"docs/admin.md does not describe {label}"


def test_a_password_alone_does_not_open_the_admin(sam, client):
    operator = UserFactory(is_staff=True, is_superuser=True)  # staff only, no organisation
    TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")  # no second factor

    response = client.get("/admin/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "otp_token" in _text(client.get("/admin/login/"))
    # Sam, half-way through the app's own sign-in, is sent to give the code first.
    client.logout()
    client.force_login(sam, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/partners/user/").status_code == 302


def test_the_admin_opens_after_the_second_factor(sam, client):
    sign_in(client, sam)
    assert client.get("/admin/").status_code == 200


def test_a_staff_session_expires_after_a_short_idle_time(sam, client, world):
    sign_in(client, sam, world.county)
    client.get("/admin/")
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS <= 30 * 60

    client.logout()
    sign_in(client, world.bidder, world.provider)
    client.get(reverse("dashboard"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_no_authenticator_secret_is_ever_shown(sam, client, world):
    device = TOTPDevice.objects.get(user=world.bidder)
    secrets = [device.key, base64.b32encode(device.bin_key).decode().rstrip("=")]
    sign_in(client, sam)
    pages = [
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not any(secret in _text(response) for secret in secrets), url
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[device.pk])


def test_staff_cannot_mint_a_token_for_someone_else_in_the_admin(sam, client, world):
    _instance, secret = AuthToken.objects.create(user=world.bidder)
    sign_in(client, sam)

    assert client.get(reverse("admin:knox_authtoken_add")).status_code == 403
    response = client.post(reverse("admin:knox_authtoken_add"), {"user": world.bidder.pk})
    assert response.status_code == 403
    assert AuthToken.objects.filter(user=world.bidder).count() == 1
    listing = _text(client.get(reverse("admin:knox_authtoken_changelist")))
    assert secret[:15] in listing  # enough to tell which one to revoke
    assert secret not in listing
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS


def test_staff_cannot_set_a_bidders_password_to_sign_in_as_them(sam, client, world):
    sign_in(client, sam)
    old_hash = world.bidder.password

    change_page = _text(client.get(reverse("admin:partners_user_change", args=[world.bidder.pk])))
    assert "password" not in change_page.lower().split("<form", 1)[1].split("</form>", 1)[0].replace(
        'name="csrfmiddlewaretoken"', ""
    )
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_user_password_change", args=[world.bidder.pk])
    response = client.post(
        f"/admin/partners/user/{world.bidder.pk}/password/",
        {"password1": "Sam-knows-this-now-2026", "password2": "Sam-knows-this-now-2026"},
    )
    assert response.status_code in (302, 404)  # no such page: the admin's catch-all sends it away
    world.bidder.refresh_from_db()
    assert world.bidder.password == old_hash


def test_a_superuser_sees_no_sealed_bid_in_any_admin_page(sam, sealed_bid, client, world):
    sign_in(client, sam, world.county)
    walked = 0
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_changelist") + "?q=zanzibar"]
        first = model._default_manager.model._base_manager.first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
        if model_admin.has_add_permission(type("R", (), {"user": sam, "method": "GET"})()):  # type: ignore[arg-type]
            urls.append(reverse(f"{prefix}_add"))
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 403), (url, response.status_code)
            text = _text(response)
            assert SEALED_TITLE not in text and SEALED_FILE not in text, url
            assert "bid" not in model._meta.model_name
            walked += 1
    index = _text(client.get("/admin/"))
    assert "Bids" not in index and "bid" not in index.lower().replace("forbid", "")
    assert walked >= 2 * len(admin.site._registry)


def test_a_superuser_token_reads_no_sealed_bid(sam, sealed_bid, client, world):
    tender, bid = sealed_bid
    sign_in(client, sam, world.county)
    secret = client.post(reverse("api-token"), {"action": "create"}).context["secret"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}", HTTP_X_JOINTLY_ORGANISATION=str(world.county.pk))

    assert api.get(f"/api/v1/bids/{bid.pk}/").status_code == 404
    assert api.get("/api/v1/bids/").json()["count"] == 0
    assert api.get(f"/api/v1/tenders/{tender.pk}/").json()["bids_received"] is None
    assert SEALED_TITLE not in api.get("/api/v1/audit-events/?page_size=200").content.decode()


def test_a_superuser_sees_no_sealed_bid_on_any_page(sam, client, world):
    # A second provider seals a bid on the walker's open opportunity.
    tender = _published(world)
    urls = []
    for route in ROUTES:
        if method_for(route) == "get":
            try:
                kwargs, _owner = resolve_kwargs(route, world)
            except DomainError:
                continue  # the walker builds each route's objects in a fresh world; a few clash in one world
            urls.append(reverse(route.name, kwargs={k: v for k, v in kwargs.items() if k in route.kwarg_names}))
    org, user = provider(world, "Zanzibar Community Trust")
    by = acting(user, org)
    bid = bid_services.bid_start(tender=tender, by=by)
    fill_bid(bid, by)
    bid_services.bid_attachment_add(bid=bid, title=SEALED_TITLE, upload=pdf(SEALED_FILE), by=by)
    bid_services.bid_submit(bid=bid, by=by)

    sign_in(client, sam, world.county)
    for url in urls:
        text = _text(client.get(url))
        assert SEALED_TITLE not in text and SEALED_FILE not in text, url
    for url in (f"/tenders/{tender.pk}/", f"/tenders/{tender.pk}/bids/", f"/opportunities/{tender.pk}/"):
        assert org.name not in _text(client.get(url)), f"{url} names the bidder before the deadline"
    assert client.get(f"/submissions/{bid.pk}/").status_code == 404
    assert len(urls) > 50
