"""Pages of the conflicts assessment: the tender's assessments (a task list per stage), one version with everyone
acting in the procurement, a person's declaration and steps, and check-your-answers before signing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.errors import DomainError, NotPermitted
from core.views import FormPage, MemberTemplateView
from procurement import permissions
from procurement.conflicts import forms, services
from procurement.conflicts.models import (
    AssessmentEntry,
    AssessmentStage,
    Capacity,
    ConflictsAssessment,
)
from procurement.conflicts.rules import assessment_problems, entry_problems
from procurement.tenders.rules import is_lead
from procurement.tenders.views import TenderMixin, flash_error

CAPACITY_HEADINGS = {
    Capacity.LEAD_OFFICER: "The lead's officers",
    Capacity.EVALUATOR: "The evaluation panel",
    Capacity.BOARD_MEMBER: "The board",
    Capacity.OTHER: "Others acting in the procurement",
}


def _grouped(entries: list[AssessmentEntry]) -> list[tuple[str, list[AssessmentEntry]]]:
    return [
        (heading, [e for e in entries if e.capacity == capacity])
        for capacity, heading in CAPACITY_HEADINGS.items()
        if any(e.capacity == capacity for e in entries)
    ]


class TenderConflictsView(TenderMixin, MemberTemplateView):
    """The tender's conflicts assessment at each stage, with what is missing and every version."""

    template_name = "procurement/conflicts/tender.html"
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        versions = list(
            ConflictsAssessment.objects.filter(tender=self.tender).select_related("signed_by").order_by("-version")
        )
        stages = []
        for stage in AssessmentStage:
            mine = [v for v in versions if v.stage == stage]
            draft = next((v for v in mine if not v.is_signed), None)
            signed = next((v for v in mine if v.is_signed), None)
            stages.append(
                {
                    "stage": stage,
                    "draft": draft,
                    "signed": signed,
                    "problems": assessment_problems(self.tender, stage=stage),
                }
            )
        return super().get_context_data(
            **self.tender_context(), heading="Conflicts assessment", stages=stages, versions=versions, **kwargs
        )

    def post(self, request: HttpRequest, tender_id: int) -> HttpResponse:
        self.require_lead()
        try:
            assessment = services.assessment_start(
                tender=self.tender, stage=request.POST.get("stage", ""), by=self.acting
            )
        except DomainError as error:
            flash_error(request, error)
            return redirect("tender-conflicts", tender_id=self.tender.pk)
        return redirect("conflicts-assessment", conflicts_assessment_id=assessment.pk)


class AssessmentMixin:
    request: HttpRequest
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.assessment = get_object_or_404(
            ConflictsAssessment.objects.select_related("tender__commission__lead", "supersedes", "signed_by"),
            pk=kwargs["conflicts_assessment_id"],
        )
        self.tender = self.assessment.tender
        self.is_lead = is_lead(self.tender, self.acting)

    def require_draft_lead(self) -> None:
        if not self.is_lead:
            raise NotPermitted(f"Only the lead commissioner ({self.tender.commission.lead}) can change the assessment")

    def back_url(self) -> str:
        return reverse("conflicts-assessment", kwargs={"conflicts_assessment_id": self.assessment.pk})

    def get_caption(self) -> str:
        return f"{self.tender.title}: conflicts assessment, version {self.assessment.version}"


class AssessmentView(AssessmentMixin, MemberTemplateView):
    template_name = "procurement/conflicts/assessment.html"
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        entries = list(AssessmentEntry.objects.filter(assessment=self.assessment))
        return super().get_context_data(
            assessment=self.assessment,
            tender=self.tender,
            is_lead=self.is_lead,
            editable=self.is_lead and not self.assessment.is_signed,
            groups=_grouped(entries),
            conflicts=sum(1 for e in entries if e.is_conflict),
            problems=entry_problems(self.assessment),
            superseded_by=ConflictsAssessment.objects.filter(supersedes=self.assessment).first(),
            **kwargs,
        )

    def post(self, request: HttpRequest, conflicts_assessment_id: int) -> HttpResponse:
        self.require_draft_lead()
        try:
            services.assessment_refresh(assessment=self.assessment, by=self.acting)
        except DomainError as error:
            flash_error(request, error)
        else:
            messages.success(request, "The panel's and the board's declarations have been read again")
        return redirect("conflicts-assessment", conflicts_assessment_id=self.assessment.pk)


class PersonAddView(AssessmentMixin, FormPage):
    form_class = forms.PersonForm
    required_roles = permissions.LEAD_ROLES
    heading = "Add someone acting in the procurement"
    intro = (
        "Anyone who influences a decision in the procurement acts in it: an adviser, a finance officer, a councillor "
        "briefed on it. The panel and the board are listed from their own records."
    )
    button = "Add them"

    def act(self, form: forms.PersonForm) -> HttpResponse:
        entry = services.entry_add(assessment=self.assessment, by=self.acting, **form.cleaned_data)
        return redirect("conflicts-entry", conflicts_entry_id=entry.pk)


class EntryView(FormPage):
    form_class = forms.EntryForm
    required_roles = permissions.LEAD_ROLES
    button = "Save"

    def load(self, **kwargs: Any) -> None:
        self.entry = get_object_or_404(
            AssessmentEntry.objects.select_related("assessment__tender__commission__lead"),
            pk=kwargs["conflicts_entry_id"],
        )
        self.assessment = self.entry.assessment
        if not is_lead(self.assessment.tender, self.acting):
            raise NotPermitted(f"Only the lead commissioner ({self.assessment.tender.commission.lead}) records this")

    def get_heading(self) -> str:
        return f"{self.entry.person_name}: declaration and steps"

    def get_caption(self) -> str:
        return f"{self.entry.get_capacity_display()}{f', {self.entry.role_title}' if self.entry.role_title else ''}"

    def get_intro(self) -> str:
        if self.entry.from_source:
            read = f"Their declaration is read from {self.entry.get_source_display().lower()}: "
            read += f"{self.entry.get_declaration_display().lower()}"
            read += f" ({self.entry.interest})." if self.entry.interest else "."
            if self.entry.step_from_source:
                read += f" The steps were decided there too: {self.entry.get_step_display().lower()}."
            return read
        return "Record what they declared and, for an interest, the steps taken."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "entry": self.entry}

    def get_initial(self) -> dict[str, Any]:
        e = self.entry
        return {
            "declaration": e.declaration if e.declaration != "pending" else "",
            "interest": e.interest,
            "step": e.step,
            "step_detail": e.step_detail,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(read_only=self.assessment.is_signed, **kwargs)

    def back_url(self) -> str:
        return reverse("conflicts-assessment", kwargs={"conflicts_assessment_id": self.assessment.pk})

    def act(self, form: forms.EntryForm) -> HttpResponse:
        data = form.cleaned_data
        services.entry_record(
            entry=self.entry,
            declaration=data.get("declaration") or None,
            interest=data.get("interest", ""),
            step=data.get("step", ""),
            step_detail=data.get("step_detail", ""),
            by=self.acting,
        )
        messages.success(self.request, f"Saved for {self.entry.person_name}")
        return redirect(self.back_url())


class SignView(AssessmentMixin, FormPage):
    """Check your answers, then sign: a named person of the lead, with their role."""

    template_name = "procurement/conflicts/sign.html"
    form_class = forms.SignForm
    required_roles = permissions.LEAD_ROLES
    heading = "Check the assessment and sign it"
    button = "Sign the assessment"

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.require_draft_lead()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        entries = list(AssessmentEntry.objects.filter(assessment=self.assessment))
        return super().get_context_data(
            assessment=self.assessment,
            groups=_grouped(entries),
            problems=entry_problems(self.assessment),
            read_only=self.assessment.is_signed,
            **kwargs,
        )

    def act(self, form: forms.SignForm) -> HttpResponse:
        services.assessment_sign(assessment=self.assessment, role=form.cleaned_data["role"], by=self.acting)
        messages.success(self.request, "The conflicts assessment is signed")
        return redirect("tender-conflicts", tender_id=self.tender.pk)
