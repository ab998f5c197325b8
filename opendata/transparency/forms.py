"""The form on the Open data page that asks for one organisation's Transparency Code contracts file."""

from __future__ import annotations

from typing import Any

from django import forms

from core.errors import DomainError
from core.forms import BoundedForm
from opendata.transparency.rules import Quarter, parse_quarter
from partners.models import Organisation, Sector

FORMATS = [("csv", "CSV (comma-separated values)"), ("xlsx", "Excel spreadsheet (XLSX)")]


def public_bodies() -> Any:
    return Organisation.objects.filter(sector=Sector.PUBLIC).order_by("name")


class ContractsFileForm(BoundedForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        label="Organisation",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose an organisation from the list",
        },
    )
    quarter = forms.CharField(
        label="Quarter",
        max_length=7,
        help_text="The year the financial year starts and the quarter, for example 2026-Q1 for April to June 2026",
        error_messages={"required": "Enter the quarter, for example 2026-Q1"},
    )
    format = forms.ChoiceField(choices=FORMATS, initial="csv", widget=forms.RadioSelect, label="Format")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = public_bodies()  # type: ignore[attr-defined]

    def clean_quarter(self) -> Quarter:
        try:
            return parse_quarter(self.cleaned_data["quarter"])
        except DomainError as e:
            raise forms.ValidationError(e.message) from e
