"""Workflows as data: a table of states and allowed transitions, and one guarded function that moves them.

A ``Workflow`` lists its ``Transition`` rows: the states it leaves from, the
state it reaches, the roles that may trigger it, an optional ``allowed`` check
on the actor (for example "only the lead commissioner") and optional
``guards`` that name what is missing (for example "Lichfield has not signed").
``transition()`` locks the row, re-checks everything against the locked state,
moves it, and writes the audit trail -- or raises ``TransitionNotAllowed``
saying why, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction

from core import audit
from core.actors import Actor
from core.errors import TransitionNotAllowed

M = TypeVar("M", bound=models.Model)

Guard = Callable[[Any], Iterable[str]]
Allowed = Callable[[Any, Actor], bool]
Effect = Callable[[Any, Actor], None]


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    label: str
    roles: frozenset[str] = frozenset()
    system: bool = False  # may the system (a task, a board decision handler) trigger it
    allowed: Allowed | None = None
    who: str = ""  # plain words for who may do it, used in refusals
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = field(default=(), compare=False)


class Workflow:
    def __init__(
        self,
        name: str,
        states: type[models.TextChoices],
        transitions: Sequence[Transition],
        *,
        field: str = "status",
        terminal: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.states = states
        self.field = field
        self.terminal = frozenset(terminal)
        self.transitions = {t.name: t for t in transitions}
        valid = {value for value, _ in states.choices}
        for t in transitions:
            unknown = ({t.target} | set(t.source)) - valid
            if unknown:
                raise ValueError(f"{name}.{t.name} names unknown states {sorted(unknown)}")

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def label_of(self, state: str) -> str:
        return str(dict(self.states.choices).get(state, state))

    def refusals(self, obj: Any, name: str, by: Actor) -> list[str]:
        """Why ``by`` may not take transition ``name`` now; empty when it may."""
        t = self.transitions.get(name)
        if t is None:
            return [f"There is no step called '{name}'"]
        state = self.state_of(obj)
        if state not in t.source:
            return [f"It cannot be {t.label.lower()} while it is {self.label_of(state).lower()}"]
        if not _actor_may(t, obj, by):
            return [f"Only {t.who or 'an authorised person'} can do this"]
        problems: list[str] = []
        for guard in t.guards:
            problems.extend(guard(obj))
        return problems

    def available(self, obj: Any, by: Actor) -> list[Transition]:
        """Transitions the actor could take now (guards included), for showing buttons."""
        return [t for t in self.transitions.values() if not self.refusals(obj, t.name, by)]

    def possible_for(self, obj: Any, by: Actor) -> list[tuple[Transition, list[str]]]:
        """Transitions from this state that the actor is entitled to, with what still blocks each."""
        state = self.state_of(obj)
        out = []
        for t in self.transitions.values():
            if state in t.source and _actor_may(t, obj, by):
                problems: list[str] = []
                for guard in t.guards:
                    problems.extend(guard(obj))
                out.append((t, problems))
        return out


def _actor_may(t: Transition, obj: Any, by: Actor) -> bool:
    if by.user is None:
        return t.system
    if t.roles and not by.has_role(*t.roles):
        return False
    return t.allowed is None or t.allowed(obj, by)


def transition(*, obj: M, workflow: Workflow, name: str, by: Actor, reason: str = "", data: dict | None = None) -> M:
    """Take one guarded step. Returns the refreshed object; raises TransitionNotAllowed and changes nothing."""
    with transaction.atomic():
        locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        problems = workflow.refusals(locked, name, by)
        if problems:
            t = workflow.transitions.get(name)
            what = t.label if t else name
            raise TransitionNotAllowed(f"Cannot {what.lower()}", problems=problems)
        t = workflow[name]
        from_state = workflow.state_of(locked)
        setattr(locked, workflow.field, t.target)
        locked.save(update_fields=[workflow.field, *_timestamp_fields(locked)])
        for effect in t.effects:
            effect(locked, by)
        audit.record(
            obj=locked,
            action=f"{workflow.name}.{t.name}",
            by=by,
            from_state=from_state,
            to_state=t.target,
            reason=reason,
            data=data,
        )
    setattr(obj, workflow.field, t.target)
    return locked


def _timestamp_fields(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
