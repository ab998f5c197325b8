"""Forms: a partnership's own tier, and the "what route does this value suggest?" check."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.thresholds.models import LOCAL_KINDS, MAX_TIER_VALUE
from core.forms import BoundedForm, DateInput, MoneyField


class TierForm(BoundedForm):
    kind = forms.ChoiceField(
        label="Which tier",
        choices=[(k.value, k.label) for k in LOCAL_KINDS],
        widget=forms.RadioSelect,
        help_text="The Procurement Act 2023 thresholds are set by law: they are shown below and cannot be edited.",
    )
    value = MoneyField(
        label="Value including VAT",
        max_value=MAX_TIER_VALUE,
        help_text="The whole contract's value at which this tier starts. A value equal to it is at the tier.",
    )
    effective_from = forms.DateField(label="In force from", widget=DateInput())
    effective_to = forms.DateField(
        label="In force until (optional)",
        required=False,
        widget=DateInput(),
        help_text="Leave blank while it stays in force. An earlier open-ended tier of the same kind ends the day "
        "before this one starts.",
    )
    note = forms.CharField(
        label="Note (optional)", max_length=300, required=False, help_text="For example, the decision that set it"
    )


class TierEditForm(TierForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class RouteCheckForm(BoundedForm):
    value = MoneyField(label="Whole contract value including VAT", max_value=MAX_TIER_VALUE * 10)
    light_touch = forms.BooleanField(
        label="Schedule 1 light-touch services (most health, social and community services)", required=False
    )
