"""Validate OCDS output against the standard's own files in /work/shared/standards/ocds-1.1/ (or
``JOINTLY_OCDS_STANDARD``): the release schema and release package schema (JSON Schema Draft 4, as they declare,
every ``$ref`` resolved locally: nothing is fetched) and the codelists (every codelist-typed field's value must be
one of the codes in ``codelists/<name>.csv``).

Each function fails on the first error, naming its path: ``assert_valid_release(r)``,
``assert_valid_release_package(p)``, ``assert_valid_record_package(p)``. The record package schema is not among the
shared files, so a record package is checked by its own rules (the metadata of a package, each record's ``ocid``,
its releases and its compiled release, each a valid release) with the release schema.
"""

from __future__ import annotations

import csv
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

STANDARD = Path(os.environ.get("JOINTLY_OCDS_STANDARD", "/work/shared/standards/ocds-1.1"))
if not (STANDARD / "release-schema.json").exists():  # a checkout without the shared folder: the copy Jointly ships
    STANDARD = Path(__file__).resolve().parents[2] / "opendata" / "ocds" / "standard"


class OCDSInvalid(AssertionError):
    pass


def _load(name: str) -> dict[str, Any]:
    with (STANDARD / name).open(encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]


@cache
def _schemas() -> tuple[dict[str, Any], dict[str, Any], Registry]:
    release = _load("release-schema.json")
    resources = [(release["id"], Resource.from_contents(release, default_specification=DRAFT4))]
    package_file = STANDARD / "release-package-schema.json"
    package = _load("release-package-schema.json") if package_file.exists() else {}
    if package:
        resources.append((package["id"], Resource.from_contents(package, default_specification=DRAFT4)))
    return release, package, Registry().with_resources(resources)


@cache
def codes(name: str) -> frozenset[str]:
    with (STANDARD / "codelists" / name).open(encoding="utf-8", newline="") as f:
        return frozenset(row["Code"] for row in csv.DictReader(f))


def _path(parts: Any) -> str:
    return "/" + "/".join(str(p) for p in parts)


def _validate(instance: Any, schema: dict[str, Any]) -> None:
    _, _, registry = _schemas()
    validator = jsonschema.Draft4Validator(
        schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        raise OCDSInvalid(f"{_path(error.absolute_path)}: {error.message}")


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref and ref.startswith("#/definitions/"):
        return _resolve(root["definitions"][ref.split("/")[-1]], root)
    return schema


def _check_codelists(value: Any, schema: dict[str, Any], root: dict[str, Any], path: list[Any]) -> None:
    """Every value of a codelist-typed field (open or closed) is one of the codelist's codes."""
    schema = _resolve(schema, root)
    codelist = schema.get("codelist")
    if codelist and (STANDARD / "codelists" / codelist).exists():
        values = value if isinstance(value, list) else [value]
        for i, v in enumerate(values):
            if v is not None and v not in codes(codelist):
                where = path + ([i] if isinstance(value, list) else [])
                raise OCDSInvalid(f"{_path(where)}: {v!r} is not in the codelist {codelist}")
        return
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key, v in value.items():
            if key in props:
                _check_codelists(v, props[key], root, [*path, key])
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            _check_codelists(v, schema["items"], root, [*path, i])


def assert_valid_release(release: dict[str, Any]) -> None:
    schema, _, _ = _schemas()
    _validate(release, schema)
    _check_codelists(release, schema, schema, [])


def assert_valid_release_package(package: dict[str, Any]) -> None:
    _, schema, _ = _schemas()
    _validate(package, schema)
    for i, release in enumerate(package["releases"]):
        try:
            assert_valid_release(release)
        except OCDSInvalid as e:
            raise OCDSInvalid(f"/releases/{i}{e}") from None


def assert_valid_record_package(package: dict[str, Any]) -> None:
    _, release_package, _ = _schemas()
    for key in ("uri", "publisher", "publishedDate", "version", "records"):
        if key not in package:
            raise OCDSInvalid(f"/{key}: is a required property")
    meta = {k: release_package["properties"][k] for k in ("uri", "version", "publishedDate", "publisher", "license")}
    _validate({k: package[k] for k in meta if k in package}, {"type": "object", "properties": meta})
    if not isinstance(package["records"], list) or not package["records"]:
        raise OCDSInvalid("/records: must be a non-empty array")
    for i, record in enumerate(package["records"]):
        if not isinstance(record.get("ocid"), str) or not record["ocid"]:
            raise OCDSInvalid(f"/records/{i}/ocid: is a required string")
        for j, release in enumerate(record.get("releases") or []):
            if release.get("ocid") != record["ocid"]:
                raise OCDSInvalid(f"/records/{i}/releases/{j}/ocid: {release.get('ocid')!r} is not the record's")
            try:
                assert_valid_release(release)
            except OCDSInvalid as e:
                raise OCDSInvalid(f"/records/{i}/releases/{j}{e}") from None
        if not record.get("releases"):
            raise OCDSInvalid(f"/records/{i}/releases: must be a non-empty array")
        if "compiledRelease" in record:
            try:
                assert_valid_release(record["compiledRelease"])
            except OCDSInvalid as e:
                raise OCDSInvalid(f"/records/{i}/compiledRelease{e}") from None
