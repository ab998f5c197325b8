"""Forms: what a commission replaces, the saving, notices, impact notes, the Compact, appraisals."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.replacement.models import MAX_SAVING, TEXT_LIMIT, AppraisalModel
from commissioning.service_map.forms import date_field
from core.forms import BoundedForm, MoneyField


class ContractChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        what = f": {obj.title}" if obj.title else ""
        return f"{obj.provider_name}{what} ({obj.service_area.name}), £{obj.annual_value:,.2f} a year, ends {obj.end_date:%d %B %Y}"


class LinkForm(BoundedForm):
    contracts = ContractChoiceField(
        label="Which of your contracts does this commission replace?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one contract"},
    )

    def __init__(self, *args: Any, contracts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contracts"].queryset = contracts  # type: ignore[attr-defined]


class SavingForm(BoundedForm):
    saving = MoneyField(
        label="Commissioning cost saved (£)",
        min_value=0,
        max_value=MAX_SAVING,
        help_text="Officer time, legal and tendering costs avoided by not letting this contract again",
    )
    note = forms.CharField(
        label="How it was worked out",
        max_length=500,
        required=False,
        help_text="For example, 10 days of officer time at £250 a day",
    )


class NoticeForm(BoundedForm):
    reason = forms.CharField(
        label="Why the contract is being replaced or ended",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This goes into the letter to the provider",
    )
    sent_on = date_field("Date of the notice", help_text="For example, 01/12/2026")


class ImpactForm(BoundedForm):
    who_is_affected = forms.CharField(
        label="Who is affected", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
    service_users = forms.CharField(
        label="Service users (optional)",
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How many people use the service, and how they will be supported through the change",
    )
    staff = forms.CharField(
        label="Staff and volunteers (optional)",
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, TUPE may apply to staff moving to the new provider",
    )
    mitigation = forms.CharField(
        label="How the impact is eased", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class CompactForm(BoundedForm):
    notice_months = forms.IntegerField(
        label="Notice period (months)",
        min_value=1,
        max_value=24,
        help_text="As agreed in the local Compact with the voluntary and community sector: three months by default",
    )


class AppraisalForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200, help_text="For example, Options for advice services")


class OptionForm(BoundedForm):
    model = forms.ChoiceField(label="Model considered", choices=AppraisalModel.choices, widget=forms.RadioSelect)
    advantages = forms.CharField(label="Advantages", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))
    disadvantages = forms.CharField(
        label="Disadvantages", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4})
    )


class ChooseForm(BoundedForm):
    model = forms.ChoiceField(label="Option chosen", choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label="Why this option", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, options: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [(o.model, o.get_model_display()) for o in options]  # type: ignore[attr-defined]
