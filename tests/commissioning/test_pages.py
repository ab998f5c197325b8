"""The pages: forms that refuse with reasons and keep what was typed, the model suggestion, the guard's refusal
naming what is missing, uploads kept across errors, and the dashboard panels."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.agreements.models import PartnershipAgreement
from commissioning.commissions.models import CommissionStatus, JointCommission
from commissioning.commissions.rules import suggest_model
from commissioning.service_map.models import EvidenceItem, MappedContract, ServiceArea, settings_for
from commissioning.timetable.models import Stage
from commissioning.timetable.services import calendar_feed_for, timetable_from_template
from core.money import money
from partners.models import Role
from tests.conftest import sign_in
from tests.factories.commissioning import ServiceAreaFactory, commissioner_at, lichfield_example, pdf_upload


def test_setting_up_a_commission_through_the_pages(world, client):
    area = ServiceAreaFactory(partnership=world.partnership, name="Supporting older people to live independently")
    sign_in(client, world.lead_commissioner, world.county)
    form = client.get("/commissions/new/").content.decode()
    assert "Supporting older people to live independently (Lichfield Locality Commissioning Partnership)" in form
    bad = client.post(
        "/commissions/new/",
        {
            "service_area": area.pk,
            "title": "Older people",
            "intended_outcomes": "",
            "term_years": "6",
            "start_date": "2027-02-30",
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "There is a problem" in text and "Select a valid choice" in text and 'value="Older people"' in text
    response = client.post(
        "/commissions/new/",
        {
            "service_area": area.pk,
            "title": "Older people",
            "intended_outcomes": "Independence",
            "term_years": "3",
            "start_date": "2027-04-01",
        },
    )
    assert response.status_code == 302
    c = JointCommission.objects.get()
    assert (c.lead, c.lead_contact, c.status) == (world.county, world.lead_commissioner, "draft")
    assert client.post(f"/commissions/{c.pk}/invite/", {"organisations": [world.district.pk]}).status_code == 302
    response = client.post(
        f"/commissions/{c.pk}/contributions/",
        {
            "organisation": world.county.pk,
            "annual_amount": "23,750",
            "source": "",
            "funding_source": "Core budget",
        },
    )
    assert response.status_code == 302
    client.post(
        f"/commissions/{c.pk}/contributions/",
        {"organisation": world.district.pk, "annual_amount": "£20000.00"},
    )
    page = client.get(f"/commissions/{c.pk}/contributions/").content.decode()
    assert page.count("£43,750.00") == 3 and "£131,250.00" in page
    model = client.get(f"/commissions/{c.pk}/model/").content.decode()
    assert (
        "Suggested: Stand-alone partnership." in model
        and "2 partners: stand-alone partnerships suit three or fewer partners." in model
    )
    assert client.post(f"/commissions/{c.pk}/model/", {"model": "aligned", "model_reason": ""}).status_code == 400
    assert (
        client.post(
            f"/commissions/{c.pk}/model/",
            {"model": "aligned", "model_reason": "The board wants one tender led by the county"},
        ).status_code
        == 302
    )
    c.refresh_from_db()
    assert (c.model, c.suggested_model) == ("aligned", "standalone")
    detail = client.get(f"/commissions/{c.pk}/").content.decode()
    assert "The app suggested stand-alone partnership" in detail


def test_suggestions_follow_the_seeds_guidance():
    s = suggest_model
    assert s(partners=5, annual_value=money("280000"), new_service=False).model == "aligned"
    assert s(partners=3, annual_value=money("280000"), new_service=False).model == "standalone"
    assert s(partners=6, annual_value=money("280000"), new_service=True).model == "standalone"
    assert s(partners=6, annual_value=money("20000"), new_service=False).model == "standalone"
    assert s(partners=1, annual_value=money("60000"), new_service=False).model == "individual"
    assert s(partners=1, annual_value=money("35000"), new_service=False).model == "do_nothing"
    assert s(partners=1, annual_value=money("40000"), new_service=False, threshold=money("50000")).model == "do_nothing"


def test_the_guard_refusal_names_what_is_missing_on_the_page(world, client):
    ex = lichfield_example(world)
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(f"/commissions/{ex.commission.pk}/").content.decode()
    assert "Before procurement can start" in page
    assert "Lichfield District Council has not signed the partnership agreement" in page
    response = client.post(f"/commissions/{ex.commission.pk}/move/", {"transition": "enter_procurement"}, follow=True)
    text = response.content.decode()
    assert "Cannot enter procurement: Lichfield District Council has not signed the partnership agreement" in text
    assert ex.refresh().status == CommissionStatus.SIGN_UP


def test_the_district_accepts_confirms_and_signs_through_the_pages(world, client):
    ex = lichfield_example(world, accept=False)
    district_user = commissioner_at(world, world.district)
    sign_in(client, district_user, world.district)
    page = client.get(f"/commissions/{ex.commission.pk}/").content.decode()
    assert "Staffordshire County Council invites Lichfield District Council to take part." in page
    client.post(f"/commissions/{ex.commission.pk}/respond/", {"answer": "accept"})
    ex.refresh()
    first = ex.commission.contributions.get(organisation=world.district, financial_year=2027)
    assert client.post(f"/contributions/{first.pk}/confirm/").status_code == 302
    first.refresh_from_db()
    assert first.status == "confirmed"
    # A wrong file is refused; the good answers are kept
    bad = client.post(
        f"/commissions/{ex.commission.pk}/agreement/",
        {
            "scopes": ["procurement"],
            "signatory_authority": "Strategic Director",
            "signed_on": "2026-11-20",
            "document": SimpleUploadedFile("agreement.pdf", b"not really a pdf"),
        },
    )
    assert bad.status_code == 400 and "is not really a PDF file" in bad.content.decode()
    assert 'value="Strategic Director"' in bad.content.decode()
    # A good file with a missing answer: the file is kept for the next submit
    missing = client.post(
        f"/commissions/{ex.commission.pk}/agreement/",
        {"scopes": ["procurement"], "signatory_authority": "", "signed_on": "2026-11-20", "document": pdf_upload()},
    )
    assert (
        missing.status_code == 400 and "You uploaded <strong>signed-agreement.pdf</strong>" in missing.content.decode()
    )
    token = missing.context["form"].kept_uploads["document"]["token"]
    ok = client.post(
        f"/commissions/{ex.commission.pk}/agreement/",
        {
            "scopes": ["procurement", "contract_management"],
            "signatory_authority": "Strategic Director",
            "signed_on": "2026-11-20",
            "document__kept": token,
        },
    )
    assert ok.status_code == 302
    agreement = PartnershipAgreement.objects.get()
    assert (
        agreement.scopes == ["procurement", "contract_management"]
        and agreement.original_filename == "signed-agreement.pdf"
    )
    download = client.get(f"/agreements/{agreement.pk}/document/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_dashboard_panels(world, client):
    ex = lichfield_example(world)
    timetable_from_template(commission=ex.commission, by=ex.county_lead)
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="panel-joint-commissions"' in page and "Next deadlines" in page and ex.commission.title in page
    assert ">Service map<" in page and ">Commissions<" in page
    ex.confirm_all(world.district, ex.district_commissioner)
    client.logout()
    sign_in(client, world.finance_officer, world.district)
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="panel-contributions"' in page and "£60,000.00" in page
    assert "Contributions report: Lichfield Locality Commissioning Partnership" in page
    client.logout()
    sign_in(client, world.bidder, world.provider)
    page = client.get("/dashboard/").content.decode()
    assert ">Service map<" not in page and "panel-joint-commissions" not in page


def test_read_only_roles_see_but_cannot_change(world, client):
    ex = lichfield_example(world)
    viewer = world.member(world.county, Role.VIEWER)
    sign_in(client, viewer, world.county)
    assert client.get(f"/commissions/{ex.commission.pk}/").status_code == 200
    assert client.post(f"/commissions/{ex.commission.pk}/move/", {"transition": "enter_procurement"}).status_code == 403
    assert client.get(f"/commissions/{ex.commission.pk}/invite/").status_code == 403


def test_every_other_form_saves(world, client):

    ex = lichfield_example(world)
    p = world.partnership.pk
    sign_in(client, world.lead_commissioner, world.county)
    assert client.post(f"/service-map/{p}/areas/new/", {"name": "Debt advice", "description": ""}).status_code == 302
    area = ServiceArea.objects.get(name="Debt advice")
    assert client.post(f"/service-map/{p}/areas/new/", {"name": "debt  ADVICE"}).status_code == 400
    contract = {
        "service_area": area.pk,
        "provider_name": "Citizens Advice",
        "title": "",
        "reference": "",
        "annual_value": "60000",
        "start_date": "2024-07-01",
        "end_date": "2027-06-30",
        "funding_source": "Core budget",
        "alignable": "yes",
        "not_alignable_reason": "",
    }
    assert client.post(f"/service-map/areas/{area.pk}/contracts/new/", contract).status_code == 302
    c = MappedContract.objects.get(service_area=area)
    refused = client.post(f"/service-map/contracts/{c.pk}/edit/", {**contract, "alignable": "no"})
    assert refused.status_code == 400 and "Say why this money cannot be aligned" in refused.content.decode()
    assert (
        client.post(f"/service-map/contracts/{c.pk}/edit/", {**contract, "annual_value": "61000.50"}).status_code == 302
    )
    c.refresh_from_db()
    assert str(c.annual_value) == "61000.50"
    assert client.post(f"/service-map/contracts/{c.pk}/remove/").status_code == 302
    assert not MappedContract.objects.filter(pk=c.pk).exists()
    assert (
        client.post(
            f"/service-map/{p}/evidence/new/",
            {"title": "Health profile", "url": "https://example.org/hp", "tags": "health, profile", "summary": ""},
        ).status_code
        == 302
    )
    assert EvidenceItem.objects.get().tags == ["health", "profile"]
    assert client.post(f"/service-map/{p}/evidence/new/", {"title": "Nothing"}).status_code == 400
    # settings: only the accountable body (the district) may change them
    page = client.get(f"/service-map/{p}/settings/").content.decode()
    assert "Only Lichfield District Council, the accountable body, can change these settings." in page
    assert (
        client.post(
            f"/service-map/{p}/settings/",
            {"framework_threshold": "1", "reminder_days": "1", "alignment_window_days": "30"},
        ).status_code
        == 403
    )
    client.logout()
    sign_in(client, world.member(world.district, Role.ORG_ADMIN), world.district)
    assert (
        client.post(
            f"/service-map/{p}/settings/",
            {"framework_threshold": "40,000", "reminder_days": "14, 7, 1", "alignment_window_days": "90"},
        ).status_code
        == 302
    )
    assert settings_for(world.partnership).reminder_days == [14, 7, 1]
    assert (
        client.post(
            f"/service-map/{p}/settings/",
            {"framework_threshold": "x", "reminder_days": "soon", "alignment_window_days": "0"},
        ).status_code
        == 400
    )
    client.logout()
    sign_in(client, world.lead_commissioner, world.county)
    edit = {"title": "Independent living", "intended_outcomes": "x", "term_years": "2", "start_date": "2027-04-01"}
    refused = client.post(f"/commissions/{ex.commission.pk}/edit/", edit)
    assert refused.status_code == 400 and "Contributions fall outside the new term" in refused.content.decode()
    assert client.post(f"/commissions/{ex.commission.pk}/edit/", {**edit, "term_years": "3"}).status_code == 302
    assert (
        client.post(
            f"/commissions/{ex.commission.pk}/timetable/add/",
            {
                "name": "Market engagement event",
                "owner": "",
                "planned_start": "2026-12-01",
                "planned_end": "2026-12-01",
            },
        ).status_code
        == 302
    )
    assert Stage.objects.get().name == "Market engagement event"
    ex.confirm_all(world.county, ex.county_lead, [2027])
    first = ex.commission.contributions.get(organisation=world.county, financial_year=2027)
    client.logout()
    sign_in(client, world.member(world.county, Role.FINANCE_OFFICER), world.county)
    assert (
        client.post(
            f"/contributions/{first.pk}/transfer/", {"transferred_on": "2026-11-21", "reference": "SCC-99"}
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert first.status == "transferred"
    old = calendar_feed_for(user=world.lead_commissioner).token
    client.logout()
    sign_in(client, world.lead_commissioner, world.county)
    assert old in client.get("/calendar/").content.decode()
    client.post("/calendar/")
    assert old not in client.get("/calendar/").content.decode()
