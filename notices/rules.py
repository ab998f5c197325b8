"""Pure checks on a notice (they read, never write): which fields its kind requires and are missing, what must be
true before it is published, who approves it, and when it is due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from core.actors import Actor
from notices import upstream
from notices.kinds import CONTRACT_DETAILS_DAYS, KINDS, TERMINATION_NOTICE_DAYS, NoticeKind
from notices.models import Notice, NoticeStatus
from procurement.tenders.models import Tender, TenderStatus
from procurement.tenders.rules import is_lead
from procurement.tenders.rules import publish_problems as tender_publish_problems

CONTRACT_KINDS = frozenset(k for k, spec in KINDS.items() if spec.subject in ("contract", "variation"))
# The tender states from which each tender notice may be prepared (the award notice once the award is approved).
AWARD_READY = (TenderStatus.APPROVED, TenderStatus.STANDSTILL, TenderStatus.AWARDED)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def missing_fields(kind: str, fields: dict[str, Any]) -> list[str]:
    """Each required field without a value, as what to do about it ("Add the tender's CPV codes")."""
    problems: list[str] = []
    for field in KINDS[kind].required:
        if _blank(fields.get(field.key)) and field.missing not in problems:
            problems.append(field.missing)
    return problems


def notice_missing(notice: Notice) -> list[str]:
    return missing_fields(notice.kind, notice.fields)


def prepare_problems(*, kind: str, tender: Tender, contract: Any = None, variation: Any = None) -> list[str]:
    """Why this notice cannot be prepared for this tender (and contract) now."""
    spec = KINDS.get(kind)
    if spec is None:
        return ["Choose a kind of notice"]
    problems: list[str] = []
    if spec.subject in ("contract", "variation") and kind != NoticeKind.UK6 and contract is None:
        problems.append("Choose the contract this notice is about")
    if contract is not None and contract.tender_id != tender.pk:
        problems.append("That contract belongs to another tender")
    if spec.subject == "variation" and variation is None:
        problems.append("Choose the contract variation this notice reports")
    if kind == NoticeKind.UK6 and tender.status not in AWARD_READY:
        problems.append("The award has not been approved yet")
    if kind == NoticeKind.UK12 and tender.status != TenderStatus.CANCELLED:
        problems.append("Only a cancelled tender has a procurement termination notice")
    if kind == NoticeKind.UK11 and contract is not None and contract.terminated_on is None:
        problems.append("Record the contract's termination first")
    return problems


def publish_problems(notice: Notice) -> list[str]:
    """What must be true before this notice is published, beyond its fields."""
    problems: list[str] = []
    tender = notice.tender
    if notice.kind in (NoticeKind.UK4, NoticeKind.UK4_BT):
        problems.extend(upstream.conflicts_problems(tender, stage="tender"))
        if not tender.is_published:
            # Publishing the tender notice opens the tender on the portal: what that needs, it needs too.
            problems.extend(p for p in tender_publish_problems(tender) if p not in problems)
    if notice.kind == NoticeKind.UK6 and tender.status not in AWARD_READY:
        problems.append("The award has not been approved yet")
    if notice.kind in CONTRACT_KINDS and notice.kind != NoticeKind.UK6 and notice.contract_id is None:
        problems.append("Record the signed contract first")
    if notice.corrects_id is not None and notice.corrects is not None and not notice.corrects.is_published:
        problems.append("Only a published notice can be corrected")
    return problems


def may_approve(notice: Notice, by: Actor) -> bool:
    """The lead commissioner: a commissioner of the commission's lead organisation."""
    return is_lead(notice.tender, by)


def due_on(kind: str, *, contract: Any = None) -> dt.date | None:
    """The last day the Act allows: 30 days after signing for a contract details notice, 30 days after the end for a
    contract termination notice."""
    if contract is None:
        return None
    if kind in (NoticeKind.UK7, NoticeKind.UK7_BT):
        return contract.signed_on + dt.timedelta(days=CONTRACT_DETAILS_DAYS)
    if kind == NoticeKind.UK11 and contract.terminated_on is not None:
        return contract.terminated_on + dt.timedelta(days=TERMINATION_NOTICE_DAYS)
    return None


def draft_fields_problems(notice: Notice) -> Iterable[str]:
    if notice.status != NoticeStatus.DRAFT:
        yield "Only a draft notice is refreshed from Jointly's facts"
