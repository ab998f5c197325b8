"""The commission's life as a guarded state machine, and the procurement guard the tendering app relies on."""

from __future__ import annotations

import pytest

from commissioning.agreements.services import agreement_sign
from commissioning.commissions.models import CommissionStatus, Contribution, ParticipationStatus
from commissioning.commissions.services import (
    commission_choose_model,
    commission_invite,
    commission_respond,
    commission_withdraw_invitation,
)
from commissioning.lifecycle.rules import procurement_blockers
from commissioning.lifecycle.services import commission_transition
from commissioning.lifecycle.workflows import COMMISSION_WORKFLOW
from core import audit
from core.actors import SYSTEM
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import Notification
from tests.factories.commissioning import acting, lichfield_example


def test_states_are_data():
    states = {value for value, _ in CommissionStatus.choices}
    assert states == {"draft", "gathering", "sign_up", "procurement", "awarded", "live", "closed", "decommissioned"}
    t = COMMISSION_WORKFLOW["enter_procurement"]
    assert t.source == ("sign_up",) and t.target == "procurement" and t.system and t.guards
    assert COMMISSION_WORKFLOW["award"].system and COMMISSION_WORKFLOW["go_live"].system
    assert COMMISSION_WORKFLOW.terminal == {"closed", "decommissioned"}


def test_procurement_refused_with_unsigned_agreement_and_unconfirmed_first_year_naming_each(lichfield):
    c = lichfield.commission
    problems = procurement_blockers(c)
    assert problems == [
        "Lichfield District Council has not signed the partnership agreement",
        "Staffordshire County Council's 2027/28 contribution (£23,750.00) is indicative, not confirmed",
        "Lichfield District Council's 2027/28 contribution (£20,000.00) is indicative, not confirmed",
    ]
    with pytest.raises(TransitionNotAllowed) as refused:
        commission_transition(commission=c, name="enter_procurement", by=lichfield.county_lead)
    assert refused.value.problems == problems
    assert lichfield.refresh().status == CommissionStatus.SIGN_UP


def test_procurement_refused_while_only_the_agreement_is_missing(lichfield):
    c = lichfield.commission
    lichfield.confirm_all(lichfield.county, lichfield.county_lead, [c.first_year])
    lichfield.confirm_all(lichfield.district, lichfield.district_commissioner, [c.first_year])
    assert procurement_blockers(c) == ["Lichfield District Council has not signed the partnership agreement"]
    with pytest.raises(TransitionNotAllowed):
        commission_transition(commission=c, name="enter_procurement", by=lichfield.county_lead)


def test_procurement_refused_while_only_a_first_year_is_unconfirmed(lichfield):
    c = lichfield.commission
    lichfield.confirm_all(lichfield.county, lichfield.county_lead, [c.first_year])
    lichfield.sign()
    # Later years still indicative do not matter; the district's first year does.
    assert procurement_blockers(c) == [
        "Lichfield District Council's 2027/28 contribution (£20,000.00) is indicative, not confirmed"
    ]
    with pytest.raises(TransitionNotAllowed):
        commission_transition(commission=c, name="enter_procurement", by=lichfield.county_lead)


def test_procurement_opens_when_every_partner_signed_and_first_year_confirmed(lichfield):
    c = lichfield.ready_for_procurement()
    assert procurement_blockers(c) == []
    commission_transition(commission=c, name="enter_procurement", by=lichfield.county_lead)
    assert lichfield.refresh().status == CommissionStatus.PROCUREMENT
    event = audit.history_for(c).filter(action="commission.enter_procurement").get()
    assert (event.from_state, event.to_state) == ("sign_up", "procurement")
    assert event.actor == lichfield.county_lead.user
    assert sorted(event.visible_to) == sorted([lichfield.county.pk, lichfield.district.pk])


def test_agreement_without_procurement_scope_blocks(lichfield):
    c = lichfield.commission
    lichfield.confirm_all(lichfield.county, lichfield.county_lead, [c.first_year])
    lichfield.confirm_all(lichfield.district, lichfield.district_commissioner, [c.first_year])
    lichfield.sign(scopes=["contract_management"])
    assert procurement_blockers(c) == [
        "Lichfield District Council's agreement does not delegate procurement to Staffordshire County Council"
    ]


def test_unanswered_invitation_blocks_until_withdrawn(world):
    ex = lichfield_example(world, accept=False)
    assert "Lichfield District Council has not answered its invitation" in procurement_blockers(ex.commission)
    commission_withdraw_invitation(commission=ex.commission, organisation=world.district, by=ex.county_lead)
    problems = procurement_blockers(ex.commission)
    assert "No partner besides the lead has agreed to take part" in problems
    # the withdrawn partner's indicative money went with it
    assert not Contribution.objects.filter(commission=ex.commission, organisation=world.district).exists()


def test_only_the_lead_moves_the_commission_and_the_system_may_award(lichfield):
    c = lichfield.ready_for_procurement()
    with pytest.raises(TransitionNotAllowed) as refused:
        commission_transition(commission=c, name="enter_procurement", by=lichfield.district_commissioner)
    assert refused.value.problems == ["Only the lead commissioner can do this"]
    commission_transition(commission=c, name="enter_procurement", by=SYSTEM)  # the tendering app may
    commission_transition(commission=c, name="award", by=SYSTEM)
    commission_transition(commission=c, name="go_live", by=SYSTEM)
    assert lichfield.refresh().status == CommissionStatus.LIVE
    with pytest.raises(TransitionNotAllowed):
        commission_transition(commission=c, name="decommission", by=SYSTEM, reason="x")
    with pytest.raises(DomainError, match="reason"):
        commission_transition(commission=c, name="decommission", by=lichfield.county_lead)
    commission_transition(
        commission=c, name="decommission", by=lichfield.county_lead, reason="Need met by the new county-wide service"
    )
    assert lichfield.refresh().status == CommissionStatus.DECOMMISSIONED
    actions = list(audit.history_for(c).values_list("action", flat=True))
    assert actions[:4] == [
        "commission.decommission",
        "commission.go_live",
        "commission.award",
        "commission.enter_procurement",
    ]


def test_sign_up_needs_a_model_and_money_from_each_partner(world):
    ex = lichfield_example(world, status="gathering", model="")
    c = ex.commission
    with pytest.raises(TransitionNotAllowed) as refused:
        commission_transition(commission=c, name="open_sign_up", by=ex.county_lead)
    assert refused.value.problems == ["Choose the commissioning model and say why"]
    commission_choose_model(commission=c, model="do_nothing", reason="Keep the grants", by=ex.county_lead)
    with pytest.raises(TransitionNotAllowed, match="do nothing"):
        commission_transition(commission=c, name="open_sign_up", by=ex.county_lead)


def test_decline_is_recorded_not_an_error(world):
    ex = lichfield_example(world, accept=False)
    p = commission_respond(
        commission=ex.commission, accept=False, reason="No budget this year", by=ex.district_commissioner
    )
    assert p.status == ParticipationStatus.DECLINED and p.response_reason == "No budget this year"
    event = audit.history_for(p).filter(action="commission.partner_declined").get()
    assert event.reason == "No budget this year" and event.to_state == "declined"
    assert event.data["indicative_contributions_removed"] == [
        {"year": "2027/28", "amount": "20000.00"},
        {"year": "2028/29", "amount": "20000.00"},
        {"year": "2029/30", "amount": "20000.00"},
    ]
    # the lead is told

    assert Notification.objects.filter(recipient=world.lead_commissioner, subject__contains="declined").exists()
    # and can invite again
    commission_invite(commission=ex.commission, organisations=[world.district], by=ex.county_lead)


def test_agreement_rules(lichfield, world):
    c = lichfield.commission
    with pytest.raises(DomainError, match="does not delegate to itself"):
        agreement_sign(
            commission=c,
            scopes=["procurement"],
            signatory_authority="x",
            signed_on=c.start_date.replace(year=2026),
            document=None,
            by=lichfield.county_lead,
        )
    viewer = acting(world.member(world.district, "viewer"), world.district)
    with pytest.raises(NotPermitted):
        agreement_sign(
            commission=c, scopes=["procurement"], signatory_authority="x", signed_on=None, document=None, by=viewer
        )
    with pytest.raises(DomainError) as refused:
        agreement_sign(
            commission=c,
            scopes=[],
            signatory_authority="",
            signed_on=None,
            document=None,
            by=lichfield.district_commissioner,
        )
    assert set(refused.value.field_errors) == {"scopes", "signatory_authority", "signed_on", "document"}
    agreement = lichfield.sign()
    assert agreement.signed_by == lichfield.district_commissioner.user
    assert agreement.signatory_name == lichfield.district_commissioner.user.full_name
    assert (agreement.valid_from.isoformat(), agreement.valid_until.isoformat()) == ("2027-04-01", "2030-03-31")
    assert agreement.document.read().startswith(b"%PDF")
    with pytest.raises(DomainError, match="already signed"):
        lichfield.sign()
