"""Forms for setting up a tender, its method and its clarifications, and for following service areas."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from core.files import PrivateFileFormField
from core.forms import BoundedForm, MoneyField
from core.opportunities import CATEGORIES
from procurement.tenders import cpv
from procurement.tenders.models import (
    MAX_CONTRACT_VALUE,
    CriterionKind,
    Eligibility,
    PriceFormula,
    Procedure,
    Stage,
)
from procurement.tenders.services import DEADLINE_FIELDS, SETUP_FIELDS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


def deadline_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text=help_text or "UK time. Bids must arrive strictly before this moment.",
    )


LIGHT_TOUCH_CHOICES = [
    ("", "Work it out from the CPV codes: light-touch when every code is a Schedule 1 service"),
    ("True", "Yes: Schedule 1 light-touch services"),
    ("False", "No: the standard threshold applies"),
]


def _yes_no(value: Any) -> bool | None:
    return {"True": True, "False": False}.get(str(value))


def cpv_choices() -> list[tuple[str, str]]:
    light = [(code, f"{code} {title} (light-touch)") for code, title in sorted(cpv.LIGHT_TOUCH.items())]
    return [*light, *sorted((code, f"{code} {title}") for code, title in cpv.OTHER.items())]


class TenderForm(BoundedForm):
    commission = forms.ModelChoiceField(
        label="Joint commission",
        queryset=None,
        empty_label=None,
        help_text="It must be in procurement, or ready to enter it",
    )
    title = forms.CharField(max_length=200)
    reference = forms.CharField(max_length=40, required=False, help_text="Your own reference, if any")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Two or three sentences for the opportunities list"
    )
    specification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}), help_text="What the provider must do and achieve"
    )
    category = forms.ChoiceField(
        choices=[("", "None"), *CATEGORIES],
        required=False,
        help_text="Providers who follow this category are told when the tender is published",
    )
    procedure = forms.ChoiceField(choices=Procedure.choices, widget=forms.RadioSelect, initial=Procedure.OPEN)
    eligibility = forms.ChoiceField(
        label="Who may bid", choices=Eligibility.choices, widget=forms.RadioSelect, initial=Eligibility.THIRD_SECTOR
    )
    estimated_annual_value = MoneyField(label="Estimated annual value")
    term_years = forms.IntegerField(label="Term (years)", min_value=1, max_value=10)
    estimated_value_inc_vat = MoneyField(
        label="Estimated value of the whole contract, including VAT",
        required=False,
        max_value=MAX_CONTRACT_VALUE,
        help_text="Over the whole term, including VAT: the Procurement Act 2023 thresholds are judged on it. "
        "Leave blank to use the annual value times the term.",
    )
    cpv_codes = forms.MultipleChoiceField(
        label="CPV codes",
        required=False,
        choices=cpv_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"data-cpv-option": ""}),
        help_text="What the contract buys, as Common Procurement Vocabulary codes. Schedule 1 light-touch services "
        "(health, social, community, education) come first.",
        error_messages={"invalid_choice": "%(value)s is not a CPV code Jointly knows: choose one from the list"},
    )
    is_light_touch = forms.TypedChoiceField(
        label="Is this a light-touch contract?",
        required=False,
        choices=LIGHT_TOUCH_CHOICES,
        coerce=_yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text="Schedule 1 light-touch services: most health, social and community services. A higher threshold "
        "applies to them.",
    )
    clarification_deadline = deadline_field("Clarification questions close", help_text="UK time")
    eoi_deadline = deadline_field(
        "Expressions of interest close", required=False, help_text="Two-stage tenders only. UK time."
    )
    submission_deadline = deadline_field("Bids close")
    outcomes = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Outcomes the service must address"
    )
    allow_third_sector_evaluators = forms.BooleanField(
        required=False, label="Third-sector representatives may sit on the evaluation panel"
    )
    standstill_days = forms.IntegerField(label="Standstill (working days)", min_value=1, max_value=30, initial=8)

    def __init__(
        self,
        *args: Any,
        commissions: Any = None,
        outcomes: Any = None,
        editing: bool = False,
        published: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["commission"]
        else:
            cast(forms.ModelChoiceField, self.fields["commission"]).queryset = commissions
        cast(forms.ModelMultipleChoiceField, self.fields["outcomes"]).queryset = outcomes
        if published:
            for name in (*SETUP_FIELDS, "outcomes"):  # fixed once published (the service refuses changes too)
                self.fields[name].disabled = True
            for name in DEADLINE_FIELDS:
                self.fields[
                    name
                ].help_text = "UK time. After publication a deadline may be extended, never brought forward."


class DocumentForm(BoundedForm):
    title = forms.CharField(max_length=200, label="Document title")
    file = PrivateFileFormField(label="File")


class LotForm(BoundedForm):
    title = forms.CharField(max_length=200, label="Lot title")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    estimated_annual_value = MoneyField(label="Estimated annual value of the lot")


class CriterionForm(BoundedForm):
    kind = forms.ChoiceField(choices=CriterionKind.choices, label="Kind of criterion")
    name = forms.CharField(max_length=200, required=False, label="Name", help_text="For example “Quality of service”")
    weight = forms.IntegerField(min_value=1, max_value=100, label="Weight (%)")


class QuestionForm(BoundedForm):
    stage = forms.ChoiceField(choices=Stage.choices, initial=Stage.FULL)
    criterion = forms.ModelChoiceField(queryset=None, required=False, label="Criterion it scores")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Question")
    guidance = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    word_limit = forms.IntegerField(min_value=10, initial=500)
    weight = forms.IntegerField(min_value=1, initial=1, help_text="Its share of the criterion, relative to the others")
    pass_fail = forms.BooleanField(required=False, label="Pass or fail (not scored)")

    def __init__(self, *args: Any, criteria: Any = None, two_stage: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["criterion"]).queryset = criteria
        if not two_stage:
            self.fields["stage"].widget = forms.HiddenInput()


class MethodSettingsForm(BoundedForm):
    scale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 7}),
        label="Scoring scale",
        help_text="One line per score, from 0 up: “3: Satisfactory: meets the requirement”",
    )
    price_formula = forms.ChoiceField(choices=PriceFormula.choices, widget=forms.RadioSelect, label="Price formula")


class AskForm(BoundedForm):
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your question",
        help_text="Only the lead sees who asked. The answer is published to every bidder without your name.",
    )


class AnswerForm(BoundedForm):
    published_question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The question as it will be published",
        help_text="Reword it if it could identify who asked",
    )
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class CancelForm(BoundedForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why is it being cancelled?")
