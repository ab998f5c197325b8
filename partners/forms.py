from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.forms import BoundedForm, BoundedFormMixin
from partners.models import PROVIDER_KINDS, OrganisationKind, Role


class SignInForm(BoundedFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter the email address and password for your Jointly account. Both are case-sensitive.",
        "inactive": "This account is not active.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})


def new_password_fields() -> tuple[forms.CharField, forms.CharField]:
    """A new password and its confirmation, declared in the form's body where they should appear
    (``password1, password2 = new_password_fields()``); ``NewPasswordMixin`` checks that they match."""
    new = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 12 characters. Avoid common words and your own name.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    confirmation = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    return new, confirmation


class NewPasswordMixin:
    """Refuses a confirmation (``password2``) that differs from the new password (``password1``)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The passwords do not match")  # type: ignore[attr-defined]
        return data


class ProviderRegistrationForm(NewPasswordMixin, BoundedForm):
    organisation_name = forms.CharField(label="Organisation name", max_length=200)
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=[(v, label) for v, label in OrganisationKind.choices if v in PROVIDER_KINDS],
        widget=forms.RadioSelect,
    )
    area = forms.CharField(
        label="Area you work in", max_length=200, required=False, help_text="For example, Lichfield District"
    )
    charity_number = forms.CharField(label="Charity number (if you have one)", max_length=20, required=False)
    company_number = forms.CharField(label="Company number (if you have one)", max_length=20, required=False)
    full_name = forms.CharField(
        label="Your full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Your email address", widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
    )
    password1, password2 = new_password_fields()


class InvitationAcceptForm(NewPasswordMixin, BoundedForm):
    full_name = forms.CharField(label="Your full name", max_length=150)
    password1, password2 = new_password_fields()


class OtpForm(BoundedForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=6,
        help_text="The 6-digit code, for example 123456",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
        error_messages={
            "min_length": "Enter the 6-digit code",
            "max_length": "Enter the 6-digit code",
            "required": "Enter the 6-digit code",
        },
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("The code is 6 digits, numbers only")
        return code


def role_field(choices: list[tuple[str, str]], initial: list[str] | None = None) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles",
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        initial=initial,
        error_messages={"required": "Choose at least one role"},
    )


class InviteForm(BoundedForm):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address")

    def __init__(self, *args: Any, role_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = role_field(role_choices)


class MembershipForm(BoundedForm):
    job_title = forms.CharField(label="Job title", max_length=150, required=False)

    def __init__(self, *args: Any, role_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = role_field(role_choices)


class OrganisationForm(BoundedForm):
    name = forms.CharField(label="Name", max_length=200)
    area = forms.CharField(label="Area", max_length=200, required=False)
    charity_number = forms.CharField(label="Charity number", max_length=20, required=False)
    company_number = forms.CharField(label="Company number", max_length=20, required=False)
    local_authority_code = forms.CharField(
        label="Local authority code (councils only)",
        max_length=4,
        required=False,
        help_text="Your code in the Local Authorities for England register, for example LIF for Lichfield District "
        "Council. Published open data names your council by it (GB-LAE).",
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    description = forms.CharField(
        label="About the organisation", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class PartnershipForm(BoundedForm):
    name = forms.CharField(label="Partnership name", max_length=200)
    description = forms.CharField(label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    invitees = forms.ModelMultipleChoiceField(
        label="Invite partners",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Public-sector organisations. Each organisation's admin accepts or declines.",
    )
    accountable_body = forms.ModelChoiceField(
        label="Accountable body",
        queryset=None,
        help_text="Holds partners' money separately from its own budget",
        empty_label="Choose the accountable body",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["accountable_body"].queryset = organisations  # type: ignore[attr-defined]


class PartnerInviteForm(BoundedForm):
    organisation = forms.ModelChoiceField(label="Organisation", queryset=None, empty_label="Choose an organisation")

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class SwitchOrganisationForm(BoundedForm):
    organisation = forms.CharField()


ROLE_LABELS = dict(Role.choices)
