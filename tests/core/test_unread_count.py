"""The unread-notifications badge on every page: counted once per person, kept in the shared cache (Redis) so a page
view costs no notification query, and forgotten the moment a notification arrives or is read."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import unread
from core.notifications import notify
from tests.conftest import sign_in
from tests.query_counts import queries_while_rendering


def _badge(page) -> int:
    found = re.search(r'jointly-badge">(\d+)<span class="govuk-visually-hidden"> unread', page.content.decode())
    return int(found.group(1)) if found else 0


def _notification_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "core_notification" in q["sql"]]


def test_ravi_sees_his_unread_count_and_the_next_page_does_not_count_again(world, django_capture_on_commit_callbacks):
    ravi = sign_in(Client(), world.lead_commissioner, world.county)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.lead_commissioner], subject="Stage ends in 7 days", organisation=world.county)
        notify(recipients=[world.lead_commissioner], subject="A partner confirmed its contribution")
        # For the district: not shown while Ravi acts for the county (as before: Notification.tenant_filter).
        notify(recipients=[world.lead_commissioner], subject="District budget", organisation=world.district)

    first = ravi.get("/dashboard/")
    assert first.status_code == 200
    assert _badge(first) == 2
    assert first.context["unread_notifications"] == 2 and type(first.context["unread_notifications"]) is int

    with CaptureQueriesContext(connection) as second_view:
        second = ravi.get("/dashboard/")
    assert _badge(second) == 2
    assert _notification_queries(second_view.captured_queries) == []  # the count came from the cache


def test_a_new_notification_shows_on_the_next_page_at_once(world, django_capture_on_commit_callbacks):
    ravi = sign_in(Client(), world.lead_commissioner, world.county)
    assert _badge(ravi.get("/dashboard/")) == 0  # counted and cached: none
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.lead_commissioner], subject="A question was asked about the tender")
    assert _badge(ravi.get("/dashboard/")) == 1


def test_reading_his_notifications_clears_the_badge_at_once(world, django_capture_on_commit_callbacks):
    ravi = sign_in(Client(), world.lead_commissioner, world.county)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.lead_commissioner], subject="Stage ends in 7 days", organisation=world.county)
    assert _badge(ravi.get("/dashboard/")) == 1
    assert ravi.post("/notifications/").status_code == 302
    assert _badge(ravi.get("/dashboard/")) == 0


def test_one_persons_notification_leaves_anothers_cached_count_alone(world, django_capture_on_commit_callbacks):
    priya = sign_in(Client(), world.county_admin, world.county)
    assert _badge(priya.get("/dashboard/")) == 0
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.lead_commissioner], subject="Only for Ravi")
    with CaptureQueriesContext(connection) as view:
        assert _badge(priya.get("/dashboard/")) == 0
    assert _notification_queries(view.captured_queries) == []


def test_without_the_cache_the_count_still_comes_from_the_database(world, monkeypatch):
    """Redis unreachable: the page still shows the right number (counted from PostgreSQL), never a 500."""

    class Down:
        def get(self, *a, **k):
            raise ConnectionError("Redis is down")

        set = delete_many = get

    monkeypatch.setattr(unread, "cache", Down())
    notify(recipients=[world.lead_commissioner], subject="Stage ends in 7 days", email=False)
    ravi = sign_in(Client(), world.lead_commissioner, world.county)
    page = ravi.get("/dashboard/")
    assert page.status_code == 200 and _badge(page) == 1


def test_a_new_notification_is_counted_before_the_page_renders(world, django_capture_on_commit_callbacks):
    """The count the cache has forgotten is counted again once, before the view: never while the header renders,
    and only once though the header and the page both show it."""
    ravi = sign_in(Client(), world.lead_commissioner, world.county)
    ravi.get("/dashboard/")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.lead_commissioner], subject="A partner confirmed its contribution")
    with CaptureQueriesContext(connection) as view, queries_while_rendering() as during:
        page = ravi.get("/dashboard/")
    assert _badge(page) == 1
    assert len(_notification_queries(view.captured_queries)) == 1
    assert [sql for sql in during if "core_notification" in sql] == []


def test_api_calls_do_not_count_unread_notifications(world):
    ravi = sign_in(Client(), world.lead_commissioner, world.county)
    notify(recipients=[world.lead_commissioner], subject="Stage ends in 7 days", email=False)
    with CaptureQueriesContext(connection) as view:
        assert ravi.get("/api/v1/service-areas/").status_code == 200
    counted = [sql for sql in _notification_queries(view.captured_queries) if "COUNT(" in sql]
    assert counted == []
