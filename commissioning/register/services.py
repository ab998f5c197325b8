"""Writes: putting a provider on a partnership's register, the provider keeping its own facts and documents, the
register's steps (approve for categories until a date, suspend with a reason, reinstate), and the reminders before a
document expires (enqueued through the outbox once per document and expiry date)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commissioning.register.models import REMINDER_DAYS, DocumentKind, ProviderDocument, RegisterEntry
from commissioning.register.rules import (
    expiry_problems,
    is_registrar,
    require_provider,
    require_registrar,
    terms_problems,
)
from commissioning.register.workflows import REGISTER_WORKFLOW
from core import audit, outbox
from core.actors import Actor
from core.changes import apply_changes
from core.errors import DomainError
from core.files import check_upload
from core.notifications import notify
from core.service import service
from core.tenancy import unscoped
from core.workflow import transition
from partners.models import Membership, Organisation, Partnership, Role

CHECKED = "the register's own rows, checked against the actor above"
REMIND_TASK = "commissioning.tasks.send_document_expiry_reminder"
FACT_FIELDS = ("services_offered", "areas_served", "contact_name", "contact_email")


@service
def entry_register(*, partnership: Partnership, organisation: Organisation, by: Actor) -> RegisterEntry:
    """Put a provider on the partnership's register: a commissioner of the partnership adds it, or the provider
    asks to join. Safe to repeat (the existing entry is returned)."""
    if organisation.is_public_sector:
        raise DomainError(
            "Only providers (charities, social enterprises, companies) go on the register", field="organisation"
        )
    if not is_registrar(partnership.pk, by):
        require_provider(organisation.pk, by, "put itself on a register")
    entry, created = RegisterEntry.objects.unscoped(reason=CHECKED).get_or_create(
        partnership=partnership, organisation=organisation
    )
    if created:
        audit.record(obj=entry, action="register.added", by=by, to_state=entry.status)
    return entry


@service
def entry_facts_set(*, entry: RegisterEntry, by: Actor, **facts: Any) -> RegisterEntry:
    """The provider keeps its own facts (what it does, where, who to contact); told once, read by every bid."""
    require_provider(entry.organisation_id, by, "change its register entry")
    if unknown := set(facts) - set(FACT_FIELDS):
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}")
    locked = RegisterEntry.objects.unscoped(reason=CHECKED).select_for_update().get(pk=entry.pk)
    clean = {k: (" ".join(v.split()) if k != "services_offered" else v.strip()) for k, v in facts.items()}
    changed = apply_changes(locked, clean, fields=FACT_FIELDS)
    if changed:
        locked.full_clean(exclude=["partnership", "organisation", "categories"])
        locked.save(update_fields=[*changed, "updated_at"])
        audit.record(obj=locked, action="register.facts_changed", by=by, data={"fields": sorted(changed)})
    return locked


@service
def entry_approve(
    *, entry: RegisterEntry, categories: list[str], approved_until: dt.date | None, by: Actor
) -> RegisterEntry:
    """Approve the provider for named categories until a date (again, to change them)."""
    require_registrar(entry.partnership_id, by, "approve providers")
    if problems := terms_problems(list(categories), approved_until, timezone.localdate()):
        raise DomainError("Check the approval", field_errors=problems)
    RegisterEntry.objects.unscoped(reason=CHECKED).filter(pk=entry.pk).update(
        categories=sorted(set(categories)), approved_until=approved_until, updated_at=timezone.now()
    )
    return entry_transition(
        entry=entry,
        name="approve",
        by=by,
        data={
            "categories": sorted(set(categories)),
            "approved_until": approved_until.isoformat() if approved_until else "",
        },
    )


@service
def entry_transition(
    *, entry: RegisterEntry, name: str, by: Actor, reason: str = "", data: dict[str, Any] | None = None
) -> RegisterEntry:
    return transition(obj=entry, workflow=REGISTER_WORKFLOW, name=name, by=by, reason=reason, data=data)


@REGISTER_WORKFLOW.effect("record_suspension")
def _record_suspension(entry: RegisterEntry, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    entry.suspended_reason = reason[:2000]
    entry.save(update_fields=["suspended_reason", "updated_at"])
    _tell_provider(entry, f"{entry.partnership} has suspended you from its provider register", reason)


@REGISTER_WORKFLOW.effect("clear_suspension")
def _clear_suspension(entry: RegisterEntry, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    entry.suspended_reason = ""
    entry.save(update_fields=["suspended_reason", "updated_at"])
    if entry.status == "approved":
        until = entry.approved_until.strftime("%-d %B %Y") if entry.approved_until else ""
        _tell_provider(
            entry,
            f"{entry.partnership} has approved you on its provider register",
            f"Approved for {', '.join(entry.category_labels)} until {until}.",
        )


def _tell_provider(entry: RegisterEntry, subject: str, body: str) -> None:
    with unscoped(reason="the provider is told of its own register entry"):
        people = [
            m.user
            for m in Membership.objects.filter(organisation_id=entry.organisation_id, is_active=True).select_related(
                "user"
            )
            if Role.ORG_ADMIN in m.roles
        ]
        notify(
            recipients=people,
            subject=subject,
            body=body,
            url=reverse("register-entry", kwargs={"entry_id": entry.pk}),
            organisation=entry.organisation,
        )


# ---------------------------------------------------------------------------------------------------------------------
# Documents ("tell us once")
# ---------------------------------------------------------------------------------------------------------------------


@service
def document_add(
    *,
    organisation: Organisation,
    kind: str,
    file: Any,
    by: Actor,
    title: str = "",
    expires_on: dt.date | None = None,
) -> ProviderDocument:
    """The provider uploads a document once; every register it is on, and its bids, read the current one."""
    require_provider(organisation.pk, by, "upload its documents")
    if kind not in DocumentKind.values:
        raise DomainError("Choose what kind of document this is", field="kind")
    if file is None:
        raise DomainError("Choose a file to upload", field="file")
    try:
        check_upload(file)
    except forms.ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="file") from exc
    if problems := expiry_problems(expires_on, timezone.localdate()):
        raise DomainError(problems[0], field="expires_on")
    if kind in (DocumentKind.INSURANCE, DocumentKind.SAFEGUARDING) and expires_on is None:
        raise DomainError("Enter the date this document expires or is due for review", field="expires_on")
    doc = ProviderDocument(
        organisation=organisation,
        kind=kind,
        title=" ".join(title.split())[:200],
        expires_on=expires_on,
        uploaded_by=by.user,
        original_filename=(getattr(file, "name", "") or "document").rsplit("/", 1)[-1][:255],
        size=getattr(file, "size", 0) or 0,
    )
    doc.file.save(doc.original_filename, file, save=False)
    doc.save()
    # The one it replaces (same kind and title) stays on record, marked removed.
    ProviderDocument.objects.unscoped(reason=CHECKED).filter(
        organisation=organisation, kind=kind, title=doc.title, removed_at__isnull=True
    ).exclude(pk=doc.pk).update(removed_at=timezone.now())
    audit.record(
        obj=doc,
        action="register.document_added",
        by=by,
        data={"kind": kind, "expires_on": expires_on.isoformat() if expires_on else None},
    )
    return doc


@service
def document_remove(*, document: ProviderDocument, by: Actor) -> ProviderDocument:
    require_provider(document.organisation_id, by, "remove its documents")
    if document.removed_at is not None:
        raise DomainError("This document was already removed")
    ProviderDocument.objects.unscoped(reason=CHECKED).filter(pk=document.pk).update(removed_at=timezone.now())
    document.refresh_from_db()
    audit.record(obj=document, action="register.document_removed", by=by)
    return document


def document_reminders_enqueue(*, today: dt.date | None = None) -> int:
    """Daily: for every current document expiring within ``REMINDER_DAYS``, enqueue one reminder (through the
    outbox) and mark it reminded for that expiry date, in one transaction per document. A replaced document (a new
    expiry date) is reminded again when its turn comes. Runs as the system; returns how many were enqueued."""
    today = today or timezone.localdate()
    enqueued = 0
    with unscoped(reason="document expiry reminders go to every provider"):
        candidates = list(
            ProviderDocument.objects.filter(
                removed_at__isnull=True,
                expires_on__isnull=False,
                expires_on__gte=today,
                expires_on__lte=today + dt.timedelta(days=REMINDER_DAYS),
            ).values_list("pk", flat=True)
        )
        for pk in candidates:
            with transaction.atomic():
                doc = ProviderDocument.objects.select_for_update().get(pk=pk)
                if doc.reminded_for == doc.expires_on or not doc.expires_within(today):
                    continue
                assert doc.expires_on is not None
                doc.reminded_for = doc.expires_on
                doc.save(update_fields=["reminded_for"])
                outbox.enqueue(
                    REMIND_TASK,
                    args=[doc.pk, doc.expires_on.isoformat()],
                    dedupe_key=f"register-document:{doc.pk}:expires:{doc.expires_on.isoformat()}",
                )
                enqueued += 1
    return enqueued


def document_expiry_remind(*, document_id: int, expires_on: str) -> int:
    """Tell the provider's admins and bid writers that a document is about to expire, once per document and expiry
    date (the notification's dedupe key). Nothing when it was replaced or removed meanwhile. Runs as the system."""
    with unscoped(reason="a provider is reminded of its own document"):
        doc = ProviderDocument.objects.select_related("organisation").filter(pk=document_id).first()
        if (
            doc is None
            or doc.removed_at is not None
            or doc.expires_on is None
            or doc.expires_on.isoformat() != expires_on
        ):
            return 0
        people = [
            m.user
            for m in Membership.objects.filter(organisation_id=doc.organisation_id, is_active=True).select_related(
                "user"
            )
            if {Role.ORG_ADMIN, Role.BIDDER} & set(m.roles)
        ]
        when = doc.expires_on.strftime("%-d %B %Y")
        return len(
            notify(
                recipients=people,
                subject=f"Reminder: your {doc.get_kind_display().lower()} expires on {when}",
                body=(
                    f"{doc} expires on {when}. Upload the new one so that the partnerships whose registers you are on, "
                    "and your bids, have a current copy."
                ),
                url=reverse("register-mine"),
                organisation=doc.organisation,
                dedupe_key=f"register-document:{doc.pk}:expires:{expires_on}",
            )
        )
