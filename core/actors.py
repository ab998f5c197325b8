"""Who is acting: a person for an organisation with roles, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class Actor(Protocol):
    @property
    def user(self) -> Any | None: ...

    @property
    def organisation(self) -> Any | None: ...

    @property
    def roles(self) -> frozenset[str]: ...

    def has_role(self, *roles: str) -> bool: ...


@dataclass(frozen=True)
class SystemActor:
    """Celery tasks and commands: acts for nobody, may do what the system does."""

    reason: str = "system"
    user: Any | None = None
    organisation: Any | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, *roles: str) -> bool:
        return False


SYSTEM = SystemActor()
