"""The GOV.UK form fields monitoring's forms are built from (text areas, dates)."""

from __future__ import annotations

from django import forms

from core.forms import DateInput


def text_field(label: str, *, rows: int = 4, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)
