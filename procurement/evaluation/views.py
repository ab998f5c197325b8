"""Pages for shortlisting, the panel, moderation, and an evaluator's seat and score sheets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from core.errors import DomainError
from core.views import (
    MemberTemplateView,
    MemberView,
    apply_domain_error,
    form_invalid_response,
)
from partners.models import Role
from procurement import permissions
from procurement.bids import selectors as bid_selectors
from procurement.evaluation import forms as evaluation_forms
from procurement.evaluation import rules, selectors, services
from procurement.evaluation.models import Evaluator, Score, ScoreSheet
from procurement.tenders.models import (
    EvaluationMethod,
    Question,
    Stage,
    TenderStatus,
)
from procurement.tenders.views import TenderMixin, attempt, flash_error


class ShortlistView(TenderMixin, MemberTemplateView):
    template_name = "procurement/shortlist.html"
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **self.tender_context(),
            bids=list(bid_selectors.received_bids(tender=self.tender, stage=Stage.EOI)) if self.is_lead else [],
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
                    bid_selectors.received_bids(tender=self.tender, stage=Stage.EOI), pk=request.POST.get("bid")
                )
                services.eoi_decide(
                    bid=bid,
                    shortlist=request.POST.get("decision") == "shortlist",
                    by=self.acting,
                    reason=request.POST.get("reason", ""),
                )
        except DomainError as error:
            flash_error(request, error)
        return redirect("tender-shortlist", tender_id=self.tender.pk)


class PanelView(TenderMixin, MemberTemplateView):
    """The lead names the panel and decides on declared conflicts. The conflicts record goes into the board pack."""

    template_name = "procurement/panel.html"
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **self.tender_context(),
            panel=list(selectors.panel_of(tender=self.tender)),
            add_form=kwargs.pop("add_form", None)
            or evaluation_forms.EvaluatorForm(candidates=rules.evaluator_candidates(self.tender)),
            conflicts=selectors.conflicts_record(self.tender),
            **kwargs,
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        action = request.POST.get("action")
        form: forms.Form
        try:
            if action == "add":
                candidates = rules.evaluator_candidates(self.tender)
                form = evaluation_forms.EvaluatorForm(request.POST, candidates=candidates)
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
                form = evaluation_forms.ConflictForm(request.POST)
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
            flash_error(request, error)
        return redirect("tender-panel", tender_id=self.tender.pk)


class ModerationView(TenderMixin, MemberTemplateView):
    template_name = "procurement/moderation.html"
    required_roles = (Role.COMMISSIONER, Role.EVALUATOR)
    write_roles = permissions.LEAD_ROLES

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
            problems=rules.moderation_problems(self.tender) if self.tender.status == TenderStatus.EVALUATION else [],
            evaluation=rules.evaluation_results(self.tender),
            **kwargs,
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        bid = get_object_or_404(bid_selectors.received_bids(tender=self.tender), pk=request.POST.get("bid"))
        question = get_object_or_404(
            Question.objects.filter(method__tender=self.tender), pk=request.POST.get("question")
        )
        attempt(
            request,
            lambda: services.moderate(
                bid=bid,
                question=question,
                note=request.POST.get("note", ""),
                by=self.acting,
                score=request.POST.get("score"),
                passed=request.POST.get("passed"),
            ),
            done=f"Moderated score for {bid.organisation} on question {question.number} recorded",
        )
        return redirect(f"{reverse('tender-moderation', kwargs={'tender_id': self.tender.pk})}#bid-{bid.pk}")


# =====================================================================================================================
# Evaluators
# =====================================================================================================================


class EvaluationsView(MemberTemplateView):
    template_name = "procurement/evaluations.html"
    required_roles = permissions.EVALUATOR_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(seats=list(selectors.seats_of(user=self.request.user)), **kwargs)


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
    form_class = evaluation_forms.DeclarationForm
    required_roles = permissions.EVALUATOR_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        evaluator = self.evaluator
        cleared = evaluator.is_cleared and permissions.may_evaluate(self.tender, self.request.user)
        return super().get_context_data(
            evaluator=evaluator,
            tender=self.tender,
            cleared=cleared,
            sheets=list(selectors.sheets_of(evaluator=evaluator)) if cleared else [],
            bidders=list(selectors.bidder_names(tender=self.tender)) if not evaluator.is_excluded else [],
            sealed=timezone.now() < self.tender.submission_deadline,
            **kwargs,
        )

    def form_valid(self, form: evaluation_forms.DeclarationForm) -> HttpResponse:
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
        return self.done("Your declaration is recorded", "evaluation-panel", evaluator_id=self.evaluator.pk)

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)


class ScoreSheetView(MemberView, FormView):
    """One evaluator's scores for one bid. Private to the evaluator until they submit."""

    template_name = "procurement/scoresheet.html"
    form_class = evaluation_forms.ScoreForm
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
            attachments=bid_selectors.version_attachments(version),
            problems=rules.sheet_problems(self.sheet) if self.sheet.submitted_at is None else [],
            **kwargs,
        )

    def form_valid(self, form: evaluation_forms.ScoreForm) -> HttpResponse:
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
                return self.done("Your scores are submitted", "evaluation-panel", evaluator_id=self.sheet.evaluator_id)
        except DomainError as error:
            apply_domain_error(form, error)
            return form_invalid_response(self, form)
        return self.done(
            "Your scores are saved (only you can see them until you submit)",
            "scoresheet",
            scoresheet_id=self.sheet.public_id,
        )

    def form_invalid(self, form: Any) -> HttpResponse:
        return form_invalid_response(self, form)
