"""Pages: the applicant checks eligibility and starts, saves its project and each section (or the one-page small
grants form) and returns, checks its answers and submits with a declaration, downloads its copy, and withdraws
before closing. After closing the lead and assessors read a received application (the tenant rule)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from commissioning.register.selectors import register_facts
from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, MemberView
from grants.applications import selectors, services
from grants.applications.forms import AnswersForm, DeclarationForm, OnePageForm, ProjectForm, StartForm, WithdrawForm
from grants.applications.models import ApplicationStatus, ApplicationVersion, GrantApplication
from grants.applications.rules import EDITABLE, LateSubmission, is_applicant, profile_facts, working_copy
from grants.programmes.models import ApplicationSection, GrantProgramme
from grants.programmes.rules import APPLICANT_ROLES, LEAD_ROLES, eligibility_problems
from partners.models import Role

READERS = (*APPLICANT_ROLES, *LEAD_ROLES, Role.EVALUATOR)


class ApplicationListView(MemberTemplateView):
    template_name = "grants/applications.html"
    required_roles = tuple(APPLICANT_ROLES)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        applications = list(selectors.applications_of(organisation=self.acting.organisation))
        return super().get_context_data(applications=applications, **kwargs)


class ApplicationStartView(FormPage):
    """Check eligibility and start: a refusal says why, on the page."""

    form_class = StartForm  # nothing to type: the button is the action
    required_roles = tuple(APPLICANT_ROLES)
    template_name = "grants/start.html"
    button = "Start your application"

    def load(self, **kwargs: Any) -> None:
        self.programme = get_object_or_404(
            GrantProgramme.objects.filter(opened_at__isnull=False).select_related("commission"),
            pk=kwargs["grant_round_id"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = self.acting.organisation
        problems = eligibility_problems(
            self.programme, organisation, annual_income=services.annual_income_of(organisation)
        )
        return super().get_context_data(
            programme=self.programme, problems=problems, organisation=organisation, **kwargs
        )

    def back_url(self) -> str:
        return reverse("grant-programme-public", kwargs={"grant_round_id": self.programme.pk})

    def act(self, form: Any) -> HttpResponse:
        application = services.application_start(programme=self.programme, by=self.acting)
        return self.done("Your application is started", "grant-application", application_id=application.public_id)


class ApplicationMixin:
    application: GrantApplication
    request: HttpRequest
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.application = get_object_or_404(
            GrantApplication.objects.select_related("programme__commission", "organisation", "current_version"),
            public_id=kwargs["application_id"],
        )


class OwnApplicationMixin(ApplicationMixin):
    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        if self.application.organisation_id != self.acting.organisation.pk:
            raise Http404


class ApplicationView(ApplicationMixin, MemberTemplateView):
    """The applicant's task list (or, once closed, the lead's and assessors' reading of what was submitted)."""

    template_name = "grants/application.html"
    required_roles = READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.application
        programme = application.programme
        own = is_applicant(application, self.acting)
        context: dict[str, Any] = {
            "application": application,
            "programme": programme,
            "own": own,
            "editable": own and application.status in EDITABLE and programme.is_accepting(),
            "facts": profile_facts(application),
            "register": _register(application, own),
            "version": application.current_version,
            "may_withdraw": own and application.status == ApplicationStatus.SUBMITTED and not programme.has_closed(),
        }
        if own:
            working = working_copy(application)
            sections = []
            for section in programme.sections.all():
                qs = [q for q in working.questions if q.section_id == section.pk]
                done = all(working.answers.get(q.pk, "").strip() or not q.required for q in qs)
                sections.append({"section": section, "questions": qs, "done": done})
            context["sections"] = sections
            context["project_done"] = bool(application.project_title and application.amount_requested is not None)
        return super().get_context_data(**context, **kwargs)


def _register(application: GrantApplication, own: bool) -> dict[str, Any]:
    """The provider's register entry and current documents, read here (never while the page renders): an
    application reuses them without re-entry, as a bid does. The partnership's people see the documents of providers
    on its register; the applicant always its own."""
    found = register_facts(
        partnership_id=application.programme.partnership_id, organisation_id=application.organisation_id
    )
    if found["entry"] is None and not own:
        found["documents"] = []
    return {**found, "mine": own}


class ProjectView(OwnApplicationMixin, FormPage):
    form_class = ProjectForm
    required_roles = tuple(APPLICANT_ROLES)
    heading = "Your project"
    button = "Save and return to your application"

    def get_caption(self) -> str:
        return self.application.programme.title

    def get_intro(self) -> str:
        p = self.application.programme
        return f"Ask for between £{p.amount_min:,.2f} and £{p.amount_max:,.2f}."

    def get_initial(self) -> dict[str, Any]:
        a = self.application
        return {
            "project_title": a.project_title,
            "project_summary": a.project_summary,
            "amount_requested": a.amount_requested,
        }

    def back_url(self) -> str:
        return reverse("grant-application", kwargs={"application_id": self.application.public_id})

    def act(self, form: Any) -> HttpResponse:
        services.application_save_project(application=self.application, by=self.acting, **form.cleaned_data)
        return self.done("Your project is saved", "grant-application", application_id=self.application.public_id)


class SectionView(OwnApplicationMixin, FormPage):
    """One section's answers, saved on their own; the word limit is checked per answer."""

    required_roles = tuple(APPLICANT_ROLES)
    button = "Save and return to your application"

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.section = get_object_or_404(
            ApplicationSection.objects.filter(programme_id=self.application.programme_id), pk=kwargs["section_id"]
        )
        self.questions = [q for q in working_copy(self.application).questions if q.section_id == self.section.pk]

    def get_form_class(self) -> Any:
        return AnswersForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["questions"] = self.questions
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        answers = working_copy(self.application).answers
        return {f"q{q.pk}": answers.get(q.pk, "") for q in self.questions}

    def get_heading(self) -> str:
        return self.section.title

    def get_caption(self) -> str:
        return self.application.programme.title

    def get_intro(self) -> str:
        return self.section.guidance

    def back_url(self) -> str:
        return reverse("grant-application", kwargs={"application_id": self.application.public_id})

    def act(self, form: Any) -> HttpResponse:
        services.application_save_answers(
            application=self.application, by=self.acting, answers=form.answers(), section=self.section
        )
        return self.done(f"{self.section.title}: saved", "grant-application", application_id=self.application.public_id)


class OnePageView(OwnApplicationMixin, FormPage):
    """A small grants application on one page: the project and every question."""

    required_roles = tuple(APPLICANT_ROLES)
    heading = "Your application"
    button = "Save and check your answers"

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.questions = working_copy(self.application).questions

    def get_form_class(self) -> Any:
        return OnePageForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["questions"] = self.questions
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        a = self.application
        answers = working_copy(a).answers
        return {
            "project_title": a.project_title,
            "project_summary": a.project_summary,
            "amount_requested": a.amount_requested,
            **{f"q{q.pk}": answers.get(q.pk, "") for q in self.questions},
        }

    def get_caption(self) -> str:
        return self.application.programme.title

    def back_url(self) -> str:
        return reverse("grant-application", kwargs={"application_id": self.application.public_id})

    def act(self, form: Any) -> HttpResponse:
        d = form.cleaned_data
        services.application_save_project(
            application=self.application,
            by=self.acting,
            project_title=d["project_title"],
            project_summary=d["project_summary"],
            amount_requested=d["amount_requested"],
        )
        services.application_save_answers(application=self.application, by=self.acting, answers=form.answers())
        return self.done(
            "Your application is saved", "grant-application-check", application_id=self.application.public_id
        )


class CheckAnswersView(OwnApplicationMixin, FormPage):
    """Check your answers, then the declaration and submit. Judged late on the server's clock."""

    form_class = DeclarationForm
    required_roles = tuple(APPLICANT_ROLES)
    template_name = "grants/check.html"
    button = "Accept and submit"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        a = self.application
        working = working_copy(a)
        rows = [{"question": q, "answer": working.answers.get(q.pk, "")} for q in working.questions]
        return super().get_context_data(
            application=a, programme=a.programme, rows=rows, facts=profile_facts(a), **kwargs
        )

    def back_url(self) -> str:
        return reverse("grant-application", kwargs={"application_id": self.application.public_id})

    def act(self, form: Any) -> HttpResponse:
        try:
            version = services.submit_or_refuse_late(
                application=self.application, by=self.acting, declaration=form.cleaned_data["declaration"]
            )
        except LateSubmission as error:
            raise DomainError(error.message) from error
        local = timezone.localtime(version.submitted_at)
        return self.done(
            f"Application submitted at {local:%H:%M:%S} on {local:%-d %B %Y}. A copy has been emailed to you",
            "grant-application",
            application_id=self.application.public_id,
        )


class WithdrawView(OwnApplicationMixin, FormPage):
    form_class = WithdrawForm
    required_roles = tuple(APPLICANT_ROLES)
    heading = "Are you sure you want to withdraw your application?"
    button = "Withdraw application"

    def get_caption(self) -> str:
        return self.application.programme.title

    def get_intro(self) -> str:
        return (
            "Your application will not be assessed. You can submit it again before the programme closes; after "
            "that you cannot."
        )

    def back_url(self) -> str:
        return reverse("grant-application", kwargs={"application_id": self.application.public_id})

    def act(self, form: Any) -> HttpResponse:
        services.application_withdraw(application=self.application, by=self.acting, reason=form.cleaned_data["reason"])
        return self.done(
            "Your application is withdrawn", "grant-application", application_id=self.application.public_id
        )


class ApplicationCopyView(ApplicationMixin, MemberView):
    """The PDF copy of what was submitted (the same file the receipt email carries)."""

    required_roles = READERS

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = ApplicationVersion.objects.filter(pk=self.application.current_version_id).first()
        if version is None:
            raise Http404
        response = HttpResponse(services.receipt_pdf(version), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{services.receipt_filename(version)}"'
        return response
