"""Forms for a provider's return, its evidence, the lead's review and the provider's answer."""

from __future__ import annotations

from typing import Any

from django import forms

from core.files import PrivateFileFormField
from core.forms import BoundedForm
from monitoring.form_fields import text_field
from monitoring.kpis.models import Kpi, Unit
from monitoring.kpis.units import format_value
from monitoring.returns.models import KpiValue


class ReturnForm(BoundedForm):
    """One actual (and a note) per KPI due, then the narrative, case studies and feedback."""

    narrative = text_field("Narrative", rows=5, required=False, help_text="How the period went, in your words")
    case_studies = text_field("Case studies", rows=4, required=False, help_text="One or two short, anonymised stories")
    feedback_summary = text_field(
        "Summary of user feedback",
        rows=3,
        required=False,
        help_text="Shared with every partner: no names or identifying detail",
    )
    confidential_details = text_field(
        "Confidential details of user feedback",
        rows=3,
        required=False,
        help_text=(
            "Only the lead commissioner will see these. Once you save them, nobody else can read them back, "
            "not even you. Leave empty to add nothing"
        ),
    )

    def __init__(self, *args: Any, values: list[KpiValue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.value_rows = values
        fields: dict[str, forms.Field] = {}
        hints: dict[str, str] = {
            Unit.COUNT: "A whole number",
            Unit.PERCENTAGE: "A percentage from 0 to 100",
            Unit.MONEY: "Pounds and pence",
            Unit.YES_NO: "Yes or no",
        }
        for v in values:
            kpi: Kpi = v.kpi
            if kpi.unit == Unit.YES_NO:
                field: forms.Field = forms.ChoiceField(
                    label=kpi.name,
                    required=False,
                    choices=[("", "Not given"), ("1", "Yes"), ("0", "No")],
                    help_text=kpi.definition,
                )
                initial = "" if v.actual is None else str(int(v.actual))
            else:
                field = forms.CharField(
                    label=f"{kpi.name} ({kpi.get_unit_display().lower()})",
                    required=False,
                    max_length=20,
                    help_text=f"{hints[kpi.unit]}. Target {self._target(kpi)}. {kpi.definition}",
                )
                initial = "" if v.actual is None else f"{v.actual.normalize():f}"
            field.initial = initial
            fields[f"kpi_{kpi.pk}"] = field
            fields[f"kpi_{kpi.pk}_note"] = forms.CharField(
                label=f"Note on {kpi.name} (optional)",
                required=False,
                initial=v.note,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        self.fields = {**fields, **self.fields}

    @staticmethod
    def _target(kpi: Kpi) -> str:

        return format_value(kpi.target, kpi.unit)

    def value_data(self) -> dict[int, dict[str, Any]]:
        return {
            v.kpi_id: {
                "actual": self.cleaned_data.get(f"kpi_{v.kpi_id}", ""),
                "note": self.cleaned_data.get(f"kpi_{v.kpi_id}_note", ""),
            }
            for v in self.value_rows
        }


class EvidenceForm(BoundedForm):
    title = forms.CharField(
        label="What it shows",
        max_length=200,
        required=False,
        help_text="For example: case management extract for the quarter",
    )
    file = PrivateFileFormField(label="File")


class ReviewForm(BoundedForm):
    decision = forms.ChoiceField(
        label="Your review",
        choices=[
            ("accept", "Accept the return"),
            ("accept_with_note", "Accept with a note"),
            ("query", "Query it: send a question back to the provider"),
        ],
        widget=forms.RadioSelect,
    )
    text = text_field(
        "Your note or question", rows=3, required=False, help_text="Needed to accept with a note, or to query"
    )


class AnswerForm(BoundedForm):
    answer = text_field("Your answer", rows=4)


class ReturnStartForm(BoundedForm):
    period_start = forms.DateField()
