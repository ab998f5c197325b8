"""Publishing a notice records its OCDS 1.1 release, with the right tag and the notice as a document, valid against
the standard's own schemas; recording it twice doubles nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.returns.services import return_accept
from notices import services
from notices.kinds import NoticeKind
from notices.models import Notice
from opendata.ocds.models import Release
from procurement.award import services as award_services
from tests.factories.monitoring import START, debt_advice
from tests.factories.notices import give_regime_facts, publish, sign_assessment
from tests.factories.procurement import LICHFIELD_A_YEAR, awarded, evaluated, lead_of, published_tender
from tests.opendata.ocds_validation import assert_valid_release, assert_valid_release_package

pytestmark = pytest.mark.django_db


def _release_of(notice: Notice) -> Release:
    notice = Notice._base_manager.get(pk=notice.pk)
    release = Release._base_manager.get(release_id=notice.release_ref)
    assert_valid_release(release.data)
    docs = [d for d in release.data["tender"].get("documents", []) if d["id"] == f"notice-{notice.pk}"]
    assert docs and docs[0]["url"].endswith(f"/notices/{notice.pk}.json")
    return release


def test_tender_notice_and_its_correction_release_as_tender_and_tender_update(world, client):
    lead = lead_of(world)
    tender = give_regime_facts(published_tender(world))
    sign_assessment(tender, lead)
    uk4 = publish(services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead), lead)
    assert _release_of(uk4).tags == ["tender"]
    correction = publish(services.notice_correct(notice=uk4, by=lead), lead)
    assert _release_of(correction).tags == ["tenderUpdate"]
    # publishing again records nothing more
    services.notice_transition(notice=correction, name="publish", by=lead)
    assert Release._base_manager.filter(tender_id=tender.pk).count() == 2

    package = client.get(reverse("ocds-releases")).json()
    assert_valid_release_package(package)


def test_award_and_contract_details_release_as_award_and_contract(world):
    flow = evaluated(world)
    tender, lead = give_regime_facts(flow.tender), flow.lead
    recommendation = award_services.recommend(tender=tender, by=lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)])
    award_services.recommendation_approve(recommendation=recommendation, by=lead)
    uk6 = publish(services.notice_prepare(tender=tender, kind=NoticeKind.UK6, by=lead), lead)
    release = _release_of(uk6)
    assert release.tags == ["award"]
    assert release.data["awards"], "the award is public once the standstill starts"


def test_contract_details_and_performance_release_as_contract_and_implementation(world):
    flow = awarded(world)
    lead = flow.lead
    give_regime_facts(flow.tender)
    uk7 = publish(
        services.notice_prepare(tender=flow.tender, kind=NoticeKind.UK7, contract=flow.contract, by=lead), lead
    )
    assert _release_of(uk7).tags == ["contract"]


def test_a_performance_notice_from_monitoring_releases_as_implementation(world):
    ex = debt_advice(world)
    kpi_return = ex.submitted_return(START)
    return_accept(kpi_return=kpi_return, by=ex.lead)
    tender = ex.contract.tender
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK9, contract=ex.contract, by=ex.lead)
    ratings = notice.fields["kpi_ratings"]
    assert ratings and {r["rating"] for r in ratings} <= {"Good", "Approaching target", "Requires improvement", "Other"}
    assert notice.fields["assessment_period"]["label"] == kpi_return.label
    uk9 = publish(notice, ex.lead)
    assert _release_of(uk9).tags == ["implementation"]
