"""Pages for recording and cancelling visits, and for improvement plans and their actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.errors import NotPermitted
from core.views import FormPage, MemberTemplateView
from monitoring import permissions
from monitoring.oversight.forms import ActionForm, ActionProgressForm, CancelForm, PlanCloseForm, VisitRecordForm
from monitoring.oversight.models import ImprovementAction, ImprovementPlan, MonitoringVisit
from monitoring.oversight.services import action_add, action_update, plan_close, visit_cancel, visit_record
from monitoring.pages import PostOnly
from monitoring.permissions import ACTING_ROLES, LEAD_ROLES, READ_ROLES


class VisitMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.visit = get_object_or_404(
            MonitoringVisit.objects.select_related("contract__commission"), pk=kwargs["visit_id"]
        )
        self.contract = self.visit.contract
        if not permissions.is_lead(self.contract, self.acting):
            raise NotPermitted("Only the lead commissioner records monitoring visits")

    def back_url(self) -> str:
        return reverse("monitoring-contract", kwargs={"monitored_contract_id": self.contract.pk})


class VisitRecordView(VisitMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = VisitRecordForm
    heading = "Record the visit"
    button = "Save"

    def get_intro(self) -> str:
        return f"Planned for {self.visit.planned_on:%-d %B %Y}: {self.visit.purpose}"

    def get_initial(self) -> dict[str, Any]:
        v = self.visit
        return {
            "visited_on": v.visited_on or (v.planned_on if v.planned_on <= timezone.localdate() else None),
            "visitors": v.visitors,
            "notes": v.notes,
            "findings": v.findings,
        }

    def act(self, form: Any) -> HttpResponse:
        visit_record(visit=self.visit, by=self.acting, **form.cleaned_data)
        return self.done("Visit recorded", self.back_url())


class VisitCancelView(VisitMixin, PostOnly):
    required_roles = LEAD_ROLES
    form_class = CancelForm

    def act(self, form: Any) -> HttpResponse:
        visit_cancel(visit=self.visit, reason=form.cleaned_data["reason"], by=self.acting)
        return redirect(self.back_url())


class PlanMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.plan = get_object_or_404(
            ImprovementPlan.objects.select_related("contract__commission__lead", "contract__provider"),
            pk=kwargs["improvement_plan_id"],
        )
        self.contract = self.plan.contract

    def back_url(self) -> str:
        return reverse("improvement-plan", kwargs={"improvement_plan_id": self.plan.pk})

    def get_caption(self) -> str:
        return f"{self.contract.title}: {self.plan.title}"


class PlanDetailView(PlanMixin, MemberTemplateView):
    template_name = "monitoring/plan_detail.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        is_provider = permissions.is_provider(self.contract, self.acting)
        return super().get_context_data(
            plan=self.plan,
            contract=self.contract,
            actions=list(self.plan.actions.select_related("owner_organisation")),
            kpis=list(self.plan.kpis.all()),
            is_lead=permissions.is_lead(self.contract, self.acting),
            is_provider=is_provider,
            today=timezone.localdate(),
            history=audit.reveal(audit.history_for(self.plan)[:30], self.acting),
            **kwargs,
        )


class PlanLeadMixin(PlanMixin):
    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        if not permissions.is_lead(self.contract, self.acting):
            raise NotPermitted("Only the lead commissioner can change the plan")


class ActionAddView(PlanLeadMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = ActionForm
    heading = "Add an action"
    button = "Add the action"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organisations"] = [self.contract.provider, self.contract.commission.lead]
        return kwargs

    def act(self, form: Any) -> HttpResponse:
        d = form.cleaned_data
        action_add(
            plan=self.plan,
            action=d["action"],
            owner_name=d["owner_name"],
            owner_organisation=form.organisations[d["owner_organisation"]],
            due_on=d["due_on"],
            by=self.acting,
        )
        return self.done("Action added", self.back_url())


class PlanCloseView(PlanLeadMixin, PostOnly):
    required_roles = LEAD_ROLES
    form_class = PlanCloseForm

    def act(self, form: Any) -> HttpResponse:
        plan_close(plan=self.plan, note=form.cleaned_data["note"], by=self.acting)
        return self.done("Plan closed", self.back_url())


class ActionProgressView(FormPage):
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES
    form_class = ActionProgressForm
    heading = "Update progress"

    def load(self, **kwargs: Any) -> None:
        self.action = get_object_or_404(
            ImprovementAction.objects.select_related("plan__contract__commission"), pk=kwargs["improvement_action_id"]
        )
        self.plan = self.action.plan

    def get_intro(self) -> str:
        return f"{self.action.action} (owner: {self.action.owner_name}, due {self.action.due_on:%-d %B %Y})"

    def back_url(self) -> str:
        return reverse("improvement-plan", kwargs={"improvement_plan_id": self.plan.pk})

    def get_initial(self) -> dict[str, Any]:
        return {"status": self.action.status, "progress": self.action.progress}

    def act(self, form: Any) -> HttpResponse:
        action_update(action=self.action, by=self.acting, **form.cleaned_data)
        return self.done("Progress saved", self.back_url())
