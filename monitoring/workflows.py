"""The lives of KPI sets, returns and end-of-contract reviews, as data.

KPI set: draft -> with partners (shared) -> agreed; the lead may take it back to draft (the version goes up and
partners agree again) while no return has been started.

Return: draft -> submitted -> (queried -> answered ->)* accepted | accepted with a note.

End-of-contract review: in progress -> feedback given -> closed. Closing needs the provider's feedback and every
decommissioning step done (or marked not needed): the guard names what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from monitoring import periods
from monitoring.models import (
    EndReview,
    KpiReturn,
    KpiSet,
    KpiSetResponse,
    KpiSetStatus,
    ReturnStatus,
    ReviewStatus,
)
from partners.models import Role

LEAD_ROLES = frozenset({Role.COMMISSIONER})
PROVIDER_ROLES = frozenset({Role.BIDDER, Role.ORG_ADMIN})

K = KpiSetStatus
R = ReturnStatus
V = ReviewStatus


def _org_id(by: Actor) -> int | None:
    return by.organisation.pk if by.organisation is not None else None


def _name(by: Actor) -> str:
    user = by.user
    return (user.get_full_name() or user.get_username()) if user is not None else "Jointly (automatic)"


# --- KPI sets -------------------------------------------------------------------------------------------------------


def _set_lead(kpi_set: KpiSet, by: Actor) -> bool:
    return _org_id(by) == kpi_set.commission.lead_id


def has_kpis(kpi_set: KpiSet) -> Iterable[str]:
    if not kpi_set.kpis.exists():
        yield "Add at least one KPI"


def frequencies_fit(kpi_set: KpiSet) -> Iterable[str]:
    for kpi in kpi_set.kpis.all():
        if not periods.finer_or_equal(kpi_set.return_frequency, kpi.frequency):
            yield (
                f"“{kpi.name}” is reported {kpi.get_frequency_display().lower()}, more often than the "
                f"{kpi_set.get_return_frequency_display().lower()} returns"
            )


def partners_of(kpi_set: KpiSet) -> list[Any]:
    """The organisations (other than the lead) taking part in the commission: each must agree the KPIs."""
    from commissioning.commissions.models import Participation, ParticipationStatus

    return [
        p.organisation
        for p in Participation._base_manager.filter(
            commission_id=kpi_set.commission_id, status=ParticipationStatus.ACCEPTED
        )
        .exclude(organisation_id=kpi_set.commission.lead_id)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def missing_agreements(kpi_set: KpiSet) -> list[str]:
    agreed = set(
        KpiSetResponse._base_manager.filter(
            kpi_set=kpi_set, version=kpi_set.version, kind=KpiSetResponse.Kind.AGREE
        ).values_list("organisation_id", flat=True)
    )
    return [o.name for o in partners_of(kpi_set) if o.pk not in agreed]


def every_partner_agreed(kpi_set: KpiSet) -> Iterable[str]:
    for name in missing_agreements(kpi_set):
        yield f"{name} has not agreed these KPIs"


def no_returns_started(kpi_set: KpiSet) -> Iterable[str]:
    if KpiReturn._base_manager.filter(kpi_set=kpi_set).exists():
        yield "Returns have been made against these KPIs: they cannot be changed now"


def _stamp_shared(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.shared_at = timezone.now()
    kpi_set.save(update_fields=["shared_at"])


def _new_version(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.version += 1
    kpi_set.agreed_at = None
    kpi_set.agreed_by = None
    kpi_set.agreed_by_name = ""
    kpi_set.save(update_fields=["version", "agreed_at", "agreed_by", "agreed_by_name"])


def _stamp_agreed(kpi_set: KpiSet, by: Actor) -> None:
    kpi_set.agreed_at = timezone.now()
    kpi_set.agreed_by = by.user
    kpi_set.agreed_by_name = _name(by)
    kpi_set.save(update_fields=["agreed_at", "agreed_by", "agreed_by_name"])


KPI_SET_WORKFLOW = Workflow(
    "kpi_set",
    KpiSetStatus,
    [
        Transition(
            "share",
            (K.DRAFT,),
            K.CONSULTATION,
            "Share with partners for agreement",
            roles=LEAD_ROLES,
            allowed=_set_lead,
            who="the lead commissioner",
            guards=(has_kpis, frequencies_fit),
            effects=(_stamp_shared,),
        ),
        Transition(
            "reopen",
            (K.CONSULTATION,),
            K.DRAFT,
            "Take back to change",
            roles=LEAD_ROLES,
            allowed=_set_lead,
            who="the lead commissioner",
            effects=(_new_version,),
        ),
        Transition(
            "agree",
            (K.CONSULTATION,),
            K.AGREED,
            "Record the agreement",
            roles=LEAD_ROLES,
            allowed=_set_lead,
            who="the lead commissioner",
            guards=(has_kpis, frequencies_fit, every_partner_agreed),
            effects=(_stamp_agreed,),
        ),
        Transition(
            "revise",
            (K.AGREED,),
            K.DRAFT,
            "Reopen to revise",
            roles=LEAD_ROLES,
            allowed=_set_lead,
            who="the lead commissioner",
            guards=(no_returns_started,),
            effects=(_new_version,),
        ),
    ],
)


# --- returns --------------------------------------------------------------------------------------------------------


def _provider(kpi_return: KpiReturn, by: Actor) -> bool:
    return _org_id(by) == kpi_return.contract.provider_id


def _return_lead(kpi_return: KpiReturn, by: Actor) -> bool:
    return _org_id(by) == kpi_return.contract.commission.lead_id


def period_over(kpi_return: KpiReturn) -> Iterable[str]:
    if timezone.localdate() <= kpi_return.period_end:
        yield f"The period runs until {kpi_return.period_end:%-d %B %Y}: send the return after it ends"


def values_complete(kpi_return: KpiReturn) -> Iterable[str]:
    for value in kpi_return.values.select_related("kpi").order_by("kpi__position", "kpi_id"):
        if value.actual is None:
            yield f"Give the actual for “{value.kpi.name}”"


def narrative_written(kpi_return: KpiReturn) -> Iterable[str]:
    if not kpi_return.narrative.strip():
        yield "Write the narrative: how the period went"


def evidence_attached(kpi_return: KpiReturn) -> Iterable[str]:
    needing = [v.kpi.name for v in kpi_return.values.select_related("kpi") if v.kpi.evidence_required.strip()]
    if needing and not kpi_return.evidence.exists():
        yield f"Attach the evidence required for {', '.join(f'“{n}”' for n in needing)}"


def open_query_answered(kpi_return: KpiReturn) -> Iterable[str]:
    latest = kpi_return.queries.order_by("-asked_at", "-id").first()
    if latest is None or not latest.answer.strip():
        yield "Answer the lead commissioner's question"


def has_open_query(kpi_return: KpiReturn) -> Iterable[str]:
    latest = kpi_return.queries.order_by("-asked_at", "-id").first()
    if latest is None or latest.answer:
        yield "Write the question for the provider"


def note_written(kpi_return: KpiReturn) -> Iterable[str]:
    if not kpi_return.review_note.strip():
        yield "Write the note to accept with"


def _stamp_submitted(kpi_return: KpiReturn, by: Actor) -> None:
    from monitoring import rag

    kpi_return.submitted_at = timezone.now()
    kpi_return.submitted_by = by.user
    kpi_return.submitted_by_name = _name(by)
    kpi_return.rag = rag.worst(kpi_return.values.values_list("rag", flat=True))
    kpi_return.save(update_fields=["submitted_at", "submitted_by", "submitted_by_name", "rag"])


def _recompute_rag(kpi_return: KpiReturn, by: Actor) -> None:
    from monitoring import rag

    kpi_return.rag = rag.worst(kpi_return.values.values_list("rag", flat=True))
    kpi_return.save(update_fields=["rag"])


def _stamp_reviewed(kpi_return: KpiReturn, by: Actor) -> None:
    kpi_return.reviewed_at = timezone.now()
    kpi_return.reviewed_by = by.user
    kpi_return.reviewed_by_name = _name(by)
    kpi_return.save(update_fields=["reviewed_at", "reviewed_by", "reviewed_by_name"])


REVIEWABLE = (R.SUBMITTED, R.ANSWERED)

RETURN_WORKFLOW = Workflow(
    "kpi_return",
    ReturnStatus,
    [
        Transition(
            "submit",
            (R.DRAFT,),
            R.SUBMITTED,
            "Submit the return",
            roles=PROVIDER_ROLES,
            allowed=_provider,
            who="the provider",
            guards=(period_over, values_complete, narrative_written, evidence_attached),
            effects=(_stamp_submitted,),
        ),
        Transition(
            "query",
            REVIEWABLE,
            R.QUERIED,
            "Query the return",
            roles=LEAD_ROLES,
            allowed=_return_lead,
            who="the lead commissioner",
            guards=(has_open_query,),
        ),
        Transition(
            "answer",
            (R.QUERIED,),
            R.ANSWERED,
            "Send the answer",
            roles=PROVIDER_ROLES,
            allowed=_provider,
            who="the provider",
            guards=(values_complete, open_query_answered),
            effects=(_recompute_rag,),
        ),
        Transition(
            "accept",
            REVIEWABLE,
            R.ACCEPTED,
            "Accept the return",
            roles=LEAD_ROLES,
            allowed=_return_lead,
            who="the lead commissioner",
            effects=(_stamp_reviewed,),
        ),
        Transition(
            "accept_with_note",
            REVIEWABLE,
            R.ACCEPTED_WITH_NOTE,
            "Accept with a note",
            roles=LEAD_ROLES,
            allowed=_return_lead,
            who="the lead commissioner",
            guards=(note_written,),
            effects=(_stamp_reviewed,),
        ),
    ],
    terminal=(R.ACCEPTED, R.ACCEPTED_WITH_NOTE),
)

# The lead's review steps, shown together on a return.
REVIEW_STEPS = ("accept", "query", "accept_with_note")


# --- end-of-contract reviews ----------------------------------------------------------------------------------------


def _review_lead(review: EndReview, by: Actor) -> bool:
    return _org_id(by) == review.contract.commission.lead_id


def summary_written(review: EndReview) -> Iterable[str]:
    if not review.summary.strip():
        yield "Write what the contract achieved"


def feedback_written(review: EndReview) -> Iterable[str]:
    if not review.feedback.strip():
        yield "Write the feedback to the provider"


def feedback_given(review: EndReview) -> Iterable[str]:
    if review.feedback_given_at is None:
        yield "Give the provider feedback on the contract (required before closing)"


def steps_settled(review: EndReview) -> Iterable[str]:
    for step in review.steps.order_by("position", "id"):
        if not step.is_settled:
            yield f"Decommissioning step not done: {step.title}"


def _stamp_feedback(review: EndReview, by: Actor) -> None:
    review.feedback_given_at = timezone.now()
    review.feedback_given_by_name = _name(by)
    review.save(update_fields=["feedback_given_at", "feedback_given_by_name"])


def _stamp_closed(review: EndReview, by: Actor) -> None:
    review.closed_at = timezone.now()
    review.save(update_fields=["closed_at"])


END_REVIEW_WORKFLOW = Workflow(
    "end_review",
    ReviewStatus,
    [
        Transition(
            "give_feedback",
            (V.OPEN,),
            V.FEEDBACK_GIVEN,
            "Send the feedback to the provider",
            roles=LEAD_ROLES,
            allowed=_review_lead,
            who="the lead commissioner",
            guards=(summary_written, feedback_written),
            effects=(_stamp_feedback,),
        ),
        Transition(
            "close",
            (V.OPEN, V.FEEDBACK_GIVEN),
            V.CLOSED,
            "Close the contract",
            roles=LEAD_ROLES,
            allowed=_review_lead,
            who="the lead commissioner",
            guards=(summary_written, feedback_given, steps_settled),
            effects=(_stamp_closed,),
        ),
    ],
    terminal=(V.CLOSED,),
)
