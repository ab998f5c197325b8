"""Forms for monitoring visits, improvement plans and their actions."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BoundedForm
from monitoring.form_fields import date_field, text_field
from monitoring.oversight.models import ActionStatus


class VisitForm(BoundedForm):
    planned_on = date_field("Date of the visit")
    purpose = text_field("What you want to see", rows=3)


class VisitRecordForm(BoundedForm):
    visited_on = date_field("Date visited")
    visitors = forms.CharField(label="Who went", max_length=300, required=False)
    notes = text_field("Notes", rows=4, required=False)
    findings = text_field("Findings", rows=4, help_text="Shared with the provider")


class PlanForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200)
    concern = text_field("What is not going well", rows=3, help_text="And the evidence: which KPIs, which periods")
    support_offered = text_field(
        "Support the commissioners will give first",
        rows=3,
        help_text="Support comes first: training, advice, a partner's help, a change of approach",
    )
    kpis = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="KPIs concerned", widget=forms.CheckboxSelectMultiple
    )
    review_on = date_field("When progress will next be reviewed", required=False)

    def __init__(self, *args: Any, kpis: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpis"].queryset = kpis  # type: ignore[attr-defined]


class PlanCloseForm(BoundedForm):
    note = text_field("What improved", rows=3)


class ActionForm(BoundedForm):
    action = text_field("Action", rows=2)
    owner_name = forms.CharField(label="Owner", max_length=200, help_text="The person responsible")
    owner_organisation = forms.ChoiceField(label="Their organisation", widget=forms.RadioSelect)
    due_on = date_field("Due")

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["owner_organisation"].choices = [(str(o.pk), o.name) for o in organisations]  # type: ignore[attr-defined]


class ActionProgressForm(BoundedForm):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect)
    progress = text_field("Progress", rows=3, required=False)


class CancelForm(BoundedForm):
    reason = forms.CharField(max_length=500)
