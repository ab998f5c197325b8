"""The OCDS 1.1 standard as shipped with Jointly (``standard/``: the release schema 1.1.5 and the codelists, copied
from the standard's own files): loaded once, read locally, never fetched."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

VERSION = "1.1"
HERE = Path(__file__).resolve().parent / "standard"
LICENSE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


@cache
def release_schema() -> dict[str, Any]:
    with (HERE / "release-schema.json").open(encoding="utf-8") as f:
        return json.load(f)


@cache
def codelist(name: str) -> frozenset[str]:
    """The codes of ``name`` (for example ``releaseTag``)."""
    with (HERE / "codelists" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(row["Code"] for row in csv.DictReader(f))


RELEASE_TAGS = (
    "planning",
    "tender",
    "tenderUpdate",
    "tenderCancellation",
    "award",
    "contract",
    "contractAmendment",
    "implementation",
)
