"""How monitoring's workflows declare their steps: each is taken by the lead commissioner or by the provider, and
most record when (and by whom) they happened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition
from monitoring.people import actor_name
from monitoring.permissions import LEAD_ROLES, PROVIDER_ROLES


def _taken_by(roles: Iterable[str], who: str) -> Callable[..., Transition]:
    def step(
        name: str, sources: Iterable[str], target: str, label: str, *, allowed: Callable[..., bool], **options: Any
    ) -> Transition:
        return Transition(
            name, tuple(sources), target, label, roles=frozenset(roles), allowed=allowed, who=who, **options
        )

    return step


# A step only the lead commissioner takes (``allowed`` says whether the actor leads this object).
lead_step = _taken_by(LEAD_ROLES, "the lead commissioner")
# A step only the provider takes (``allowed`` says whether the actor is this object's provider).
provider_step = _taken_by(PROVIDER_ROLES, "the provider")


def stamp(obj: models.Model, event: str, by: Actor) -> list[str]:
    """Record that ``event`` happened now: sets ``<event>_at`` and, where the model has them, ``<event>_by`` (the
    person) and ``<event>_by_name`` (kept if the account goes). Returns the fields set, for ``save(update_fields=)``."""
    names = {f.name for f in obj._meta.fields}
    setattr(obj, f"{event}_at", timezone.now())
    fields = [f"{event}_at"]
    if f"{event}_by" in names:
        setattr(obj, f"{event}_by", by.user)
        fields.append(f"{event}_by")
    if f"{event}_by_name" in names:
        setattr(obj, f"{event}_by_name", actor_name(by))
        fields.append(f"{event}_by_name")
    return fields
