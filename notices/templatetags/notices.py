"""``{% tender_notices tender %}``: the tender's notices, shown on the lead's tender page and (``public=True``) on
the public opportunity page, without the tendering app importing this one."""

from __future__ import annotations

from typing import Any

from django import template

from notices.selectors import display, timeline

register = template.Library()


@register.inclusion_tag("notices/_tender_notices.html", takes_context=True)
def tender_notices(context: Any, tender: Any, public: bool = False) -> dict[str, Any]:
    request = context.get("request")
    ready = context.get("notice_timeline")
    if ready is not None and ready.get("tender") is tender and ready.get("public") == public:
        return {**ready, "request": request}  # read by the page's view, through the "notices.timeline" handler
    return {**timeline(tender, getattr(request, "acting", None), public=public), "request": request}


@register.filter
def notice_value(value: Any) -> str:
    """A notice's field as a person reads it (dates in words, money in pounds), as on the notice's page."""
    return display(value)
