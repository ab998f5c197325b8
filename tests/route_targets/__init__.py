"""What the route walker needs to build each URL: for every URL keyword (and, for API detail routes, every
model), a builder that returns the value to put in the URL and who owns the object it names.

Each app adds its own module here (``tests/route_targets/<app>.py``) defining ``KWARGS`` and ``API_OBJECTS``;
they are merged below. Builders take the shared ``World`` and may create what they need, caching it in
``world.extras``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Target:
    value: Any
    organisation: Any | None  # the owning organisation; None: not tenant data
    user: Any = None  # only this person may see it (for example a notification)


KWARGS: dict[str, Callable[[Any], Target]] = {}
API_OBJECTS: dict[type[models.Model], Callable[[Any], Target]] = {}

for _info in pkgutil.iter_modules(__path__):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _key in set(_module.KWARGS) & set(KWARGS):
        raise RuntimeError(f"URL keyword <{_key}> is defined twice in tests/route_targets")
    KWARGS.update(_module.KWARGS)
    API_OBJECTS.update(_module.API_OBJECTS)
