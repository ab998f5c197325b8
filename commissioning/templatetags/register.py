"""``{% load register %}{% register_facts partnership_id organisation_id %}``: what a bid (or a grant application)
shows from the provider's register entry and its current documents, by reference, so nothing is typed twice.
Higher apps use it in their templates without importing the register."""

from __future__ import annotations

from typing import Any

from django import template

from commissioning.register.selectors import register_facts as facts

register = template.Library()


@register.inclusion_tag("commissioning/register/includes/register_facts.html", takes_context=True)
def register_facts(
    context: dict[str, Any], partnership_id: int, organisation_id: int, heading: str = "From your register entry"
) -> dict[str, Any]:
    found = facts(partnership_id=partnership_id, organisation_id=organisation_id)
    acting = getattr(context.get("request"), "acting", None)
    mine = acting is not None and acting.organisation is not None and acting.organisation.pk == organisation_id
    # The partnership's members open the documents of providers on its register; the provider always its own.
    found["documents"] = found["documents"] if (found["entry"] is not None or mine) else []
    return {**found, "heading": heading, "mine": mine}
