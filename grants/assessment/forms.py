"""Forms of the assessment: naming an assessor, declaring interests, a score sheet, moderation."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BoundedForm
from grants.applications.models import GrantApplication
from grants.assessment.models import InterestKind
from grants.programmes.models import GrantCriterion


class AssessorForm(BoundedForm):
    member = forms.ChoiceField(
        label="Who joins the panel?",
        widget=forms.RadioSelect,
        help_text="Evaluators and commissioners of the lead and the partners taking part",
        error_messages={"required": "Choose who joins the panel"},
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = candidates  # type: ignore[attr-defined]


class DeclarationForm(BoundedForm):
    """One question per application: any interest, its type, and what it is."""

    def __init__(self, *args: Any, applications: list[GrantApplication], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = applications
        for a in applications:
            self.fields[f"kind_{a.pk}"] = forms.ChoiceField(
                label=f"Do you have an interest in {a.organisation.name}'s application?",
                choices=[("", "No interest"), *InterestKind.choices],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"detail_{a.pk}"] = forms.CharField(
                label=f"What is your interest in {a.organisation.name}?",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for a in self.applications:
            if data.get(f"kind_{a.pk}") and not (data.get(f"detail_{a.pk}") or "").strip():
                self.add_error(f"detail_{a.pk}", f"Say what your interest in {a.organisation.name} is")
        return data

    def interests(self) -> list[tuple[GrantApplication, str, str]]:
        return [
            (a, self.cleaned_data[f"kind_{a.pk}"], self.cleaned_data.get(f"detail_{a.pk}") or "")
            for a in self.applications
            if self.cleaned_data.get(f"kind_{a.pk}")
        ]


class CriterionScoresForm(BoundedForm):
    """A score and a comment (or, for moderation, a note) per criterion."""

    note_label = "Comment"

    def __init__(self, *args: Any, criteria: list[GrantCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.name} ({c.weight}%): score from 0 to {c.max_score}",
                help_text=c.guidance,
                choices=[("", "Not scored"), *[(str(n), str(n)) for n in range(c.max_score + 1)]],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"note_{c.pk}"] = forms.CharField(
                label=f"{self.note_label} on {c.name}",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def scores(self, key: str) -> dict[int, dict[str, Any]]:
        return {
            c.pk: {"score": self.cleaned_data.get(f"score_{c.pk}"), key: self.cleaned_data.get(f"note_{c.pk}") or ""}
            for c in self.criteria
        }


class ModerationForm(CriterionScoresForm):
    note_label = "How the panel agreed"
