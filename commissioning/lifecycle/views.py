"""Pages: the commission's life as a whole."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from commissioning.agreements.models import PartnershipAgreement
from commissioning.commissions.models import (
    CommissionStatus,
    Contribution,
    JointCommission,
    Participation,
    ParticipationStatus,
    loaded_rows,
)
from commissioning.commissions.permissions import is_lead
from commissioning.commissions.rules import suggestion_for
from commissioning.commissions.views import CommissionMixin
from commissioning.lifecycle.rules import procurement_blockers
from commissioning.lifecycle.selectors import commission_detail
from commissioning.lifecycle.services import commission_transition
from commissioning.lifecycle.workflows import COMMISSION_WORKFLOW
from commissioning.money.selectors import contribution_table
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from commissioning.thresholds.selectors import route_for
from commissioning.timetable.models import Stage
from commissioning.timetable.selectors import stages_of
from core import audit
from core.models import AuditEvent
from core.views import MemberTemplateView, TransitionView
from core.workflow import Transition
from partners.models import Role


def commission_route(commission: JointCommission) -> Any:
    """The route the commission's whole value suggests (every partner's contributions over the term, taken as
    including VAT), assuming Schedule 1 light-touch services (most third-sector services are; the tender records it).
    None until any money is entered."""
    amounts = [
        c.amount for c in loaded_rows(commission, "contributions", Contribution.objects.filter(commission=commission))
    ]
    if not amounts:
        return None
    whole = sum(amounts, Decimal("0"))
    return route_for(commission.partnership, value_inc_vat=whole, light_touch=True, on=timezone.localdate())


class CommissionDetailView(MemberTemplateView):
    template_name = "commissioning/commission_detail.html"
    required_roles = READ_ROLES

    def load(self, **kwargs: Any) -> None:
        try:
            self.commission = commission_detail(commission_id=kwargs["commission_id"])
        except JointCommission.DoesNotExist as missing:
            raise Http404("No such commission") from missing

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        acting = self.acting
        own = next((p for p in c.participations.all() if p.organisation_id == acting.organisation.pk), None)
        steps = [(t, problems) for t, problems in COMMISSION_WORKFLOW.possible_for(c, acting)]
        agreements = {a.organisation_id: a for a in c.agreements.all()}
        stages = stages_of(commission=c)
        return super().get_context_data(
            commission=c,
            own=own,
            is_lead=is_lead(c, acting),
            table=contribution_table(commission=c, acting=acting),
            steps=steps,
            blockers=procurement_blockers(c) if c.status == CommissionStatus.SIGN_UP else [],
            agreements=agreements,
            own_agreement=agreements.get(acting.organisation.pk),
            may_sign=(
                own is not None
                and not own.is_lead
                and own.status == ParticipationStatus.ACCEPTED
                and c.needs_agreements
                and c.is_planning
                and acting.organisation.pk not in agreements
                and acting.has_role(Role.COMMISSIONER, Role.ORG_ADMIN)
            ),
            may_answer=own is not None
            and own.status == ParticipationStatus.INVITED
            and acting.has_role(Role.COMMISSIONER, Role.ORG_ADMIN),
            suggestion=suggestion_for(c) if c.is_planning else None,
            route=commission_route(c),
            stages=stages,
            next_stages=sorted((s for s in stages if s.completed_on is None), key=lambda s: s.planned_end)[:4],
            today=timezone.localdate(),
            **kwargs,
        )


class CommissionTransitionView(CommissionMixin, TransitionView):
    """Move the commission on (POST ``transition`` and ``reason``). A refusal names what is missing."""

    workflow = COMMISSION_WORKFLOW
    required_roles = WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.commission

    def get_success_url(self) -> str:
        return reverse("commission-detail", kwargs={"commission_id": self.commission.pk})

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return commission_transition(commission=obj, name=name, by=self.acting, reason=reason)

    def done_message(self, obj: Any, step: Transition) -> str:
        return f"{obj.title} is now: {obj.get_status_display().lower()}"


class CommissionHistoryView(CommissionMixin, MemberTemplateView):
    template_name = "commissioning/history.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:

        c = self.commission
        types = ContentType.objects.get_for_models(
            JointCommission, Participation, Contribution, PartnershipAgreement, Stage
        )
        ids = {
            JointCommission: [str(c.pk)],
            Participation: [str(pk) for pk in Participation.objects.filter(commission=c).values_list("pk", flat=True)],
            Contribution: [str(pk) for pk in Contribution.objects.filter(commission=c).values_list("pk", flat=True)],
            PartnershipAgreement: [
                str(pk) for pk in PartnershipAgreement.objects.filter(commission=c).values_list("pk", flat=True)
            ],
            Stage: [str(pk) for pk in Stage.objects.filter(commission=c).values_list("pk", flat=True)],
        }
        q = Q(pk__in=[])
        for model, object_ids in ids.items():
            if object_ids:
                q |= Q(content_type=types[model], object_id__in=object_ids)
        events = AuditEvent.objects.filter(q).order_by("-occurred_at", "-id")[:300]
        return super().get_context_data(commission=c, events=audit.reveal(events, self.acting), **kwargs)
