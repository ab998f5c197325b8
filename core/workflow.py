"""Workflows as data: a table of states and allowed transitions, and one guarded function that moves them.

A ``Workflow`` lists its ``Transition`` rows: the states it leaves from, the
state it reaches, the roles that may trigger it, an optional ``allowed`` check
on the actor (for example "only the lead commissioner"), optional ``guards``
that name what is missing (for example "Lichfield has not signed"), whether it
``needs_reason``, and its ``effects``: what else happens when it is taken.

``transition()`` is the one way to move a state: it locks the row, re-checks
everything against the locked state, moves it, runs the effects and writes the
audit trail -- or raises ``TransitionNotAllowed`` saying why, and changes
nothing. Effects run inside the same transaction, after the new state is saved,
so a failing effect undoes the step.

Effects are declared on the transition, never written as ``if name == ...``
after it:

- a callable ``effect(obj, by)``: a simple stamp defined in ``workflows.py``
  from models and core only (``shared_at = now``);
- a name, ``effects=("notify_partners",)``, bound where the work lives (the
  services) with ``@THE_WORKFLOW.effect("notify_partners")`` on a function
  ``fn(obj, *, by, reason, data)``. Binding by name keeps the dependency
  direction (services import workflows, never the reverse); a name nobody
  binds fails Django's system checks (``core.checks``).

Every workflow registers itself by name (``workflows()``), with the colour of
each state's tag (``colours``, GOV.UK tag colours) so that status labels and
colours are declared once, with the states.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.urls import get_resolver
from django.utils.module_loading import autodiscover_modules

from core import audit
from core.actors import Actor
from core.errors import DomainError, TransitionNotAllowed

M = TypeVar("M", bound=models.Model)

Guard = Callable[[Any], Iterable[str]]
Allowed = Callable[[Any, Actor], bool]
Effect = Callable[[Any, Actor], None]


class BoundEffect(Protocol):
    """A named effect, bound in services with ``@WORKFLOW.effect(name)``."""

    def __call__(self, obj: Any, /, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None: ...


BE = TypeVar("BE", bound=BoundEffect)

# GOV.UK Frontend's tag colours. Blue is the default tag (its modifier class is harmless); light-blue is kept because
# pages already use it (it renders as the default blue since GOV.UK Frontend 6).
TAG_COLOURS = frozenset(
    {"grey", "green", "turquoise", "teal", "blue", "light-blue", "purple", "magenta", "pink", "red", "orange", "yellow"}
)


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
    effects: tuple[Effect | str, ...] = field(default=(), compare=False)
    needs_reason: bool = False  # a blank reason is refused (field "reason")

    def effect_names(self) -> list[str]:
        return [e for e in self.effects if isinstance(e, str)]


_REGISTRY: dict[str, Workflow] = {}


def workflows() -> list[Workflow]:
    """Every workflow defined so far (each module-level ``Workflow(...)`` registers itself by name)."""
    return list(_REGISTRY.values())


def get_workflow(name: str) -> Workflow | None:
    return _REGISTRY.get(name)


class Workflow:
    def __init__(
        self,
        name: str,
        states: type[models.TextChoices],
        transitions: Sequence[Transition],
        *,
        field: str = "status",
        terminal: Iterable[str] = (),
        colours: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.states = states
        self.field = field
        self.terminal = frozenset(terminal)
        self.transitions = {t.name: t for t in transitions}
        self.colours = {str(state): colour for state, colour in (colours or {}).items()}
        self._bound: dict[str, BoundEffect] = {}
        valid = {value for value, _ in states.choices}
        for t in transitions:
            unknown = ({t.target} | set(t.source)) - valid
            if unknown:
                raise ValueError(f"{name}.{t.name} names unknown states {sorted(unknown)}")
        unknown_states = set(self.colours) - valid
        if unknown_states:
            raise ValueError(f"{name} gives colours to unknown states {sorted(unknown_states)}")
        bad_colours = set(self.colours.values()) - TAG_COLOURS
        if bad_colours:
            raise ValueError(f"{name} uses colours that are not GOV.UK tag colours: {sorted(bad_colours)}")
        # The latest definition of a name wins (a test may define a throwaway workflow more than once).
        _REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Workflow {self.name}>"

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def label_of(self, state: str) -> str:
        return str(dict(self.states.choices).get(state, state))

    def colour_of(self, state: str) -> str | None:
        return self.colours.get(str(state))

    # --- effects ------------------------------------------------------------------------------------------------

    def effect_names(self) -> set[str]:
        """Every effect name the transitions declare."""
        return {name for t in self.transitions.values() for name in t.effect_names()}

    def effect(self, name: str) -> Callable[[BE], BE]:
        """Bind a declared effect name to a function ``fn(obj, *, by, reason, data)`` (used as a decorator)."""
        if name not in self.effect_names():
            raise ValueError(f"No transition of {self.name} declares an effect called '{name}'")

        def bind(fn: BE) -> BE:
            existing = self._bound.get(name)
            if existing is not None and _qualname(existing) != _qualname(fn):
                raise ValueError(f"{self.name} effect '{name}' is already bound to {_qualname(existing)}")
            self._bound[name] = fn
            return fn

        return bind

    def unbound_effects(self) -> list[str]:
        return sorted(self.effect_names() - set(self._bound))

    def bound_effect(self, name: str) -> BoundEffect:
        fn = self._bound.get(name)
        if fn is None:
            discover_effects()
            fn = self._bound.get(name)
        if fn is None:
            raise ImproperlyConfigured(f"{self.name} effect '{name}' is not bound: add @{self.name}.effect('{name}')")
        return fn

    # --- who may do what now --------------------------------------------------------------------------------------

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
        return _guard_problems(t, obj)

    def available(self, obj: Any, by: Actor) -> list[Transition]:
        """Transitions the actor could take now (guards included), for showing buttons."""
        return [t for t in self.transitions.values() if not self.refusals(obj, t.name, by)]

    def possible_for(self, obj: Any, by: Actor) -> list[tuple[Transition, list[str]]]:
        """Transitions from this state that the actor is entitled to, with what still blocks each."""
        state = self.state_of(obj)
        return [
            (t, _guard_problems(t, obj))
            for t in self.transitions.values()
            if state in t.source and _actor_may(t, obj, by)
        ]


def _qualname(fn: Any) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def _guard_problems(t: Transition, obj: Any) -> list[str]:
    problems: list[str] = []
    for guard in t.guards:
        problems.extend(guard(obj))
    return problems


def _actor_may(t: Transition, obj: Any, by: Actor) -> bool:
    if by.user is None:
        return t.system
    if t.roles and not by.has_role(*t.roles):
        return False
    return t.allowed is None or t.allowed(obj, by)


def discover_effects() -> None:
    """Import the modules that bind effects: every app's ``services`` and ``tasks``, and the URL configuration
    (which reaches every view and, through them, every service module of a split app)."""
    autodiscover_modules("services", "tasks")
    get_resolver().url_patterns  # noqa: B018 - loading the URL configuration imports the views


def colour_for(state: Any, workflow: str | Workflow | None = None) -> str | None:
    """The tag colour a workflow declares for ``state``: that workflow's when named, else the one colour every
    workflow that colours this state agrees on (None when none does, or they differ)."""
    key = str(state)
    if workflow is not None:
        wf = workflow if isinstance(workflow, Workflow) else _REGISTRY.get(workflow)
        return wf.colour_of(key) if wf is not None else None
    found = {wf.colours[key] for wf in _REGISTRY.values() if key in wf.colours}
    return found.pop() if len(found) == 1 else None


def transition(
    *, obj: M, workflow: Workflow, name: str, by: Actor, reason: str = "", data: dict[str, Any] | None = None
) -> M:
    """Take one guarded step. Returns the refreshed object; raises ``TransitionNotAllowed`` (or ``DomainError`` on
    ``reason`` for a step that needs one) and changes nothing."""
    reason = (reason or "").strip()
    declared = workflow.transitions.get(name)
    if declared is not None and declared.needs_reason and not reason:
        raise DomainError("Give a reason for this step", field="reason")
    with transaction.atomic():
        # The row was found through the caller's tenant scope; the lock re-reads it by primary key whatever the scope
        # (a system step has none), so the checks below run against the locked state.
        locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        problems = workflow.refusals(locked, name, by)
        if problems:
            what = declared.label if declared else name
            raise TransitionNotAllowed(f"Cannot {what.lower()}", problems=problems)
        t = workflow[name]
        from_state = workflow.state_of(locked)
        setattr(locked, workflow.field, t.target)
        locked.save(update_fields=[workflow.field, *_timestamp_fields(locked)])
        for effect in t.effects:
            if isinstance(effect, str):
                workflow.bound_effect(effect)(locked, by=by, reason=reason, data=data)
            else:
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
