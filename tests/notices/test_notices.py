"""The lead commissioner prepares the Procurement Act notices from what Jointly holds, checks, approves and publishes
them; the public reads the published ones; the drafts stay the lead's and the partners'."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core.actors import SYSTEM
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import AuditEvent
from core.notifications import Notification
from notices import services
from notices.kinds import KINDS, NoticeKind
from notices.models import Notice, NoticeStatus
from procurement.award import services as award_services
from procurement.award.standstill import standstill_end
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender, TenderStatus
from tests.conftest import sign_in
from tests.factories.commissioning import acting
from tests.factories.notices import give_regime_facts, publish, ready_tender, sign_assessment
from tests.factories.procurement import (
    LICHFIELD_A_YEAR,
    awarded,
    bidder_of,
    evaluated,
    lead_of,
    published_tender,
    submitted_bid,
)
from tests.query_counts import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def releases(monkeypatch: Any) -> list[dict[str, Any]]:
    """Every OCDS release a publication records (the open-data service's call, captured)."""
    calls: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> None:
        calls.append(kwargs)

    monkeypatch.setattr("notices.upstream.record_release", record)
    return calls


def test_every_kind_lists_its_guidance_and_required_fields():
    for kind in NoticeKind:
        spec = KINDS[kind]
        assert spec.guidance_url.startswith("https://")
        assert spec.required and spec.fields[0].key == "contracting_authority"
        assert all(f.missing for f in spec.required), kind


def test_a_tender_notice_names_what_is_missing_and_opens_the_tender_once_the_assessment_is_signed(world, releases):
    lead = lead_of(world)
    tender = ready_tender(world)
    Tender._base_manager.filter(pk=tender.pk).update(cpv_codes=[])
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead)
    assert notice.status == NoticeStatus.DRAFT
    assert notice.fields["title"] == tender.title
    assert notice.fields["submission_deadline"]
    with pytest.raises(TransitionNotAllowed) as refused:
        services.notice_transition(notice=notice, name="check", by=lead)
    assert refused.value.problems == ["Add the tender's CPV codes"]

    give_regime_facts(tender)
    notice = services.notice_transition(notice=notice, name="check", by=lead)  # refreshed from the facts
    assert [c["code"] for c in notice.fields["cpv_codes"]] == ["85320000-8", "85311000-2"]
    assert notice.fields["cpv_codes"][0]["title"] == "Social services"
    notice = services.notice_transition(notice=notice, name="approve", by=lead)
    assert notice.status == NoticeStatus.APPROVED

    with pytest.raises(TransitionNotAllowed) as refused:
        services.notice_transition(notice=notice, name="publish", by=lead)
    assert any("conflicts assessment" in p.lower() for p in refused.value.problems), refused.value.problems
    assert releases == []
    assert not Tender._base_manager.get(pk=tender.pk).is_published

    sign_assessment(tender, lead)
    notice = services.notice_transition(notice=notice, name="publish", by=lead)
    notice = Notice._base_manager.get(pk=notice.pk)
    assert notice.status == NoticeStatus.PUBLISHED and notice.published_at is not None
    assert Tender._base_manager.get(pk=tender.pk).status == TenderStatus.PUBLISHED
    assert [r["tags"] for r in releases] == [["tender"]]
    assert releases[0]["source_key"] == f"tender:{tender.pk}:tender"
    assert releases[0]["extra"]["tender"]["documents"][0]["documentType"] == "tenderNotice"
    actions = list(AuditEvent.objects.filter(object_id=str(notice.pk)).values_list("action", flat=True))
    assert {"notice.prepared", "notice.check", "notice.approve", "notice.publish", "notice.released"} <= set(actions)


def test_only_the_lead_commissioner_prepares_and_approves(world):
    tender = published_tender(world)
    partner = acting(world.member(world.district, "commissioner"), world.district)
    with pytest.raises(NotPermitted):
        services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=partner)
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead_of(world))
    with pytest.raises(TransitionNotAllowed) as refused:
        services.notice_transition(notice=notice, name="check", by=partner)
    assert refused.value.problems == ["Only the lead commissioner can do this"]


def test_a_published_notice_never_changes_and_a_correction_refers_to_it(world, releases):
    lead = lead_of(world)
    tender = give_regime_facts(published_tender(world))
    sign_assessment(tender, lead)
    original = publish(services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead), lead)

    original.fields = {**original.fields, "title": "Something else"}
    with pytest.raises(DomainError):
        original.save()
    with pytest.raises(DomainError):
        Notice._base_manager.get(pk=original.pk).delete()
    with pytest.raises(DomainError):
        services.notice_refresh(notice=original, by=lead)

    tender_services.tender_update(tender=tender, by=lead, summary="Support for older people, now with befriending.")
    correction = services.notice_correct(notice=original, by=lead)
    assert correction.corrects_id == original.pk and correction.status == NoticeStatus.DRAFT
    assert correction.fields["description"] == "Support for older people, now with befriending."
    publish(correction, lead)
    assert [r["tags"] for r in releases] == [["tender"], ["tenderUpdate"]]
    assert Notice._base_manager.get(pk=original.pk).fields["description"] != correction.fields["description"]


def test_publishing_twice_takes_effect_once(world, releases):
    lead = lead_of(world)
    tender = give_regime_facts(published_tender(world))
    sign_assessment(tender, lead)
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead)
    for step in ("check", "approve"):
        notice = services.notice_transition(notice=notice, name=step, by=lead)
    first = services.notice_transition(notice=notice, name="publish", by=lead)
    again = services.notice_transition(notice=notice, name="publish", by=lead)
    assert first.pk == again.pk and len(releases) == 1
    assert AuditEvent.objects.filter(object_id=str(notice.pk), action="notice.publish").count() == 1


def test_the_contract_award_notice_starts_the_standstill_on_publication(world, releases):
    flow = evaluated(world)
    tender, lead = flow.tender, flow.lead
    recommendation = award_services.recommend(tender=tender, by=lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)])
    award_services.recommendation_approve(recommendation=recommendation, by=lead)
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK6, by=lead)
    assert notice.fields["supplier"] == flow.bids[0].organisation.name
    assert notice.fields["award_value"] == f"{LICHFIELD_A_YEAR * tender.term_years:.2f}"

    give_regime_facts(tender)
    notice = publish(notice, lead)
    tender = Tender._base_manager.get(pk=tender.pk)
    today = timezone.localdate()
    assert tender.status == TenderStatus.STANDSTILL
    assert tender.standstill_ends_on == standstill_end(today, 8)
    assert notice.fields["standstill_starts_on"] == today.isoformat()
    assert notice.fields["standstill_ends_on"] == tender.standstill_ends_on.isoformat()
    assert [r["tags"] for r in releases] == [["award"]]


def test_the_contract_details_notice_is_due_30_days_after_signing_and_reminded_once(world, releases):
    flow = awarded(world)
    lead = flow.lead
    notice = services.notice_prepare(tender=flow.tender, kind=NoticeKind.UK7, contract=flow.contract, by=lead)
    assert notice.due_on == flow.contract.signed_on + dt.timedelta(days=30)
    assert notice.fields["supplier"] == world.provider.name
    assert notice.fields["contract_value"] == f"{flow.contract.total_value:.2f}"

    services.remind_contract_details(contract_id=flow.contract.pk, by=SYSTEM)
    services.remind_contract_details_due(by=SYSTEM)
    reminders = Notification.objects.filter(subject__contains="contract details notice")
    assert reminders.count() == 1

    give_regime_facts(flow.tender)
    publish(notice, lead)
    assert [r["tags"] for r in releases] == [["contract"]]


def test_a_cancelled_tender_gets_a_procurement_termination_notice(world, releases):
    lead = lead_of(world)
    tender = published_tender(world)
    with pytest.raises(DomainError) as refused:
        services.notice_prepare(tender=tender, kind=NoticeKind.UK12, by=lead)
    assert refused.value.field == "kind"
    tender_services.tender_transition(tender=tender, name="cancel", by=lead, reason="The partners withdrew funding")
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK12, by=lead)
    assert notice.fields["decision"] == "The partners withdrew funding"
    publish(notice, lead)
    assert [r["tags"] for r in releases] == [["tenderCancellation"]]


def test_drafts_are_the_lead_and_partners_and_published_notices_are_public(world, client, releases):
    lead = lead_of(world)
    tender = give_regime_facts(published_tender(world))
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead)
    page = reverse("notice-detail", kwargs={"published_notice_id": notice.pk})
    data = reverse("notice-json", kwargs={"published_notice_id": notice.pk})

    assert client.get(page).status_code == 404
    assert client.get(data).status_code == 404
    sign_in(client, world.outsider, world.other_council)
    assert client.get(page).status_code == 404
    sign_in(client, world.member(world.district, "viewer"), world.district)
    assert client.get(page).status_code == 200
    sign_in(client, world.lead_commissioner, world.county)
    response = client.get(reverse("tender-detail", kwargs={"tender_id": tender.pk}))
    assert b'data-testid="notice-row-UK4"' in response.content

    sign_assessment(tender, lead)
    publish(notice, lead)
    client.logout()
    body = client.get(data).json()
    assert body["kind"] == "UK4" and body["status"] == "published" and body["fields"]["title"] == tender.title
    opportunity = client.get(reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk}))
    assert b'data-testid="notice-row-UK4"' in opportunity.content
    assert client.get(page).status_code == 200


def test_a_tender_notice_carries_nothing_about_bids(world):
    lead = lead_of(world)
    tender = give_regime_facts(published_tender(world))
    submitted_bid(tender, bidder_of(world))
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead)
    text = json.dumps(notice.fields).lower()
    assert world.provider.name.lower() not in text
    assert "bid" not in text.replace("bid deadline", "")


def test_the_find_a_tender_page_lists_every_field_with_where_it_came_from(world, client):
    lead = lead_of(world)
    tender = give_regime_facts(published_tender(world))
    notice = services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead)
    sign_in(client, world.lead_commissioner, world.county)
    response = client.get(reverse("notice-filing", kwargs={"notice_id": notice.pk}))
    assert response.status_code == 200
    for field in KINDS[NoticeKind.UK4].required:
        assert field.label.encode() in response.content
    assert b"The tender&#x27;s CPV codes" in response.content
    download = client.get(reverse("notice-filing-json", kwargs={"notice_id": notice.pk}))
    assert json.loads(download.content)["kind"] == "UK4"


def test_the_api_prepares_a_notice_and_takes_its_steps(world, client, releases):
    lead = lead_of(world)
    tender = ready_tender(world)
    sign_in(client, world.lead_commissioner, world.county)
    created = client.post("/api/v1/notices/", {"tender": tender.pk, "kind": "UK4"}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    steps = client.get(f"/api/v1/notices/{pk}/transitions/").json()
    assert [s["transition"] for s in steps] == ["check"]
    for step in ("check", "approve"):
        response = client.post(
            f"/api/v1/notices/{pk}/transition/", {"transition": step}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
    refused = client.post(
        f"/api/v1/notices/{pk}/transition/", {"transition": "publish"}, content_type="application/json"
    )
    assert refused.status_code == 400 and any("conflicts assessment" in p for p in refused.json()["problems"])
    sign_assessment(tender, lead)
    done = client.post(f"/api/v1/notices/{pk}/transition/", {"transition": "publish"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "published"
    sign_in(client, world.outsider, world.other_council)
    assert client.get(f"/api/v1/notices/{pk}/").status_code == 200  # published: public data


def test_the_tender_notices_page_and_the_opportunity_page_run_a_fixed_number_of_queries(world, client, releases):
    lead = lead_of(world)
    tender = give_regime_facts(published_tender(world))
    services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead)
    sign_in(client, world.lead_commissioner, world.county)
    urls = [
        reverse("tender-notices", kwargs={"tender_id": tender.pk}),
        reverse("tender-detail", kwargs={"tender_id": tender.pk}),
        reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk}),
    ]
    one = [page_queries(client, url, warm=True) for url in urls]
    for _ in range(3):
        publish(services.notice_prepare(tender=tender, kind=NoticeKind.UK4, by=lead), lead)
    assert [page_queries(client, url, warm=True) for url in urls] == one
