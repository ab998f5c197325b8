"""A small interface for a lower app to act on a higher app's object without importing it.

A higher app registers a handler under a subject kind (for example the tendering app registers
"procurement.award_recommendation" so that a board decision, recorded in ``partners``, can approve an award).

Registering (in the higher app's ``AppConfig.ready()``)::

    from core import handlers

    handlers.register(
        "procurement.award_recommendation",
        title=award_title,
        summary=award_summary,
        paper=award_paper,
        on_decision=award_decided,
        public_summary=award_public_summary,
        candidates=awards_awaiting_board,
        check=award_may_go_to_board,
    )

The board's contract (``partners``: agenda items, decisions, board packs)
-----------------------------------------------------------------------
Subject kinds used by board agenda items:

- ``"procurement.evaluation_method"`` -- "Approve an evaluation method" items;
- ``"procurement.specification"`` -- "Approve a final specification" items (a tender id);
- ``"procurement.assessment_panel"`` -- "Approve an assessment panel" items (a tender id);
- ``"procurement.award_recommendation"`` -- "Approve an award" items;
- ``"grants.award"`` -- "Decide grants" items (a grant round's decision: the ranked list with weighted scores and
  each application's recommendation; approving it makes the offers and sends the letters).

Every callable is called **with keyword arguments** and **inside ``core.tenancy.unscoped(...)``**: the board
has already decided who may see the item, so handlers read their own objects without a tenant scope. A handler
refuses by raising ``core.errors.DomainError`` (its message is shown to the person; nothing is saved).
``subject_id`` is always an ``int``.

Required:

``title(*, subject_id) -> str``
    A short name for the agenda, for example "Older people's independence service: award recommendation".
``summary(*, subject_id) -> SubjectPaper``
    What a member must see before deciding: for an award, the evaluation summary (ranked bids with weighted scores)
    and the panel's conflicts record. Shown on the item's page and decision form. May be confidential (members only).
``on_decision(*, subject_id, outcome, decision, by) -> None``
    Called once for every recorded decision, in the same database transaction, *after* quorum has been checked and
    the decision row written. ``outcome`` is one of ``"approve"``, ``"reject"``, ``"defer"`` (``"note"`` is never
    sent for a subject). ``decision`` is the ``boards.models.Decision`` row (``decision.corrects`` is the decision
    it replaces, or ``None``; ``decision.item.meeting.board`` the board). ``by`` is the ``core.actors.Actor`` who
    recorded it. Move the subject's state machine here (approve an award -> standstill; reject -> back to the
    lead; defer -> unchanged). Raising ``DomainError`` refuses the whole decision (rolled back).

Optional:

``paper(*, subject_id) -> SubjectPaper``
    The item's paper in the board pack PDF (default: ``summary``). For an award: ranked bids, weighted scores, the
    per-partner funding table and its chart, and the conflicts record.
``public_summary(*, subject_id) -> str``
    One or two sentences for the public page and the report to the parent board, **without confidential detail**
    (no unsuccessful bidder's name, score or price). Taken when a decision is recorded and kept with it.
    Default: ``title``.
``candidates(*, board) -> list[tuple[int, str]]``
    Subjects ready to go on this board's agenda, as ``(subject_id, title)``; offered when adding an item.
``check(*, subject_id, board) -> None``
    Raise ``DomainError`` when the subject cannot go on this board's agenda (not found, not ready, another
    partnership's).

``SubjectPaper`` is a plain dict (see the ``TypedDict`` below): strings already formatted for people
(money with ``core.money.format_gbp``), except chart values, which are ``Decimal``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, NotRequired, TypedDict


class Table(TypedDict):
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: NotRequired[list[bool]]  # per column: right-align (numbers, money)


class ChartSeries(TypedDict):
    label: str  # for example the partner's name
    values: list[Decimal]  # one per category


class Chart(TypedDict):
    title: str
    categories: list[str]  # for example financial years "2025/26"
    series: list[ChartSeries]


class Conflict(TypedDict):
    person: str
    role: str  # for example "Evaluator, Staffordshire County Council"
    interest: str  # what was declared, or "None declared"
    action: str  # what was done, for example "Excluded from scoring bid 2" or "No action needed"


class SubjectPaper(TypedDict):
    headline: str  # one sentence: the recommendation
    facts: NotRequired[list[tuple[str, str]]]  # (label, value) rows
    tables: NotRequired[list[Table]]  # ranked bids with weighted scores, per-partner funding, ...
    charts: NotRequired[list[Chart]]  # drawn with core.charts.stacked_bar_chart, with a table beside
    conflicts: NotRequired[list[Conflict]]  # the panel's conflicts record
    text: NotRequired[str]  # any further narrative (plain text, paragraphs separated by blank lines)


_handlers: dict[str, dict[str, Callable[..., Any]]] = {}


def register(kind: str, **handlers: Callable[..., Any]) -> None:
    _handlers.setdefault(kind, {}).update(handlers)


def get(kind: str, name: str) -> Callable[..., Any]:
    try:
        return _handlers[kind][name]
    except KeyError as exc:
        raise LookupError(f"No handler '{name}' registered for '{kind}'") from exc


def find(kind: str, name: str) -> Callable[..., Any] | None:
    """The handler, or ``None`` when it is not registered (for optional handlers)."""
    return _handlers.get(kind, {}).get(name)


def has(kind: str) -> bool:
    """Has a higher app registered handlers for ``kind``?"""
    return bool(_handlers.get(kind))


def kinds() -> list[str]:
    return sorted(k for k, v in _handlers.items() if v)


@contextlib.contextmanager
def override(kind: str, **handlers: Callable[..., Any]) -> Iterator[None]:
    """Replace ``kind``'s handlers for the duration (tests), restoring what was registered before. With no
    handlers given, ``kind`` is unregistered for the duration."""
    before = _handlers.get(kind)
    _handlers[kind] = dict(handlers)
    try:
        yield
    finally:
        if before is None:
            _handlers.pop(kind, None)
        else:
            _handlers[kind] = before
