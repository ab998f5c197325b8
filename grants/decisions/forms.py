"""Forms of the decision: preparing it (acceptance date, delegated officer) and one application's recommendation."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BoundedForm, DateInput, MoneyField


class PrepareForm(BoundedForm):
    accept_by = forms.DateField(
        label="Offers must be accepted by",
        widget=DateInput(),
        help_text="An offer not accepted by the end of this day lapses",
        error_messages={"required": "Enter the date offers must be accepted by", "invalid": "Enter a real date"},
    )
    officer = forms.TypedChoiceField(
        label="Officer who decides under delegation",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Below the programme's delegated threshold this officer decides; at or above it, the board",
    )
    summary = forms.CharField(
        label="The recommendation in a few sentences",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "Nobody named"), *officers]  # type: ignore[attr-defined]


class RecommendationForm(BoundedForm):
    fund = forms.TypedChoiceField(
        label="Recommend a grant?",
        choices=[("yes", "Yes, offer a grant"), ("no", "No, decline with feedback")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to recommend a grant"},
    )
    amount = MoneyField(label="Amount of the grant", required=False)
    conditions = forms.CharField(
        label="Conditions of the grant",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: report on outcomes within 12 months",
    )
    feedback = forms.CharField(
        label="Feedback for the applicant",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when declining: it goes in the decline letter",
    )
