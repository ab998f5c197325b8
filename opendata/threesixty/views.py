"""The public 360Giving files (no sign-in, Open Government Licence v3.0): every awarded grant as a 360Giving 1.4
data package (``grants.json``) and as a CSV in 360Giving's column titles (``grants.csv``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

from core.exports import csv_response
from core.views import PublicView
from opendata.threesixty import build, facts

JSON_OPTIONS = {"ensure_ascii": False}
TITLE = "Grants awarded through Jointly"


def grants_package(request: HttpRequest) -> dict[str, Any]:
    grants = facts.grant_facts()
    modified = max((g.modified for g in grants if g.modified is not None), default=None)
    return build.package(
        grants,
        title=TITLE,
        publisher="Jointly",
        website=request.build_absolute_uri(reverse("open-data")),
        uri=request.build_absolute_uri(reverse("threesixty-grants")),
        issued=modified or timezone.now(),
    )


class GrantsPackageView(PublicView):
    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse(grants_package(request), json_dumps_params=JSON_OPTIONS)


class GrantsCsvView(PublicView):
    def get(self, request: HttpRequest) -> HttpResponse:
        records = grants_package(request)["grants"]
        return csv_response(build.csv_headers(), build.csv_rows(records), filename="360giving-grants.csv")
