"""Who may do what on a board: django-guardian object permissions, granted per board.

- ``boards.view_board``: see the board's confidential papers (evaluation summaries, board packs): every member
  (full, substitute, advisory) and every clerk.
- ``boards.sit_on_board``: take part in meetings (declare interests): every member.
- ``boards.chair_board``: the standing chair (and deputy chair).
- ``boards.clerk_board``: the clerks: members, meetings, agenda, attendance, papers, minutes, decisions.

Grants are kept in step with the board's seats by ``sync_board_permissions``, called by every service that changes
them. Signed-in people of the partner organisations can read the board's pages (the tenant scope); these grants
decide what they can *do* there.
"""

from __future__ import annotations

from typing import Any

from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from boards.models import Board, BoardMember
from partners.models import Role

VIEW = "view_board"
SIT = "sit_on_board"
CHAIR = "chair_board"
CLERK = "clerk_board"
BOARD_PERMS = (VIEW, SIT, CHAIR, CLERK)

# Roles that may open board pages at all, and roles that may change anything (object grants decide the rest).
READ_ROLES = (Role.BOARD_MEMBER, Role.COMMISSIONER, Role.ORG_ADMIN, Role.FINANCE_OFFICER, Role.VIEWER)
WRITE_ROLES = (Role.BOARD_MEMBER, Role.COMMISSIONER, Role.ORG_ADMIN)
CREATE_ROLES = (Role.COMMISSIONER, Role.ORG_ADMIN)


# Bumped whenever grants change, so a person's cached permissions (kept on the user object, which lives for one
# request) are never stale within this process.
_generation = [0]


def perms_on(board: Board, user: Any) -> frozenset[str]:
    """The board permissions ``user`` holds; looked up once per request and board however often it is asked."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(BOARD_PERMS)
    cache: dict[tuple[int, int], frozenset[str]] = user.__dict__.setdefault("_jointly_board_perms", {})
    key = (board.pk, _generation[0])
    if key not in cache:
        cache[key] = frozenset(ObjectPermissionChecker(user).get_perms(board))
    return cache[key]


def may_manage(board: Board, user: Any, perms: frozenset[str] | None = None) -> bool:
    held = perms_on(board, user) if perms is None else perms
    return CLERK in held or CHAIR in held


def may_see_papers(board: Board, user: Any, perms: frozenset[str] | None = None) -> bool:
    held = perms_on(board, user) if perms is None else perms
    return bool(held & {VIEW, CLERK, CHAIR})


def sync_board_permissions(board: Board) -> None:
    """Grant each current member, chair and clerk exactly the permissions their place gives them."""
    wanted: dict[Any, set[str]] = {}
    for member in BoardMember.objects.filter(board=board, active=True).select_related("person"):
        wanted.setdefault(member.person, set()).update({VIEW, SIT})
    for seat_id in (board.chair_id, board.deputy_chair_id):
        if seat_id:
            seat = BoardMember.objects.select_related("person").get(pk=seat_id)
            if seat.active:
                wanted.setdefault(seat.person, set()).add(CHAIR)
    for clerk in board.clerks.all():
        wanted.setdefault(clerk, set()).update({VIEW, CLERK})
    current: dict[Any, list[str]] = get_users_with_perms(  # type: ignore[assignment]
        board, attach_perms=True, with_superusers=False, with_group_users=False
    )
    by_pk = {u.pk: (u, set(p) & set(BOARD_PERMS)) for u, p in current.items()}
    for user, perms in wanted.items():
        held = by_pk.get(user.pk, (user, set()))[1]
        for perm in perms - held:
            assign_perm(f"boards.{perm}", user, board)
    wanted_pk = {u.pk: p for u, p in wanted.items()}
    for pk, (user, held) in by_pk.items():
        for perm in held - wanted_pk.get(pk, set()):
            remove_perm(f"boards.{perm}", user, board)
    _generation[0] += 1
