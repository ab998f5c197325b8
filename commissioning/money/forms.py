"""Forms: contributions and the finance reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from commissioning.money.rules import YearSuggestion
from commissioning.service_map.forms import date_field
from core.forms import BoundedForm, MoneyField
from core.money import FinancialYearPart, format_gbp


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        what = obj.title or obj.provider_name
        ring = " — ring-fenced, cannot be aligned" if not obj.alignable else ""
        return f"{obj.funder.name} — {what}: £{obj.annual_value:,.2f} a year, {obj.funding_source}{ring}"


class ContributionsForm(BoundedForm):
    """One amount box per financial year of the term, part-years labelled. Only the years filled in are written;
    a blank year keeps whatever it holds. "Suggest a split" fills the boxes pro rata from a year's money."""

    organisation = forms.ModelChoiceField(label="Partner", queryset=None, empty_label="Choose a partner")
    annual_amount = MoneyField(
        label="Amount each year (a full year's money, optional)",
        required=False,
        help_text="Suggest a split fills each year's box with its share by the days the term covers in it, to the "
        "penny, for you to check or change. Saved with every box blank, it fills only the years with no figure yet.",
    )
    source = SourceChoiceField(
        label="Where the money comes from (optional)",
        queryset=None,
        required=False,
        empty_label="New money, or not on the service map",
    )
    funding_source = forms.CharField(label="Funding source (optional)", max_length=200, required=False)
    reason = forms.CharField(
        label="Reason for a change (optional)",
        max_length=1000,
        required=False,
        help_text="Kept in the contribution's history with the old and new figures",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        parts: list[FinancialYearPart],
        sources: Any,
        suggestions: list[YearSuggestion] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]
        notes = {s.year: s for s in suggestions or []}
        self.parts = parts
        for part in parts:
            hint = f"{part.days} of {part.year_days} days" if part.part_year else ""
            if part.year in notes:
                hint = f"Suggested {format_gbp(notes[part.year].amount)}: {notes[part.year].note}"
            self.fields[self.year_field(part.year)] = MoneyField(
                label=part.label, required=False, help_text=hint or "Leave blank to keep this year as it is"
            )
        self.order_fields(
            ["organisation", "annual_amount", *(self.year_field(p.year) for p in parts), "source", "funding_source"]
        )

    @staticmethod
    def year_field(year: int) -> str:
        return f"year_{year}"

    def amounts(self) -> dict[int, Decimal]:
        """The years the user filled in, and only those."""
        data = self.cleaned_data
        return {
            p.year: data[self.year_field(p.year)] for p in self.parts if data.get(self.year_field(p.year)) is not None
        }


class TransferForm(BoundedForm):
    transferred_on = date_field("Date of transfer")
    reference = forms.CharField(
        label="Transfer reference", max_length=100, help_text="For example, the payment or journal reference"
    )


class VariationForm(BoundedForm):
    new_amount = MoneyField(label="New figure", help_text="In pounds and pence")
    reason = forms.CharField(
        label="Why the figure must change",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the figure must change"},
    )
