"""Forms for the panel, declarations, conflict decisions and scores."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from core.forms import BoundedForm
from procurement.evaluation.models import Evaluator
from procurement.tenders.models import Question


class EvaluatorForm(BoundedForm):
    membership = forms.ChoiceField(label="Evaluator")
    role_title = forms.CharField(max_length=200, required=False, label="Their role on the panel")

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["membership"]).choices = [
            (str(m.pk), f"{m.user.full_name}, {m.organisation.name}") for m in candidates
        ]


class DeclarationForm(BoundedForm):
    has_interest = forms.TypedChoiceField(
        label="Do you have an interest to declare for this tender?",
        choices=[("no", "No, I have no interest to declare"), ("yes", "Yes, I have an interest to declare")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        help_text="For example a role with, a relative at, or money from a bidder or a provider in this service",
    )
    interest = forms.CharField(label="Describe the interest", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConflictForm(BoundedForm):
    evaluator = forms.IntegerField(widget=forms.HiddenInput())
    decision = forms.ChoiceField(
        choices=[
            (Evaluator.ConflictDecision.EXCLUDE, "Exclude them from the evaluation"),
            (Evaluator.ConflictDecision.MITIGATE, "Allow them, with a mitigation"),
        ],
        widget=forms.RadioSelect,
        label="Decision",
    )
    mitigation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Mitigation")


class ScoreForm(BoundedForm):
    def __init__(self, *args: Any, questions: list[Question], scale: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a score")] + [(str(r["score"]), f"{r['score']}: {r['descriptor']}") for r in scale]
        for q in questions:
            if q.pass_fail:
                self.fields[f"passed_{q.pk}"] = forms.ChoiceField(
                    label=f"Question {q.number}: pass or fail",
                    choices=[("", "Choose"), ("pass", "Pass"), ("fail", "Fail")],
                    required=False,
                )
            else:
                self.fields[f"score_{q.pk}"] = forms.ChoiceField(
                    label=f"Question {q.number}: score", choices=choices, required=False
                )
            self.fields[f"justification_{q.pk}"] = forms.CharField(
                label=f"Question {q.number}: justification", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
