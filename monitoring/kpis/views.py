"""Pages for KPIs, agreed before award: the sets, drafting, partners' responses and the set's steps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from commissioning.models import OPEN_STATUSES, JointCommission, Outcome
from core import audit
from core.views import FormPage, MemberTemplateView, TransitionView
from monitoring import permissions
from monitoring.kpis.forms import KpiForm, KpiSetEditForm, KpiSetForm, RespondForm
from monitoring.kpis.models import Kpi, KpiSet, KpiSetStatus
from monitoring.kpis.selectors import agreement_status, kpi_sets_for
from monitoring.kpis.services import (
    kpi_add,
    kpi_remove,
    kpi_set_create,
    kpi_set_respond,
    kpi_set_transition,
    kpi_set_update,
    kpi_update,
)
from monitoring.kpis.workflows import KPI_SET_WORKFLOW
from monitoring.pages import PostOnly
from monitoring.permissions import LEAD_ROLES, PUBLIC_READ_ROLES, READ_ROLES
from procurement.tenders.models import Lot


class KpiSetMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.kpi_set = get_object_or_404(
            KpiSet.objects.select_related("commission__lead", "commission__partnership", "lot"),
            pk=kwargs["kpi_set_id"],
        )

    def back_url(self) -> str:
        return reverse("kpi-set", kwargs={"kpi_set_id": self.kpi_set.pk})

    def get_caption(self) -> str:
        return f"{self.kpi_set.commission.title}"

    @property
    def is_lead(self) -> bool:
        return permissions.is_lead_of(self.kpi_set.commission, self.acting)


class KpiSetListView(MemberTemplateView):
    template_name = "monitoring/kpi_sets.html"
    required_roles = PUBLIC_READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        return super().get_context_data(
            kpi_sets=list(kpi_sets_for(organisation=organisation)),
            may_create=self.acting.has_role(*LEAD_ROLES),
            **kwargs,
        )


class KpiSetCreateView(FormPage):
    required_roles = LEAD_ROLES
    form_class = KpiSetForm
    heading = "Draft KPIs for a joint commission"
    intro = (
        "Draft the KPIs before the contract is awarded. You share them with the partners taking part; each "
        "comments or agrees, and you record the agreement."
    )
    button = "Create"

    def commissions(self) -> Any:
        return JointCommission.objects.filter(lead=self.acting.organisation, status__in=list(OPEN_STATUSES)).order_by(
            "title"
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        commissions = self.commissions()
        kwargs["commissions"] = commissions
        kwargs["lots"] = Lot.objects.filter(tender__commission__in=commissions).select_related("tender")
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        raw = self.request.GET.get("commission", "")
        return {"commission": int(raw)} if raw.isdigit() else {}

    def back_url(self) -> str:
        return reverse("kpi-sets")

    def act(self, form: Any) -> HttpResponse:
        d = form.cleaned_data
        kpi_set = kpi_set_create(
            commission=d["commission"],
            lot=d["lot"],
            title=d["title"],
            return_frequency=d["return_frequency"],
            return_due_days=d["return_due_days"],
            reminder_days=d["reminder_days"],
            by=self.acting,
        )
        return self.done("KPIs created: now add each KPI", "kpi-set", kpi_set_id=kpi_set.pk)


class KpiSetDetailView(KpiSetMixin, MemberTemplateView):
    template_name = "monitoring/kpi_set_detail.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kpi_set = self.kpi_set
        is_partner_commissioner = permissions.may_respond_to_kpis(kpi_set.commission, self.acting)
        return super().get_context_data(
            kpi_set=kpi_set,
            kpis=list(kpi_set.kpis.select_related("outcome")),
            positions=agreement_status(kpi_set) if self.acting.organisation.is_public_sector else [],
            is_lead=self.is_lead,
            steps=KPI_SET_WORKFLOW.possible_for(kpi_set, self.acting) if self.is_lead else [],
            may_respond=is_partner_commissioner and kpi_set.status == KpiSetStatus.CONSULTATION,
            history=audit.reveal(audit.history_for(kpi_set)[:30], self.acting),
            **kwargs,
        )


class KpiSetEditView(KpiSetMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = KpiSetEditForm
    heading = "Change the KPIs' settings"

    def get_initial(self) -> dict[str, Any]:
        s = self.kpi_set
        return {
            "title": s.title,
            "return_frequency": s.return_frequency,
            "return_due_days": s.return_due_days,
            "reminder_days": ", ".join(str(d) for d in s.reminder_days),
        }

    def act(self, form: Any) -> HttpResponse:
        kpi_set_update(kpi_set=self.kpi_set, by=self.acting, **form.cleaned_data)
        return self.done("Saved", self.back_url())


class KpiFormMixin(KpiSetMixin):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["outcomes"] = Outcome.objects.filter(partnership_id=self.kpi_set.commission.partnership_id)
        return kwargs


class KpiAddView(KpiFormMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = KpiForm
    heading = "Add a KPI"
    button = "Add the KPI"

    def act(self, form: Any) -> HttpResponse:
        kpi_add(kpi_set=self.kpi_set, by=self.acting, **form.cleaned_data)
        return self.done(f"Added “{form.cleaned_data['name']}”", self.back_url())


class KpiEditView(KpiFormMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = KpiForm
    heading = "Change a KPI"

    def load(self, **kwargs: Any) -> None:
        self.kpi = get_object_or_404(Kpi.objects.select_related("kpi_set__commission"), pk=kwargs["kpi_id"])
        self.kpi_set = self.kpi.kpi_set

    def get_initial(self) -> dict[str, Any]:
        k = self.kpi
        return {
            "name": k.name,
            "definition": k.definition,
            "unit": k.unit,
            "target": f"{k.target.normalize():f}",
            "frequency": k.frequency,
            "direction": k.direction,
            "green_threshold": f"{k.green_threshold.normalize():f}",
            "red_threshold": f"{k.red_threshold.normalize():f}",
            "outcome": k.outcome_id,
            "evidence_required": k.evidence_required,
            "payment_linked": k.payment_linked,
        }

    def act(self, form: Any) -> HttpResponse:
        kpi_update(kpi=self.kpi, by=self.acting, **form.cleaned_data)
        return self.done("Saved", self.back_url())


class KpiRemoveView(PostOnly):
    required_roles = LEAD_ROLES

    def load(self, **kwargs: Any) -> None:
        self.kpi = get_object_or_404(Kpi.objects.select_related("kpi_set"), pk=kwargs["kpi_id"])

    def back_url(self) -> str:
        return reverse("kpi-set", kwargs={"kpi_set_id": self.kpi.kpi_set_id})

    def act(self, form: Any) -> HttpResponse:
        kpi_remove(kpi=self.kpi, by=self.acting)
        return self.done(f"Removed “{self.kpi.name}”", self.back_url())


class KpiSetRespondView(KpiSetMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = RespondForm
    heading = "Respond to the KPIs"
    button = "Send"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.may_respond_to_kpis(self.kpi_set.commission, self.acting):
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def act(self, form: Any) -> HttpResponse:
        agree = form.cleaned_data["answer"] == "agree"
        kpi_set_respond(kpi_set=self.kpi_set, agree=agree, text=form.cleaned_data["text"], by=self.acting)
        return self.done("Your agreement is recorded" if agree else "Your comment is sent to the lead", self.back_url())


class KpiSetTransitionView(KpiSetMixin, TransitionView):
    required_roles = LEAD_ROLES
    workflow = KPI_SET_WORKFLOW

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.kpi_set

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return kpi_set_transition(kpi_set=obj, name=name, by=self.acting, reason=reason)

    def get_success_url(self) -> str:
        return self.back_url()
