"""A provider's side of tendering: the profile, starting, saving, submitting and withdrawing bids, partners
and attachments; and the system's closing of tenders at their deadlines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.actors import SYSTEM, Actor
from core.errors import DomainError, NotPermitted
from core.money import AmountError, money, parse_amount
from core.service import service
from core.text import check_text
from core.workflow import transition
from partners.models import THIRD_SECTOR_KINDS, Organisation
from procurement import permissions
from procurement.bids.models import (
    RECEIVED,
    SOCIAL_VALUE_MAX_TARGET,
    SOCIAL_VALUE_UNITS,
    Bid,
    BidAnswer,
    BidAttachment,
    BidPartner,
    BidPartnerKind,
    BidPriceLine,
    BidSocialValue,
    BidStatus,
    BidVersion,
    PriceCategory,
    ProfileDocument,
    ProviderProfile,
    SocialValueKind,
)
from procurement.bids.rules import (
    EDITABLE,
    canonical_content,
    content_hash,
    late_message,
    submission_problems,
    working_copy,
)
from procurement.tenders import services as tender_services
from procurement.tenders.files import file_row, upload_filename
from procurement.tenders.models import (
    Eligibility,
    Lot,
    Question,
    Stage,
    Tender,
    TenderStatus,
)
from procurement.tenders.notices import tell_lead
from procurement.tenders.services import note_interest, require_provider
from procurement.workflows import BID_WORKFLOW, TENDER_WORKFLOW

# Rows the service reads whoever acts: it decides itself who may act, so another organisation gets a refusal, never
# a missing row (the row was handed in through the caller's scope).
CHECKED = "the service decides who may act (a refusal, never a missing row)"


def _require_bidder(bid: Bid, by: Actor) -> None:
    if not permissions.is_bidder(bid, by):
        raise NotPermitted("Only the bidding organisation's bidders can change this bid")


# --- the provider's profile ---------------------------------------------------------------------------------------


@service
def profile_update(
    *,
    by: Actor,
    annual_income: Decimal | None = None,
    accounts_year_end: dt.date | None = None,
    staff_count: int | None = None,
    volunteer_count: int | None = None,
) -> ProviderProfile:
    organisation = require_provider(by)
    profile, _ = ProviderProfile.objects.unscoped(reason=CHECKED).get_or_create(organisation=organisation)
    profile.annual_income = money(annual_income) if annual_income is not None else None
    profile.accounts_year_end = accounts_year_end
    profile.staff_count = staff_count
    profile.volunteer_count = volunteer_count
    profile.save()
    audit.record(obj=organisation, action="provider_profile.changed", by=by)
    return profile


@service
def profile_document_add(*, kind: str, upload: File, by: Actor, title: str = "") -> ProfileDocument:
    organisation = require_provider(by)
    document = file_row(
        ProfileDocument, upload=upload, organisation=organisation, kind=kind, title=title.strip(), uploaded_by=by.user
    )
    audit.record(obj=organisation, action="provider_profile.document_added", by=by, data={"document": str(document)})
    return document


@service
def profile_document_remove(*, document: ProfileDocument, by: Actor) -> None:
    organisation = require_provider(by)
    if document.organisation_id != organisation.pk:
        raise NotPermitted("That is another organisation's document")
    document.removed_at = timezone.now()
    document.save(update_fields=["removed_at"])
    audit.record(obj=organisation, action="provider_profile.document_removed", by=by, data={"document": str(document)})


# --- bids ---------------------------------------------------------------------------------------------------------


def _attach_profile_documents(bid: Bid, by: Actor) -> int:
    taken = set(
        BidAttachment.objects.unscoped(reason=CHECKED)
        .filter(bid=bid, removed_at__isnull=True, from_profile__isnull=False)
        .values_list("from_profile_id", flat=True)
    )
    added = 0
    for document in ProfileDocument.objects.unscoped(reason=CHECKED).filter(
        organisation_id=bid.organisation_id, removed_at__isnull=True
    ):
        if document.pk in taken:
            continue
        BidAttachment.objects.create(
            bid=bid,
            title=str(document),
            file=document.file.name,
            original_filename=document.original_filename,
            size=document.size,
            sha256=document.sha256,
            from_profile=document,
            uploaded_by=by.user,
        )
        added += 1
    return added


@service
def bid_start(*, tender: Tender, by: Actor, lot: Lot | None = None) -> Bid:
    """Start (or return) the provider's draft for the tender's current stage, with its profile's documents."""
    organisation = require_provider(by)
    tender = Tender.objects.unscoped(reason=CHECKED).get(pk=tender.pk)
    if organisation.pk == tender.commission.lead_id:
        raise NotPermitted("The lead cannot bid for its own tender")
    stage = tender.stage
    existing = Bid.objects.unscoped(reason=CHECKED).filter(tender=tender, organisation=organisation, stage=stage)
    if lot is not None:
        existing = existing.filter(lot=lot)
    found = existing.order_by("pk").first()
    if found is not None:
        return found
    if not tender.is_open_for(stage):
        raise DomainError("This tender is not open for bids")
    if tender.eligibility == Eligibility.THIRD_SECTOR and organisation.kind not in THIRD_SECTOR_KINDS:
        raise DomainError("This tender is open to third-sector organisations only")
    if (
        tender.is_two_stage
        and stage == Stage.FULL
        and not Bid.objects.unscoped(reason=CHECKED)
        .filter(tender=tender, organisation=organisation, stage=Stage.EOI, status=BidStatus.SHORTLISTED)
        .exists()
    ):
        raise DomainError("Full bids are by invitation: only shortlisted providers may bid")
    if lot is not None and lot.tender_id != tender.pk:
        raise DomainError("Choose a lot of this tender", field="lot")
    bid = Bid.objects.create(tender=tender, organisation=organisation, stage=stage, lot=lot, created_by=by.user)
    _attach_profile_documents(bid, by)
    note_interest(tender=tender, organisation=organisation)
    audit.record(obj=bid, action="bid.started", by=by, to_state=bid.status)
    return bid


def _editable_bid(bid: Bid, by: Actor) -> Bid:
    bid = Bid.objects.unscoped(reason=CHECKED).select_for_update().get(pk=bid.pk)
    _require_bidder(bid, by)
    if bid.status not in EDITABLE:
        raise DomainError(f"This bid is {bid.get_status_display().lower()}: it can no longer change")
    return bid


def _parse_amount(value: Any, label: str) -> Decimal | None:
    # The one reader of typed amounts (core.money), so the autosave JSON and the API refuse what the form refuses.
    try:
        return parse_amount(value, max_digits=12, decimal_places=2)
    except AmountError as exc:
        raise DomainError(f"{label[0].upper()}{label[1:]}: {exc.message[0].lower()}{exc.message[1:]}") from exc


def _typed_text(value: Any, *, label: str, field: str, multiline: bool = True, max_length: int | None = None) -> str:
    """Text from the autosave JSON or the API, which no form has checked: refuse NUL/control characters (and line
    breaks where one line is expected) and over-long text with a message, never a database error."""
    text = "" if value is None else str(value)
    try:
        return check_text(text, multiline=multiline, max_length=max_length, label=label)
    except ValueError as exc:
        raise DomainError(str(exc), field=field) from exc


@service
def bid_save_draft(
    *,
    bid: Bid,
    by: Actor,
    answers: dict[int, str] | None = None,
    price_lines: dict[str, tuple[Any, str]] | None = None,
    summary: str | None = None,
    is_consortium: bool | None = None,
    lot: Lot | str | None = "unchanged",
) -> Bid:
    """Save the working copy as the bidder works. Never refuses what was typed (word limits are checked at
    submission); only malformed amounts are refused, and nothing else is lost."""
    bid = _editable_bid(bid, by)
    fields: list[str] = []
    if summary is not None:
        bid.summary = _typed_text(summary, label="Summary", field="summary")
        fields.append("summary")
    if is_consortium is not None:
        bid.is_consortium = is_consortium
        fields.append("is_consortium")
    if lot != "unchanged":
        if lot is not None and lot.tender_id != bid.tender_id:
            raise DomainError("Choose a lot of this tender", field="lot")
        bid.lot = lot  # type: ignore[assignment]
        fields.append("lot")
    if fields:
        bid.save(update_fields=[*fields, "updated_at"])
    if answers:
        valid = set(
            Question.objects.unscoped(reason=CHECKED)
            .filter(method__tender_id=bid.tender_id, stage=bid.stage, pk__in=list(answers))
            .values_list("pk", flat=True)
        )
        for question_id, text in answers.items():
            if int(question_id) not in valid:
                continue
            text = _typed_text(text, label="Your answer", field=f"answer_{int(question_id)}")
            BidAnswer.objects.unscoped(reason=CHECKED).update_or_create(
                bid=bid, question_id=int(question_id), defaults={"text": text}
            )
    if price_lines:
        for category, (raw, description) in price_lines.items():
            if category not in PriceCategory.values:
                continue
            amount = _parse_amount(raw, f"the {PriceCategory(category).label.lower()}")
            description = _typed_text(
                description, label="The price note", field=f"note_{category}", multiline=False, max_length=300
            )
            if amount is None and not (description or "").strip():
                BidPriceLine.objects.unscoped(reason=CHECKED).filter(bid=bid, category=category).delete()
                continue
            BidPriceLine.objects.unscoped(reason=CHECKED).update_or_create(
                bid=bid,
                category=category,
                defaults={"annual_amount": amount or Decimal("0"), "description": (description or "").strip()[:300]},
            )
    return bid


@service
def bid_partner_add(
    *,
    bid: Bid,
    kind: str,
    name: str,
    role: str,
    by: Actor,
    charity_number: str = "",
    company_number: str = "",
    share_percent: int | None = None,
) -> BidPartner:
    bid = _editable_bid(bid, by)
    problems: dict[str, list[str]] = {}
    if kind not in BidPartnerKind.values:
        problems["kind"] = ["Choose consortium member or subcontractor"]
    if not name.strip():
        problems["name"] = ["Enter the organisation's name"]
    if not role.strip():
        problems["role"] = ["Say what they will do"]
    if share_percent is not None and not 0 <= share_percent <= 100:
        problems["share_percent"] = ["Enter a share between 0 and 100"]
    if problems:
        raise DomainError("Check the partner's details", field_errors=problems)
    registered = None
    if charity_number.strip():
        registered = Organisation.objects.filter(charity_number=charity_number.strip()).first()
    if registered is None:
        registered = Organisation.objects.filter(name__iexact=name.strip()).first()
    partner = BidPartner.objects.create(
        bid=bid,
        kind=kind,
        name=name.strip(),
        organisation=registered,
        charity_number=charity_number.strip() or (registered.charity_number if registered else ""),
        company_number=company_number.strip() or (registered.company_number if registered else ""),
        role=role.strip(),
        share_percent=share_percent,
    )
    if kind == BidPartnerKind.CONSORTIUM and not bid.is_consortium:
        Bid.objects.unscoped(reason=CHECKED).filter(pk=bid.pk).update(is_consortium=True)
    return partner


@service
def bid_partner_remove(*, partner: BidPartner, by: Actor) -> None:
    _editable_bid(partner.bid, by)
    BidPartner.objects.unscoped(reason=CHECKED).filter(pk=partner.pk).delete()


@service
def bid_social_value_add(
    *, bid: Bid, kind: str, target: Any, description: str, by: Actor, unit: str = ""
) -> BidSocialValue:
    """The bidder commits to social value (seed 004): a kind, a target per year (with its unit) and what it means.
    Sealed with the rest of the bid; a commitment of the winning bid becomes a contract KPI."""
    bid = _editable_bid(bid, by)
    problems: dict[str, list[str]] = {}
    if kind not in SocialValueKind.values:
        problems["kind"] = ["Choose the kind of social value"]
    amount: Decimal | None = None
    try:
        amount = _parse_amount(target, "the target")
    except DomainError as error:
        problems["target"] = [error.message]
    if amount is None and "target" not in problems:
        problems["target"] = ["Enter the target per year"]
    elif amount is not None and amount > SOCIAL_VALUE_MAX_TARGET:
        problems["target"] = [f"Enter a target per year of at most {SOCIAL_VALUE_MAX_TARGET:,}"]
    description = _typed_text(
        description, label="What you commit to", field="description", multiline=False, max_length=300
    ).strip()
    if not description:
        problems["description"] = ["Say what you commit to"]
    unit = _typed_text(unit, label="The unit", field="unit", multiline=False, max_length=40).strip()
    if not unit and kind in SocialValueKind.values:
        unit = SOCIAL_VALUE_UNITS[SocialValueKind(kind)]
    if not unit:
        problems["unit"] = ["Say what the target counts, for example jobs or hours"]
    if problems:
        raise DomainError("Check the social value commitment", field_errors=problems)
    commitment = BidSocialValue.objects.unscoped(reason=CHECKED).create(
        bid=bid, kind=kind, target=amount, unit=unit, description=description
    )
    audit.record(
        obj=commitment,
        action="bid.social_value_added",
        by=by,
        data={"kind": kind, "target": str(amount), "unit": unit},
    )
    return commitment


@service
def bid_social_value_remove(*, commitment: BidSocialValue, by: Actor) -> None:
    _editable_bid(commitment.bid, by)
    audit.record(obj=commitment, action="bid.social_value_removed", by=by, data={"kind": commitment.kind})
    BidSocialValue.objects.unscoped(reason=CHECKED).filter(pk=commitment.pk).delete()


@service
def bid_attachment_add(*, bid: Bid, title: str, upload: File, by: Actor) -> BidAttachment:
    bid = _editable_bid(bid, by)
    title = (title or "").strip() or upload_filename(upload)
    attachment = file_row(BidAttachment, upload=upload, bid=bid, title=title, uploaded_by=by.user)
    audit.record(
        obj=bid,
        action="bid.attachment_added",
        by=by,
        data={"file": attachment.original_filename, "sha256": attachment.sha256},
    )
    return attachment


@service
def bid_attachment_remove(*, attachment: BidAttachment, by: Actor) -> BidAttachment:
    """Remove from the working copy. The file stays if a submitted version refers to it."""
    _editable_bid(attachment.bid, by)
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
    return attachment


@service
def bid_add_profile_documents(*, bid: Bid, by: Actor) -> int:
    bid = _editable_bid(bid, by)
    return _attach_profile_documents(bid, by)


def _lock_tender_shared(tender_id: int) -> Tender:
    """Lock the tender row FOR SHARE: concurrent submitters proceed together; a deadline change or the closing step
    (FOR UPDATE) waits for them, and they for it."""
    table = Tender._meta.db_table
    rows = list(
        Tender.objects.unscoped(reason=CHECKED).raw(f'SELECT * FROM "{table}" WHERE "id" = %s FOR SHARE', [tender_id])
    )
    if not rows:
        raise DomainError("This tender no longer exists")
    return rows[0]


ALREADY_SUBMITTED = "You already submitted this version of your bid. Your receipt is unchanged"


@service
def bid_submit(*, bid: Bid, by: Actor) -> BidVersion:
    """Submit (or resubmit) the working copy; the receipt (see ``bid_submit_once``)."""
    return bid_submit_once(bid=bid, by=by)[0]


@service
def bid_submit_once(*, bid: Bid, by: Actor) -> tuple[BidVersion, bool]:
    """Submit (or resubmit) the working copy: judged on the server's clock inside this transaction. Returns the
    version (the receipt: server timestamp and SHA-256 of the canonical content) and whether it is new.

    Idempotent: submitting content identical to the current submitted version makes no new version (a double click,
    a retried request) and returns that version with ``False``. Concurrent submits of one bid queue on the bid's row
    lock, so the second sees the first's version and exactly one is new."""
    with transaction.atomic():
        tender = _lock_tender_shared(bid.tender_id)
        locked = (
            Bid.objects.unscoped(reason=CHECKED)
            .select_for_update(of=("self",))
            .select_related("organisation", "lot")
            .get(pk=bid.pk)
        )
        _require_bidder(locked, by)
        now = timezone.now()
        deadline = tender.deadline_for(locked.stage)
        if deadline is None or now >= deadline:
            raise DomainError(late_message(locked, deadline))
        if (
            tender.status not in (TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED)
            or tender.stage != locked.stage
        ):
            raise DomainError(f"This tender is {tender.get_status_display().lower()}: it is not taking bids")
        if locked.status not in EDITABLE:
            raise DomainError(f"This bid is {locked.get_status_display().lower()}")
        working = working_copy(locked)
        problems = submission_problems(locked, tender, working)
        if problems:
            raise DomainError("Your bid cannot be submitted yet", problems=problems)
        content = canonical_content(locked, tender, working)
        digest = content_hash(content)
        current = (
            BidVersion.objects.unscoped(reason=CHECKED).filter(pk=locked.current_version_id).first()
            if locked.current_version_id
            else None
        )
        if locked.status == BidStatus.SUBMITTED and current is not None and current.sha256 == digest:
            return current, False
        number = (
            BidVersion.objects.unscoped(reason=CHECKED).filter(bid=locked).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        price = Decimal(content["price"]["annual_total"]) if content["price"] else None
        version = BidVersion(
            bid=locked,
            number=number,
            submitted_at=now,
            submitted_by=by.user,
            content=content,
            sha256=digest,
            annual_price=price,
        )
        version.save(force_insert=True)
        version.attachments.set([a["id"] for a in content["attachments"]])
        name = "resubmit" if locked.status == BidStatus.SUBMITTED else "submit"
        transition(
            obj=locked,
            workflow=BID_WORKFLOW,
            name=name,
            by=by,
            data={"version": number, "sha256": digest, "submitted_at": now.isoformat()},
        )
        Bid.objects.unscoped(reason=CHECKED).filter(pk=locked.pk).update(current_version=version, submitted_at=now)
    return version, True


@service
def bid_withdraw(*, bid: Bid, by: Actor, reason: str = "") -> Bid:
    _lock_tender_shared(bid.tender_id)
    return transition(obj=bid, workflow=BID_WORKFLOW, name="withdraw", by=by, reason=reason.strip())


@TENDER_WORKFLOW.effect("tell_lead_bids_closed")
def _bids_closed(tender: Tender, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    received = (
        Bid.objects.unscoped(reason="counting sealed bids without reading them")
        .filter(tender=tender, stage=Stage.FULL, status__in=RECEIVED)
        .count()
    )
    tell_lead(
        tender, subject=f"{tender.title}: bids have closed ({received} received)", key=f"tender:{tender.pk}:closed"
    )


# --- system work (tasks) --------------------------------------------------------------------------------------------


@service
def close_due_tenders(*, now: dt.datetime | None = None) -> int:
    """Close clarifications and bids whose deadlines have passed (the system's steps; safe to repeat)."""
    now = now or timezone.now()
    open_ = [TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED]
    due = (
        ("close_clarifications", Q(status=TenderStatus.PUBLISHED, clarification_deadline__lte=now)),
        ("close_bids", Q(status__in=open_, submission_deadline__lte=now, stage=Stage.FULL)),
    )
    moved = 0
    for name, condition in due:
        for tender in Tender.objects.unscoped(reason=CHECKED).filter(condition):
            try:
                tender_services.tender_transition(tender=tender, name=name, by=SYSTEM)
                moved += 1
            except DomainError:
                continue
    for tender in Tender.objects.unscoped(reason=CHECKED).filter(
        status__in=open_, stage=Stage.EOI, eoi_deadline__lte=now
    ):
        received = (
            Bid.objects.unscoped(reason="counting sealed bids without reading them")
            .filter(tender=tender, stage=Stage.EOI, status__in=RECEIVED)
            .count()
        )
        tell_lead(
            tender,
            subject=f"{tender.title}: expressions of interest have closed ({received} received)",
            body="Shortlist, then invite the shortlisted providers to the full bid.",
            url=reverse("tender-shortlist", kwargs={"tender_id": tender.pk}),
            key=f"tender:{tender.pk}:eoi-closed",
        )
    return moved
