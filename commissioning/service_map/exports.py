"""Files built from selectors (pure): the service map (what each partner already funds)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commissioning.service_map.models import MappedContract
from commissioning.service_map.rules import EXPORT_HEADERS
from core.exports import Sheet, write_csv, write_xlsx


def contract_rows(contracts: Iterable[MappedContract]) -> list[list[Any]]:
    return [
        [
            c.service_area.name,
            c.funder.name,
            c.provider_name,
            c.title,
            c.reference,
            c.annual_value,
            c.start_date,
            c.end_date,
            c.funding_source,
            c.alignable,
            c.not_alignable_reason,
        ]
        for c in contracts
    ]


def contracts_csv(contracts: Iterable[MappedContract]) -> bytes:
    return write_csv(EXPORT_HEADERS, contract_rows(contracts))


def contracts_xlsx(contracts: Iterable[MappedContract], *, title: str) -> bytes:
    rows = [[*r[:9], "yes" if r[9] else "no", r[10]] for r in contract_rows(contracts)]
    return write_xlsx([Sheet("Contracts", EXPORT_HEADERS, rows, money_columns=[5], preamble=[title])])
