"""Pages of the public portal (opportunities, feeds, documents, interest, questions) and the lead's tender
pages (create, edit, documents, method, publish, steps, clarifications).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.views.generic import FormView

from commissioning.models import CommissionStatus, JointCommission, Outcome
from core import audit, exports, handlers
from core.errors import DomainError
from core.files import KeepUploadsMixin, serve
from core.forms import BoundedForm, DateInput
from core.money import format_gbp
from core.views import (
    MemberTemplateView,
    MemberView,
    PublicTemplateView,
    PublicView,
    TransitionView,
    apply_domain_error,
    form_invalid_response,
)
from core.workflow import Transition
from procurement import permissions
from procurement.bids.models import (
    Bid,
)
from procurement.tenders import forms as tender_forms
from procurement.tenders import rules, selectors, services
from procurement.tenders.models import (
    Clarification,
    Criterion,
    EvaluationMethod,
    Lot,
    MethodStatus,
    Question,
    Tender,
    TenderDocument,
    on_panel_q,
)
from procurement.tenders.regime import summary_for
from procurement.tenders.rules import has_board, is_lead
from procurement.workflows import LEAD_BUTTONS, TENDER_WORKFLOW


def flash_error(request: HttpRequest, error: DomainError) -> None:
    text = error.message
    if error.problems:
        text = f"{text}: {'; '.join(error.problems)}"
    elif error.field_errors:
        text = f"{text}: {'; '.join(m for ms in error.field_errors.values() for m in ms)}"
    messages.error(request, text)


def attempt(request: HttpRequest, action: Callable[[], Any], *, done: str) -> bool:
    """Run a button's service: a refusal becomes an error message, success the ``done`` message."""
    try:
        action()
    except DomainError as error:
        flash_error(request, error)
        return False
    messages.success(request, done)
    return True


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
    closing_from = forms.DateField(label="Closing on or after", required=False, widget=DateInput())
    closing_to = forms.DateField(label="Closing on or before", required=False, widget=DateInput())
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
        if acting is not None and acting.organisation is not None and acting.has_role(*permissions.BID_ROLES):
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


def published_tender(opportunity_id: int) -> Tender:
    return get_object_or_404(Tender.objects.filter(published_at__isnull=False), pk=opportunity_id)


class InterestView(MemberView):
    http_method_names = ["post"]
    required_roles = permissions.BID_ROLES

    def post(self, request: HttpRequest, opportunity_id: int) -> HttpResponse:
        tender = published_tender(opportunity_id)
        attempt(
            request,
            lambda: services.interest_register(tender=tender, by=self.acting),
            done="You will be told of every change to this tender",
        )
        return redirect("opportunity-detail", opportunity_id=tender.pk)


class AskView(MemberView, FormView):
    template_name = "procurement/ask.html"
    form_class = tender_forms.AskForm
    required_roles = permissions.BID_ROLES

    def load(self, **kwargs: Any) -> None:
        self.tender = published_tender(kwargs["opportunity_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tender=self.tender, **kwargs)

    def form_valid(self, form: tender_forms.AskForm) -> HttpResponse:
        try:
            services.clarification_ask(tender=self.tender, question=form.cleaned_data["question"], by=self.acting)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        return self.done(
            "Your question has been sent to the lead. You will be told when it is answered",
            "opportunity-detail",
            opportunity_id=self.tender.pk,
        )

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


# =====================================================================================================================
# The lead's tenders
# =====================================================================================================================


class TenderListView(MemberTemplateView):
    template_name = "procurement/tenders.html"
    required_roles = permissions.READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = paginate(self.request, selectors.tenders_for(organisation=self.acting.organisation), 25)
        return super().get_context_data(tenders=page, page=page, now=timezone.now(), **kwargs)


class TenderReportView(MemberView):
    """A CSV of the organisation's tenders. Bid counts appear only once a tender's deadline has passed."""

    required_roles = permissions.READ_ROLES

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
    form_class = tender_forms.TenderForm
    required_roles = permissions.LEAD_ROLES

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
                estimated_annual_value=rules.suggested_value(commission),
                term_years=commission.term_years,
                outcomes=list(commission.outcomes.all()),
            )
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(creating=True, **kwargs)

    def form_valid(self, form: tender_forms.TenderForm) -> HttpResponse:
        data = dict(form.cleaned_data)
        try:
            tender = services.tender_create(by=self.acting, **data)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        return self.done("Tender drafted. Next: its evaluation method", "tender-method", tender_id=tender.pk)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class TenderMixin:
    """Tender pages of the lead and partners (and, for some, the panel): another organisation gets a 404 even
    when the tender is published -- the public reads the portal page instead."""

    request: HttpRequest

    def load(self, **kwargs: Any) -> None:
        acting = self.request.acting  # type: ignore[attr-defined]
        visible = JointCommission.objects.unscoped(
            reason="the visibility rule is applied explicitly, for the acting organisation"
        ).filter(JointCommission.tenant_filter(acting.organisation), pk=OuterRef("commission"))
        try:
            self.tender = selectors.tender_detail(
                tender_id=kwargs["tender_id"], where=Q(Exists(visible)) | on_panel_q(acting.organisation, "pk")
            )
        except Tender.DoesNotExist as exc:
            raise Http404 from exc
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


def _notice_timeline(tender: Tender, acting: Any) -> dict[str, Any] | None:
    """The tender's notices, read now rather than while the template renders (``{% tender_notices %}`` takes them
    from the context); ``None`` when the notices app is not installed."""
    timeline = handlers.find("notices.timeline", "tender")
    return timeline(tender, acting) if timeline is not None else None


class TenderDetailView(TenderMixin, MemberTemplateView):
    template_name = "procurement/tender_detail.html"
    required_roles = permissions.READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tender = self.tender
        steps = [
            (t, problems) for t, problems in TENDER_WORKFLOW.possible_for(tender, self.acting) if t.name in LEAD_BUTTONS
        ]
        return super().get_context_data(
            **self.tender_context(),
            steps=steps,
            documents=list(TenderDocument.objects.filter(tender=tender, removed_at__isnull=True)),
            lots=list(tender.lots.all()),
            history=audit.reveal(audit.history_for(tender)[:30], self.acting),
            cancel_form=tender_forms.CancelForm(),
            regime=summary_for(tender),
            notice_timeline=_notice_timeline(tender, self.acting),
            unanswered=getattr(tender, "unanswered_clarifications", 0) if self.is_lead else None,
            **kwargs,
        )


class TenderEditView(TenderMixin, MemberView, FormView):
    template_name = "procurement/tender_form.html"
    form_class = tender_forms.TenderForm
    required_roles = permissions.LEAD_ROLES

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
            name: getattr(t, name)
            for name in tender_forms.TenderForm.base_fields
            if name not in ("commission", "outcomes")
        }
        for name in ("clarification_deadline", "eoi_deadline", "submission_deadline"):
            if initial.get(name):
                initial[name] = timezone.localtime(initial[name]).replace(tzinfo=None)
        initial["outcomes"] = list(t.outcomes.all())
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.tender_context(), creating=False, **kwargs)

    def form_valid(self, form: tender_forms.TenderForm) -> HttpResponse:
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
    form_class = tender_forms.DocumentForm
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **self.tender_context(),
            documents=TenderDocument.objects.filter(tender=self.tender, removed_at__isnull=True),
            lots=list(self.tender.lots.all()),
            lot_form=kwargs.pop("lot_form", None) or tender_forms.LotForm(prefix="lot"),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_lead()
        action = request.POST.get("action")
        if action in ("add_lot", "remove_lot"):
            try:
                if action == "add_lot":
                    form = tender_forms.LotForm(request.POST, prefix="lot")
                    if not form.is_valid():
                        return self.render_to_response(self.get_context_data(lot_form=form), status=400)
                    services.lot_add(tender=self.tender, by=self.acting, **form.cleaned_data)
                else:
                    lot = get_object_or_404(Lot.objects.filter(tender=self.tender), pk=request.POST.get("lot"))
                    services.lot_remove(lot=lot, by=self.acting)
            except DomainError as error:
                flash_error(request, error)
            return redirect("tender-documents", tender_id=self.tender.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: tender_forms.DocumentForm) -> HttpResponse:
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
    required_roles = permissions.LEAD_ROLES

    def post(self, request: HttpRequest, tender_document_id: int) -> HttpResponse:
        document = get_object_or_404(TenderDocument.objects.select_related("tender"), pk=tender_document_id)
        attempt(
            request,
            lambda: services.tender_document_remove(document=document, by=self.acting),
            done=f"“{document.title}” withdrawn",
        )
        return redirect("tender-documents", tender_id=document.tender_id)


class MethodView(TenderMixin, MemberTemplateView):
    template_name = "procurement/method.html"
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES

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
            problems=rules.method_problems(method),
            criterion_form=kwargs.pop("criterion_form", None) or tender_forms.CriterionForm(prefix="criterion"),
            question_form=kwargs.pop("question_form", None)
            or tender_forms.QuestionForm(
                criteria=criteria.exclude(kind="price"), two_stage=self.tender.is_two_stage, prefix="question"
            ),
            settings_form=kwargs.pop("settings_form", None)
            or tender_forms.MethodSettingsForm(
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
                form = tender_forms.CriterionForm(request.POST, prefix="criterion")
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(criterion_form=form), status=400)
                services.criterion_add(tender=self.tender, by=self.acting, **form.cleaned_data)
            elif action == "remove_criterion":
                services.criterion_remove(
                    criterion=get_object_or_404(criteria, pk=request.POST.get("criterion")), by=self.acting
                )
            elif action == "add_question":
                form = tender_forms.QuestionForm(
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
                form = tender_forms.MethodSettingsForm(request.POST, prefix="settings")
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
            flash_error(request, error)
        return redirect("tender-method", tender_id=self.tender.pk)


class PublishView(TenderMixin, MemberView):
    http_method_names = ["post"]
    required_roles = permissions.LEAD_ROLES

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        try:
            services.tender_publish(tender=self.tender, by=self.acting)
        except DomainError as error:
            flash_error(request, error)
        else:
            messages.success(
                request, "Published on the opportunities portal. Providers following its service area have been told"
            )
        return redirect("tender-detail", tender_id=self.tender.pk)


class TenderStepView(TenderMixin, TransitionView):
    """The lead's buttons for the tender's simple steps (closing, starting the evaluation, returning, cancelling)."""

    required_roles = permissions.LEAD_ROLES
    workflow = TENDER_WORKFLOW

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.tender

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        if name not in (*LEAD_BUTTONS, "cancel"):
            raise DomainError("Choose a step")
        return services.tender_transition(tender=obj, name=name, by=self.acting, reason=reason)

    def done_message(self, obj: Any, step: Transition) -> str:
        return f"{step.label}: done"

    def get_success_url(self) -> str:
        return reverse("tender-detail", kwargs={"tender_id": self.tender.pk})


class ClarificationsView(TenderMixin, MemberTemplateView):
    template_name = "procurement/clarifications.html"
    required_roles = permissions.READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.is_lead:
            items = selectors.clarifications_for_lead(tender=self.tender)
        else:
            items = Clarification.objects.filter(tender=self.tender, published_at__isnull=False)
        return super().get_context_data(**self.tender_context(), items=items, **kwargs)


class AnswerView(MemberView, FormView):
    template_name = "procurement/answer.html"
    form_class = tender_forms.AnswerForm
    required_roles = permissions.LEAD_ROLES

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

    def form_valid(self, form: tender_forms.AnswerForm) -> HttpResponse:
        try:
            services.clarification_answer(clarification=self.clarification, by=self.acting, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        return self.done(
            "Answer published to every bidder, without naming who asked",
            "tender-clarifications",
            tender_id=self.clarification.tender_id,
        )

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)
