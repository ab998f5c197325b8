"""Forms: a joint commission's risk register."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.risks.models import Impact, Likelihood, RiskStatus
from commissioning.service_map.forms import date_field
from core.forms import BoundedForm


class RiskForm(BoundedForm):
    description = forms.CharField(label="Risk", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    likelihood = forms.TypedChoiceField(
        label="Likelihood",
        choices=Likelihood.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="How likely it is to happen, from 1 (rare) to 5 (almost certain)",
    )
    impact = forms.TypedChoiceField(
        label="Impact",
        choices=Impact.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="How bad it would be, from 1 (negligible) to 5 (severe). The score is likelihood times impact",
    )
    owner = forms.ModelChoiceField(label="Owner", queryset=None, empty_label="Choose a person")
    countermeasure = forms.CharField(
        label="Countermeasure",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the partners do to make it less likely or less harmful",
    )
    review_date = date_field("Review date", help_text="The owner is reminded when it passes. For example, 31/3/2027")

    def __init__(self, *args: Any, owners: Any, with_status: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda m: f"{m.user.full_name} ({m.organisation.name})"  # type: ignore[attr-defined]
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label="Status",
                choices=[(s.value, s.label) for s in (RiskStatus.OPEN, RiskStatus.MANAGED)],
                widget=forms.RadioSelect,
                help_text="Managed: the countermeasure is in place and working",
            )


class RiskCloseForm(BoundedForm):
    reason = forms.CharField(label="Why is the risk closed?", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
