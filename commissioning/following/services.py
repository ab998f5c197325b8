"""Writes: following service areas and categories, a follower's settings, the one announcer of opportunities and
the monthly digest (each exactly once: the notification's dedupe key names the person and the opportunity or the
month)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from commissioning.following.models import AlertChannel, Follow, FollowSettings
from commissioning.following.rules import require_follower, unknown_categories, unsubscribe_token
from commissioning.service_map.models import ServiceArea
from core import audit, opportunities
from core.actors import SYSTEM, Actor
from core.errors import DomainError
from core.notifications import notify
from core.opportunities import Opportunity, category_label
from core.service import service
from core.tenancy import unscoped
from partners.models import Membership, Organisation, User

CHECKED = "the follower's own rows, checked against the acting person"


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


@service
def follows_set(*, service_areas: Iterable[ServiceArea], categories: Iterable[str] = (), by: Actor) -> list[Follow]:
    """Follow exactly these service areas and categories (anything else the person followed is dropped)."""
    organisation = require_follower(by)
    wanted_areas = {a.pk for a in service_areas}
    wanted_categories = set(categories)
    if unknown := unknown_categories(sorted(wanted_categories)):
        raise DomainError(f"Unknown category: {', '.join(unknown)}", field="categories")
    mine = Follow.objects.unscoped(reason=CHECKED).filter(organisation=organisation, user=by.user)
    mine.filter(service_area__isnull=False).exclude(service_area_id__in=wanted_areas).delete()
    mine.filter(service_area__isnull=True).exclude(category__in=wanted_categories).delete()
    out = [follow_add(service_area_id=pk, by=by) for pk in sorted(wanted_areas)]
    out += [follow_add(category=c, by=by) for c in sorted(wanted_categories)]
    audit.record(
        obj=_settings_row(organisation, by.user),
        action="following.changed",
        by=by,
        data={"service_areas": sorted(wanted_areas), "categories": sorted(wanted_categories)},
    )
    return out


@service
def follow_add(*, service_area_id: int | None = None, category: str = "", by: Actor) -> Follow:
    """Follow one service area (any partnership's, open or not) or one category. Safe to repeat."""
    organisation = require_follower(by)
    if bool(service_area_id) == bool(category):
        raise DomainError("Choose a service area or a category", field="service_area")
    if category and unknown_categories([category]):
        raise DomainError("Choose a category from the list", field="category")
    if (
        service_area_id
        and not ServiceArea.objects.unscoped(reason="any service area may be followed")
        .filter(pk=service_area_id)
        .exists()
    ):
        raise DomainError("Choose a service area from the list", field="service_area")
    follow, _ = Follow.objects.unscoped(reason=CHECKED).get_or_create(
        organisation=organisation, user=by.user, service_area_id=service_area_id, category=category
    )
    return follow


@service
def follow_remove(*, follow: Follow, by: Actor) -> None:
    organisation = require_follower(by)
    if follow.organisation_id != organisation.pk or follow.user_id != by.user.pk:
        raise DomainError("You can only stop following what you follow")
    Follow.objects.unscoped(reason=CHECKED).filter(pk=follow.pk).delete()


def _settings_row(organisation: Organisation, user: Any) -> FollowSettings:
    row, _ = FollowSettings.objects.unscoped(reason=CHECKED).get_or_create(organisation=organisation, user=user)
    return row


@service
def follow_settings_set(*, alerts: str, digest: bool, by: Actor) -> FollowSettings:
    organisation = require_follower(by)
    if alerts not in AlertChannel.values:
        raise DomainError("Choose how you want to be alerted", field="alerts")
    row = _settings_row(organisation, by.user)
    before = {"alerts": row.alerts, "digest": row.digest}
    row.alerts = alerts
    row.digest = digest
    row.digest_stopped_at = None if digest else (row.digest_stopped_at or timezone.now())
    row.save()
    audit.record(
        obj=row,
        action="following.settings_changed",
        by=by,
        data={"from": before, "to": {"alerts": alerts, "digest": digest}},
    )
    return row


def follow_settings_of(*, organisation: Organisation, user: Any) -> FollowSettings:
    """The saved settings, or the defaults (unsaved): alerts by email, the digest on."""
    found = FollowSettings.objects.unscoped(reason=CHECKED).filter(organisation=organisation, user=user).first()
    return found or FollowSettings(organisation=organisation, user=user)


@service
def digest_unsubscribe(*, organisation_id: int, user_id: int) -> FollowSettings:
    """The one-click unsubscribe (a signed link, no sign-in): stop the monthly digest; alerts are left as they are."""
    with unscoped(reason="a signed unsubscribe link names the person it stops the digest for"):
        organisation = Organisation.objects.get(pk=organisation_id)
        user = User.objects.get(pk=user_id)
        row = _settings_row(organisation, user)
        if row.digest:
            row.digest = False
            row.digest_stopped_at = timezone.now()
            row.save(update_fields=["digest", "digest_stopped_at", "updated_at"])
            audit.record(obj=row, action="following.digest_unsubscribed", by=SYSTEM, visible_to=[organisation_id])
    return row


# ---------------------------------------------------------------------------------------------------------------------
# Alerts: the one announcer of core.opportunities
# ---------------------------------------------------------------------------------------------------------------------


def announce_to_followers(opportunity: Opportunity) -> None:
    """Tell every follower of the opportunity's service area or category, once per (person, opportunity key), in
    the publisher's transaction (the emails go through the outbox). Followers who turned alerts off hear nothing;
    "on Jointly only" gets no email."""
    with unscoped(reason="an opportunity is public: every organisation's followers of its area or category hear"):
        rows = followers_of(service_area_id=opportunity.service_area_id, category=opportunity.category)
        chosen = settings_by_follower({(f.organisation_id, f.user_id) for f in rows})
        told: set[int] = set()
        where = _where(opportunity)
        for follow in rows:
            if follow.user_id in told or not _still_member(follow):
                continue
            channel = chosen.get((follow.organisation_id, follow.user_id), AlertChannel.EMAIL)
            if channel == AlertChannel.OFF:
                continue
            told.add(follow.user_id)
            notify(
                recipients=[follow.user],
                subject=f"New {opportunity.kind_label.lower()} in {where}: {opportunity.title}",
                body=_alert_body(opportunity),
                url=opportunity.url,
                organisation=follow.organisation,
                dedupe_key=f"opportunity:{opportunity.key}",
                email=channel == AlertChannel.EMAIL,
            )


def _where(opportunity: Opportunity) -> str:
    if opportunity.service_area_id:
        area = ServiceArea.objects.filter(pk=opportunity.service_area_id).first()
        if area is not None:
            return area.name
    return opportunities.category_label(opportunity.category) or "an area you follow"


def _alert_body(opportunity: Opportunity) -> str:
    lines = [opportunity.summary] if opportunity.summary else []
    if opportunity.closes:
        lines.append(f"Closes {_when(opportunity.closes)}.")
    lines.append("You follow this service area or category on Jointly. Change what you follow or how you hear:")
    lines.append(f"{settings.JOINTLY_BASE_URL}{reverse('opportunity-follows')}")
    return "\n\n".join(lines)


def _when(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%-d %B %Y, %-I:%M%p").replace("AM", "am").replace("PM", "pm")
    return value.strftime("%-d %B %Y")


def _still_member(follow: Follow) -> bool:
    return Membership.objects.filter(
        user_id=follow.user_id, organisation_id=follow.organisation_id, is_active=True
    ).exists()


# ---------------------------------------------------------------------------------------------------------------------
# The monthly digest
# ---------------------------------------------------------------------------------------------------------------------


def month_key(now: dt.datetime) -> str:
    return timezone.localtime(now).strftime("%Y-%m")


def digest_send(*, now: dt.datetime | None = None) -> int:
    """Email each follower, once per calendar month (Europe/London), the forthcoming opportunities in what they
    follow, with a one-click unsubscribe. Safe to run twice, retried, or from two beats at once: the notification's
    dedupe key names the person and the month, so a second run creates nothing. Runs as the system. Returns how
    many digests were created."""
    now = now or timezone.now()
    month = month_key(now)
    created = 0
    with unscoped(reason="the monthly digest goes to every organisation's followers"):
        rows = followers_of(service_area_id=None, category=None)
        chosen = settings_by_follower({(f.organisation_id, f.user_id) for f in rows}, digest=True)
        by_follower: dict[tuple[int, int], list[Follow]] = {}
        for follow in rows:
            by_follower.setdefault((follow.organisation_id, follow.user_id), []).append(follow)
        found = opportunities.forthcoming(partnership_ids=None, now=now)
        for (organisation_id, user_id), follows in sorted(by_follower.items()):
            if not chosen.get((organisation_id, user_id), True) or not _still_member(follows[0]):
                continue
            areas = {f.service_area_id for f in follows if f.service_area_id}
            categories = {f.category for f in follows if f.category}
            mine = [o for o in found if o.service_area_id in areas or (o.category and o.category in categories)]
            token = unsubscribe_token(organisation_id=organisation_id, user_id=user_id)
            unsubscribe = (
                f"{settings.JOINTLY_BASE_URL}{reverse('digest-unsubscribe', kwargs={'unsubscribe_token': token})}"
            )
            subject, body = digest_text(follows=follows, opportunities=mine, month=now, unsubscribe_url=unsubscribe)
            created += len(
                notify(
                    recipients=[follows[0].user],
                    subject=subject,
                    body=body,
                    url=reverse("opportunity-follows"),
                    organisation=follows[0].organisation,
                    dedupe_key=f"digest:{month}:o{organisation_id}",
                )
            )
    return created
