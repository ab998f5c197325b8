"""The public OCDS endpoints (no sign-in, Open Government Licence v3.0): the release package of every release,
newest first, paginated with ``links.next`` and filtered by ``?since=``; and one process's record package."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.views import PublicView
from opendata.ocds import packages, selectors
from opendata.ocds.build import LONDON as LONDON_TZ

JSON_OPTIONS = {"ensure_ascii": False}


class BadQuery(ValueError):
    pass


def parse_since(value: str | None) -> dt.datetime | None:
    """``since`` as an ISO 8601 date (the start of that day, UK time) or an aware date and time."""
    if value is None or value == "":
        return None
    value = value.strip()
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise BadQuery(
            f"'since' must be an ISO 8601 date (2026-04-01) or date and time (2026-04-01T09:00:00+01:00), not {value[:40]!r}"
        )
    if moment is None:
        assert day is not None
        moment = dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON_TZ)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, LONDON_TZ)
    return moment


def parse_cursor(value: str | None) -> tuple[dt.datetime, int] | None:
    if not value:
        return None
    at, _, pk = value.rpartition("~")
    moment = parse_datetime(at) if at else None
    if moment is None or timezone.is_naive(moment) or not pk.isdigit() or len(pk) > 18:
        raise BadQuery("'after' is not a page of this list: follow links.next from the previous page")
    return moment, int(pk)


def page_size(value: str | None) -> int:
    if not value:
        return selectors.PAGE_SIZE
    if not value.isdigit() or not 1 <= int(value) <= selectors.MAX_PAGE_SIZE:
        raise BadQuery(f"'page_size' must be a whole number from 1 to {selectors.MAX_PAGE_SIZE}")
    return int(value)


def policy_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open-data")) + "#publication-policy"


def bad_request(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=400, json_dumps_params=JSON_OPTIONS)


class ReleasePackageView(PublicView):
    def get(self, request: HttpRequest) -> JsonResponse:
        try:
            since = parse_since(request.GET.get("since"))
            after = parse_cursor(request.GET.get("after"))
            size = page_size(request.GET.get("page_size"))
        except BadQuery as e:
            return bad_request(str(e))
        releases, cursor = selectors.release_page(since=since, after=after, size=size)
        base = request.build_absolute_uri(reverse("ocds-releases"))
        query = {k: v for k, v in request.GET.items() if k in ("since", "page_size")}
        next_url = None
        if cursor is not None:
            next_url = f"{base}?{urlencode({**query, 'after': f'{cursor[0].isoformat()}~{cursor[1]}'})}"
        uri = request.build_absolute_uri()
        body = packages.release_package(releases, uri=uri, policy=policy_url(request), next_url=next_url)
        return JsonResponse(body, json_dumps_params=JSON_OPTIONS)


class RecordPackageView(PublicView):
    def get(self, request: HttpRequest, ocid: str) -> JsonResponse:
        releases = selectors.record_releases(ocid)
        if not releases:
            raise Http404("No contracting process has this ocid")
        body: dict[str, Any] = packages.record_package(
            releases, ocid=ocid, uri=request.build_absolute_uri(), policy=policy_url(request)
        )
        return JsonResponse(body, json_dumps_params=JSON_OPTIONS)
