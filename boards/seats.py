"""Every write for the board's make-up: boards (their quorum and voting rule, whether they approve the
partnership's tenders), seats (partner staff, other public bodies, voluntary-sector representatives, advisers;
full, substitute or advisory; elected members flagged), chairs and clerks. Keyword-only, atomic, audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from boards import permissions, rules
from boards.models import Board, BoardMember, ChairAbsenceRule, SeatKind
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.service import service
from core.tenancy import unscoped
from partners.models import Membership, Organisation, Partnership, PartnershipMember, User

# --- who is who ---------------------------------------------------------------------------------------------


def acting_user(by: Actor) -> User:
    if by.user is None:
        raise NotPermitted("Only a person can do this")
    return by.user


def require_manager(board: Board, by: Actor) -> None:
    if by.user is None or not permissions.may_manage(board, by.user):
        raise NotPermitted("Only the board's clerk or chair can do this")


def _active_partner_ids(partnership: Partnership) -> set[int]:
    return set(
        PartnershipMember.objects.filter(partnership=partnership, status=PartnershipMember.Status.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


# --- boards and seats ---------------------------------------------------------------------------------------


def _clean_share(value: Any) -> Decimal:
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError("Enter the share as a percentage, like 51", field="min_share") from exc
    if share < 0 or share > 100:
        raise DomainError("The share must be between 0 and 100 per cent", field="min_share")
    return share.quantize(Decimal("0.01"))


def _check_required(board: Board | None, required: list[Organisation]) -> None:
    """Organisations that must be represented are chosen from the board's own full (voting) members'
    organisations: no one else could make the board quorate."""
    if not required:
        return
    if board is None:
        raise DomainError(
            "Add the board's members first, then choose the organisations that must be represented",
            field="required_organisations",
        )
    seated = rules.voting_organisation_ids(board)
    outside = sorted(str(o) for o in required if o.pk not in seated)
    if outside:
        raise DomainError(
            f"Required organisations must have a full member on the board: {', '.join(outside)} has none",
            field="required_organisations",
        )


def _check_voting(board: Board) -> None:
    """A change to who may vote must not leave a full seat its holder may no longer hold."""
    stranded = [
        m
        for m in BoardMember.objects.filter(board=board, active=True, kind=BoardMember.Kind.FULL).select_related(
            "person"
        )
        if not board.seat_votes(m.seat_kind)
    ]
    if stranded:
        names = ", ".join(f"{m.person} ({m.get_seat_kind_display().lower()})" for m in stranded)
        raise DomainError(
            f"These full members would lose their vote: {names}. Make them advisory members first",
            field="voluntary_sector_seats_vote",
        )


def _take_tender_approvals(board: Board, by: Actor) -> None:
    """Make ``board`` the one that approves the partnership's tenders (moving it from another board)."""
    other = rules.tender_board(board.partnership_id)
    if other is not None and other.pk != board.pk:
        Board.objects.filter(pk=other.pk).update(decides_tenders=False)
        audit.record(obj=other, action="board.tender_approvals_moved", by=by, data={"to": board.name})
    board.decides_tenders = True


@service
def board_create(
    *,
    partnership: Partnership,
    name: str,
    by: Actor,
    purpose: str = "",
    parent_board_name: str = "",
    min_members: int = 1,
    min_share: Decimal | str | int = 0,
    required_organisations: Iterable[Organisation] = (),
    requires_elected_member: bool = False,
    public_body_seats_vote: bool = False,
    voluntary_sector_seats_vote: bool = False,
    decides_tenders: bool | None = None,
    approves_specification: bool = False,
    approves_panel: bool = False,
    chair_absence_rule: str = ChairAbsenceRule.ELECT,
    is_public: bool = True,
) -> Board:
    """A partner's admin or commissioner sets up the partnership's board and becomes its first clerk. The
    partnership's first board approves its tenders unless told otherwise."""
    user = acting_user(by)
    if by.organisation is None or not by.has_role(*permissions.CREATE_ROLES):
        raise NotPermitted("Only a partner's admin or commissioner can set up a board")
    partners = _active_partner_ids(partnership)
    if by.organisation.pk not in partners:
        raise NotPermitted("Only a member of this partnership can set up its board")
    if not name.strip():
        raise DomainError("Enter the board's name", field="name")
    if min_members < 1:
        raise DomainError("A quorum needs at least 1 member", field="min_members")
    required = list(required_organisations)
    _check_required(None, required)
    board = Board(
        partnership=partnership,
        name=name.strip(),
        purpose=purpose.strip(),
        parent_board_name=parent_board_name.strip(),
        min_members=min_members,
        min_share=_clean_share(min_share),
        requires_elected_member=requires_elected_member,
        public_body_seats_vote=public_body_seats_vote,
        voluntary_sector_seats_vote=voluntary_sector_seats_vote,
        approves_specification=approves_specification,
        approves_panel=approves_panel,
        chair_absence_rule=chair_absence_rule,
        is_public=is_public,
        created_by=user,
    )
    if decides_tenders is None:
        decides_tenders = rules.tender_board(partnership.pk) is None
    if decides_tenders:
        _take_tender_approvals(board, by)
    board.save()
    board.clerks.add(user)
    permissions.sync_board_permissions(board)
    audit.record(obj=board, action="board.created", by=by, to_state="active", data=_rule_data(board))
    return board


def _rule_data(board: Board) -> dict[str, Any]:
    return {
        "min_members": board.min_members,
        "min_share": str(board.min_share),
        "required_organisations": sorted(o.name for o in board.required_organisations.all()),
        "requires_elected_member": board.requires_elected_member,
        "public_body_seats_vote": board.public_body_seats_vote,
        "voluntary_sector_seats_vote": board.voluntary_sector_seats_vote,
        "decides_tenders": board.decides_tenders,
        "approves_specification": board.approves_specification,
        "approves_panel": board.approves_panel,
        "chair_absence_rule": board.chair_absence_rule,
    }


@service
def board_update(
    *,
    board: Board,
    by: Actor,
    name: str,
    purpose: str,
    parent_board_name: str,
    min_members: int,
    min_share: Decimal | str | int,
    required_organisations: Iterable[Organisation],
    chair_absence_rule: str,
    is_public: bool,
    requires_elected_member: bool | None = None,
    public_body_seats_vote: bool | None = None,
    voluntary_sector_seats_vote: bool | None = None,
    decides_tenders: bool | None = None,
    approves_specification: bool | None = None,
    approves_panel: bool | None = None,
) -> Board:
    """Change the board's details and quorum rule (the change is recorded; past decisions keep their snapshot).
    A flag left ``None`` keeps its current value."""
    require_manager(board, by)
    board = Board.objects.select_for_update().get(pk=board.pk)
    if min_members < 1:
        raise DomainError("A quorum needs at least 1 member", field="min_members")
    required = list(required_organisations)
    before = _rule_data(board)
    flags = {
        "requires_elected_member": requires_elected_member,
        "public_body_seats_vote": public_body_seats_vote,
        "voluntary_sector_seats_vote": voluntary_sector_seats_vote,
        "approves_specification": approves_specification,
        "approves_panel": approves_panel,
    }
    for field, value in flags.items():
        if value is not None:
            setattr(board, field, value)
    _check_voting(board)
    _check_required(board, required)
    if decides_tenders and not board.decides_tenders:
        _take_tender_approvals(board, by)
    elif decides_tenders is False and board.decides_tenders:
        board.decides_tenders = False
    board.name = name.strip() or board.name
    board.purpose = purpose.strip()
    board.parent_board_name = parent_board_name.strip()
    board.min_members = min_members
    board.min_share = _clean_share(min_share)
    board.chair_absence_rule = chair_absence_rule
    board.is_public = is_public
    board.save()
    board.required_organisations.set(required)
    after = _rule_data(board)
    audit.record(obj=board, action="board.updated", by=by, data={"before": before, "after": after})
    return board


def _seat_person(person: User | None, email: str, full_name: str) -> User:
    """The person taking a seat: a chosen account, or someone named by email (their account if they have one,
    otherwise a new account without a password: they set one through "forgotten password" when they first sign
    in)."""
    if person is not None:
        return person
    email = email.strip().lower()
    if not email:
        raise DomainError("Enter the person's email address", field="email")
    with unscoped(reason="a board seat for someone who may not act for any organisation here"):
        existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    if not full_name.strip():
        raise DomainError("Enter the person's full name", field="full_name")
    return User.objects.create_user(email=email, password=None, full_name=full_name.strip())


def _check_seat(board: Board, *, person: User, organisation: Organisation | None, kind: str, seat_kind: str) -> None:
    if kind not in BoardMember.Kind.values:
        raise DomainError("Choose the kind of member", field="kind")
    if seat_kind not in SeatKind.values:
        raise DomainError("Choose whom the member sits for", field="seat_kind")
    if organisation is None and seat_kind != SeatKind.ADVISER:
        raise DomainError("Choose the organisation the member sits for", field="organisation")
    if seat_kind == SeatKind.ADVISER and kind != BoardMember.Kind.ADVISORY:
        raise DomainError("An adviser advises and does not vote: make them an advisory member", field="kind")
    if kind != BoardMember.Kind.ADVISORY and not board.seat_votes(seat_kind):
        label = str(SeatKind(seat_kind).label)
        raise DomainError(
            f"Under this board's terms of reference a {label.lower()} does not vote: make them an advisory member",
            field="kind",
        )
    partners = _active_partner_ids(board.partnership)
    if seat_kind == SeatKind.PARTNER:
        assert organisation is not None
        if organisation.pk not in partners:
            raise DomainError(
                f"{organisation} is not a partner: choose the kind of seat they hold", field="organisation"
            )
        with unscoped(reason="the new member acts for another partner organisation"):
            if not Membership.objects.filter(user=person, organisation=organisation, is_active=True).exists():
                raise DomainError(f"{person} does not act for {organisation}", field="person")
    elif seat_kind == SeatKind.PUBLIC_BODY:
        assert organisation is not None
        if not organisation.is_public_sector or organisation.pk in partners:
            raise DomainError(
                f"{organisation} is not another public body (partners' staff sit as partner staff)",
                field="organisation",
            )
    elif seat_kind == SeatKind.VOLUNTARY_SECTOR:
        assert organisation is not None
        if not organisation.is_third_sector:
            raise DomainError(f"{organisation} is not a voluntary-sector organisation", field="organisation")


@service
def board_member_add(
    *,
    board: Board,
    kind: str,
    by: Actor,
    person: User | None = None,
    email: str = "",
    full_name: str = "",
    organisation: Organisation | None = None,
    seat_kind: str = SeatKind.PARTNER,
    is_elected_member: bool = False,
    role_title: str = "",
    substitute_for: BoardMember | None = None,
) -> BoardMember:
    """Give someone a seat: partner staff (who act for the partner), a member for another public body, a
    voluntary-sector representative, or an adviser (for an organisation or independent). Whether a seat kind may
    be a full (voting) seat follows the board's terms of reference; advisers never vote. A named substitute stands
    in for one full member of the same organisation. The person may not yet have an account (named by email)."""
    require_manager(board, by)
    person = _seat_person(person, email, full_name)
    _check_seat(board, person=person, organisation=organisation, kind=kind, seat_kind=seat_kind)
    if kind == BoardMember.Kind.SUBSTITUTE:
        if (
            substitute_for is None
            or substitute_for.board_id != board.pk
            or not substitute_for.active
            or not substitute_for.is_full
        ):
            raise DomainError("Choose the full member this person substitutes for", field="substitute_for")
        if substitute_for.organisation_id != (organisation.pk if organisation else None):
            raise DomainError(
                f"A substitute for {substitute_for.person} must also act for {substitute_for.organisation_name}",
                field="organisation",
            )
    else:
        substitute_for = None
    if BoardMember.objects.filter(board=board, person=person, active=True).exists():
        raise DomainError(f"{person} already has a seat on this board", field="person")
    member = BoardMember.objects.create(
        board=board,
        person=person,
        organisation=organisation,
        kind=kind,
        seat_kind=seat_kind,
        is_elected_member=is_elected_member,
        role_title=role_title.strip(),
        substitute_for=substitute_for,
    )
    permissions.sync_board_permissions(board)
    audit.record(
        obj=member,
        action="board.member_added",
        by=by,
        to_state="active",
        data={
            "kind": kind,
            "seat_kind": seat_kind,
            "is_elected_member": is_elected_member,
            "organisation": member.organisation_name,
            "substitute_for": str(substitute_for or ""),
        },
    )
    return member


@service
def board_member_update(
    *, member: BoardMember, by: Actor, is_elected_member: bool, role_title: str, kind: str | None = None
) -> BoardMember:
    """Correct a seat: the elected-member flag, the role, or (within the board's voting rule) full or advisory."""
    board = member.board
    require_manager(board, by)
    member = (
        BoardMember.objects.select_for_update(of=("self",)).select_related("person", "organisation").get(pk=member.pk)
    )
    if not member.active:
        raise DomainError(f"{member.person} no longer has a seat")
    before = {"is_elected_member": member.is_elected_member, "role_title": member.role_title, "kind": member.kind}
    if kind is not None and kind != member.kind:
        if BoardMember.Kind.SUBSTITUTE in (kind, member.kind):
            raise DomainError("A named substitute is seated as such: remove the seat and add it again", field="kind")
        _check_seat(
            board, person=member.person, organisation=member.organisation, kind=kind, seat_kind=member.seat_kind
        )
        if (
            kind == BoardMember.Kind.ADVISORY
            and BoardMember.objects.filter(substitute_for=member, active=True).exists()
        ):
            raise DomainError(
                "Their named substitute must go first: an advisory member has no substitute", field="kind"
            )
        member.kind = kind
    member.is_elected_member = is_elected_member
    member.role_title = role_title.strip()
    member.save(update_fields=["kind", "is_elected_member", "role_title"])
    permissions.sync_board_permissions(board)
    after = {"is_elected_member": member.is_elected_member, "role_title": member.role_title, "kind": member.kind}
    audit.record(obj=member, action="board.member_changed", by=by, data={"before": before, "after": after})
    return member


@service
def board_member_remove(*, member: BoardMember, by: Actor, reason: str = "") -> BoardMember:
    board = member.board
    require_manager(board, by)
    member = BoardMember.objects.select_for_update().get(pk=member.pk)
    if not member.active:
        raise DomainError(f"{member.person} no longer has a seat")
    member.active = False
    member.left_at = timezone.now()
    member.save(update_fields=["active", "left_at"])
    for sub in BoardMember.objects.filter(substitute_for=member, active=True):
        sub.active = False
        sub.left_at = member.left_at
        sub.save(update_fields=["active", "left_at"])
        audit.record(
            obj=sub,
            action="board.member_removed",
            by=by,
            from_state="active",
            to_state="left",
            reason="Their member left",
        )
    changed = []
    if board.chair_id == member.pk:
        board.chair = None
        changed.append("chair")
    if board.deputy_chair_id == member.pk:
        board.deputy_chair = None
        changed.append("deputy_chair")
    if changed:
        board.save(update_fields=changed)
    permissions.sync_board_permissions(board)
    audit.record(obj=member, action="board.member_removed", by=by, from_state="active", to_state="left", reason=reason)
    return member


@service
def board_set_chair(*, board: Board, member: BoardMember, by: Actor, deputy: bool = False) -> Board:
    require_manager(board, by)
    if member.board_id != board.pk or not member.active or not member.is_full:
        raise DomainError("The chair must be a full member of the board", field="member")
    field = "deputy_chair" if deputy else "chair"
    before = getattr(board, f"{field}_id")
    setattr(board, field, member)
    board.save(update_fields=[field])
    permissions.sync_board_permissions(board)
    audit.record(
        obj=board,
        action=f"board.{field}_appointed",
        by=by,
        data={"from": before, "to": member.pk, "name": str(member.person)},
    )
    return board


@service
def board_clerk_add(*, board: Board, user: User, by: Actor) -> Board:
    require_manager(board, by)
    with unscoped(reason="the clerk may act for another partner organisation"):
        organisations = set(
            Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True)
        )
    if not organisations & _active_partner_ids(board.partnership):
        raise DomainError(f"{user} does not act for a partner organisation", field="user")
    board.clerks.add(user)
    permissions.sync_board_permissions(board)
    audit.record(obj=board, action="board.clerk_added", by=by, data={"clerk": str(user)})
    return board
