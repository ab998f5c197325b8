"""Pages: the end-of-grant report (the grantee writes and submits it; the lead accepts or returns it) and closing
the grant."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.views import FormPage, TransitionView
from grants.applications.models import GrantApplication
from grants.applications.workflows import APPLICATION_WORKFLOW
from grants.reports.forms import ReportForm
from grants.reports.models import GrantReport
from grants.reports.rules import report_of
from grants.reports.services import REPORT_FIELDS, grant_close, report_save
from grants.reports.workflows import CLOSE_GRANT, GRANTEE_ROLES, REPORT_WORKFLOW


def report_page(application: GrantApplication) -> str:
    return reverse("grant-report", kwargs={"grant_id": application.public_id})


def _application(application_id: Any) -> GrantApplication:
    return get_object_or_404(
        GrantApplication.objects.select_related("programme__commission", "organisation"), public_id=application_id
    )


class ReportView(FormPage):
    """The grantee writes the report here (saved as a draft as often as they like); everyone who sees the grant
    reads it here, with the steps they may take (submit; accept or return; close the grant)."""

    form_class = ReportForm
    template_name = "grants/reports/report.html"
    write_roles = tuple(GRANTEE_ROLES)
    button = "Save the report"

    def load(self, **kwargs: Any) -> None:
        self.application = _application(kwargs["grant_id"])
        self.report = report_of(self.application)

    def get_heading(self) -> str:
        return "End-of-grant report"

    def get_caption(self) -> str:
        return f"{self.application.organisation}: {self.application.programme.title}"

    def back_url(self) -> str:
        return reverse("grant-payments", kwargs={"grant_id": self.application.public_id})

    def get_initial(self) -> dict[str, Any]:
        if self.report is None:
            return {}
        return {name: getattr(self.report, name) for name in REPORT_FIELDS}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        editable = is_grantee_here(self) and (self.report is None or self.report.is_editable)
        steps = REPORT_WORKFLOW.possible_for(self.report, self.acting) if self.report is not None else []
        return super().get_context_data(
            application=self.application,
            report=self.report,
            read_only=not editable,
            steps=steps,
            close_steps=close_steps(self.application, self.acting),
            **kwargs,
        )

    def act(self, form: Any) -> HttpResponse:
        report_save(application=self.application, data=form.cleaned_data, by=self.acting)
        return self.done("Report saved", report_page(self.application))


def is_grantee_here(view: ReportView) -> bool:
    organisation = view.acting.organisation
    return organisation is not None and view.application.organisation_id == organisation.pk


class ReportTransitionView(TransitionView):
    workflow = REPORT_WORKFLOW

    def load(self, **kwargs: Any) -> None:
        self.application = _application(kwargs["grant_id"])
        self.object = get_object_or_404(GrantReport.objects, application=self.application)

    def get_success_url(self) -> str:
        return report_page(self.application)


def close_steps(application: GrantApplication, acting: Any) -> list[Any]:
    return [(t, p) for t, p in APPLICATION_WORKFLOW.possible_for(application, acting) if t.name == CLOSE_GRANT.name]


class CloseGrantView(TransitionView):
    """The lead closes a paid grant whose report it accepted."""

    workflow = APPLICATION_WORKFLOW

    def load(self, **kwargs: Any) -> None:
        self.object = _application(kwargs["grant_id"])

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return grant_close(application=obj, by=self.acting)

    def get_success_url(self) -> str:
        return report_page(self.object)
