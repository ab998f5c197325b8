"""Board papers: the subject's summary shown before a decision, and the meeting's board pack PDF.

The pack is built from plain data (``pack_context``) whose hash identifies its content: a pack is generated once per
content (in the background, with progress stored on the ``BoardPack`` row) and reused until something in it
changes -- the agenda, a paper, attendance, a declaration, an exclusion, a decision or the minutes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from boards.models import AgendaItem, Attendance, BoardPack, Decision, Declaration, Exclusion, Meeting
from core import audit, charts, handlers, leases, outbox
from core.actors import SYSTEM, Actor
from core.money import format_gbp
from core.pdf import render_pdf
from core.tenancy import unscoped

log = logging.getLogger(__name__)

PACK_TEMPLATE = "partners/board/pack.html"
PACK_VERSION = "1"  # bump when the pack's layout changes, so stored packs are not reused
STALE_AFTER = timedelta(minutes=15)  # a queued pack with no outstanding work after this long is started again
GENERATE_TASK = "partners.tasks.generate_board_pack"


def normalise_paper(paper: dict[str, Any] | None) -> dict[str, Any]:
    """A handler's ``SubjectPaper`` made ready for a page or the PDF: charts drawn as SVG with a table beside."""
    if not paper:
        return {}
    out: dict[str, Any] = {
        "headline": str(paper.get("headline", "")),
        "facts": [[str(k), str(v)] for k, v in paper.get("facts", [])],
        "tables": [],
        "charts": [],
        "conflicts": [
            {k: str(c.get(k, "")) for k in ("person", "role", "interest", "action")} for c in paper.get("conflicts", [])
        ],
        "paragraphs": [p.strip() for p in str(paper.get("text", "")).split("\n\n") if p.strip()],
    }
    for table in paper.get("tables", []):
        columns = [str(c) for c in table.get("columns", [])]
        numeric = list(table.get("numeric", [])) + [False] * len(columns)
        out["tables"].append(
            {
                "caption": str(table.get("caption", "")),
                "columns": [{"label": c, "numeric": bool(numeric[i])} for i, c in enumerate(columns)],
                "rows": [
                    [{"value": str(v), "numeric": bool(numeric[i])} for i, v in enumerate(row)]
                    for row in table.get("rows", [])
                ],
            }
        )
    for chart in paper.get("charts", []):
        categories = [str(c) for c in chart.get("categories", [])]
        series = [charts.Series(str(s["label"]), [Decimal(v) for v in s["values"]]) for s in chart.get("series", [])]
        totals = [sum((s.values[i] for s in series), Decimal("0")) for i in range(len(categories))]
        out["charts"].append(
            {
                "title": str(chart.get("title", "")),
                "svg": str(
                    charts.stacked_bar_chart(
                        title=str(chart.get("title", "")), categories=categories, series=series, width=780
                    )
                ),
                "columns": ["", *(s.label for s in series), "Total"],
                "rows": [
                    [c, *(format_gbp(s.values[i]) for s in series), format_gbp(totals[i])]
                    for i, c in enumerate(categories)
                ],
            }
        )
    return out


def subject_summary(item: AgendaItem) -> dict[str, Any]:
    """What a member sees before deciding (for an award: the evaluation summary and the conflicts record)."""
    if not item.has_subject or not handlers.has(item.subject_kind):
        return {}
    with unscoped(reason="the subject's summary is the higher app's, shown to the board it was put to"):
        return normalise_paper(handlers.get(item.subject_kind, "summary")(subject_id=item.subject_id))


def subject_paper(item: AgendaItem) -> dict[str, Any]:
    if not item.has_subject or not handlers.has(item.subject_kind):
        return {}
    paper = handlers.find(item.subject_kind, "paper") or handlers.get(item.subject_kind, "summary")
    with unscoped(reason="the subject's paper is the higher app's, shown to the board it was put to"):
        return normalise_paper(paper(subject_id=item.subject_id))


STANDING_PAPERS = "boards.standing_papers:"


def standing_papers(board: Any) -> list[dict[str, Any]]:
    """Papers a higher app puts in every pack of a board, not decided on as an item (the commissions' risk
    registers): each kind registered as ``boards.standing_papers:<name>`` with ``papers(*, board) -> list[(title,
    SubjectPaper)]``, called unscoped like every handler."""
    out = []
    for kind in handlers.kinds():
        if kind.startswith(STANDING_PAPERS):
            with unscoped(reason="standing papers are the higher app's, shown to the board of their partnership"):
                papers = handlers.get(kind, "papers")(board=board)
            out.extend({"title": str(title), "paper": normalise_paper(dict(paper))} for title, paper in papers)
    return out


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%-d %B %Y, %H:%M}" if value else ""


def pack_context(meeting: Meeting, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Everything in the pack, as plain data (strings, lists, dicts): its JSON is what the content hash covers."""
    report = progress or (lambda pct: None)
    board = meeting.board
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presented_by")
        .prefetch_related(
            Prefetch(
                "declarations",
                queryset=Declaration.objects.select_related("member__person", "member__organisation"),
            ),
            Prefetch("exclusions", queryset=Exclusion.objects.select_related("member__person", "chair__person")),
            Prefetch("decisions", queryset=Decision.objects.order_by("recorded_at", "pk")),
        )
        .order_by("order", "pk")
    )
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__person", "member__organisation", "substituting_for__person")
        .order_by("member__kind", "member__person__full_name")
    )
    report(10)
    out_items = []
    for n, item in enumerate(items, start=1):
        decisions = list(item.decisions.all())
        out_items.append(
            {
                "order": item.order,
                "kind": item.get_kind_display(),
                "title": item.title,
                "summary": [p.strip() for p in item.summary.split("\n\n") if p.strip()],
                "presented_by": str(item.presented_by or ""),
                "attachment": item.paper_name,
                "attachment_sha": _file_sha(item),
                "paper": subject_paper(item),
                "status": item.get_status_display(),
                "declarations": [
                    {
                        "person": str(d.member.person),
                        "organisation": d.member.organisation_name,
                        "interest": d.interest if d.has_interest else "No interest",
                        "has_interest": d.has_interest,
                    }
                    for d in item.declarations.all()
                ],
                "exclusions": [
                    {"person": str(x.member.person), "chair": str(x.chair.person), "reason": x.reason}
                    for x in item.exclusions.all()
                ],
                "decisions": [_decision_data(d) for d in decisions],
            }
        )
        report(10 + int(50 * n / max(len(items), 1)))
    return {
        "version": PACK_VERSION,
        "board": {
            "name": board.name,
            "partnership": board.partnership.name,
            "parent": board.parent_board_name,
            "quorum": quorum_rule_text(board),
        },
        "meeting": {
            "id": meeting.pk,
            "when": _when(meeting.starts_at),
            "location": meeting.location,
            "status": meeting.get_status_display(),
            "minutes": [p.strip() for p in meeting.minutes.split("\n\n") if p.strip()],
            "minutes_recorded": _when(meeting.minutes_recorded_at),
            "minutes_approved": meeting.status == Meeting.Status.MINUTES_APPROVED,
        },
        "attendance": [
            {
                "person": str(a.member.person),
                "organisation": a.member.organisation_name,
                "role": a.member.role_title,
                "kind": a.member.get_kind_display()
                + (f", {a.member.get_seat_kind_display().lower()}" if a.member.seat_kind != "partner" else "")
                + (", elected member" if a.member.is_elected_member else ""),
                "status": a.get_status_display(),
                "substituting_for": str(a.substituting_for.person) if a.substituting_for else "",
            }
            for a in attendance
        ],
        "items": out_items,
        "standing_papers": standing_papers(board),
    }


def _decision_data(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "outcome": d.get_outcome_display(),
        "method": d.get_method_display(),
        "moderation_route": d.moderation_route,
        "moderation_result": d.moderation_result,
        "votes": [d.votes_for, d.votes_against, d.votes_abstain] if d.has_votes else None,
        "minute": d.minute,
        "quorum": d.quorum.get("summary", ""),
        "recorded": f"{d.recorded_by_name}, {_when(d.recorded_at)}",
        "corrects": d.corrects_id,
        "correction_reason": d.correction_reason,
    }


def _file_sha(item: AgendaItem) -> str:
    if not item.paper:
        return ""
    digest = hashlib.sha256()
    with item.paper.open("rb") as f:
        for chunk in iter(lambda: f.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def quorum_rule_text(board: Any) -> str:
    required = sorted(o.name for o in board.required_organisations.all())  # uses a prefetch where there is one
    share = format(board.min_share.normalize(), "f")
    text = f"At least {board.min_members} full member{'s' if board.min_members != 1 else ''} ({share}% of full members)"
    musts = [f"someone from {', '.join(required)}"] if required else []
    if board.requires_elected_member:
        musts.append("at least one elected member")
    if musts:
        text += f", including {' and '.join(musts)}"
    return text


def voting_rule_text(board: Any) -> str:
    """Who may hold a full (voting) seat under the board's terms of reference."""
    voting = ["partner staff"]
    if board.public_body_seats_vote:
        voting.append("members for other public bodies")
    if board.voluntary_sector_seats_vote:
        voting.append("voluntary-sector representatives")
    head = voting[0] if len(voting) == 1 else f"{', '.join(voting[:-1])} and {voting[-1]}"
    return f"Full members vote: {head} may hold full seats. Advisers and advisory members do not vote"


def tender_approvals_text(board: Any) -> str:
    if not board.decides_tenders:
        return "Another board of the partnership approves its tenders"
    also = [
        label
        for flag, label in (
            (board.approves_specification, "the final specification"),
            (board.approves_panel, "the assessment panel"),
        )
        if flag
    ]
    text = "Approves the partnership's evaluation methods and awards"
    if also:
        text += f", and {' and '.join(also)} of each tender before it is published"
    return text


def content_hash(context: dict[str, Any]) -> str:
    payload = json.dumps(context, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def latest_pack(meeting: Meeting, digest: str | None = None) -> BoardPack | None:
    packs = BoardPack.objects.filter(meeting=meeting)
    if digest is not None:
        packs = packs.filter(content_hash=digest)
    return packs.exclude(status=BoardPack.Status.FAILED).order_by("-created_at", "-pk").first()


def latest_ready(meeting: Meeting) -> BoardPack | None:
    return (
        BoardPack.objects.filter(meeting=meeting, status=BoardPack.Status.READY)
        .exclude(file="")
        .order_by("-created_at", "-pk")
        .first()
    )


def lease_key(pack_id: int) -> str:
    return f"partners.BoardPack:{pack_id}"


def _work_key(pack_id: int) -> str:
    return f"board-pack:{pack_id}"


def is_stuck(pack: BoardPack) -> bool:
    """A pack that will not finish by itself: its worker's lease expired (the worker died), it says "generating"
    with no lease (from before leases), or it is queued with no work outstanding (lost before the outbox)."""
    if pack.status == BoardPack.Status.GENERATING:
        return not leases.is_live(lease_key(pack.pk))
    if pack.status == BoardPack.Status.QUEUED:
        if leases.expired(lease_key(pack.pk)):
            return True
        outstanding = outbox.is_outstanding(_work_key(pack.pk))
        return not outstanding and timezone.now() - pack.created_at >= STALE_AFTER
    return False


def _generate_later(pack_id: int, *, now: bool = False) -> None:
    outbox.enqueue(
        GENERATE_TASK,
        args=[pack_id],
        dedupe_key=_work_key(pack_id),
        timeout=leases.long_job_seconds() + 30,
        republish=now,
    )


def _restart(pack: BoardPack, *, by: Actor) -> BoardPack:
    """Start a stuck pack again (the same row: its content has not changed)."""
    from_state = pack.status
    leases.break_expired(lease_key(pack.pk))
    _set(pack.pk, status=BoardPack.Status.QUEUED, progress=0, error="")
    pack.refresh_from_db()
    audit.record(obj=pack, action="board.pack_restarted", by=by, from_state=from_state, to_state=pack.status)
    _generate_later(pack.pk, now=True)
    return pack


@transaction.atomic
def pack_request(*, meeting: Meeting, by: Actor) -> BoardPack:
    """The pack for the meeting's current content: the stored one if unchanged, else a new one (generated by a
    Celery task, which records its progress). A stuck one (its worker died) is started again, not returned as is."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one request at a time per meeting
    digest = content_hash(pack_context(meeting))
    existing = latest_pack(meeting, digest)
    if existing is not None and existing.status == BoardPack.Status.READY and existing.file:
        return existing
    if existing is not None and existing.status in (BoardPack.Status.QUEUED, BoardPack.Status.GENERATING):
        return _restart(existing, by=by) if is_stuck(existing) else existing
    pack = BoardPack.objects.create(meeting=meeting, content_hash=digest, requested_by=by.user)
    audit.record(obj=pack, action="board.pack_requested", by=by, to_state=pack.status)
    _generate_later(pack.pk)
    return pack


def recover_stuck_packs() -> int:
    """For the periodic sweep: start again every pack whose worker died or whose work was lost."""
    restarted = 0
    candidates = BoardPack.objects.filter(
        status__in=[BoardPack.Status.QUEUED, BoardPack.Status.GENERATING]
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            pack = BoardPack.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if pack is not None and pack.status != BoardPack.Status.READY and is_stuck(pack):
                _restart(pack, by=SYSTEM)
                restarted += 1
    return restarted


def _set(pack_id: int, **fields: Any) -> None:
    BoardPack.objects.filter(pk=pack_id).update(**fields)


def pack_generate(*, pack_id: int) -> BoardPack:
    """Build and store one pack (run by the task, tenancy disabled), holding the pack's lease: safe to run twice,
    and a second run while the first is alive waits for the first's lease instead of doubling the work. Progress is
    written as it goes, outside any transaction, so the page polling it sees each step (and the lease is renewed)."""
    pack = BoardPack.objects.select_related("meeting__board__partnership").get(pk=pack_id)
    if pack.status in (BoardPack.Status.READY, BoardPack.Status.FAILED):
        return pack
    key = lease_key(pack_id)
    lease = leases.acquire(key, seconds=leases.long_job_seconds())
    if lease is None:
        until = leases.expires_at(key)
        outbox.defer(until=(until or timezone.now()) + timedelta(seconds=1))
        return pack
    try:
        return _build(pack, lease)
    finally:
        lease.release()


def _build(pack: BoardPack, lease: leases.Held) -> BoardPack:
    pack_id = pack.pk

    def progress(pct: int) -> None:
        _set(pack_id, progress=pct)
        lease.renew()

    _set(pack_id, status=BoardPack.Status.GENERATING, progress=5)
    try:
        context = pack_context(pack.meeting, progress=progress)
        digest = content_hash(context)
        pdf = render_pdf(PACK_TEMPLATE, {**context, "generated_at": _when(timezone.now())})
        progress(90)
        pack.refresh_from_db()
        pack.file.save(pack.filename, ContentFile(pdf), save=False)
        pack.content_hash = digest
        pack.size = len(pdf)
        pack.status = BoardPack.Status.READY
        pack.progress = 100
        pack.finished_at = timezone.now()
        pack.save(update_fields=["file", "content_hash", "size", "status", "progress", "finished_at"])
    except Exception as exc:
        log.exception("Board pack %s failed", pack_id)
        _set(pack_id, status=BoardPack.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        pack.refresh_from_db()
    return pack
