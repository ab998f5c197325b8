"""Reading releases: pages of the release package (newest first), and one process's releases for its record. Each
runs a fixed number of queries, however many releases there are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from opendata.ocds.models import Release

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def releases(*, since: dt.datetime | None = None) -> QuerySet[Release]:
    rows = Release.objects.all()
    if since is not None:
        rows = rows.filter(date__gte=since)
    return rows.order_by("-date", "-id")


def release_page(
    *, since: dt.datetime | None, after: tuple[dt.datetime, int] | None, size: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], tuple[dt.datetime, int] | None]:
    """One page of releases, newest first, from just after ``after`` (keyset: the last row's date and id), and the
    cursor of the next page (None on the last). One query."""
    rows = releases(since=since)
    if after is not None:
        at, pk = after
        rows = rows.filter(Q(date__lt=at) | Q(date=at, id__lt=pk))
    found = list(rows.values("id", "date", "data")[: size + 1])
    more = len(found) > size
    found = found[:size]
    cursor = (found[-1]["date"], found[-1]["id"]) if more and found else None
    return [r["data"] for r in found], cursor


def record_releases(ocid: str) -> list[dict[str, Any]]:
    """The process's releases, oldest first (the order a record compiles them in). One query."""
    return [r["data"] for r in Release.objects.filter(ocid=ocid).order_by("date", "id").values("data")]
