"""Pages: contributions and the finance reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from commissioning.commissions.models import Contribution, Participation, ParticipationStatus
from commissioning.commissions.permissions import is_accepted_participant, is_lead, sees_whole_partnership_report
from commissioning.commissions.views import CommissionMixin
from commissioning.money.exports import report_csv, report_xlsx
from commissioning.money.forms import ContributionsForm, TransferForm, VariationForm
from commissioning.money.models import ContributionChange, ReportFile
from commissioning.money.report_pdf import latest_file, report_digest, report_pdf_request, status_of
from commissioning.money.rules import pro_rata
from commissioning.money.selectors import (
    ContributionReport,
    contribution_report,
    contribution_table,
    contributions_visible,
)
from commissioning.money.services import (
    contribution_confirm,
    contribution_remove,
    contribution_transfer,
    contributions_record,
    contributions_set_annual,
    variation_propose,
    variation_reconfirm,
    variation_withdraw,
)
from commissioning.money.workflows import VARIATION_WORKFLOW
from commissioning.service_map.models import MappedContract as MC
from commissioning.service_map.permissions import FINANCE_ROLES, MONEY_ROLES, READ_ROLES, WRITE_ROLES
from commissioning.service_map.views import CSV, XLSX, PartnershipMixin, download
from core.amounts import AmountError, parse_amount
from core.errors import DomainError, NotPermitted
from core.files import serve
from core.money import format_gbp
from core.views import FormPage, MemberTemplateView, MemberView, TransitionView
from partners.models import Organisation, Role


class CommissionContributionsView(CommissionMixin, FormPage):
    template_name = "commissioning/commission_contributions.html"
    form_class = ContributionsForm
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    button = "Save contributions"

    def _organisations(self) -> Any:
        c = self.commission
        if is_lead(c, self.acting):
            ids = Participation.objects.filter(
                commission=c, status__in=[ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED]
            ).values("organisation_id")
        else:
            ids = Participation.objects.filter(
                commission=c,
                organisation=self.acting.organisation,
                status__in=[ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED],
            ).values("organisation_id")
        return Organisation.objects.filter(pk__in=ids).order_by("name")

    def get_form_kwargs(self) -> dict[str, Any]:

        sources = MC.objects.filter(
            partnership_id=self.commission.partnership_id, service_area_id=self.commission.service_area_id
        ).select_related("funder")
        if not is_lead(self.commission, self.acting):
            sources = sources.filter(funder=self.acting.organisation)
        return {
            **super().get_form_kwargs(),
            "organisations": self._organisations(),
            "parts": self.commission.year_parts,
            "sources": sources.order_by("funder__name", "-alignable", "end_date"),
            "suggestions": getattr(self, "suggestions", None),
        }

    def get_initial(self) -> dict[str, Any]:
        return {"organisation": self.acting.organisation.pk}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        acting = self.acting
        table = contribution_table(commission=c, acting=acting)
        may_record = (
            c.is_planning
            and acting.has_role(Role.COMMISSIONER)
            and (is_lead(c, acting) or any(r.is_own for r in table.rows) or self._organisations().exists())
        )
        return super().get_context_data(
            commission=c,
            table=table,
            is_lead=is_lead(c, acting),
            may_record=may_record,
            own_id=acting.organisation.pk,
            may_confirm=acting.has_role(*MONEY_ROLES) and is_accepted_participant(c, acting.organisation.pk),
            may_transfer=acting.has_role(*MONEY_ROLES),
            may_vary=acting.has_role(*MONEY_ROLES),
            may_confirm_variation=acting.has_role(*MONEY_ROLES),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "suggest" in request.POST:
            return self.suggest(request)
        return super().post(request, *args, **kwargs)

    def suggest(self, request: HttpRequest) -> HttpResponse:
        """Fill each year's box pro rata from a full year's money; nothing is saved until the user saves."""
        try:
            annual = parse_amount(request.POST.get("annual_amount", ""))
        except AmountError as error:
            return self.refuse_suggestion(error.message)
        if annual is None:
            return self.refuse_suggestion(FILL_ANNUAL)
        self.suggestions = pro_rata(annual, self.commission.year_parts)
        data = request.POST.copy()
        for s in self.suggestions:
            data[ContributionsForm.year_field(s.year)] = f"{s.amount:.2f}"
        form = self.form_class(
            data=data, **{k: v for k, v in self.get_form_kwargs().items() if k not in ("data", "files")}
        )
        messages.info(request, f"Suggested split of {format_gbp(annual)} a year filled in below: not saved yet")
        return self.render_to_response(self.get_context_data(form=form, suggested=True))

    def refuse_suggestion(self, message: str) -> HttpResponse:
        form = self.get_form()
        form.is_valid()
        form.add_error("annual_amount", message)
        return self.form_invalid(form)

    def act(self, form: ContributionsForm) -> HttpResponse:
        data = form.cleaned_data
        amounts = form.amounts()
        if not amounts and data["annual_amount"] is not None:
            rows = contributions_set_annual(
                commission=self.commission,
                organisation=data["organisation"],
                annual_amount=data["annual_amount"],
                source=data["source"],
                funding_source=data["funding_source"],
                by=self.acting,
            )
            done = "; ".join(f"{self.commission.year_label(r.financial_year)}: {format_gbp(r.amount)}" for r in rows)
            messages.success(self.request, f"{data['organisation']}: recorded (indicative) {done}")
            return redirect("commission-contributions", commission_id=self.commission.pk)
        if not amounts:
            raise DomainError(
                "Enter an amount for at least one financial year, or a full year's money", field="annual_amount"
            )
        recorded = contributions_record(
            commission=self.commission,
            organisation=data["organisation"],
            amounts=amounts,
            source=data["source"],
            funding_source=data["funding_source"],
            reason=data["reason"],
            by=self.acting,
        )
        messages.success(self.request, f"{data['organisation']}: " + "; ".join(r.message for r in recorded))
        return redirect("commission-contributions", commission_id=self.commission.pk)


FILL_ANNUAL = "Enter a full year's money to suggest a split"


class ContributionMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.contribution = get_object_or_404(
            Contribution.objects.select_related("commission__partnership", "organisation"), pk=kwargs["contribution_id"]
        )
        # The row is within the commission's tenant scope; the money rule narrows it further.
        if not contributions_visible(acting=self.acting).filter(pk=self.contribution.pk).exists():
            raise Http404("No such contribution")


class ContributionConfirmView(ContributionMixin, MemberView):
    http_method_names = ["post"]
    required_roles = MONEY_ROLES

    def post(self, request: HttpRequest, contribution_id: int) -> HttpResponse:
        c = self.contribution
        try:
            contribution_confirm(contribution=c, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{c.organisation}'s {c.year_label} contribution of £{c.amount:,.2f} is confirmed"
            )
        return redirect("commission-contributions", commission_id=c.commission_id)


class ContributionRemoveView(ContributionMixin, MemberView):
    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def post(self, request: HttpRequest, contribution_id: int) -> HttpResponse:
        c = self.contribution
        try:
            contribution_remove(contribution=c, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{c.organisation}'s {c.year_label} contribution is removed")
        return redirect("commission-contributions", commission_id=c.commission_id)


class ContributionTransferView(ContributionMixin, FormPage):
    form_class = TransferForm
    required_roles = MONEY_ROLES
    heading = "Record a transfer"
    button = "Record transfer"

    def get_caption(self) -> str:
        return self.contribution.commission.title

    @property
    def intro(self) -> str:
        c = self.contribution
        return (
            f"{c.organisation}'s {c.year_label} contribution of £{c.amount:,.2f}, transferred to {c.commission.lead}."
        )

    def back_url(self) -> str:
        return reverse("commission-contributions", kwargs={"commission_id": self.contribution.commission_id})

    def get_initial(self) -> dict[str, Any]:
        return {"transferred_on": timezone.localdate()}

    def act(self, form: TransferForm) -> HttpResponse:
        c = contribution_transfer(contribution=self.contribution, by=self.acting, **form.cleaned_data)
        return self.done(
            f"Transfer of £{c.amount:,.2f} recorded ({c.transfer_reference})",
            "commission-contributions",
            commission_id=c.commission_id,
        )


class _ReportMixin(PartnershipMixin):
    """Which organisation the report is for: your own, or -- for the accountable body -- any partner or all."""

    required_roles = FINANCE_ROLES
    request: HttpRequest

    def subject(self) -> Organisation | None:
        whole = sees_whole_partnership_report(self.partnership, self.acting)
        scope = self.request.GET.get("scope", "")
        if scope == "partnership":
            if not whole:
                raise NotPermitted(
                    f"Only {self.partnership.accountable_body}, the accountable body, can report on every partner"
                )
            return None
        raw = self.request.GET.get("organisation", "")
        if raw.isdigit() and int(raw) != self.acting.organisation.pk:
            if not whole:
                raise NotPermitted("You can report on your own organisation's contributions only")
            organisation = self.partnership.members.filter(pk=int(raw)).first()
            if organisation is None:
                raise Http404("No such partner")
            return organisation
        return self.acting.organisation

    def report(self) -> ContributionReport:
        return contribution_report(partnership=self.partnership, organisation=self.subject())

    def filename(self, report: ContributionReport, ext: str) -> str:
        who = report.organisation.name if report.organisation is not None else "all-partners"
        return f"contributions-{slugify(who)}-{timezone.localdate():%Y-%m-%d}.{ext}"

    def query(self) -> str:
        return self.request.GET.urlencode()


LINES_PER_PAGE = 50


class ContributionReportView(_ReportMixin, MemberTemplateView):
    template_name = "commissioning/report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        report = self.report()
        whole = sees_whole_partnership_report(self.partnership, self.acting)
        partners = list(self.partnership.members.order_by("name")) if whole else []
        # The summary and totals cover every line; the lines themselves are shown a page at a time.
        page = Paginator(report.lines, LINES_PER_PAGE).get_page(self.request.GET.get("page"))
        rest = self.request.GET.copy()
        rest.pop("page", None)
        return super().get_context_data(
            report=report,
            lines=list(page.object_list),
            page=page,
            page_query=rest.urlencode(),
            chart=report.chart(),
            whole=whole,
            partners=partners,
            partnership=self.partnership,
            query=self.query(),
            **kwargs,
        )


class ContributionReportPdfView(_ReportMixin, MemberView):
    """Every partner's report (19 pages at county scale) and one organisation's own (a few pages, yet seconds to
    render under load) are the stored PDF while their figures are unchanged, else prepared in the background: the
    progress page shows how far it has got and offers the download when it is ready."""

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        report = self.report()
        file = report_pdf_request(partnership=self.partnership, report=report, by=self.acting)
        file.refresh_from_db()  # the task may already have run (eagerly, or on a fast worker)
        if file.status == ReportFile.Status.READY and file.file:
            return serve(file.file, filename=self.filename(report, "pdf"))
        return redirect(_status_url(partnership_id, _subject_query(report.organisation, self.acting.organisation)))


class ContributionReportPdfStatusView(_ReportMixin, MemberTemplateView):
    """A report's PDF being prepared: progress (updated by ``static/js/pack-status.js``), then the download."""

    template_name = "commissioning/report_pdf_status.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        subject = self.subject()
        report = contribution_report(partnership=self.partnership, organisation=subject)
        file = latest_file(self.partnership, report_digest(report), organisation=subject)
        query = _subject_query(subject, self.acting.organisation)
        return super().get_context_data(
            partnership=self.partnership,
            subject=subject,
            status=status_of(file, download_url=_pdf_url(self.partnership.pk, query)),
            status_url=_progress_url(self.partnership.pk, query),
            pdf_url=_pdf_url(self.partnership.pk, query),
            report_url=_with_query(reverse("contribution-report", args=[self.partnership.pk]), query),
            **kwargs,
        )


class ContributionReportPdfProgressView(_ReportMixin, MemberView):
    """JSON for the progress bar: ``{"status", "label", "progress", "ready", "download_url"}``."""

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        subject = self.subject()
        query = _subject_query(subject, self.acting.organisation)
        file = latest_file(self.partnership, organisation=subject)
        response = JsonResponse(status_of(file, download_url=_pdf_url(partnership_id, query)))
        response["Cache-Control"] = "no-store"
        return response


def _subject_query(subject: Organisation | None, acting_organisation: Organisation) -> str:
    """The query string that names a report's subject: every partner, another partner, or (none) your own."""
    if subject is None:
        return "scope=partnership"
    return "" if subject.pk == acting_organisation.pk else f"organisation={subject.pk}"


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _pdf_url(partnership_id: int, query: str = "scope=partnership") -> str:
    return _with_query(reverse("contribution-report-pdf", args=[partnership_id]), query)


def _status_url(partnership_id: int, query: str) -> str:
    return _with_query(reverse("contribution-report-pdf-status", args=[partnership_id]), query)


def _progress_url(partnership_id: int, query: str) -> str:
    return _with_query(reverse("contribution-report-pdf-progress", args=[partnership_id]), query)


class ContributionReportCsvView(_ReportMixin, MemberView):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        report = self.report()
        return download(report_csv(report), filename=self.filename(report, "csv"), content_type=CSV)


class ContributionReportXlsxView(_ReportMixin, MemberView):
    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        report = self.report()
        return download(report_xlsx(report), filename=self.filename(report, "xlsx"), content_type=XLSX)


class VariationProposeView(ContributionMixin, FormPage):
    """A new figure for a confirmed or transferred contribution, with the reason; it waits for the partner."""

    form_class = VariationForm
    required_roles = MONEY_ROLES
    heading = "Propose a variation"
    button = "Propose variation"

    def get_caption(self) -> str:
        return self.contribution.commission.title

    def get_intro(self) -> str:
        c = self.contribution
        return (
            f"{c.organisation}'s {c.commission.year_label(c.financial_year)} contribution is "
            f"{c.get_status_display().lower()} at {format_gbp(c.amount)}. The new figure replaces it only when a "
            f"commissioner or finance officer of {c.organisation} re-confirms it; until then "
            f"{format_gbp(c.amount)} stands in every total."
        )

    def back_url(self) -> str:
        return reverse("commission-contributions", kwargs={"commission_id": self.contribution.commission_id})

    def act(self, form: VariationForm) -> HttpResponse:
        change = variation_propose(contribution=self.contribution, by=self.acting, **form.cleaned_data)
        return self.done(
            f"Variation proposed: {format_gbp(change.old_amount)} to {format_gbp(change.new_amount)}, awaiting "
            f"{self.contribution.organisation}'s re-confirmation",
            "commission-contributions",
            commission_id=self.contribution.commission_id,
        )


class VariationStepView(TransitionView):
    """Re-confirm or withdraw a pending variation."""

    workflow = VARIATION_WORKFLOW
    required_roles = MONEY_ROLES
    write_roles = MONEY_ROLES

    def load(self, **kwargs: Any) -> None:
        self.object = get_object_or_404(
            ContributionChange.objects.select_related(
                "contribution__commission__partnership", "contribution__organisation"
            ),
            pk=kwargs["change_id"],
        )
        if not contributions_visible(acting=self.acting).filter(pk=self.object.contribution_id).exists():
            raise Http404("No such variation")

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        if name == "reconfirmed":
            return variation_reconfirm(change=obj, by=self.acting)
        return variation_withdraw(change=obj, by=self.acting, reason=reason)

    def done_message(self, obj: Any, step: Any) -> str:
        if step.name == "reconfirmed":
            return f"Re-confirmed: changed from {format_gbp(obj.old_amount)} to {format_gbp(obj.new_amount)}"
        return f"Variation withdrawn: {format_gbp(obj.old_amount)} stands"

    def get_success_url(self) -> str:
        return reverse("commission-contributions", kwargs={"commission_id": self.object.contribution.commission_id})
