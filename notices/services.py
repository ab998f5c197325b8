"""Every write to a notice: prepare a draft from Jointly's facts, refresh it, take its steps (check, approve, publish),
correct a published one, and remind the lead of a contract details notice falling due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.notifications import Message, fan_out, messages, notify
from core.outbox import enqueue
from core.service import service
from core.workflow import transition
from notices import generate, upstream
from notices.kinds import CONTRACT_DETAILS_DAYS, NoticeKind, tag_for
from notices.models import Notice, NoticeStatus
from notices.rules import due_on, may_approve, prepare_problems
from notices.workflows import NOTICE_WORKFLOW
from partners.models import Membership, Role, User
from procurement.award import services as award_services
from procurement.award.models import Contract, ContractVariation
from procurement.award.standstill import standstill_end
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender, TenderStatus
from procurement.tenders.notices import lead_people

CHECKED = "checked by the notice's own rules (the lead commissioner's tender)"


def _require_lead(tender: Tender, by: Actor, doing: str) -> None:
    if not may_approve_tender(tender, by):
        raise NotPermitted(f"Only the lead commissioner can {doing}")


def may_approve_tender(tender: Tender, by: Actor) -> bool:
    probe = Notice(tender=tender, commission_id=tender.commission_id)
    return may_approve(probe, by)


def _title(kind: str, tender: Tender, contract: Contract | None) -> str:
    label = NoticeKind(kind).label
    subject = contract.title if contract is not None else tender.title
    return f"{label}: {subject}"[:250]


def _variation(variation_id: Any, contract: Contract | None) -> Any:
    """A's contract variation, when the model exists (``procurement.award.models.ContractVariation``)."""
    if variation_id in (None, "") or contract is None:
        return None
    found = ContractVariation.objects.filter(contract=contract, pk=variation_id).first()
    if found is None:
        raise DomainError("Choose one of this contract's variations", field="variation")
    return found


@service
def notice_prepare(
    *, tender: Tender, kind: str, by: Actor, contract: Contract | None = None, variation_id: Any = None
) -> Notice:
    """Draft a notice of ``kind`` from what Jointly holds about the tender (and the contract)."""
    tender = Tender.objects.select_related("commission__lead").get(pk=tender.pk)
    _require_lead(tender, by, "prepare notices")
    variation = _variation(variation_id, contract) if kind == NoticeKind.UK10 else None
    problems = prepare_problems(kind=kind, tender=tender, contract=contract, variation=variation)
    if problems:
        raise DomainError(problems[0], field="kind", problems=problems)
    if kind == NoticeKind.UK6 and contract is None:
        contract = Contract.objects.filter(tender=tender).order_by("id").first()
    notice = Notice.objects.create(
        commission_id=tender.commission_id,
        tender=tender,
        contract=contract,
        subject_ref=str(variation.pk) if variation is not None else "",
        kind=kind,
        title=_title(kind, tender, contract),
        fields=generate.build(kind, tender=tender, contract=contract, variation=variation),
        due_on=due_on(kind, contract=contract),
        created_by=by.user,
    )
    audit.record(obj=notice, action="notice.prepared", by=by, to_state=notice.status, data={"kind": kind})
    if kind in (NoticeKind.UK7, NoticeKind.UK7_BT) and contract is not None:
        enqueue(
            "notices.tasks.remind_contract_details",
            args=[contract.pk],
            dedupe_key=f"notices:contract-details-due:{contract.pk}",
        )
    return notice


def _rebuild(notice: Notice) -> dict[str, Any]:
    variation = None
    if notice.kind == NoticeKind.UK10 and notice.subject_ref and notice.contract is not None:
        variation = ContractVariation.objects.filter(contract=notice.contract, pk=notice.subject_ref).first()
    return generate.build(notice.kind, tender=notice.tender, contract=notice.contract, variation=variation)


@service
def notice_refresh(*, notice: Notice, by: Actor) -> Notice:
    """Take the draft's field values again from Jointly's facts (after the lead has added what was missing)."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _require_lead(notice.tender, by, "refresh notices")
    if notice.status != NoticeStatus.DRAFT:
        raise DomainError("Only a draft notice is refreshed: return it to draft first")
    fields = _rebuild(notice)
    if fields != notice.fields:
        notice.fields = fields
        notice.due_on = due_on(notice.kind, contract=notice.contract)
        notice.save(update_fields=["fields", "due_on"])
        audit.record(obj=notice, action="notice.refreshed", by=by)
    return notice


def _stamp_standstill(notice: Notice) -> None:
    """A contract award notice carries the standstill it starts: from its publication, the tender's working days."""
    tender = notice.tender
    starts: dt.date | None
    ends: dt.date | None
    if tender.status == TenderStatus.APPROVED:
        today = timezone.localdate()
        starts, ends = today, standstill_end(today, tender.standstill_days)
    else:  # the award letters already started it (before notices were published from Jointly)
        starts, ends = tender.letters_sent_on, tender.standstill_ends_on
    fields = dict(notice.fields)
    fields["standstill_starts_on"] = starts.isoformat() if starts else None
    fields["standstill_ends_on"] = ends.isoformat() if ends else None
    if fields != notice.fields:
        Notice._base_manager.filter(pk=notice.pk).update(fields=fields)
        notice.fields = fields


@service
def notice_transition(*, notice: Notice, name: str, by: Actor, reason: str = "") -> Notice:
    """Take one step. Checking refreshes a draft from Jointly's facts first, so the refusal names what is still
    missing. Publishing twice (or at once from two places) takes effect once."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if name == "publish" and notice.status == NoticeStatus.PUBLISHED:
        return notice
    if name == "check" and notice.status == NoticeStatus.DRAFT and may_approve(notice, by):
        fields = _rebuild(notice)
        if fields != notice.fields:
            Notice._base_manager.filter(pk=notice.pk).update(fields=fields)
            notice.fields = fields
    if name == "publish" and notice.kind == NoticeKind.UK6 and notice.status == NoticeStatus.APPROVED:
        _stamp_standstill(notice)
    return transition(obj=notice, workflow=NOTICE_WORKFLOW, name=name, by=by, reason=reason)


DOCUMENT_TYPES: dict[str, str] = {
    NoticeKind.UK1: "plannedProcurementNotice",
    NoticeKind.UK2: "plannedProcurementNotice",
    NoticeKind.UK3: "plannedProcurementNotice",
    NoticeKind.UK6: "awardNotice",
    NoticeKind.UK7: "contractNotice",
    NoticeKind.UK7_BT: "contractNotice",
    NoticeKind.UK9: "contractNotice",
    NoticeKind.UK10: "contractNotice",
    NoticeKind.UK11: "contractNotice",
}


def source_key(notice: Notice) -> str:
    """The event a notice's release publishes: the process's own event for a first tender, award, contract or
    cancellation notice (so open data that already released it is not doubled), else the notice itself."""
    tender = notice.tender
    if not notice.is_correction:
        if notice.kind in (NoticeKind.UK4, NoticeKind.UK4_BT):
            return upstream.event_key(tender, "tender")
        if notice.kind == NoticeKind.UK6:
            return upstream.event_key(tender, "award")
        if notice.kind in (NoticeKind.UK7, NoticeKind.UK7_BT) and notice.contract_id is not None:
            return upstream.event_key(tender, "contract", notice.contract_id)
        if notice.kind == NoticeKind.UK12:
            return upstream.event_key(tender, "cancelled")
    return f"notice:{notice.pk}"


def notice_document(notice: Notice, published_at: dt.datetime) -> dict[str, Any]:
    """The notice as an OCDS document of its release: its JSON on Jointly."""
    path = reverse("notice-json", kwargs={"published_notice_id": notice.pk})
    return {
        "id": f"notice-{notice.pk}",
        "documentType": DOCUMENT_TYPES.get(notice.kind, "tenderNotice"),
        "title": notice.title,
        "description": f"{NoticeKind(notice.kind).label}, prepared by Jointly for Find a Tender",
        "url": settings.JOINTLY_BASE_URL.rstrip("/") + path,
        "datePublished": published_at.isoformat(),
        "format": "application/json",
        "language": "en",
    }


@NOTICE_WORKFLOW.effect("record_publication")
def _record_publication(notice: Notice, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    now = timezone.now()
    notice.published_at = now
    tender = notice.tender
    if notice.kind == NoticeKind.UK6 and tender.status == TenderStatus.APPROVED:
        # The standstill runs from the award notice's publication: the award letters go out now.
        award_services.standstill_start(tender=tender, by=by)
    if notice.kind in (NoticeKind.UK4, NoticeKind.UK4_BT) and not tender.is_published:
        # The tender notice starts the procurement: the tender opens on the portal with it.
        tender = tender_services.tender_publish(tender=tender, by=by)
    tags = [tag_for(notice.kind, correction=notice.is_correction)]
    release = upstream.record_release(
        tender=tender,
        tags=tags,
        by=by,
        source_key=source_key(notice),
        notice=notice,
        extra={"tender": {"documents": [notice_document(notice, now)]}},
    )
    ref = str(getattr(release, "release_id", "") or "")[:200]
    Notice._base_manager.filter(pk=notice.pk).update(published_at=now, release_ref=ref)
    notice.release_ref = ref
    audit.record(obj=notice, action="notice.released", by=by, data={"tags": tags, "release": ref, "kind": notice.kind})


@service
def notice_correct(*, notice: Notice, by: Actor) -> Notice:
    """A correction: a new draft of the same kind, about the same tender and contract, naming the notice it
    corrects. The published notice itself never changes."""
    notice = Notice.objects.get(pk=notice.pk)
    _require_lead(notice.tender, by, "correct notices")
    if not notice.is_published:
        raise DomainError("Only a published notice is corrected: change the draft instead")
    pending = Notice.objects.filter(corrects=notice).exclude(status=NoticeStatus.PUBLISHED).first()
    if pending is not None:
        raise DomainError("A correction of this notice is already being prepared")
    correction = Notice.objects.create(
        commission_id=notice.commission_id,
        tender=notice.tender,
        contract=notice.contract,
        subject_ref=notice.subject_ref,
        kind=notice.kind,
        title=f"Correction: {notice.title}"[:250],
        fields=_rebuild(notice),
        corrects=notice,
        due_on=notice.due_on,
        created_by=by.user,
    )
    audit.record(obj=correction, action="notice.correction_prepared", by=by, data={"corrects": notice.pk})
    return correction


# --- reminders ----------------------------------------------------------------------------------------------------


def _contract_details_published(contract: Contract) -> bool:
    return (
        Notice.objects.unscoped(reason="checking whether a notice was published, for a reminder")
        .filter(contract=contract, kind__in=(NoticeKind.UK7, NoticeKind.UK7_BT), status=NoticeStatus.PUBLISHED)
        .exists()
    )


@service
def remind_contract_details(*, contract_id: int, by: Actor) -> bool:
    """Tell the lead, once, when a signed contract's details notice is due (30 days after signing)."""
    contract = Contract.objects.unscoped(reason="a system reminder about one contract").filter(pk=contract_id).first()
    if contract is None or _contract_details_published(contract):
        return False
    due = contract.signed_on + dt.timedelta(days=CONTRACT_DETAILS_DAYS)
    notify(
        recipients=lead_people(contract.tender),
        subject=f"{contract.title}: publish the contract details notice by {due:%-d %B %Y}",
        body="The Procurement Act 2023 asks for a contract details notice (UK7) within 30 days of signing.",
        url=reverse("tender-notices", kwargs={"tender_id": contract.tender_id}),
        organisation=contract.commission.lead,
        dedupe_key=f"notices:contract-details-due:{contract.pk}",
    )
    return True


def _commissioners_by_organisation(organisation_ids: set[int]) -> dict[int, list[User]]:
    """``lead_people``'s commissioners for many lead organisations in one query."""
    people: dict[int, list[User]] = {}
    for m in (
        Membership.objects.unscoped(reason="reminding the lead organisations' people, whoever acts")
        .filter(organisation_id__in=organisation_ids, is_active=True, roles__contains=[Role.COMMISSIONER])
        .select_related("user")
        .order_by("pk")
    ):
        people.setdefault(m.organisation_id, []).append(m.user)
    return people


@service
def remind_contract_details_due(*, by: Actor, today: dt.date | None = None) -> int:
    """Every signed contract within its 30 days without a published contract details notice: remind once each,
    the leads read once for every contract and the reminders made in batches (``core.notifications.fan_out``).
    Returns how many contracts are still due."""
    today = today or timezone.localdate()
    recent = list(
        Contract.objects.unscoped(reason="a system sweep of recently signed contracts")
        .filter(signed_on__gte=today - dt.timedelta(days=30), signed_on__lte=today)
        .select_related("commission__lead", "tender__commission__lead_contact")
        .order_by("pk")
    )
    published = set(
        Notice.objects.unscoped(reason="checking whether a notice was published, for a reminder")
        .filter(contract__in=recent, kind__in=(NoticeKind.UK7, NoticeKind.UK7_BT), status=NoticeStatus.PUBLISHED)
        .values_list("contract_id", flat=True)
    )
    due = [c for c in recent if c.pk not in published]
    leads = _commissioners_by_organisation({c.tender.commission.lead_id for c in due})

    def reminders(contract: Contract) -> list[Message]:
        commission = contract.tender.commission
        when = contract.signed_on + dt.timedelta(days=CONTRACT_DETAILS_DAYS)
        return messages(
            [commission.lead_contact] if commission.lead_contact is not None else leads.get(commission.lead_id, []),
            subject=f"{contract.title}: publish the contract details notice by {when:%-d %B %Y}",
            body="The Procurement Act 2023 asks for a contract details notice (UK7) within 30 days of signing.",
            url=reverse("tender-notices", kwargs={"tender_id": contract.tender_id}),
            organisation_id=contract.commission.lead_id,
            dedupe_key=f"notices:contract-details-due:{contract.pk}",
        )

    fan_out(m for c in due for m in reminders(c))
    return len(due)
