"""One scoping mechanism for tenant data.

Every tenant model uses ``TenantManager`` as its default manager and defines
``tenant_filter(organisation)``: the rows that organisation may see (``None``
means the anonymous public). While a scope is active, every query through the
manager -- including reverse relations, form choice fields and DRF querysets --
is filtered by it. With no scope active the query refuses to run, so a view,
task or command that forgot to say whose data it reads fails loudly instead of
leaking. Background work that legitimately reads across tenants says so with
``tenancy_disabled()``.

The idea is django-scopes' (used by pretix); the filters here are arbitrary
``Q`` objects because joint work is shared between several organisations.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


class ScopeError(RuntimeError):
    """A tenant query ran with no scope: a programming error, never user input."""


@dataclass(frozen=True)
class Scope:
    organisation: Any | None  # the acting organisation; None for the anonymous public
    disabled: bool = False


_NO_SCOPE: Scope | None = None
_current: ContextVar[Scope | None] = ContextVar("jointly_tenant_scope", default=_NO_SCOPE)


def current_scope() -> Scope | None:
    return _current.get()


@contextlib.contextmanager
def scope(*, organisation: Any | None) -> Iterator[Scope]:
    new = Scope(organisation=organisation)
    token = _current.set(new)
    try:
        yield new
    finally:
        _current.reset(token)


@contextlib.contextmanager
def tenancy_disabled() -> Iterator[None]:
    """For system work (tasks, commands, migrations) that spans tenants by design."""
    token = _current.set(Scope(organisation=None, disabled=True))
    try:
        yield
    finally:
        _current.reset(token)


def activate(organisation: Any | None) -> Any:
    """Activate a scope without a ``with`` block; returns a token for ``deactivate``."""
    return _current.set(Scope(organisation=organisation))


def deactivate(token: Any) -> None:
    _current.reset(token)


class TenantQuerySet(models.QuerySet[_M], Generic[_M]):
    _tenancy_missing: bool = False

    def _clone(self) -> TenantQuerySet[_M]:  # type: ignore[override]
        clone = super()._clone()
        clone._tenancy_missing = self._tenancy_missing
        return clone

    def _refuse_if_unscoped(self) -> None:
        if self._tenancy_missing:
            raise ScopeError(
                f"{self.model.__name__} was queried with no tenant scope active. "
                "Run inside core.tenancy.scope(...) or tenancy_disabled()."
            )

    def _fetch_all(self) -> None:
        self._refuse_if_unscoped()
        super()._fetch_all()

    def count(self) -> int:
        self._refuse_if_unscoped()
        return super().count()

    def exists(self) -> bool:
        self._refuse_if_unscoped()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._refuse_if_unscoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._refuse_if_unscoped()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_if_unscoped()
        return super().delete()

    def iterator(self, chunk_size: int | None = None) -> Iterator[_M]:
        self._refuse_if_unscoped()
        return super().iterator(chunk_size=chunk_size)


class TenantManager(models.Manager[_M], Generic[_M]):
    """Default manager of every tenant model: filters by the active scope."""

    use_in_migrations = False

    def get_queryset(self) -> TenantQuerySet[_M]:
        qs: TenantQuerySet[_M] = TenantQuerySet(self.model, using=self._db)
        active = current_scope()
        if active is None:
            qs._tenancy_missing = True
            return qs
        if active.disabled:
            return qs
        tenant_filter = getattr(self.model, "tenant_filter", None)
        if tenant_filter is None:
            raise ScopeError(f"{self.model.__name__} uses TenantManager but defines no tenant_filter")
        return qs.filter(tenant_filter(active.organisation))


def nothing() -> models.Q:
    """A filter that matches no row (``pk__in=[]`` compiles to a constant false)."""
    return models.Q(pk__in=[])
