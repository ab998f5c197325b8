"""The form for recording a signed contract."""

from __future__ import annotations

from django import forms

from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput


class ContractForm(BoundedForm):
    line = forms.IntegerField(widget=forms.HiddenInput())
    signed_on = forms.DateField(label="Signed on", widget=DateInput())
    start_date = forms.DateField(label="Contract starts", widget=DateInput())
    end_date = forms.DateField(label="Contract ends", widget=DateInput())
    reference = forms.CharField(max_length=60, required=False, label="Contract reference")
    document = PrivateFileFormField(label="Signed contract", required=False)
