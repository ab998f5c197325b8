"""PDF rendering: a pure function from a template and its context to bytes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes with WeasyPrint. No I/O beyond reading templates."""
    from weasyprint import HTML  # imported lazily: WeasyPrint loads Pango at import

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()  # type: ignore[no-any-return]
