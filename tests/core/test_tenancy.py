from __future__ import annotations

import pytest

from core import tenancy
from core.tenancy import ScopeError, scope, unscoped
from partners.models import Membership, Partnership
from tests.factories.partners import OrganisationFactory, PartnershipFactory, person


@pytest.fixture
def two_councils(db):
    a = OrganisationFactory(name="Council A")
    b = OrganisationFactory(name="Council B")
    person(a)
    person(b)
    PartnershipFactory(name="A only", accountable_body=a)
    return a, b


def _outside_any_scope(fn):
    """Run ``fn`` with no scope at all (the test suite's autouse fixture disables tenancy for set-up)."""

    token = tenancy._current.set(None)
    try:
        return fn()
    finally:
        tenancy._current.reset(token)


def test_a_tenant_query_without_a_scope_refuses_to_run(two_councils):
    with pytest.raises(ScopeError, match="no tenant scope"):
        _outside_any_scope(lambda: list(Membership.objects.all()))
    with pytest.raises(ScopeError):
        _outside_any_scope(lambda: Membership.objects.count())
    with pytest.raises(ScopeError):
        _outside_any_scope(lambda: Partnership.objects.filter(name="A only").exists())
    with pytest.raises(ScopeError):
        _outside_any_scope(lambda: Membership.objects.update(job_title="x"))


def test_building_a_queryset_or_creating_needs_no_scope(two_councils):
    a, _ = two_councils
    qs = _outside_any_scope(lambda: Membership.objects.filter(organisation=a))
    assert qs is not None


def test_scope_filters_every_query_path(two_councils):
    a, b = two_councils
    with scope(organisation=a):
        assert {m.organisation_id for m in Membership.objects.all()} == {a.pk}
        assert Partnership.objects.count() == 1
        assert list(b.memberships.all()) == []  # reverse relations are scoped too
    with scope(organisation=b):
        assert Partnership.objects.count() == 0
        assert not Partnership.objects.filter(name="A only").exists()


def test_the_anonymous_public_sees_no_tenant_rows(two_councils):
    with scope(organisation=None):
        assert Membership.objects.count() == 0
        assert Partnership.objects.count() == 0


def test_unscoped_is_explicit_and_sees_everything(two_councils):
    with unscoped(reason="the test reads every organisation's rows"):
        assert Membership.objects.count() == 2
