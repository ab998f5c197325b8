"""The 360Giving Data Standard as shipped with Jointly (``standard/``: the 1.4 grant and package schemas, copied from
the standard's own files): read locally, never fetched."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

VERSION = "1.4"
HERE = Path(__file__).resolve().parent / "standard"
LICENSE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
SCHEMA_URL = "https://standard.threesixtygiving.org/en/latest/technical/reference/"


def prefix() -> str:
    """Jointly's 360Giving publisher prefix: grant and unregistered organisation identifiers start with it."""
    return str(getattr(settings, "JOINTLY_360G_PREFIX", "360G-jointly"))


@cache
def grant_schema() -> dict[str, Any]:
    with (HERE / "360-giving-schema.json").open(encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return,unused-ignore]


@cache
def package_schema() -> dict[str, Any]:
    with (HERE / "360-giving-package-schema.json").open(encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return,unused-ignore]
