"""Writing to the audit trail. Services call ``record``; nothing else writes audit events.

The trail follows the same reading rules as the data it records. ``audit_audience`` (on the model) says which
organisations may see that an event happened. A model whose events carry figures not everyone in that audience may
read declares them, and ``record`` keeps them out of the event's ordinary payload:

- ``audit_sensitive_fields``: the keys of ``data`` (and ``"reason"``) only some readers may see;
- ``audit_restricted_readers()``: who those are, as "<organisation id>" (anyone there) or
  "<organisation id>:<role>" (people holding that role there) -- the same rule as the model's own API/pages;
- ``audit_repr()``: a name for the object that carries none of them (``__str__`` may show an amount).

Readers call ``reveal(events, acting)`` to show each event's withheld part to those entitled to it; a reader that
forgets shows the redacted event, never the withheld one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.actors import Actor
from core.models import AuditEvent
from core.tenancy import audience_of


def _sensitive_fields(obj: models.Model) -> tuple[str, ...]:
    return tuple(getattr(obj, "audit_sensitive_fields", ()) or ())


def restricted_readers_of(obj: models.Model, by: Actor) -> list[str]:
    """Grants that may read the withheld part of ``obj``'s events. Whoever wrote it may (people with the writer's
    roles at the writer's organisation: not the whole organisation, whose finance officer may be narrower)."""
    readers = getattr(obj, "audit_restricted_readers", None)
    grants = {str(g) for g in readers()} if callable(readers) else set()
    if by.organisation is not None:
        grants.update(f"{by.organisation.pk}:{role}" for role in by.roles)
    return sorted(grants)


def object_key(obj: models.Model) -> str:
    """How an event names its object: the random public id where the model has one (so the trail reveals no
    sequential ids), else the primary key."""
    public_id = getattr(obj, "public_id", None)
    return str(public_id) if public_id is not None else str(obj.pk)


def safe_repr(obj: models.Model) -> str:
    describe = getattr(obj, "audit_repr", None)
    return str(describe() if callable(describe) else obj)[:300]


def record(
    *,
    obj: models.Model,
    action: str,
    by: Actor,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    visible_to: Iterable[int] | None = None,
) -> AuditEvent:
    audience = set(audience_of(obj) if visible_to is None else visible_to)
    organisation = by.organisation
    if organisation is not None:
        audience.add(organisation.pk)
    user = by.user
    actor_name = (user.get_full_name() or user.get_username()) if user is not None else "Jointly (automatic)"
    data = dict(data or {})
    sensitive = _sensitive_fields(obj)
    withheld = {key: data.pop(key) for key in sensitive if key in data}
    full_repr = str(obj)[:300]
    shown_repr = safe_repr(obj)
    restricted: dict[str, Any] = {}
    if withheld:
        restricted["data"] = withheld
    if "reason" in sensitive and reason:
        restricted["reason"], reason = reason, ""
    if shown_repr != full_repr:
        restricted["object_repr"] = full_repr
    event = AuditEvent(
        actor=user,
        actor_name=actor_name,
        organisation=organisation,
        organisation_name=str(organisation) if organisation is not None else "",
        visible_to=sorted(audience),
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=object_key(obj),
        object_repr=shown_repr,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
        restricted=restricted,
        restricted_to=restricted_readers_of(obj, by) if restricted else [],
    )
    event.save(force_insert=True)
    return event


def may_read_restricted(event: AuditEvent, acting: Any) -> bool:
    organisation = getattr(acting, "organisation", None)
    if organisation is None or not event.restricted:
        return False
    mine = {str(organisation.pk), *(f"{organisation.pk}:{role}" for role in getattr(acting, "roles", ()))}
    return not mine.isdisjoint(event.restricted_to)


def reveal(events: Iterable[AuditEvent], acting: Any) -> list[AuditEvent]:
    """The events as ``acting`` may read them: the withheld part shown to those entitled to it, in memory only
    (an event is never saved again)."""
    shown = list(events)
    for event in shown:
        if may_read_restricted(event, acting):
            event.data = {**event.data, **event.restricted.get("data", {})}
            event.object_repr = event.restricted.get("object_repr", event.object_repr)
            event.reason = event.restricted.get("reason", event.reason)
    return shown


def history_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The (scoped) history of one object, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id__in=sorted({object_key(obj), str(obj.pk)}),  # events written before the public id used the pk
    ).select_related("actor")
