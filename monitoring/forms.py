"""Forms for monitoring pages. They collect and shape input; the services validate the business rules."""

from __future__ import annotations

from typing import Any

from django import forms

from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput
from monitoring.models import ActionStatus, Direction, Frequency, Kpi, KpiValue, Unit


def _text(label: str, *, rows: int = 4, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


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
    definition = _text("Definition", rows=3, help_text="Exactly what is counted, and how")
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
    evidence_required = _text(
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
    text = _text("Comment", rows=3, required=False, help_text="Required when you comment; optional when you agree")


class TransitionForm(BoundedForm):
    name = forms.CharField(max_length=40)
    reason = forms.CharField(required=False)


class ReturnForm(BoundedForm):
    """One actual (and a note) per KPI due, then the narrative, case studies and feedback."""

    narrative = _text("Narrative", rows=5, required=False, help_text="How the period went, in your words")
    case_studies = _text("Case studies", rows=4, required=False, help_text="One or two short, anonymised stories")
    feedback_summary = _text(
        "Summary of user feedback",
        rows=3,
        required=False,
        help_text="Shared with every partner: no names or identifying detail",
    )
    confidential_details = _text(
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
        from monitoring.services import format_value

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
    text = _text("Your note or question", rows=3, required=False, help_text="Needed to accept with a note, or to query")


class AnswerForm(BoundedForm):
    answer = _text("Your answer", rows=4)


class VisitForm(BoundedForm):
    planned_on = _date("Date of the visit")
    purpose = _text("What you want to see", rows=3)


class VisitRecordForm(BoundedForm):
    visited_on = _date("Date visited")
    visitors = forms.CharField(label="Who went", max_length=300, required=False)
    notes = _text("Notes", rows=4, required=False)
    findings = _text("Findings", rows=4, help_text="Shared with the provider")


class PlanForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200)
    concern = _text("What is not going well", rows=3, help_text="And the evidence: which KPIs, which periods")
    support_offered = _text(
        "Support the commissioners will give first",
        rows=3,
        help_text="Support comes first: training, advice, a partner's help, a change of approach",
    )
    kpis = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="KPIs concerned", widget=forms.CheckboxSelectMultiple
    )
    review_on = _date("When progress will next be reviewed", required=False)

    def __init__(self, *args: Any, kpis: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpis"].queryset = kpis  # type: ignore[attr-defined]


class PlanCloseForm(BoundedForm):
    note = _text("What improved", rows=3)


class ActionForm(BoundedForm):
    action = _text("Action", rows=2)
    owner_name = forms.CharField(label="Owner", max_length=200, help_text="The person responsible")
    owner_organisation = forms.ChoiceField(label="Their organisation", widget=forms.RadioSelect)
    due_on = _date("Due")

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["owner_organisation"].choices = [(str(o.pk), o.name) for o in organisations]  # type: ignore[attr-defined]


class ActionProgressForm(BoundedForm):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect)
    progress = _text("Progress", rows=3, required=False)


class EndReviewForm(BoundedForm):
    summary = _text("What the contract achieved", rows=4, required=False)
    lessons = _text("Lessons for future commissioning", rows=3, required=False)
    feedback = _text(
        "Feedback to the provider",
        rows=5,
        required=False,
        help_text="Required before the contract can close. Sent to the provider when you give it",
    )
    track_outcomes = forms.BooleanField(label="Track outcomes after the contract ends", required=False)


class StepForm(BoundedForm):
    title = forms.CharField(label="Step", max_length=300)
    owner_name = forms.CharField(label="Owner", max_length=200, required=False)
    due_on = _date("Due", required=False)


class StepUpdateForm(BoundedForm):
    done_on = _date("Done on", required=False)
    not_needed = forms.BooleanField(label="Not needed for this contract", required=False)
    note = _text("Note", rows=2, required=False, help_text="Say why, if it is not needed")


class FollowUpForm(BoundedForm):
    outcome = forms.ModelChoiceField(queryset=None, required=False, label="Outcome", empty_label="None")
    measure = forms.CharField(label="What will be checked, and how", max_length=300)
    due_on = _date("When")

    def __init__(self, *args: Any, outcomes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = outcomes  # type: ignore[attr-defined]


class FollowUpRecordForm(BoundedForm):
    finding = _text("What was found", rows=4)
