"""Demo notices (idempotent), through the services, for the county's tenders at each stage they reach: a tender notice
for every published tender, a contract award notice once the award is approved (the standstill) or made, a contract
details notice and a contract performance notice (from monitoring's accepted returns) for each signed contract, a
procurement termination notice for a cancelled tender, and a pipeline notice left in draft for a tender still being
prepared. A notice whose facts are incomplete stays at the step it reached, showing what is missing."""

from __future__ import annotations

from django.db import transaction

from core.errors import DomainError
from monitoring.returns.models import KpiReturn
from notices import services
from notices.generate import ACCEPTED_RETURNS
from notices.kinds import NoticeKind
from notices.models import Notice, NoticeStatus
from partners.acting import Acting, acting_as
from partners.models import Organisation, User
from procurement.award.models import Contract
from procurement.tenders.models import Tender, TenderStatus

AWARD_STAGES = (TenderStatus.STANDSTILL, TenderStatus.AWARDED)


ORDER: list[str] = [NoticeStatus.DRAFT, NoticeStatus.CHECKED, NoticeStatus.APPROVED, NoticeStatus.PUBLISHED]
STEP_TO: dict[str, str] = {
    NoticeStatus.CHECKED: "check",
    NoticeStatus.APPROVED: "approve",
    NoticeStatus.PUBLISHED: "publish",
}


def _take(notice: Notice, lead: Acting, *, until: str = NoticeStatus.PUBLISHED) -> Notice:
    for target in ORDER[ORDER.index(notice.status) + 1 : ORDER.index(until) + 1]:
        try:
            with transaction.atomic():
                notice = services.notice_transition(notice=notice, name=STEP_TO[target], by=lead)
        except DomainError:
            return notice  # stays where it is: its page says what is missing
    return notice


def _notice(
    tender: Tender, kind: str, lead: Acting, *, contract: Contract | None = None, until: str = NoticeStatus.PUBLISHED
) -> Notice | None:
    rows = Notice.objects.filter(tender=tender, kind=kind, corrects__isnull=True)
    if contract is not None:
        rows = rows.filter(contract=contract)
    existing = rows.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            notice = services.notice_prepare(tender=tender, kind=kind, contract=contract, by=lead)
    except DomainError:
        return None
    return _take(notice, lead, until=until)


def load() -> None:
    county = Organisation.objects.filter(name="Staffordshire County Council").first()
    alex = User.objects.filter(email="alex@staffordshire.demo").first()
    if county is None or alex is None:
        return
    lead = acting_as(alex, county)
    tenders = Tender.objects.filter(commission__lead=county).order_by("pk")
    for tender in tenders:
        if tender.status == TenderStatus.CANCELLED:
            _notice(tender, NoticeKind.UK12, lead)
            continue
        if not tender.is_published:
            _notice(tender, NoticeKind.UK1, lead, until=NoticeStatus.DRAFT)
            continue
        _notice(tender, NoticeKind.UK4, lead)
        if tender.status in AWARD_STAGES:
            _notice(tender, NoticeKind.UK6, lead)
        for contract in Contract.objects.filter(tender=tender).order_by("pk"):
            _notice(tender, NoticeKind.UK7, lead, contract=contract)
            if KpiReturn.objects.filter(contract=contract, status__in=ACCEPTED_RETURNS).exists():
                _notice(tender, NoticeKind.UK9, lead, contract=contract)
