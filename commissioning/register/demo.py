"""Demo data for the provider register and following (called from ``commissioning.demo.load``; idempotent; built
through the services): the county-wide partnership's register with an approved, a registered and a suspended
provider; Citizens Advice Lichfield's insurance expiring in three weeks; Ruth at Age UK following a Lichfield
service area with nothing open yet and the "Older people" category; Mo following the "Advice" category."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commissioning.following.services import follow_add
from commissioning.register.models import ProviderDocument, RegisterEntry
from commissioning.register.services import (
    document_add,
    entry_approve,
    entry_facts_set,
    entry_register,
    entry_transition,
)
from commissioning.service_map.models import ServiceArea
from partners.acting import Acting, acting_as
from partners.models import Organisation, Partnership, User

CAB = "Citizens Advice Lichfield District"
NORTH = "Citizens Advice Staffordshire North and Stoke"
AGE_UK = "Age UK South Staffordshire"


def load(
    *,
    orgs: dict[str, Organisation],
    partnership: Partnership,
    registrar: Acting,
    quiet_area: ServiceArea,
    pdf: Callable[..., bytes],
) -> None:
    today = timezone.localdate()
    mo = User.objects.filter(email="mo@lichfieldcab.demo").first()
    ruth = User.objects.filter(email="ruth@ageuk.demo").first()
    if mo is None or ruth is None:
        return
    cab, age_uk, north = orgs[CAB], orgs[AGE_UK], orgs[NORTH]
    mo_acting, ruth_acting = acting_as(mo, cab), acting_as(ruth, age_uk)
    if not RegisterEntry.objects.filter(partnership=partnership, organisation=cab).exists():
        entry = entry_register(partnership=partnership, organisation=cab, by=mo_acting)
        entry_facts_set(
            entry=entry,
            services_offered="Free, independent advice on debt, benefits, housing and consumer problems.",
            areas_served="Lichfield District and Burntwood",
            contact_name="Mo Hussain",
            contact_email="mo@lichfieldcab.demo",
            by=mo_acting,
        )
        entry_approve(
            entry=entry, categories=["advice", "housing"], approved_until=today + dt.timedelta(days=300), by=registrar
        )
    if not RegisterEntry.objects.filter(partnership=partnership, organisation=age_uk).exists():
        entry_register(partnership=partnership, organisation=age_uk, by=registrar)
    if not RegisterEntry.objects.filter(partnership=partnership, organisation=north).exists():
        entry = entry_register(partnership=partnership, organisation=north, by=registrar)
        entry_transition(
            entry=entry,
            name="suspend",
            reason="Public liability insurance lapsed and no current certificate was provided",
            by=registrar,
        )
    if not ProviderDocument.objects.filter(organisation=cab).exists():
        for kind, title, days in (
            ("insurance", "Public liability insurance", 21),
            ("safeguarding", "Safeguarding policy", 280),
        ):
            document_add(
                organisation=cab,
                kind=kind,
                title=title,
                file=SimpleUploadedFile(f"{kind}.pdf", pdf(title, CAB), content_type="application/pdf"),
                expires_on=today + dt.timedelta(days=days),
                by=mo_acting,
            )
    if not ProviderDocument.objects.filter(organisation=age_uk).exists():
        document_add(
            organisation=age_uk,
            kind="accounts",
            title="Annual accounts 2025",
            file=SimpleUploadedFile(
                "accounts.pdf", pdf("Annual accounts 2025", AGE_UK), content_type="application/pdf"
            ),
            by=ruth_acting,
        )
    follow_add(service_area_id=quiet_area.pk, by=ruth_acting)
    follow_add(category="older_people", by=ruth_acting)
    follow_add(category="advice", by=mo_acting)
