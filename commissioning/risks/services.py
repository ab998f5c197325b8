"""Writes (keyword-only, atomic, audited): a joint commission's risk register and its review reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import JointCommission, Participation, ParticipationStatus
from commissioning.commissions.rules import require_lead
from commissioning.commissions.services import LOCK, commissioners_of
from commissioning.risks.models import SCALE, Risk, RiskStatus
from commissioning.risks.rules import band_of, require_edit, review_due, score_of
from core import audit
from core.actors import Actor
from core.changes import apply_changes
from core.errors import DomainError
from core.notifications import Message, batch_size, fan_out, messages, notify
from core.service import service
from core.tenancy import unscoped
from partners.models import Membership, Organisation, User

OPEN_LIKE = (RiskStatus.OPEN, RiskStatus.MANAGED)


def _owner_organisation(commission: JointCommission, owner: User | None) -> Organisation:
    """The organisation through which ``owner`` owns the risk: the lead, or a partner taking part."""
    if owner is None:
        raise DomainError("Choose who owns the risk", field="owner")
    eligible = [
        commission.lead_id,
        *Participation.objects.filter(commission=commission, status=ParticipationStatus.ACCEPTED).values_list(
            "organisation_id", flat=True
        ),
    ]
    memberships = {
        m.organisation_id: m
        for m in Membership.objects.unscoped(reason="a risk's owner may be a person at any partner organisation")
        .filter(user=owner, is_active=True, organisation_id__in=eligible)
        .select_related("organisation")
    }
    for organisation_id in eligible:
        if organisation_id in memberships:
            return memberships[organisation_id].organisation
    raise DomainError(
        f"{owner} does not work for the lead or a partner taking part, so cannot own a risk", field="owner"
    )


def _check(*, description: str, likelihood: int, impact: int, review_date: dt.date | None) -> None:
    problems: dict[str, list[str]] = {}
    if not (description or "").strip():
        problems["description"] = ["Describe the risk"]
    if likelihood not in SCALE:
        problems["likelihood"] = ["Choose a likelihood from 1 (rare) to 5 (almost certain)"]
    if impact not in SCALE:
        problems["impact"] = ["Choose an impact from 1 (negligible) to 5 (severe)"]
    if review_date is None:
        problems["review_date"] = ["Enter the review date"]
    if problems:
        raise DomainError("Check the risk", field_errors=problems)


def _snapshot(risk: Risk) -> dict[str, Any]:
    return {
        "description": risk.description,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "score": score_of(risk.likelihood, risk.impact),
        "status": risk.status,
        "owner": risk.owner_id,
        "countermeasure": risk.countermeasure,
        "review_date": risk.review_date.isoformat() if risk.review_date else None,
    }


def _lock(risk: Risk) -> Risk:
    return (
        Risk.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("commission__lead")
        .get(pk=risk.pk)
    )


@service
def risk_add(
    *,
    commission: JointCommission,
    description: str,
    likelihood: int,
    impact: int,
    owner: User | None,
    review_date: dt.date,
    by: Actor,
    countermeasure: str = "",
) -> Risk:
    """The lead commissioner adds a risk to the commission's register; it is open until managed or closed."""
    require_lead(commission, by, "add a risk")
    _check(description=description, likelihood=likelihood, impact=impact, review_date=review_date)
    owner_organisation = _owner_organisation(commission, owner)
    last = (
        Risk.objects.unscoped(reason="numbering counts every risk of the commission, to give the next letter")
        .filter(commission_id=commission.pk)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    risk = Risk.objects.create(
        commission=commission,
        reference=(last or 0) + 1,
        description=description.strip(),
        likelihood=likelihood,
        impact=impact,
        owner=owner,
        owner_organisation=owner_organisation,
        countermeasure=countermeasure.strip(),
        review_date=review_date,
    )
    audit.record(
        obj=risk,
        action="risk.added",
        by=by,
        to_state=risk.status,
        data={**_snapshot(risk), "band": band_of(score_of(likelihood, impact)).label},
    )
    return risk


EDITABLE = ("description", "likelihood", "impact", "owner", "countermeasure", "review_date", "status")


@service
def risk_update(*, risk: Risk, by: Actor, changes: Mapping[str, Any]) -> Risk:
    """The lead or the owner re-assesses a risk: ``changes`` holds the fields sent (a page sends them all, an API
    PATCH only some). Every change is in the risk's history, before and after."""
    risk = _lock(risk)
    require_edit(risk, by, "change this risk")
    if risk.is_closed:
        raise DomainError(f"Risk {risk.letter} is closed: add a new risk if it has come back")
    if changes.get("status", risk.status) not in OPEN_LIKE:
        raise DomainError("Choose open or managed (close a risk with its own button)", field="status")
    before = _snapshot(risk)
    cleaned = {k: (v.strip() if isinstance(v, str) and k != "status" else v) for k, v in changes.items()}
    changed = apply_changes(risk, cleaned, EDITABLE)
    _check(description=risk.description, likelihood=risk.likelihood, impact=risk.impact, review_date=risk.review_date)
    if "owner" in changed:
        risk.owner_organisation = _owner_organisation(risk.commission, risk.owner)
        changed.append("owner_organisation")
    if not changed:
        return risk
    risk.save(update_fields=[*changed, "updated_at"])
    after = _snapshot(risk)
    diff = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    audit.record(obj=risk, action="risk.changed", by=by, from_state=before["status"], to_state=risk.status, data=diff)
    risk.refresh_from_db(fields=["score"])
    return risk


@service
def risk_close(*, risk: Risk, by: Actor, reason: str) -> Risk:
    """The lead or the owner closes a risk that has passed or gone away, saying why."""
    risk = _lock(risk)
    require_edit(risk, by, "close this risk")
    if risk.is_closed:
        raise DomainError(f"Risk {risk.letter} is already closed")
    if not (reason or "").strip():
        raise DomainError("Say why the risk is closed", field="reason")
    before = risk.status
    risk.status = RiskStatus.CLOSED
    risk.closed_reason = reason.strip()
    risk.save(update_fields=["status", "closed_reason", "updated_at"])
    audit.record(
        obj=risk, action="risk.closed", by=by, from_state=before, to_state=risk.status, data={"reason": reason.strip()}
    )
    return risk


# --- review reminders ---------------------------------------------------------------------------------------


def risk_reviews_enqueue(*, today: dt.date | None = None) -> int:
    """The daily schedule: tell the owner and the lead of every open or managed risk whose review date has passed,
    and mark the risk reminded for that review date. In batches (``core.notifications.fan_out``): per batch the
    risks are locked and marked, and their reminders made with one insert and one delivery task, in one
    transaction. A second run, on the same day or later, reminds nothing until the review date changes. Returns
    how many risks were reminded. Runs as the system."""
    today = today or timezone.localdate()
    reminded = 0
    with unscoped(reason="risk review reminders go to owners and leads at every partner organisation"):
        candidates = list(
            Risk.objects.filter(status__in=list(OPEN_LIKE), review_date__lt=today)
            .exclude(reminded_for=F("review_date"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        size = batch_size()
        for start in range(0, len(candidates), size):
            with transaction.atomic():
                risks = [
                    r
                    for r in Risk.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk__in=candidates[start : start + size])
                    .select_related("commission__lead", "commission__lead_contact", "owner", "owner_organisation")
                    .order_by("pk")
                    if review_due(r, today)
                ]
                if not risks:
                    continue
                Risk.objects.filter(pk__in=[r.pk for r in risks]).update(reminded_for=F("review_date"))
                fan_out(_review_messages(risks))
                reminded += len(risks)
    return reminded


def _review_messages(risks: list[Risk]) -> Iterator[Message]:
    """Each risk's reminder to its owner (while still a member of the owning organisation) and to the lead (the
    commission's lead contact, else the lead organisation's commissioners), as ``risk_review_remind`` sends it."""
    members = set(
        Membership.objects.filter(user_id__in={r.owner_id for r in risks if r.owner_id}, is_active=True).values_list(
            "user_id", "organisation_id"
        )
    )
    commissioners: dict[int, list[User]] = {}
    for m in commissioners_of({r.commission.lead_id for r in risks}):
        commissioners.setdefault(m.organisation_id, []).append(m.user)
    for risk in risks:
        commission = risk.commission
        subject, body = _review_text(risk)
        url = reverse("commission-risks", kwargs={"commission_id": commission.pk})
        key = f"risk:{risk.pk}:review:{risk.review_date.isoformat()}"
        if risk.owner is not None and risk.owner.is_active and (risk.owner_id, risk.owner_organisation_id) in members:
            yield from messages(
                [risk.owner],
                subject=subject,
                body=body,
                url=url,
                organisation_id=risk.owner_organisation_id,
                dedupe_key=key,
            )
        contact = commission.lead_contact
        leads = [contact] if contact is not None and contact.is_active else commissioners.get(commission.lead_id, [])
        yield from messages(
            [p for p in leads if p.pk != risk.owner_id],
            subject=subject,
            body=body,
            url=url,
            organisation_id=commission.lead_id,
            dedupe_key=key,
        )


def _review_text(risk: Risk) -> tuple[str, str]:
    return (
        f"Review risk {risk.letter} for {risk.commission.title}",
        f"Risk {risk.letter} ({risk.description}) was due for review on {risk.review_date:%-d %B %Y}. "
        f"Likelihood {risk.likelihood}, impact {risk.impact}, score {risk.score} "
        f"({band_of(risk.score).label.lower()}). Review it and set the next review date.",
    )


def risk_review_remind(*, risk_id: int, review_date: str) -> int:
    """(For reminders enqueued one by one before the daily sweep made them in batches.) Tell the risk's owner and the lead commissioner that its review date has passed, once per review date
    (the notifications' dedupe key). Nothing when the risk was closed or re-dated meanwhile. Runs as the system."""
    with unscoped(reason="a risk review reminder goes to its owner and the lead, at different organisations"):
        risk = (
            Risk.objects.select_related("commission__lead", "commission__lead_contact", "owner", "owner_organisation")
            .filter(pk=risk_id)
            .first()
        )
        if risk is None or risk.is_closed or risk.review_date.isoformat() != review_date:
            return 0
        commission = risk.commission
        subject, body = _review_text(risk)
        url = reverse("commission-risks", kwargs={"commission_id": commission.pk})
        key = f"risk:{risk.pk}:review:{review_date}"
        created = 0
        if (
            risk.owner is not None
            and risk.owner.is_active
            and Membership.objects.filter(
                user_id=risk.owner_id, organisation_id=risk.owner_organisation_id, is_active=True
            ).exists()
        ):
            created += len(
                notify(
                    recipients=[risk.owner],
                    subject=subject,
                    body=body,
                    url=url,
                    organisation=risk.owner_organisation,
                    dedupe_key=key,
                )
            )
        lead_people = (
            [commission.lead_contact]
            if commission.lead_contact is not None and commission.lead_contact.is_active
            else [m.user for m in commissioners_of([commission.lead_id])]
        )
        created += len(
            notify(
                recipients=[p for p in lead_people if p.pk != risk.owner_id],
                subject=subject,
                body=body,
                url=url,
                organisation=commission.lead,
                dedupe_key=key,
            )
        )
    return created
