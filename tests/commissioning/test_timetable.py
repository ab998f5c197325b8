"""The timetable: stages from the TSCiP template, editable and overlapping, a Gantt chart with its table, a
private iCal feed, and reminders (before a stage ends and when overdue) that each go out once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from icalendar import Calendar

from commissioning.lifecycle.services import commission_transition
from commissioning.service_map.services import evidence_add, settings_update
from commissioning.timetable.models import Stage
from commissioning.timetable.services import (
    TSCIP_TEMPLATE,
    calendar_feed_for,
    calendar_feed_reset,
    stage_add,
    stage_complete,
    stage_reminders_send,
    stage_update,
    template_dates,
    timetable_from_template,
)
from core.errors import DomainError, NotPermitted
from core.models import Notification
from core.money import money
from partners.models import Membership, Role
from tests.conftest import sign_in
from tests.factories.commissioning import acting

D = dt.date
TODAY = D(2027, 1, 10)


def test_template_is_the_tscip_timetable_fitted_to_the_contract_start():
    names = [name for _, name, _, _ in TSCIP_TEMPLATE]
    assert names == [
        "Confirm requirements",
        "Confirm three-year investment",
        "Sign-up with signed agreements",
        "Develop service outlines and consult partners",
        "Training for interested providers",
        "Tender",
        "Appraisal",
        "Standstill",
        "Collaborative KPI agreement",
        "Contract award signed",
        "Contract start",
    ]
    roomy = template_dates(begins_on=D(2025, 1, 1), contract_start=D(2027, 4, 1))
    assert roomy[-1][3] == D(2027, 4, 1) and roomy[0][2] == D(2027, 4, 1) - dt.timedelta(days=508)
    assert (roomy[5][3] - roomy[5][2]).days == (D(2012, 8, 20) - D(2012, 4, 2)).days  # tender keeps its length
    tight = template_dates(begins_on=D(2026, 11, 22), contract_start=D(2027, 4, 1))
    assert tight[0][2] == D(2026, 11, 22) and tight[-1][3] == D(2027, 4, 1)
    assert all(start <= end for _, _, start, end in tight)
    tender, appraisal = tight[5], tight[6]
    assert appraisal[2] < tender[3]  # stages overlap, as in the seed


def test_timetable_created_edited_and_completed(lichfield, world):
    lead = lichfield.county_lead
    stages = timetable_from_template(commission=lichfield.commission, begins_on=D(2026, 11, 22), by=lead)
    assert len(stages) == 11 and all(s.owner == world.lead_commissioner for s in stages)
    with pytest.raises(DomainError, match="already has a timetable"):
        timetable_from_template(commission=lichfield.commission, by=lead)
    tender = Stage.objects.get(commission=lichfield.commission, key="tender")
    district_user = lichfield.district_commissioner.user
    stage = stage_update(
        stage=tender,
        by=lead,
        name="Tender (staggered)",
        planned_start=D(2027, 1, 4),
        planned_end=D(2027, 2, 26),
        owner=district_user,
        notes="Two lots",
    )
    assert stage.owner_organisation == world.district
    with pytest.raises(DomainError, match="cannot own a stage"):
        stage_update(
            stage=tender,
            by=lead,
            name="Tender",
            planned_start=D(2027, 1, 4),
            planned_end=D(2027, 2, 26),
            owner=world.outsider,
        )
    with pytest.raises(DomainError) as refused:
        stage_update(
            stage=tender, by=lead, name="Tender", planned_start=D(2027, 3, 4), planned_end=D(2027, 2, 26), owner=None
        )
    assert "planned_end" in refused.value.field_errors
    with pytest.raises(NotPermitted):
        stage_update(
            stage=tender,
            by=lichfield.district_commissioner,
            name="x",
            planned_start=D(2027, 1, 4),
            planned_end=D(2027, 2, 26),
            owner=None,
        )
    done = stage_complete(stage=tender, by=lichfield.district_commissioner, completed_on=D(2026, 11, 20))  # its owner
    assert done.completed_on == D(2026, 11, 20)
    extra = stage_add(
        commission=lichfield.commission,
        name="Market engagement event",
        planned_start=D(2026, 12, 1),
        planned_end=D(2026, 12, 1),
        by=lead,
    )
    assert extra.position == 12


def test_timetable_page_has_gantt_and_table(lichfield, world, client):
    timetable_from_template(commission=lichfield.commission, begins_on=D(2026, 11, 22), by=lichfield.county_lead)
    sign_in(client, world.finance_officer, world.district)
    page = client.get(f"/commissions/{lichfield.commission.pk}/timetable/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="gantt-title"' in page
    assert page.count('<th scope="row" class="govuk-table__header">') == 11
    assert "Collaborative KPI agreement" in page


def test_the_lead_creates_the_timetable_on_its_page(lichfield, world, client):
    sign_in(client, world.lead_commissioner, world.county)
    response = client.post(f"/commissions/{lichfield.commission.pk}/timetable/", {"begins_on": "2026-11-22"})
    assert response.status_code == 302
    assert Stage.objects.filter(commission=lichfield.commission).count() == 11
    stage = Stage.objects.filter(commission=lichfield.commission).first()
    owner = Membership.objects.get(user=lichfield.district_commissioner.user)
    response = client.post(
        f"/stages/{stage.pk}/edit/",
        {
            "name": stage.name,
            "owner": owner.pk,
            "planned_start": "2026-11-22",
            "planned_end": "2026-12-20",
            "completed_on": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.owner == lichfield.district_commissioner.user and stage.planned_end == D(2026, 12, 20)


# ---- iCal ------------------------------------------------------------------------------------------------------


def test_ical_feed_per_user_with_stages_and_deadlines(lichfield, world, client):
    timetable_from_template(commission=lichfield.commission, begins_on=D(2026, 11, 22), by=lichfield.county_lead)
    tender = Stage.objects.get(commission=lichfield.commission, key="tender")
    district_user = lichfield.district_commissioner.user
    stage_update(
        stage=tender,
        by=lichfield.county_lead,
        name="Tender",
        planned_start=tender.planned_start,
        planned_end=tender.planned_end,
        owner=district_user,
    )
    feed = calendar_feed_for(user=district_user)
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        f"Deadline: Tender ({lichfield.commission.title})",
        f"Tender: {lichfield.commission.title}",
    ]
    span = next(e for e in events if not str(e["SUMMARY"]).startswith("Deadline"))
    assert span["DTSTART"].dt == tender.planned_start and span["DTEND"].dt == tender.planned_end + dt.timedelta(days=1)
    # the lead commissioner's feed has every stage of the commission it leads
    lead_feed = calendar_feed_for(user=world.lead_commissioner)
    assert len(Calendar.from_ical(client.get(f"/calendar/{lead_feed.token}.ics").content).walk("VEVENT")) == 22
    # a wrong address is a 404; a new address retires the old one; leaving the organisation empties the feed
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    new = calendar_feed_reset(by=lichfield.district_commissioner)
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
    Membership.objects.filter(user=district_user).update(is_active=False)
    assert Calendar.from_ical(client.get(f"/calendar/{new.token}.ics").content).walk("VEVENT") == []


# ---- reminders (logic; the real-worker proofs are in test_reminders_worker.py) --------------------------------


def reminder_stages(ex):
    """Ends in 7 days (owned by the district), in 1 day, 5 days ago (owned by the district), later, and one done."""
    lead = ex.county_lead
    district_user = ex.district_commissioner.user

    def add(name, end, owner):
        return stage_add(
            commission=ex.commission, name=name, planned_start=D(2026, 11, 1), planned_end=end, owner=owner, by=lead
        )

    stages = {
        "week": add("Develop service outlines", TODAY + dt.timedelta(days=7), district_user),
        "day": add("Confirm requirements", TODAY + dt.timedelta(days=1), ex.world.lead_commissioner),
        "late": add("Training for providers", TODAY - dt.timedelta(days=5), district_user),
        "later": add("Tender", TODAY + dt.timedelta(days=30), district_user),
        "done": add("Sign-up", TODAY - dt.timedelta(days=2), district_user),
    }
    stage_complete(stage=stages["done"], completed_on=D(2026, 11, 20), by=lead)
    return stages


EXPECTED_KEYS = 5  # week: owner + lead; day: lead is the owner (once); late: owner + lead


def test_reminders_go_to_owner_and_lead_once(lichfield, world, django_capture_on_commit_callbacks):
    stages = reminder_stages(lichfield)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert stage_reminders_send(today=TODAY) == EXPECTED_KEYS
    with django_capture_on_commit_callbacks(execute=True):
        assert stage_reminders_send(today=TODAY) == 0  # a second run sends nothing
    keys = sorted(
        Notification.objects.filter(dedupe_key__startswith="stage:").values_list("dedupe_key", "recipient_id")
    )
    district_user = lichfield.district_commissioner.user
    lead = world.lead_commissioner
    assert keys == sorted(
        [
            (f"stage:{stages['week'].pk}:due:7:2027-01-17:u{district_user.pk}", district_user.pk),
            (f"stage:{stages['week'].pk}:due:7:2027-01-17:u{lead.pk}", lead.pk),
            (f"stage:{stages['day'].pk}:due:1:2027-01-11:u{lead.pk}", lead.pk),
            (f"stage:{stages['late'].pk}:overdue:2027-01-05:u{district_user.pk}", district_user.pk),
            (f"stage:{stages['late'].pk}:overdue:2027-01-05:u{lead.pk}", lead.pk),
        ]
    )
    overdue = Notification.objects.get(recipient=district_user, dedupe_key__contains="overdue")
    assert overdue.subject == f"Overdue: Training for providers for {lichfield.commission.title}"
    assert (
        overdue.organisation == world.district and overdue.url == f"/commissions/{lichfield.commission.pk}/timetable/"
    )
    assert len(mail.outbox) == EXPECTED_KEYS
    # six days later the week-ahead stage reaches its 1-day reminder (a different reminder, once)
    with django_capture_on_commit_callbacks(execute=True):
        assert stage_reminders_send(today=TODAY + dt.timedelta(days=6)) == 3  # week: due:1 x2, day: overdue
    # re-planning a stage gives it fresh reminders
    stage_update(
        stage=stages["late"],
        by=lichfield.county_lead,
        name="Training for providers",
        planned_start=D(2026, 11, 1),
        planned_end=TODAY + dt.timedelta(days=7),
        owner=lichfield.district_commissioner.user,
    )
    assert stage_reminders_send(today=TODAY + dt.timedelta(days=6)) == 2


def test_reminder_days_are_configurable_per_partnership(lichfield, world):
    reminder_stages(lichfield)
    settings_update(
        partnership=world.partnership,
        framework_threshold=money("35000"),
        reminder_days=[14],
        alignment_window_days=183,
        by=acting(world.member(world.district, Role.ORG_ADMIN), world.district),
    )
    stage_reminders_send(today=TODAY)
    keys = list(Notification.objects.filter(dedupe_key__startswith="stage:").values_list("dedupe_key", flat=True))
    assert all(":due:14:" in k or ":overdue:" in k for k in keys)
    assert sum(":due:14:" in k for k in keys) == 3  # week (owner + lead), day (lead)


def test_no_reminders_for_closed_commissions(lichfield):
    reminder_stages(lichfield)
    commission_transition(commission=lichfield.commission, name="close", by=lichfield.county_lead, reason="Abandoned")
    assert stage_reminders_send(today=TODAY) == 0


def test_an_owner_who_left_is_not_reminded_but_the_lead_is(lichfield, world):
    reminder_stages(lichfield)
    Membership.objects.filter(user=lichfield.district_commissioner.user).update(is_active=False)
    stage_reminders_send(today=TODAY)
    recipients = set(
        Notification.objects.filter(dedupe_key__startswith="stage:").values_list("recipient_id", flat=True)
    )
    assert recipients == {world.lead_commissioner.pk}


def test_evidence_links_must_be_web_addresses(world):
    with pytest.raises(DomainError, match="web address"):
        evidence_add(
            partnership=world.partnership,
            title="x",
            url="javascript:alert(1)",
            by=acting(world.lead_commissioner, world.county),
        )
