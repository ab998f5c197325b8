from __future__ import annotations

from typing import Any

from commissioning.following.models import Follow
from commissioning.following.rules import unsubscribe_token
from commissioning.following.services import follow_add
from tests.factories.commissioning import ServiceAreaFactory, acting
from tests.route_targets import Target


def _follow(w: Any) -> Follow:
    if "following:follow" not in w.extras:
        area = ServiceAreaFactory(partnership=w.partnership, name="Befriending (followed)")
        w.extras["following:follow"] = follow_add(service_area_id=area.pk, by=acting(w.bidder, w.provider))
    return w.extras["following:follow"]  # type: ignore[no-any-return]


KWARGS = {
    "unsubscribe_token": lambda w: Target(unsubscribe_token(organisation_id=w.provider.pk, user_id=w.bidder.pk), None),
}

API_OBJECTS = {
    Follow: lambda w: Target(_follow(w).pk, w.provider, user=w.bidder),
}
