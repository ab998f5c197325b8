"""A charity's bid writer applies to Lichfield's Food Poverty and Health Grants Scheme: finds the round, checks it
may apply (refused with the reason when it may not), saves its answers (each within its word limit) and comes back,
checks its answers, accepts the declaration and submits before the closing time, and is emailed a PDF copy. A
submission after the closing time, judged on the server's clock, is refused and recorded as late."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from commissioning.register.services import entry_facts_set
from core import handlers, opportunities
from core.errors import DomainError, NotPermitted
from core.models import AuditEvent
from grants.applications import services
from grants.applications.models import ApplicationAnswer, ApplicationVersion, GrantApplication
from grants.applications.rules import LateSubmission
from grants.programmes import services as programme_services
from grants.programmes.models import GrantProgramme
from partners.models import OrganisationKind
from tests.conftest import sign_in
from tests.factories.grants import applicant, filled, food_poverty_round, submitted
from tests.factories.register import document, on_register
from tests.query_counts import page_queries

ONE = dt.timedelta(seconds=1)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- the lead opens the round -------------------------------------------------------------------------------------


def test_the_round_opens_only_when_the_criteria_add_up_and_the_form_has_questions(world):
    rnd = food_poverty_round(world, open_it=False)
    programme = rnd.programme
    criterion = programme.criteria.get(name="Value for money")
    programme_services.criterion_remove(criterion=criterion, by=rnd.lead)
    with pytest.raises(DomainError) as refused:
        programme_services.programme_open(programme=programme, by=rnd.lead)
    assert "The criteria's weights add up to 60%: they must add up to 100%" in refused.value.problems
    programme_services.criterion_add(programme=programme, by=rnd.lead, name="Value for money", weight=40)
    announced: list[opportunities.Opportunity] = []
    with handlers.override(opportunities.ANNOUNCER, announce=announced.append):
        opened = programme_services.programme_open(programme=programme, by=rnd.lead)
    assert opened.status == "open" and opened.opened_at is not None
    assert [o.kind for o in announced] == ["grant_round"]
    assert announced[0].key == f"grant_round:{programme.pk}"
    assert announced[0].category == "food"  # followers of "Food poverty and health" hear of it
    assert announced[0].url == reverse("grant-programme-public", kwargs={"grant_round_id": programme.pk})
    # The digest's source lists it while it is open.
    found = opportunities.sources()["grant_rounds"](partnership_ids={programme.partnership_id}, now=opened.opens_at)
    assert [o.title for o in found] == ["Food Poverty and Health Grants Scheme"]


def test_a_criterion_that_would_take_the_weights_over_100_is_refused_next_to_the_weight(world):
    rnd = food_poverty_round(world, open_it=False)
    with pytest.raises(DomainError) as refused:
        programme_services.criterion_add(programme=rnd.programme, by=rnd.lead, name="Reach", weight=10)
    assert refused.value.field == "weight"
    assert "at most 0% is left" in refused.value.message


def test_only_the_lead_commissioner_sets_up_the_round(world):
    rnd = food_poverty_round(world, open_it=False)
    _, charity = applicant(world, "Lichfield Foodbank")
    with pytest.raises(NotPermitted):
        programme_services.section_add(programme=rnd.programme, by=charity, title="Sneaky")


# --- eligibility ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "income", "reason"),
    [
        (OrganisationKind.PRIVATE_COMPANY, Decimal("45000"), "Only voluntary and community organisations may apply"),
        (OrganisationKind.CHARITY, Decimal("300000.00"), "Your annual income of £300,000.00 is above"),
        (OrganisationKind.CHARITY, None, "Add your annual income to your organisation's profile"),
        (OrganisationKind.CIC, Decimal("45000"), "This programme is open to charity"),
    ],
    ids=["company", "income-too-high", "income-unknown", "kind-not-eligible"],
)
def test_an_ineligible_organisation_is_refused_with_the_reason(world, kind, income, reason):
    rnd = food_poverty_round(world, eligible_kinds=[OrganisationKind.CHARITY, OrganisationKind.CIO])
    _, by = applicant(world, f"Applicant {kind} {income}", kind=kind, income=income)
    with pytest.raises(DomainError) as refused:
        services.application_start(programme=rnd.programme, by=by)
    assert any(reason in p for p in refused.value.problems), refused.value.problems
    assert not GrantApplication._base_manager.filter(programme=rnd.programme).exists()


def test_the_start_page_says_why_an_organisation_cannot_apply(world, client):
    rnd = food_poverty_round(world)
    org, by = applicant(world, "Big Charity", income=Decimal("900000.00"))
    sign_in(client, by.user, org)
    url = reverse("grant-application-start", kwargs={"grant_round_id": rnd.programme.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert (
        "Your annual income of £900,000.00 is above this programme&#x27;s limit of £250,000.00" in page.content.decode()
    )
    refused = client.post(url)
    assert refused.status_code == 400
    assert not GrantApplication._base_manager.filter(organisation=org).exists()


# --- saving and returning, word limits ------------------------------------------------------------------------------


def test_an_answer_over_its_word_limit_is_refused_naming_the_question_and_how_many_words_to_cut(world):
    rnd = food_poverty_round(world, word_limit=20)
    _, by = applicant(world, "Lichfield Foodbank")
    application = services.application_start(programme=rnd.programme, by=by)
    need, spend = rnd.questions
    with pytest.raises(DomainError) as refused:
        services.application_save_answers(
            application=application, by=by, answers={need.pk: "word " * 23, spend.pk: "Staff and food"}
        )
    assert refused.value.field == f"q{need.pk}"
    assert refused.value.message == (
        "Your answer to 'What need will your project meet?' is 23 words: the limit is 20. Cut 3 words"
    )
    assert not ApplicationAnswer._base_manager.filter(application=application).exists()  # nothing half-saved
    services.application_save_answers(application=application, by=by, answers={need.pk: "word " * 20})
    assert ApplicationAnswer._base_manager.get(application=application, question=need).text.count("word") == 20


def test_the_one_page_form_keeps_what_was_typed_when_an_answer_is_too_long(world, client):
    rnd = food_poverty_round(world, word_limit=20)
    org, by = applicant(world, "Lichfield Foodbank")
    application = services.application_start(programme=rnd.programme, by=by)
    need, spend = rnd.questions
    sign_in(client, by.user, org)
    url = reverse("grant-application-form", kwargs={"application_id": application.public_id})
    long_answer = "hungry " * 25
    response = client.post(
        url,
        {
            "project_title": "Community fridge",
            "project_summary": "",
            "amount_requested": "1500.00",
            f"q{need.pk}": long_answer,
            f"q{spend.pk}": "Food",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "is 25 words: the limit is 20. Cut 5 words" in text
    assert "Community fridge" in text and "hungry hungry" in text


def test_a_sectioned_application_is_saved_section_by_section_and_returned_to(world, client):
    rnd = food_poverty_round(world, small=False)
    org, by = applicant(world, "Lichfield Foodbank")
    sign_in(client, by.user, org)
    start = client.post(reverse("grant-application-start", kwargs={"grant_round_id": rnd.programme.pk}))
    application = GrantApplication._base_manager.get(organisation=org)
    assert start.status_code == 302
    overview = reverse("grant-application", kwargs={"application_id": application.public_id})
    page = client.get(overview).content.decode()
    assert "Charity number" in page and org.charity_number in page  # shown from the profile, not typed again
    section = rnd.programme.sections.get()
    need, spend = rnd.questions
    client.post(
        reverse(
            "grant-application-section", kwargs={"application_id": application.public_id, "section_id": section.pk}
        ),
        {f"q{need.pk}": "Families skip meals", f"q{spend.pk}": ""},
    )
    again = client.get(
        reverse("grant-application-section", kwargs={"application_id": application.public_id, "section_id": section.pk})
    )
    assert "Families skip meals" in again.content.decode()


# --- submitting -----------------------------------------------------------------------------------------------------


def test_submitting_gives_a_receipt_and_emails_a_pdf_copy(world, django_capture_on_commit_callbacks):
    rnd = food_poverty_round(world)
    org, by = applicant(world, "Lichfield Foodbank")
    application = filled(rnd, by)
    with pytest.raises(DomainError, match="Confirm the declaration"):
        services.application_submit(application=application, by=by, declaration=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = services.application_submit(application=application, by=by, declaration=True)
    application = GrantApplication._base_manager.get(pk=application.pk)
    assert application.status == "submitted"
    assert application.receipt_sha256 == version.sha256 and len(version.sha256) == 64
    assert version.content["applicant"]["charity_number"] == org.charity_number
    assert version.content["project"]["amount_requested"] == "1500.00"
    [email] = [m for m in mail.outbox if "was received" in m.subject]
    assert email.to == [by.user.email]
    assert version.sha256 in email.body
    [(filename, content, mimetype)] = email.attachments
    assert filename == f"grant-application-{version.public_id}.pdf" and mimetype == "application/pdf"
    text = pdf_text(content)
    assert "Food Poverty and Health Grants Scheme" in text
    assert "Community fridge and cookery classes" in text
    assert "Lichfield Foodbank" in text


def test_the_check_your_answers_page_asks_for_the_declaration_then_submits(world, client):
    rnd = food_poverty_round(world)
    org, by = applicant(world, "Lichfield Foodbank")
    application = filled(rnd, by)
    sign_in(client, by.user, org)
    url = reverse("grant-application-check", kwargs={"application_id": application.public_id})
    page = client.get(url).content.decode()
    assert "Check your answers before submitting your application" in page
    assert "Community fridge and cookery classes" in page
    refused = client.post(url, {})
    assert refused.status_code == 400 and "Confirm the declaration" in refused.content.decode()
    done = client.post(url, {"declaration": "on"})
    assert done.status_code == 302
    assert GrantApplication._base_manager.get(pk=application.pk).status == "submitted"
    copy = client.get(reverse("grant-application-copy", kwargs={"application_id": application.public_id}))
    assert copy.status_code == 200 and copy["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-ONE, True), (dt.timedelta(0), False), (ONE, False)], ids=["1s-before", "at", "1s-after"]
)
def test_the_closing_time_is_judged_on_the_server_and_a_late_application_is_recorded_as_refused(
    world, offset, accepted
):
    rnd = food_poverty_round(world)
    _, by = applicant(world, "Lichfield Foodbank")
    application = filled(rnd, by)
    with time_machine.travel(rnd.programme.closes_at + offset, tick=False):
        if accepted:
            version = services.submit_or_refuse_late(application=application, by=by, declaration=True)
            assert version.submitted_at == rnd.programme.closes_at - ONE
        else:
            with pytest.raises(LateSubmission, match="late applications cannot be accepted"):
                services.submit_or_refuse_late(application=application, by=by, declaration=True)
    refreshed = GrantApplication._base_manager.get(pk=application.pk)
    if accepted:
        assert refreshed.status == "submitted"
    else:
        assert refreshed.status == "late" and refreshed.late_at is not None
        assert not ApplicationVersion._base_manager.filter(application=application).exists()
        assert AuditEvent.objects.filter(action="grant_application.refuse_late").exists()


def test_a_late_submission_through_the_page_says_so_and_keeps_the_record(world, client):
    rnd = food_poverty_round(world)
    org, by = applicant(world, "Lichfield Foodbank")
    application = filled(rnd, by)
    with time_machine.travel(rnd.programme.closes_at + ONE, tick=False):
        sign_in(client, by.user, org)
        response = client.post(
            reverse("grant-application-check", kwargs={"application_id": application.public_id}),
            {"declaration": "on"},
        )
    assert response.status_code == 400
    assert "late applications cannot be accepted" in response.content.decode()
    assert GrantApplication._base_manager.get(pk=application.pk).status == "late"


# --- withdrawing ---------------------------------------------------------------------------------------------------


def test_withdrawing_before_closing_asks_for_confirmation_and_can_be_resubmitted(world, client):
    rnd = food_poverty_round(world)
    org, by = applicant(world, "Lichfield Foodbank")
    application, _ = submitted(rnd, by)
    sign_in(client, by.user, org)
    url = reverse("grant-application-withdraw", kwargs={"application_id": application.public_id})
    confirm = client.get(url)
    assert "Are you sure you want to withdraw your application?" in confirm.content.decode()
    assert client.post(url, {"reason": "We found other funding"}).status_code == 302
    withdrawn = GrantApplication._base_manager.get(pk=application.pk)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawal_reason == "We found other funding"
    version = services.application_submit(application=withdrawn, by=by, declaration=True)
    assert version.number == 2


def test_withdrawing_after_closing_is_refused(world):
    rnd = food_poverty_round(world)
    _, by = applicant(world, "Lichfield Foodbank")
    application, _ = submitted(rnd, by)
    with time_machine.travel(rnd.programme.closes_at + ONE, tick=False), pytest.raises(DomainError):
        services.application_withdraw(application=application, by=by)
    assert GrantApplication._base_manager.get(pk=application.pk).status == "submitted"


def test_the_public_list_shows_open_rounds_only(world, client):
    rnd = food_poverty_round(world)
    draft = food_poverty_round(world, open_it=False, word_limit=99)
    page = client.get(reverse("grant-programmes-public")).content.decode()
    assert page.count("Food Poverty and Health Grants Scheme") == 1
    assert client.get(reverse("grant-programme-public", kwargs={"grant_round_id": rnd.programme.pk})).status_code == 200
    assert (
        client.get(reverse("grant-programme-public", kwargs={"grant_round_id": draft.programme.pk})).status_code == 404
    )
    assert GrantProgramme._base_manager.count() == 2


def test_an_application_shows_the_register_entry_and_current_documents_without_retyping(world, client):
    """Tell us once: the applicant's register entry and its current documents appear on the application, by
    reference, as they do on a bid; nothing is typed again, and the page reads them before it renders."""
    rnd = food_poverty_round(world, income_max=None)
    org, by = applicant(world, "Burntwood Community Pantry")
    entry = on_register(world, organisation=org, partnership=rnd.programme.partnership)
    entry_facts_set(entry=entry, services_offered="A community pantry and cookery sessions", by=by)
    current = document(world, organisation=org, user=by.user, title="Insurance 2026 to 2027")
    application = services.application_start(programme=rnd.programme, by=by)
    sign_in(client, by.user, org)
    url = reverse("grant-application", kwargs={"application_id": application.public_id})
    assert page_queries(client, url, render_queries=0) > 0
    page = client.get(url).content.decode()
    assert "From the partnership&#x27;s provider register" in page or "From the partnership's provider register" in page
    assert "A community pantry and cookery sessions" in page
    assert "Insurance 2026 to 2027" in page
    assert reverse("register-document-file", kwargs={"document_id": current.pk}) in page
