"""Forms: contributions and the finance reports."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.service_map.forms import date_field
from core.forms import BoundedForm, MoneyField
from core.money import financial_year_label


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        what = obj.title or obj.provider_name
        ring = " — ring-fenced, cannot be aligned" if not obj.alignable else ""
        return f"{obj.funder.name} — {what}: £{obj.annual_value:,.2f} a year, {obj.funding_source}{ring}"


class ContributionsForm(BoundedForm):
    organisation = forms.ModelChoiceField(label="Partner", queryset=None, empty_label="Choose a partner")
    annual_amount = MoneyField(label="Amount each year", help_text="In pounds and pence, for example 23750")
    years = forms.TypedMultipleChoiceField(
        label="Financial years",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one financial year"},
    )
    source = SourceChoiceField(
        label="Where the money comes from (optional)",
        queryset=None,
        required=False,
        empty_label="New money, or not on the service map",
    )
    funding_source = forms.CharField(label="Funding source (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, organisations: Any, years: list[int], sources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["years"].choices = [(y, financial_year_label(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["years"].initial = years
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]


class TransferForm(BoundedForm):
    transferred_on = date_field("Date of transfer")
    reference = forms.CharField(
        label="Transfer reference", max_length=100, help_text="For example, the payment or journal reference"
    )
