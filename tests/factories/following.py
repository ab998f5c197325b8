"""Following: providers' people who follow service areas and categories."""

from __future__ import annotations

from typing import Any

from commissioning.following.services import follow_settings_set, follows_set
from commissioning.service_map.models import ServiceArea
from partners.models import Organisation, Role, User
from tests.factories.commissioning import acting
from tests.factories.partners import ProviderFactory, person


def follower(
    name: str,
    *,
    areas: list[ServiceArea] = (),  # type: ignore[assignment]
    categories: list[str] = (),  # type: ignore[assignment]
    alerts: str = "email",
    digest: bool = True,
    organisation: Organisation | None = None,
) -> tuple[User, Organisation]:
    """A provider's bidder following ``areas`` and ``categories`` with the given settings."""
    org = organisation or ProviderFactory(name=f"{name}'s charity")
    user = person(org, Role.BIDDER, name=name)
    by = acting(user, org)
    follows_set(service_areas=list(areas), categories=list(categories), by=by)
    follow_settings_set(alerts=alerts, digest=digest, by=by)
    return user, org


def follow_as(user: User, organisation: Organisation, **kwargs: Any) -> Any:
    return follows_set(by=acting(user, organisation), **kwargs)
