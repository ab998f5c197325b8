"""The provider's bid pages and the lead's view of received bids and submissions."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from core.errors import DomainError
from core.files import KeepUploadsMixin, serve
from core.views import (
    MemberTemplateView,
    MemberView,
    apply_domain_error,
)
from partners.models import Role
from procurement import permissions
from procurement.award.models import AwardLetter
from procurement.bids import forms as bid_forms
from procurement.bids import rules, selectors, services
from procurement.bids.models import (
    Bid,
    BidAnswer,
    BidAttachment,
    BidPartner,
    BidPriceLine,
    BidSocialValue,
    BidVersion,
    PriceCategory,
    ProfileDocument,
    ProviderProfile,
)
from procurement.tenders.models import (
    Lot,
    Question,
    Stage,
    TenderStatus,
)
from procurement.tenders.rules import is_lead
from procurement.tenders.views import TenderMixin, attempt, flash_error, paginate, published_tender


class BidStartView(MemberTemplateView):
    template_name = "procurement/bid_start.html"
    required_roles = permissions.BID_ROLES

    def load(self, **kwargs: Any) -> None:
        self.tender = published_tender(kwargs["opportunity_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        existing = list(
            Bid.objects.filter(tender=self.tender, organisation=self.acting.organisation).select_related("lot")
        )
        return super().get_context_data(
            tender=self.tender,
            existing=existing,
            lots=list(self.tender.lots.all()),
            open=self.tender.is_open_for(self.tender.stage),
            is_lead=is_lead(self.tender, self.acting) or self.acting.organisation.pk == self.tender.commission.lead_id,
            profile_documents=ProfileDocument.objects.filter(
                organisation=self.acting.organisation, removed_at__isnull=True
            ),
            **kwargs,
        )

    def post(self, request: HttpRequest, opportunity_id: int) -> HttpResponse:
        lot = None
        if request.POST.get("lot"):
            lot = get_object_or_404(Lot.objects.filter(tender=self.tender), pk=request.POST["lot"])
        try:
            bid = services.bid_start(tender=self.tender, by=self.acting, lot=lot)
        except DomainError as error:
            flash_error(request, error)
            return redirect("bid-start", opportunity_id=self.tender.pk)
        return redirect("bid-edit", bid_id=bid.public_id)


class ProfileView(KeepUploadsMixin, MemberView, FormView):
    """The provider's profile: facts and documents reused in every bid so they are never typed twice."""

    template_name = "procurement/profile.html"
    form_class = bid_forms.ProfileForm
    required_roles = permissions.BID_ROLES

    def get_form_class(self) -> Any:
        if self.request.method == "POST" and self.request.POST.get("action") == "document":
            return bid_forms.ProfileDocumentForm
        return bid_forms.ProfileForm

    def get_initial(self) -> dict[str, Any]:
        profile = ProviderProfile.objects.filter(organisation=self.acting.organisation).first()
        if profile is None:
            return {}
        return {k: getattr(profile, k) for k in bid_forms.ProfileForm.base_fields}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = kwargs.get("form")
        context = {
            "organisation": self.acting.organisation,
            "documents": ProfileDocument.objects.filter(organisation=self.acting.organisation, removed_at__isnull=True),
            "profile_form": form
            if isinstance(form, bid_forms.ProfileForm)
            else bid_forms.ProfileForm(initial=self.get_initial()),
            "document_form": form
            if isinstance(form, bid_forms.ProfileDocumentForm)
            else bid_forms.ProfileDocumentForm(),
        }
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            if isinstance(form, bid_forms.ProfileDocumentForm):
                services.profile_document_add(
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    by=self.acting,
                )
                messages.success(self.request, "Document added. It will be attached to new bids")
            else:
                services.profile_update(by=self.acting, **form.cleaned_data)
                messages.success(self.request, "Profile saved")
        except DomainError as error:
            apply_domain_error(form, error)
            return self.form_invalid(form)
        return redirect("provider-profile")

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ProfileDocumentView(MemberView):
    required_roles = permissions.BID_ROLES

    def get(self, request: HttpRequest, profile_document_id: int) -> HttpResponse:
        document = get_object_or_404(ProfileDocument.objects.all(), pk=profile_document_id)
        return serve(document.file, filename=document.original_filename)


class ProfileDocumentRemoveView(MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, profile_document_id: int) -> HttpResponse:
        document = get_object_or_404(ProfileDocument.objects.all(), pk=profile_document_id)
        attempt(
            request,
            lambda: services.profile_document_remove(document=document, by=self.acting),
            done=f"{document} removed from your profile",
        )
        return redirect("provider-profile")


class BidListView(MemberTemplateView):
    template_name = "procurement/bids.html"
    required_roles = permissions.BID_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = paginate(self.request, selectors.bids_of(organisation=self.acting.organisation), 25)
        return super().get_context_data(bids=page, page=page, now=timezone.now(), **kwargs)


class OwnBidMixin:
    """Only the bidding organisation reaches its bid's pages (the lead reads submissions elsewhere)."""

    request: HttpRequest

    def load(self, **kwargs: Any) -> None:
        self.bid = get_object_or_404(
            Bid.objects.select_related("tender__commission__lead", "lot", "current_version", "organisation"),
            public_id=kwargs["bid_id"],
            organisation=self.request.acting.organisation,  # type: ignore[attr-defined]
        )
        self.tender = self.bid.tender


def _bid_initial(bid: Bid) -> dict[str, Any]:
    initial: dict[str, Any] = {"summary": bid.summary, "is_consortium": bid.is_consortium, "lot": str(bid.lot_id or "")}
    for a in BidAnswer.objects.filter(bid=bid):
        initial[f"answer_{a.question_id}"] = a.text
    for line in BidPriceLine.objects.filter(bid=bid):
        initial[f"price_{line.category}"] = line.annual_amount
        initial[f"note_{line.category}"] = line.description
    return initial


class BidEditView(OwnBidMixin, KeepUploadsMixin, MemberView, FormView):
    """The bid's working copy. Saving never loses what was typed or uploaded; submitting is a separate step judged
    on the server's clock."""

    template_name = "procurement/bid_edit.html"
    form_class = bid_forms.BidForm
    required_roles = permissions.BID_ROLES

    def get_form_kwargs(self) -> dict[str, Any]:
        questions = list(Question.objects.filter(method__tender=self.tender, stage=self.bid.stage).order_by("number"))
        return {
            **super().get_form_kwargs(),
            "questions": questions,
            "lots": list(self.tender.lots.all()),
            "full": self.bid.stage == Stage.FULL,
        }

    def get_initial(self) -> dict[str, Any]:
        return _bid_initial(self.bid)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bid = self.bid
        working = rules.canonical_content(bid, self.tender)
        version = bid.current_version
        lines = list(BidPriceLine.objects.filter(bid=bid))
        return super().get_context_data(
            bid=bid,
            tender=self.tender,
            organisation=bid.organisation,
            profile=ProviderProfile.objects.filter(organisation=bid.organisation).first(),
            attachments=BidAttachment.objects.filter(bid=bid, removed_at__isnull=True),
            partners=BidPartner.objects.filter(bid=bid),
            partner_form=kwargs.pop("partner_form", None) or bid_forms.BidPartnerForm(),
            commitments=BidSocialValue.objects.filter(bid=bid),
            social_value_form=bid_forms.BidSocialValueForm(),
            problems=rules.submission_problems(bid, self.tender),
            unsubmitted_changes=version is not None and rules.content_hash(working) != version.sha256,
            deadline=bid.deadline,
            open=bid.deadline is not None
            and timezone.now() < bid.deadline
            and self.tender.stage == bid.stage
            and self.tender.status in (TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED),
            annual_price=sum((line.annual_amount for line in lines), Decimal("0")),
            letter=AwardLetter.objects.filter(bid=bid).first(),
            autosave_url=reverse("bid-autosave", kwargs={"bid_id": bid.public_id}),
            **kwargs,
        )

    def _save(self, form: bid_forms.BidForm) -> None:
        data = form.cleaned_data
        answers = {q.pk: data.get(f"answer_{q.pk}", "") for q in form.questions}
        price_lines = None
        if self.bid.stage == Stage.FULL:
            price_lines = {c: (data.get(f"price_{c}"), data.get(f"note_{c}", "")) for c in PriceCategory.values}
        lot: Any = "unchanged"
        if "lot" in form.fields:
            lot = self.tender.lots.filter(pk=data["lot"]).first() if data.get("lot") else None
        services.bid_save_draft(
            bid=self.bid,
            by=self.acting,
            answers=answers,
            price_lines=price_lines,
            summary=data.get("summary", ""),
            is_consortium=data.get("is_consortium", False),
            lot=lot,
        )
        if data.get("attachment"):
            services.bid_attachment_add(
                bid=self.bid, title=data.get("attachment_title", ""), upload=data["attachment"], by=self.acting
            )

    def form_valid(self, form: bid_forms.BidForm) -> HttpResponse:
        try:
            self._save(form)
        except DomainError as error:
            apply_domain_error(form, error)
            return self.form_invalid(form)
        if self.request.POST.get("action") == "submit":
            try:
                version, new = services.bid_submit_once(bid=self.bid, by=self.acting)
            except DomainError as error:
                self.bid.refresh_from_db()
                flash_error(self.request, error)
                return redirect("bid-edit", bid_id=self.bid.public_id)
            _submitted_message(self.request, version, new)
            return redirect("bid-receipt", bid_id=self.bid.public_id)
        return self.done("Your draft is saved", "bid-edit", bid_id=self.bid.public_id)

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def _submitted_message(request: HttpRequest, version: BidVersion, new: bool) -> None:
    """A repeated submit of unchanged content (a double click) made no new version: say so, with the same receipt."""
    when = f"{timezone.localtime(version.submitted_at):%H:%M:%S on %-d %B %Y}"
    if new:
        messages.success(request, f"Submitted at {when}. Keep your receipt")
    else:
        messages.info(request, f"{services.ALREADY_SUBMITTED} (version {version.number}, submitted at {when})")


class BidAutosaveView(OwnBidMixin, MemberView):
    """A small JSON endpoint the bid page calls as the bidder types (the form still works without it)."""

    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> JsonResponse:
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"detail": "Send JSON"}, status=400)
        if not isinstance(payload, dict) or not payload:
            return JsonResponse({"detail": "Nothing to save"}, status=400)
        answers: dict[int, str] = {}
        prices: dict[str, tuple[Any, str]] = {}
        existing = {line.category: line for line in BidPriceLine.objects.filter(bid=self.bid)}
        for key, value in payload.items():
            if key.startswith("answer_") and key[7:].isdigit():
                answers[int(key[7:])] = str(value)
            elif key.startswith("price_") and key[6:] in PriceCategory.values:
                cat = key[6:]
                prices[cat] = (value, prices.get(cat, (None, existing[cat].description if cat in existing else ""))[1])
            elif key.startswith("note_") and key[5:] in PriceCategory.values:
                cat = key[5:]
                amount = prices.get(cat, (existing[cat].annual_amount if cat in existing else None, ""))[0]
                prices[cat] = (amount, str(value))
        try:
            services.bid_save_draft(
                bid=self.bid,
                by=self.acting,
                answers=answers or None,
                price_lines=prices or None,
                summary=str(payload["summary"]) if "summary" in payload else None,
            )
        except DomainError as error:
            return JsonResponse({"detail": error.message}, status=400)
        now = timezone.localtime()
        return JsonResponse({"saved_at": now.isoformat(), "message": f"Draft saved at {now:%H:%M:%S}"})


class BidSubmitView(OwnBidMixin, MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        try:
            version, new = services.bid_submit_once(bid=self.bid, by=self.acting)
        except DomainError as error:
            flash_error(request, error)
            return redirect("bid-edit", bid_id=self.bid.public_id)
        _submitted_message(request, version, new)
        return redirect("bid-receipt", bid_id=self.bid.public_id)


class BidWithdrawView(OwnBidMixin, MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        attempt(
            request,
            lambda: services.bid_withdraw(bid=self.bid, by=self.acting, reason=request.POST.get("reason", "")),
            done="Your bid is withdrawn. You can submit it again before the deadline",
        )
        return redirect("bid-edit", bid_id=self.bid.public_id)


class BidPartnerAddView(OwnBidMixin, MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        form = bid_forms.BidPartnerForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, "Check the partner's details: " + "; ".join(f"{k}: {v[0]}" for k, v in form.errors.items())
            )
            return redirect(f"{reverse('bid-edit', kwargs={'bid_id': self.bid.public_id})}#partners")
        attempt(
            request,
            lambda: services.bid_partner_add(bid=self.bid, by=self.acting, **form.cleaned_data),
            done=f"{form.cleaned_data['name']} added",
        )
        return redirect(f"{reverse('bid-edit', kwargs={'bid_id': self.bid.public_id})}#partners")


class BidPartnerRemoveView(MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, bid_partner_id: uuid.UUID) -> HttpResponse:
        partner = get_object_or_404(BidPartner.objects.select_related("bid"), public_id=bid_partner_id)
        try:
            services.bid_partner_remove(partner=partner, by=self.acting)
        except DomainError as error:
            flash_error(request, error)
        return redirect(f"{reverse('bid-edit', kwargs={'bid_id': partner.bid.public_id})}#partners")


class BidSocialValueAddView(OwnBidMixin, MemberView):
    """The bid form's social value section: add one commitment (kind, target per year, unit, what it means)."""

    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        back = f"{reverse('bid-edit', kwargs={'bid_id': self.bid.public_id})}#social-value"
        form = bid_forms.BidSocialValueForm(request.POST)
        if not form.is_valid():
            messages.error(
                request,
                "Check the social value commitment: " + "; ".join(f"{k}: {v[0]}" for k, v in form.errors.items()),
            )
            return redirect(back)
        attempt(
            request,
            lambda: services.bid_social_value_add(bid=self.bid, by=self.acting, **form.cleaned_data),
            done="Social value commitment added",
        )
        return redirect(back)


class BidSocialValueRemoveView(MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, commitment_id: uuid.UUID) -> HttpResponse:
        commitment = get_object_or_404(BidSocialValue.objects.select_related("bid"), public_id=commitment_id)
        try:
            services.bid_social_value_remove(commitment=commitment, by=self.acting)
        except DomainError as error:
            flash_error(request, error)
        return redirect(f"{reverse('bid-edit', kwargs={'bid_id': commitment.bid.public_id})}#social-value")


class BidProfileDocumentsView(OwnBidMixin, MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        try:
            added = services.bid_add_profile_documents(bid=self.bid, by=self.acting)
        except DomainError as error:
            flash_error(request, error)
        else:
            messages.success(request, f"{added} document{'s' if added != 1 else ''} added from your profile")
        return redirect("bid-edit", bid_id=self.bid.public_id)


class BidAttachmentView(MemberView):
    """A bid's file: the bidder's own always; the lead's and a cleared evaluator's only once the bid is unsealed
    (the tenant filter) and only files in the submitted version."""

    def get(self, request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponse:
        attachment = get_object_or_404(
            BidAttachment.objects.select_related("bid__tender__commission"), public_id=attachment_id
        )
        if attachment.bid.organisation_id != self.acting.organisation.pk and not permissions.may_read_bids(
            attachment.bid.tender, self.acting
        ):
            raise PermissionDenied("Only the lead commissioner and cleared evaluators read bids")
        return serve(attachment.file, filename=attachment.original_filename)


class BidAttachmentRemoveView(MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponse:
        attachment = get_object_or_404(
            BidAttachment.objects.filter(bid__organisation=self.acting.organisation).select_related("bid"),
            public_id=attachment_id,
        )
        attempt(
            request,
            lambda: services.bid_attachment_remove(attachment=attachment, by=self.acting),
            done=f"{attachment.title} removed from your draft",
        )
        return redirect("bid-edit", bid_id=attachment.bid.public_id)


class BidReceiptView(OwnBidMixin, MemberTemplateView):
    template_name = "procurement/bid_receipt.html"
    required_roles = permissions.BID_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        versions = list(BidVersion.objects.filter(bid=self.bid).select_related("submitted_by").order_by("-number"))
        return super().get_context_data(
            bid=self.bid, tender=self.tender, versions=versions, current=self.bid.current_version, **kwargs
        )


class TenderBidsView(TenderMixin, MemberTemplateView):
    """Bids received: nothing (not even a count) before the deadline; then the lead and cleared evaluators see
    them."""

    template_name = "procurement/tender_bids.html"
    required_roles = (Role.COMMISSIONER, Role.EVALUATOR)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        may_read = permissions.may_read_bids(self.tender, self.acting)
        if not may_read:
            raise PermissionDenied("Only the lead commissioner and cleared evaluators read bids")
        stage = str(self.request.GET.get("stage") or "")
        if stage not in Stage.values:
            stage = Stage.FULL
        return super().get_context_data(
            **self.tender_context(),
            bids=list(selectors.received_bids(tender=self.tender, stage=stage)),
            stage=stage,
            sealed=timezone.now() < (self.tender.deadline_for(stage) or self.tender.submission_deadline),
            **kwargs,
        )


class SubmissionView(MemberTemplateView):
    """One received bid as submitted (its latest version), for the lead and cleared evaluators."""

    template_name = "procurement/submission.html"
    required_roles = (Role.COMMISSIONER, Role.EVALUATOR)

    def load(self, **kwargs: Any) -> None:
        self.bid = get_object_or_404(
            Bid.objects.select_related("tender__commission__lead", "organisation", "lot", "current_version"),
            public_id=kwargs["submission_id"],
        )
        if not permissions.may_read_bids(self.bid.tender, self.acting):
            raise PermissionDenied("Only the lead commissioner and cleared evaluators read bids")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        version = self.bid.current_version
        questions = {q.pk: q for q in Question.objects.filter(method__tender=self.bid.tender)}
        answers = [
            (questions.get(a["question_id"]), a) for a in (version.content.get("answers", []) if version else [])
        ]
        return super().get_context_data(
            bid=self.bid,
            tender=self.bid.tender,
            version=version,
            content=version.content if version else {},
            answers=answers,
            attachments=selectors.version_attachments(version),
            **kwargs,
        )
