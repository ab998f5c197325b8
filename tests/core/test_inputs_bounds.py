"""Issue #9: every form and every serializer in Jointly is bounded, so a new field cannot forget.

Walks every form class and serializer class defined in the apps: each derives from the bounded bases
(``core.forms.BoundedFormMixin``, ``core.api_fields.BoundedSerializerMixin``), and once built, every text field has a
maximum length and the text rules, every decimal reads strictly (no NaN/Infinity/"1e3") within its digits, and every
money column reads as pounds and pence."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django import forms
from rest_framework import serializers

from core.api_fields import (
    BoundedSerializerMixin,
    MoneySerializerField,
    StrictDecimalSerializerField,
)
from core.forms import BoundedFormMixin, MoneyField, StrictDecimalField, bound_fields
from core.money import MoneyField as MoneyModelField
from core.text import multi_line, single_line

APPS = ("core", "partners", "boards", "commissioning", "procurement", "monitoring")


SKIPPED = ("migrations", "management", "testing", "tests", "demo", "devstack")


def _modules() -> list[Any]:
    """Every module of the apps, through their subdomain packages (e.g. ``procurement.tenders.forms``)."""
    found = []
    packages = [importlib.import_module(app) for app in APPS]
    while packages:
        package = packages.pop()
        for info in pkgutil.iter_modules(package.__path__):
            if info.name in SKIPPED:
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found.append(module)
            if info.ispkg:
                packages.append(module)
    return found


def _defined_here(base: type) -> list[type]:
    classes = {}
    for module in _modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__.split(".")[0] in APPS:
                classes[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [classes[k] for k in sorted(classes)]


FORMS = [c for c in _defined_here(forms.BaseForm) if c.__module__ != "core.forms"]
SERIALIZERS = [c for c in _defined_here(serializers.BaseSerializer) if c.__module__ != "core.api_fields"]


def test_the_walk_finds_the_apps_forms_and_serializers():
    assert len(FORMS) > 50 and len(SERIALIZERS) > 60


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_is_bounded(form_class):
    assert issubclass(form_class, BoundedFormMixin), f"{form_class.__qualname__}: derive from core.forms.BoundedForm"
    # the fields as the mixin leaves them (built without the form's own __init__, which needs its arguments)
    fields = {name: field.__deepcopy__({}) for name, field in form_class.base_fields.items()}

    bound_fields(fields)
    for name, field in fields.items():
        _assert_form_field_bounded(form_class, name, field)


def _assert_form_field_bounded(form_class: type, name: str, field: forms.Field) -> None:
    where = f"{form_class.__qualname__}.{name}"
    if isinstance(field.widget, forms.HiddenInput):
        return
    if isinstance(field, forms.CharField):
        assert field.max_length, f"{where} has no max_length"
        if not isinstance(field.widget, forms.PasswordInput):
            rule = multi_line if isinstance(field.widget, forms.Textarea) else single_line
            assert rule in field.validators, f"{where} lacks the text rules"
    if isinstance(field, forms.DecimalField):
        assert isinstance(field, MoneyField | StrictDecimalField), f"{where} reads decimals loosely"
        assert field.max_digits and field.decimal_places is not None, f"{where} has no digit bound"


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_serializer_is_bounded(serializer_class, db):
    assert issubclass(serializer_class, BoundedSerializerMixin), (
        f"{serializer_class.__qualname__}: derive from core.api_fields.BoundedSerializerMixin"
    )
    try:
        fields = serializer_class(context={"request": None}).fields
    except Exception as exc:  # noqa: BLE001 - a serializer that needs more context is checked through the API fuzz
        pytest.skip(f"needs its view to build: {exc}")
    meta_model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    for name, field in fields.items():
        _assert_serializer_field_bounded(serializer_class, name, field, meta_model)


def _assert_serializer_field_bounded(serializer_class: type, name: str, field: Any, model: Any) -> None:
    where = f"{serializer_class.__qualname__}.{name}"
    if field.read_only:
        return
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field):
        _assert_serializer_field_bounded(serializer_class, f"{name}[]", child, None)
    if isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField):
        assert field.max_length, f"{where} has no max_length"
        assert single_line in field.validators or multi_line in field.validators, f"{where} lacks the text rules"
        if model is not None and field.source in {f.name for f in model._meta.concrete_fields}:
            column = model._meta.get_field(field.source)
            if getattr(column, "max_length", None):
                assert field.max_length <= column.max_length, f"{where} is longer than its column"
    if isinstance(field, serializers.DecimalField):
        assert isinstance(field, MoneySerializerField | StrictDecimalSerializerField), f"{where} reads loosely"
        columns = {f.name: f for f in model._meta.concrete_fields} if model is not None else {}
        if isinstance(columns.get(field.source), MoneyModelField):
            assert isinstance(field, MoneySerializerField), f"{where} is money: use MoneySerializerField"
