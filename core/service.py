"""The one way a write is declared: ``@service``.

A service takes keyword arguments only (a call reads like a sentence and cannot mix up two ids), runs in one
transaction, and runs in the acting organisation's tenant scope. That last part is what makes the scoping
mechanism protect services too: inside ``tender_cancel(tender=..., by=lead)``, ``Bid.objects`` finds only what the
lead may see, whatever the caller's scope was (a test's set-up runs unscoped; a Celery task runs unscoped with a
reason). A system actor (``core.actors.SYSTEM``) keeps the caller's scope. A service that must cross tenants says so
with ``Model.objects.unscoped(reason=...)``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import transaction

from core.tenancy import acting_for

P = ParamSpec("P")
R = TypeVar("R")

# The parameter that names the actor; services that act for nobody in particular (a token lookup) have none.
ACTOR_PARAMETER = "by"


def service(func: Callable[P, R]) -> Callable[P, R]:
    parameters = inspect.signature(func).parameters.values()
    positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if positional:
        raise TypeError(f"{func.__qualname__}: a service takes keyword-only arguments (put * before {positional})")

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        by = kwargs.get(ACTOR_PARAMETER)
        organisation = getattr(by, "organisation", None) if by is not None else None
        with transaction.atomic(), acting_for(organisation):
            return func(*args, **kwargs)

    run.is_service = True  # type: ignore[attr-defined]
    return run
