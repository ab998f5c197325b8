"""Writes (keyword-only, atomic, audited): the joint commission and who takes part in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import (
    CommissioningModel,
    Contribution,
    ContributionStatus,
    JointCommission,
    Participation,
    ParticipationStatus,
)
from commissioning.commissions.rules import _check_term, require_lead, require_planning, suggestion_for
from commissioning.service_map.models import Outcome, ServiceArea
from commissioning.service_map.rules import require_partner
from commissioning.service_map.services import money_str
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.money import term_financial_years
from core.notifications import notify
from core.service import service
from partners.models import Membership, Organisation, PartnershipMember, Role, User

# The row the caller passed (found through its own scope) is re-read by primary key to lock it, as
# core.workflow.transition does; who may act on it is checked next, so an outsider gets a refusal, not "not found".
LOCK = "re-read by primary key to lock the row the caller passed; who may act is checked next"


def lock_commission(commission: JointCommission) -> JointCommission:
    return (
        JointCommission.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("partnership", "lead", "service_area")
        .get(pk=commission.pk)
    )


def commissioners_of(organisation_ids: Iterable[int]) -> list[Membership]:
    return list(
        Membership.objects.unscoped(reason="the commissioners of other organisations, to tell them")
        .filter(organisation_id__in=list(organisation_ids), is_active=True, roles__contains=[Role.COMMISSIONER])
        .select_related("user", "organisation")
    )


def notify_organisations(
    organisation_ids: Iterable[int], *, subject: str, body: str = "", url: str = "", key: str | None = None
) -> None:
    by_org: dict[int, list[User]] = {}
    for m in commissioners_of(organisation_ids):
        by_org.setdefault(m.organisation_id, []).append(m.user)
    for organisation_id, users in by_org.items():
        notify(
            recipients=users,
            subject=subject,
            body=body,
            url=url,
            organisation=Organisation(pk=organisation_id),
            dedupe_key=f"{key}:o{organisation_id}" if key else None,
        )


def notify_lead(commission: JointCommission, *, subject: str, body: str = "", key: str | None = None) -> None:
    url = reverse("commission-detail", kwargs={"commission_id": commission.pk})
    if commission.lead_contact_id:
        notify(
            recipients=[commission.lead_contact],
            subject=subject,
            body=body,
            url=url,
            organisation=commission.lead,
            dedupe_key=key,
        )
    else:
        notify_organisations([commission.lead_id], subject=subject, body=body, url=url, key=key)


def notify_participants(
    commission: JointCommission,
    *,
    subject: str,
    body: str = "",
    exclude_organisation_id: int | None = None,
    key: str | None = None,
) -> None:
    """Tell the commissioners of every organisation taking part (the lead included)."""
    ids = set(
        Participation.objects.unscoped(reason="every organisation taking part is told, whoever acts")
        .filter(commission=commission, status=ParticipationStatus.ACCEPTED)
        .values_list("organisation_id", flat=True)
    )
    ids.add(commission.lead_id)
    ids.discard(exclude_organisation_id)  # type: ignore[arg-type]
    url = reverse("commission-detail", kwargs={"commission_id": commission.pk})
    notify_organisations(sorted(ids), subject=subject, body=body, url=url, key=key)


def _set_outcomes(commission: JointCommission, outcomes: Iterable[Outcome]) -> None:
    outcomes = list(outcomes)
    wrong = [o for o in outcomes if o.partnership_id != commission.partnership_id]
    if wrong:
        raise DomainError("Choose outcomes from this partnership's framework", field="outcomes")
    commission.outcomes.set(outcomes)


@service
def commission_create(
    *,
    service_area: ServiceArea,
    title: str,
    intended_outcomes: str,
    term_years: int,
    start_date: dt.date,
    by: Actor,
    new_service: bool = False,
    outcomes: Iterable[Outcome] = (),
    lead_contact: User | None = None,
    model: str = "",
    model_reason: str = "",
) -> JointCommission:
    """A partner's commissioner sets up a joint commission, which their organisation leads."""
    partnership = service_area.partnership
    require_partner(partnership, by, Role.COMMISSIONER, doing="set up a joint commission")
    problems: dict[str, list[str]] = {}
    if not title.strip():
        problems["title"] = ["Enter a title"]
    if not intended_outcomes.strip():
        problems["intended_outcomes"] = ["Say what the service must achieve"]
    if problems:
        raise DomainError("Check the commission's details", field_errors=problems)
    _check_term(term_years, start_date)
    lead = by.organisation
    contact = lead_contact or by.user
    if (
        contact is not None
        and not Membership.objects.unscoped(reason="the lead contact may be anyone at the lead organisation")
        .filter(user=contact, organisation=lead, is_active=True, roles__contains=[Role.COMMISSIONER])
        .exists()
    ):
        raise DomainError(f"The lead commissioner must be a commissioner at {lead}", field="lead_contact")
    commission = JointCommission.objects.create(
        partnership=partnership,
        service_area=service_area,
        title=title.strip(),
        intended_outcomes=intended_outcomes.strip(),
        new_service=new_service,
        lead=lead,
        lead_contact=contact,
        term_years=term_years,
        start_date=start_date,
        created_by=by.user,
    )
    Participation.objects.create(
        commission=commission,
        organisation=lead,
        status=ParticipationStatus.ACCEPTED,
        is_lead=True,
        invited_by=by.user,
        responded_at=timezone.now(),
        responded_by=by.user,
    )
    _set_outcomes(commission, outcomes)
    audit.record(obj=commission, action="commission.created", by=by, to_state=commission.status)
    if model:
        commission_choose_model(commission=commission, model=model, reason=model_reason, by=by)
    return commission


@service
def commission_update(
    *,
    commission: JointCommission,
    by: Actor,
    title: str,
    intended_outcomes: str,
    term_years: int,
    start_date: dt.date,
    new_service: bool,
    outcomes: Iterable[Outcome] = (),
) -> JointCommission:
    commission = lock_commission(commission)
    require_lead(commission, by, "change the commission")
    require_planning(commission, "change the commission's details")
    if not title.strip():
        raise DomainError("Enter a title", field="title")
    if not intended_outcomes.strip():
        raise DomainError("Say what the service must achieve", field="intended_outcomes")
    _check_term(term_years, start_date)

    years = {part.year for part in term_financial_years(start_date, term_years)}
    outside = [
        c
        for c in Contribution.objects.filter(commission=commission).select_related("organisation")
        if c.financial_year not in years
    ]
    if outside:
        which = ", ".join(f"{c.organisation} {c.year_label}" for c in outside)
        raise DomainError(f"Contributions fall outside the new term ({which}): remove them first", field="term_years")
    before = {
        "title": commission.title,
        "term_years": commission.term_years,
        "start_date": commission.start_date.isoformat(),
    }
    commission.title = title.strip()
    commission.intended_outcomes = intended_outcomes.strip()
    commission.term_years = term_years
    commission.start_date = start_date
    commission.new_service = new_service
    commission.save()
    _set_outcomes(commission, outcomes)
    after = {"title": commission.title, "term_years": term_years, "start_date": start_date.isoformat()}
    audit.record(obj=commission, action="commission.changed", by=by, data={"from": before, "to": after})
    return commission


@service
def commission_choose_model(*, commission: JointCommission, model: str, reason: str, by: Actor) -> JointCommission:
    """Record the chosen commissioning model with the reason, beside the app's suggestion."""
    commission = lock_commission(commission)
    require_lead(commission, by, "choose the commissioning model")
    require_planning(commission, "change the commissioning model")
    if model not in CommissioningModel.values:
        raise DomainError("Choose a commissioning model", field="model")
    if not reason.strip():
        raise DomainError("Say why this model was chosen", field="model_reason")
    suggestion = suggestion_for(commission)
    before = commission.model
    commission.model = model
    commission.model_reason = reason.strip()
    commission.suggested_model = suggestion.model
    commission.suggestion_reason = suggestion.reason
    commission.save(update_fields=["model", "model_reason", "suggested_model", "suggestion_reason", "updated_at"])
    audit.record(
        obj=commission,
        action="commission.model_chosen",
        by=by,
        reason=commission.model_reason,
        data={"from": before, "to": model, "suggested": suggestion.model},
    )
    return commission


@service
def commission_invite(
    *, commission: JointCommission, organisations: Iterable[Organisation], by: Actor
) -> list[Participation]:
    """The lead invites partners of the partnership to take part."""
    commission = lock_commission(commission)
    require_lead(commission, by, "invite partners")
    require_planning(commission, "invite partners")
    organisations = list(organisations)
    if not organisations:
        raise DomainError("Choose at least one partner to invite", field="organisations")
    members = set(
        PartnershipMember.objects.filter(
            partnership=commission.partnership, status=PartnershipMember.Status.ACTIVE
        ).values_list("organisation_id", flat=True)
    )
    invited: list[Participation] = []
    for organisation in organisations:
        if organisation.pk == commission.lead_id:
            raise DomainError(f"{organisation} leads this commission", field="organisations")
        if organisation.pk not in members:
            raise DomainError(f"{organisation} is not a member of {commission.partnership}", field="organisations")
        p, created = Participation.objects.select_for_update(of=("self",)).get_or_create(
            commission=commission, organisation=organisation, defaults={"invited_by": by.user}
        )
        if not created:
            if p.status in (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED):
                raise DomainError(f"{organisation} is already {p.get_status_display().lower()}", field="organisations")
            before = p.status
            p.status = ParticipationStatus.INVITED
            p.invited_at = timezone.now()
            p.invited_by = by.user
            p.responded_at = None
            p.responded_by = None
            p.response_reason = ""
            p.save()
        else:
            before = ""
        audit.record(obj=p, action="commission.partner_invited", by=by, from_state=before, to_state="invited")
        invited.append(p)
    for p in invited:
        notify_organisations(
            [p.organisation_id],
            subject=f"{commission.lead} invites you to take part in {commission.title}",
            body=f"A joint commission in {commission.service_area}, {commission.term_years} years from "
            f"{commission.start_date:%d %B %Y}. Accept or decline on the commission's page.",
            url=reverse("commission-detail", kwargs={"commission_id": commission.pk}),
        )
    return invited


def _drop_indicative(commission: JointCommission, organisation_id: int) -> list[dict[str, str]]:
    rows = list(
        Contribution.objects.unscoped(
            reason="a partner that declined (or lost its invitation) no longer sees the commission, yet its indicative figures go"
        ).filter(commission=commission, organisation_id=organisation_id, status=ContributionStatus.INDICATIVE)
    )
    for c in rows:
        c.delete()
    return [{"year": c.year_label, "amount": money_str(c.amount)} for c in rows]


@service
def commission_withdraw_invitation(
    *, commission: JointCommission, organisation: Organisation, by: Actor
) -> Participation:
    commission = lock_commission(commission)
    require_lead(commission, by, "withdraw an invitation")
    require_planning(commission, "withdraw an invitation")
    p = (
        Participation.objects.select_for_update(of=("self",))
        .filter(commission=commission, organisation=organisation)
        .first()
    )
    if p is None or p.status != ParticipationStatus.INVITED:
        raise DomainError(f"{organisation} has no open invitation")
    p.status = ParticipationStatus.WITHDRAWN
    p.save(update_fields=["status"])
    dropped = _drop_indicative(commission, organisation.pk)
    audit.record(
        obj=p,
        action="commission.invitation_withdrawn",
        by=by,
        from_state="invited",
        to_state="withdrawn",
        data={"indicative_contributions_removed": dropped},
    )
    return p


@service
def commission_respond(*, commission: JointCommission, accept: bool, by: Actor, reason: str = "") -> Participation:
    """An invited partner accepts or declines. A decline is recorded (with its reason), not an error."""
    commission = lock_commission(commission)
    if by.organisation is None or not by.has_role(Role.COMMISSIONER, Role.ORG_ADMIN):
        raise NotPermitted("Only a commissioner or admin of your organisation can answer for it")
    p = (
        Participation.objects.select_for_update(of=("self",))
        .filter(commission=commission, organisation=by.organisation)
        .first()
    )
    if p is None or p.status != ParticipationStatus.INVITED:
        raise DomainError("There is no open invitation for your organisation")
    require_planning(commission, "answer this invitation")
    p.status = ParticipationStatus.ACCEPTED if accept else ParticipationStatus.DECLINED
    p.responded_at = timezone.now()
    p.responded_by = by.user
    p.response_reason = reason.strip()
    p.save()
    data: dict[str, Any] = {}
    if not accept:
        data["indicative_contributions_removed"] = _drop_indicative(commission, p.organisation_id)
    audit.record(
        obj=p,
        action="commission.partner_accepted" if accept else "commission.partner_declined",
        by=by,
        from_state="invited",
        to_state=p.status,
        reason=p.response_reason,
        data=data,
    )
    verb = "accepted" if accept else "declined"
    notify_lead(
        commission,
        subject=f"{by.organisation} has {verb} the invitation to {commission.title}",
        body=p.response_reason,
    )
    return p
