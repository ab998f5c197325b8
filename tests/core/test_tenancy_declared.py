"""Tenancy declared once: a child model shares its parent's visibility (``via``), services run in the acting
organisation's scope, and crossing tenants is said out loud with a reason."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.db import IntegrityError

from core import tenancy
from core.actors import SYSTEM
from core.service import service
from core.tasks import SystemTask
from core.tenancy import ScopeError, audience_of, current_scope, row_filter, scope, unscoped
from partners.acting import Acting
from partners.models import Membership, Partnership, PartnershipMember
from tests.factories.partners import OrganisationFactory, PartnershipFactory, person


@pytest.fixture
def two_councils(db):
    a = OrganisationFactory(name="Council A")
    b = OrganisationFactory(name="Council B")
    person(a)
    person(b)
    PartnershipFactory(name="A's partnership", accountable_body=a)
    PartnershipFactory(name="B's partnership", accountable_body=b)
    return a, b


@pytest.fixture
def members_follow_their_partnership():
    """``PartnershipMember`` is visible exactly when its partnership is: it declares
    ``objects = TenantManager(via="partnership")`` and no rule of its own."""
    assert PartnershipMember._default_manager.via == "partnership"
    assert not hasattr(PartnershipMember, "tenant_filter") and not hasattr(PartnershipMember, "audit_audience")


def test_a_child_declared_via_its_parent_is_visible_exactly_when_the_parent_is(
    two_councils, members_follow_their_partnership
):
    a, b = two_councils
    with scope(organisation=a):
        visible_partnerships = set(Partnership.objects.values_list("pk", flat=True))
        rows = list(PartnershipMember.objects.all())
    assert rows, "Council A's partnership has members"
    assert {m.partnership_id for m in rows} <= visible_partnerships
    with unscoped(reason="the test compares with every row"):
        b_members = set(PartnershipMember.objects.filter(partnership__accountable_body=b).values_list("pk", flat=True))
    assert b_members and not b_members & {m.pk for m in rows}


def test_the_public_sees_a_child_only_where_it_sees_the_parent(two_councils, members_follow_their_partnership):
    with scope(organisation=None):
        assert not PartnershipMember.objects.exists()


def test_a_childs_audit_audience_is_its_parents(two_councils, members_follow_their_partnership):
    a, _ = two_councils
    member = PartnershipMember.objects.filter(partnership__accountable_body=a).first()
    assert audience_of(member) == audience_of(member.partnership)


def test_a_model_declaring_neither_rule_nor_parent_is_a_programming_error(monkeypatch, two_councils):
    monkeypatch.setattr(PartnershipMember._default_manager, "via", None)
    with pytest.raises(ScopeError, match="neither tenant_filter nor via"):
        row_filter(PartnershipMember, two_councils[0])


def test_crossing_tenants_needs_a_reason(two_councils):
    a, _b = two_councils
    with pytest.raises(ScopeError, match="Say why"), unscoped(reason=" "):
        pass
    with scope(organisation=a):
        with pytest.raises(ScopeError, match="Say why"):
            Partnership.objects.unscoped(reason="")
        assert Partnership.objects.count() == 1
        everyone = Partnership.objects.unscoped(reason="the test counts every partnership")
        assert everyone.count() == 2


def test_an_unscoped_queryset_works_even_with_no_scope_at_all(two_councils):
    token = tenancy._current.set(None)
    try:
        assert Partnership.objects.unscoped(reason="a system count").count() == 2
    finally:
        tenancy._current.reset(token)


@service
def _rename_visible_partnerships(*, name: str, by) -> list[str]:
    seen = [p.name for p in Partnership.objects.order_by("name")]
    Partnership.objects.update(name=name)
    return seen


@service
def _fail_after_writing(*, by) -> None:
    Partnership.objects.update(name="half done")
    raise IntegrityError("the second write failed")


def test_a_service_runs_in_the_acting_organisations_scope_even_from_unscoped_set_up(two_councils):
    a, _ = two_councils
    officer = Membership.objects.filter(organisation=a).select_related("user").first()
    acting = Acting(user=officer.user, organisation=a, membership=officer)
    assert current_scope().disabled  # the test's set-up runs unscoped
    seen = _rename_visible_partnerships(name="Renamed", by=acting)
    assert seen == ["A's partnership"]
    assert sorted(Partnership.objects.values_list("name", flat=True)) == ["B's partnership", "Renamed"]


def test_a_system_actor_keeps_the_callers_scope(two_councils):
    a, _ = two_councils
    with scope(organisation=a):
        assert _rename_visible_partnerships(name="By the system", by=SYSTEM) == ["A's partnership"]


def test_a_service_is_one_transaction(two_councils):
    with pytest.raises(IntegrityError):
        _fail_after_writing(by=SYSTEM)
    assert "half done" not in set(Partnership.objects.values_list("name", flat=True))


def test_a_service_takes_keyword_arguments_only():
    with pytest.raises(TypeError, match="keyword-only"):

        @service
        def _positional(name, *, by):  # pragma: no cover - refused at definition
            return name


@shared_task(base=SystemTask)
def _what_scope_does_a_task_see() -> tuple[bool, str]:
    active = current_scope()
    return (bool(active and active.disabled), active.reason if active else "")


def test_a_background_task_runs_unscoped_and_says_why():
    token = tenancy._current.set(None)
    try:
        disabled, reason = _what_scope_does_a_task_see()
    finally:
        tenancy._current.reset(token)
    assert disabled
    assert "_what_scope_does_a_task_see" in reason
