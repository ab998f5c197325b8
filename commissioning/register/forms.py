"""Forms: adding a provider, approving it, the provider's own facts and documents."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from commissioning.register.models import DocumentKind
from core.files import PrivateFileFormField
from core.forms import BoundedForm, DateInput
from core.opportunities import CATEGORIES


class AddProviderForm(BoundedForm):
    organisation = forms.ChoiceField(label="Provider", help_text="Providers signed up to Jointly")

    def __init__(self, *args: Any, providers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            ("", "Choose a provider"),
            *[(str(o.pk), o.name) for o in providers],
        ]


class JoinForm(BoundedForm):
    partnership = forms.ChoiceField(label="Partnership", help_text="Ask to join this partnership's provider register")

    def __init__(self, *args: Any, partnerships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["partnership"]).choices = [
            ("", "Choose a partnership"),
            *[(str(p.pk), p.name) for p in partnerships],
        ]


class ApproveForm(BoundedForm):
    categories = forms.MultipleChoiceField(
        choices=CATEGORIES, widget=forms.CheckboxSelectMultiple, label="Approved for these categories"
    )
    approved_until = forms.DateField(label="Approved until", widget=DateInput())


class FactsForm(BoundedForm):
    services_offered = forms.CharField(
        label="What you do", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    areas_served = forms.CharField(label="Areas you serve", max_length=300, required=False)
    contact_name = forms.CharField(label="Contact name", max_length=200, required=False)
    contact_email = forms.EmailField(label="Contact email", max_length=254, required=False)


class DocumentForm(BoundedForm):
    kind = forms.ChoiceField(choices=DocumentKind.choices, widget=forms.RadioSelect, label="What is it?")
    title = forms.CharField(
        max_length=200, required=False, help_text="For example: Public liability insurance, 2026 to 2027"
    )
    file = PrivateFileFormField(label="The document")
    expires_on = forms.DateField(
        label="Expires on (or is due for review)",
        required=False,
        widget=DateInput(),
        help_text="Needed for insurance and the safeguarding policy: we remind you 30 days before",
    )
