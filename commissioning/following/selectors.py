"""Reads: what may be followed, who follows what, and the words of the monthly digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from commissioning.following.models import Follow, FollowSettings
from commissioning.service_map.models import ServiceArea
from core.opportunities import CATEGORIES, Opportunity, category_label
from partners.models import Organisation


def followable_areas() -> list[ServiceArea]:
    """Every partnership's service areas, with or without anything open: their names are public facts."""
    return list(
        ServiceArea.objects.unscoped(reason="a provider may follow any service area, open or not")
        .select_related("partnership")
        .order_by("name", "partnership__name")
    )


def follows_for(*, organisation: Organisation, user: Any) -> list[Follow]:
    return list(
        Follow.objects.filter(organisation=organisation, user=user)
        .select_related("service_area__partnership")
        .order_by("category", "service_area__name")
    )


def followers_of(*, service_area_id: int | None, category: str | None) -> list[Follow]:
    """Follows of the area or the category (both ``None``: every follow), called unscoped by the system."""
    rows = Follow.objects.select_related("user", "organisation", "service_area")
    if service_area_id is not None or category is not None:
        rows = rows.filter(service_area_id=service_area_id) if service_area_id else rows.none()
        if category:
            rows = rows | Follow.objects.select_related("user", "organisation", "service_area").filter(
                category=category
            )
    return list(rows.filter(user__is_active=True).order_by("organisation_id", "user_id", "pk"))


def settings_by_follower(pairs: set[tuple[int, int]], *, digest: bool = False) -> dict[tuple[int, int], Any]:
    """(organisation, user) -> the alert channel (or, with ``digest``, whether they get the digest); absent pairs
    have the defaults."""
    out: dict[tuple[int, int], Any] = {}
    if not pairs:
        return out
    rows = FollowSettings.objects.filter(
        organisation_id__in={o for o, _ in pairs}, user_id__in={u for _, u in pairs}
    ).values_list("organisation_id", "user_id", "alerts", "digest")
    for organisation_id, user_id, alerts, wants_digest in rows:
        out[(organisation_id, user_id)] = wants_digest if digest else alerts
    return out


def category_choices() -> list[tuple[str, str]]:
    return list(CATEGORIES)


def digest_text(
    *, follows: list[Follow], opportunities: list[Opportunity], month: dt.datetime, unsubscribe_url: str
) -> tuple[str, str]:
    """The digest's subject and body: what the person follows, then each forthcoming opportunity."""
    label = timezone.localtime(month).strftime("%B %Y")
    subject = f"Your opportunities digest for {label}: {len(opportunities)} forthcoming"
    followed = ", ".join(sorted(f.what for f in follows))
    lines = [f"You follow: {followed}."]
    if not opportunities:
        lines.append("Nothing is open or coming up in what you follow this month. We will tell you when it is.")
    for o in opportunities:
        when = []
        if o.opens:
            when.append(f"opens {_day(o.opens)}")
        if o.closes:
            when.append(f"closes {_day(o.closes)}")
        where = category_label(o.category)
        lines.append(
            f"- {o.kind_label}: {o.title}" + (f" ({where})" if where else "") + (f", {', '.join(when)}" if when else "")
        )
    lines.append(f"Stop this monthly digest (one click, no sign-in needed): {unsubscribe_url}")
    return subject, "\n\n".join(lines)


def _day(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%-d %B %Y")
