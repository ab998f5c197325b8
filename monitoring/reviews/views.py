"""Pages for running the end of the contract: the review, its steps, and outcome follow-ups."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.errors import NotPermitted
from core.views import FormPage, TransitionView
from monitoring import permissions
from monitoring.permissions import LEAD_ROLES
from monitoring.reviews.forms import EndReviewForm, FollowUpRecordForm, StepForm, StepUpdateForm
from monitoring.reviews.models import DecommissioningStep, EndReview, OutcomeFollowUp
from monitoring.reviews.services import follow_up_record, review_transition, review_update, step_add, step_update
from monitoring.reviews.workflows import END_REVIEW_WORKFLOW


class ReviewMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.review = get_object_or_404(
            EndReview.objects.select_related("contract__commission"), pk=kwargs["end_review_id"]
        )
        self.contract = self.review.contract
        if not permissions.is_lead(self.contract, self.acting):
            raise NotPermitted("Only the lead commissioner runs the end of the contract")

    def back_url(self) -> str:
        return reverse("end-review", kwargs={"monitored_contract_id": self.contract.pk})


class EndReviewEditView(ReviewMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = EndReviewForm
    heading = "End of contract review"

    def get_initial(self) -> dict[str, Any]:
        r = self.review
        return {"summary": r.summary, "lessons": r.lessons, "feedback": r.feedback, "track_outcomes": r.track_outcomes}

    def act(self, form: Any) -> HttpResponse:
        review_update(review=self.review, by=self.acting, **form.cleaned_data)
        return self.done("Saved", self.back_url())


class EndReviewTransitionView(ReviewMixin, TransitionView):
    required_roles = LEAD_ROLES
    workflow = END_REVIEW_WORKFLOW

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.review

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return review_transition(review=obj, name=name, by=self.acting, reason=reason)

    def get_success_url(self) -> str:
        return self.back_url()


class StepAddView(ReviewMixin, FormPage):
    required_roles = LEAD_ROLES
    form_class = StepForm
    heading = "Add a decommissioning step"
    button = "Add"

    def act(self, form: Any) -> HttpResponse:
        step_add(review=self.review, by=self.acting, **form.cleaned_data)
        return redirect(self.back_url())


class StepUpdateView(FormPage):
    required_roles = LEAD_ROLES
    form_class = StepUpdateForm
    heading = "Update a decommissioning step"

    def load(self, **kwargs: Any) -> None:
        self.step = get_object_or_404(
            DecommissioningStep.objects.select_related("review__contract__commission"),
            pk=kwargs["decommissioning_step_id"],
        )
        if not permissions.is_lead(self.step.review.contract, self.acting):
            raise NotPermitted("Only the lead commissioner runs the end of the contract")

    def get_intro(self) -> str:
        return self.step.title

    def back_url(self) -> str:
        return reverse("end-review", kwargs={"monitored_contract_id": self.step.review.contract_id})

    def get_initial(self) -> dict[str, Any]:
        s = self.step
        return {"done_on": s.done_on, "not_needed": s.not_needed, "note": s.note}

    def act(self, form: Any) -> HttpResponse:
        step_update(step=self.step, by=self.acting, **form.cleaned_data)
        return redirect(self.back_url())


class FollowUpRecordView(FormPage):
    required_roles = LEAD_ROLES
    form_class = FollowUpRecordForm
    heading = "Record what was found"

    def load(self, **kwargs: Any) -> None:
        self.follow_up = get_object_or_404(
            OutcomeFollowUp.objects.select_related("contract__commission"), pk=kwargs["outcome_follow_up_id"]
        )
        if not permissions.is_lead(self.follow_up.contract, self.acting):
            raise NotPermitted("Only the lead commissioner records outcomes after the contract")

    def get_intro(self) -> str:
        return f"{self.follow_up.measure} (due {self.follow_up.due_on:%-d %B %Y})"

    def back_url(self) -> str:
        return reverse("end-review", kwargs={"monitored_contract_id": self.follow_up.contract_id})

    def get_initial(self) -> dict[str, Any]:
        return {"finding": self.follow_up.finding}

    def act(self, form: Any) -> HttpResponse:
        follow_up_record(follow_up=self.follow_up, finding=form.cleaned_data["finding"], by=self.acting)
        return redirect(self.back_url())
