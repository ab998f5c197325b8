"""Reads: a grant's shares, instalments and parts (one page's worth each, a fixed number of queries), and what one
partner's money paid across every grant."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from core.money import money
from grants.applications.models import GrantApplication
from grants.payments.models import GrantFundingShare, GrantInstalment, InstalmentPart, InstalmentStatus
from grants.payments.rules import ZERO


@dataclass
class PartnerLine:
    organisation_id: int
    name: str
    share: Decimal
    paid: Decimal = ZERO

    @property
    def left(self) -> Decimal:
        return money(self.share - self.paid)


@dataclass
class GrantPayments:
    application: GrantApplication
    instalments: list[GrantInstalment]
    partners: list[PartnerLine] = field(default_factory=list)

    @property
    def award(self) -> Decimal:
        return self.application.amount_awarded or ZERO

    @property
    def paid(self) -> Decimal:
        return money(sum((i.amount for i in self.instalments if i.is_paid), ZERO))

    @property
    def scheduled(self) -> Decimal:
        return money(sum((i.amount for i in self.instalments), ZERO))

    @property
    def unpaid(self) -> list[GrantInstalment]:
        return [i for i in self.instalments if not i.is_paid]


def grant_payments(application: GrantApplication) -> GrantPayments:
    instalments = list(GrantInstalment.objects.filter(application=application).prefetch_related("parts__organisation"))
    shares = GrantFundingShare.objects.filter(application=application).select_related("organisation")
    lines = {s.organisation_id: PartnerLine(s.organisation_id, s.organisation.name, s.amount) for s in shares}
    for instalment in instalments:
        for part in instalment.parts.all():
            line = lines.get(part.organisation_id)
            if line is not None:
                line.paid = money(line.paid + part.amount)
    return GrantPayments(application, instalments, list(lines.values()))


def our_parts(organisation_id: int) -> QuerySet[InstalmentPart]:
    """What one partner's money paid, newest payment first, with the grant and grantee for each line."""
    return (
        InstalmentPart.objects.filter(organisation_id=organisation_id, instalment__status=InstalmentStatus.PAID)
        .select_related("instalment__application__organisation", "instalment__application__programme", "organisation")
        .order_by("-instalment__paid_on", "-instalment_id")
    )
