"""Forms for the board pages (GOV.UK markup comes from the form renderer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from boards.models import AgendaItem, Attendance, BoardMember, ChairAbsenceRule, Decision, SeatKind
from boards.rules import SUBJECT_KINDS
from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput

YES_NO = [("yes", "Yes"), ("no", "No")]


class BoardForm(BoundedForm):
    name = forms.CharField(label="Board name", max_length=200)
    purpose = forms.CharField(label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    parent_board_name = forms.CharField(
        label="Parent board",
        max_length=200,
        required=False,
        help_text="Where the board reports its business, for example Lichfield District Board",
    )
    min_members = forms.IntegerField(
        label="Minimum number of full members present",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the minimum number of full members",
            "min_value": "A quorum needs at least 1 member",
        },
    )
    min_share = forms.DecimalField(
        label="Minimum share of full members present, in per cent",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text="For example 51. Enter 0 for no minimum share",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}),
        error_messages={"required": "Enter the minimum share, or 0", "invalid": "Enter the share as a number, like 51"},
    )
    required_organisations = forms.MultipleChoiceField(
        label="Organisations that must be represented",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Chosen from the organisations of the board's full members. The board is not quorate unless "
        "someone from each is present",
    )
    requires_elected_member = forms.BooleanField(
        label="At least one elected member must be present (for example a councillor)", required=False
    )
    public_body_seats_vote = forms.BooleanField(
        label="Members for other public bodies (not partners) may hold full, voting seats", required=False
    )
    voluntary_sector_seats_vote = forms.BooleanField(
        label="Voluntary-sector representatives may hold full, voting seats", required=False
    )
    decides_tenders = forms.BooleanField(
        label="This board approves the partnership's tenders",
        required=False,
        help_text="One board per partnership: its evaluation methods, awards, final specifications and assessment "
        "panels come to this board only",
    )
    approves_specification = forms.BooleanField(
        label="The board must approve each tender's final specification before it is published", required=False
    )
    approves_panel = forms.BooleanField(
        label="The board must approve each tender's assessment panel before it is published", required=False
    )
    chair_absence_rule = forms.ChoiceField(
        label="When the chair is absent",
        choices=ChairAbsenceRule.choices,
        widget=forms.RadioSelect,
    )
    is_public = forms.BooleanField(label="Publish the board's meetings and decisions on a public page", required=False)

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        partnerships: list[tuple[int, str]] | None = None,
        seats: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["required_organisations"].choices = organisations  # type: ignore[attr-defined]
        else:
            # A new board has no members yet: its required organisations are chosen once they are seated.
            del self.fields["required_organisations"]
        if partnerships is not None:
            self.fields["partnership"] = forms.TypedChoiceField(
                label="Partnership",
                choices=[("", "Choose the partnership"), *partnerships],
                coerce=int,
                error_messages={"required": "Choose the partnership the board belongs to"},
            )
            self.order_fields(["partnership"])
        if seats is not None:
            options = [("", "No one yet"), *seats]
            self.fields["chair"] = forms.TypedChoiceField(
                label="Chair", choices=options, coerce=int, required=False, empty_value=None
            )
            self.fields["deputy_chair"] = forms.TypedChoiceField(
                label="Deputy chair", choices=options, coerce=int, required=False, empty_value=None
            )


class BoardMemberForm(BoundedForm):
    """A seat for partner staff (chosen from the partners' people) or for anyone else (named by email: they may not
    have an account yet), from any organisation or, for an independent adviser, none."""

    seat_kind = forms.ChoiceField(
        label="Sits as",
        choices=SeatKind.choices,
        widget=forms.RadioSelect,
        initial=SeatKind.PARTNER,
        help_text="Partner staff vote when they hold a full seat. Advisers never vote. Whether other public bodies and "
        "voluntary-sector representatives may hold full seats is the board's rule",
    )
    person = forms.TypedChoiceField(
        label="Partner staff member",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="For partner staff: chosen from the people acting for the partners",
    )
    full_name = forms.CharField(
        label="Full name", max_length=150, required=False, help_text="For anyone else: their name and email address"
    )
    email = forms.EmailField(label="Email address", max_length=254, required=False)
    organisation = forms.TypedChoiceField(
        label="Organisation they sit for",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="For anyone else. Leave empty for an independent adviser",
    )
    is_elected_member = forms.BooleanField(label="Elected member (for example a councillor)", required=False)
    kind = forms.ChoiceField(
        label="Kind of member",
        choices=BoardMember.Kind.choices,
        widget=forms.RadioSelect,
        help_text="Full members vote and count towards quorum. A named substitute stands in for one full member. "
        "Advisory members attend for specific items and never count",
    )
    role_title = forms.CharField(
        label="Role on the board",
        max_length=200,
        required=False,
        help_text="For example, Cabinet Member for Community, Housing and Health",
    )
    substitute_for = forms.TypedChoiceField(
        label="Substitute for", coerce=int, required=False, empty_value=None, help_text="Only for a named substitute"
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        full_members: list[tuple[int, str]],
        organisations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose a person"), *people]  # type: ignore[attr-defined]
        self.fields["organisation"].choices = [("", "None (an independent adviser)"), *organisations]  # type: ignore[attr-defined]
        self.fields["substitute_for"].choices = [("", "Not a substitute"), *full_members]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == BoardMember.Kind.SUBSTITUTE and not data.get("substitute_for"):
            self.add_error("substitute_for", "Choose the full member this person substitutes for")
        if data.get("seat_kind") == SeatKind.PARTNER:
            if not data.get("person"):
                self.add_error("person", "Choose the partner staff member")
        elif "seat_kind" in data:
            if not data.get("email"):
                self.add_error("email", "Enter the person's email address")
            if not data.get("organisation") and data.get("seat_kind") != SeatKind.ADVISER:
                self.add_error("organisation", "Choose the organisation they sit for")
        return data


class BoardMemberChangeForm(BoundedForm):
    """Correct a seat: the elected-member flag, the role, and full or advisory (within the board's voting rule)."""

    is_elected_member = forms.BooleanField(label="Elected member (for example a councillor)", required=False)
    kind = forms.ChoiceField(
        label="Kind of member",
        choices=[c for c in BoardMember.Kind.choices if c[0] != BoardMember.Kind.SUBSTITUTE],
        widget=forms.RadioSelect,
        required=False,
        help_text="Full members vote and count towards quorum; advisory members never count",
    )
    role_title = forms.CharField(label="Role on the board", max_length=200, required=False)


class MeetingForm(BoundedForm):
    date = forms.DateField(
        label="Date",
        widget=DateInput(),
        error_messages={"required": "Enter the date of the meeting", "invalid": "Enter a real date"},
    )
    time = forms.TimeField(
        label="Start time",
        widget=forms.TimeInput(attrs={"type": "time", "class": "govuk-input--width-5"}, format="%H:%M"),
        help_text="UK time, for example 14:00",
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 14:00"},
    )
    location = forms.CharField(
        label="Where", max_length=300, required=False, help_text="For example, District Council House, Lichfield"
    )

    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class ItemForm(BoundedForm):
    kind = forms.ChoiceField(label="What is the item?", choices=AgendaItem.Kind.choices, widget=forms.RadioSelect)
    subject = forms.ChoiceField(
        label="What the board is asked to approve",
        required=False,
        help_text="For an evaluation method, a final specification, an assessment panel or an award: chosen from "
        "those waiting for this board",
    )
    title = forms.CharField(
        label="Title", max_length=300, required=False, help_text="Leave empty to use the name of what is approved"
    )
    summary = forms.CharField(label="Summary of the paper", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    presented_by = forms.TypedChoiceField(label="Presented by", coerce=int, required=False, empty_value=None)
    paper = PrivateFileFormField(label="Paper (optional)", required=False)

    def __init__(
        self,
        *args: Any,
        subjects: list[tuple[str, list[tuple[str, str]]]],
        presenters: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "None"), *subjects]  # type: ignore[attr-defined]
        self.fields["presented_by"].choices = [("", "Not named"), *presenters]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, subject = data.get("kind"), data.get("subject") or ""
        data["subject_id"] = None
        if subject:
            subject_kind, _, raw = subject.partition(":")
            if subject_kind != kind:
                self.add_error("subject", "Choose something of the kind of item you chose")
            else:
                data["subject_id"] = int(raw)
        elif kind in SUBJECT_KINDS:
            self.add_error("subject", "Choose what the board is asked to approve")
        elif not (data.get("title") or "").strip():
            self.add_error("title", "Enter the item's title")
        return data


class AttendanceForm(BoundedForm):
    """One question per seat: present, apologies or absent (a substitute: standing in, or not attending)."""

    def __init__(self, *args: Any, members: list[BoardMember], current: dict[int, Attendance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for m in members:
            row = current.get(m.pk)
            if m.kind == BoardMember.Kind.SUBSTITUTE:
                choices = [("present", f"Standing in for {m.substitute_for.person}"), ("", "Not attending")]
            else:
                choices = [(s.value, s.label) for s in Attendance.Status]
            self.fields[f"m{m.pk}"] = forms.ChoiceField(
                label=f"{m.person}, {m.organisation_name}"
                + (f" ({m.get_kind_display().lower()})" if not m.is_full else ""),
                choices=choices,
                widget=forms.RadioSelect,
                required=m.kind != BoardMember.Kind.SUBSTITUTE,
                initial=row.status if row else ("" if m.kind == BoardMember.Kind.SUBSTITUTE else None),
                error_messages={"required": f"Choose whether {m.person} is present"},
            )

    def entries(self) -> list[tuple[BoardMember, str]]:
        return [(m, self.cleaned_data.get(f"m{m.pk}") or "") for m in self.members]


class ChairForm(BoundedForm):
    member = forms.TypedChoiceField(
        label="Chair for this meeting",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who chairs the meeting"},
    )

    def __init__(self, *args: Any, present: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = present  # type: ignore[attr-defined]


class DeclarationForm(BoundedForm):
    has_interest = forms.ChoiceField(
        label="Do you have an interest in this item?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you have an interest in this item"},
    )
    interest = forms.CharField(
        label="Describe the interest",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it is and who it concerns, for example: I am a trustee of a bidder, Age UK South Staffordshire",
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"] = forms.TypedChoiceField(
                label="Member declaring",
                coerce=int,
                choices=[("", "Choose the member"), *members],
                error_messages={"required": "Choose the member declaring"},
            )
            self.fields["has_interest"].label = "Does the member have an interest in this item?"
            self.order_fields(["member"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("has_interest") == "yes" and not (data.get("interest") or "").strip():
            self.add_error("interest", "Describe the interest: what it is and who it concerns")
        return data


class ExclusionForm(BoundedForm):
    member = forms.TypedChoiceField(
        label="Member to exclude from this item",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the member to exclude"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the exclusion"},
    )

    def __init__(self, *args: Any, declared: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = declared  # type: ignore[attr-defined]


class DecisionForm(BoundedForm):
    outcome = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect, error_messages={"required": "Choose the decision"}
    )
    method = forms.ChoiceField(
        label="How was it reached?",
        choices=Decision.Method.choices,
        widget=forms.RadioSelect,
        initial=Decision.Method.CONSENSUS,
    )
    moderation_route = forms.CharField(
        label="Moderation route",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only if consensus was not reached, for example: a vote of the full members present",
    )
    moderation_result = forms.CharField(
        label="Result of the moderation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    votes_for = forms.IntegerField(
        label="Votes for",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    votes_against = forms.IntegerField(
        label="Votes against",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    votes_abstain = forms.IntegerField(
        label="Abstentions",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    minute = forms.CharField(
        label="Minute",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the board resolved, in a sentence or two",
    )

    def __init__(self, *args: Any, item: AgendaItem, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcomes = [
            (o.value, label) for o, label in zip(Decision.Outcome, ("Approve", "Reject", "Defer", "Note"), strict=True)
        ]
        if item.has_subject:
            outcomes = [o for o in outcomes if o[0] != Decision.Outcome.NOTE]
            self.fields["seen_summary"] = forms.BooleanField(
                label="The board has been shown the evaluation summary and the panel's conflicts record",
                error_messages={
                    "required": "Confirm the board has been shown the evaluation summary and conflicts record"
                },
            )
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label="Why is the decision being corrected?",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": "Say why the decision is being corrected"},
            )
            self.order_fields(["correction_reason"])


class MinutesForm(BoundedForm):
    minutes = forms.CharField(
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Separate paragraphs with a blank line. Decisions, attendance and declarations are added from the record",
        error_messages={"required": "Enter the minutes"},
    )


class PeriodForm(BoundedForm):
    start = forms.DateField(label="From", widget=DateInput(), required=False)
    end = forms.DateField(label="To", widget=DateInput(), required=False)
