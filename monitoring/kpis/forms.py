"""Forms for drafting KPI sets and KPIs, and partners' responses."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BoundedForm
from monitoring.form_fields import text_field
from monitoring.kpis.models import Direction, Frequency, Unit


class ReminderDaysField(forms.CharField):
    def to_python(self, value: Any) -> list[int]:
        text = super().to_python(value)
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError as exc:
            raise forms.ValidationError("Enter whole numbers of days separated by commas, like 7, 1") from exc


class KpiSetForm(BoundedForm):
    commission = forms.ModelChoiceField(queryset=None, label="Joint commission", empty_label="Choose a commission")
    lot = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Lot (optional)",
        help_text="Leave empty for KPIs that apply to every lot",
        empty_label="Every lot",
    )
    title = forms.CharField(label="Title", max_length=200)
    return_frequency = forms.ChoiceField(
        label="How often the provider sends a return",
        choices=Frequency.choices,
        initial=Frequency.QUARTERLY,
        widget=forms.RadioSelect,
    )
    return_due_days = forms.IntegerField(
        label="Days after each period ends that the return is due", initial=20, min_value=1, max_value=90
    )
    reminder_days = ReminderDaysField(
        label="Remind the provider this many days before a return is due", initial="7, 1", help_text="For example 7, 1"
    )

    def __init__(self, *args: Any, commissions: Any, lots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = commissions  # type: ignore[attr-defined]
        self.fields["lot"].queryset = lots  # type: ignore[attr-defined]
        self.fields["lot"].label_from_instance = lambda lot: f"{lot.tender.title}: lot {lot.number}, {lot.title}"  # type: ignore[attr-defined]


class KpiSetEditForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200)
    return_frequency = forms.ChoiceField(
        label="How often the provider sends a return", choices=Frequency.choices, widget=forms.RadioSelect
    )
    return_due_days = forms.IntegerField(
        label="Days after each period ends that the return is due", min_value=1, max_value=90
    )
    reminder_days = ReminderDaysField(
        label="Remind the provider this many days before a return is due", help_text="For example 7, 1"
    )


class KpiForm(BoundedForm):
    name = forms.CharField(label="Name", max_length=200)
    definition = text_field("Definition", rows=3, help_text="Exactly what is counted, and how")
    unit = forms.ChoiceField(label="Unit", choices=Unit.choices, widget=forms.RadioSelect, initial=Unit.COUNT)
    target = forms.CharField(
        label="Target for each period",
        max_length=20,
        help_text="A number; a percentage from 0 to 100; pounds and pence; or yes or no",
    )
    frequency = forms.ChoiceField(
        label="How often it is reported",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        initial=Frequency.QUARTERLY,
    )
    direction = forms.ChoiceField(
        label="Which is better", choices=Direction.choices, widget=forms.RadioSelect, initial=Direction.HIGHER
    )
    green_threshold = forms.CharField(
        label="Green threshold",
        max_length=20,
        required=False,
        help_text="Green at or better than this. Leave empty to use the target",
    )
    red_threshold = forms.CharField(
        label="Red threshold",
        max_length=20,
        required=False,
        help_text="Red when worse than this; amber in between. Not needed for yes or no",
    )
    outcome = forms.ModelChoiceField(queryset=None, required=False, label="Outcome it evidences", empty_label="None")
    evidence_required = text_field(
        "Evidence required", rows=2, required=False, help_text="What the provider must attach to evidence it"
    )
    payment_linked = forms.BooleanField(label="Payment depends on this KPI", required=False)

    def __init__(self, *args: Any, outcomes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = outcomes  # type: ignore[attr-defined]


class RespondForm(BoundedForm):
    answer = forms.ChoiceField(
        label="Your response",
        choices=[("agree", "Agree these KPIs for my organisation"), ("comment", "Comment without agreeing yet")],
        widget=forms.RadioSelect,
    )
    text = text_field("Comment", rows=3, required=False, help_text="Required when you comment; optional when you agree")
