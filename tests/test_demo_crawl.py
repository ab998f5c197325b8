"""Every demo persona, in their first minutes, clicks around the demo: nobody ever meets a server error.

The demo world is loaded through ``load_demo`` (the services, as real users built it). Each person the demo creates
signs in (two-factor confirmed) for each organisation they act for, starts at the dashboard and follows every
same-site link (GET only), with the pages' downloads (PDF, CSV, XLSX, ICS) fetched once. Links are deduplicated by
URL pattern and ids, so "the same page for another tender" is visited but "the same page again" is not.
"""

from __future__ import annotations

import os
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
from procurement import demo as procurement_demo
from procurement.tenders.models import Tender
from tests.conftest import sign_in

PAGE_LIMIT = 400  # per persona and organisation
QUERY_VARIANTS = 2  # distinct query strings followed per page (filters, pagination, sorting)
# Distinct objects visited per URL pattern and persona: enough to meet every state the demo shows (each tender's
# stage is a different tender) while keeping the crawl to a couple of minutes on a small machine.
OBJECTS_PER_ROUTE = 8
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
    seconds: dict[str, float] = field(default_factory=dict)  # per URL pattern, to see where the time goes
    opened: set[str] = field(default_factory=set)


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


@dataclass
class Visited:
    """What people with the same roles at the same organisation have already opened: the second board member at
    the district council only opens what the first did not reach (links only they see, such as the chair's)."""

    keys: set[tuple[object, ...]] = field(default_factory=set)
    variants: dict[tuple[object, ...], int] = field(default_factory=dict)
    per_route: dict[object, int] = field(default_factory=dict)


def crawl(client: Client, label: str, start: str, visited: Visited, pdf_routes: set[object]) -> Crawl:
    """Breadth-first from ``start``. ``pdf_routes`` is shared by everyone: each PDF route is rendered once (they
    are slow, and the same template whoever asks)."""
    result = Crawl(label)
    queue: deque[str] = deque([start])
    first = True
    while queue and result.pages < PAGE_LIMIT:
        url = queue.popleft()
        path, _, query = url.partition("?")
        key = _key(path, query)
        if key is None or (key in visited.keys and not first) or key[0] in pdf_routes:
            continue
        first = False
        visited.keys.add(key)
        if not query:
            visited.per_route[key[0]] = visited.per_route.get(key[0], 0) + 1
            if visited.per_route[key[0]] > OBJECTS_PER_ROUTE:
                continue
        else:
            base = key[:2]
            visited.variants[base] = visited.variants.get(base, 0) + 1
            if visited.variants[base] > QUERY_VARIANTS:
                continue
        clock = time.monotonic()
        try:
            response = client.get(url)
        except Exception:  # noqa: BLE001 -- the test client re-raises the view's exception: that is a 500 to the user
            result.failures.append(f"{label} GET {url}: exception\n{traceback.format_exc(limit=6)}")
            result.pages += 1
            continue
        result.pages += 1
        result.opened.add(url)
        result.seconds[key[0]] = result.seconds.get(key[0], 0.0) + time.monotonic() - clock
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
            if "pdf" in content_type and response.status_code == 200:
                pdf_routes.add(key[0])
            continue
        if "text/html" in content_type and response.status_code == 200:
            queue.extend(_links(response.content.decode("utf-8", "replace")))
    return result


@pytest.mark.django_db
@pytest.mark.timeout(900)  # a few minutes on an idle 2-core machine; room for a busy one
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

    pdf_routes: set[object] = set()
    visited: dict[tuple[object, ...], Visited] = {}
    crawls = [crawl(Client(), "anonymous", "/", Visited(), pdf_routes)]
    only = os.environ.get("CRAWL_ONLY", "")  # while debugging: one person's crawl, with its slowest pages
    memberships = [m for m in memberships if only in m.user.email]
    for m in memberships:
        client = sign_in(Client(), m.user, m.organisation)
        same = visited.setdefault((m.organisation_id, *sorted(m.roles)), Visited())
        crawls.append(crawl(client, f"{m.user.email} for {m.organisation.name}", "/dashboard/", same, pdf_routes))

    with capsys.disabled():
        print(f"\nDemo loaded in {loaded:.1f}s; crawled in {time.monotonic() - started - loaded:.1f}s")
        for c in crawls:
            print(f"  {c.pages:4d} pages, {c.downloads:3d} downloads, {sum(c.seconds.values()):5.1f}s: {c.label}")
            if os.environ.get("CRAWL_ONLY"):
                slow = sorted(c.seconds.items(), key=lambda kv: -kv[1])[:15]
                print("    " + ", ".join(f"{name} {secs:.1f}s" for name, secs in slow))
    failures = [f for c in crawls for f in c.failures]
    assert not failures, f"{len(failures)} responses >= 500:\n" + "\n".join(failures)
    assert all(c.pages >= 1 for c in crawls), "everyone reaches their dashboard"
    reached: dict[tuple[object, ...], int] = {}
    for m, c in zip(memberships, crawls[1:], strict=True):
        group = (m.organisation_id, *sorted(m.roles))
        reached[group] = reached.get(group, 0) + c.pages
    assert all(pages > 3 for pages in reached.values()), "each role at each organisation reaches more than a few pages"
    if not only:
        # The pages issue #9 reported (the awarded tender's tabs) are among those reached.
        awarded = Tender.objects.get(title=procurement_demo.RUNNING_TITLE)
        opened = set().union(*(c.opened for c in crawls))
        for tab in ("method", "moderation", "recommendation", "award"):
            assert f"/tenders/{awarded.pk}/{tab}/" in opened, tab
