"""Forms: the commission's timetable: stages, reminders and the calendar feed."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.service_map.forms import date_field
from core.forms import BoundedForm


class TimetableForm(BoundedForm):
    begins_on = date_field(
        "Start the timetable no earlier than",
        help_text="Usually today. The stages are fitted to end when the contract starts",
    )


class StageForm(BoundedForm):
    name = forms.CharField(label="Stage", max_length=200)
    owner = forms.ModelChoiceField(label="Owner", queryset=None, required=False, empty_label="Nobody yet")
    planned_start = date_field("Planned start")
    planned_end = date_field("Planned end")
    completed_on = date_field(
        "Actually completed on (optional)", required=False, help_text="Leave empty until the stage is done"
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda m: f"{m.user.full_name} ({m.organisation.name})"  # type: ignore[attr-defined]
