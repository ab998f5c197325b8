"""Forms of the conflicts assessment: a person added by hand, a declaration and its steps, the signature."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BoundedForm
from procurement.conflicts.models import TEXT_LIMIT, AssessmentEntry, DeclarationState, Step


class PersonForm(BoundedForm):
    person_name = forms.CharField(label="Full name", max_length=200)
    role_title = forms.CharField(label="Role in the procurement", max_length=200, required=False)
    organisation_name = forms.CharField(label="Organisation", max_length=200, required=False)


class EntryForm(BoundedForm):
    """The declaration (only for people the panel and the board do not cover) and, for a conflict, the steps."""

    declaration = forms.ChoiceField(
        label="Have they declared an interest in this procurement?",
        choices=[(DeclarationState.NONE, "No interest"), (DeclarationState.INTEREST, "Yes, an interest")],
        widget=forms.RadioSelect,
        required=False,
    )
    interest = forms.CharField(
        label="The interest declared",
        help_text="Personal, professional or financial; direct or indirect; and who it concerns",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    step = forms.ChoiceField(
        label="Steps taken for the conflict",
        choices=[
            (Step.EXCLUDED, "Excluded from the procurement"),
            (Step.MITIGATED, "Mitigated"),
            (Step.NONE_NEEDED, "No steps needed"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    step_detail = forms.CharField(
        label="How it is mitigated, or why no steps are needed",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, entry: AssessmentEntry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entry = entry
        if entry.from_source:
            # Read from the panel's or the board's record: never declared twice.
            del self.fields["declaration"]
            del self.fields["interest"]
        if entry.step_from_source or (entry.from_source and not entry.is_conflict):
            del self.fields["step"]
            del self.fields["step_detail"]


class SignForm(BoundedForm):
    role = forms.CharField(label="Your role", help_text="For example, Head of Commissioning", max_length=200)
    confirm = forms.BooleanField(
        label="I confirm that this assessment lists everyone acting in the procurement that I know of, their "
        "declarations, and the steps taken for each conflict",
    )
