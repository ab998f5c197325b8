"""Forms for commissioning pages. They only parse input; the services validate the rules and say why."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.models import CommissioningModel, DelegationScope, Outcome, ServiceArea
from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput, MoneyField
from core.money import financial_year_label


class ServiceAreaChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.partnership.name})"


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
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
    start_date = _date("Start date")
    end_date = _date("End date", help_text="When the contract or grant ends, for example 30/06/2027")
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


TERM_CHOICES = [(n, f"{n} year{'s' if n > 1 else ''}") for n in range(1, 6)]


class CommissionForm(BoundedForm):
    service_area = ServiceAreaChoiceField(label="Service area", queryset=None, empty_label="Choose a service area")
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example, Support for older people to live independently"
    )
    intended_outcomes = forms.CharField(
        label="Intended outcomes", widget=forms.Textarea(attrs={"rows": 4}), help_text="What the service must achieve"
    )
    term_years = forms.TypedChoiceField(label="Term", choices=TERM_CHOICES, coerce=int, widget=forms.RadioSelect)
    start_date = _date("Start date", help_text="When the new contract starts, for example 01/04/2027")
    new_service = forms.BooleanField(label="This is a new service that none of the partners buys today", required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = areas  # type: ignore[attr-defined]


class CommissionEditForm(BoundedForm):
    title = forms.CharField(label="Title", max_length=200)
    intended_outcomes = forms.CharField(label="Intended outcomes", widget=forms.Textarea(attrs={"rows": 4}))
    outcomes = forms.ModelMultipleChoiceField(
        label="Outcomes and principles from the partnership's framework",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    term_years = forms.TypedChoiceField(label="Term", choices=TERM_CHOICES, coerce=int, widget=forms.RadioSelect)
    start_date = _date("Start date")
    new_service = forms.BooleanField(label="This is a new service that none of the partners buys today", required=False)

    def __init__(self, *args: Any, outcomes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = outcomes  # type: ignore[attr-defined]


class ModelForm(BoundedForm):
    model = forms.ChoiceField(label="Commissioning model", choices=CommissioningModel.choices, widget=forms.RadioSelect)
    model_reason = forms.CharField(
        label="Why this model?", widget=forms.Textarea(attrs={"rows": 3}), help_text="Recorded with the decision"
    )


class InviteForm(BoundedForm):
    organisations = forms.ModelMultipleChoiceField(
        label="Partners to invite",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one partner to invite"},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]


class RespondForm(BoundedForm):
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=2000)


class SourceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        what = obj.title or obj.provider_name
        ring = " — ring-fenced, cannot be aligned" if not obj.alignable else ""
        return f"{obj.funder.name} — {what}: £{obj.annual_value:,.2f} a year, {obj.funding_source}{ring}"


class ContributionsForm(BoundedForm):
    organisation = forms.ModelChoiceField(label="Partner", queryset=None, empty_label="Choose a partner")
    annual_amount = MoneyField(label="Amount each year", help_text="In pounds and pence, for example 23750")
    years = forms.TypedMultipleChoiceField(
        label="Financial years",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one financial year"},
    )
    source = SourceChoiceField(
        label="Where the money comes from (optional)",
        queryset=None,
        required=False,
        empty_label="New money, or not on the service map",
    )
    funding_source = forms.CharField(label="Funding source (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, organisations: Any, years: list[int], sources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["years"].choices = [(y, financial_year_label(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["years"].initial = years  # type: ignore[attr-defined]
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]


class TransferForm(BoundedForm):
    transferred_on = _date("Date of transfer")
    reference = forms.CharField(
        label="Transfer reference", max_length=100, help_text="For example, the payment or journal reference"
    )


class AgreementForm(BoundedForm):
    scopes = forms.MultipleChoiceField(
        label="What your organisation delegates to the lead commissioner",
        choices=DelegationScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose what you delegate to the lead"},
    )
    signatory_authority = forms.CharField(
        label="Your post and the authority you sign under",
        max_length=300,
        help_text="For example, Strategic Director, under the scheme of delegation (part 3, paragraph 4)",
    )
    signed_on = _date("Date signed")
    document = PrivateFileFormField(label="The signed agreement", allowed=("pdf", "docx", "odt", "png", "jpg", "jpeg"))


class TimetableForm(BoundedForm):
    begins_on = _date(
        "Start the timetable no earlier than",
        help_text="Usually today. The stages are fitted to end when the contract starts",
    )


class StageForm(BoundedForm):
    name = forms.CharField(label="Stage", max_length=200)
    owner = forms.ModelChoiceField(label="Owner", queryset=None, required=False, empty_label="Nobody yet")
    planned_start = _date("Planned start")
    planned_end = _date("Planned end")
    completed_on = _date(
        "Actually completed on (optional)", required=False, help_text="Leave empty until the stage is done"
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda m: f"{m.user.full_name} ({m.organisation.name})"  # type: ignore[attr-defined]


class TransitionForm(BoundedForm):
    name = forms.CharField(max_length=50)
    reason = forms.CharField(required=False, max_length=2000)


def service_areas_field_queryset(organisation: Any) -> Any:
    from commissioning.selectors import partnerships_of

    return (
        ServiceArea.objects.filter(partnership__in=partnerships_of(organisation=organisation))
        .select_related("partnership")
        .order_by("partnership__name", "name")
    )
