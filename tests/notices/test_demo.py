"""The demo publishes notices through the services for the county's tenders at each stage they reach, so the open
data holds a release per tag the demo reaches, each valid OCDS 1.1."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse

from notices.models import Notice, NoticeStatus
from notices.rules import notice_missing
from opendata.ocds.models import Release
from procurement.tenders.models import Tender
from tests.opendata.ocds_validation import assert_valid_release_package

COUNTY = "Staffordshire County Council"


def test_the_demo_publishes_notices_at_each_stage_and_is_idempotent(db, client):
    call_command("load_demo", verbosity=0)
    count = Notice._base_manager.count()
    call_command("load_demo", verbosity=0)
    assert Notice._base_manager.count() == count
    published = set(Notice._base_manager.filter(status=NoticeStatus.PUBLISHED).values_list("kind", flat=True))
    assert {"UK7", "UK9"} <= published, published
    tags = {t for r in Release._base_manager.all() for t in r.tags}
    assert {"contract", "implementation"} <= tags, tags
    # A tender or award notice is published where the tender records its CPV codes; otherwise it waits, saying so.
    for tender in Tender._base_manager.filter(status__in=("standstill", "awarded"), commission__lead__name=COUNTY):
        uk6 = Notice._base_manager.get(tender=tender, kind="UK6")
        assert uk6.is_published == bool(tender.cpv_codes), uk6.status
        if not uk6.is_published:
            assert "Add the tender's CPV codes" in notice_missing(uk6)
    package = client.get(reverse("ocds-releases")).json()
    assert_valid_release_package(package)
    for notice in Notice._base_manager.filter(status=NoticeStatus.PUBLISHED):
        assert client.get(reverse("notice-json", kwargs={"published_notice_id": notice.pk})).status_code == 200
