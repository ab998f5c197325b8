"""Bounded API fields: the serializer side of ``core.money`` and ``core.text``.

Every serializer in Jointly derives from ``BoundedSerializerMixin`` (``BoundedSerializer`` /
``BoundedModelSerializer``); a test walks them all. ``get_fields`` bounds each writable field, declared or
generated from the model, so a new field cannot forget: text gets a maximum length (its column's, or ``core.text``
defaults) and the text rules; decimals refuse NaN/Infinity/exponent notation; model money columns read as
``MoneySerializerField``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core import validators
from django.db import models
from rest_framework import serializers

from core import money as money_module
from core.amounts import AmountError, format_gbp, parse_amount
from core.text import MULTILINE_MAX_LENGTH, SINGLE_LINE_MAX_LENGTH, multi_line, single_line

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class MoneySerializerField(serializers.DecimalField):
    """Pounds and pence as a string ("1250.50"), read by ``core.money.parse_amount``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        self.allow_negative = kwargs.pop("allow_negative", False)
        if not self.allow_negative:
            kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        try:
            amount = parse_amount(
                data,
                max_digits=self.max_digits or 12,
                decimal_places=self.decimal_places if self.decimal_places is not None else 2,
                allow_negative=True,
            )
        except AmountError as error:
            raise serializers.ValidationError(error.message, code="invalid") from error
        if amount is None:
            self.fail("invalid")
        if self.min_value is not None and amount < self.min_value:
            raise serializers.ValidationError(f"Enter an amount of {format_gbp(Decimal(self.min_value))} or more")
        return amount


class StrictDecimalSerializerField(serializers.DecimalField):
    """A non-money number: plain digits only (never NaN, Infinity or "1e3")."""

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, str | int | float | Decimal):
            self.fail("invalid")
        text = repr(data) if isinstance(data, float) else str(data).strip()
        if not _PLAIN_NUMBER.match(text):
            raise serializers.ValidationError("Enter a number, like 12 or 12.5", code="invalid")
        return super().to_internal_value(text)


class SingleLineCharField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", SINGLE_LINE_MAX_LENGTH)
        super().__init__(**kwargs)
        self.validators.append(single_line)


class MultiLineCharField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MULTILINE_MAX_LENGTH)
        super().__init__(**kwargs)
        self.validators.append(multi_line)


def bound_serializer_field(field: serializers.Field[Any, Any, Any, Any], *, multiline: bool | None = None) -> None:
    """Bound one field in place (and the children of list/dict fields)."""
    if getattr(field, "read_only", False):
        return
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field):
        bound_serializer_field(child, multiline=True if multiline is None else multiline)
    if isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField):
        if multiline is None:
            multiline = isinstance(field, MultiLineCharField) or (field.style.get("base_template") == "textarea.html")
        if field.max_length is None:
            field.max_length = MULTILINE_MAX_LENGTH if multiline else SINGLE_LINE_MAX_LENGTH
            field.validators.append(validators.MaxLengthValidator(field.max_length))
        rule = multi_line if multiline else single_line
        if rule not in field.validators:
            field.validators.append(rule)
    elif isinstance(field, serializers.DecimalField) and not isinstance(
        field, MoneySerializerField | StrictDecimalSerializerField
    ):
        field.__class__ = StrictDecimalSerializerField  # same state, stricter reading


class BoundedSerializerMixin:
    # Model money columns read as pounds and pence (model serializers; unused by plain ones).
    serializer_field_mapping: dict[Any, Any] = {
        **serializers.ModelSerializer.serializer_field_mapping,
        money_module.MoneyField: MoneySerializerField,
    }

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        multiline_names = _multiline_model_fields(self)
        for name, field in fields.items():
            bound_serializer_field(field, multiline=True if name in multiline_names else None)
        return fields


def _multiline_model_fields(serializer: Any) -> set[str]:
    meta = getattr(serializer, "Meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return set()
    return {f.name for f in model._meta.get_fields() if isinstance(f, models.TextField)}


class BoundedSerializer(BoundedSerializerMixin, serializers.Serializer):
    pass


class BoundedModelSerializer(BoundedSerializerMixin, serializers.ModelSerializer):
    pass
