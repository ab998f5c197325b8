"""Who a request acts for: the signed-in person, the organisation they chose, and their roles there.

The middleware resolves it for every page request and activates the tenant scope around the view;
the API base class does the same after DRF authenticates a token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse

from core import tenancy
from partners import twofactor
from partners.models import PUBLIC_SECTOR_ROLES, Membership, Organisation, Role

SESSION_KEY = "acting_organisation_id"


@dataclass(frozen=True)
class Acting:
    user: Any | None
    organisation: Organisation | None
    membership: Membership | None
    roles: frozenset[str] = field(default_factory=frozenset)
    memberships: tuple[Membership, ...] = ()

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_public_sector(self) -> bool:
        return bool(self.organisation and self.organisation.is_public_sector)

    @property
    def needs_two_factor(self) -> bool:
        """Two-factor sign-in is required of anyone holding a public-sector role anywhere."""
        return any(
            m.organisation.is_public_sector and PUBLIC_SECTOR_ROLES.intersection(m.roles) for m in self.memberships
        )


ANONYMOUS = Acting(user=None, organisation=None, membership=None)


def acting_as(user: Any, organisation: Organisation) -> Acting:
    """``user`` acting for ``organisation`` with every role of their membership there: how demo loaders and commands
    act as a named person (a request's acting comes from ``resolve_acting``)."""
    membership = Membership.objects.get(user=user, organisation=organisation)
    return Acting(user=user, organisation=organisation, membership=membership, roles=frozenset(membership.roles))


def memberships_of(user: Any) -> tuple[Membership, ...]:
    with tenancy.unscoped(reason="a person's memberships span organisations: they choose whom to act for"):
        return tuple(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name")
        )


def resolve_acting(request: HttpRequest, user: Any, *, header: str | None = None) -> Acting:
    """Pick the organisation: the API header if given, else the session's choice, else the last or first."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    memberships = memberships_of(user)
    if not memberships:
        return Acting(user=user, organisation=None, membership=None, memberships=memberships)
    by_org = {m.organisation_id: m for m in memberships}
    wanted: Any = header if header else request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    chosen = None
    if wanted not in (None, ""):
        try:
            chosen = by_org.get(int(wanted))
        except (TypeError, ValueError):
            chosen = None
        if chosen is None and header:
            # An API caller named an organisation they do not belong to: act for none.
            return Acting(user=user, organisation=None, membership=None, memberships=memberships)
    if chosen is None and user.last_acting_organisation_id in by_org:
        chosen = by_org[user.last_acting_organisation_id]
    if chosen is None:
        chosen = memberships[0]
    return Acting(
        user=user,
        organisation=chosen.organisation,
        membership=chosen,
        roles=frozenset(chosen.roles),
        memberships=memberships,
    )


class ActingOrganisationMiddleware:
    """Resolves ``request.acting`` and runs the view inside that organisation's tenant scope."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        acting = resolve_acting(request, user)
        if twofactor.is_half_signed_in(user, acting) and not twofactor.is_two_factor_step(request):
            # Password given, code not yet: anonymous for every page, public ones included, so a public page
            # cannot read anything as this person's organisation (TwoFactorRequiredMiddleware redirects the rest).
            request.user = twofactor.anonymous()
            setattr(request, twofactor.HALF_SIGNED_IN, True)
            acting = ANONYMOUS
        request.acting = acting  # type: ignore[attr-defined]
        with tenancy.scope(organisation=acting.organisation):
            return self.get_response(request)


def acting_roles_choices(organisation: Organisation) -> list[tuple[str, str]]:
    allowed = (
        PUBLIC_SECTOR_ROLES
        if organisation.is_public_sector
        else frozenset({Role.ORG_ADMIN, Role.BIDDER, Role.EVALUATOR, Role.VIEWER})
    )
    return [(value, label) for value, label in Role.choices if value in allowed]
