from __future__ import annotations

from typing import Any

from commissioning.register.models import ProviderDocument, RegisterEntry
from tests.factories.register import document, on_register
from tests.route_targets import Target


def _entry(w: Any) -> RegisterEntry:
    if "register:entry" not in w.extras:
        w.extras["register:entry"] = on_register(w)
    return w.extras["register:entry"]  # type: ignore[no-any-return]


def _document(w: Any) -> ProviderDocument:
    if "register:document" not in w.extras:
        _entry(w)
        w.extras["register:document"] = document(w)
    return w.extras["register:document"]  # type: ignore[no-any-return]


KWARGS = {
    "entry_id": lambda w: Target(_entry(w).pk, w.county),
    "my_entry_id": lambda w: Target(_entry(w).pk, w.provider, user=w.bidder),
    "document_id": lambda w: Target(_document(w).pk, w.provider),
}

API_OBJECTS = {
    RegisterEntry: lambda w: Target(_entry(w).pk, w.county),
    ProviderDocument: lambda w: Target(_document(w).pk, w.provider),
}
