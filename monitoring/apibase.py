"""What every monitoring API module shares: filter sets by id that build no queryset at import."""

from __future__ import annotations

from typing import Any

import django_filters


def id_filters(for_model: Any, /, *names: str, plain: tuple[str, ...] = ()) -> type[django_filters.FilterSet]:
    """A FilterSet whose foreign keys filter by id (``?contract=12``) with no queryset of their own: a model choice
    filter's queryset is built once, at import, outside any request's tenant scope."""
    attrs: dict[str, Any] = {name: django_filters.NumberFilter(field_name=f"{name}_id") for name in names}
    attrs["Meta"] = type("Meta", (), {"model": for_model, "fields": list(plain)})
    return type(f"{for_model.__name__}Filter", (django_filters.FilterSet,), attrs)
