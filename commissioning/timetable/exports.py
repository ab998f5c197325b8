"""Files built from selectors (pure): the commission's timetable: stages, reminders and the calendar feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from commissioning.timetable.models import Stage


def stages_ical(stages: Iterable[Stage], *, user: Any, now: dt.datetime | None = None) -> bytes:
    """Each stage as an all-day event from planned start to planned end, and its deadline as a separate event."""

    now = now or timezone.now()
    host = settings.JOINTLY_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "jointly"
    cal = Calendar()
    cal.add("prodid", "-//Jointly//Commissioning timetable//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Jointly: stages and deadlines for {user}")
    for s in stages:
        url = settings.JOINTLY_BASE_URL + reverse("commission-timetable", kwargs={"commission_id": s.commission_id})
        done = f" (done {s.completed_on:%d %B %Y})" if s.completed_on else ""
        span = Event()
        span.add("uid", f"stage-{s.pk}@{host}")
        span.add("dtstamp", now)
        span.add("summary", f"{s.name}: {s.commission.title}{done}")
        span.add("dtstart", s.planned_start)
        span.add("dtend", s.planned_end + dt.timedelta(days=1))
        span.add("description", f"Owner: {s.owner or 'nobody yet'}. {url}")
        span.add("url", url)
        span.add("transp", "TRANSPARENT")
        cal.add_component(span)
        if s.completed_on is None:
            due = Event()
            due.add("uid", f"stage-{s.pk}-deadline@{host}")
            due.add("dtstamp", now)
            due.add("summary", f"Deadline: {s.name} ({s.commission.title})")
            due.add("dtstart", s.planned_end)
            due.add("dtend", s.planned_end + dt.timedelta(days=1))
            due.add("description", f"{s.name} is planned to end today. {url}")
            due.add("url", url)
            cal.add_component(due)
    return cal.to_ical()
