"""Domain errors: refusals a user can understand, raised by services."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. ``field`` names the form field it belongs to, if any."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        problems: list[str] | None = None,
        field_errors: dict[str, list[str]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or []
        self.field_errors = field_errors or {}

    def __str__(self) -> str:
        if self.problems:
            return f"{self.message}: {'; '.join(self.problems)}"
        return self.message


class NotPermitted(DomainError):
    """The actor may not do this (answered as 403). Named apart from Django's ``PermissionDenied``, which it used to
    shadow."""


class TransitionNotAllowed(DomainError):
    """A state machine refused a move."""
