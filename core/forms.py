"""GOV.UK Design System form rendering: every Django form renders with the right classes, hints,
inline errors and an error summary, without per-template markup."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core import validators
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

from core.amounts import AmountError, format_gbp, parse_amount
from core.text import MULTILINE_MAX_LENGTH, SINGLE_LINE_MAX_LENGTH, multi_line, single_line

_INPUT_CLASS = {
    "checkbox": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "textarea": "govuk-textarea",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class GovukBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget_type = self.widget_type
        base = _INPUT_CLASS.get(widget_type, "govuk-input")
        widget = widget or self.field.widget
        classes = [base, widget.attrs.get("class", ""), attrs.get("class", "")]
        if self.errors and widget_type not in ("checkbox", "radioselect", "checkboxselectmultiple"):
            classes.append(f"{base}--error")
        if widget_type == "number" and "inputmode" not in attrs:
            attrs["inputmode"] = "decimal"
        attrs["class"] = " ".join(c for c in classes if c)
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}-hint")
        if self.errors:
            described.append(f"{self.auto_id}-error")
        if described and widget_type not in ("radioselect", "checkboxselectmultiple"):
            attrs["aria-describedby"] = " ".join(described)
        return attrs


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
    bound_field_class = GovukBoundField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MoneyInput(forms.TextInput):
    """Text with a £ prefix and decimal keyboard; parsed by DecimalField, never a float."""

    template_name = "forms/money_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", "spellcheck": "false", **(attrs or {})})


class MoneyField(forms.DecimalField):
    """Pounds and pence, read by ``core.money.parse_amount``: refuses NaN/Infinity, "1e3", fractions of a penny,
    negatives (unless ``min_value`` is negative) and anything over the column's bound (``max_digits``)."""

    widget = MoneyInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            return parse_amount(
                value,
                max_digits=self.max_digits or 12,
                decimal_places=self.decimal_places if self.decimal_places is not None else 2,
                allow_negative=True,  # the floor is judged by min_value below, with Django's message
            )
        except AmountError as error:
            raise forms.ValidationError(error.message, code="invalid") from error

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and self.min_value is not None and value < self.min_value:
            raise forms.ValidationError(f"Enter an amount of {format_gbp(Decimal(self.min_value))} or more")


class StrictDecimalField(forms.DecimalField):
    """A non-money number: plain digits only (no NaN, Infinity or exponent notation), within the column."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not _PLAIN_NUMBER.match(value.strip().replace(",", "")):
            raise forms.ValidationError("Enter a number, like 12 or 12.5", code="invalid")
        return super().to_python(value.replace(",", "") if isinstance(value, str) else value)


_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class BoundedFormMixin:
    """Every form in Jointly derives from this (``BoundedForm`` / ``BoundedModelForm``); a test walks them all.

    On construction it bounds every field, so a new field cannot forget: text gets a maximum length (its column's,
    for model forms; ``core.text`` defaults otherwise) and the text rules (single-line inputs refuse line breaks;
    text boxes refuse control characters; NUL never); decimals refuse NaN/Infinity/exponents."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_fields(self.fields)


def bound_fields(fields: dict[str, forms.Field]) -> None:
    for field in fields.values():
        bound_field(field)


def bound_field(field: forms.Field) -> None:
    if isinstance(field.widget, forms.HiddenInput):
        return  # set by the page, not typed; Django still refuses NUL
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        multiline = isinstance(field.widget, forms.Textarea)
        if field.max_length is None:
            field.max_length = MULTILINE_MAX_LENGTH if multiline else SINGLE_LINE_MAX_LENGTH
            field.validators.append(validators.MaxLengthValidator(field.max_length))
            field.widget.attrs.update(field.widget_attrs(field.widget))
        rule = multi_line if multiline else single_line
        if rule not in field.validators:
            field.validators.append(rule)
    elif isinstance(field, forms.CharField) and field.max_length is None:
        field.max_length = SINGLE_LINE_MAX_LENGTH
        field.validators.append(validators.MaxLengthValidator(field.max_length))
    elif isinstance(field, forms.DecimalField) and not isinstance(field, MoneyField | StrictDecimalField):
        field.__class__ = StrictDecimalField  # same state, stricter reading


class BoundedForm(BoundedFormMixin, forms.Form):
    pass


class BoundedModelForm(BoundedFormMixin, forms.ModelForm):
    pass
