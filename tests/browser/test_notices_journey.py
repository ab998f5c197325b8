"""The lead commissioner publishes the Procurement Act notices in a real browser (headless Chromium), axe on every page:

the tender notice (UK4) is refused until the conflicts assessment is signed, and its publication opens the tender;
after the award the contract award notice (UK6) starts the standstill and shows its dates; after signing, the contract
details notice (UK7); from monitoring's accepted return, a contract performance notice. Each is on the public
opportunity page with its JSON, and every release it records is valid OCDS 1.1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.tenancy import unscoped
from monitoring.returns.services import return_accept
from notices.models import Notice
from opendata.ocds.models import Release
from procurement.award import services as award_services
from procurement.tenders.models import Tender
from tests.factories.monitoring import START, debt_advice
from tests.factories.notices import give_regime_facts, ready_tender, sign_assessment
from tests.factories.procurement import LICHFIELD_A_YEAR, evaluated, lead_of, pdf
from tests.opendata.ocds_validation import assert_valid_release, assert_valid_release_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SETUP = "the journey builds and checks data across organisations"


def test_the_lead_publishes_the_procurement_act_notices(browser_page, login, axe_check, screenshot, world):
    page = browser_page

    def go(url: str) -> None:
        page.goto(url)
        page.wait_for_load_state()
        axe_check(page)

    def press(name: str) -> None:
        page.get_by_role("button", name=name, exact=True).first.click()
        page.wait_for_load_state()
        axe_check(page)

    def prepare(tender_id: int, kind_label: str, contract: str | None = None) -> int:
        go(f"/tenders/{tender_id}/notices/new/")
        page.get_by_label(kind_label, exact=True).check()
        if contract is not None:
            page.get_by_label("Which contract? (contract notices only)").select_option(label=contract)
        press("Prepare the notice")
        assert "/notices/" in page.url, page.url
        return int(page.url.rstrip("/").split("/")[-1])

    def publish_steps() -> None:
        for step in ("Check the notice", "Approve the notice", "Publish the notice"):
            press(step)

    public = page.context.browser.new_context(base_url=page.live_server_url, locale="en-GB")
    anonymous = public.new_page()

    def public_row(tender_id: int, kind: str) -> None:
        """Anyone, signed out, sees the published notice on the opportunity page, with its JSON."""
        anonymous.goto(f"/opportunities/{tender_id}/")
        anonymous.wait_for_load_state()
        axe_check(anonymous)
        row = anonymous.locator(f'[data-testid="notice-row-{kind}"]')
        assert row.count() == 1, kind
        data = anonymous.request.get(row.get_by_role("link").nth(1).get_attribute("href"))
        assert data.ok and data.json()["kind"] == kind

    def valid_release(notice_id: int, tag: str) -> None:
        with unscoped(reason=SETUP):
            notice = Notice.objects.get(pk=notice_id)
            release = Release.objects.get(release_id=notice.release_ref)
        assert tag in release.tags
        assert_valid_release(release.data)

    with unscoped(reason=SETUP):
        lead = lead_of(world)
        tender = ready_tender(world, title="Older people's independence service")

    # --- the tender notice: refused until the conflicts assessment is signed ----------------------------------------
    login(page, world.lead_commissioner, world.county)
    go(f"/tenders/{tender.pk}/")
    assert page.locator('[data-testid="tender-notices"]').count() == 1
    uk4 = prepare(tender.pk, "UK4 tender notice")
    screenshot(page, "notices-01-uk4-draft")
    press("Check the notice")
    press("Approve the notice")
    press("Publish the notice")
    assert "conflicts assessment" in page.content().lower()
    screenshot(page, "notices-02-uk4-refused")
    with unscoped(reason=SETUP):
        sign_assessment(tender, lead)
    press("Publish the notice")
    assert "Done: Publish the notice" in page.content()
    valid_release(uk4, "tender")
    public_row(tender.pk, "UK4")

    # --- the award: the contract award notice starts the standstill -------------------------------------------------
    with unscoped(reason=SETUP):
        flow = evaluated(world)
        give_regime_facts(flow.tender)
        recommendation = award_services.recommend(
            tender=flow.tender, by=flow.lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)]
        )
        award_services.recommendation_approve(recommendation=recommendation, by=flow.lead)
    uk6 = prepare(flow.tender.pk, "UK6 contract award notice")
    publish_steps()
    standstill = page.locator('[data-testid="standstill-dates"]')
    assert "8 working days" in standstill.inner_text()
    screenshot(page, "notices-03-uk6-standstill")
    valid_release(uk6, "award")
    public_row(flow.tender.pk, "UK6")

    # --- after signing: the contract details notice ------------------------------------------------------------------
    with unscoped(reason=SETUP):
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        Tender.objects.filter(pk=flow.tender.pk).update(  # as if the standstill had run its course
            letters_sent_on=yesterday - dt.timedelta(days=14), standstill_ends_on=yesterday - dt.timedelta(days=1)
        )
        contract = award_services.contract_sign(
            line=recommendation.lines.get(), signed_on=yesterday, by=flow.lead, document=pdf("contract.pdf")
        )
    uk7 = prepare(flow.tender.pk, "UK7 contract details notice", contract=str(contract))
    assert page.locator('[data-testid="notice-due"]').count() == 1
    publish_steps()
    valid_release(uk7, "contract")
    public_row(flow.tender.pk, "UK7")

    # --- from monitoring: a contract performance notice ---------------------------------------------------------------
    with unscoped(reason=SETUP):
        ex = debt_advice(world)
        return_accept(kpi_return=ex.submitted_return(START), by=ex.lead)
        monitored = ex.contract
    uk9 = prepare(monitored.tender_id, "UK9 contract performance notice", contract=str(monitored))
    publish_steps()
    screenshot(page, "notices-04-uk9-published")
    valid_release(uk9, "implementation")

    package = anonymous.request.get("/open-data/ocds/releases.json")
    assert package.ok
    assert_valid_release_package(package.json())
    assert {"tender", "award", "contract", "implementation"} <= {
        t for r in package.json()["releases"] for t in r["tag"]
    }
    public.close()
