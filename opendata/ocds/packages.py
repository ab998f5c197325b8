"""Release and record packages (pure): the package metadata, the licence and the compiled release (``ocdsmerge``,
with the merge rules of the release schema Jointly ships: nothing is fetched)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import ocdsmerge
from django.utils import timezone

from opendata.ocds.standard import LICENSE_URL, VERSION, release_schema

PUBLISHER = {"name": "Jointly", "scheme": None, "uid": None}


@cache
def merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=release_schema())


def _metadata(uri: str, policy: str, published: dt.datetime | None) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": (published or timezone.now()).isoformat(),
        "publisher": {**PUBLISHER, "uri": policy.split("#")[0]},
        "license": LICENSE_URL,
        "publicationPolicy": policy,
    }


def release_package(releases: list[dict[str, Any]], *, uri: str, policy: str, next_url: str | None) -> dict[str, Any]:
    dates = [r["date"] for r in releases]
    out = _metadata(uri, policy, dt.datetime.fromisoformat(max(dates)) if dates else None)
    out["releases"] = releases
    if next_url:
        out["links"] = {"next": next_url}
    return out


def compiled_release(releases: list[dict[str, Any]]) -> dict[str, Any]:
    return merger().create_compiled_release(releases)


def record_package(releases: list[dict[str, Any]], *, ocid: str, uri: str, policy: str) -> dict[str, Any]:
    out = _metadata(uri, policy, dt.datetime.fromisoformat(max(r["date"] for r in releases)))
    out["packages"] = [uri]
    out["records"] = [{"ocid": ocid, "releases": releases, "compiledRelease": compiled_release(releases)}]
    return out
