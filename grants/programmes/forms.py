"""Forms for setting up a grant programme: the programme itself, its criteria, sections and questions."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from core import opportunities
from core.forms import BoundedForm, DateInput, MoneyField
from grants.programmes.models import MAX_PROGRAMME_BUDGET, MAX_SCORE, MAX_WORD_LIMIT, THIRD_SECTOR_CHOICES
from procurement.tenders.forms import deadline_field


class ProgrammeForm(BoundedForm):
    commission = forms.TypedChoiceField(
        label="Joint commission",
        coerce=int,
        help_text="The joint commission whose partners' contributions fund the grants (it takes the grant route)",
    )
    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(
        label="Kind of service (optional)",
        help_text="Providers who follow this kind of service are told when the round opens",
        choices=[("", "Choose a kind of service"), *opportunities.CATEGORIES],
        required=False,
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000)
    eligible_kinds = forms.MultipleChoiceField(
        label="Who may apply",
        choices=THIRD_SECTOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to open it to every kind of voluntary and community organisation",
    )
    area = forms.CharField(max_length=200, required=False, help_text="Where the work must happen")
    income_min = MoneyField(label="Smallest annual income (optional)", required=False, max_value=MAX_PROGRAMME_BUDGET)
    income_max = MoneyField(label="Largest annual income (optional)", required=False, max_value=MAX_PROGRAMME_BUDGET)
    amount_min = MoneyField(label="Smallest grant", max_value=MAX_PROGRAMME_BUDGET)
    amount_max = MoneyField(label="Largest grant", max_value=MAX_PROGRAMME_BUDGET)
    total_budget = MoneyField(label="Total budget", max_value=MAX_PROGRAMME_BUDGET)
    delegated_threshold = MoneyField(
        label="Delegated decision threshold",
        max_value=MAX_PROGRAMME_BUDGET,
        help_text="Below this an officer decides; at or above it the board decides",
    )
    opens_at = deadline_field("Opens", help_text="UK time")
    closes_at = deadline_field("Closes", help_text="UK time. Applications must arrive strictly before this moment.")
    decision_date = forms.DateField(label="Decision date", widget=DateInput())
    is_small_grants = forms.BooleanField(label="Small grants: a one-page application form", required=False)

    def __init__(self, *args: Any, commissions: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if commissions is None:
            del self.fields["commission"]
        else:
            cast(forms.ChoiceField, self.fields["commission"]).choices = commissions


class CriterionForm(BoundedForm):
    name = forms.CharField(max_length=200)
    guidance = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    weight = forms.IntegerField(label="Weight (%)", min_value=1, max_value=100)
    max_score = forms.IntegerField(label="Top score", min_value=1, max_value=MAX_SCORE, initial=5)


class SectionForm(BoundedForm):
    title = forms.CharField(max_length=200)
    guidance = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)


class QuestionForm(BoundedForm):
    text = forms.CharField(label="Question", max_length=500)
    guidance = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    word_limit = forms.IntegerField(min_value=1, max_value=MAX_WORD_LIMIT, initial=300)
    required = forms.BooleanField(label="An answer is required", required=False, initial=True)
    criterion = forms.TypedChoiceField(label="Criterion it informs", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, criteria: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["criterion"]).choices = [("", "None"), *criteria]
