"""GOV.UK Design System form rendering: every Django form renders with the right classes, hints,
inline errors and an error summary, without per-template markup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

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
    widget = MoneyInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault(
            "error_messages",
            {"invalid": "Enter an amount in pounds and pence, like 23750 or 23750.00"},
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace(",", "").replace("£", "").strip()
        return super().to_python(value)
