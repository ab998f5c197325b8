"""Route-walker builders for grant payments and reports: an accepted grant (its schedule set, the first instalment
paid, the report submitted), owned by the lead (Staffordshire County Council), who sees all of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.tenancy import unscoped
from grants.payments.models import GrantFundingShare, GrantInstalment, InstalmentPart
from grants.payments.rules import PlannedInstalment
from grants.payments.services import instalment_pay, schedule_set
from grants.reports.models import GrantReport
from grants.reports.services import report_save
from tests.factories.commissioning import acting
from tests.factories.grants_pay import accepted_grant, lead_finance
from tests.route_targets import Target

KEY = "grants_pay:grant"


def _grant(w: Any) -> Any:
    if KEY not in w.extras:
        grant = accepted_grant(w, organisation=w.provider, amount=Decimal("1000.00"))
        by = lead_finance(w)
        today = timezone.localdate()
        first, second = schedule_set(
            application=grant,
            instalments=[PlannedInstalment(Decimal("600.00"), today), PlannedInstalment(Decimal("400.00"), today)],
            by=by,
        )
        instalment_pay(instalment=first, paid_on=today, reference="WALK-1", by=by)
        report_save(
            application=grant,
            data={"outcomes": "Done", "spend": Decimal("1000.00"), "case_study": "A story"},
            by=acting(w.bidder, w.provider),
        )
        w.extras[KEY] = (grant, second)
    return w.extras[KEY]


def _grant_id(w: Any) -> Target:
    grant, _ = _grant(w)
    return Target(grant.public_id, w.county)


def _instalment_id(w: Any) -> Target:
    _, unpaid = _grant(w)
    return Target(unpaid.pk, w.county)


def _part(w: Any) -> Target:
    grant, _ = _grant(w)
    with unscoped(reason="route walker set-up"):
        return Target(InstalmentPart.objects.filter(instalment__application=grant).first().pk, w.county)  # type: ignore[union-attr]


def _share(w: Any) -> Target:
    grant, _ = _grant(w)
    with unscoped(reason="route walker set-up"):
        return Target(GrantFundingShare.objects.filter(application=grant).first().pk, w.county)  # type: ignore[union-attr]


def _report(w: Any) -> Target:
    grant, _ = _grant(w)
    with unscoped(reason="route walker set-up"):
        return Target(GrantReport.objects.get(application=grant).pk, w.county)


KWARGS = {"grant_id": _grant_id, "instalment_id": _instalment_id}
API_OBJECTS = {
    GrantInstalment: _instalment_id,
    InstalmentPart: _part,
    GrantFundingShare: _share,
    GrantReport: _report,
}
