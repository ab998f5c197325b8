"""PDF rendering: a pure function from a template and its context to bytes."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes with WeasyPrint. No I/O beyond reading templates."""
    weasyprint = import_module("weasyprint")  # loaded on first use: WeasyPrint loads Pango at import
    html = render_to_string(template_name, context)
    pdf: bytes = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf
