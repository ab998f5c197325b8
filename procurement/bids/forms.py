"""Forms for the provider's profile and bids."""

from __future__ import annotations

from typing import Any

from django import forms

from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput, MoneyField
from procurement.bids.models import (
    SOCIAL_VALUE_MAX_TARGET,
    BidPartnerKind,
    PriceCategory,
    ProfileDocumentKind,
    SocialValueKind,
)
from procurement.tenders.models import Question


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


class BidSocialValueForm(BoundedForm):
    kind = forms.ChoiceField(choices=SocialValueKind.choices, widget=forms.RadioSelect, label="Kind of social value")
    target = forms.DecimalField(
        label="Target per year",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        max_value=SOCIAL_VALUE_MAX_TARGET,
        help_text="A number: jobs, apprenticeships or hours a year, or pounds a year reinvested locally",
    )
    unit = forms.CharField(
        max_length=40,
        required=False,
        label="Unit (optional)",
        help_text="Leave empty for jobs, apprenticeships, hours or £ as the kind suggests",
    )
    description = forms.CharField(max_length=300, label="What you commit to")
