"""Pure checks on a release before it is stored: a cheap shape check (the full schema check is in the tests), and
the tags a caller may record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from opendata.ocds.standard import codelist

REQUIRED = ("ocid", "id", "date", "tag", "initiationType")


def tag_problems(tags: Iterable[str]) -> list[str]:
    tags = list(tags)
    if not tags:
        return ["Say what the release publishes: at least one tag"]
    known = codelist("releaseTag") - {"compiled"}
    return [f"'{t}' is not an OCDS release tag" for t in tags if t not in known]


def release_problems(release: dict[str, Any]) -> list[str]:
    """What is wrong with the release's shape: missing required fields, unknown tags, parties the release refers to
    but does not list."""
    problems = [f"The release has no {key}" for key in REQUIRED if not release.get(key)]
    problems += tag_problems(release.get("tag") or ["?"])
    party_ids = {p.get("id") for p in release.get("parties", [])}
    refs = [release.get("buyer")]
    refs += [s for a in release.get("awards", []) for s in a.get("suppliers", [])]
    problems += [
        f"{r['name']} is referred to but not among the parties" for r in refs if r and r["id"] not in party_ids
    ]
    return problems
