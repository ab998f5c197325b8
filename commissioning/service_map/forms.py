"""Forms: the service map (what each partner already funds)."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.service_map.models import MapDecision, Outcome, ServiceArea
from commissioning.service_map.selectors import partnerships_of
from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput, MoneyField


class ServiceAreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.partnership.name})"


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text or "For example, 31/03/2027",
        error_messages={"invalid": f"Enter {label.lower()} as a real date", "required": f"Enter {label.lower()}"},
    )


YES_NO = [("yes", "Yes"), ("no", "No, it is ring-fenced")]


class ServiceAreaForm(BoundedForm):
    name = forms.CharField(label="Name", max_length=200, help_text="For example, Debt, benefits and consumer advice")
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MappedContractForm(BoundedForm):
    service_area = ServiceAreaChoiceField(label="Service area", queryset=None, empty_label="Choose a service area")
    provider_name = forms.CharField(label="Provider", max_length=200, help_text="The organisation you pay")
    title = forms.CharField(label="What it pays for (optional)", max_length=200, required=False)
    reference = forms.CharField(label="Your reference (optional)", max_length=100, required=False)
    annual_value = MoneyField(label="Annual value", help_text="In pounds and pence, for example 60000")
    start_date = date_field("Start date")
    end_date = date_field("End date", help_text="When the contract or grant ends, for example 30/06/2027")
    funding_source = forms.CharField(
        label="Funding source", max_length=200, help_text="For example, core budget or a named government grant"
    )
    alignable = forms.ChoiceField(
        label="Can this money be aligned with other partners'?", choices=YES_NO, widget=forms.RadioSelect
    )
    not_alignable_reason = forms.CharField(
        label="If not, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, a ring-fenced grant from a government department for one purpose",
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = areas  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["alignable"] = data["alignable"] == "yes"
        return data


class ContractImportForm(BoundedForm):
    file = PrivateFileFormField(
        label="Spreadsheet of your contracts and grants",
        allowed=("csv", "xlsx"),
    )


class EvidenceForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="What it shows (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(label="Link (optional)", required=False, assume_scheme="https", max_length=500)
    document = PrivateFileFormField(label="Or upload a document (optional)", required=False)
    tags = forms.CharField(
        label="Tags (optional)",
        required=False,
        max_length=300,
        help_text="Separate with commas, for example needs assessment, health",
    )
    service_area = forms.ModelChoiceField(
        label="Service area (optional)", queryset=None, required=False, empty_label="All service areas"
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = areas  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("url") and not data.get("document") and not self.errors:
            self.add_error("url", "Give a link or upload a document")
        return data


class OutcomeForm(BoundedForm):
    kind = forms.ChoiceField(
        label="Is it an outcome or a principle?", choices=Outcome.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label="Wording", max_length=200, help_text="For example, A community which is healthy")
    description = forms.CharField(
        label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SettingsForm(BoundedForm):
    framework_threshold = MoneyField(
        label="Framework threshold",
        help_text="A single partner commissioning above this annual value follows the framework procedure",
    )
    reminder_days = forms.CharField(
        label="Remind stage owners this many days before a stage ends",
        max_length=50,
        required=False,
        help_text="Separate with commas, for example 7, 1. Overdue stages are always reminded",
    )
    alignment_window_days = forms.IntegerField(
        label="Alignment window (days)",
        min_value=1,
        max_value=1830,
        help_text="Contracts ending within this many days of each other show as an alignment opportunity",
    )

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data.get("reminder_days") or ""
        days: list[int] = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) > 365:
                raise forms.ValidationError("Enter whole numbers of days from 0 to 365, separated by commas")
            days.append(int(part))
        return days


def service_areas_field_queryset(organisation: Any) -> Any:

    return (
        ServiceArea.objects.filter(partnership__in=partnerships_of(organisation=organisation))
        .select_related("partnership")
        .order_by("partnership__name", "name")
    )


class DecisionContractField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        what = f": {obj.title}" if obj.title else ""
        return f"{obj.provider_name}{what} (ends {obj.end_date:%d %B %Y})"


class MapDecisionForm(BoundedForm):
    contract = DecisionContractField(
        label="Which contract (optional)",
        queryset=None,
        required=False,
        empty_label="The whole service area",
        help_text="One of your contracts in this service area, or leave it for the whole area",
    )
    kind = forms.ChoiceField(label="What have you decided?", choices=MapDecision.Kind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), help_text="Kept with the decision"
    )
    review_on = date_field("Review date", help_text="When to look at this again, for example 01/04/2028")

    def __init__(self, *args: Any, contracts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]
