"""Forms for tendering pages (GOV.UK rendering is automatic)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput, MoneyField
from procurement.models import (
    BidPartnerKind,
    CriterionKind,
    Eligibility,
    Evaluator,
    PriceCategory,
    PriceFormula,
    Procedure,
    ProfileDocumentKind,
    Question,
    Stage,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


def deadline_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text=help_text or "UK time. Bids must arrive strictly before this moment.",
    )


class TenderForm(BoundedForm):
    commission = forms.ModelChoiceField(
        label="Joint commission",
        queryset=None,
        empty_label=None,
        help_text="It must be in procurement, or ready to enter it",
    )
    title = forms.CharField(max_length=200)
    reference = forms.CharField(max_length=40, required=False, help_text="Your own reference, if any")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Two or three sentences for the opportunities list"
    )
    specification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}), help_text="What the provider must do and achieve"
    )
    procedure = forms.ChoiceField(choices=Procedure.choices, widget=forms.RadioSelect, initial=Procedure.OPEN)
    eligibility = forms.ChoiceField(
        label="Who may bid", choices=Eligibility.choices, widget=forms.RadioSelect, initial=Eligibility.THIRD_SECTOR
    )
    estimated_annual_value = MoneyField(label="Estimated annual value")
    term_years = forms.IntegerField(label="Term (years)", min_value=1, max_value=10)
    clarification_deadline = deadline_field("Clarification questions close", help_text="UK time")
    eoi_deadline = deadline_field(
        "Expressions of interest close", required=False, help_text="Two-stage tenders only. UK time."
    )
    submission_deadline = deadline_field("Bids close")
    outcomes = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Outcomes the service must address"
    )
    allow_third_sector_evaluators = forms.BooleanField(
        required=False, label="Third-sector representatives may sit on the evaluation panel"
    )
    standstill_days = forms.IntegerField(label="Standstill (working days)", min_value=1, max_value=30, initial=8)

    def __init__(
        self,
        *args: Any,
        commissions: Any = None,
        outcomes: Any = None,
        editing: bool = False,
        published: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["commission"]
        else:
            cast(forms.ModelChoiceField, self.fields["commission"]).queryset = commissions
        cast(forms.ModelMultipleChoiceField, self.fields["outcomes"]).queryset = outcomes
        if published:
            for name in (
                "procedure",
                "eligibility",
                "estimated_annual_value",
                "term_years",
                "allow_third_sector_evaluators",
                "standstill_days",
                "reference",
                "outcomes",
            ):
                self.fields[name].disabled = True
            for name in ("clarification_deadline", "eoi_deadline", "submission_deadline"):
                self.fields[
                    name
                ].help_text = "UK time. After publication a deadline may be extended, never brought forward."


class DocumentForm(BoundedForm):
    title = forms.CharField(max_length=200, label="Document title")
    file = PrivateFileFormField(label="File")


class LotForm(BoundedForm):
    title = forms.CharField(max_length=200, label="Lot title")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    estimated_annual_value = MoneyField(label="Estimated annual value of the lot")


class CriterionForm(BoundedForm):
    kind = forms.ChoiceField(choices=CriterionKind.choices, label="Kind of criterion")
    name = forms.CharField(max_length=200, required=False, label="Name", help_text="For example “Quality of service”")
    weight = forms.IntegerField(min_value=1, max_value=100, label="Weight (%)")


class QuestionForm(BoundedForm):
    stage = forms.ChoiceField(choices=Stage.choices, initial=Stage.FULL)
    criterion = forms.ModelChoiceField(queryset=None, required=False, label="Criterion it scores")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Question")
    guidance = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    word_limit = forms.IntegerField(min_value=10, initial=500)
    weight = forms.IntegerField(min_value=1, initial=1, help_text="Its share of the criterion, relative to the others")
    pass_fail = forms.BooleanField(required=False, label="Pass or fail (not scored)")

    def __init__(self, *args: Any, criteria: Any = None, two_stage: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["criterion"]).queryset = criteria
        if not two_stage:
            self.fields["stage"].widget = forms.HiddenInput()


class MethodSettingsForm(BoundedForm):
    scale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 7}),
        label="Scoring scale",
        help_text="One line per score, from 0 up: “3: Satisfactory: meets the requirement”",
    )
    price_formula = forms.ChoiceField(choices=PriceFormula.choices, widget=forms.RadioSelect, label="Price formula")


class AskForm(BoundedForm):
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your question",
        help_text="Only the lead sees who asked. The answer is published to every bidder without your name.",
    )


class AnswerForm(BoundedForm):
    published_question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The question as it will be published",
        help_text="Reword it if it could identify who asked",
    )
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class FollowForm(BoundedForm):
    service_areas = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Service areas you follow"
    )

    def __init__(self, *args: Any, areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service_areas"]).choices = [
            (str(a.pk), f"{a.name} ({a.partnership.name})") for a in areas
        ]


class ProfileForm(BoundedForm):
    annual_income = MoneyField(label="Annual income (latest accounts)", required=False)
    accounts_year_end = forms.DateField(label="Accounts year end", required=False, widget=DateInput())
    staff_count = forms.IntegerField(label="Paid staff", min_value=0, required=False)
    volunteer_count = forms.IntegerField(label="Volunteers", min_value=0, required=False)


class ProfileDocumentForm(BoundedForm):
    kind = forms.ChoiceField(choices=ProfileDocumentKind.choices, label="Kind of document")
    title = forms.CharField(max_length=200, required=False)
    file = PrivateFileFormField(label="File")


class BidForm(BoundedForm):
    """The bid's working copy: answers, price breakdown, consortium flag, and an optional new attachment."""

    summary = forms.CharField(
        label="Summary of your bid",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-autosave": "summary"}),
    )
    is_consortium = forms.BooleanField(label="This is a consortium bid", required=False)
    attachment_title = forms.CharField(label="Title of the file you are adding", required=False, max_length=200)
    attachment = PrivateFileFormField(label="Add a file", required=False)

    def __init__(self, *args: Any, questions: list[Question], lots: list[Any], full: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        fields: dict[str, forms.Field] = {}
        if lots:
            fields["lot"] = forms.ChoiceField(
                label="Lot you are bidding for",
                choices=[("", "Choose a lot")] + [(str(lot.pk), str(lot)) for lot in lots],
                required=False,
            )
        for q in questions:
            fields[f"answer_{q.pk}"] = forms.CharField(
                label=f"{q.number}. {q.text}",
                required=False,
                help_text=f"{q.guidance + ' ' if q.guidance else ''}Up to {q.word_limit} words.",
                widget=forms.Textarea(
                    attrs={"rows": 8, "data-autosave": f"answer_{q.pk}", "data-word-limit": q.word_limit}
                ),
            )
        if full:
            for value, label in PriceCategory.choices:
                fields[f"price_{value}"] = MoneyField(label=f"{label}: a year", required=False)
                fields[f"price_{value}"].widget.attrs["data-autosave"] = f"price_{value}"
                fields[f"note_{value}"] = forms.CharField(
                    label=f"{label}: what it covers",
                    required=False,
                    max_length=300,
                    widget=forms.TextInput(attrs={"data-autosave": f"note_{value}"}),
                )
        ordered = {"summary": self.fields.pop("summary")}
        ordered.update(fields)
        ordered.update(self.fields)
        self.fields = ordered


class BidPartnerForm(BoundedForm):
    kind = forms.ChoiceField(choices=BidPartnerKind.choices, widget=forms.RadioSelect, label="Kind")
    name = forms.CharField(max_length=200, label="Organisation name")
    charity_number = forms.CharField(max_length=20, required=False)
    company_number = forms.CharField(max_length=20, required=False)
    role = forms.CharField(max_length=300, label="What they will do")
    share_percent = forms.IntegerField(min_value=0, max_value=100, required=False, label="Share of the work (%)")


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


class CancelForm(BoundedForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why is it being cancelled?")


class ContractForm(BoundedForm):
    line = forms.IntegerField(widget=forms.HiddenInput())
    signed_on = forms.DateField(label="Signed on", widget=DateInput())
    start_date = forms.DateField(label="Contract starts", widget=DateInput())
    end_date = forms.DateField(label="Contract ends", widget=DateInput())
    reference = forms.CharField(max_length=60, required=False, label="Contract reference")
    document = PrivateFileFormField(label="Signed contract", required=False)
