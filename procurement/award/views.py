"""Pages for the award recommendation, the award and contracts, and the bidder's award letter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from core.errors import DomainError, NotPermitted
from core.files import KeepUploadsMixin, serve
from core.money import format_gbp
from core.pdf import render_pdf
from core.views import (
    FormPage,
    MemberTemplateView,
    MemberView,
    apply_domain_error,
)
from partners.models import Organisation
from procurement import permissions
from procurement.award import forms as award_forms
from procurement.award import selectors, services
from procurement.award.models import (
    AwardLetter,
    AwardLine,
    Contract,
    ContractDocument,
    ContractShare,
    RecommendationStatus,
)
from procurement.award.rules import current_value, variation_needs_change_notice
from procurement.award.standstill import bank_holidays_between
from procurement.bids import selectors as bid_selectors
from procurement.bids import services as bid_services
from procurement.bids.views import OwnBidMixin
from procurement.evaluation import rules as evaluation_rules
from procurement.tenders.models import (
    Lot,
    TenderStatus,
)
from procurement.tenders.rules import has_board, is_lead
from procurement.tenders.views import TenderMixin, flash_error


def _letter_context(letter: AwardLetter) -> dict[str, Any]:
    bid = letter.bid
    content = letter.content
    ends = dt.date.fromisoformat(content["standstill_ends_on"]) if content.get("standstill_ends_on") else None
    return {"letter": letter, "bid": bid, "content": content, "standstill_ends_on": ends, "tender": bid.tender}


class BidLetterView(OwnBidMixin, MemberTemplateView):
    template_name = "procurement/letter.html"
    required_roles = permissions.BID_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        letter = AwardLetter.objects.filter(bid=self.bid).select_related("bid__tender__commission__lead").first()
        if letter is None:
            raise DomainError("There is no award letter for this bid yet")
        if request.GET.get("format") == "pdf":
            pdf = render_pdf("procurement/letter_pdf.html", _letter_context(letter))
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="award-letter-{self.bid.pk}.pdf"'
            return response
        return self.render_to_response(self.get_context_data(**_letter_context(letter)))


class RecommendationView(TenderMixin, MemberTemplateView):
    template_name = "procurement/recommendation.html"
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tender = self.tender
        recommendation = selectors.current_recommendation(tender=tender)
        evaluation = None
        if tender.status not in (
            TenderStatus.DRAFT,
            TenderStatus.METHOD_APPROVED,
            TenderStatus.PUBLISHED,
            TenderStatus.CLARIFICATIONS_CLOSED,
            TenderStatus.CANCELLED,
        ) and (self.is_lead or permissions.may_read_bids(tender, self.acting)):
            evaluation = evaluation_rules.evaluation_results(tender)
        tables = []
        if recommendation is not None:
            for line in recommendation.lines.all():
                tables.append((line, selectors.shares_table(line.shares)))
        lots: list[Lot | None] = [*tender.lots.all()]
        groups = []
        if evaluation is not None:
            for lot in lots or [None]:
                lot_id = lot.pk if lot else None
                groups.append((lot, [r for r in evaluation.results if r.lot_id == lot_id]))
        return super().get_context_data(
            **self.tender_context(),
            recommendation=recommendation,
            evaluation=evaluation,
            groups=groups,
            tables=tables,
            problems=evaluation_rules.moderation_problems(tender) if tender.status == TenderStatus.EVALUATION else [],
            **kwargs,
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        action = request.POST.get("action")
        try:
            if action == "recommend":
                evaluation = evaluation_rules.evaluation_results(self.tender)
                lots: list[Lot | None] = [*self.tender.lots.all()] or [None]
                choices = []
                for lot in lots:
                    key = f"bid_{lot.pk if lot else 'all'}"
                    bid_id = request.POST.get(key)
                    bid = (
                        get_object_or_404(bid_selectors.received_bids(tender=self.tender), pk=bid_id)
                        if bid_id
                        else None
                    )
                    if bid is None:
                        raise DomainError("Choose the recommended bid" + (f" for {lot}" if lot else ""))
                    raw = request.POST.get(f"value_{lot.pk if lot else 'all'}", "")
                    result = evaluation.by_bid.get(bid.pk)
                    value = (
                        bid_services._parse_amount(raw, "the annual value")
                        if raw.strip()
                        else (result.annual_price if result else None)
                    )
                    choices.append((bid, value or Decimal("0")))
                services.recommend(
                    tender=self.tender, by=self.acting, choices=choices, rationale=request.POST.get("rationale", "")
                )
                messages.success(
                    request,
                    "Recommendation recorded and sent to the board: its clerk can put it on an agenda"
                    if has_board(self.tender)
                    else "Recommendation recorded. Approve it to award",
                )
            elif action == "approve":
                recommendation = selectors.current_recommendation(tender=self.tender)
                if recommendation is None:
                    raise DomainError("There is no recommendation to approve")
                services.recommendation_approve(recommendation=recommendation, by=self.acting)
                messages.success(request, "Award approved. Next: send the award letters to start the standstill")
            elif action == "withdraw":
                recommendation = selectors.current_recommendation(tender=self.tender)
                if recommendation is None:
                    raise DomainError("There is no recommendation to withdraw")
                services.recommendation_reject(
                    recommendation=recommendation,
                    by=self.acting,
                    reason=request.POST.get("reason", "") or "Withdrawn by the lead",
                )
        except DomainError as error:
            flash_error(request, error)
        return redirect("tender-recommendation", tender_id=self.tender.pk)


class AwardView(TenderMixin, KeepUploadsMixin, MemberView, FormView):
    """Award letters and the standstill, then each signed contract."""

    template_name = "procurement/award.html"
    form_class = award_forms.ContractForm
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES

    def get_initial(self) -> dict[str, Any]:
        commission = self.tender.commission
        start = commission.start_date
        return {
            "start_date": start,
            "end_date": dt.date(start.year + self.tender.term_years, start.month, start.day) - dt.timedelta(days=1),
            "signed_on": timezone.localdate(),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tender = self.tender
        recommendation = selectors.current_recommendation(tender=tender)
        lines = list(recommendation.lines.all()) if recommendation else []
        contracts = {c.award_line_id: c for c in Contract.objects.filter(tender=tender)}
        signed = {c.award_line_id: list(c.shares.select_related("organisation")) for c in contracts.values()}
        holidays = []
        if tender.letters_sent_on and tender.standstill_ends_on:
            holidays = bank_holidays_between(tender.letters_sent_on, tender.standstill_ends_on)
        return super().get_context_data(
            **self.tender_context(),
            recommendation=recommendation,
            # Once signed, the contract's shares are the split that binds the partners (the same figures the
            # contract page shows); before that, the approved recommendation's.
            lines=[
                (line, contracts.get(line.pk), selectors.shares_table(signed.get(line.pk) or line.shares))
                for line in lines
            ],
            # One contract form at a time (the next award without its contract), so field ids stay unique.
            next_line=next((line.pk for line in lines if line.pk not in contracts), None),
            letters=selectors.letters_of(tender=tender) if self.is_lead else [],
            holidays=holidays,
            standstill_over=tender.standstill_ends_on is not None and timezone.localdate() > tender.standstill_ends_on,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_lead()
        if request.POST.get("action") == "letters":
            try:
                tender = services.standstill_start(tender=self.tender, by=self.acting)
            except DomainError as error:
                flash_error(request, error)
            else:
                messages.success(
                    request,
                    f"Award letters sent. The standstill ends at the end of {tender.standstill_ends_on:%A %-d %B %Y}",
                )
            return redirect("tender-award", tender_id=self.tender.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: award_forms.ContractForm) -> HttpResponse:
        data = form.cleaned_data
        line = get_object_or_404(
            AwardLine.objects.filter(
                recommendation__tender=self.tender, recommendation__status=RecommendationStatus.APPROVED
            ),
            pk=data["line"],
        )
        try:
            contract = services.contract_sign(
                line=line,
                signed_on=data["signed_on"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                reference=data["reference"],
                document=data.get("document"),
                by=self.acting,
            )
        except DomainError as error:
            apply_domain_error(form, error)
            return self.form_invalid(form)
        return self.done(
            f"Contract with {contract.provider} recorded as signed", "contract-detail", signed_contract_id=contract.pk
        )

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# =====================================================================================================================
# Contracts
# =====================================================================================================================


class ContractListView(MemberTemplateView):
    template_name = "procurement/contracts.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            contracts=selectors.contracts_for(organisation=self.acting.organisation), **kwargs
        )


class ContractDetailView(MemberTemplateView):
    template_name = "procurement/contract.html"

    def load(self, **kwargs: Any) -> None:
        try:
            self.contract = selectors.contract_detail(contract_id=kwargs["signed_contract_id"])
        except Contract.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contract = self.contract
        shares = list(contract.shares.all())
        variations = list(contract.variations.all())
        lead = is_lead(contract.tender, self.acting)
        return super().get_context_data(
            contract=contract,
            table=selectors.shares_table(shares),
            documents=list(contract.documents.all()),
            is_lead=lead,
            # Each variation with whether the Act asks for a contract change notice (the lead's to publish).
            variations=[(v, variation_needs_change_notice(v) if lead else None) for v in variations],
            value_now=variations[-1].value_after if variations else contract.total_value,
            **kwargs,
        )


class ContractMixin:
    """Pages about one signed contract the lead manages (the tenant scope makes another organisation's a 404)."""

    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.contract = get_object_or_404(
            Contract.objects.select_related("tender__commission", "provider"), pk=kwargs["signed_contract_id"]
        )
        if not is_lead(self.contract.tender, self.acting):
            raise NotPermitted(f"Only the lead commissioner ({self.contract.commission.lead}) can change the contract")

    def back_url(self) -> str:
        return reverse("contract-detail", kwargs={"signed_contract_id": self.contract.pk})

    def get_caption(self) -> str:
        return self.contract.title


class VariationAddView(ContractMixin, FormPage):
    form_class = award_forms.VariationForm
    required_roles = permissions.LEAD_ROLES
    heading = "Record a variation"
    button = "Record the variation"

    def get_intro(self) -> str:
        return (
            f"The contract with {self.contract.provider} is worth {format_gbp(self.value)} over its term and ends on "
            f"{self.contract.end_date:%-d %B %Y}. Record a change the partners and the provider have agreed."
        )

    @property
    def value(self) -> Decimal:
        return current_value(self.contract)

    def get_form_kwargs(self) -> dict[str, Any]:
        ids = ContractShare.objects.filter(contract=self.contract).values("organisation_id")
        return {
            **super().get_form_kwargs(),
            "partners": list(Organisation.objects.filter(pk__in=ids).order_by("name")),
        }

    def get_initial(self) -> dict[str, Any]:
        return {"agreed_on": timezone.localdate()}

    def act(self, form: award_forms.VariationForm) -> HttpResponse:
        data = form.cleaned_data
        variation = services.variation_record(
            contract=self.contract,
            kind=data["kind"],
            reason=data["reason"],
            change=data.get("change"),
            end_date=data.get("end_date"),
            agreed_on=data["agreed_on"],
            shares=form.shares(),
            by=self.acting,
        )
        notice = (
            " The Act asks for a contract change notice for it." if variation_needs_change_notice(variation) else ""
        )
        messages.success(self.request, f"Variation {variation.number} recorded.{notice}")
        return redirect("contract-detail", signed_contract_id=self.contract.pk)


class ContractEndView(ContractMixin, FormPage):
    form_class = award_forms.TerminationForm
    required_roles = permissions.LEAD_ROLES
    heading = "Record the end of the contract"
    button = "Record the end"

    def get_intro(self) -> str:
        return (
            f"The contract runs from {self.contract.start_date:%-d %B %Y} to {self.contract.end_date:%-d %B %Y}. "
            "Monitoring keeps its returns and reviews."
        )

    def get_initial(self) -> dict[str, Any]:
        return {"on": self.contract.end_date}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(read_only=self.contract.terminated_on is not None, **kwargs)

    def act(self, form: award_forms.TerminationForm) -> HttpResponse:
        data = form.cleaned_data
        contract = services.contract_terminate(
            contract=self.contract, on=data["on"], kind=data["kind"], reason=data["reason"], by=self.acting
        )
        messages.success(self.request, f"Recorded: {contract.get_termination_kind_display().lower()}")
        return redirect("contract-detail", signed_contract_id=contract.pk)


class ContractDocumentView(MemberView):
    def get(self, request: HttpRequest, contract_document_id: int) -> HttpResponse:
        document = get_object_or_404(ContractDocument.objects.all(), pk=contract_document_id)
        return serve(document.file, filename=document.original_filename)
