"""Every demo persona, in their first minutes, clicks around the demo: nobody ever meets a server error.

The demo world is loaded through ``load_demo`` (the services, as real users built it). Each person the demo creates
signs in (two-factor confirmed) for each organisation they act for, starts at the dashboard and follows every
same-site link (GET only), with the pages' downloads (PDF, CSV, XLSX, ICS) fetched once. Links are deduplicated by
URL pattern and ids, so "the same page for another tender" is visited but "the same page again" is not.
"""

from __future__ import annotations

import re
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from partners.models import Membership, User
from tests.conftest import sign_in

PAGE_LIMIT = 400  # per persona and organisation
QUERY_VARIANTS = 3  # distinct query strings followed per page (filters, pagination, sorting)
HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)
DOWNLOAD_TYPES = ("application/pdf", "text/csv", "spreadsheetml", "text/calendar", "application/zip")
# Links a person may click but that end the crawl's session or leave the app's pages.
SKIP_PREFIXES = ("/accounts/logout/", "/static/", "/admin/")


@dataclass
class Crawl:
    label: str
    pages: int = 0
    downloads: int = 0
    failures: list[str] = field(default_factory=list)


def _key(path: str, query: str) -> tuple[str, tuple[tuple[str, str], ...], str] | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return (match.view_name, tuple(sorted((k, str(v)) for k, v in match.kwargs.items())), query)


def _links(html: str) -> list[str]:
    out = []
    for raw in HREF.findall(html):
        href = unescape(raw).strip()
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
            continue
        if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def crawl(client: Client, label: str, start: str, pdfs_seen: set[tuple[object, ...]]) -> Crawl:
    """Breadth-first from ``start``; ``pdfs_seen`` is shared across personas so each PDF is rendered once."""
    result = Crawl(label)
    queue: deque[str] = deque([start])
    seen: set[tuple[object, ...]] = set()
    variants: dict[tuple[object, ...], int] = {}
    while queue and result.pages < PAGE_LIMIT:
        url = queue.popleft()
        path, _, query = url.partition("?")
        key = _key(path, query)
        if key is None or key in seen:
            continue
        seen.add(key)
        if query:
            base = key[:2]
            variants[base] = variants.get(base, 0) + 1
            if variants[base] > QUERY_VARIANTS:
                continue
        if key in pdfs_seen:
            continue
        try:
            response = client.get(url)
        except Exception:  # noqa: BLE001 -- the test client re-raises the view's exception: that is a 500 to the user
            result.failures.append(f"{label} GET {url}: exception\n{traceback.format_exc(limit=6)}")
            result.pages += 1
            continue
        result.pages += 1
        if response.status_code >= 500:
            result.failures.append(f"{label} GET {url}: {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            location = response.headers.get("Location", "")
            queue.extend(_links(f'<a href="{location}">'))
            continue
        content_type = response.headers.get("Content-Type", "")
        if any(t in content_type for t in DOWNLOAD_TYPES):
            result.downloads += 1
            if "pdf" in content_type:
                pdfs_seen.add(key)
            continue
        if "text/html" in content_type and response.status_code == 200:
            queue.extend(_links(response.content.decode("utf-8", "replace")))
    return result


@pytest.mark.django_db
def test_every_demo_persona_follows_every_link_without_a_server_error(capsys):
    started = time.monotonic()
    call_command("load_demo", verbosity=0)
    loaded = time.monotonic() - started
    memberships = list(
        Membership._base_manager.filter(is_active=True, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("user__email", "organisation__name")
    )
    demo_people = User.objects.filter(email__endswith=".demo")
    assert {m.user_id for m in memberships} >= set(demo_people.values_list("pk", flat=True))

    pdfs_seen: set[tuple[object, ...]] = set()
    crawls = [crawl(Client(), "anonymous", "/", pdfs_seen)]
    for m in memberships:
        client = sign_in(Client(), m.user, m.organisation)
        crawls.append(crawl(client, f"{m.user.email} for {m.organisation.name}", "/dashboard/", pdfs_seen))

    with capsys.disabled():
        print(f"\nDemo loaded in {loaded:.1f}s; crawled in {time.monotonic() - started - loaded:.1f}s")
        for c in crawls:
            print(f"  {c.pages:4d} pages, {c.downloads:3d} downloads: {c.label}")
    failures = [f for c in crawls for f in c.failures]
    assert not failures, f"{len(failures)} responses >= 500:\n" + "\n".join(failures)
    assert all(c.pages > 3 for c in crawls[1:]), "every signed-in persona reaches more than a few pages"
