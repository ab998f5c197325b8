"""Pages of the assessment: the panel and progress (the lead), naming an assessor, declaring interests and scoring
(an assessor), moderation (the lead), and the ranked list."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from commissioning.models import JointCommission
from core.views import FormPage, MemberTemplateView
from grants.applications.models import GrantApplication
from grants.assessment import rules, services
from grants.assessment.forms import AssessorForm, CriterionScoresForm, DeclarationForm, ModerationForm
from grants.assessment.models import AssessmentScore, AssessmentSheet, AssessorInterest
from grants.programmes.models import GrantAssessor, GrantProgramme
from partners.models import Membership, Role

LEAD_ROLES = (Role.COMMISSIONER, Role.ORG_ADMIN)
READ_ROLES = (Role.COMMISSIONER, Role.ORG_ADMIN, Role.FINANCE_OFFICER, Role.BOARD_MEMBER, Role.VIEWER)
PANEL_ROLES = (Role.EVALUATOR, Role.COMMISSIONER)


class RoundMixin:
    """Loads the programme named by ``assessed_round_id``: only those who see its commission (the lead, the accountable
    body, the partners) reach these pages; anyone else gets a 404, as for a missing one."""

    programme: GrantProgramme

    def load(self, **kwargs: Any) -> None:
        programme = get_object_or_404(
            GrantProgramme.objects.select_related("commission__lead"), pk=kwargs["assessed_round_id"]
        )
        if not JointCommission.objects.filter(pk=programme.commission_id).exists():
            raise Http404
        self.programme = programme

    @property
    def is_lead(self) -> bool:
        return services.is_lead(self.programme, self.acting)  # type: ignore[attr-defined]


class AssessmentView(RoundMixin, MemberTemplateView):
    """The panel and progress; an assessor (an evaluator) reaches her declaration and score sheets from here."""

    template_name = "grants/assessment.html"
    required_roles = (*READ_ROLES, Role.EVALUATOR)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programme = self.programme
        assessors = list(
            GrantAssessor.objects.filter(programme=programme)
            .select_related("user", "organisation")
            .annotate(submitted=Count("sheets", filter=Q(sheets__submitted_at__isnull=False)))
        )
        interests: dict[int, list[AssessorInterest]] = {}
        for i in AssessorInterest.objects.filter(assessor__programme=programme).select_related(
            "application__organisation"
        ):
            interests.setdefault(i.assessor_id, []).append(i)
        rows = [(a, interests.get(a.pk, [])) for a in assessors]
        lead = self.is_lead
        ranking = rules.programme_ranking(programme) if lead else None
        mine = next((a for a in assessors if a.user_id == self.request.user.pk), None)
        return super().get_context_data(
            programme=programme,
            panel=rows,
            is_lead=lead,
            ranking=ranking,
            problems=rules.moderation_problems(programme) if lead else [],
            applications=rules.assessed_applications(programme) if (lead or mine) else [],
            mine=mine,
            excluded=rules.conflicted_application_ids(mine) if mine else set(),
            **kwargs,
        )


class AssessorAddView(RoundMixin, FormPage):
    required_roles = LEAD_ROLES
    heading = "Add someone to the assessment panel"
    button = "Add to the panel"
    form_class = AssessorForm

    def get_caption(self) -> str:
        return self.programme.title

    def back_url(self) -> str:
        return reverse("grant-assessment", kwargs={"assessed_round_id": self.programme.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        organisations = services.panel_organisations(self.programme)
        taken = set(GrantAssessor.objects.filter(programme=self.programme).values_list("user_id", flat=True))
        members = (
            Membership.objects.unscoped(reason="the panel may be drawn from every partner organisation's people")
            .filter(organisation_id__in=organisations, is_active=True, roles__overlap=list(PANEL_ROLES))
            .exclude(user_id__in=taken)
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__full_name")
        )
        kwargs["candidates"] = [(f"{m.organisation_id}:{m.user_id}", f"{m.user}, {m.organisation}") for m in members]
        return kwargs

    def act(self, form: AssessorForm) -> HttpResponse:
        organisation_id, _, user_id = form.cleaned_data["member"].partition(":")
        member = (
            Membership.objects.unscoped(reason="the chosen person's membership, checked again by the service")
            .select_related("user", "organisation")
            .get(organisation_id=int(organisation_id), user_id=int(user_id))
        )
        services.assessor_appoint(
            programme=self.programme, user=member.user, organisation=member.organisation, by=self.acting
        )
        return self.done(f"{member.user} is on the panel", self.back_url())


class DeclareView(FormPage):
    """An assessor declares any interest in each application (the type of interest and what it is)."""

    required_roles = PANEL_ROLES
    heading = "Declare your interests"
    button = "Confirm my declaration"
    form_class = DeclarationForm
    intro = (
        "Declare any interest in an applicant. You will not score an application you have an interest in; the "
        "panel's declarations go to the board with its recommendation."
    )

    def load(self, **kwargs: Any) -> None:
        self.assessor = get_object_or_404(
            GrantAssessor.objects.select_related("programme__commission"),
            pk=kwargs["grant_assessor_id"],
            user=self.request.user,
        )
        self.programme = self.assessor.programme
        self.applications = rules.assessed_applications(self.programme) if self.programme.has_closed() else []

    def get_caption(self) -> str:
        return self.programme.title

    def back_url(self) -> str:
        return reverse("grant-assessment", kwargs={"assessed_round_id": self.programme.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["applications"] = self.applications
        if self.request.method == "GET":
            kwargs["initial"] = {
                key: value
                for i in AssessorInterest.objects.filter(assessor=self.assessor)
                for key, value in ((f"kind_{i.application_id}", i.kind), (f"detail_{i.application_id}", i.detail))
            }
        return kwargs

    def act(self, form: DeclarationForm) -> HttpResponse:
        services.interests_declare(assessor=self.assessor, interests=form.interests(), by=self.acting)
        return self.done("Your declaration is recorded", self.back_url())


class ScoreView(FormPage):
    """An assessor's score sheet for one application: a score and a comment per criterion; save, then submit."""

    required_roles = PANEL_ROLES
    template_name = "grants/score.html"
    button = "Save"
    form_class = CriterionScoresForm

    def load(self, **kwargs: Any) -> None:
        self.application = get_object_or_404(
            GrantApplication.objects.select_related("programme__commission", "organisation", "current_version"),
            public_id=kwargs["scored_application_id"],
        )
        self.assessor = get_object_or_404(
            GrantAssessor.objects.select_related("programme"),
            programme=self.application.programme,
            user=self.request.user,
            organisation=self.acting.organisation,
        )
        self.criteria = rules.criteria_of(self.application.programme)
        self.sheet = AssessmentSheet.objects.filter(assessor=self.assessor, application=self.application).first()
        self.blockers = rules.scoring_blockers(self.assessor, self.application)

    def get_heading(self) -> str:
        return f"Score {self.application.organisation}'s application"

    def get_caption(self) -> str:
        return self.application.programme.title

    def back_url(self) -> str:
        return reverse("grant-assessment", kwargs={"assessed_round_id": self.application.programme_id})

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["criteria"] = self.criteria
        if self.request.method == "GET" and self.sheet is not None:
            kwargs["initial"] = {
                key: value
                for s in AssessmentScore.objects.filter(sheet=self.sheet)
                for key, value in ((f"score_{s.criterion_id}", s.score), (f"note_{s.criterion_id}", s.comment))
            }
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        version = self.application.current_version
        return super().get_context_data(
            application=self.application,
            content=version.content if version and not self.blockers else None,
            sheet=self.sheet,
            blockers=self.blockers,
            read_only=bool(self.blockers) or bool(self.sheet and self.sheet.submitted_at),
            **kwargs,
        )

    def act(self, form: CriterionScoresForm) -> HttpResponse:
        sheet = services.scores_save(
            assessor=self.assessor, application=self.application, scores=form.scores("comment"), by=self.acting
        )
        if "submit" in self.request.POST:
            services.sheet_submit(sheet=sheet, by=self.acting)
            return self.done("Your scores are submitted", self.back_url())
        return self.done("Your scores are saved", self.request.path)


class ModerateView(FormPage):
    """The lead records the panel's agreed score and how it was agreed, per criterion, reading the sheets."""

    required_roles = LEAD_ROLES
    template_name = "grants/moderate.html"
    button = "Save the agreed scores"
    form_class = ModerationForm

    def load(self, **kwargs: Any) -> None:
        self.application = get_object_or_404(
            GrantApplication.objects.select_related("programme__commission", "organisation"),
            public_id=kwargs["assessed_application_id"],
        )
        if not services.is_lead(self.application.programme, self.acting):
            raise Http404
        self.criteria = rules.criteria_of(self.application.programme)

    def get_heading(self) -> str:
        return f"Agree the scores for {self.application.organisation}"

    def get_caption(self) -> str:
        return self.application.programme.title

    def back_url(self) -> str:
        return reverse("grant-assessment", kwargs={"assessed_round_id": self.application.programme_id})

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["criteria"] = self.criteria
        if self.request.method == "GET":
            kwargs["initial"] = {
                key: value
                for m in self.application.moderated_scores.all()
                for key, value in ((f"score_{m.criterion_id}", m.score), (f"note_{m.criterion_id}", m.note))
            }
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sheets = list(
            AssessmentSheet.objects.filter(application=self.application, submitted_at__isnull=False)
            .select_related("assessor__user")
            .prefetch_related("scores")
        )
        names = {c.pk: c.name for c in self.criteria}
        rows = [
            (sheet.assessor.user, [(names.get(s.criterion_id, ""), s.score, s.comment) for s in sheet.scores.all()])
            for sheet in sheets
        ]
        excluded = AssessorInterest.objects.filter(application=self.application).select_related("assessor__user")
        return super().get_context_data(sheets=rows, excluded=list(excluded), **kwargs)

    def act(self, form: ModerationForm) -> HttpResponse:
        services.moderate(application=self.application, scores=form.scores("note"), by=self.acting)
        return self.done("The agreed scores are saved", self.back_url())
