"""Pages: the partnership's forward plans (timeline, overlaps, a joint commission from an overlap), a plan's own
page, publishing, and the public pipeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from commissioning.plans.forms import PlanForm, WindowForm
from commissioning.plans.models import DEFAULT_OVERLAP_MONTHS, ForwardPlan
from commissioning.plans.rules import may_edit
from commissioning.plans.selectors import pipeline, published_plans
from commissioning.plans.services import commission_from_plans, plan_create, plan_update, plans_publish
from commissioning.plans.workflows import PLAN_WORKFLOW
from commissioning.service_map.models import ServiceArea
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from commissioning.service_map.views import PartnershipMixin
from core import audit
from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, MemberView, PublicView, TransitionView


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values[:200] if v.isdigit() and len(v) < 12]


class PlansView(PartnershipMixin, MemberTemplateView):
    template_name = "commissioning/plans/pipeline.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = WindowForm(self.request.GET or None)
        months = DEFAULT_OVERLAP_MONTHS
        if form.is_bound and form.is_valid() and form.cleaned_data["window"]:
            months = form.cleaned_data["window"]
        data = pipeline(partnership=self.partnership, today=timezone.localdate(), months=months)
        own = self.acting.organisation.pk
        return super().get_context_data(
            partnership=self.partnership,
            pipeline=data,
            window_form=form,
            own_plans=[p for p in data.plans if p.organisation_id == own and p.is_active],
            own_id=own,
            may_write=self.acting.has_role(*WRITE_ROLES),
            **kwargs,
        )


class PlanCreateView(PartnershipMixin, FormPage):
    form_class = PlanForm
    required_roles = WRITE_ROLES
    heading = "Add a forward plan"
    button = "Save plan"

    def get_caption(self) -> str:
        return f"{self.acting.organisation.name}: {self.partnership.name}"

    def get_intro(self) -> str:
        return (
            "Record what your organisation plans to commission or fund in the next 18 months, so partners see "
            "co-commissioning chances early. Only your organisation can change it."
        )

    def back_url(self) -> str:
        return reverse("forward-plans", kwargs={"partnership_id": self.partnership.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "areas": ServiceArea.objects.filter(partnership=self.partnership)}

    def act(self, form: PlanForm) -> HttpResponse:
        plan = plan_create(by=self.acting, **form.cleaned_data)
        return self.done(f"Plan added: {plan.title}", "forward-plans", partnership_id=self.partnership.pk)


class PlanMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.plan = get_object_or_404(
            ForwardPlan.objects.select_related("organisation", "service_area", "partnership", "commission"),
            pk=kwargs["plan_id"],
        )


class PlanDetailView(PlanMixin, FormPage):
    """A plan's page: its details (a form for its owner), its steps and its history."""

    template_name = "commissioning/plans/plan.html"
    form_class = PlanForm
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    button = "Save changes"

    def get_heading(self) -> str:
        return self.plan.title

    def get_caption(self) -> str:
        return f"{self.plan.organisation.name}: forward plan"

    def back_url(self) -> str:
        return reverse("forward-plans", kwargs={"partnership_id": self.plan.partnership_id})

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["initial"] = {
                name: getattr(self.plan, name)
                for name in (
                    "title",
                    "category",
                    "service_category",
                    "description",
                    "estimated_value",
                    "procurement_date",
                    "start_date",
                )
            } | {"service_area": self.plan.service_area_id}
        return {**kwargs, "areas": ServiceArea.objects.filter(partnership_id=self.plan.partnership_id)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        editable = may_edit(self.plan, self.acting) and self.plan.is_active
        return super().get_context_data(
            plan=self.plan,
            read_only=not editable,
            steps=PLAN_WORKFLOW.possible_for(self.plan, self.acting),
            history=audit.reveal(audit.history_for(self.plan).order_by("-occurred_at", "-pk")[:50], self.acting),
            **kwargs,
        )

    def act(self, form: PlanForm) -> HttpResponse:
        plan_update(plan=self.plan, changes=form.cleaned_data, by=self.acting)
        return self.done("Plan saved", "forward-plan", plan_id=self.plan.pk)


class PlanTransitionView(PlanMixin, TransitionView):
    workflow = PLAN_WORKFLOW
    required_roles = WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.plan

    def get_success_url(self) -> str:
        return reverse("forward-plan", kwargs={"plan_id": self.plan.pk})


class PlansPublishView(PartnershipMixin, MemberView):
    """Publish (or take off) the chosen plans of one's own on the public pipeline."""

    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        ids = _ids(request.POST.getlist("plans"))
        publish = request.POST.get("action", "publish") != "unpublish"
        try:
            done = plans_publish(
                plans=ForwardPlan.objects.filter(partnership=self.partnership, pk__in=ids),
                publish=publish,
                by=self.acting,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            what = "published on the public pipeline" if publish else "taken off the public pipeline"
            messages.success(request, f"{len(done)} plan{'s' if len(done) != 1 else ''} {what}")
        return redirect("forward-plans", partnership_id=self.partnership.pk)


class JointCommissionFromPlansView(PartnershipMixin, MemberView):
    """ "Start a joint commission from these plans": one click on an overlap."""

    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        plans = ForwardPlan.objects.filter(partnership=self.partnership, pk__in=_ids(request.POST.getlist("plans")))
        window = request.POST.get("window", "")
        months = int(window) if window.isdigit() and 1 <= int(window) <= 24 else DEFAULT_OVERLAP_MONTHS
        try:
            commission = commission_from_plans(
                plans=plans, contracts=_ids(request.POST.getlist("contracts")), months=months, by=self.acting
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("forward-plans", partnership_id=self.partnership.pk)
        return self.done(
            f"Joint commission started: {commission.title}. The other partners are invited.",
            "commission-detail",
            commission_id=commission.pk,
        )


class PublicPipelineView(PublicView, TemplateView):
    """The public pipeline: the plans partners have published, for providers to see what is coming."""

    template_name = "commissioning/plans/public_pipeline.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(plans=list(published_plans()), **kwargs)
