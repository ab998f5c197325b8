"""The offer and decline letters: their content (a plain dict, kept with the letter) and the PDF (pure bytes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import notifications
from core.amounts import format_gbp
from core.pdf import render_pdf
from grants.applications.models import GrantApplication
from grants.assessment.models import ModeratedGrantScore
from grants.assessment.rules import Ranking
from grants.decisions.models import GrantDecision, GrantLetter, GrantRecommendation

READ = "the letter reads the applicant's own moderated scores for their letter"


def content_for(
    *,
    decision: GrantDecision,
    application: GrantApplication,
    line: GrantRecommendation,
    ranking: Ranking,
    decided_by: str,
) -> dict[str, Any]:
    """What the letter says: for an offer the amount, conditions and acceptance date; for a decline the feedback;
    both with the applicant's own agreed scores per criterion (never anyone else's)."""
    programme = decision.programme
    mine = ranking.by_application().get(application.pk)
    notes = {
        m.criterion_id: m.note
        for m in ModeratedGrantScore.objects.unscoped(reason=READ).filter(application=application)
    }
    return {
        "programme": programme.title,
        "funders": programme.commission.lead.name,
        "applicant": application.organisation.name,
        "project": application.project_title,
        "requested": format_gbp(application.amount_requested),
        "offer": line.fund,
        "amount": format_gbp(line.amount) if line.fund else "",
        "conditions": line.conditions if line.fund else "",
        "accept_by": decision.accept_by.isoformat() if line.fund else "",
        "feedback": line.feedback,
        "decided_by": decided_by,
        "total": str(mine.total) if mine else "",
        "rank": mine.rank if mine else None,
        "applications": len(ranking.rows),
        "criteria": [
            {
                "name": c.name,
                "weight": c.weight,
                "score": str(mine.criterion_scores.get(c.pk, "0.00")) if mine else "0.00",
                "note": notes.get(c.pk, ""),
            }
            for c in ranking.criteria
        ],
    }


def letter_context(letter: GrantLetter) -> dict[str, Any]:
    content = letter.content
    accept_by = dt.date.fromisoformat(content["accept_by"]) if content.get("accept_by") else None
    return {"letter": letter, "content": content, "accept_by": accept_by}


def letter_pdf(letter: GrantLetter) -> bytes:
    """The letter as a PDF (pure: the same letter gives the same document)."""
    return render_pdf("grants/letter_pdf.html", letter_context(letter))


def letter_attachments(key: str) -> list[tuple[str, bytes, str]]:
    """The letter's PDF, attached to the email that tells the applicant (its notification key is
    ``grant-letter:<letter id>:...``), made from the stored letter when the email is sent."""
    pk = key.split(":", 1)[0]
    if not pk.isdigit():
        return []
    letter = (
        GrantLetter.objects.unscoped(reason="the email to the applicant carries their own letter")
        .select_related("application")
        .filter(pk=int(pk))
        .first()
    )
    if letter is None:
        return []
    name = "grant-offer" if letter.kind == "offer" else "grant-decision"
    return [(f"{name}-{letter.public_id}.pdf", letter_pdf(letter), "application/pdf")]


def register() -> None:
    notifications.register_attachments("grant-letter", letter_attachments)
