"""Forms: the partnership agreement each partner signs to delegate to the lead."""

from __future__ import annotations

from django import forms

from commissioning.agreements.models import DelegationScope
from commissioning.service_map.forms import date_field
from core.files import PrivateFileFormField
from core.forms import BoundedForm


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
    signed_on = date_field("Date signed")
    document = PrivateFileFormField(label="The signed agreement", allowed=("pdf", "docx", "odt", "png", "jpg", "jpeg"))
