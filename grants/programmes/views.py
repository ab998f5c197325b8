"""Pages: the public list of open grant rounds and a round's page; the lead commissioner's programmes, set-up
(programme, criteria, sections, questions) and steps."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from commissioning.models import JointCommission
from core.views import FormPage, MemberTemplateView, PublicTemplateView, TransitionView
from grants.applications.models import GrantApplication
from grants.applications.selectors import received_for
from grants.programmes import selectors, services
from grants.programmes.forms import CriterionForm, ProgrammeForm, QuestionForm, SectionForm
from grants.programmes.models import ApplicationSection, GrantProgramme
from grants.programmes.rules import APPLICANT_ROLES, LEAD_ROLES, READ_ROLES, is_lead
from grants.programmes.workflows import PROGRAMME_WORKFLOW

PROGRAMME_FIELDS = services.PROGRAMME_FIELDS


# --- public -----------------------------------------------------------------------------------------------------------


class PublicProgrammeListView(PublicTemplateView):
    template_name = "grants/public_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(programmes=list(selectors.open_programmes()), **kwargs)


class PublicProgrammeView(PublicTemplateView):
    template_name = "grants/public_programme.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programme = get_object_or_404(selectors.published_programmes(), pk=self.kwargs["grant_round_id"])
        acting = getattr(self.request, "acting", None)
        context: dict[str, Any] = {
            "programme": programme,
            "criteria": list(programme.criteria.all()),
            "sections": selectors.form_of(programme),
            "accepting": programme.is_accepting(),
            "now": timezone.now(),
        }
        if acting is not None and acting.organisation is not None:
            context["is_lead"] = is_lead(programme, acting)
            if acting.has_role(*APPLICANT_ROLES):
                context["is_applicant"] = True
                context["own"] = GrantApplication.objects.filter(
                    programme=programme, organisation=acting.organisation
                ).first()
        return super().get_context_data(**context, **kwargs)


# --- the lead commissioner ----------------------------------------------------------------------------------------


class ProgrammeListView(MemberTemplateView):
    template_name = "grants/programmes.html"
    required_roles = tuple(READ_ROLES)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programmes = list(selectors.programmes_for(organisation=self.acting.organisation))
        return super().get_context_data(programmes=programmes, **kwargs)


def _lead_commissions(acting: Any) -> list[tuple[int, str]]:
    rows = (
        JointCommission.objects.filter(lead=acting.organisation, grant_programme__isnull=True, tenders__isnull=True)
        .order_by("title")
        .values_list("pk", "title")
    )
    return list(rows)


class ProgrammeCreateView(FormPage):
    form_class = ProgrammeForm
    required_roles = tuple(LEAD_ROLES)
    heading = "Set up a grant programme"
    caption = "Grant programmes"
    button = "Save as a draft"
    intro = "A grant programme is the grant route of a joint commission: the partners' contributions to it fund it."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["commissions"] = _lead_commissions(self.acting)
        return kwargs

    def back_url(self) -> str:
        return reverse("grant-programmes")

    def act(self, form: Any) -> HttpResponse:
        d = form.cleaned_data
        commission = get_object_or_404(JointCommission.objects.all(), pk=d["commission"])
        programme = services.programme_create(
            commission=commission, by=self.acting, **{f: d[f] for f in PROGRAMME_FIELDS}
        )
        return self.done("Programme saved as a draft", "grant-programme", programme_id=programme.pk)


class ProgrammeMixin:
    programme: GrantProgramme

    def load(self, **kwargs: Any) -> None:
        self.programme = get_object_or_404(
            GrantProgramme.objects.select_related("commission", "partnership", "service_area"),
            pk=kwargs["programme_id"],
        )


class ProgrammeView(ProgrammeMixin, MemberTemplateView):
    template_name = "grants/programme.html"
    required_roles = tuple(READ_ROLES)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programme = self.programme
        closed = programme.has_closed()
        context = {
            "programme": programme,
            "criteria": list(programme.criteria.all()),
            "sections": selectors.form_of(programme),
            "funding": selectors.funding(programme),
            "is_lead": is_lead(programme, self.acting),
            "steps": PROGRAMME_WORKFLOW.possible_for(programme, self.acting),
            "closed": closed,
            # Sealed: before closing the list is empty for everyone (the tenant rule), so it is not even asked.
            "applications": list(received_for(programme=programme)) if closed else [],
        }
        return super().get_context_data(**context, **kwargs)


class ProgrammeEditView(ProgrammeMixin, FormPage):
    form_class = ProgrammeForm
    required_roles = tuple(LEAD_ROLES)
    heading = "Change the programme"
    button = "Save"

    def get_caption(self) -> str:
        return self.programme.title

    def get_initial(self) -> dict[str, Any]:
        return {f: getattr(self.programme, f) for f in PROGRAMME_FIELDS}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["commissions"] = None
        return kwargs

    def back_url(self) -> str:
        return reverse("grant-programme", kwargs={"programme_id": self.programme.pk})

    def act(self, form: Any) -> HttpResponse:
        services.programme_update(programme=self.programme, by=self.acting, data=form.cleaned_data)
        return self.done("Programme saved", "grant-programme", programme_id=self.programme.pk)


class CriterionAddView(ProgrammeMixin, FormPage):
    form_class = CriterionForm
    required_roles = tuple(LEAD_ROLES)
    heading = "Add a criterion"
    button = "Add criterion"

    def get_caption(self) -> str:
        return self.programme.title

    def back_url(self) -> str:
        return reverse("grant-programme", kwargs={"programme_id": self.programme.pk})

    def act(self, form: Any) -> HttpResponse:
        services.criterion_add(programme=self.programme, by=self.acting, **form.cleaned_data)
        return self.done("Criterion added", "grant-programme", programme_id=self.programme.pk)


class SectionAddView(ProgrammeMixin, FormPage):
    form_class = SectionForm
    required_roles = tuple(LEAD_ROLES)
    heading = "Add a section to the application form"
    button = "Add section"

    def get_caption(self) -> str:
        return self.programme.title

    def back_url(self) -> str:
        return reverse("grant-programme", kwargs={"programme_id": self.programme.pk})

    def act(self, form: Any) -> HttpResponse:
        services.section_add(programme=self.programme, by=self.acting, **form.cleaned_data)
        return self.done("Section added", "grant-programme", programme_id=self.programme.pk)


class QuestionAddView(FormPage):
    form_class = QuestionForm
    required_roles = tuple(LEAD_ROLES)
    heading = "Add a question"
    button = "Add question"

    def load(self, **kwargs: Any) -> None:
        self.section = get_object_or_404(
            ApplicationSection.objects.select_related("programme__commission"), pk=kwargs["grant_section_id"]
        )

    def get_caption(self) -> str:
        return f"{self.section.programme.title}: {self.section.title}"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["criteria"] = [(c.pk, c.name) for c in self.section.programme.criteria.all()]
        return kwargs

    def back_url(self) -> str:
        return reverse("grant-programme", kwargs={"programme_id": self.section.programme_id})

    def act(self, form: Any) -> HttpResponse:
        d = dict(form.cleaned_data)
        criterion_id = d.pop("criterion", None)
        criterion = self.section.programme.criteria.filter(pk=criterion_id).first() if criterion_id else None
        services.question_add(section=self.section, by=self.acting, criterion=criterion, **d)
        return self.done("Question added", "grant-programme", programme_id=self.section.programme_id)


class ProgrammeTransitionView(ProgrammeMixin, TransitionView):
    workflow = PROGRAMME_WORKFLOW
    required_roles = tuple(LEAD_ROLES)

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.programme

    def get_success_url(self) -> str:
        return reverse("grant-programme", kwargs={"programme_id": self.programme.pk})
