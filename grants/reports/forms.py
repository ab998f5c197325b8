"""The end-of-grant report form: outcomes, spend and a case study (light monitoring: one page)."""

from __future__ import annotations

from django import forms

from core.forms import BoundedForm, MoneyField
from grants.reports.models import MAX_CASE_STUDY, MAX_OUTCOMES, MAX_SPEND_NOTES


class ReportForm(BoundedForm):
    outcomes = forms.CharField(
        label="What did the grant achieve?",
        help_text="The outcomes, against what you said the grant would do. You can save and come back.",
        max_length=MAX_OUTCOMES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    spend = MoneyField(label="How much of the grant did you spend?", required=False)
    spend_notes = forms.CharField(
        label="What was the money spent on? (optional)",
        help_text="Any underspend, and why",
        max_length=MAX_SPEND_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    case_study = forms.CharField(
        label="Case study",
        help_text="One person's or group's story of what changed for them (no names without their consent)",
        max_length=MAX_CASE_STUDY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
