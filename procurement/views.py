"""Tendering pages: the public opportunities portal, providers' bids, the lead's tenders, the evaluation panel,
award and contracts. Sealing is the tenant filter's job (bids are invisible outside the bidder until the deadline);
these views add the person-level checks (the lead commissioner, a cleared evaluator)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.views.generic import FormView

from commissioning.commissions.models import CommissionStatus, JointCommission
from commissioning.service_map.models import Outcome
from core import audit, exports
from core.errors import DomainError
from core.files import KeepUploadsMixin, serve
from core.forms import BoundedForm
from core.money import format_gbp
from core.pdf import render_pdf
from core.views import (
    MemberTemplateView,
    MemberView,
    PublicTemplateView,
    PublicView,
    apply_domain_error,
    form_invalid_response,
)
from partners.models import Role
from procurement import forms as f
from procurement import permissions, selectors, services
from procurement.models import (
    AwardLetter,
    AwardLine,
    Bid,
    BidAnswer,
    BidAttachment,
    BidPartner,
    BidPriceLine,
    BidVersion,
    Clarification,
    Contract,
    ContractDocument,
    Criterion,
    EvaluationMethod,
    Evaluator,
    Lot,
    MethodStatus,
    PriceCategory,
    ProfileDocument,
    ProviderProfile,
    Question,
    RecommendationStatus,
    Score,
    ScoreSheet,
    ServiceAreaFollow,
    Stage,
    Tender,
    TenderDocument,
    TenderStatus,
)
from procurement.standstill import bank_holidays_between
from procurement.workflows import LEAD_BUTTONS, TENDER_WORKFLOW, has_board, is_lead

T = TenderStatus
READ = permissions.READ_ROLES
LEAD = permissions.LEAD_ROLES
BIDDER = permissions.BID_ROLES


def _error(request: HttpRequest, error: DomainError) -> None:
    text = error.message
    if error.problems:
        text = f"{text}: {'; '.join(error.problems)}"
    elif error.field_errors:
        text = f"{text}: {'; '.join(m for ms in error.field_errors.values() for m in ms)}"
    messages.error(request, text)


def paginate(request: HttpRequest, items: Any, per_page: int) -> Any:
    """One page of ``items`` (``?page=``), for long lists: a fixed number of rows per request."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# =====================================================================================================================
# The public opportunities portal
# =====================================================================================================================


class PortalFilterForm(BoundedForm):
    q = forms.CharField(label="Search", required=False)
    service_area = forms.TypedChoiceField(label="Service area", required=False, coerce=int, empty_value=None)
    partner = forms.TypedChoiceField(label="Partner", required=False, coerce=int, empty_value=None)
    closing_from = forms.DateField(label="Closing on or after", required=False, widget=f.DateInput())
    closing_to = forms.DateField(label="Closing on or before", required=False, widget=f.DateInput())
    include_closed = forms.BooleanField(label="Include closed opportunities", required=False)

    def __init__(self, *args: Any, areas: list[Any], partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service_area"]).choices = [("", "Any service area")] + [
            (a.pk, f"{a.name} ({a.partnership.name})") for a in areas
        ]
        cast(forms.ChoiceField, self.fields["partner"]).choices = [("", "Any partner")] + [
            (o.pk, o.name) for o in partners
        ]


def _portal_filters(request: HttpRequest) -> tuple[PortalFilterForm, selectors.PortalFilters]:
    form = PortalFilterForm(
        request.GET or None, areas=selectors.portal_service_areas(), partners=selectors.portal_partners()
    )
    filters = selectors.PortalFilters()
    if form.is_bound and not form.is_valid():
        filters = selectors.PortalFilters(q="", service_area=-1)  # an impossible filter matches nothing
    elif form.is_valid():
        data = form.cleaned_data
        filters = selectors.PortalFilters(
            q=data["q"] or "",
            service_area=data["service_area"],
            partner=data["partner"],
            closing_from=data["closing_from"],
            closing_to=data["closing_to"],
            include_closed=data["include_closed"],
        )
    return form, filters


class PortalView(PublicTemplateView):
    """Browsable without signing in."""

    template_name = "procurement/portal.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form, filters = _portal_filters(self.request)
        page = paginate(self.request, selectors.portal(filters), 20)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=form, tenders=page, page=page, query=query.urlencode(), now=timezone.now(), **kwargs
        )


class OpportunityFeed(Feed):
    title = "Jointly: opportunities"
    description = "New third-sector commissioning opportunities published by public-sector partners"

    def link(self) -> str:
        return reverse("opportunities")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self._filters = _portal_filters(request)[1]
        return None

    def items(self) -> list[Tender]:
        return list(selectors.portal(self._filters).order_by("-published_at", "-pk")[:50])

    def item_title(self, item: Tender) -> str:
        return item.title

    def item_description(self, item: Tender) -> str:
        local = timezone.localtime(item.submission_deadline)
        return (
            f"{item.summary} Service area: {item.commission.service_area.name}. Lead: {item.commission.lead.name}. "
            f"Estimated value {format_gbp(item.estimated_annual_value)} a year. Bids close {local:%-d %B %Y, %H:%M}."
        )

    def item_link(self, item: Tender) -> str:
        return reverse("opportunity-detail", kwargs={"opportunity_id": item.pk})

    def item_pubdate(self, item: Tender) -> Any:
        return item.published_at

    def item_updateddate(self, item: Tender) -> Any:
        return item.updated_at

    def item_categories(self, item: Tender) -> list[str]:
        return [item.commission.service_area.name]


class AtomOpportunityFeed(OpportunityFeed):
    feed_type = Atom1Feed
    subtitle = OpportunityFeed.description


class RssOpportunityFeed(OpportunityFeed):
    feed_type = Rss201rev2Feed


class FeedView(PublicView):
    feed: Feed = AtomOpportunityFeed()

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.feed(request)


class RssFeedView(FeedView):
    feed = RssOpportunityFeed()


class OpportunityView(PublicTemplateView):
    template_name = "procurement/opportunity.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            tender = selectors.opportunity(opportunity_id=self.kwargs["opportunity_id"])
        except Tender.DoesNotExist as exc:
            raise Http404 from exc
        acting = getattr(self.request, "acting", None)
        context: dict[str, Any] = {"tender": tender, "now": timezone.now(), **selectors.opportunity_parts(tender)}
        if acting is not None and acting.organisation is not None and acting.has_role(*BIDDER):
            context["own_bids"] = list(
                Bid.objects.filter(tender=tender, organisation=acting.organisation).select_related("lot")
            )
            context["own_questions"] = list(
                selectors.own_clarifications(tender=tender, organisation=acting.organisation)
            )
            context["interested"] = tender.interests.filter(organisation=acting.organisation).exists()
            context["is_bidder"] = True
        context["is_lead"] = acting is not None and acting.organisation is not None and is_lead(tender, acting)
        return super().get_context_data(**context, **kwargs)


class TenderDocumentView(PublicView):
    """A tender document: public once the tender is published; before that, the lead and partners only."""

    def get(self, request: HttpRequest, tender_document_id: int) -> HttpResponse:
        document = get_object_or_404(TenderDocument.objects.filter(removed_at__isnull=True), pk=tender_document_id)
        return serve(document.file, filename=document.original_filename)


# =====================================================================================================================
# Providers: interest, questions, follows, profile, bids
# =====================================================================================================================


def _published(opportunity_id: int) -> Tender:
    return get_object_or_404(Tender.objects.filter(published_at__isnull=False), pk=opportunity_id)


class InterestView(MemberView):
    http_method_names = ["post"]
    required_roles = BIDDER

    def post(self, request: HttpRequest, opportunity_id: int) -> HttpResponse:
        tender = _published(opportunity_id)
        try:
            services.interest_register(tender=tender, by=self.acting)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, "You will be told of every change to this tender")
        return redirect("opportunity-detail", opportunity_id=tender.pk)


class AskView(MemberView, FormView):
    template_name = "procurement/ask.html"
    form_class = f.AskForm
    required_roles = BIDDER

    def load(self, **kwargs: Any) -> None:
        self.tender = _published(kwargs["opportunity_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tender=self.tender, **kwargs)

    def form_valid(self, form: f.AskForm) -> HttpResponse:
        try:
            services.clarification_ask(tender=self.tender, question=form.cleaned_data["question"], by=self.acting)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        messages.success(self.request, "Your question has been sent to the lead. You will be told when it is answered")
        return redirect("opportunity-detail", opportunity_id=self.tender.pk)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class BidStartView(MemberTemplateView):
    template_name = "procurement/bid_start.html"
    required_roles = BIDDER

    def load(self, **kwargs: Any) -> None:
        self.tender = _published(kwargs["opportunity_id"])

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
            _error(request, error)
            return redirect("bid-start", opportunity_id=self.tender.pk)
        return redirect("bid-edit", bid_id=bid.public_id)


class FollowView(MemberView, FormView):
    template_name = "procurement/follow.html"
    form_class = f.FollowForm
    required_roles = BIDDER

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "areas": selectors.portal_service_areas()}

    def get_initial(self) -> dict[str, Any]:
        follows = ServiceAreaFollow.objects.filter(user=self.request.user).values_list("service_area_id", flat=True)
        return {"service_areas": [str(pk) for pk in follows]}

    def form_valid(self, form: f.FollowForm) -> HttpResponse:
        ids = [int(pk) for pk in form.cleaned_data["service_areas"]]
        areas = [a for a in selectors.portal_service_areas() if a.pk in ids]
        try:
            services.follows_set(service_areas=areas, by=self.acting)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        messages.success(self.request, f"You follow {len(areas)} service area{'s' if len(areas) != 1 else ''}")
        return redirect("opportunity-follows")

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class ProfileView(KeepUploadsMixin, MemberView, FormView):
    """The provider's profile: facts and documents reused in every bid so they are never typed twice."""

    template_name = "procurement/profile.html"
    form_class = f.ProfileForm
    required_roles = BIDDER

    def get_form_class(self) -> Any:
        if self.request.method == "POST" and self.request.POST.get("action") == "document":
            return f.ProfileDocumentForm
        return f.ProfileForm

    def get_initial(self) -> dict[str, Any]:
        profile = ProviderProfile.objects.filter(organisation=self.acting.organisation).first()
        if profile is None:
            return {}
        return {k: getattr(profile, k) for k in f.ProfileForm.base_fields}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = kwargs.get("form")
        context = {
            "organisation": self.acting.organisation,
            "documents": ProfileDocument.objects.filter(organisation=self.acting.organisation, removed_at__isnull=True),
            "profile_form": form if isinstance(form, f.ProfileForm) else f.ProfileForm(initial=self.get_initial()),
            "document_form": form if isinstance(form, f.ProfileDocumentForm) else f.ProfileDocumentForm(),
        }
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            if isinstance(form, f.ProfileDocumentForm):
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
    required_roles = BIDDER

    def get(self, request: HttpRequest, profile_document_id: int) -> HttpResponse:
        document = get_object_or_404(ProfileDocument.objects.all(), pk=profile_document_id)
        return serve(document.file, filename=document.original_filename)


class ProfileDocumentRemoveView(MemberView):
    http_method_names = ["post"]
    required_roles = BIDDER

    def post(self, request: HttpRequest, profile_document_id: int) -> HttpResponse:
        document = get_object_or_404(ProfileDocument.objects.all(), pk=profile_document_id)
        try:
            services.profile_document_remove(document=document, by=self.acting)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, f"{document} removed from your profile")
        return redirect("provider-profile")


class BidListView(MemberTemplateView):
    template_name = "procurement/bids.html"
    required_roles = BIDDER

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
    form_class = f.BidForm
    required_roles = BIDDER

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
        working = services.canonical_content(bid, self.tender)
        version = bid.current_version
        lines = list(BidPriceLine.objects.filter(bid=bid))
        return super().get_context_data(
            bid=bid,
            tender=self.tender,
            organisation=bid.organisation,
            profile=ProviderProfile.objects.filter(organisation=bid.organisation).first(),
            attachments=BidAttachment.objects.filter(bid=bid, removed_at__isnull=True),
            partners=BidPartner.objects.filter(bid=bid),
            partner_form=kwargs.pop("partner_form", None) or f.BidPartnerForm(),
            problems=services.submission_problems(bid, self.tender),
            unsubmitted_changes=version is not None and services.content_hash(working) != version.sha256,
            deadline=bid.deadline,
            open=bid.deadline is not None
            and timezone.now() < bid.deadline
            and self.tender.stage == bid.stage
            and self.tender.status in (T.PUBLISHED, T.CLARIFICATIONS_CLOSED),
            annual_price=sum((line.annual_amount for line in lines), Decimal("0")),
            letter=AwardLetter.objects.filter(bid=bid).first(),
            autosave_url=reverse("bid-autosave", kwargs={"bid_id": bid.public_id}),
            **kwargs,
        )

    def _save(self, form: f.BidForm) -> None:
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

    def form_valid(self, form: f.BidForm) -> HttpResponse:
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
                _error(self.request, error)
                return redirect("bid-edit", bid_id=self.bid.public_id)
            _submitted_message(self.request, version, new)
            return redirect("bid-receipt", bid_id=self.bid.public_id)
        messages.success(self.request, "Your draft is saved")
        return redirect("bid-edit", bid_id=self.bid.public_id)

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
    required_roles = BIDDER

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
    required_roles = BIDDER

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        try:
            version, new = services.bid_submit_once(bid=self.bid, by=self.acting)
        except DomainError as error:
            _error(request, error)
            return redirect("bid-edit", bid_id=self.bid.public_id)
        _submitted_message(request, version, new)
        return redirect("bid-receipt", bid_id=self.bid.public_id)


class BidWithdrawView(OwnBidMixin, MemberView):
    http_method_names = ["post"]
    required_roles = BIDDER

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        try:
            services.bid_withdraw(bid=self.bid, by=self.acting, reason=request.POST.get("reason", ""))
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, "Your bid is withdrawn. You can submit it again before the deadline")
        return redirect("bid-edit", bid_id=self.bid.public_id)


class BidPartnerAddView(OwnBidMixin, MemberView):
    http_method_names = ["post"]
    required_roles = BIDDER

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        form = f.BidPartnerForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, "Check the partner's details: " + "; ".join(f"{k}: {v[0]}" for k, v in form.errors.items())
            )
            return redirect(f"{reverse('bid-edit', kwargs={'bid_id': self.bid.public_id})}#partners")
        try:
            services.bid_partner_add(bid=self.bid, by=self.acting, **form.cleaned_data)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} added")
        return redirect(f"{reverse('bid-edit', kwargs={'bid_id': self.bid.public_id})}#partners")


class BidPartnerRemoveView(MemberView):
    http_method_names = ["post"]
    required_roles = BIDDER

    def post(self, request: HttpRequest, bid_partner_id: uuid.UUID) -> HttpResponse:
        partner = get_object_or_404(BidPartner.objects.select_related("bid"), public_id=bid_partner_id)
        try:
            services.bid_partner_remove(partner=partner, by=self.acting)
        except DomainError as error:
            _error(request, error)
        return redirect(f"{reverse('bid-edit', kwargs={'bid_id': partner.bid.public_id})}#partners")


class BidProfileDocumentsView(OwnBidMixin, MemberView):
    http_method_names = ["post"]
    required_roles = BIDDER

    def post(self, request: HttpRequest, bid_id: uuid.UUID) -> HttpResponse:
        try:
            added = services.bid_add_profile_documents(bid=self.bid, by=self.acting)
        except DomainError as error:
            _error(request, error)
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
    required_roles = BIDDER

    def post(self, request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponse:
        attachment = get_object_or_404(
            BidAttachment.objects.filter(bid__organisation=self.acting.organisation).select_related("bid"),
            public_id=attachment_id,
        )
        try:
            services.bid_attachment_remove(attachment=attachment, by=self.acting)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, f"{attachment.title} removed from your draft")
        return redirect("bid-edit", bid_id=attachment.bid.public_id)


class BidReceiptView(OwnBidMixin, MemberTemplateView):
    template_name = "procurement/bid_receipt.html"
    required_roles = BIDDER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        versions = list(BidVersion.objects.filter(bid=self.bid).select_related("submitted_by").order_by("-number"))
        return super().get_context_data(
            bid=self.bid, tender=self.tender, versions=versions, current=self.bid.current_version, **kwargs
        )


def _letter_context(letter: AwardLetter) -> dict[str, Any]:
    bid = letter.bid
    content = letter.content
    ends = dt.date.fromisoformat(content["standstill_ends_on"]) if content.get("standstill_ends_on") else None
    return {"letter": letter, "bid": bid, "content": content, "standstill_ends_on": ends, "tender": bid.tender}


class BidLetterView(OwnBidMixin, MemberTemplateView):
    template_name = "procurement/letter.html"
    required_roles = BIDDER

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


# =====================================================================================================================
# The lead's tenders
# =====================================================================================================================


class TenderListView(MemberTemplateView):
    template_name = "procurement/tenders.html"
    required_roles = READ

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = paginate(self.request, selectors.tenders_for(organisation=self.acting.organisation), 25)
        return super().get_context_data(tenders=page, page=page, now=timezone.now(), **kwargs)


class TenderReportView(MemberView):
    """A CSV of the organisation's tenders. Bid counts appear only once a tender's deadline has passed."""

    required_roles = READ

    def get(self, request: HttpRequest) -> HttpResponse:
        headers = [
            "Tender",
            "Reference",
            "Status",
            "Lead",
            "Service area",
            "Estimated annual value",
            "Bids close",
            "Bids received",
        ]
        rows = (
            [
                t.title,
                t.reference,
                t.get_status_display(),
                t.commission.lead.name,
                t.commission.service_area.name,
                t.estimated_annual_value,
                timezone.localtime(t.submission_deadline).strftime("%Y-%m-%d %H:%M:%S"),
                "sealed until the deadline" if getattr(t, "bids_received", None) is None else t.bids_received,  # type: ignore[attr-defined]
            ]
            for t in selectors.tenders_for(organisation=self.acting.organisation)
        )
        return exports.csv_response(headers, rows, filename="tenders.csv")


def _lead_commissions(acting: Any) -> Any:
    return JointCommission.objects.filter(
        lead=acting.organisation, status__in=[CommissionStatus.SIGN_UP, CommissionStatus.PROCUREMENT]
    ).select_related("service_area")


class TenderCreateView(MemberView, FormView):
    template_name = "procurement/tender_form.html"
    form_class = f.TenderForm
    required_roles = LEAD

    def get_form_kwargs(self) -> dict[str, Any]:
        commissions = _lead_commissions(self.acting)
        partnerships = commissions.values("partnership_id")
        return {
            **super().get_form_kwargs(),
            "commissions": commissions,
            "outcomes": Outcome.objects.filter(partnership_id__in=partnerships),
        }

    def get_initial(self) -> dict[str, Any]:
        commission = _lead_commissions(self.acting).first()
        initial: dict[str, Any] = {"standstill_days": 8}
        if commission is not None:
            initial.update(
                commission=commission,
                title=commission.title,
                estimated_annual_value=services.suggested_value(commission),
                term_years=commission.term_years,
                outcomes=list(commission.outcomes.all()),
            )
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(creating=True, **kwargs)

    def form_valid(self, form: f.TenderForm) -> HttpResponse:
        data = dict(form.cleaned_data)
        try:
            tender = services.tender_create(by=self.acting, **data)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        messages.success(self.request, "Tender drafted. Next: its evaluation method")
        return redirect("tender-method", tender_id=tender.pk)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class TenderMixin:
    """Tender pages of the lead and partners (and, for some, the panel): another organisation gets a 404 even
    when the tender is published -- the public reads the portal page instead."""

    request: HttpRequest

    def load(self, **kwargs: Any) -> None:
        acting = self.request.acting  # type: ignore[attr-defined]
        visible = JointCommission._base_manager.filter(
            JointCommission.tenant_filter(acting.organisation), pk=OuterRef("commission")
        )
        panel = Evaluator._base_manager.filter(tender=OuterRef("pk"), organisation=acting.organisation)
        try:
            self.tender = selectors.tender_detail(tender_id=kwargs["tender_id"])
        except Tender.DoesNotExist as exc:
            raise Http404 from exc
        if not Tender.objects.filter(Q(Exists(visible)) | Q(Exists(panel)), pk=self.tender.pk).exists():
            raise Http404
        self.is_lead = is_lead(self.tender, acting)

    def require_lead(self) -> None:
        if not self.is_lead:
            raise PermissionDenied("Only the lead commissioner can do this")

    def tender_context(self) -> dict[str, Any]:
        return {
            "tender": self.tender,
            "is_lead": self.is_lead,
            "now": timezone.now(),
            "has_board": has_board(self.tender),
        }


class TenderDetailView(TenderMixin, MemberTemplateView):
    template_name = "procurement/tender_detail.html"
    required_roles = READ

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tender = self.tender
        steps = [
            (t, problems) for t, problems in TENDER_WORKFLOW.possible_for(tender, self.acting) if t.name in LEAD_BUTTONS
        ]
        return super().get_context_data(
            **self.tender_context(),
            steps=steps,
            documents=TenderDocument.objects.filter(tender=tender, removed_at__isnull=True),
            lots=list(tender.lots.all()),
            history=audit.reveal(audit.history_for(tender)[:30], self.acting),
            cancel_form=f.CancelForm(),
            unanswered=Clarification.objects.filter(tender=tender, published_at__isnull=True).count()
            if self.is_lead
            else None,
            **kwargs,
        )


class TenderEditView(TenderMixin, MemberView, FormView):
    template_name = "procurement/tender_form.html"
    form_class = f.TenderForm
    required_roles = LEAD

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.require_lead()

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "editing": True,
            "published": self.tender.is_published,
            "outcomes": Outcome.objects.filter(partnership_id=self.tender.commission.partnership_id),
        }

    def get_initial(self) -> dict[str, Any]:
        t = self.tender
        initial = {
            name: getattr(t, name) for name in f.TenderForm.base_fields if name not in ("commission", "outcomes")
        }
        for name in ("clarification_deadline", "eoi_deadline", "submission_deadline"):
            if initial.get(name):
                initial[name] = timezone.localtime(initial[name]).replace(tzinfo=None)
        initial["outcomes"] = list(t.outcomes.all())
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.tender_context(), creating=False, **kwargs)

    def form_valid(self, form: f.TenderForm) -> HttpResponse:
        data = {k: v for k, v in form.cleaned_data.items() if not form.fields[k].disabled}
        outcomes = data.pop("outcomes", None)
        try:
            services.tender_update(tender=self.tender, by=self.acting, outcomes=outcomes, **data)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        messages.success(
            self.request, "Tender saved" + (". Interested providers have been told" if self.tender.is_published else "")
        )
        return redirect("tender-detail", tender_id=self.tender.pk)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class TenderDocumentsView(TenderMixin, KeepUploadsMixin, MemberView, FormView):
    template_name = "procurement/tender_documents.html"
    form_class = f.DocumentForm
    required_roles = READ
    write_roles = LEAD

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **self.tender_context(),
            documents=TenderDocument.objects.filter(tender=self.tender, removed_at__isnull=True),
            lots=list(self.tender.lots.all()),
            lot_form=kwargs.pop("lot_form", None) or f.LotForm(prefix="lot"),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_lead()
        action = request.POST.get("action")
        if action in ("add_lot", "remove_lot"):
            try:
                if action == "add_lot":
                    form = f.LotForm(request.POST, prefix="lot")
                    if not form.is_valid():
                        return self.render_to_response(self.get_context_data(lot_form=form), status=400)
                    services.lot_add(tender=self.tender, by=self.acting, **form.cleaned_data)
                else:
                    lot = get_object_or_404(Lot.objects.filter(tender=self.tender), pk=request.POST.get("lot"))
                    services.lot_remove(lot=lot, by=self.acting)
            except DomainError as error:
                _error(request, error)
            return redirect("tender-documents", tender_id=self.tender.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: f.DocumentForm) -> HttpResponse:
        try:
            services.tender_document_add(
                tender=self.tender, title=form.cleaned_data["title"], upload=form.cleaned_data["file"], by=self.acting
            )
        except DomainError as error:
            apply_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Document added" + (". Interested providers have been told" if self.tender.is_published else ""),
        )
        return redirect("tender-documents", tender_id=self.tender.pk)

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class TenderDocumentRemoveView(MemberView):
    http_method_names = ["post"]
    required_roles = LEAD

    def post(self, request: HttpRequest, tender_document_id: int) -> HttpResponse:
        document = get_object_or_404(TenderDocument.objects.select_related("tender"), pk=tender_document_id)
        try:
            services.tender_document_remove(document=document, by=self.acting)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, f"“{document.title}” withdrawn")
        return redirect("tender-documents", tender_id=document.tender_id)


class MethodView(TenderMixin, MemberTemplateView):
    template_name = "procurement/method.html"
    required_roles = READ
    write_roles = LEAD

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        method = EvaluationMethod.objects.filter(tender=self.tender).first()
        if method is None:  # a tender made outside tender_create (imported, or old data): say so, don't fail
            return super().get_context_data(**self.tender_context(), method=None, **kwargs)
        criteria = Criterion.objects.filter(method=method)
        scale_text = "\n".join(f"{r['score']}: {r['descriptor']}" for r in method.scale)
        return super().get_context_data(
            **self.tender_context(),
            method=method,
            criteria=list(criteria),
            weight_total=sum(c.weight for c in criteria),
            questions=list(
                Question.objects.filter(method=method).select_related("criterion").order_by("stage", "number")
            ),
            problems=services.method_problems(method),
            criterion_form=kwargs.pop("criterion_form", None) or f.CriterionForm(prefix="criterion"),
            question_form=kwargs.pop("question_form", None)
            or f.QuestionForm(
                criteria=criteria.exclude(kind="price"), two_stage=self.tender.is_two_stage, prefix="question"
            ),
            settings_form=kwargs.pop("settings_form", None)
            or f.MethodSettingsForm(
                initial={"scale": scale_text, "price_formula": method.price_formula}, prefix="settings"
            ),
            **kwargs,
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        action = request.POST.get("action", "")
        method = EvaluationMethod.objects.get(tender=self.tender)
        criteria = Criterion.objects.filter(method=method)
        form: forms.Form
        try:
            if action == "add_criterion":
                form = f.CriterionForm(request.POST, prefix="criterion")
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(criterion_form=form), status=400)
                services.criterion_add(tender=self.tender, by=self.acting, **form.cleaned_data)
            elif action == "remove_criterion":
                services.criterion_remove(
                    criterion=get_object_or_404(criteria, pk=request.POST.get("criterion")), by=self.acting
                )
            elif action == "add_question":
                form = f.QuestionForm(
                    request.POST,
                    criteria=criteria.exclude(kind="price"),
                    two_stage=self.tender.is_two_stage,
                    prefix="question",
                )
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(question_form=form), status=400)
                services.question_add(tender=self.tender, by=self.acting, **form.cleaned_data)
            elif action == "remove_question":
                question = get_object_or_404(Question.objects.filter(method=method), pk=request.POST.get("question"))
                services.question_remove(question=question, by=self.acting)
            elif action == "settings":
                form = f.MethodSettingsForm(request.POST, prefix="settings")
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(settings_form=form), status=400)
                services.method_update(
                    tender=self.tender,
                    by=self.acting,
                    scale_text=form.cleaned_data["scale"],
                    price_formula=form.cleaned_data["price_formula"],
                )
            elif action == "submit":
                method = services.method_submit(tender=self.tender, by=self.acting)
                messages.success(
                    request,
                    "The evaluation method is approved and frozen"
                    if method.status == MethodStatus.APPROVED
                    else "The evaluation method has been sent to the board. Its clerk can now put it on an agenda",
                )
                return redirect("tender-method", tender_id=self.tender.pk)
            elif action == "withdraw":
                services.method_withdraw(tender=self.tender, by=self.acting)
            else:
                messages.error(request, "Choose what to do")
                return redirect("tender-method", tender_id=self.tender.pk)
        except DomainError as error:
            _error(request, error)
        return redirect("tender-method", tender_id=self.tender.pk)


class PublishView(TenderMixin, MemberView):
    http_method_names = ["post"]
    required_roles = LEAD

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        try:
            services.tender_publish(tender=self.tender, by=self.acting)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(
                request, "Published on the opportunities portal. Providers following its service area have been told"
            )
        return redirect("tender-detail", tender_id=self.tender.pk)


class TenderStepView(TenderMixin, MemberView):
    http_method_names = ["post"]
    required_roles = LEAD

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        name = request.POST.get("step", "")
        if name not in (*LEAD_BUTTONS, "cancel"):
            messages.error(request, "Choose a step")
            return redirect("tender-detail", tender_id=self.tender.pk)
        try:
            services.tender_transition(
                tender=self.tender, name=name, by=self.acting, reason=request.POST.get("reason", "")
            )
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, f"{TENDER_WORKFLOW[name].label}: done")
        return redirect("tender-detail", tender_id=self.tender.pk)


class ClarificationsView(TenderMixin, MemberTemplateView):
    template_name = "procurement/clarifications.html"
    required_roles = READ

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.is_lead:
            items = selectors.clarifications_for_lead(tender=self.tender)
        else:
            items = Clarification.objects.filter(tender=self.tender, published_at__isnull=False)
        return super().get_context_data(**self.tender_context(), items=items, **kwargs)


class AnswerView(MemberView, FormView):
    template_name = "procurement/answer.html"
    form_class = f.AnswerForm
    required_roles = LEAD

    def load(self, **kwargs: Any) -> None:
        self.clarification = get_object_or_404(
            Clarification.objects.select_related("tender__commission", "organisation"), pk=kwargs["clarification_id"]
        )
        if not is_lead(self.clarification.tender, self.acting):
            raise PermissionDenied("Only the lead commissioner answers questions")

    def get_initial(self) -> dict[str, Any]:
        c = self.clarification
        return {"published_question": c.published_question or c.question, "answer": c.answer}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(clarification=self.clarification, tender=self.clarification.tender, **kwargs)

    def form_valid(self, form: f.AnswerForm) -> HttpResponse:
        try:
            services.clarification_answer(clarification=self.clarification, by=self.acting, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        messages.success(self.request, "Answer published to every bidder, without naming who asked")
        return redirect("tender-clarifications", tender_id=self.clarification.tender_id)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


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
            bids=selectors.received_bids(tender=self.tender, stage=stage),
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


class ShortlistView(TenderMixin, MemberTemplateView):
    template_name = "procurement/shortlist.html"
    required_roles = READ
    write_roles = LEAD

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **self.tender_context(),
            bids=selectors.received_bids(tender=self.tender, stage=Stage.EOI) if self.is_lead else [],
            sealed=self.tender.eoi_deadline is None or timezone.now() < self.tender.eoi_deadline,
            **kwargs,
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        try:
            if request.POST.get("action") == "invite":
                services.invite_full_bids(tender=self.tender, by=self.acting)
                messages.success(
                    request, "Shortlisted providers are invited to the full bid; the others have been told why not"
                )
            else:
                bid = get_object_or_404(
                    selectors.received_bids(tender=self.tender, stage=Stage.EOI), pk=request.POST.get("bid")
                )
                services.eoi_decide(
                    bid=bid,
                    shortlist=request.POST.get("decision") == "shortlist",
                    by=self.acting,
                    reason=request.POST.get("reason", ""),
                )
        except DomainError as error:
            _error(request, error)
        return redirect("tender-shortlist", tender_id=self.tender.pk)


class PanelView(TenderMixin, MemberTemplateView):
    """The lead names the panel and decides on declared conflicts. The conflicts record goes into the board pack."""

    template_name = "procurement/panel.html"
    required_roles = READ
    write_roles = LEAD

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **self.tender_context(),
            panel=selectors.panel_of(tender=self.tender),
            add_form=kwargs.pop("add_form", None)
            or f.EvaluatorForm(candidates=services.evaluator_candidates(self.tender)),
            conflicts=selectors.conflicts_record(self.tender),
            **kwargs,
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        action = request.POST.get("action")
        form: forms.Form
        try:
            if action == "add":
                candidates = services.evaluator_candidates(self.tender)
                form = f.EvaluatorForm(request.POST, candidates=candidates)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(add_form=form), status=400)
                membership = next(m for m in candidates if str(m.pk) == form.cleaned_data["membership"])
                services.evaluator_add(
                    tender=self.tender,
                    membership=membership,
                    by=self.acting,
                    role_title=form.cleaned_data["role_title"],
                )
                messages.success(
                    request, f"{membership.user} is on the panel and has been asked to declare their interests"
                )
            elif action == "remove":
                evaluator = get_object_or_404(
                    Evaluator.objects.filter(tender=self.tender), pk=request.POST.get("evaluator")
                )
                services.evaluator_remove(evaluator=evaluator, by=self.acting)
            elif action == "conflict":
                form = f.ConflictForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "Choose exclude, or allow with mitigation")
                    return redirect("tender-panel", tender_id=self.tender.pk)
                evaluator = get_object_or_404(
                    Evaluator.objects.filter(tender=self.tender), pk=form.cleaned_data["evaluator"]
                )
                services.conflict_decide(
                    evaluator=evaluator,
                    decision=form.cleaned_data["decision"],
                    mitigation=form.cleaned_data["mitigation"],
                    by=self.acting,
                )
                messages.success(request, f"Decision on {evaluator.user}'s interest recorded")
        except DomainError as error:
            _error(request, error)
        return redirect("tender-panel", tender_id=self.tender.pk)


class ModerationView(TenderMixin, MemberTemplateView):
    template_name = "procurement/moderation.html"
    required_roles = (Role.COMMISSIONER, Role.EVALUATOR)
    write_roles = LEAD

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not permissions.may_read_bids(self.tender, self.acting):
            raise PermissionDenied("Only the lead commissioner and cleared evaluators see the moderation")
        bids, questions, grid = selectors.moderation_grid(tender=self.tender)
        method = EvaluationMethod.objects.filter(tender=self.tender).first()
        rows = [(b, [grid[(b.pk, q.pk)] for q in questions]) for b in bids]
        return super().get_context_data(
            **self.tender_context(),
            rows=rows,
            questions=questions,
            scale=method.scale if method is not None else [],
            problems=services.moderation_problems(self.tender) if self.tender.status == T.EVALUATION else [],
            evaluation=selectors.evaluation_results(self.tender),
            **kwargs,
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        bid = get_object_or_404(selectors.received_bids(tender=self.tender), pk=request.POST.get("bid"))
        question = get_object_or_404(
            Question.objects.filter(method__tender=self.tender), pk=request.POST.get("question")
        )
        try:
            services.moderate(
                bid=bid,
                question=question,
                note=request.POST.get("note", ""),
                by=self.acting,
                score=request.POST.get("score"),
                passed=request.POST.get("passed"),
            )
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, f"Moderated score for {bid.organisation} on question {question.number} recorded")
        return redirect(f"{reverse('tender-moderation', kwargs={'tender_id': self.tender.pk})}#bid-{bid.pk}")


class RecommendationView(TenderMixin, MemberTemplateView):
    template_name = "procurement/recommendation.html"
    required_roles = READ
    write_roles = LEAD

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tender = self.tender
        recommendation = selectors.current_recommendation(tender=tender)
        evaluation = None
        if tender.status not in (T.DRAFT, T.METHOD_APPROVED, T.PUBLISHED, T.CLARIFICATIONS_CLOSED, T.CANCELLED) and (
            self.is_lead or permissions.may_read_bids(tender, self.acting)
        ):
            evaluation = selectors.evaluation_results(tender)
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
            problems=services.moderation_problems(tender) if tender.status == T.EVALUATION else [],
            **kwargs,
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        action = request.POST.get("action")
        try:
            if action == "recommend":
                evaluation = selectors.evaluation_results(self.tender)
                lots: list[Lot | None] = [*self.tender.lots.all()] or [None]
                choices = []
                for lot in lots:
                    key = f"bid_{lot.pk if lot else 'all'}"
                    bid_id = request.POST.get(key)
                    bid = get_object_or_404(selectors.received_bids(tender=self.tender), pk=bid_id) if bid_id else None
                    if bid is None:
                        raise DomainError("Choose the recommended bid" + (f" for {lot}" if lot else ""))
                    raw = request.POST.get(f"value_{lot.pk if lot else 'all'}", "")
                    result = evaluation.by_bid.get(bid.pk)
                    value = (
                        services._parse_amount(raw, "the annual value")
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
            _error(request, error)
        return redirect("tender-recommendation", tender_id=self.tender.pk)


class AwardView(TenderMixin, KeepUploadsMixin, MemberView, FormView):
    """Award letters and the standstill, then each signed contract."""

    template_name = "procurement/award.html"
    form_class = f.ContractForm
    required_roles = READ
    write_roles = LEAD

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
                _error(request, error)
            else:
                messages.success(
                    request,
                    f"Award letters sent. The standstill ends at the end of {tender.standstill_ends_on:%A %-d %B %Y}",
                )
            return redirect("tender-award", tender_id=self.tender.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: f.ContractForm) -> HttpResponse:
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
        messages.success(self.request, f"Contract with {contract.provider} recorded as signed")
        return redirect("contract-detail", signed_contract_id=contract.pk)

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
        return super().get_context_data(
            contract=contract,
            table=selectors.shares_table(shares),
            documents=list(contract.documents.all()),
            is_lead=is_lead(contract.tender, self.acting),
            **kwargs,
        )


class ContractDocumentView(MemberView):
    def get(self, request: HttpRequest, contract_document_id: int) -> HttpResponse:
        document = get_object_or_404(ContractDocument.objects.all(), pk=contract_document_id)
        return serve(document.file, filename=document.original_filename)


# =====================================================================================================================
# Evaluators
# =====================================================================================================================


class EvaluationsView(MemberTemplateView):
    template_name = "procurement/evaluations.html"
    required_roles = permissions.EVALUATOR_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(seats=selectors.seats_of(user=self.request.user), **kwargs)


class PanelSeatMixin:
    request: HttpRequest

    def load(self, **kwargs: Any) -> None:
        self.evaluator = get_object_or_404(
            Evaluator.objects.select_related("tender__commission__lead", "organisation"),
            pk=kwargs["evaluator_id"],
            user=self.request.user,
        )
        self.tender = self.evaluator.tender


class EvaluatorPanelView(PanelSeatMixin, MemberView, FormView):
    """An evaluator's seat: declare interests first; once cleared (and the deadline passed), the bids to score."""

    template_name = "procurement/evaluation_panel.html"
    form_class = f.DeclarationForm
    required_roles = permissions.EVALUATOR_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        evaluator = self.evaluator
        cleared = evaluator.is_cleared and permissions.may_evaluate(self.tender, self.request.user)
        return super().get_context_data(
            evaluator=evaluator,
            tender=self.tender,
            cleared=cleared,
            sheets=selectors.sheets_of(evaluator=evaluator) if cleared else [],
            bidders=selectors.bidder_names(tender=self.tender) if not evaluator.is_excluded else [],
            sealed=timezone.now() < self.tender.submission_deadline,
            **kwargs,
        )

    def form_valid(self, form: f.DeclarationForm) -> HttpResponse:
        try:
            services.interests_declare(
                evaluator=self.evaluator,
                has_interest=form.cleaned_data["has_interest"],
                interest=form.cleaned_data["interest"],
                by=self.acting,
            )
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        messages.success(self.request, "Your declaration is recorded")
        return redirect("evaluation-panel", evaluator_id=self.evaluator.pk)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class ScoreSheetView(MemberView, FormView):
    """One evaluator's scores for one bid. Private to the evaluator until they submit."""

    template_name = "procurement/scoresheet.html"
    form_class = f.ScoreForm
    required_roles = permissions.EVALUATOR_ROLES

    def load(self, **kwargs: Any) -> None:
        self.sheet = get_object_or_404(
            ScoreSheet.objects.select_related(
                "evaluator__tender__commission", "bid__organisation", "bid__current_version", "bid__lot"
            ),
            public_id=kwargs["scoresheet_id"],
            evaluator__user=self.request.user,
        )
        self.tender = self.sheet.evaluator.tender
        if not self.sheet.evaluator.is_cleared or not permissions.may_evaluate(self.tender, self.request.user):
            raise PermissionDenied("You are not cleared to evaluate this tender")
        self.questions = list(Question.objects.filter(method__tender=self.tender, stage=Stage.FULL).order_by("number"))
        self.method = EvaluationMethod.objects.filter(tender=self.tender).first()

    def get_form_kwargs(self) -> dict[str, Any]:
        scale = self.method.scale if self.method is not None else []
        return {**super().get_form_kwargs(), "questions": self.questions, "scale": scale}

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for s in Score.objects.filter(sheet=self.sheet):
            initial[f"score_{s.question_id}"] = "" if s.score is None else str(s.score)
            initial[f"passed_{s.question_id}"] = "" if s.passed is None else ("pass" if s.passed else "fail")
            initial[f"justification_{s.question_id}"] = s.justification
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        version = self.sheet.bid.current_version
        answers = {a["question_id"]: a for a in (version.content.get("answers", []) if version else [])}
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        form = kwargs["form"]
        blocks = [
            (
                q,
                answers.get(q.pk),
                form[f"passed_{q.pk}" if q.pass_fail else f"score_{q.pk}"],
                form[f"justification_{q.pk}"],
            )
            for q in self.questions
        ]
        return super().get_context_data(
            sheet=self.sheet,
            tender=self.tender,
            bid=self.sheet.bid,
            content=version.content if version else {},
            blocks=blocks,
            attachments=selectors.version_attachments(version),
            problems=services.sheet_problems(self.sheet) if self.sheet.submitted_at is None else [],
            **kwargs,
        )

    def form_valid(self, form: f.ScoreForm) -> HttpResponse:
        data = form.cleaned_data
        scores = {
            q.pk: {
                "score": data.get(f"score_{q.pk}"),
                "passed": data.get(f"passed_{q.pk}") or None,
                "justification": data.get(f"justification_{q.pk}", ""),
            }
            for q in self.questions
        }
        for entry in scores.values():
            if entry["passed"] is not None:
                entry["passed"] = entry["passed"] == "pass"
        try:
            services.scores_save(sheet=self.sheet, scores=scores, by=self.acting)
            if self.request.POST.get("action") == "submit":
                services.sheet_submit(sheet=self.sheet, by=self.acting)
                messages.success(self.request, "Your scores are submitted")
                return redirect("evaluation-panel", evaluator_id=self.sheet.evaluator_id)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        messages.success(self.request, "Your scores are saved (only you can see them until you submit)")
        return redirect("scoresheet", scoresheet_id=self.sheet.public_id)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)
