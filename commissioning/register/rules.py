"""Pure checks: who keeps the register, what an approval needs, which documents are current or expiring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from commissioning.service_map.permissions import is_active_partner
from core.actors import Actor
from core.errors import NotPermitted
from core.opportunities import CATEGORY_LABELS
from partners.models import Role

REGISTRAR_ROLES = (Role.COMMISSIONER, Role.ORG_ADMIN)
PROVIDER_ROLES = (Role.ORG_ADMIN, Role.BIDDER)


def is_registrar(partnership_id: int, by: Actor) -> bool:
    return by.organisation is not None and by.has_role(*REGISTRAR_ROLES) and is_active_partner(partnership_id, by)


def require_registrar(partnership_id: int, by: Actor, doing: str) -> None:
    if not is_registrar(partnership_id, by):
        raise NotPermitted(f"Only a commissioner of the partnership can {doing}")


def is_the_provider(entry_or_doc: Any, by: Actor) -> bool:
    return by.organisation is not None and by.organisation.pk == entry_or_doc.organisation_id


def require_provider(organisation_id: int, by: Actor, doing: str) -> None:
    if by.organisation is None or by.organisation.pk != organisation_id or not by.has_role(*PROVIDER_ROLES):
        raise NotPermitted(f"Only the provider's admins and bid writers can {doing}")


def approval_problems(entry: Any) -> Iterable[str]:
    """What an approval still needs: at least one category, and an end date after today."""
    if not entry.categories:
        yield "Choose the categories the provider is approved for"
    if entry.approved_until is None:
        yield "Give the date the approval runs until"
    elif entry.approved_until < timezone.localdate():
        yield "The approval must run until a date after today"


def terms_problems(categories: list[str], until: dt.date | None, today: dt.date) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not categories:
        problems["categories"] = ["Choose at least one category"]
    elif unknown := [c for c in categories if c not in CATEGORY_LABELS]:
        problems["categories"] = [f"Unknown category: {', '.join(unknown)}"]
    if until is None:
        problems["approved_until"] = ["Enter the date the approval runs until"]
    elif until <= today:
        problems["approved_until"] = ["The approval must run until a date after today"]
    elif until > today + dt.timedelta(days=5 * 366):
        problems["approved_until"] = ["An approval runs for at most five years"]
    return problems


def expiry_problems(expires_on: dt.date | None, today: dt.date) -> list[str]:
    if expires_on is not None and expires_on < today:
        return ["This document has already expired: upload the current one"]
    if expires_on is not None and expires_on > today + dt.timedelta(days=20 * 366):
        return ["Enter an expiry date within the next 20 years"]
    return []
