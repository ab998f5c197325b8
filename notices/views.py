"""Notice pages: the tender's notices (the lead prepares them), a notice's page (public once published) and its JSON,
the "prepare for Find a Tender" page and download, and the lead's steps, refresh and correction.

There is no edit page: a notice's fields come from Jointly's facts (refresh a draft after changing them), and a
published notice is corrected by a new notice."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, MemberView, PublicTemplateView, PublicView, TransitionView
from notices import selectors, services
from notices.forms import PrepareForm
from notices.kinds import KINDS
from notices.models import Notice
from notices.workflows import NOTICE_WORKFLOW
from partners.models import Role
from procurement.tenders.models import Tender
from procurement.tenders.rules import is_lead

READ_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN, Role.BOARD_MEMBER, Role.VIEWER)
LEAD_ROLES = (Role.COMMISSIONER,)


class NoticeMixin:
    """A notice the acting organisation may see: the lead's and partners' drafts, anyone's published ones."""

    request: HttpRequest
    notice: Notice

    def load(self, **kwargs: Any) -> None:
        self.notice = get_object_or_404(
            Notice.objects.select_related("tender__commission__lead", "contract", "corrects"),
            pk=kwargs["notice_id"],
        )

    def back_to_notice(self) -> str:
        return reverse("notice-detail", kwargs={"published_notice_id": self.notice.pk})


class TenderNoticesView(MemberTemplateView):
    """The tender's notices: the lead's and partners' timeline, with the form to prepare one for the lead."""

    template_name = "notices/tender_notices.html"
    required_roles = READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.tender = get_object_or_404(Tender.objects.select_related("commission__lead"), pk=kwargs["tender_id"])
        if self.acting.organisation.pk not in self.tender.commission.audit_audience():
            raise Http404

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = selectors.timeline(self.tender, self.acting)
        return super().get_context_data(**context, **kwargs)


class NoticePrepareView(FormPage):
    form_class = PrepareForm
    required_roles = LEAD_ROLES
    button = "Prepare the notice"
    caption = "Procurement Act 2023 notices"
    heading = "Prepare a notice"
    intro = (
        "Jointly fills in the notice from what it already holds. You check it, approve it and publish it here, then "
        "file it on Find a Tender, the central digital platform: Jointly prepares notices, it is not the platform."
    )

    def load(self, **kwargs: Any) -> None:
        self.tender = get_object_or_404(Tender.objects.select_related("commission__lead"), pk=kwargs["tender_id"])
        if self.acting.organisation.pk not in self.tender.commission.audit_audience():
            raise Http404
        if not is_lead(self.tender, self.acting):
            raise Http404

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["tender"] = self.tender
        return kwargs

    def get_caption(self) -> str:
        return self.tender.title

    def back_url(self) -> str:
        return reverse("tender-notices", kwargs={"tender_id": self.tender.pk})

    def act(self, form: Any) -> HttpResponse:
        notice = services.notice_prepare(
            tender=self.tender,
            kind=form.cleaned_data["kind"],
            contract=form.cleaned_data.get("contract"),
            variation_id=form.cleaned_data.get("variation"),
            by=self.acting,
        )
        return self.done(f"Prepared: {notice.title}", "notice-detail", published_notice_id=notice.pk)


class NoticeDetailView(PublicTemplateView):
    """A notice's page: public once published; before that, the lead's and partners' (anyone else: 404)."""

    template_name = "notices/notice_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        notice = get_object_or_404(
            Notice.objects.select_related("tender__commission__lead", "contract", "corrects"),
            pk=self.kwargs["published_notice_id"],
        )
        acting = getattr(self.request, "acting", None)
        lead = acting is not None and acting.user is not None and is_lead(notice.tender, acting)
        return super().get_context_data(
            notice=notice,
            spec=KINDS[notice.kind],
            rows=selectors.filing_rows(notice),
            is_lead=lead,
            steps=NOTICE_WORKFLOW.possible_for(notice, acting) if lead and acting is not None else [],
            corrections=list(Notice.objects.filter(corrects=notice).order_by("created_at")),
            **kwargs,
        )


class NoticeJsonView(PublicView):
    """The notice's data as JSON: public once published (the lead and partners read drafts)."""

    def get(self, request: HttpRequest, published_notice_id: int) -> HttpResponse:
        notice = get_object_or_404(Notice.objects.select_related("tender"), pk=published_notice_id)
        response = JsonResponse(selectors.notice_json(notice, request=request), json_dumps_params={"indent": 2})
        response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.json"'
        return response


class FilingView(NoticeMixin, MemberTemplateView):
    """Prepare for Find a Tender: every field, field by field, with where Jointly found it, to copy across."""

    template_name = "notices/filing.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            notice=self.notice,
            spec=KINDS[self.notice.kind],
            rows=selectors.filing_rows(self.notice),
            missing=selectors.notice_json(self.notice)["missing"],
            **kwargs,
        )


class FilingJsonView(NoticeMixin, MemberView):
    required_roles = READ_ROLES

    def get(self, request: HttpRequest, notice_id: int) -> HttpResponse:
        body = json.dumps(selectors.notice_json(self.notice, request=request), indent=2)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = (
            f'attachment; filename="find-a-tender-{self.notice.kind}-{self.notice.pk}.json"'
        )
        return response


class NoticeStepView(NoticeMixin, TransitionView):
    required_roles = LEAD_ROLES
    workflow = NOTICE_WORKFLOW

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.notice

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return services.notice_transition(notice=obj, name=name, by=self.acting, reason=reason)

    def get_success_url(self) -> str:
        return self.back_to_notice()


class NoticeRefreshView(NoticeMixin, MemberView):
    http_method_names = ["post"]
    required_roles = LEAD_ROLES

    def post(self, request: HttpRequest, notice_id: int) -> HttpResponse:
        try:
            services.notice_refresh(notice=self.notice, by=self.acting)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Refreshed from what Jointly holds")
        return redirect(self.back_to_notice())


class NoticeCorrectView(NoticeMixin, MemberView):
    http_method_names = ["post"]
    required_roles = LEAD_ROLES

    def post(self, request: HttpRequest, notice_id: int) -> HttpResponse:
        try:
            correction = services.notice_correct(notice=self.notice, by=self.acting)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(self.back_to_notice())
        messages.success(request, "A correction is prepared: check, approve and publish it")
        return redirect("notice-detail", published_notice_id=correction.pk)
