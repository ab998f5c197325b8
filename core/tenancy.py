"""One scoping mechanism for tenant data.

Every tenant model uses ``TenantManager`` as its default manager and declares its tenancy once:

- a *root* model defines ``tenant_filter(organisation) -> Q`` (the rows that organisation may see; ``None`` means the
  anonymous public) and ``audit_audience()`` (the organisations that may read its history);
- a model that is visible exactly when its parent is says so with ``TenantManager(via="<foreign key>")``: its row
  filter and its audit audience are derived from the parent's, through any number of levels.

While a scope is active, every query through the manager -- including reverse relations, form choice fields and DRF
querysets -- is filtered. With no scope active the query refuses to run, so a view, task or command that forgot to
say whose data it reads fails loudly instead of leaking. Services run in the acting organisation's scope
(``core.service.service``). Work that must cross tenants says so, with a reason, through ``unscoped``: the context
manager for system work (commands, tasks through ``core.tasks.SystemTask``), or ``Model.objects.unscoped(reason=...)``
for one query inside a service (counting sealed bids without reading them, notifying another organisation's people).

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
    reason: str = ""  # why tenancy is off (disabled scopes only), for whoever reads a traceback


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


def _require_reason(reason: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ScopeError("Say why this work crosses tenants: unscoped(reason=...)")
    return reason.strip()


@contextlib.contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """System work that spans tenants by design (tasks, commands, the demo loader, test set-up), with the reason."""
    token = _current.set(Scope(organisation=None, disabled=True, reason=_require_reason(reason)))
    try:
        yield
    finally:
        _current.reset(token)


@contextlib.contextmanager
def acting_for(organisation: Any | None) -> Iterator[None]:
    """A service's scope: the acting organisation's, whatever the caller had (a test's set-up runs unscoped, a
    request is already in this scope). ``None`` (the system) keeps the caller's scope."""
    if organisation is None:
        yield
        return
    token = _current.set(Scope(organisation=organisation))
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

    def _clone(self) -> TenantQuerySet[_M]:
        clone = super()._clone()
        clone._tenancy_missing = self._tenancy_missing
        return clone

    def _refuse_if_unscoped(self) -> None:
        if self._tenancy_missing:
            raise ScopeError(
                f"{self.model.__name__} was queried with no tenant scope active. "
                "Run inside core.tenancy.scope(...), or unscoped(reason=...) for system work."
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
    """Default manager of every tenant model: filters by the active scope.

    ``via`` names the foreign key to the parent whose visibility this model shares (``TenantManager(via="tender")``).
    A model that defines ``tenant_filter`` itself uses that instead (roots, and the few with extra conditions).
    """

    use_in_migrations = False

    def __init__(self, *, via: str | None = None) -> None:
        super().__init__()
        self.via = via

    def get_queryset(self) -> TenantQuerySet[_M]:
        qs: TenantQuerySet[_M] = TenantQuerySet(self.model, using=self._db)
        active = current_scope()
        if active is None:
            qs._tenancy_missing = True
            return qs
        if active.disabled:
            return qs
        return qs.filter(row_filter(self.model, active.organisation))

    def unscoped(self, *, reason: str) -> TenantQuerySet[_M]:
        """Every row, whatever the scope: for a service that must cross tenants, saying why."""
        _require_reason(reason)
        return TenantQuerySet(self.model, using=self._db)


def _via(model: type[models.Model]) -> str | None:
    manager = model._default_manager
    return getattr(manager, "via", None) if isinstance(manager, TenantManager) else None


def _parent_model(model: type[models.Model], via: str) -> type[models.Model]:
    related = model._meta.get_field(via).related_model
    if not isinstance(related, type):
        raise ScopeError(f"{model.__name__}: TenantManager(via={via!r}) must name a foreign key")
    return related


def row_filter(model: type[models.Model], organisation: Any | None) -> models.Q:
    """The rows of ``model`` that ``organisation`` may see, from its own rule or its parent's (``via``)."""
    own_rule = getattr(model, "tenant_filter", None)
    if own_rule is not None:
        return own_rule(organisation)
    via = _via(model)
    if via is None:
        raise ScopeError(f"{model.__name__} uses TenantManager but declares neither tenant_filter nor via")
    parent = _parent_model(model, via)
    # A subquery on the parent's own rule: correct through any number of levels and whatever the parent's rule
    # refers to (PostgreSQL turns ``IN (SELECT ...)`` into a semi-join). The base manager is the unfiltered table
    # the rule is applied to, not a way around it.
    visible_parents = parent._base_manager.filter(row_filter(parent, organisation)).values("pk")
    return models.Q(**{f"{via}__in": visible_parents})


def audience_of(obj: models.Model) -> list[int]:
    """Organisation ids entitled to read ``obj``'s history: its own ``audit_audience()``, or its parent's (``via``)."""
    own = getattr(obj, "audit_audience", None)
    if callable(own):
        return sorted({int(pk) for pk in own()})
    via = _via(type(obj))
    if via is None:
        return []
    parent = getattr(obj, via)
    return audience_of(parent) if parent is not None else []


def nothing() -> models.Q:
    """A filter that matches no row (``pk__in=[]`` compiles to a constant false)."""
    return models.Q(pk__in=[])
