"""Content-Security-Policy: every page forbids inline script, framing, plugins and foreign forms; so nothing Jointly
ships may rely on an inline script, an event-handler attribute, a javascript: URL or a style attribute."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from core import charts
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
# Rendered by WeasyPrint into PDFs, never served as pages: by convention a PDF template is named ``*_pdf.html``
# (the board pack predates the convention).
PDF_ONLY = {"pack.html"}


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_a_page_carries_the_strict_policy(client):
    d = _directives(client.get("/"))
    assert d["default-src"] == "default-src 'self'"
    assert d["script-src"] == "script-src 'self'"
    assert d["frame-ancestors"] == "frame-ancestors 'none'"
    assert d["object-src"] == "object-src 'none'"
    assert d["base-uri"] == "base-uri 'self'"
    assert d["form-action"] == "form-action 'self'"
    assert "unsafe-inline" not in d["style-src"]


def test_a_style_block_gets_the_requests_nonce(world, client):
    sign_in(client, world.lead_commissioner, world.county)
    response = client.get("/monitoring/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", _directives(response)["style-src"]).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_the_api_docs_relax_styles_only(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    d = _directives(response)
    assert d["script-src"] == "script-src 'self'"
    assert "'unsafe-inline'" in d["style-src"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "fonts.googleapis.com" not in html
    assert re.search(r"<script>(?!\s*</script>)", html) is None


def test_no_template_relies_on_what_the_policy_blocks():
    problems = []
    for root in TEMPLATE_DIRS:
        for path in root.rglob("*.html"):
            if path.name in PDF_ONLY or path.name.endswith("_pdf.html"):
                continue
            text = path.read_text()
            for pattern, what in (
                (r"<script(?![^>]*\bsrc=)[^>]*>", "inline <script>"),
                (r"\son[a-z]+\s*=", "event-handler attribute"),
                (r"javascript:", "javascript: URL"),
                (r"\sstyle\s*=", "style attribute"),
                (r"<style(?![^>]*nonce=)[^>]*>", "<style> without the nonce"),
            ):
                if re.search(pattern, text):
                    problems.append(f"{path.relative_to(settings.BASE_DIR)}: {what}")
    assert not problems, problems


def test_charts_carry_no_style_attribute():
    source = Path(charts.__file__).read_text()
    assert "style=" not in source
