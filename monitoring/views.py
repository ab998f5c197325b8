"""Pages for contract monitoring: KPIs agreed before award, returns and their review, visits, improvement plans, the
end of the contract, performance reports and the portfolio."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import FormView

from boards.models import Board
from commissioning.models import OPEN_STATUSES, JointCommission, Outcome
from core import audit
from core.errors import DomainError, PermissionDenied
from core.files import KeepUploadsMixin, serve
from core.forms import BoundedForm
from core.pdf import render_pdf
from core.views import MemberTemplateView, MemberView, apply_domain_error, form_invalid_response
from monitoring import forms as f
from monitoring import permissions, selectors, services
from monitoring.models import (
    DecommissioningStep,
    EndReview,
    ImprovementAction,
    ImprovementPlan,
    Kpi,
    KpiReturn,
    KpiSet,
    KpiSetStatus,
    MonitoringVisit,
    OutcomeFollowUp,
    ReturnEvidence,
    ReturnStatus,
)
from monitoring.permissions import (
    ACTING_ROLES,
    LEAD_ROLES,
    PROVIDER_ROLES,
    PUBLIC_READ_ROLES,
    READ_ROLES,
    REPORT_ROLES,
)
from monitoring.workflows import END_REVIEW_WORKFLOW, KPI_SET_WORKFLOW, RETURN_WORKFLOW
from partners.models import Organisation
from procurement.models import Contract, Lot


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class FormPage(MemberView, FormView):
    """A form page: a service call in ``act``; a refusal is shown on the form (status 400), nothing lost."""

    template_name = "monitoring/form.html"
    heading = ""
    button = "Save"
    intro = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            heading=self.get_heading(),
            caption=self.get_caption(),
            button=self.button,
            intro=self.get_intro(),
            back_url=self.back_url(),
            **kwargs,
        )

    def get_heading(self) -> str:
        return self.heading

    def get_intro(self) -> str:
        return self.intro

    def get_caption(self) -> str:
        return ""

    def back_url(self) -> str:
        return ""

    def act(self, form: Any) -> HttpResponse:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return self.act(form)
        except DomainError as error:
            if isinstance(error, PermissionDenied):
                raise
            apply_domain_error(form, error)
            return form_invalid_response(self, form)

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PostOnly(MemberView):
    """A button's target: validates the posted form (400 when incomplete), calls a service, redirects back."""

    http_method_names = ["post"]
    form_class: Any = None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            messages.error(request, "Something is missing: " + "; ".join(" ".join(v) for v in form.errors.values()))
            return redirect(self.back_url())
        try:
            return self.act(form)
        except DomainError as error:
            if isinstance(error, PermissionDenied):
                raise
            messages.error(request, str(error))
            return redirect(self.back_url())

    def act(self, form: Any) -> HttpResponse:
        raise NotImplementedError

    def back_url(self) -> str:
        return reverse("monitoring-contracts")


# --------------------------------------------------------------------------------------------------------------
# Loading URL objects (inside the tenant scope: another organisation's object is a 404)
# --------------------------------------------------------------------------------------------------------------


class ContractMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.contract = get_object_or_404(
            selectors.annotate_contracts(Contract.objects.all()), pk=kwargs["monitored_contract_id"]
        )

    def back_url(self) -> str:
        return reverse("monitoring-contract", kwargs={"monitored_contract_id": self.contract.pk})

    def get_caption(self) -> str:
        return f"{self.contract.title} — {self.contract.provider}"

    def require_lead(self) -> None:
        if not permissions.is_lead(self.contract, self.acting):
            raise PermissionDenied(f"Only the lead commissioner ({self.contract.commission.lead}) can do this")


class LeadContractMixin(ContractMixin):
    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.require_lead()


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


class ReturnMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.kpi_return = get_object_or_404(
            KpiReturn.objects.select_related("contract__commission__lead", "contract__provider", "kpi_set"),
            pk=kwargs["kpi_return_id"],
        )
        self.contract = self.kpi_return.contract

    def back_url(self) -> str:
        return reverse("kpi-return", kwargs={"kpi_return_id": self.kpi_return.pk})

    def get_caption(self) -> str:
        return f"{self.contract.title}: {self.kpi_return.label} return"

    @property
    def is_provider(self) -> bool:
        return permissions.is_provider(self.contract, self.acting)

    @property
    def is_lead(self) -> bool:
        return permissions.is_lead(self.contract, self.acting)


# --------------------------------------------------------------------------------------------------------------
# Portfolios
# --------------------------------------------------------------------------------------------------------------


class ContractListView(MemberTemplateView):
    """The contracts the organisation is part of, with the last twelve periods' returns: the organisation's
    portfolio (a provider sees its own contracts; a partner, those it funds or leads)."""

    template_name = "monitoring/contracts.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        boards = list(Board.objects.filter(members__person=self.request.user, members__active=True).distinct())
        return super().get_context_data(
            portfolio=selectors.organisation_portfolio(organisation=organisation),
            boards=boards,
            is_public=organisation.is_public_sector,
            **kwargs,
        )


class BoardPortfolioView(MemberTemplateView):
    """Every contract of the board's partnership: for the board's members and clerks."""

    template_name = "monitoring/board_portfolio.html"
    required_roles = PUBLIC_READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.board = get_object_or_404(Board.objects.select_related("partnership"), pk=kwargs["board_id"])
        if not permissions.sits_on(self.board, self.request.user):
            raise PermissionDenied("Only the board's members and clerks see its portfolio")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            board=self.board,
            portfolio=selectors.board_portfolio(
                board=self.board, user=self.request.user, organisation=self.acting.organisation
            ),
            **kwargs,
        )


class PartnerReportMixin:
    acting: Any
    request: HttpRequest

    def load(self, **kwargs: Any) -> None:
        """Your own organisation's report; a lead commissioner may also prepare one for a partner (limited to the
        contracts it leads)."""
        self.partner: Organisation = self.acting.organisation
        self.led_by: Organisation | None = None
        raw = self.request.GET.get("organisation", "")
        if raw.isdigit() and int(raw) != self.partner.pk:
            if not self.acting.has_role(*LEAD_ROLES):
                raise PermissionDenied("You can see your own organisation's report only")
            partner = Organisation.objects.filter(pk=int(raw)).first()
            led = Contract.objects.filter(commission__lead=self.acting.organisation, shares__organisation=partner)
            if partner is None or not led.exists():
                raise Http404("No contract you lead has that partner")
            self.partner, self.led_by = partner, self.acting.organisation

    def report(self) -> selectors.PerformanceReport:
        return selectors.partner_report(organisation=self.acting.organisation, partner=self.partner, led_by=self.led_by)


class PartnerReportView(PartnerReportMixin, MemberTemplateView):
    template_name = "monitoring/partner_report.html"
    required_roles = REPORT_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = f"?organisation={self.partner.pk}" if self.led_by else ""
        return super().get_context_data(report=self.report(), partner=self.partner, query=query, **kwargs)


class PartnerReportPdfView(PartnerReportMixin, MemberView):
    required_roles = REPORT_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.report()
        content = render_pdf("monitoring/report_pdf.html", {"report": report, "partner": self.partner})
        return _pdf(content, f"performance-{slugify(self.partner.name)}-{timezone.localdate():%Y-%m-%d}.pdf")


# --------------------------------------------------------------------------------------------------------------
# KPIs, agreed before award
# --------------------------------------------------------------------------------------------------------------


class KpiSetListView(MemberTemplateView):
    template_name = "monitoring/kpi_sets.html"
    required_roles = PUBLIC_READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        return super().get_context_data(
            kpi_sets=list(selectors.kpi_sets_for(organisation=organisation)),
            may_create=self.acting.has_role(*LEAD_ROLES),
            **kwargs,
        )


class KpiSetCreateView(FormPage):
    required_roles = LEAD_ROLES
    form_class = f.KpiSetForm
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
        kpi_set = services.kpi_set_create(
            commission=d["commission"],
            lot=d["lot"],
            title=d["title"],
            return_frequency=d["return_frequency"],
            return_due_days=d["return_due_days"],
            reminder_days=d["reminder_days"],
            by=self.acting,
        )
        messages.success(self.request, "KPIs created: now add each KPI")
        return redirect("kpi-set", kpi_set_id=kpi_set.pk)


class KpiSetDetailView(KpiSetMixin, MemberTemplateView):
    template_name = "monitoring/kpi_set_detail.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kpi_set = self.kpi_set
        is_partner_commissioner = permissions.may_respond_to_kpis(kpi_set.commission, self.acting)
        return super().get_context_data(
            kpi_set=kpi_set,
            kpis=list(kpi_set.kpis.select_related("outcome")),
            positions=selectors.agreement_status(kpi_set) if self.acting.organisation.is_public_sector else [],
            is_lead=self.is_lead,
            steps=KPI_SET_WORKFLOW.possible_for(kpi_set, self.acting) if self.is_lead else [],
            may_respond=is_partner_commissioner and kpi_set.status == KpiSetStatus.CONSULTATION,
            history=audit.reveal(audit.history_for(kpi_set)[:30], self.acting),
            **kwargs,
        )


class KpiSetEditView(KpiSetMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.KpiSetEditForm
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
        services.kpi_set_update(kpi_set=self.kpi_set, by=self.acting, **form.cleaned_data)
        messages.success(self.request, "Saved")
        return redirect(self.back_url())


class KpiFormMixin(KpiSetMixin):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["outcomes"] = Outcome.objects.filter(partnership_id=self.kpi_set.commission.partnership_id)
        return kwargs


class KpiAddView(KpiFormMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.KpiForm
    heading = "Add a KPI"
    button = "Add the KPI"

    def act(self, form: Any) -> HttpResponse:
        services.kpi_add(kpi_set=self.kpi_set, by=self.acting, **form.cleaned_data)
        messages.success(self.request, f"Added “{form.cleaned_data['name']}”")
        return redirect(self.back_url())


class KpiEditView(KpiFormMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.KpiForm
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
        services.kpi_update(kpi=self.kpi, by=self.acting, **form.cleaned_data)
        messages.success(self.request, "Saved")
        return redirect(self.back_url())


class KpiRemoveView(PostOnly):
    required_roles = LEAD_ROLES

    def load(self, **kwargs: Any) -> None:
        self.kpi = get_object_or_404(Kpi.objects.select_related("kpi_set"), pk=kwargs["kpi_id"])

    def back_url(self) -> str:
        return reverse("kpi-set", kwargs={"kpi_set_id": self.kpi.kpi_set_id})

    def act(self, form: Any) -> HttpResponse:
        services.kpi_remove(kpi=self.kpi, by=self.acting)
        messages.success(self.request, f"Removed “{self.kpi.name}”")
        return redirect(self.back_url())


class KpiSetRespondView(KpiSetMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.RespondForm
    heading = "Respond to the KPIs"
    button = "Send"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.may_respond_to_kpis(self.kpi_set.commission, self.acting):
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def act(self, form: Any) -> HttpResponse:
        agree = form.cleaned_data["answer"] == "agree"
        services.kpi_set_respond(kpi_set=self.kpi_set, agree=agree, text=form.cleaned_data["text"], by=self.acting)
        messages.success(self.request, "Your agreement is recorded" if agree else "Your comment is sent to the lead")
        return redirect(self.back_url())


class KpiSetTransitionView(KpiSetMixin, PostOnly):
    required_roles = LEAD_ROLES
    form_class = f.TransitionForm

    def act(self, form: Any) -> HttpResponse:
        name = form.cleaned_data["name"]
        services.kpi_set_transition(
            kpi_set=self.kpi_set, name=name, by=self.acting, reason=form.cleaned_data.get("reason", "")
        )
        messages.success(self.request, KPI_SET_WORKFLOW[name].label if name in KPI_SET_WORKFLOW.transitions else "Done")
        return redirect(self.back_url())


# --------------------------------------------------------------------------------------------------------------
# A contract's performance
# --------------------------------------------------------------------------------------------------------------


class ContractDetailView(ContractMixin, MemberTemplateView):
    template_name = "monitoring/contract_detail.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        perf = selectors.contract_performance(contract=self.contract, organisation=organisation)
        is_lead = permissions.is_lead(self.contract, self.acting)
        return super().get_context_data(
            contract=self.contract,
            perf=perf,
            is_lead=is_lead,
            is_provider=permissions.is_provider(self.contract, self.acting),
            is_public=organisation.is_public_sector,
            report_partners=selectors.report_partners(contract=self.contract) if is_lead else [],
            follow_ups=list(OutcomeFollowUp.objects.filter(contract=self.contract).select_related("outcome")),
            today=timezone.localdate(),
            **kwargs,
        )


class ContractReportPdfView(ContractMixin, MemberView):
    required_roles = READ_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = selectors.contract_report(contract=self.contract, organisation=self.acting.organisation)
        content = render_pdf("monitoring/report_pdf.html", {"report": report, "partner": None})
        return _pdf(content, f"performance-{slugify(self.contract.title)}-{timezone.localdate():%Y-%m-%d}.pdf")


class ReturnStartForm(BoundedForm):
    period_start = f.forms.DateField()


class ReturnStartView(ContractMixin, PostOnly):
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES
    form_class = ReturnStartForm

    def act(self, form: Any) -> HttpResponse:
        kpi_return = services.return_start(
            contract=self.contract, period_start=form.cleaned_data["period_start"], by=self.acting
        )
        return redirect("kpi-return-edit", kpi_return_id=kpi_return.pk)


class VisitPlanView(LeadContractMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.VisitForm
    heading = "Plan a monitoring visit"
    intro = "See the service in practice, not only the paperwork. The provider is told the date and purpose."
    button = "Plan the visit"

    def act(self, form: Any) -> HttpResponse:
        services.visit_plan(contract=self.contract, by=self.acting, **form.cleaned_data)
        messages.success(self.request, "Visit planned: the provider has been told")
        return redirect(self.back_url())


class PlanOpenView(LeadContractMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.PlanForm
    heading = "Open an improvement plan"
    intro = "Support first: say what help the commissioners will give, then agree actions with owners and dates."
    button = "Open the plan"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kpi_set = services.kpi_set_for(self.contract)
        kwargs["kpis"] = Kpi.objects.filter(kpi_set=kpi_set) if kpi_set else Kpi.objects.none()
        return kwargs

    def act(self, form: Any) -> HttpResponse:
        source = None
        raw = self.request.GET.get("return", "")
        if raw.isdigit():
            source = KpiReturn.objects.filter(pk=int(raw), contract=self.contract).first()
        plan = services.plan_open(contract=self.contract, by=self.acting, source_return=source, **form.cleaned_data)
        messages.success(self.request, "Improvement plan opened: now add the actions")
        return redirect("improvement-plan", improvement_plan_id=plan.pk)


class EndReviewView(ContractMixin, MemberTemplateView):
    """The end-of-contract review: feedback to the provider (required before closing), decommissioning steps and
    outcome tracking after the end."""

    template_name = "monitoring/end_review.html"
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        review = EndReview.objects.filter(contract=self.contract).first()
        is_lead = permissions.is_lead(self.contract, self.acting)
        return super().get_context_data(
            contract=self.contract,
            review=review,
            steps=list(review.steps.all()) if review else [],
            is_lead=is_lead,
            transitions=END_REVIEW_WORKFLOW.possible_for(review, self.acting) if review and is_lead else [],
            follow_ups=list(OutcomeFollowUp.objects.filter(contract=self.contract).select_related("outcome")),
            history=audit.reveal(audit.history_for(review)[:30], self.acting) if review else [],
            today=timezone.localdate(),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        review = services.review_start(contract=self.contract, by=self.acting)
        messages.success(request, "End of contract review started")
        return redirect("end-review", monitored_contract_id=review.contract_id)


class FollowUpAddView(LeadContractMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.FollowUpForm
    heading = "Track an outcome after the contract"
    button = "Add"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["outcomes"] = Outcome.objects.filter(partnership_id=self.contract.commission.partnership_id)
        return kwargs

    def back_url(self) -> str:
        return reverse("end-review", kwargs={"monitored_contract_id": self.contract.pk})

    def act(self, form: Any) -> HttpResponse:
        services.follow_up_add(contract=self.contract, by=self.acting, **form.cleaned_data)
        return redirect(self.back_url())


# --------------------------------------------------------------------------------------------------------------
# Returns
# --------------------------------------------------------------------------------------------------------------


class ReturnDetailView(ReturnMixin, MemberTemplateView):
    template_name = "monitoring/return_detail.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        r = self.kpi_return
        is_lead = self.is_lead
        values = selectors.return_values(r)
        return super().get_context_data(
            kpi_return=r,
            contract=self.contract,
            values=values,
            evidence=list(r.evidence.all()),
            queries=list(r.queries.all()),
            is_lead=is_lead,
            is_provider=self.is_provider,
            confidential=selectors.confidential_feedback_for(kpi_return=r, by=self.acting),
            review_form=f.ReviewForm() if is_lead and r.status in ("submitted", "answered") else None,
            submit_problems=(
                RETURN_WORKFLOW.refusals(r, "submit", self.acting)
                if self.is_provider and r.status == ReturnStatus.DRAFT
                else []
            ),
            reds=sum(1 for v in values if v.rag == "red"),
            history=audit.reveal(audit.history_for(r)[:40], self.acting),
            **kwargs,
        )


class ReturnEditView(ReturnMixin, FormPage):
    template_name = "monitoring/return_form.html"
    required_roles = READ_ROLES
    write_roles = PROVIDER_ROLES
    form_class = f.ReturnForm
    button = "Save"

    def get_heading(self) -> str:
        return f"Your {self.kpi_return.label} return"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (self.is_provider and self.kpi_return.provider_may_edit):
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["values"] = selectors.return_values(self.kpi_return)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        r = self.kpi_return
        return {"narrative": r.narrative, "case_studies": r.case_studies, "feedback_summary": r.feedback_summary}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            kpi_return=self.kpi_return, evidence=list(self.kpi_return.evidence.all()), **kwargs
        )

    def act(self, form: Any) -> HttpResponse:
        d = form.cleaned_data
        services.return_save(
            kpi_return=self.kpi_return,
            values=form.value_data(),
            narrative=d["narrative"],
            case_studies=d["case_studies"],
            feedback_summary=d["feedback_summary"],
            confidential_details=d["confidential_details"],
            by=self.acting,
        )
        messages.success(self.request, "Return saved")
        return redirect(self.back_url())


class EvidenceAddView(KeepUploadsMixin, ReturnMixin, FormPage):
    required_roles = READ_ROLES
    write_roles = PROVIDER_ROLES
    form_class = f.EvidenceForm
    heading = "Add evidence"
    button = "Upload"

    def get_intro(self) -> str:
        needed = [
            k.name + ": " + k.evidence_required
            for k in Kpi.objects.filter(values__kpi_return=self.kpi_return).exclude(evidence_required="")
        ]
        return ("Evidence required: " + "; ".join(needed)) if needed else ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (self.is_provider and self.kpi_return.provider_may_edit):
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def act(self, form: Any) -> HttpResponse:
        services.return_add_evidence(
            kpi_return=self.kpi_return,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            by=self.acting,
        )
        messages.success(self.request, "Evidence added")
        return redirect(self.back_url())


class ReturnSubmitView(ReturnMixin, PostOnly):
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES

    def act(self, form: Any) -> HttpResponse:
        services.return_submit(kpi_return=self.kpi_return, by=self.acting)
        messages.success(self.request, "Return submitted: the lead commissioner has been told")
        return redirect(self.back_url())


class ReturnReviewView(ReturnMixin, PostOnly):
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    form_class = f.ReviewForm

    def act(self, form: Any) -> HttpResponse:
        decision, text = form.cleaned_data["decision"], form.cleaned_data["text"]
        if decision == "query":
            services.return_query(kpi_return=self.kpi_return, question=text, by=self.acting)
            messages.success(self.request, "Your question has been sent to the provider")
        elif decision == "accept_with_note":
            if not text.strip():
                raise DomainError("Write the note to accept with")
            services.return_accept(kpi_return=self.kpi_return, note=text, by=self.acting)
            messages.success(self.request, "Return accepted with your note")
        else:
            services.return_accept(kpi_return=self.kpi_return, by=self.acting)
            messages.success(self.request, "Return accepted")
        return redirect(self.back_url())


class ReturnAnswerView(ReturnMixin, FormPage):
    required_roles = READ_ROLES
    write_roles = PROVIDER_ROLES
    form_class = f.AnswerForm
    heading = "Answer the question"
    button = "Send the answer"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (self.is_provider and self.kpi_return.status == ReturnStatus.QUERIED):
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def get_intro(self) -> str:
        query = self.kpi_return.queries.order_by("-asked_at", "-id").first()
        return f"{query.asked_by_name} asked: “{query.question}”" if query else ""

    def act(self, form: Any) -> HttpResponse:
        services.return_answer(kpi_return=self.kpi_return, answer=form.cleaned_data["answer"], by=self.acting)
        messages.success(self.request, "Answer sent to the lead commissioner")
        return redirect(self.back_url())


class EvidenceMixin:
    def load(self, **kwargs: Any) -> None:
        self.evidence = get_object_or_404(
            ReturnEvidence.objects.select_related("kpi_return__contract"), pk=kwargs["return_evidence_id"]
        )

    def back_url(self) -> str:
        return reverse("kpi-return", kwargs={"kpi_return_id": self.evidence.kpi_return_id})


class EvidenceDownloadView(EvidenceMixin, MemberView):
    required_roles = READ_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return serve(self.evidence.file, filename=self.evidence.original_filename)


class EvidenceRemoveView(EvidenceMixin, PostOnly):
    required_roles = READ_ROLES
    write_roles = PROVIDER_ROLES

    def act(self, form: Any) -> HttpResponse:
        services.return_remove_evidence(evidence=self.evidence, by=self.acting)
        messages.success(self.request, "Evidence removed")
        return redirect(self.back_url())


# --------------------------------------------------------------------------------------------------------------
# Visits and improvement plans
# --------------------------------------------------------------------------------------------------------------


class VisitMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.visit = get_object_or_404(
            MonitoringVisit.objects.select_related("contract__commission"), pk=kwargs["visit_id"]
        )
        self.contract = self.visit.contract
        if not permissions.is_lead(self.contract, self.acting):
            raise PermissionDenied("Only the lead commissioner records monitoring visits")

    def back_url(self) -> str:
        return reverse("monitoring-contract", kwargs={"monitored_contract_id": self.contract.pk})


class VisitRecordView(VisitMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.VisitRecordForm
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
        services.visit_record(visit=self.visit, by=self.acting, **form.cleaned_data)
        messages.success(self.request, "Visit recorded")
        return redirect(self.back_url())


class CancelForm(BoundedForm):
    reason = f.forms.CharField(max_length=500)


class VisitCancelView(VisitMixin, PostOnly):
    required_roles = LEAD_ROLES
    form_class = CancelForm

    def act(self, form: Any) -> HttpResponse:
        services.visit_cancel(visit=self.visit, reason=form.cleaned_data["reason"], by=self.acting)
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
            raise PermissionDenied("Only the lead commissioner can change the plan")


class ActionAddView(PlanLeadMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.ActionForm
    heading = "Add an action"
    button = "Add the action"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organisations"] = [self.contract.provider, self.contract.commission.lead]
        return kwargs

    def act(self, form: Any) -> HttpResponse:
        d = form.cleaned_data
        services.action_add(
            plan=self.plan,
            action=d["action"],
            owner_name=d["owner_name"],
            owner_organisation=form.organisations[d["owner_organisation"]],
            due_on=d["due_on"],
            by=self.acting,
        )
        messages.success(self.request, "Action added")
        return redirect(self.back_url())


class PlanCloseView(PlanLeadMixin, PostOnly):
    required_roles = LEAD_ROLES
    form_class = f.PlanCloseForm

    def act(self, form: Any) -> HttpResponse:
        services.plan_close(plan=self.plan, note=form.cleaned_data["note"], by=self.acting)
        messages.success(self.request, "Plan closed")
        return redirect(self.back_url())


class ActionProgressView(FormPage):
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES
    form_class = f.ActionProgressForm
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
        services.action_update(action=self.action, by=self.acting, **form.cleaned_data)
        messages.success(self.request, "Progress saved")
        return redirect(self.back_url())


# --------------------------------------------------------------------------------------------------------------
# The end of the contract
# --------------------------------------------------------------------------------------------------------------


class ReviewMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.review = get_object_or_404(
            EndReview.objects.select_related("contract__commission"), pk=kwargs["end_review_id"]
        )
        self.contract = self.review.contract
        if not permissions.is_lead(self.contract, self.acting):
            raise PermissionDenied("Only the lead commissioner runs the end of the contract")

    def back_url(self) -> str:
        return reverse("end-review", kwargs={"monitored_contract_id": self.contract.pk})


class EndReviewEditView(ReviewMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.EndReviewForm
    heading = "End of contract review"

    def get_initial(self) -> dict[str, Any]:
        r = self.review
        return {"summary": r.summary, "lessons": r.lessons, "feedback": r.feedback, "track_outcomes": r.track_outcomes}

    def act(self, form: Any) -> HttpResponse:
        services.review_update(review=self.review, by=self.acting, **form.cleaned_data)
        messages.success(self.request, "Saved")
        return redirect(self.back_url())


class EndReviewTransitionView(ReviewMixin, PostOnly):
    required_roles = LEAD_ROLES
    form_class = f.TransitionForm

    def act(self, form: Any) -> HttpResponse:
        services.review_transition(review=self.review, name=form.cleaned_data["name"], by=self.acting)
        messages.success(self.request, "Done")
        return redirect(self.back_url())


class StepAddView(ReviewMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = f.StepForm
    heading = "Add a decommissioning step"
    button = "Add"

    def act(self, form: Any) -> HttpResponse:
        services.step_add(review=self.review, by=self.acting, **form.cleaned_data)
        return redirect(self.back_url())


class StepUpdateView(FormPage):
    required_roles = LEAD_ROLES
    form_class = f.StepUpdateForm
    heading = "Update a decommissioning step"

    def load(self, **kwargs: Any) -> None:
        self.step = get_object_or_404(
            DecommissioningStep.objects.select_related("review__contract__commission"),
            pk=kwargs["decommissioning_step_id"],
        )
        if not permissions.is_lead(self.step.review.contract, self.acting):
            raise PermissionDenied("Only the lead commissioner runs the end of the contract")

    def get_intro(self) -> str:
        return self.step.title

    def back_url(self) -> str:
        return reverse("end-review", kwargs={"monitored_contract_id": self.step.review.contract_id})

    def get_initial(self) -> dict[str, Any]:
        s = self.step
        return {"done_on": s.done_on, "not_needed": s.not_needed, "note": s.note}

    def act(self, form: Any) -> HttpResponse:
        services.step_update(step=self.step, by=self.acting, **form.cleaned_data)
        return redirect(self.back_url())


class FollowUpRecordView(FormPage):
    required_roles = LEAD_ROLES
    form_class = f.FollowUpRecordForm
    heading = "Record what was found"

    def load(self, **kwargs: Any) -> None:
        self.follow_up = get_object_or_404(
            OutcomeFollowUp.objects.select_related("contract__commission"), pk=kwargs["outcome_follow_up_id"]
        )
        if not permissions.is_lead(self.follow_up.contract, self.acting):
            raise PermissionDenied("Only the lead commissioner records outcomes after the contract")

    def get_intro(self) -> str:
        return f"{self.follow_up.measure} (due {self.follow_up.due_on:%-d %B %Y})"

    def back_url(self) -> str:
        return reverse("end-review", kwargs={"monitored_contract_id": self.follow_up.contract_id})

    def get_initial(self) -> dict[str, Any]:
        return {"finding": self.follow_up.finding}

    def act(self, form: Any) -> HttpResponse:
        services.follow_up_record(follow_up=self.follow_up, finding=form.cleaned_data["finding"], by=self.acting)
        return redirect(self.back_url())
