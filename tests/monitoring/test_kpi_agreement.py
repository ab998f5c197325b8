"""KPIs agreed collaboratively before award: the lead drafts, each partner comments or agrees, the lead records the
agreement (who and when, in the audit trail); the workflow names what is missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core import audit
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.tenancy import scope
from monitoring.kpis.models import Kpi, KpiSet, KpiSetResponse, KpiSetStatus
from monitoring.kpis.services import kpi_add, kpi_set_create, kpi_set_respond, kpi_set_transition, kpi_update
from tests.factories.monitoring import KPI_DEFINITIONS, debt_advice


@pytest.fixture
def draft(world):
    ex = debt_advice(world, agreed=False)
    ex.draft_kpis()
    return ex


def test_lead_drafts_kpis_with_every_attribute(draft):
    kpi = draft.kpi("People given debt advice")
    assert (kpi.unit, kpi.target, kpi.frequency, kpi.direction) == ("count", Decimal("150"), "quarterly", "higher")
    assert (kpi.green_threshold, kpi.red_threshold) == (Decimal("150"), Decimal("120"))
    assert kpi.outcome.title == "A community which is prosperous"
    assert kpi.payment_linked and kpi.evidence_required
    money = draft.kpi("Debt written off or rescheduled")
    assert money.unit == "money" and money.target == Decimal("250000.00")
    yes_no = draft.kpi("Annual safeguarding audit completed")
    assert (yes_no.green_threshold, yes_no.red_threshold, yes_no.frequency) == (1, 1, "annual")
    assert draft.kpi_set.status == KpiSetStatus.DRAFT


def test_kpi_validation_names_each_problem(draft):
    with pytest.raises(DomainError) as refused:
        kpi_add(
            kpi_set=draft.kpi_set,
            by=draft.lead,
            name="",
            definition="x",
            unit="percentage",
            target="120",
            red_threshold="70",
            frequency="monthly",
        )
    errors = refused.value.field_errors
    assert "name" in errors and "target" in errors and "frequency" in errors
    with pytest.raises(DomainError) as refused:
        kpi_add(
            kpi_set=draft.kpi_set,
            by=draft.lead,
            name="Waiting time",
            definition="Days to first session",
            unit="count",
            target="10",
            green_threshold="10",
            red_threshold="5",
            direction="lower",
        )
    assert "red threshold must not be below" in str(refused.value.field_errors["red_threshold"])


def test_only_the_lead_drafts_and_only_partners_respond(draft, world):
    with pytest.raises(NotPermitted):
        kpi_add(kpi_set=draft.kpi_set, by=draft.partner, **dict(KPI_DEFINITIONS[3]))
    with pytest.raises(NotPermitted):
        kpi_set_create(commission=draft.commission, title="Another", by=draft.partner)
    kpi_set_transition(kpi_set=draft.kpi_set, name="share", by=draft.lead)
    with pytest.raises(NotPermitted):
        kpi_set_respond(kpi_set=draft.kpi_set, agree=True, by=draft.lead)
    with pytest.raises(NotPermitted):
        kpi_set_respond(kpi_set=draft.kpi_set, agree=True, by=draft.provider)


def test_agreement_needs_every_partner_and_is_recorded(draft, world):
    kpi_set = draft.kpi_set
    with pytest.raises(TransitionNotAllowed):
        kpi_set_transition(kpi_set=kpi_set, name="agree", by=draft.lead)  # still a draft
    kpi_set_transition(kpi_set=kpi_set, name="share", by=draft.lead)
    with pytest.raises(TransitionNotAllowed) as refused:
        kpi_set_transition(kpi_set=kpi_set, name="agree", by=draft.lead)
    assert refused.value.problems == ["Lichfield District Council has not agreed these KPIs"]
    kpi_set_respond(kpi_set=kpi_set, agree=False, text="Can complaints be split by type?", by=draft.partner)
    with pytest.raises(DomainError):
        kpi_set_respond(kpi_set=kpi_set, agree=False, text="", by=draft.partner)
    kpi_set_respond(kpi_set=kpi_set, agree=True, by=draft.partner)
    with pytest.raises(DomainError):
        kpi_set_respond(kpi_set=kpi_set, agree=True, by=draft.partner)  # once per version
    kpi_set = kpi_set_transition(kpi_set=kpi_set, name="agree", by=draft.lead)
    assert kpi_set.status == KpiSetStatus.AGREED
    assert kpi_set.agreed_by == world.lead_commissioner and kpi_set.agreed_at is not None
    agreed = KpiSetResponse.objects.get(kind="agree")
    assert (agreed.organisation, agreed.by, agreed.version) == (world.district, draft.partner.user, 1)
    actions = [e.action for e in audit.history_for(kpi_set)]
    assert actions[:4] == ["kpi_set.agree", "kpi_set.agreed_by_partner", "kpi_set.commented", "kpi_set.share"]
    event = audit.history_for(kpi_set).get(action="kpi_set.agreed_by_partner")
    assert event.actor == draft.partner.user and event.organisation == world.district
    assert sorted(event.visible_to) >= sorted([world.county.pk, world.district.pk])


def test_taking_kpis_back_to_change_them_needs_agreement_again(draft):
    kpi_set = draft.kpi_set
    kpi_set_transition(kpi_set=kpi_set, name="share", by=draft.lead)
    kpi_set_respond(kpi_set=kpi_set, agree=True, by=draft.partner)
    kpi_set = kpi_set_transition(kpi_set=kpi_set, name="reopen", by=draft.lead)
    assert kpi_set.version == 2
    kpi_update(kpi=draft.kpi("Complaints upheld"), by=draft.lead, red_threshold="4")
    kpi_set_transition(kpi_set=kpi_set, name="share", by=draft.lead)
    with pytest.raises(TransitionNotAllowed) as refused:
        kpi_set_transition(kpi_set=kpi_set, name="agree", by=draft.lead)
    assert "Lichfield District Council has not agreed these KPIs" in refused.value.problems


def test_kpis_cannot_change_once_shared_or_after_returns(debt):
    with pytest.raises(DomainError):
        kpi_update(kpi=debt.kpi("Complaints upheld"), by=debt.lead, red_threshold="4")

    debt.submitted_return(dt.date(2025, 4, 1))
    with pytest.raises(TransitionNotAllowed) as refused:
        kpi_set_transition(kpi_set=debt.kpi_set, name="revise", by=debt.lead)
    assert "Returns have been made" in refused.value.problems[0]


def test_who_sees_kpis(draft, world):
    with scope(organisation=world.provider):
        assert not KpiSet.objects.filter(pk=draft.kpi_set.pk).exists()  # before award: not the provider's
    with scope(organisation=world.other_council):
        assert not KpiSet.objects.exists() and not Kpi.objects.exists()
    draft.agree_kpis()
    with scope(organisation=world.provider):
        assert KpiSet.objects.filter(pk=draft.kpi_set.pk).exists()
        assert Kpi.objects.filter(kpi_set=draft.kpi_set).count() == 5
        assert not KpiSetResponse.objects.exists()  # the partners' discussion stays with them
    with scope(organisation=world.district):
        assert KpiSetResponse.objects.count() == 1
