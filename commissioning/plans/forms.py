"""Forms: a forward plan."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.plans.models import PlanCategory
from commissioning.service_map.forms import date_field
from core import opportunities
from core.forms import BoundedForm, MoneyField


class PlanForm(BoundedForm):
    title = forms.CharField(label="What do you plan to commission or fund?", max_length=200)
    service_area = forms.ModelChoiceField(label="Service area", queryset=None, empty_label="Choose a service area")
    category = forms.ChoiceField(label="Kind of spending", choices=PlanCategory.choices, widget=forms.RadioSelect)
    service_category = forms.ChoiceField(
        label="Kind of service (optional)",
        help_text="Providers who follow this kind of service are told when you publish the plan",
        choices=[("", "Choose a kind of service"), *opportunities.CATEGORIES],
        required=False,
    )
    description = forms.CharField(
        label="Description (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    estimated_value = MoneyField(
        label="Estimated value over the whole term, in pounds", help_text="For example, 120000.00"
    )
    procurement_date = date_field(
        "Planned procurement date", help_text="When the tender or grant round starts, within the next 18 months"
    )
    start_date = date_field("Planned start date", help_text="When the service or funding starts")

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = areas  # type: ignore[attr-defined]


class WindowForm(BoundedForm):
    """The overlap window on the pipeline page (a GET field)."""

    window = forms.IntegerField(
        label="Flag plans within this many months of each other", min_value=1, max_value=24, required=False
    )
