"""Pages about whole contracts: the list, a board's portfolio, partner reports, one contract's performance page and
the buttons on it (start a return, plan a visit, open a plan, start the end of the contract, add a follow-up).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from boards.models import Board
from commissioning.models import Outcome
from core import audit
from core.errors import NotPermitted
from core.pdf import render_pdf
from core.views import FormPage, MemberTemplateView, MemberView
from monitoring import permissions
from monitoring.contracts.portfolio import board_portfolio, organisation_portfolio, paged
from monitoring.contracts.reports import PerformanceReport, contract_report, partner_report, report_partners
from monitoring.contracts.selectors import annotate_contracts, contract_performance
from monitoring.contracts.social_value import social_value_roll_up
from monitoring.kpis.models import Kpi
from monitoring.kpis.selectors import kpi_set_for
from monitoring.oversight.forms import PlanForm, VisitForm
from monitoring.oversight.services import plan_open, visit_plan
from monitoring.pages import PostOnly, pdf_response
from monitoring.permissions import ACTING_ROLES, LEAD_ROLES, PUBLIC_READ_ROLES, READ_ROLES, REPORT_ROLES
from monitoring.returns.forms import ReturnStartForm
from monitoring.returns.models import KpiReturn
from monitoring.returns.services import return_start
from monitoring.reviews.forms import FollowUpForm
from monitoring.reviews.models import EndReview, OutcomeFollowUp
from monitoring.reviews.services import follow_up_add, review_start
from monitoring.reviews.workflows import END_REVIEW_WORKFLOW
from partners.models import Organisation
from procurement.award.models import Contract


class ContractMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.contract = get_object_or_404(
            annotate_contracts(Contract.objects.all()), pk=kwargs["monitored_contract_id"]
        )

    def back_url(self) -> str:
        return reverse("monitoring-contract", kwargs={"monitored_contract_id": self.contract.pk})

    def get_caption(self) -> str:
        return f"{self.contract.title} — {self.contract.provider}"

    def require_lead(self) -> None:
        if not permissions.is_lead(self.contract, self.acting):
            raise NotPermitted(f"Only the lead commissioner ({self.contract.commission.lead}) can do this")


class LeadContractMixin(ContractMixin):
    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.require_lead()


class ContractListView(MemberTemplateView):
    """The contracts the organisation is part of, with the last twelve periods' returns: the organisation's
    portfolio (a provider sees its own contracts; a partner, those it funds or leads)."""

    template_name = "monitoring/contracts.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        boards = list(Board.objects.filter(members__person=self.request.user, members__active=True).distinct())
        shown, page = paged(
            lambda **part: organisation_portfolio(organisation=organisation, **part),
            scope=("organisation", organisation.pk),
            page_number=self.request.GET.get("page"),
        )
        return super().get_context_data(
            portfolio=shown,
            page=page,
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
            raise NotPermitted("Only the board's members and clerks see its portfolio")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        shown, page = paged(
            lambda **part: board_portfolio(board=self.board, user=self.request.user, organisation=organisation, **part),
            scope=("board", self.board.pk, organisation.pk),
            page_number=self.request.GET.get("page"),
        )
        return super().get_context_data(
            board=self.board,
            portfolio=shown,
            page=page,
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
                raise NotPermitted("You can see your own organisation's report only")
            partner = Organisation.objects.filter(pk=int(raw)).first()
            led = Contract.objects.filter(commission__lead=self.acting.organisation, shares__organisation=partner)
            if partner is None or not led.exists():
                raise Http404("No contract you lead has that partner")
            self.partner, self.led_by = partner, self.acting.organisation

    def report(self) -> PerformanceReport:
        return partner_report(organisation=self.acting.organisation, partner=self.partner, led_by=self.led_by)


class PartnerReportView(PartnerReportMixin, MemberTemplateView):
    template_name = "monitoring/partner_report.html"
    required_roles = REPORT_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = f"?organisation={self.partner.pk}" if self.led_by else ""
        return super().get_context_data(report=self.report(), partner=self.partner, query=query, **kwargs)


class SocialValueView(MemberTemplateView):
    """Social value promised in the winning bids and delivered in accepted returns, per contract and per partner."""

    template_name = "monitoring/social_value.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(rollup=social_value_roll_up(organisation=self.acting.organisation), **kwargs)


class PartnerReportPdfView(PartnerReportMixin, MemberView):
    required_roles = REPORT_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.report()
        content = render_pdf("monitoring/report_pdf.html", {"report": report, "partner": self.partner})
        return pdf_response(content, f"performance-{slugify(self.partner.name)}-{timezone.localdate():%Y-%m-%d}.pdf")


class ContractDetailView(ContractMixin, MemberTemplateView):
    template_name = "monitoring/contract_detail.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        perf = contract_performance(contract=self.contract, organisation=organisation)
        is_lead = permissions.is_lead(self.contract, self.acting)
        return super().get_context_data(
            contract=self.contract,
            perf=perf,
            is_lead=is_lead,
            is_provider=permissions.is_provider(self.contract, self.acting),
            is_public=organisation.is_public_sector,
            report_partners=report_partners(contract=self.contract) if is_lead else [],
            follow_ups=list(OutcomeFollowUp.objects.filter(contract=self.contract).select_related("outcome")),
            today=timezone.localdate(),
            **kwargs,
        )


class ContractReportPdfView(ContractMixin, MemberView):
    required_roles = READ_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = contract_report(contract=self.contract, organisation=self.acting.organisation)
        content = render_pdf("monitoring/report_pdf.html", {"report": report, "partner": None})
        return pdf_response(content, f"performance-{slugify(self.contract.title)}-{timezone.localdate():%Y-%m-%d}.pdf")


class ReturnStartView(ContractMixin, PostOnly):
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES
    form_class = ReturnStartForm

    def act(self, form: Any) -> HttpResponse:
        kpi_return = return_start(
            contract=self.contract, period_start=form.cleaned_data["period_start"], by=self.acting
        )
        return redirect("kpi-return-edit", kpi_return_id=kpi_return.pk)


class VisitPlanView(LeadContractMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = VisitForm
    heading = "Plan a monitoring visit"
    intro = "See the service in practice, not only the paperwork. The provider is told the date and purpose."
    button = "Plan the visit"

    def act(self, form: Any) -> HttpResponse:
        visit_plan(contract=self.contract, by=self.acting, **form.cleaned_data)
        return self.done("Visit planned: the provider has been told", self.back_url())


class PlanOpenView(LeadContractMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = PlanForm
    heading = "Open an improvement plan"
    intro = "Support first: say what help the commissioners will give, then agree actions with owners and dates."
    button = "Open the plan"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kpi_set = kpi_set_for(self.contract)
        kwargs["kpis"] = Kpi.objects.filter(kpi_set=kpi_set) if kpi_set else Kpi.objects.none()
        return kwargs

    def act(self, form: Any) -> HttpResponse:
        source = None
        raw = self.request.GET.get("return", "")
        if raw.isdigit():
            source = KpiReturn.objects.filter(pk=int(raw), contract=self.contract).first()
        plan = plan_open(contract=self.contract, by=self.acting, source_return=source, **form.cleaned_data)
        return self.done(
            "Improvement plan opened: now add the actions", "improvement-plan", improvement_plan_id=plan.pk
        )


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
        review = review_start(contract=self.contract, by=self.acting)
        return self.done("End of contract review started", "end-review", monitored_contract_id=review.contract_id)


class FollowUpAddView(LeadContractMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = FollowUpForm
    heading = "Track an outcome after the contract"
    button = "Add"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["outcomes"] = Outcome.objects.filter(partnership_id=self.contract.commission.partnership_id)
        return kwargs

    def back_url(self) -> str:
        return reverse("end-review", kwargs={"monitored_contract_id": self.contract.pk})

    def act(self, form: Any) -> HttpResponse:
        follow_up_add(contract=self.contract, by=self.acting, **form.cleaned_data)
        return redirect(self.back_url())
