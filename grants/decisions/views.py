"""Pages of the decision: the ranked list with recommendations and the steps (the lead, the partners, the delegated
officer), preparing it, one application's recommendation, the outcomes, and the applicant's letter with acceptance
or decline."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.amounts import format_gbp
from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, TransitionView
from core.workflow import Workflow
from grants.applications.models import GrantApplication
from grants.assessment import rules as assessment_rules
from grants.assessment import services as assessment_services
from grants.assessment.views import LEAD_ROLES, READ_ROLES, RoundMixin
from grants.decisions import letters, rules, services
from grants.decisions.forms import PrepareForm, RecommendationForm
from grants.decisions.models import GrantDecision, GrantLetter, GrantRecommendation
from grants.decisions.workflows import DECISION_WORKFLOW, OUTCOME_WORKFLOW
from partners.models import Membership, Role

DECIDER_ROLES = (Role.COMMISSIONER, Role.ORG_ADMIN, Role.FINANCE_OFFICER)
APPLICANT_ROLES = (Role.BIDDER, Role.ORG_ADMIN)


def _url(programme_id: int) -> str:
    return reverse("grant-decision", kwargs={"assessed_round_id": programme_id})


class DecisionView(RoundMixin, MemberTemplateView):
    template_name = "grants/decision.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        decision = GrantDecision.objects.filter(programme=self.programme).select_related("officer").first()
        ranking = assessment_rules.programme_ranking(self.programme)
        lines = {r.application_id: r for r in GrantRecommendation.objects.filter(decision=decision)} if decision else {}
        apps = {a.pk: a for a in assessment_rules.assessed_applications(self.programme)}
        rows = [(row, lines.get(row.application_id), apps.get(row.application_id)) for row in ranking.rows]
        return super().get_context_data(
            programme=self.programme,
            decision=decision,
            ranking=ranking,
            rows=rows,
            total=rules.total_recommended(decision) if decision else None,
            route=rules.route_for(decision) if decision else "",
            steps=DECISION_WORKFLOW.possible_for(decision, self.acting) if decision else [],
            is_lead=self.is_lead,
            **kwargs,
        )


class DecisionPrepareView(RoundMixin, FormPage):
    required_roles = LEAD_ROLES
    heading = "Prepare the decision"
    button = "Save"
    form_class = PrepareForm

    def get_caption(self) -> str:
        return self.programme.title

    def back_url(self) -> str:
        return _url(self.programme.pk)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        officers = (
            Membership.objects.filter(organisation_id=self.programme.commission.lead_id, is_active=True)
            .select_related("user")
            .order_by("user__full_name")
        )
        kwargs["officers"] = [(m.user_id, str(m.user)) for m in officers]
        decision = GrantDecision.objects.filter(programme=self.programme).first()
        if decision is not None and self.request.method == "GET":
            kwargs["initial"] = {
                "accept_by": decision.accept_by,
                "officer": decision.officer_id,
                "summary": decision.summary,
            }
        return kwargs

    def act(self, form: PrepareForm) -> HttpResponse:
        officer_id = form.cleaned_data.get("officer")
        officer = (
            Membership.objects.filter(organisation_id=self.programme.commission.lead_id, user_id=officer_id)
            .select_related("user")
            .first()
            if officer_id
            else None
        )
        services.decision_prepare(
            programme=self.programme,
            accept_by=form.cleaned_data["accept_by"],
            officer=officer.user if officer else None,
            summary=form.cleaned_data.get("summary") or "",
            by=self.acting,
        )
        return self.done("The decision is saved", self.back_url())


class RecommendView(FormPage):
    required_roles = LEAD_ROLES
    button = "Save the recommendation"
    form_class = RecommendationForm

    def load(self, **kwargs: Any) -> None:
        self.application = get_object_or_404(
            GrantApplication.objects.select_related("programme__commission", "organisation"),
            public_id=kwargs["assessed_application_id"],
        )
        if not assessment_services.is_lead(self.application.programme, self.acting):
            raise Http404
        self.decision = GrantDecision.objects.filter(programme=self.application.programme).first()

    def get_heading(self) -> str:
        return f"Recommendation for {self.application.organisation}"

    def get_caption(self) -> str:
        return self.application.programme.title

    def get_intro(self) -> str:
        if self.decision is None:
            return "Prepare the decision first (the date offers must be accepted by)."
        return f"They asked for {format_gbp(self.application.amount_requested)}."

    def back_url(self) -> str:
        return _url(self.application.programme_id)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        line = (
            GrantRecommendation.objects.filter(decision=self.decision, application=self.application).first()
            if self.decision
            else None
        )
        if line is not None and self.request.method == "GET":
            kwargs["initial"] = {
                "fund": "yes" if line.fund else "no",
                "amount": line.amount,
                "conditions": line.conditions,
                "feedback": line.feedback,
            }
        return kwargs

    def act(self, form: RecommendationForm) -> HttpResponse:
        if self.decision is None:
            raise DomainError("Prepare the decision first")
        services.recommendation_set(
            decision=self.decision,
            application=self.application,
            fund=form.cleaned_data["fund"],
            amount=form.cleaned_data.get("amount"),
            conditions=form.cleaned_data.get("conditions") or "",
            feedback=form.cleaned_data.get("feedback") or "",
            by=self.acting,
        )
        return self.done("The recommendation is saved", self.back_url())


class DecisionStepView(TransitionView):
    workflow: Workflow = DECISION_WORKFLOW
    required_roles = DECIDER_ROLES

    def load(self, **kwargs: Any) -> None:
        self.object = get_object_or_404(
            GrantDecision.objects.select_related("programme__commission"), pk=kwargs["grant_decision_id"]
        )

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return services.decision_step(decision=obj, name=name, reason=reason, by=self.acting)

    def get_success_url(self) -> str:
        return _url(self.object.programme_id)


class OffersView(RoundMixin, MemberTemplateView):
    """The outcome of each application: offered, accepted, declined, lapsed or unsuccessful, with its letter."""

    template_name = "grants/offers.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        found = GrantLetter.objects.filter(application__programme=self.programme).select_related(
            "application__organisation"
        )
        return super().get_context_data(programme=self.programme, letters=list(found), **kwargs)


class LetterView(MemberTemplateView):
    """The applicant's letter (offer with conditions, or decline with feedback); ``?format=pdf`` downloads it. The
    applicant accepts or declines an offer here."""

    template_name = "grants/letter.html"

    def load(self, **kwargs: Any) -> None:
        self.letter = get_object_or_404(
            GrantLetter.objects.select_related("application__programme__commission", "application__organisation"),
            public_id=kwargs["grant_letter_id"],
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") == "pdf":
            response = HttpResponse(letters.letter_pdf(self.letter), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="grant-letter-{self.letter.public_id}.pdf"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.letter.application
        applicant = rules.is_applicant(application, self.acting)
        return super().get_context_data(
            **letters.letter_context(self.letter),
            application=application,
            steps=OUTCOME_WORKFLOW.possible_for(application, self.acting) if applicant else [],
            **kwargs,
        )


class OfferStepView(TransitionView):
    """The applicant accepts or declines (with a reason) the offer in this letter."""

    workflow: Workflow = OUTCOME_WORKFLOW
    required_roles = APPLICANT_ROLES

    def load(self, **kwargs: Any) -> None:
        letter = get_object_or_404(
            GrantLetter.objects.select_related("application__programme"),
            public_id=kwargs["grant_letter_id"],
            application__organisation=self.acting.organisation,
        )
        self.letter = letter
        self.object = letter.application

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        if name == "accept":
            return services.offer_accept(application=obj, by=self.acting)
        if name == "decline_offer":
            return services.offer_decline(application=obj, reason=reason, by=self.acting)
        raise DomainError("Choose to accept or decline the offer")

    def get_success_url(self) -> str:
        return reverse("grant-letter", kwargs={"grant_letter_id": self.letter.public_id})
