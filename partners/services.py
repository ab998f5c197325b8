"""Every write in ``partners``: keyword-only, atomic, validating, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from core import audit, outbox
from core.actors import SYSTEM, Actor
from core.errors import DomainError, NotPermitted
from core.notifications import notify, single_line
from core.tenancy import unscoped
from partners.acting import Acting
from partners.models import (
    COUNCIL_KINDS,
    PROVIDER_KINDS,
    PROVIDER_ROLES,
    PUBLIC_SECTOR_ROLES,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    Role,
    User,
)
from partners.registers import is_local_authority_code


def _clean_roles(organisation: Organisation, roles: Iterable[str]) -> list[str]:
    allowed = PUBLIC_SECTOR_ROLES if organisation.is_public_sector else PROVIDER_ROLES
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise DomainError("Choose at least one role", field="roles")
    wrong = [r for r in roles if r not in allowed]
    if wrong:
        labels = dict(Role.choices)
        raise DomainError(
            f"{', '.join(str(labels.get(r, r)) for r in wrong)} is not a role in a "
            f"{'public-sector' if organisation.is_public_sector else 'provider'} organisation",
            field="roles",
        )
    return roles


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("Choose a stronger password", field="password1", problems=list(exc.messages)) from exc


def _email_taken(email: str) -> bool:
    return User.objects.annotate(e=Lower("email")).filter(e=email.strip().lower()).exists()


def _organisation_clashes(*, name: str, charity_number: str, company_number: str) -> list[tuple[str, str]]:
    clashes: list[tuple[str, str]] = []
    if Organisation.objects.annotate(n=Lower("name")).filter(n=name.strip().lower()).exists():
        clashes.append(("organisation_name", f"An organisation called {name.strip()} is already registered"))
    if charity_number and Organisation.objects.filter(charity_number=charity_number).exists():
        clashes.append(("charity_number", f"Charity number {charity_number} is already registered"))
    if company_number and Organisation.objects.filter(company_number=company_number).exists():
        clashes.append(("company_number", f"Company number {company_number} is already registered"))
    return clashes


@transaction.atomic
def provider_register(
    *,
    organisation_name: str,
    kind: str,
    area: str,
    charity_number: str,
    company_number: str,
    full_name: str,
    email: str,
    password: str,
) -> tuple[Organisation, User]:
    """A provider registers its organisation and first user (its admin and bidder) from the public site."""
    problems: dict[str, list[str]] = {}
    if kind not in PROVIDER_KINDS:
        problems["kind"] = ["Choose the kind of provider organisation you are"]
    for field, message in _organisation_clashes(
        name=organisation_name, charity_number=charity_number, company_number=company_number
    ):
        problems.setdefault(field, []).append(f"{message}. If you work there, ask its admin to invite you")
    if _email_taken(email):
        problems["email"] = ["An account with this email address already exists. Sign in instead"]
    user = User(email=email.strip().lower(), full_name=full_name.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        problems["password1"] = list(exc.messages)
    if problems:
        raise DomainError("The registration could not be completed", field_errors=problems)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            organisation = Organisation.objects.create(
                name=organisation_name.strip(),
                kind=kind,
                area=area.strip(),
                charity_number=charity_number.strip(),
                company_number=company_number.strip(),
            )
    except IntegrityError as exc:  # a registration raced this one
        raise DomainError("That organisation or email address has just been registered", field="email") from exc
    membership = Membership.objects.create(
        user=user, organisation=organisation, roles=[Role.ORG_ADMIN, Role.BIDDER], job_title=""
    )
    user.last_acting_organisation = organisation
    user.save(update_fields=["last_acting_organisation"])
    by = _actor(user, organisation, membership)
    audit.record(obj=organisation, action="organisation.registered", by=by, to_state="registered")
    return organisation, user


@transaction.atomic
def organisation_create(
    *, name: str, kind: str, area: str = "", charity_number: str = "", company_number: str = ""
) -> Organisation:
    """Set up an organisation (platform operators and the demo loader)."""
    clashes = _organisation_clashes(name=name, charity_number=charity_number, company_number=company_number)
    if clashes:
        field, message = clashes[0]
        raise DomainError(message, field=field)
    organisation = Organisation.objects.create(
        name=name, kind=kind, area=area, charity_number=charity_number, company_number=company_number
    )
    audit.record(obj=organisation, action="organisation.created", by=SYSTEM, to_state="registered")
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: Actor, **fields: Any) -> Organisation:
    _require_admin(by, organisation)
    editable = {"name", "area", "charity_number", "company_number", "local_authority_code", "website", "description"}
    if "local_authority_code" in fields:
        fields["local_authority_code"] = str(fields["local_authority_code"] or "").strip().upper()
        _require_local_authority_code(organisation, fields["local_authority_code"])
    changed = {}
    for key, value in fields.items():
        if key not in editable:
            raise DomainError(f"{key} cannot be changed here")
        if getattr(organisation, key) != value:
            changed[key] = [getattr(organisation, key), value]
            setattr(organisation, key, value)
    if not changed:
        return organisation
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:
        raise DomainError("Another organisation already uses that name or number", field=next(iter(changed))) from exc
    audit.record(obj=organisation, action="organisation.updated", by=by, data={"changed": changed})
    return organisation


def _require_local_authority_code(organisation: Organisation, code: str) -> None:
    if not code:
        return
    if organisation.kind not in COUNCIL_KINDS:
        raise DomainError("Only a council has a local authority code", field="local_authority_code")
    if not is_local_authority_code(code):
        raise DomainError(
            f"{code} is not in the Local Authorities for England register: check the three-letter code",
            field="local_authority_code",
        )


def _actor(user: User, organisation: Organisation, membership: Membership) -> Actor:
    return Acting(user=user, organisation=organisation, membership=membership, roles=frozenset(membership.roles))


def _require_admin(by: Actor, organisation: Organisation) -> None:
    if by.organisation is None or by.organisation.pk != organisation.pk or not by.has_role(Role.ORG_ADMIN):
        raise NotPermitted("Only an admin of this organisation can do this")


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, full_name: str, roles: Iterable[str], by: Actor
) -> Invitation:
    """An organisation admin invites a colleague by email, with the roles they will hold."""
    _require_admin(by, organisation)
    roles = _clean_roles(organisation, roles)
    email = email.strip().lower()
    with unscoped(reason="an invitation checks the invitee's existing memberships"):
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email, is_active=True).exists():
            raise DomainError(f"{email} is already a member of {organisation}", field="email")
        Invitation.objects.filter(
            organisation=organisation, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, full_name=full_name.strip(), roles=roles, invited_by=by.user
    )
    audit.record(obj=invitation, action="invitation.sent", by=by, to_state="waiting", data={"roles": roles})
    # The email is work for later, recorded with the invitation (core.outbox): a mail server or broker outage
    # never turns a saved invitation into an error page, and the email still goes out once it is back.
    outbox.enqueue(
        "partners.tasks.send_invitation_email", args=[invitation.pk], dedupe_key=f"invitation:{invitation.pk}:email"
    )
    return invitation


def invitation_email_send(*, invitation_id: int) -> bool:
    """Email an open invitation once: the row is locked while sending and marked sent in the same transaction;
    a retry after a crash before that commit sends again with the same Message-ID (docs/background-work.md)."""
    with unscoped(reason="background email of an invitation"), transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id, emailed_at__isnull=True)
            .first()
        )
        if invitation is None or not invitation.is_open:
            return False
        inviter = invitation.invited_by.full_name if invitation.invited_by else "A colleague"
        link = reverse("invitation-accept", kwargs={"token": invitation.token})
        key = f"jointly-invitation-{invitation.pk}"
        EmailMessage(
            single_line(f"You have been invited to join {invitation.organisation} on Jointly"),
            f"{inviter} has invited you to join {invitation.organisation} on Jointly.\n\n"
            f"Accept the invitation: {settings.JOINTLY_BASE_URL}{link}\n\n"
            f"The link works once and expires on {timezone.localtime(invitation.expires_at):%d %B %Y}.",
            None,
            [invitation.email],
            headers={"Message-ID": f"<{key}@jointly>", "X-Jointly-Idempotency-Key": key},
        ).send()
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: Actor) -> Invitation:
    _require_admin(by, invitation.organisation)
    if not invitation.is_open:
        raise DomainError("This invitation is no longer open")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(obj=invitation, action="invitation.revoked", by=by, from_state="waiting", to_state="revoked")
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, full_name: str = "", password: str = ""
) -> tuple[User, Membership]:
    """Accept an invitation: an existing account gains the membership; a new person creates their account."""
    invitation = (
        Invitation.objects.unscoped(reason="the invitee is not yet a member of the inviting organisation")
        .select_for_update()
        .get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise DomainError(f"This invitation is {invitation.status_label.lower()}. Ask for a new one")
    if user is None:
        if _email_taken(invitation.email):
            raise DomainError("An account with this email address already exists. Sign in to accept")
        user = User(email=invitation.email, full_name=full_name.strip() or invitation.full_name)
        if not user.full_name:
            raise DomainError("Enter your full name", field="full_name")
        _check_password(password, user)
        user.set_password(password)
        user.save()
    elif user.email.lower() != invitation.email.lower():
        raise DomainError(f"This invitation is for {invitation.email}. Sign in with that address to accept it")
    membership, _ = Membership.objects.unscoped(reason="the invitee joins the inviting organisation").update_or_create(
        user=user, organisation=invitation.organisation, defaults={"roles": invitation.roles, "is_active": True}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    by = _actor(user, invitation.organisation, membership)
    audit.record(obj=invitation, action="invitation.accepted", by=by, from_state="waiting", to_state="accepted")
    audit.record(
        obj=membership, action="membership.created", by=by, to_state="active", data={"roles": membership.roles}
    )
    return user, membership


@transaction.atomic
def membership_update(*, membership: Membership, roles: Iterable[str], job_title: str, by: Actor) -> Membership:
    _require_admin(by, membership.organisation)
    roles = _clean_roles(membership.organisation, roles)
    if membership.user_id == by.user.pk and Role.ORG_ADMIN not in roles and not _other_admins(membership):
        raise DomainError("You are the only admin: give someone else the admin role first", field="roles")
    before = list(membership.roles)
    membership.roles = roles
    membership.job_title = job_title.strip()
    membership.save(update_fields=["roles", "job_title"])
    if before != roles:
        audit.record(obj=membership, action="membership.roles_changed", by=by, data={"from": before, "to": roles})
    return membership


def _other_admins(membership: Membership) -> bool:
    return (
        Membership.objects.unscoped(reason="the organisation's other admins, whoever asks")
        .filter(organisation=membership.organisation, is_active=True, roles__contains=[Role.ORG_ADMIN])
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: Actor, reason: str = "") -> Membership:
    _require_admin(by, membership.organisation)
    if Role.ORG_ADMIN in membership.roles and not _other_admins(membership):
        raise DomainError("An organisation needs at least one admin")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(
        obj=membership, action="membership.deactivated", by=by, from_state="active", to_state="inactive", reason=reason
    )
    return membership


def acting_switch(*, user: User, organisation_id: Any) -> Membership:
    """Choose which organisation the person acts for. A tampered id is refused with a clear message."""
    try:
        pk = int(organisation_id)
    except (TypeError, ValueError) as exc:
        raise DomainError("Choose one of your organisations", field="organisation") from exc
    with unscoped(reason="a person switches between their own organisations"):
        membership = (
            Membership.objects.filter(user=user, organisation_id=pk, is_active=True)
            .select_related("organisation")
            .first()
        )
    if membership is None:
        raise DomainError("You are not a member of that organisation. Choose one of yours", field="organisation")
    user.last_acting_organisation = membership.organisation
    user.save(update_fields=["last_acting_organisation"])
    return membership


@transaction.atomic
def partnership_create(
    *, name: str, description: str, accountable_body: Organisation, invitees: Iterable[Organisation], by: Actor
) -> Partnership:
    """A public-sector admin or commissioner sets up a partnership; invited organisations accept or decline."""
    if (
        by.organisation is None
        or not by.organisation.is_public_sector
        or not by.has_role(Role.ORG_ADMIN, Role.COMMISSIONER)
    ):
        raise NotPermitted("Only a public-sector admin or commissioner can set up a partnership")
    invitees = [o for o in invitees if o.pk != by.organisation.pk]
    not_public = [str(o) for o in invitees if not o.is_public_sector]
    if not_public:
        raise DomainError(
            f"Only public-sector organisations can be partners: {', '.join(not_public)}", field="invitees"
        )
    member_ids = {by.organisation.pk, *(o.pk for o in invitees)}
    if accountable_body.pk not in member_ids:
        raise DomainError("The accountable body must be one of the partners", field="accountable_body")
    partnership = Partnership.objects.create(
        name=name.strip(), description=description.strip(), accountable_body=accountable_body, created_by=by.user
    )
    PartnershipMember.objects.create(
        partnership=partnership,
        organisation=by.organisation,
        status=PartnershipMember.Status.ACTIVE,
        joined_at=timezone.now(),
    )
    for organisation in invitees:
        PartnershipMember.objects.create(partnership=partnership, organisation=organisation)
    audit.record(obj=partnership, action="partnership.created", by=by, to_state="active")
    _notify_admins(
        [o.pk for o in invitees],
        subject=f"{by.organisation} invites you to join the partnership {partnership}",
        url=reverse("partnership-detail", kwargs={"partnership_id": partnership.pk}),
    )
    return partnership


@transaction.atomic
def partnership_invite(*, partnership: Partnership, organisation: Organisation, by: Actor) -> PartnershipMember:
    _require_partner_admin(partnership, by)
    if not organisation.is_public_sector:
        raise DomainError("Only public-sector organisations can be partners", field="organisation")
    member, created = PartnershipMember.objects.unscoped(
        reason="the invited organisation is not yet in the partnership"
    ).get_or_create(partnership=partnership, organisation=organisation)
    if not created and member.status in (PartnershipMember.Status.ACTIVE, PartnershipMember.Status.INVITED):
        raise DomainError(f"{organisation} is already {member.get_status_display().lower()}", field="organisation")
    before = "" if created else member.status
    member.status = PartnershipMember.Status.INVITED
    member.save(update_fields=["status"])
    audit.record(obj=member, action="partnership.member_invited", by=by, from_state=before, to_state="invited")
    _notify_admins(
        [organisation.pk],
        subject=f"{by.organisation} invites you to join the partnership {partnership}",
        url=reverse("partnership-detail", kwargs={"partnership_id": partnership.pk}),
    )
    return member


@transaction.atomic
def partnership_respond(*, partnership: Partnership, accept: bool, by: Actor) -> PartnershipMember:
    """An invited organisation's admin accepts or declines. A decline is recorded, not an error."""
    if by.organisation is None or not by.has_role(Role.ORG_ADMIN):
        raise NotPermitted("Only an admin of your organisation can answer for it")
    member = (
        PartnershipMember.objects.unscoped(reason="an invited organisation answers before it is a member")
        .select_for_update()
        .filter(partnership=partnership, organisation=by.organisation)
        .first()
    )
    if member is None or member.status != PartnershipMember.Status.INVITED:
        raise DomainError("There is no open invitation for your organisation")
    member.status = PartnershipMember.Status.ACTIVE if accept else PartnershipMember.Status.DECLINED
    member.joined_at = timezone.now() if accept else None
    member.save(update_fields=["status", "joined_at"])
    audit.record(
        obj=member,
        action="partnership.accepted" if accept else "partnership.declined",
        by=by,
        from_state="invited",
        to_state=member.status,
    )
    return member


def _require_partner_admin(partnership: Partnership, by: Actor) -> None:
    if by.organisation is None or not by.has_role(Role.ORG_ADMIN, Role.COMMISSIONER):
        raise NotPermitted("Only a partner's admin or commissioner can do this")
    if (
        not PartnershipMember.objects.unscoped(reason="checks the acting organisation's own membership")
        .filter(partnership=partnership, organisation=by.organisation, status=PartnershipMember.Status.ACTIVE)
        .exists()
    ):
        raise NotPermitted("Only a member of this partnership can do this")


def _notify_admins(organisation_ids: list[int], *, subject: str, url: str) -> None:
    with unscoped(reason="notify the admins of partner organisations"):
        admins = [
            m.user
            for m in Membership.objects.filter(
                organisation_id__in=organisation_ids, is_active=True, roles__contains=[Role.ORG_ADMIN]
            ).select_related("user")
        ]
    for user in admins:
        notify(recipients=[user], subject=subject, url=url)
