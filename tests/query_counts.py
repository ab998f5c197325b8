"""Counting the database queries a page costs, for the tests that pin each page's query count, and catching any
query that runs while a template renders (issue #15: views pass lists, not querysets; the header's unread count is
counted before the page renders).

``page_queries(client, url, render_queries=0)`` counts a GET's queries and fails when any of them ran inside a
template's rendering (context processors included: they run while the template binds its context). For other ways
of rendering (PDFs, e-mails), ``with queries_while_rendering() as during: ...`` then ``assert during == []``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.template.base import Template
from django.test.utils import CaptureQueriesContext


@contextmanager
def queries_while_rendering() -> Iterator[list[str]]:
    """The SQL of every query run while a Django template renders inside this block, outermost render only (an
    ``{% include %}`` renders inside its parent's window). Yields the list, filled as the block runs."""
    during: list[str] = []
    original: Callable[..., Any] = Template.render
    depth = [0]

    def note(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        during.append(sql)
        return execute(sql, params, many, context)

    def render(self: Template, context: Any) -> Any:
        if depth[0]:
            return original(self, context)
        depth[0] += 1
        try:
            with connection.execute_wrapper(note):
                return original(self, context)
        finally:
            depth[0] -= 1

    Template.render = render  # type: ignore[method-assign]
    try:
        yield during
    finally:
        Template.render = original  # type: ignore[method-assign]


def page_queries(client: Any, url: str, *, warm: bool = False, render_queries: int | None = None) -> int:
    """The queries one GET of ``url`` makes (it must answer 200); with ``warm``, after a first GET that fills the
    caches (content types, sessions). With ``render_queries`` (normally 0), also asserts how many of them ran while
    the page's templates rendered, naming them when the number differs."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as ctx, queries_while_rendering() as during:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if render_queries is not None:
        assert len(during) == render_queries, (url, "queries while rendering", during)
    return len(ctx.captured_queries)


def assert_no_render_queries(client: Any, url: str, *, warm: bool = False) -> int:
    """``page_queries`` with none of them run while the page renders; returns the page's query count."""
    return page_queries(client, url, warm=warm, render_queries=0)
