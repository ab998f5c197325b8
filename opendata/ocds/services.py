"""Recording releases: ``record_release`` (the notices app calls it when a notice is published) and
``releases_sync`` (records whatever the process's state has made public and is not yet released).

Source keys name the event a release publishes, so recording the same event twice is a no-op. The events Jointly
knows of have canonical keys (``event_key``): a notice that publishes one of them passes the same key, so the
process has one release for it whoever records it first.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.service import service
from opendata.ocds import build
from opendata.ocds.facts import AWARD_PUBLIC, READS, gather, ocid_for
from opendata.ocds.models import Release
from opendata.ocds.rules import release_problems, tag_problems
from procurement.award.models import Contract
from procurement.tenders.models import Tender, TenderStatus


def event_key(tender: Tender, event: str, *parts: Any) -> str:
    """The canonical source key of an event of ``tender``'s process: ``event_key(t, "award")``,
    ``event_key(t, "contract", contract.pk)``."""
    return ":".join(["tender", str(tender.pk), event, *(str(p) for p in parts)])


@service
def record_release(
    *,
    tender: Tender,
    tags: list[str],
    by: Actor,
    source_key: str,
    notice: Any = None,
    extra: dict[str, Any] | None = None,
) -> Release:
    """Publish the release of ``tags`` for ``tender``'s process, as the process stands now. Recording the same
    ``source_key`` again returns the release already recorded and changes nothing."""
    source_key = (source_key or "").strip()[:200]
    if not source_key:
        raise DomainError("Say which event the release publishes", field="source_key")
    existing = Release.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    problems = tag_problems(tags)
    if problems:
        raise DomainError("The release's tags are not OCDS release tags", field="tags", problems=problems)
    # One release at a time per process: its numbering and the "recorded once" check hold under concurrency.
    locked = Tender.objects.unscoped(reason=READS).select_for_update().select_related("commission").get(pk=tender.pk)
    if by.organisation is not None and by.organisation.pk != locked.commission.lead_id:
        raise NotPermitted("Only the lead commissioner publishes the process's open data")
    existing = Release.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    facts = gather(locked)
    number = Release.objects.filter(ocid=facts.ocid).count() + 1
    release_id = f"{facts.ocid}-{number:03d}-{tags[0]}"
    date = timezone.now()
    data = build.release(facts, release_id=release_id, date=date, tags=list(tags), extra=extra)
    problems = release_problems(data)
    if problems:
        raise DomainError("The release is not complete", problems=problems)
    row = Release(
        ocid=facts.ocid,
        release_id=release_id,
        date=date,
        tags=list(tags),
        data=data,
        tender=locked,
        commission=locked.commission,
        source_key=source_key,
        notice_ref=str(getattr(notice, "pk", "") or "")[:64],
    )
    row.save(force_insert=True)
    audit.record(
        obj=row, action="release.published", by=by, data={"ocid": row.ocid, "release": release_id, "tags": row.tags}
    )
    return row


def releases_due(tender: Tender) -> list[tuple[list[str], str]]:
    """The events of ``tender``'s process that are public now, each as (tags, source key), oldest first."""
    due: list[tuple[list[str], str]] = []
    if tender.is_published:
        due.append((["tender"], event_key(tender, "tender")))
    if tender.status == TenderStatus.CANCELLED and tender.is_published:
        due.append((["tenderCancellation"], event_key(tender, "cancelled")))
    if tender.status in AWARD_PUBLIC:
        due.append((["award"], event_key(tender, "award")))
        today = timezone.localdate()
        for contract in Contract.objects.unscoped(reason=READS).filter(tender=tender).order_by("pk"):
            due.append((["contract"], event_key(tender, "contract", contract.pk)))
            if contract.start_date <= today:
                due.append((["implementation"], event_key(tender, "implementation", contract.pk)))
    return due


@service
def releases_sync(*, tender: Tender, by: Actor) -> list[Release]:
    """Record every release ``tender``'s process is due and does not have yet; returns the new ones."""
    have = set(Release.objects.filter(ocid=ocid_for(tender)).values_list("source_key", flat=True))
    made = []
    for tags, key in releases_due(tender):
        if key not in have:
            made.append(record_release(tender=tender, tags=tags, by=by, source_key=key))
    return made
