"""Pages for one return: reading, editing, evidence, submitting, the lead's review and the provider's answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core import audit
from core.errors import DomainError
from core.files import KeepUploadsMixin, serve
from core.views import FormPage, MemberTemplateView, MemberView
from monitoring import permissions
from monitoring.kpis.models import Kpi
from monitoring.pages import PostOnly
from monitoring.permissions import ACTING_ROLES, LEAD_ROLES, PROVIDER_ROLES, READ_ROLES
from monitoring.returns.forms import AnswerForm, EvidenceForm, ReturnForm, ReviewForm
from monitoring.returns.models import KpiReturn, ReturnEvidence, ReturnStatus
from monitoring.returns.selectors import confidential_feedback_for, return_values
from monitoring.returns.services import (
    return_accept,
    return_add_evidence,
    return_answer,
    return_query,
    return_remove_evidence,
    return_save,
    return_submit,
)
from monitoring.returns.workflows import RETURN_WORKFLOW


class ReturnMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.kpi_return = get_object_or_404(
            KpiReturn.objects.select_related("contract__commission__lead", "contract__provider", "kpi_set"),
            pk=kwargs["kpi_return_id"],
        )
        self.contract = self.kpi_return.contract

    def back_url(self) -> str:
        return reverse("kpi-return", kwargs={"kpi_return_id": self.kpi_return.pk})

    def get_caption(self) -> str:
        return f"{self.contract.title}: {self.kpi_return.label} return"

    @property
    def is_provider(self) -> bool:
        return permissions.is_provider(self.contract, self.acting)

    @property
    def is_lead(self) -> bool:
        return permissions.is_lead(self.contract, self.acting)


class ReturnDetailView(ReturnMixin, MemberTemplateView):
    template_name = "monitoring/return_detail.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        r = self.kpi_return
        is_lead = self.is_lead
        values = return_values(r)
        return super().get_context_data(
            kpi_return=r,
            contract=self.contract,
            values=values,
            evidence=list(r.evidence.all()),
            queries=list(r.queries.all()),
            is_lead=is_lead,
            is_provider=self.is_provider,
            confidential=confidential_feedback_for(kpi_return=r, by=self.acting),
            review_form=ReviewForm() if is_lead and r.status in ("submitted", "answered") else None,
            submit_problems=(
                RETURN_WORKFLOW.refusals(r, "submit", self.acting)
                if self.is_provider and r.status == ReturnStatus.DRAFT
                else []
            ),
            reds=sum(1 for v in values if v.rag == "red"),
            history=audit.reveal(audit.history_for(r)[:40], self.acting),
            **kwargs,
        )


class ReturnEditView(ReturnMixin, FormPage):
    template_name = "monitoring/return_form.html"
    required_roles = READ_ROLES
    write_roles = PROVIDER_ROLES
    form_class = ReturnForm
    button = "Save"

    def get_heading(self) -> str:
        return f"Your {self.kpi_return.label} return"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (self.is_provider and self.kpi_return.provider_may_edit):
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["values"] = return_values(self.kpi_return)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        r = self.kpi_return
        return {"narrative": r.narrative, "case_studies": r.case_studies, "feedback_summary": r.feedback_summary}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            kpi_return=self.kpi_return, evidence=list(self.kpi_return.evidence.all()), **kwargs
        )

    def act(self, form: Any) -> HttpResponse:
        d = form.cleaned_data
        return_save(
            kpi_return=self.kpi_return,
            values=form.value_data(),
            narrative=d["narrative"],
            case_studies=d["case_studies"],
            feedback_summary=d["feedback_summary"],
            confidential_details=d["confidential_details"],
            by=self.acting,
        )
        return self.done("Return saved", self.back_url())


class EvidenceAddView(KeepUploadsMixin, ReturnMixin, FormPage):
    required_roles = READ_ROLES
    write_roles = PROVIDER_ROLES
    form_class = EvidenceForm
    heading = "Add evidence"
    button = "Upload"

    def get_intro(self) -> str:
        needed = [
            k.name + ": " + k.evidence_required
            for k in Kpi.objects.filter(values__kpi_return=self.kpi_return).exclude(evidence_required="")
        ]
        return ("Evidence required: " + "; ".join(needed)) if needed else ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (self.is_provider and self.kpi_return.provider_may_edit):
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def act(self, form: Any) -> HttpResponse:
        return_add_evidence(
            kpi_return=self.kpi_return,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            by=self.acting,
        )
        return self.done("Evidence added", self.back_url())


class ReturnSubmitView(ReturnMixin, PostOnly):
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES

    def act(self, form: Any) -> HttpResponse:
        return_submit(kpi_return=self.kpi_return, by=self.acting)
        return self.done("Return submitted: the lead commissioner has been told", self.back_url())


class ReturnReviewView(ReturnMixin, PostOnly):
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    form_class = ReviewForm

    def act(self, form: Any) -> HttpResponse:
        decision, text = form.cleaned_data["decision"], form.cleaned_data["text"]
        if decision == "query":
            return_query(kpi_return=self.kpi_return, question=text, by=self.acting)
            messages.success(self.request, "Your question has been sent to the provider")
        elif decision == "accept_with_note":
            if not text.strip():
                raise DomainError("Write the note to accept with")
            return_accept(kpi_return=self.kpi_return, note=text, by=self.acting)
            messages.success(self.request, "Return accepted with your note")
        else:
            return_accept(kpi_return=self.kpi_return, by=self.acting)
            messages.success(self.request, "Return accepted")
        return redirect(self.back_url())


class ReturnAnswerView(ReturnMixin, FormPage):
    required_roles = READ_ROLES
    write_roles = PROVIDER_ROLES
    form_class = AnswerForm
    heading = "Answer the question"
    button = "Send the answer"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (self.is_provider and self.kpi_return.status == ReturnStatus.QUERIED):
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def get_intro(self) -> str:
        query = self.kpi_return.queries.order_by("-asked_at", "-id").first()
        return f"{query.asked_by_name} asked: “{query.question}”" if query else ""

    def act(self, form: Any) -> HttpResponse:
        return_answer(kpi_return=self.kpi_return, answer=form.cleaned_data["answer"], by=self.acting)
        return self.done("Answer sent to the lead commissioner", self.back_url())


class EvidenceMixin:
    def load(self, **kwargs: Any) -> None:
        self.evidence = get_object_or_404(
            ReturnEvidence.objects.select_related("kpi_return__contract"), pk=kwargs["return_evidence_id"]
        )

    def back_url(self) -> str:
        return reverse("kpi-return", kwargs={"kpi_return_id": self.evidence.kpi_return_id})


class EvidenceDownloadView(EvidenceMixin, MemberView):
    required_roles = READ_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return serve(self.evidence.file, filename=self.evidence.original_filename)


class EvidenceRemoveView(EvidenceMixin, PostOnly):
    required_roles = READ_ROLES
    write_roles = PROVIDER_ROLES

    def act(self, form: Any) -> HttpResponse:
        return_remove_evidence(evidence=self.evidence, by=self.acting)
        return self.done("Evidence removed", self.back_url())
