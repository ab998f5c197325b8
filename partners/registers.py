"""Public registers Jointly ships as data, so identifiers never depend on a network call at run time.

- ``data/local-authority-eng.tsv``: the Local Authorities for England register (GOV.UK Registers,
  github.com/openregister/local-authority-data, Open Government Licence v3.0), whose codes are the ``GB-LAE``
  organisation identifier scheme (org-id.guide/list/GB-LAE) that OCDS and 360Giving use for councils.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

REGISTER = Path(__file__).parent / "data" / "local-authority-eng.tsv"

# The register's authority types, as the organisation kinds Jointly records.
KIND_OF_TYPE = {
    "CTY": "county_council",
    "NMD": "district_council",
    "UA": "unitary_council",
    "MD": "unitary_council",
    "LBO": "unitary_council",
    "CC": "unitary_council",
    "SRA": "unitary_council",
}


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    kind: str
    name: str
    official_name: str


@functools.cache
def local_authorities() -> dict[str, LocalAuthority]:
    """The register's current entries (no end date), by code."""
    with REGISTER.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {
        row["local-authority-eng"]: LocalAuthority(
            code=row["local-authority-eng"],
            kind=KIND_OF_TYPE.get(row["local-authority-type"], "unitary_council"),
            name=row["name"],
            official_name=row["official-name"],
        )
        for row in rows
        if not row["end-date"]
    }


def local_authority_code_for(name: str, kind: str) -> str:
    """The GB-LAE code of the council called ``name``, or "" when the register has no match.

    An exact official name wins ("Staffordshire County Council" -> STS). Otherwise the longest register name the
    organisation's name starts with, for a council of the same kind ("South Staffordshire District Council" ->
    SST, not STS), so a council that words its name a little differently still gets its code."""
    wanted = name.strip().casefold()
    register = local_authorities().values()
    for authority in register:
        if authority.official_name.casefold() == wanted:
            return authority.code
    candidates = [
        a for a in register if a.kind == kind and wanted.startswith(a.name.casefold() + " ") and "council" in wanted
    ]
    return max(candidates, key=lambda a: len(a.name)).code if candidates else ""


def is_local_authority_code(code: str) -> bool:
    return code in local_authorities()
