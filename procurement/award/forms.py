"""The forms for recording a signed contract, a variation to it and its end."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput, MoneyField
from partners.models import Organisation
from procurement.award.models import REASON_LIMIT, TerminationKind, VariationKind


class ContractForm(BoundedForm):
    line = forms.IntegerField(widget=forms.HiddenInput())
    signed_on = forms.DateField(label="Signed on", widget=DateInput())
    start_date = forms.DateField(label="Contract starts", widget=DateInput())
    end_date = forms.DateField(label="Contract ends", widget=DateInput())
    reference = forms.CharField(max_length=60, required=False, label="Contract reference")
    document = PrivateFileFormField(label="Signed contract", required=False)


class VariationForm(BoundedForm):
    """An agreed change to the contract: what it changes, why, the new value or the change, the new end date, when it
    was agreed, and (optionally) each partner's share of the change."""

    kind = forms.ChoiceField(
        label="What does the variation change?", choices=VariationKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Why is the contract being varied?", max_length=REASON_LIMIT, widget=forms.Textarea)
    change = MoneyField(
        label="Change in the contract's whole value, in pounds",
        help_text="For example 5000.00, or -5000.00 for a reduction. Leave blank if the value does not change.",
        required=False,
        min_value=Decimal("-9999999999.99"),
    )
    end_date = forms.DateField(
        label="New end date", help_text="Only for a change to the term", required=False, widget=DateInput()
    )
    agreed_on = forms.DateField(label="Date agreed with the provider", widget=DateInput())

    def __init__(self, *args: Any, partners: Sequence[Organisation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = list(partners)
        for organisation in self.partners:
            self.fields[f"share_{organisation.pk}"] = MoneyField(
                label=f"{organisation.name}'s share of the change",
                help_text="Leave every share blank to split the change in proportion to what each partner pays.",
                required=False,
                min_value=Decimal("-9999999999.99"),
            )

    def shares(self) -> dict[int, Decimal] | None:
        given = {
            o.pk: self.cleaned_data.get(f"share_{o.pk}")
            for o in self.partners
            if self.cleaned_data.get(f"share_{o.pk}") is not None
        }
        if not given:
            return None
        return {k: v for k, v in given.items() if v is not None}


class TerminationForm(BoundedForm):
    kind = forms.ChoiceField(
        label="How did the contract end?", choices=TerminationKind.choices, widget=forms.RadioSelect
    )
    on = forms.DateField(label="Date the contract ends (or ended)", widget=DateInput())
    reason = forms.CharField(label="Why did it end?", max_length=REASON_LIMIT, widget=forms.Textarea)
