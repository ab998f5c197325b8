"""The provider register ("tell us once"), as the council officer and the charity bid writer meet it: the county
puts Citizens Advice on the Lichfield partnership's register, approves it for named categories until a date, and
suspends it with a reason; the charity keeps its own details and documents once, is reminded before its insurance
expires, and its bids show those facts and documents without typing them again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commissioning.register.models import ProviderDocument, RegisterEntry
from commissioning.register.services import (
    document_reminders_enqueue,
    entry_approve,
    entry_facts_set,
    entry_register,
    entry_transition,
)
from commissioning.tasks import enqueue_document_expiry_reminders
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import Notification, OutboxEntry
from core.tenancy import unscoped
from tests.conftest import api_client
from tests.factories.commissioning import acting
from tests.factories.partners import ProviderFactory
from tests.factories.procurement import published_tender
from tests.factories.register import district_commissioner, document, on_register, pdf, registrar
from tests.query_counts import page_queries

TODAY = timezone.localdate()


def later(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


def test_a_commissioner_approves_a_provider_for_named_categories_until_a_date(world):
    entry = on_register(world)
    assert entry.status == "registered"
    approved = entry_approve(
        entry=entry, categories=["advice", "older_people"], approved_until=later(365), by=registrar(world)
    )
    assert approved.status == "approved"
    assert approved.category_labels == ["Advice, advocacy and information", "Older people"]
    assert approved.approved_for("advice", TODAY) and not approved.approved_for("housing", TODAY)
    assert not approved.approved_on(later(366))  # the approval runs out on its date
    note = Notification.objects.get(recipient=world.bidder, subject__contains="approved you")
    assert "until" in note.body


@pytest.mark.parametrize(
    ("categories", "until", "field"),
    [
        ([], 365, "categories"),
        (["fishing"], 365, "categories"),
        (["advice"], 0, "approved_until"),
        (["advice"], -3, "approved_until"),
    ],
)
def test_an_approval_needs_categories_and_a_future_date(world, categories, until, field):
    entry = on_register(world)
    with pytest.raises(DomainError) as refused:
        entry_approve(entry=entry, categories=categories, approved_until=later(until), by=registrar(world))
    assert field in refused.value.field_errors
    assert RegisterEntry.objects.get(pk=entry.pk).status == "registered"


def test_the_bare_approve_step_says_what_is_missing(world):
    entry = on_register(world)
    with pytest.raises(TransitionNotAllowed) as refused:
        entry_transition(entry=entry, name="approve", by=registrar(world))
    assert "Choose the categories the provider is approved for" in refused.value.problems


def test_suspension_needs_a_reason_which_the_provider_is_told(world):
    entry = on_register(world)
    with pytest.raises(DomainError):
        entry_transition(entry=entry, name="suspend", reason="  ", by=registrar(world))
    suspended = entry_transition(
        entry=entry, name="suspend", reason="Insurance lapsed on 1 March", by=district_commissioner(world)
    )
    assert suspended.status == "suspended" and suspended.suspended_reason == "Insurance lapsed on 1 March"
    assert Notification.objects.filter(recipient=world.bidder, body="Insurance lapsed on 1 March").exists()
    back = entry_transition(entry=suspended, name="reinstate", by=registrar(world))
    assert back.status == "registered" and back.suspended_reason == ""


def test_only_the_partnerships_commissioners_change_the_status(world):
    entry = on_register(world)
    with pytest.raises(TransitionNotAllowed):
        entry_transition(entry=entry, name="suspend", reason="No", by=acting(world.bidder, world.provider))
    with pytest.raises(TransitionNotAllowed):
        entry_transition(entry=entry, name="suspend", reason="No", by=acting(world.outsider, world.other_council))
    with pytest.raises(NotPermitted):
        entry_approve(
            entry=entry, categories=["advice"], approved_until=later(30), by=acting(world.bidder, world.provider)
        )


def test_a_provider_joins_a_register_and_keeps_its_own_details(world):
    entry = entry_register(
        partnership=world.partnership, organisation=world.provider, by=acting(world.bidder, world.provider)
    )
    assert entry.status == "registered"
    entry_facts_set(
        entry=entry,
        services_offered="Debt, benefits and housing advice",
        areas_served="Lichfield District",
        contact_name="Mo Hussain",
        contact_email="mo@example.org",
        by=acting(world.bidder, world.provider),
    )
    assert RegisterEntry.objects.get(pk=entry.pk).areas_served == "Lichfield District"
    with pytest.raises(NotPermitted):
        entry_facts_set(entry=entry, areas_served="Everywhere", by=registrar(world))
    with pytest.raises(NotPermitted):  # a provider cannot put another provider on a register
        entry_register(
            partnership=world.partnership,
            organisation=ProviderFactory(name="Another charity"),
            by=acting(world.bidder, world.provider),
        )


def test_the_register_page_shows_every_provider_and_documents_expiring(world, client, as_user):
    entry = on_register(world)
    entry_approve(entry=entry, categories=["advice"], approved_until=later(200), by=registrar(world))
    document(world, expires_in=10)
    as_user(world.lead_commissioner, world.county)
    page = client.get(reverse("provider-register", kwargs={"partnership_id": world.partnership.pk})).content.decode()
    assert "Citizens Advice Lichfield District" in page
    assert "Advice, advocacy and information, until" in page
    assert "1 expiring soon" in page
    detail = client.get(reverse("register-entry", kwargs={"entry_id": entry.pk})).content.decode()
    assert "Public liability insurance" in detail and "Suspend" in detail
    # another council's officer finds nothing there
    as_user(world.outsider, world.other_council)
    assert client.get(reverse("register-entry", kwargs={"entry_id": entry.pk})).status_code == 404


def test_the_register_runs_a_fixed_number_of_queries(world, client, as_user):
    on_register(world)
    as_user(world.lead_commissioner, world.county)
    url = reverse("provider-register", kwargs={"partnership_id": world.partnership.pk})
    one = page_queries(client, url, warm=True)
    for i in range(5):
        charity = ProviderFactory(name=f"Charity {i}")
        on_register(world, organisation=charity)
        document(world, organisation=charity, user=world.member(charity, "bidder"), expires_in=5 + i)
    assert page_queries(client, url, warm=True) == one


def test_a_provider_uploads_a_document_once_on_its_page_and_a_bad_file_is_refused(world, client, as_user):
    on_register(world)
    as_user(world.bidder, world.provider)
    refused = client.post(
        reverse("register-document-add"), {"kind": "insurance", "title": "Insurance", "file": pdf(name="x.exe")}
    )
    assert refused.status_code == 400
    no_date = client.post(reverse("register-document-add"), {"kind": "insurance", "title": "Insurance", "file": pdf()})
    assert no_date.status_code == 400 and "expires" in no_date.content.decode()
    done = client.post(
        reverse("register-document-add"),
        {"kind": "insurance", "title": "Insurance", "file": pdf(), "expires_on": later(100).isoformat()},
    )
    assert done.status_code == 302
    doc = ProviderDocument.objects.get(organisation=world.provider)
    mine = client.get(reverse("register-mine")).content.decode()
    assert "Insurance" in mine and "Lichfield Locality Commissioning Partnership" in mine
    # the county's commissioners read it, because the charity is on their register
    as_user(world.lead_commissioner, world.county)
    assert client.get(reverse("register-document-file", kwargs={"document_id": doc.pk})).status_code == 200
    as_user(world.outsider, world.other_council)
    assert client.get(reverse("register-document-file", kwargs={"document_id": doc.pk})).status_code == 404


def test_a_new_copy_replaces_the_old_one_which_is_kept(world):
    old = document(world, expires_in=5)
    new = document(world, expires_in=370)
    with unscoped(reason="test"):
        assert ProviderDocument.objects.get(pk=old.pk).removed_at is not None
        assert ProviderDocument.objects.get(pk=new.pk).removed_at is None


def test_the_provider_is_reminded_once_before_a_document_expires(world, django_capture_on_commit_callbacks):
    on_register(world)
    soon = document(world, expires_in=20, title="Insurance 2026")
    document(world, kind="safeguarding", expires_in=90, title="Safeguarding policy")
    mail.outbox.clear()
    for _ in range(2):  # the schedule runs twice (a restart, a second beat): one reminder
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_document_expiry_reminders.apply().get()
    key = f"register-document:{soon.pk}:expires:{soon.expires_on.isoformat()}"
    assert OutboxEntry.objects.filter(dedupe_key=key).count() == 1
    assert OutboxEntry.objects.filter(dedupe_key__startswith="register-document:").count() == 1
    [note] = Notification.objects.filter(dedupe_key__startswith=f"{key}:")
    assert note.recipient == world.bidder
    assert note.subject.startswith("Reminder: your insurance certificate expires on")
    with unscoped(reason="test"):
        assert document_reminders_enqueue(today=later(1)) == 0
        assert document_reminders_enqueue(today=later(70)) == 1  # the safeguarding policy's turn


def test_a_bid_shows_the_register_facts_and_current_documents(world, client, as_user):
    entry = on_register(world)
    entry_approve(entry=entry, categories=["older_people"], approved_until=later(300), by=registrar(world))
    entry_facts_set(entry=entry, services_offered="Advice for older people", by=acting(world.bidder, world.provider))
    current = document(world, expires_in=100, title="Insurance 2026 to 2027")
    tender = published_tender(world)
    as_user(world.bidder, world.provider)
    started = client.post(reverse("bid-start", kwargs={"opportunity_id": tender.pk}))
    assert started.status_code == 302
    page = client.get(started["Location"]).content.decode()
    assert "From your register entry" in page
    assert "Advice for older people" in page
    assert "Insurance 2026 to 2027" in page
    assert reverse("register-document-file", kwargs={"document_id": current.pk}) in page


def test_the_register_through_the_api(world):
    county = api_client(world.lead_commissioner, world.county)
    charity = api_client(world.bidder, world.provider)
    made = county.post(
        "/api/v1/register-entries/",
        {"partnership": world.partnership.pk, "organisation": world.provider.pk},
        format="json",
    )
    assert made.status_code == 201, made.json()
    entry_id = made.json()["id"]
    assert (
        charity.patch(f"/api/v1/register-entries/{entry_id}/", {"areas_served": "Lichfield"}, format="json").status_code
        == 200
    )
    assert (
        county.patch(f"/api/v1/register-entries/{entry_id}/", {"areas_served": "X"}, format="json").status_code == 403
    )
    approved = county.post(
        f"/api/v1/register-entries/{entry_id}/approve/",
        {"categories": ["advice"], "approved_until": later(100).isoformat()},
        format="json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    steps = county.get(f"/api/v1/register-entries/{entry_id}/transitions/").json()
    assert {s["transition"] for s in steps} == {"approve", "suspend"}
    blank = county.post(
        f"/api/v1/register-entries/{entry_id}/transition/", {"transition": "suspend", "reason": ""}, format="json"
    )
    assert blank.status_code == 400
    suspended = county.post(
        f"/api/v1/register-entries/{entry_id}/transition/", {"transition": "suspend", "reason": "Lapsed"}, format="json"
    )
    assert suspended.json()["status"] == "suspended"
    uploaded = charity.post(
        "/api/v1/provider-documents/",
        {"kind": "accounts", "title": "Accounts 2025", "file": pdf(name="accounts.pdf")},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert [d["title"] for d in county.get("/api/v1/provider-documents/").json()["results"]] == ["Accounts 2025"]
    history = county.get(f"/api/v1/provider-history/{entry_id}/")
    assert history.status_code == 200 and history.json()["bids"] == []
    outsider = api_client(world.outsider, world.other_council)
    assert outsider.get(f"/api/v1/register-entries/{entry_id}/").status_code == 404
    assert outsider.get(f"/api/v1/provider-history/{entry_id}/").status_code == 404
