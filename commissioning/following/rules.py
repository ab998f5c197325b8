"""Pure checks: who may follow, and the signed token of a one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from django.core import signing

from core.actors import Actor
from core.errors import NotPermitted
from core.opportunities import CATEGORY_LABELS
from partners.models import Role

FOLLOW_ROLES = (Role.BIDDER, Role.ORG_ADMIN, Role.VIEWER)
UNSUBSCRIBE_SALT = "jointly.following.digest-unsubscribe"


def require_follower(by: Actor) -> Any:
    """A provider's person (bidder, admin or viewer) acting for their organisation."""
    organisation = by.organisation
    if organisation is None or by.user is None or not by.has_role(*FOLLOW_ROLES):
        raise NotPermitted("Only a provider's people can follow service areas and categories")
    if organisation.is_public_sector:
        raise NotPermitted("Only a provider's people can follow service areas and categories")
    return organisation


def unknown_categories(categories: list[str]) -> list[str]:
    return [c for c in categories if c not in CATEGORY_LABELS]


def unsubscribe_token(*, organisation_id: int, user_id: int) -> str:
    """Signed, so a link in an email stops that person's digest without signing in, and cannot be forged."""
    return signing.dumps({"o": organisation_id, "u": user_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int) or not isinstance(data.get("u"), int):
        return None
    return data["o"], data["u"]
