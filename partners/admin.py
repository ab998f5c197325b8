"""Platform operators' admin: organisations and accounts only. Tenant data is never registered here:
it is reached through the app, under the tenant scope.

The admin is behind a verified second factor (django-otp's ``OTPAdminSite``) and shows no secret: no TOTP key
or QR code, no API token (only its first characters, to revoke it). ``ADMIN_PAGES`` is the allow-list of every
model the admin may show and the rule it follows (docs/admin.md); tests fail on any registration not in it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from partners.models import Organisation, User


class JointlyAdminSite(OTPAdminSite):
    """Staff sign in with a password *and* a code from their authenticator app; a password alone opens nothing."""

    site_header = "Jointly platform administration"
    site_title = "Jointly admin"


# Every admin page, swapped in before the URLs are built: the one site third-party apps register on.
admin.site.__class__ = JointlyAdminSite

# model label -> the rule its admin page follows (keep docs/admin.md in step).
ADMIN_PAGES: dict[str, str] = {
    "partners.User": "accounts: name, email, active/staff flags; no password shown or set for an existing person",
    "partners.Organisation": "the tenants themselves (no tenant data beneath them)",
    "otp_totp.TOTPDevice": "list, rename, confirm or delete (a lost phone); the secret key and QR code never shown",
    "knox.AuthToken": "revoke only: owner, first characters, dates; no add (a token is made by its owner alone)",
    "axes.AccessAttempt": "sign-in lockouts, to unlock a person",
    "axes.AccessLog": "sign-in log (read-only)",
    "axes.AccessFailureLog": "failed sign-in log (read-only)",
}

# Not used by Jointly (roles are memberships), so not offered.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "full_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_active", "is_staff"]

    def get_urls(self) -> list[Any]:
        # Staff never set someone else's password: that would let them sign in as a bidder (and read the bid the
        # bidder may read). People reset their own password through the emailed link.
        return [url for url in super().get_urls() if not str(url.pattern).endswith("password/")]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "charity_number", "local_authority_code", "area"]
    list_filter = ["sector", "kind"]
    search_fields = ["name", "charity_number", "company_number"]


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """No key, no QR code: a device is set up by its owner on the two-factor page, never through the admin."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email", "user__full_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = ["user", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Revoke only. Nobody can add a token here (knox's own admin would mint one for any user)."""

    list_display = ["token_key", "user", "created", "expiry"]
    list_display_links = None
    search_fields = ["user__email", "token_key"]
    fields = ["token_key", "user", "created", "expiry"]
    readonly_fields = ["token_key", "user", "created", "expiry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
