"""Counting the database queries a page costs, for the tests that pin each page's query count."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client: Any, url: str, *, warm: bool = False) -> int:
    """The queries one GET of ``url`` makes (it must answer 200); with ``warm``, after a first GET that fills the
    caches (content types, sessions)."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)
