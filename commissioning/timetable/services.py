"""Writes (keyword-only, atomic, audited): the commission's timetable: stages, reminders and the calendar feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import OPEN_STATUSES, JointCommission, Participation, ParticipationStatus
from commissioning.commissions.permissions import is_lead
from commissioning.commissions.rules import require_lead
from commissioning.commissions.services import LOCK, commissioners_of, lock_commission
from commissioning.service_map.models import DEFAULT_REMINDER_DAYS, CommissioningSettings
from commissioning.timetable.models import CalendarFeed, Stage
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.notifications import Message, fan_out, messages
from core.service import service
from core.tenancy import unscoped
from partners.models import Membership, Organisation, User

# The TSCiP stage-3 timetable (Tamworth cabinet report, 2011), with its real planned dates. A new timetable keeps
# each stage's offsets and lengths, fitted to end when the new contract starts.
TSCIP_TEMPLATE: tuple[tuple[str, str, dt.date, dt.date], ...] = (
    ("requirements", "Confirm requirements", dt.date(2011, 11, 10), dt.date(2011, 12, 16)),
    ("investment", "Confirm three-year investment", dt.date(2011, 11, 10), dt.date(2011, 12, 16)),
    ("sign_up", "Sign-up with signed agreements", dt.date(2011, 11, 10), dt.date(2011, 12, 16)),
    ("outlines", "Develop service outlines and consult partners", dt.date(2012, 1, 2), dt.date(2012, 2, 24)),
    ("training", "Training for interested providers", dt.date(2012, 1, 16), dt.date(2012, 2, 10)),
    ("tender", "Tender", dt.date(2012, 4, 2), dt.date(2012, 8, 20)),
    ("appraisal", "Appraisal", dt.date(2012, 7, 9), dt.date(2012, 9, 17)),
    ("standstill", "Standstill", dt.date(2012, 7, 30), dt.date(2012, 10, 8)),
    ("kpis", "Collaborative KPI agreement", dt.date(2012, 8, 20), dt.date(2012, 10, 22)),
    ("award", "Contract award signed", dt.date(2012, 9, 3), dt.date(2012, 11, 5)),
    ("contract_start", "Contract start", dt.date(2013, 1, 1), dt.date(2013, 4, 1)),
)


_TEMPLATE_START = TSCIP_TEMPLATE[0][2]


_TEMPLATE_SPAN = (TSCIP_TEMPLATE[-1][3] - _TEMPLATE_START).days  # 508 days


MIN_FITTED_SPAN = 60


def template_dates(*, begins_on: dt.date, contract_start: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """The template's stages with dates: ending on the contract start date when there is time (starting later than
    ``begins_on`` if need be), compressed proportionally when there is less time, never before ``begins_on``."""
    available = (contract_start - begins_on).days
    if available >= _TEMPLATE_SPAN:
        origin, factor = contract_start - dt.timedelta(days=_TEMPLATE_SPAN), 1.0
    elif available >= MIN_FITTED_SPAN:
        origin, factor = begins_on, available / _TEMPLATE_SPAN
    else:
        origin, factor = begins_on, 1.0
    out = []
    for key, name, start, end in TSCIP_TEMPLATE:
        s = origin + dt.timedelta(days=round((start - _TEMPLATE_START).days * factor))
        e = origin + dt.timedelta(days=round((end - _TEMPLATE_START).days * factor))
        out.append((key, name, s, max(e, s)))
    return out


def _owner_organisation(commission: JointCommission, owner: User | None) -> Organisation | None:
    """The organisation through which ``owner`` may own a stage: the lead, or a partner taking part."""
    if owner is None:
        return None
    eligible = [
        commission.lead_id,
        *list(
            Participation.objects.filter(commission=commission, status=ParticipationStatus.ACCEPTED).values_list(
                "organisation_id", flat=True
            )
        ),
    ]
    memberships = {
        m.organisation_id: m
        for m in Membership.objects.unscoped(reason="stage owners may be people at any partner organisation")
        .filter(user=owner, is_active=True, organisation_id__in=eligible)
        .select_related("organisation")
    }
    for organisation_id in eligible:
        if organisation_id in memberships:
            return memberships[organisation_id].organisation
    raise DomainError(
        f"{owner} does not work for the lead or a partner taking part, so cannot own a stage", field="owner"
    )


@service
def timetable_from_template(
    *, commission: JointCommission, by: Actor, begins_on: dt.date | None = None, owner: User | None = None
) -> list[Stage]:
    """Create the commission's stages from the TSCiP timetable template."""
    commission = lock_commission(commission)
    require_lead(commission, by, "set up the timetable")
    if not commission.is_open:
        raise DomainError(f"The commission is {commission.get_status_display().lower()}")
    if Stage.objects.filter(commission=commission).exists():
        raise DomainError("The commission already has a timetable: change its stages instead")
    begins_on = begins_on or timezone.localdate()
    owner = owner or commission.lead_contact or by.user
    owner_org = _owner_organisation(commission, owner)
    stages = [
        Stage(
            commission=commission,
            key=key,
            name=name,
            position=i,
            owner=owner,
            owner_organisation=owner_org,
            planned_start=start,
            planned_end=end,
        )
        for i, (key, name, start, end) in enumerate(
            template_dates(begins_on=begins_on, contract_start=commission.start_date), start=1
        )
    ]
    Stage.objects.bulk_create(stages)
    audit.record(
        obj=commission,
        action="commission.timetable_created",
        by=by,
        data={"stages": len(stages), "begins_on": begins_on.isoformat()},
    )
    return stages


def _check_stage_dates(planned_start: dt.date | None, planned_end: dt.date | None) -> None:
    problems: dict[str, list[str]] = {}
    if planned_start is None:
        problems["planned_start"] = ["Enter the planned start"]
    if planned_end is None:
        problems["planned_end"] = ["Enter the planned end"]
    if planned_start and planned_end and planned_end < planned_start:
        problems["planned_end"] = ["The planned end must be on or after the planned start"]
    if problems:
        raise DomainError("Check the stage's dates", field_errors=problems)


@service
def stage_add(
    *,
    commission: JointCommission,
    name: str,
    planned_start: dt.date,
    planned_end: dt.date,
    by: Actor,
    owner: User | None = None,
) -> Stage:
    require_lead(commission, by, "change the timetable")
    if not name.strip():
        raise DomainError("Enter the stage's name", field="name")
    _check_stage_dates(planned_start, planned_end)
    position = (
        Stage.objects.filter(commission=commission).order_by("-position").values_list("position", flat=True).first()
        or 0
    ) + 1
    stage = Stage.objects.create(
        commission=commission,
        name=name.strip(),
        position=position,
        owner=owner,
        owner_organisation=_owner_organisation(commission, owner),
        planned_start=planned_start,
        planned_end=planned_end,
    )
    audit.record(obj=stage, action="stage.added", by=by)
    return stage


@service
def stage_update(
    *,
    stage: Stage,
    by: Actor,
    name: str,
    planned_start: dt.date,
    planned_end: dt.date,
    owner: User | None,
    completed_on: dt.date | None = None,
    notes: str = "",
) -> Stage:
    """The lead changes any stage: name, owner, planned dates, actual completion (stages may overlap)."""
    stage = (
        Stage.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("commission")
        .get(pk=stage.pk)
    )
    require_lead(stage.commission, by, "change the timetable")
    if not name.strip():
        raise DomainError("Enter the stage's name", field="name")
    _check_stage_dates(planned_start, planned_end)
    if completed_on is not None and completed_on > timezone.localdate():
        raise DomainError("The completion date cannot be in the future", field="completed_on")
    before = {
        "name": stage.name,
        "owner": stage.owner_id,
        "planned_start": stage.planned_start.isoformat(),
        "planned_end": stage.planned_end.isoformat(),
        "completed_on": stage.completed_on.isoformat() if stage.completed_on else None,
    }
    stage.name = name.strip()
    stage.owner = owner
    stage.owner_organisation = _owner_organisation(stage.commission, owner)
    stage.planned_start = planned_start
    stage.planned_end = planned_end
    stage.completed_on = completed_on
    stage.notes = notes.strip()
    stage.save()
    after = {
        "name": stage.name,
        "owner": stage.owner_id,
        "planned_start": planned_start.isoformat(),
        "planned_end": planned_end.isoformat(),
        "completed_on": completed_on.isoformat() if completed_on else None,
    }
    audit.record(obj=stage, action="stage.changed", by=by, data={"from": before, "to": after})
    return stage


@service
def stage_complete(*, stage: Stage, by: Actor, completed_on: dt.date | None = None) -> Stage:
    """The stage's owner or the lead marks it done."""
    stage = (
        Stage.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("commission")
        .get(pk=stage.pk)
    )
    is_owner = by.user is not None and stage.owner_id == by.user.pk
    if not (is_owner or is_lead(stage.commission, by)):
        raise NotPermitted("Only the stage's owner or the lead commissioner can mark it done")
    if stage.completed_on is not None:
        raise DomainError(f"{stage.name} was completed on {stage.completed_on:%d %B %Y}")
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise DomainError("The completion date cannot be in the future", field="completed_on")
    stage.completed_on = completed_on
    stage.save(update_fields=["completed_on"])
    audit.record(
        obj=stage, action="stage.completed", by=by, to_state="done", data={"completed_on": completed_on.isoformat()}
    )
    return stage


@dataclass(frozen=True)
class Reminder:
    stage: Stage
    kind: str  # "due" or "overdue"
    threshold: int | None
    days_left: int

    @property
    def dedupe_key(self) -> str:
        if self.kind == "overdue":
            return f"stage:{self.stage.pk}:overdue:{self.stage.planned_end.isoformat()}"
        return f"stage:{self.stage.pk}:due:{self.threshold}:{self.stage.planned_end.isoformat()}"


def reminder_for(stage: Stage, *, today: dt.date, reminder_days: Sequence[int]) -> Reminder | None:
    """The one reminder a stage is due today, if any: overdue once its planned end has passed; otherwise the most
    urgent threshold it has reached (so a reminder missed on its day still goes, and only the latest is sent)."""
    if stage.completed_on is not None:
        return None
    days_left = (stage.planned_end - today).days
    if days_left < 0:
        return Reminder(stage, "overdue", None, days_left)
    reached = [d for d in reminder_days if days_left <= d]
    if not reached:
        return None
    return Reminder(stage, "due", min(reached), days_left)


def _reminder_text(r: Reminder) -> tuple[str, str]:
    stage, commission = r.stage, r.stage.commission
    if r.kind == "overdue":
        late = -r.days_left
        return (
            f"Overdue: {stage.name} for {commission.title}",
            f"{stage.name} was planned to end on {stage.planned_end:%d %B %Y} ({late} day{'s' if late != 1 else ''} "
            "ago) and is not marked done.",
        )
    when = "today" if r.days_left == 0 else f"in {r.days_left} day{'s' if r.days_left != 1 else ''}"
    return (
        f"Reminder: {stage.name} for {commission.title} ends {when}",
        f"{stage.name} is planned to end on {stage.planned_end:%d %B %Y}. Owner: {stage.owner or 'nobody yet'}.",
    )


def stage_reminders_send(*, today: dt.date | None = None) -> int:
    """Send every reminder due today, each exactly once: the dedupe key (stage, kind, threshold, planned end) and
    the notifications' unique constraint make retries, restarted workers and duplicate beats harmless. Runs as the
    system (tenancy disabled by the caller). Returns how many notifications were created."""
    today = today or timezone.localdate()
    with unscoped(reason="stage reminders go to people at every partner organisation"):
        return _send_reminders(today)


def _send_reminders(today: dt.date) -> int:
    stage_rows = (
        Stage.objects.filter(
            completed_on__isnull=True,
            commission__status__in=list(OPEN_STATUSES),
            planned_end__lte=today + dt.timedelta(days=366),
        )
        .select_related(
            "commission__partnership__commissioning_settings",
            "commission__lead",
            "commission__lead_contact",
            "owner",
            "owner_organisation",
        )
        .order_by("planned_end", "pk")
    )
    stages = list(stage_rows)
    still_there = set(
        Membership.objects.filter(user_id__in={s.owner_id for s in stages if s.owner_id}, is_active=True).values_list(
            "user_id", "organisation_id"
        )
    )
    due = [r for r in (_reminder_of(stage, today) for stage in stages) if r is not None]
    commissioners: dict[int, list[User]] = {}
    for m in commissioners_of({r.stage.commission.lead_id for r in due}):
        commissioners.setdefault(m.organisation_id, []).append(m.user)
    # In batches (core.notifications.fan_out): one insert and one delivery task per batch, each reminder once.
    return fan_out(_reminder_messages(due, still_there, commissioners))


def _reminder_of(stage: Stage, today: dt.date) -> Reminder | None:
    try:
        days = stage.commission.partnership.commissioning_settings.reminder_days
    except CommissioningSettings.DoesNotExist:
        days = list(DEFAULT_REMINDER_DAYS)
    return reminder_for(stage, today=today, reminder_days=days)


def _reminder_messages(
    due: list[Reminder], still_there: set[tuple[int, int]], commissioners: dict[int, list[User]]
) -> Iterator[Message]:
    for r in due:
        stage, commission = r.stage, r.stage.commission
        subject, body = _reminder_text(r)
        url = reverse("commission-timetable", kwargs={"commission_id": stage.commission_id})
        if (
            stage.owner is not None
            and stage.owner.is_active
            and (stage.owner_id, stage.owner_organisation_id) in still_there
        ):
            yield from messages(
                [stage.owner],
                subject=subject,
                body=body,
                url=url,
                organisation_id=stage.owner_organisation_id,
                dedupe_key=r.dedupe_key,
            )
        lead_people = (
            [commission.lead_contact]
            if commission.lead_contact is not None and commission.lead_contact.is_active
            else commissioners.get(commission.lead_id, [])
        )
        yield from messages(
            lead_people,
            subject=subject,
            body=body,
            url=url,
            organisation_id=commission.lead_id,
            dedupe_key=r.dedupe_key,
        )


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@service
def calendar_feed_reset(*, by: Actor) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    if by.user is None:
        raise NotPermitted("Only a person has a calendar")
    CalendarFeed.objects.filter(user=by.user).delete()
    feed = CalendarFeed.objects.create(user=by.user)
    audit.record(obj=feed, action="calendar_feed.reset", by=by)
    return feed
