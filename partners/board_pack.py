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

from core import audit, charts, handlers
from core.actors import Actor
from core.money import format_gbp
from core.pdf import render_pdf
from core.tenancy import tenancy_disabled
from partners.models import AgendaItem, Attendance, BoardPack, Decision, Declaration, Exclusion, Meeting

log = logging.getLogger(__name__)

PACK_TEMPLATE = "partners/board/pack.html"
PACK_VERSION = "1"  # bump when the pack's layout changes, so stored packs are not reused
STALE_AFTER = timedelta(minutes=15)  # a queued pack not started by then is given up and requested again


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
    with tenancy_disabled():
        return normalise_paper(handlers.get(item.subject_kind, "summary")(subject_id=item.subject_id))


def subject_paper(item: AgendaItem) -> dict[str, Any]:
    if not item.has_subject or not handlers.has(item.subject_kind):
        return {}
    paper = handlers.find(item.subject_kind, "paper") or handlers.get(item.subject_kind, "summary")
    with tenancy_disabled():
        return normalise_paper(paper(subject_id=item.subject_id))


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%-d %B %Y, %H:%M}" if value else ""


def pack_context(meeting: Meeting, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Everything in the pack, as plain data (strings, lists, dicts): its JSON is what the content hash covers."""
    report = progress or (lambda pct: None)
    board = meeting.board
    items = list(
        AgendaItem._base_manager.filter(meeting=meeting)
        .select_related("presented_by")
        .prefetch_related(
            Prefetch(
                "declarations",
                queryset=Declaration._base_manager.select_related("member__person", "member__organisation"),
            ),
            Prefetch("exclusions", queryset=Exclusion._base_manager.select_related("member__person", "chair__person")),
            Prefetch("decisions", queryset=Decision._base_manager.order_by("recorded_at", "pk")),
        )
        .order_by("order", "pk")
    )
    attendance = list(
        Attendance._base_manager.filter(meeting=meeting)
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
                        "organisation": d.member.organisation.name,
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
                "organisation": a.member.organisation.name,
                "role": a.member.role_title,
                "kind": a.member.get_kind_display(),
                "status": a.get_status_display(),
                "substituting_for": str(a.substituting_for.person) if a.substituting_for else "",
            }
            for a in attendance
        ],
        "items": out_items,
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
    if required:
        text += f", including someone from {', '.join(required)}"
    return text


def content_hash(context: dict[str, Any]) -> str:
    payload = json.dumps(context, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def latest_pack(meeting: Meeting, digest: str | None = None) -> BoardPack | None:
    packs = BoardPack._base_manager.filter(meeting=meeting)
    if digest is not None:
        packs = packs.filter(content_hash=digest)
    return packs.exclude(status=BoardPack.Status.FAILED).order_by("-created_at", "-pk").first()


def latest_ready(meeting: Meeting) -> BoardPack | None:
    return (
        BoardPack._base_manager.filter(meeting=meeting, status=BoardPack.Status.READY)
        .exclude(file="")
        .order_by("-created_at", "-pk")
        .first()
    )


def _live(pack: BoardPack | None) -> bool:
    if pack is None:
        return False
    if pack.status == BoardPack.Status.READY:
        return bool(pack.file)
    return pack.status == BoardPack.Status.GENERATING or timezone.now() - pack.created_at < STALE_AFTER


@transaction.atomic
def pack_request(*, meeting: Meeting, by: Actor) -> BoardPack:
    """The pack for the meeting's current content: the stored one if unchanged, else a new one (generated by a
    Celery task, which records its progress)."""
    Meeting._base_manager.select_for_update().filter(pk=meeting.pk).first()  # one request at a time per meeting
    digest = content_hash(pack_context(meeting))
    existing = latest_pack(meeting, digest)
    if _live(existing):
        return existing  # type: ignore[return-value]
    pack = BoardPack.objects.create(meeting=meeting, content_hash=digest, requested_by=by.user)
    audit.record(obj=pack, action="board.pack_requested", by=by, to_state=pack.status)
    from partners.tasks import generate_board_pack

    pack_id = pack.pk
    transaction.on_commit(lambda: generate_board_pack.delay(pack_id))
    return pack


def _set(pack_id: int, **fields: Any) -> None:
    BoardPack._base_manager.filter(pk=pack_id).update(**fields)


def pack_generate(*, pack_id: int) -> BoardPack:
    """Build and store one pack (run by the task, tenancy disabled). Progress is written as it goes, outside any
    transaction, so the page polling it sees each step."""
    pack = BoardPack._base_manager.select_related("meeting__board__partnership").get(pk=pack_id)
    if pack.status == BoardPack.Status.READY:
        return pack
    _set(pack_id, status=BoardPack.Status.GENERATING, progress=5)
    try:
        context = pack_context(pack.meeting, progress=lambda pct: _set(pack_id, progress=pct))
        digest = content_hash(context)
        pdf = render_pdf(PACK_TEMPLATE, {**context, "generated_at": _when(timezone.now())})
        _set(pack_id, progress=90)
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
