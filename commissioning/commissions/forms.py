"""Forms: the joint commission and who takes part in it."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.commissions.models import CommissioningModel
from commissioning.service_map.forms import ServiceAreaChoiceField, date_field
from core.forms import BoundedForm

TERM_CHOICES = [(n, f"{n} year{'s' if n > 1 else ''}") for n in range(1, 6)]


class CommissionForm(BoundedForm):
    service_area = ServiceAreaChoiceField(label="Service area", queryset=None, empty_label="Choose a service area")
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example, Support for older people to live independently"
    )
    intended_outcomes = forms.CharField(
        label="Intended outcomes", widget=forms.Textarea(attrs={"rows": 4}), help_text="What the service must achieve"
    )
    term_years = forms.TypedChoiceField(label="Term", choices=TERM_CHOICES, coerce=int, widget=forms.RadioSelect)
    start_date = date_field("Start date", help_text="When the new contract starts, for example 01/04/2027")
    new_service = forms.BooleanField(label="This is a new service that none of the partners buys today", required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = areas  # type: ignore[attr-defined]


class CommissionEditForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200)
    intended_outcomes = forms.CharField(label="Intended outcomes", widget=forms.Textarea(attrs={"rows": 4}))
    outcomes = forms.ModelMultipleChoiceField(
        label="Outcomes and principles from the partnership's framework",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    term_years = forms.TypedChoiceField(label="Term", choices=TERM_CHOICES, coerce=int, widget=forms.RadioSelect)
    start_date = date_field("Start date")
    new_service = forms.BooleanField(label="This is a new service that none of the partners buys today", required=False)

    def __init__(self, *args: Any, outcomes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = outcomes  # type: ignore[attr-defined]


class ModelForm(BoundedForm):
    model = forms.ChoiceField(label="Commissioning model", choices=CommissioningModel.choices, widget=forms.RadioSelect)
    model_reason = forms.CharField(
        label="Why this model?", widget=forms.Textarea(attrs={"rows": 3}), help_text="Recorded with the decision"
    )


class InviteForm(BoundedForm):
    organisations = forms.ModelMultipleChoiceField(
        label="Partners to invite",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one partner to invite"},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]


class RespondForm(BoundedForm):
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=2000)
