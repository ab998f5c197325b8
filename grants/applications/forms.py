"""Forms for applying: the project, a section's answers (or the whole one-page form), the declaration, and
withdrawal."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BoundedForm, MoneyField
from grants.programmes.models import MAX_PROGRAMME_BUDGET, ApplicationQuestion


class ProjectForm(BoundedForm):
    project_title = forms.CharField(label="Project title", max_length=200)
    project_summary = forms.CharField(
        label="Summary of your project", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )
    amount_requested = MoneyField(label="How much are you asking for?", max_value=MAX_PROGRAMME_BUDGET, required=False)


class AnswersForm(BoundedForm):
    """One textarea per question, labelled with the question and its word limit."""

    def __init__(self, *args: Any, questions: list[ApplicationQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.CharField(
                label=q.text,
                required=False,
                max_length=50_000,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=f"{q.guidance} Up to {q.word_limit} words.".strip(),
            )
        self.questions = questions

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}


class OnePageForm(ProjectForm, AnswersForm):
    """A small grants application: the project and every question on one page."""


class DeclarationForm(BoundedForm):
    declaration = forms.BooleanField(
        label="I confirm that the information in this application is true and complete, that the work will happen "
        "in the area the programme covers, and that I may apply on my organisation's behalf",
        required=True,
        error_messages={"required": "Confirm the declaration to submit your application"},
    )


class StartForm(BoundedForm):
    """Starting an application: nothing to type (eligibility is checked on the organisation's facts)."""


class WithdrawForm(BoundedForm):
    reason = forms.CharField(
        label="Why are you withdrawing? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
