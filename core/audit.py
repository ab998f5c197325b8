"""Writing to the audit trail. Services call ``record``; nothing else writes audit events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.actors import Actor
from core.models import AuditEvent


def audience_of(obj: models.Model) -> list[int]:
    """Organisation ids entitled to see an object's history (the model says, via ``audit_audience``)."""
    audience = getattr(obj, "audit_audience", None)
    return sorted({int(pk) for pk in audience()}) if callable(audience) else []


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
    event = AuditEvent(
        actor=user,
        actor_name=actor_name,
        organisation=organisation,
        organisation_name=str(organisation) if organisation is not None else "",
        visible_to=sorted(audience),
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
    event.save(force_insert=True)
    return event


def history_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The (scoped) history of one object, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), object_id=str(obj.pk)
    ).select_related("actor")
