"""The pieces every monitoring API module shares: id filters that build no queryset at import, and the body of a
transition action.
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.api_fields import BoundedSerializerMixin


def id_filters(for_model: Any, /, *names: str, plain: tuple[str, ...] = ()) -> type[django_filters.FilterSet]:
    """A FilterSet whose foreign keys filter by id (``?contract=12``) with no queryset of their own: a model choice
    filter's queryset is built once, at import, outside any request's tenant scope."""
    attrs: dict[str, Any] = {name: django_filters.NumberFilter(field_name=f"{name}_id") for name in names}
    attrs["Meta"] = type("Meta", (), {"model": for_model, "fields": list(plain)})
    return type(f"{for_model.__name__}Filter", (django_filters.FilterSet,), attrs)


@extend_schema_serializer(component_name="MonitoringTransition")
class TransitionSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    name = serializers.CharField(max_length=40)
