"""'Do nothing' and other decisions on the map (seed 000, recommendation 2): a partner records "keep as it is" or
"look at a stand-alone model later" for one of its contracts or a whole service area, with a reason and a review
date, without inventing a commission; the map shows it, and the partner is reminded once when the date comes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.schedule import BEAT_SCHEDULE
from commissioning.service_map.models import MapDecision
from commissioning.service_map.services import map_decision_record, map_decision_reminders_send
from commissioning.tasks import send_map_decision_reminders
from core.errors import DomainError, NotPermitted
from core.models import Notification
from core.tenancy import unscoped
from tests.conftest import sign_in
from tests.factories.commissioning import MappedContractFactory


@pytest.fixture
def county_contract(lichfield, world):
    with unscoped(reason="test set-up"):
        return MappedContractFactory(
            service_area=lichfield.area, funder=world.county, provider_name="Burntwood Advice", title="Debt advice"
        )


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def test_keep_as_it_is_is_recorded_without_a_commission(lichfield, county_contract):
    before = JointCommission.objects.unscoped(reason="test").count()
    d = map_decision_record(
        service_area=lichfield.area,
        contract=county_contract,
        kind=MapDecision.Kind.KEEP,
        reason="The contract performs well and ends after the joint commission starts",
        review_on=in_days(365),
        by=lichfield.county_lead,
    )
    assert (d.kind, d.organisation_id, d.contract_id) == ("keep", lichfield.county.pk, county_contract.pk)
    assert JointCommission.objects.unscoped(reason="test").count() == before
    whole = map_decision_record(
        service_area=lichfield.area,
        kind=MapDecision.Kind.STANDALONE_LATER,
        reason="Only two partners fund this; look at a stand-alone partnership when contracts end",
        review_on=in_days(200),
        by=lichfield.district_commissioner,
    )
    assert whole.contract is None and whole.organisation_id == lichfield.district.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"review_on": "today"}, "review_on"),
        ({"review_on": "past"}, "review_on"),
        ({"review_on": "far"}, "review_on"),
        ({"kind": "abolish"}, "kind"),
        ({"kind": "end", "contract": None}, "contract"),
    ],
)
def test_a_decision_needs_a_reason_and_a_future_review_date(lichfield, county_contract, changes, field):
    dates = {"today": in_days(0), "past": in_days(-1), "far": in_days(366 * 11)}
    values = {"kind": "keep", "reason": "Works well", "review_on": in_days(90), "contract": county_contract}
    values.update(changes)
    if isinstance(values["review_on"], str):
        values["review_on"] = dates[values["review_on"]]
    with pytest.raises(DomainError) as refused:
        map_decision_record(service_area=lichfield.area, by=lichfield.county_lead, **values)
    assert refused.value.field == field


def test_a_partner_decides_only_about_its_own_contracts(lichfield, county_contract):
    with pytest.raises(NotPermitted):
        map_decision_record(
            service_area=lichfield.area,
            contract=county_contract,
            kind="keep",
            reason="Not ours",
            review_on=in_days(30),
            by=lichfield.district_commissioner,
        )


def test_the_reminder_goes_once_per_decision_per_review_date(lichfield, county_contract, world):
    d = map_decision_record(
        service_area=lichfield.area,
        contract=county_contract,
        kind="keep",
        reason="Works well",
        review_on=in_days(10),
        by=lichfield.county_lead,
    )
    assert map_decision_reminders_send(today=in_days(9)) == 0
    assert map_decision_reminders_send(today=in_days(10)) >= 1
    assert map_decision_reminders_send(today=in_days(11)) == 0  # once only
    assert send_map_decision_reminders(today=in_days(12).isoformat()) == 0  # the task, run again by the beat
    told = Notification.objects.unscoped(reason="test").filter(recipient=world.lead_commissioner)
    assert told.filter(subject__startswith="Time to review: keep as it is").count() == 1
    # A new review date is a new reminder.
    MapDecision.objects.unscoped(reason="test").filter(pk=d.pk).update(review_on=in_days(40))
    assert map_decision_reminders_send(today=in_days(40)) >= 1
    assert told.filter(subject__startswith="Time to review").count() == 2
    assert (
        BEAT_SCHEDULE["commissioning-map-decision-reminders"]["task"]
        == "commissioning.tasks.send_map_decision_reminders"
    )


def test_the_map_shows_decisions_and_the_review_due(client, lichfield, world, county_contract):
    sign_in(client, world.lead_commissioner, world.county)
    url = f"/service-map/areas/{lichfield.area.pk}/decisions/new/"
    bad = client.post(url, {"contract": county_contract.pk, "kind": "keep", "reason": "", "review_on": "2028-04-01"})
    assert bad.status_code == 400 and 'value="2028-04-01"' in bad.content.decode()
    ok = client.post(
        url, {"contract": county_contract.pk, "kind": "keep", "reason": "Performs well", "review_on": "2028-04-01"}
    )
    assert ok.status_code == 302
    page = client.get(f"/service-map/areas/{lichfield.area.pk}/").content.decode()
    assert 'data-testid="decision-tag"' in page and "Performs well" in page and "Keep as it is" in page
    assert 'data-testid="reviews-due"' not in page
    MapDecision.objects.unscoped(reason="test").update(review_on=in_days(-1))
    page = client.get(f"/service-map/areas/{lichfield.area.pk}/").content.decode()
    assert 'data-testid="reviews-due"' in page and "Review due" in page
