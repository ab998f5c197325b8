"""Forms: engagement events, sign-up, attendance, notes; the engagement group."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.engagement.models import MAX_CAPACITY, EventFormat, EventKind
from commissioning.service_map.forms import date_field
from core.forms import BoundedForm


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def when_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text="UK time",
    )


class EventForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="What kind of event", choices=EventKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label="What it is for, and who should come", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    format = forms.ChoiceField(label="Online or in person", choices=EventFormat.choices, widget=forms.RadioSelect)
    location = forms.CharField(label="Address, or how to join online", max_length=300)
    starts_at = when_field("Starts")
    ends_at = when_field("Ends")
    capacity = forms.IntegerField(label="Number of places", min_value=1, max_value=MAX_CAPACITY)
    service_area = forms.ModelChoiceField(
        label="Service area (optional)", queryset=None, required=False, empty_label="None in particular"
    )
    commission = forms.ModelChoiceField(
        label="Joint commission it is for (optional)",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="Engagement for a commission goes into its UK2 preliminary market engagement notice",
    )

    def __init__(self, *args: Any, areas: Any, commissions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["commission"].queryset = commissions  # type: ignore[attr-defined]


class SignupForm(BoundedForm):
    access_needs = forms.CharField(
        label="Access needs (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything that would help you take part: step-free access, a hearing loop, BSL, breaks",
    )


class NotesForm(BoundedForm):
    notes = forms.CharField(
        label="Notes, or questions and answers",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Published for everyone to read, whether or not they came",
    )


class GroupForm(BoundedForm):
    name = forms.CharField(label="Name", max_length=200)
    purpose = forms.CharField(label="What the group is for", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class GroupMemberForm(BoundedForm):
    name = forms.CharField(label="Name", max_length=200, help_text="The person, or the organisation if no one is named")
    organisation = forms.ModelChoiceField(
        label="Organisation (optional)", queryset=None, required=False, empty_label="Not on Jointly"
    )
    role = forms.CharField(label="Role on the group (optional)", max_length=200, required=False)
    joined_on = date_field("Joined on", required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MeetingForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200)
    held_on = date_field("Held on")
    notes = forms.CharField(label="Notes", max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))
    publish = forms.BooleanField(label="Publish the notes now", required=False)
