"""System checks for the shared mechanisms: every effect a workflow declares by name is bound to a function."""

from __future__ import annotations

from typing import Any

from django.core import checks

from core.workflow import discover_effects, workflows


@checks.register("workflows")
def effects_are_bound(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``effects=("name",)`` on a transition needs ``@WORKFLOW.effect("name")`` somewhere the app imports at start-up
    (its services); otherwise taking the step would fail at run time, so it fails here, in CI, first."""
    discover_effects()
    errors: list[checks.CheckMessage] = []
    for workflow in workflows():
        for name in workflow.unbound_effects():
            users = sorted(t.name for t in workflow.transitions.values() if name in t.effect_names())
            errors.append(
                checks.Error(
                    f"Workflow '{workflow.name}' declares the effect '{name}' (on {', '.join(users)}) but nothing "
                    "binds it",
                    hint=f"Bind it where the work lives (the app's services): decorate a function "
                    f"fn(obj, *, by, reason, data) with @<the {workflow.name} workflow>.effect({name!r}).",
                    obj=workflow,
                    id="core.E001",
                )
            )
    return errors
