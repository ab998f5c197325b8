"""The provider register: entries and documents, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commissioning.demo import simple_pdf
from commissioning.register.models import ProviderDocument, RegisterEntry
from commissioning.register.services import document_add, entry_register
from partners.models import Organisation, Partnership
from tests.factories.commissioning import acting, commissioner_at


def pdf(name: str = "insurance.pdf", text: str = "Public liability insurance certificate") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(text), content_type="application/pdf")


def on_register(
    world: Any, organisation: Organisation | None = None, partnership: Partnership | None = None
) -> RegisterEntry:
    """The provider put on the partnership's register by a county commissioner."""
    return entry_register(
        partnership=partnership or world.partnership,
        organisation=organisation or world.provider,
        by=acting(world.lead_commissioner, world.county),
    )


def document(
    world: Any,
    *,
    kind: str = "insurance",
    expires_in: int | None = 200,
    title: str = "Public liability insurance",
    user: Any = None,
    organisation: Organisation | None = None,
) -> ProviderDocument:
    expires_on = timezone.localdate() + dt.timedelta(days=expires_in) if expires_in is not None else None
    return document_add(
        organisation=organisation or world.provider,
        kind=kind,
        title=title,
        file=pdf(),
        expires_on=expires_on,
        by=acting(user or world.bidder, organisation or world.provider),
    )


def registrar(world: Any) -> Any:
    return acting(world.lead_commissioner, world.county)


def district_commissioner(world: Any) -> Any:
    return acting(commissioner_at(world, world.district), world.district)
