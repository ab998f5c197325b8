"""Forms for the end-of-contract review, its decommissioning steps and outcome follow-ups."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BoundedForm
from monitoring.form_fields import date_field, text_field


class EndReviewForm(BoundedForm):
    summary = text_field("What the contract achieved", rows=4, required=False)
    lessons = text_field("Lessons for future commissioning", rows=3, required=False)
    feedback = text_field(
        "Feedback to the provider",
        rows=5,
        required=False,
        help_text="Required before the contract can close. Sent to the provider when you give it",
    )
    track_outcomes = forms.BooleanField(label="Track outcomes after the contract ends", required=False)


class StepForm(BoundedForm):
    title = forms.CharField(label="Step", max_length=300)
    owner_name = forms.CharField(label="Owner", max_length=200, required=False)
    due_on = date_field("Due", required=False)


class StepUpdateForm(BoundedForm):
    done_on = date_field("Done on", required=False)
    not_needed = forms.BooleanField(label="Not needed for this contract", required=False)
    note = text_field("Note", rows=2, required=False, help_text="Say why, if it is not needed")


class FollowUpForm(BoundedForm):
    outcome = forms.ModelChoiceField(queryset=None, required=False, label="Outcome", empty_label="None")
    measure = forms.CharField(label="What will be checked, and how", max_length=300)
    due_on = date_field("When")

    def __init__(self, *args: Any, outcomes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = outcomes  # type: ignore[attr-defined]


class FollowUpRecordForm(BoundedForm):
    finding = text_field("What was found", rows=4)
