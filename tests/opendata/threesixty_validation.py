"""Validate 360Giving output against the standard's own schemas in /work/shared/standards/360giving-1.4/ (or
``JOINTLY_360GIVING_STANDARD``; a checkout without the shared folder uses the copy Jointly ships): JSON Schema
2020-12, as they declare, formats checked, the package's ``$ref`` to the grant schema resolved locally (nothing is
fetched). ``errors(package)`` lists every error (path: message); ``assert_valid_package(package)`` fails on any."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

STANDARD = Path(os.environ.get("JOINTLY_360GIVING_STANDARD", "/work/shared/standards/360giving-1.4"))
if not (STANDARD / "360-giving-schema.json").exists():
    STANDARD = Path(__file__).resolve().parents[2] / "opendata" / "threesixty" / "standard"


class ThreeSixtyInvalid(AssertionError):
    pass


def _load(name: str) -> dict[str, Any]:
    with (STANDARD / name).open(encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]


@cache
def _validator() -> jsonschema.Draft202012Validator:
    grant = _load("360-giving-schema.json")
    package = _load("360-giving-package-schema.json")
    registry = Registry().with_resources(
        [
            (grant["$id"], Resource.from_contents(grant, default_specification=DRAFT202012)),
            (package["$id"], Resource.from_contents(package, default_specification=DRAFT202012)),
        ]
    )
    return jsonschema.Draft202012Validator(
        package, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(package: dict[str, Any]) -> list[str]:
    found = sorted(_validator().iter_errors(package), key=lambda e: list(map(str, e.absolute_path)))
    return ["/" + "/".join(str(p) for p in e.absolute_path) + f": {e.message}" for e in found]


def assert_valid_package(package: dict[str, Any]) -> None:
    found = errors(package)
    if found:
        raise ThreeSixtyInvalid(f"{len(found)} errors:\n" + "\n".join(found[:20]))
