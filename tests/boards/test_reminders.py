"""Reminders to members: the meeting coming up, and its papers being ready -- each sent once (Celery tasks; the
notification's dedupe key makes retries, restarts and repeated beats harmless)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from boards import reminders
from boards import services as board_services
from boards.schedule import BEAT_SCHEDULE
from boards.tasks import remind_papers_ready, send_board_reminders
from core.models import Notification

pytestmark = pytest.mark.django_db

# Seven full members, a substitute, an adviser and the clerk.
EVERYONE = 10


def test_the_beat_runs_the_board_reminders():
    assert BEAT_SCHEDULE["board-reminders"]["task"] == "partners.tasks.send_board_reminders"


def test_members_are_reminded_of_an_upcoming_meeting_once(lichfield, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_board_reminders.delay().get() == EVERYONE
    with django_capture_on_commit_callbacks(execute=True):
        assert send_board_reminders.delay().get() == 0
        assert reminders.send_due_reminders() == 0
    notes = Notification.objects.filter(subject__startswith="Lichfield Locality Commissioning Board meets on")
    assert notes.count() == EVERYONE
    assert {n.recipient for n in notes} >= {
        lichfield.clerk,
        lichfield.seats["walker"].person,
        lichfield.seats["adviser"].person,
    }
    assert len(mail.outbox) == EVERYONE
    assert notes.first().url == f"/meetings/{lichfield.meeting.pk}/"


def test_meetings_further_off_are_not_yet_reminded_and_a_new_date_is(lichfield):
    meeting = lichfield.meeting
    Meeting = type(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + dt.timedelta(days=20))
    assert reminders.send_due_reminders() == 0
    assert reminders.send_due_reminders(now=timezone.now() + dt.timedelta(days=14)) == EVERYONE
    # Moved to another day: members are told about the new date, once.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + dt.timedelta(days=21))
    assert reminders.send_due_reminders(now=timezone.now() + dt.timedelta(days=15)) == EVERYONE
    assert reminders.send_due_reminders(now=timezone.now() + dt.timedelta(days=15)) == 0


def test_members_are_told_once_when_the_papers_are_ready(lichfield, django_capture_on_commit_callbacks):
    lichfield.item()
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_transition(meeting=lichfield.meeting, name="publish_papers", by=lichfield.clerk_acting)
    papers = Notification.objects.filter(subject__startswith="Papers for the Lichfield Locality Commissioning Board")
    assert papers.count() == EVERYONE
    assert remind_papers_ready.delay(lichfield.meeting.pk).get() == 0
    reminders.send_due_reminders()
    assert papers.count() == EVERYONE


def test_cancelled_meetings_are_not_reminded(lichfield):
    board_services.meeting_transition(meeting=lichfield.meeting, name="cancel", by=lichfield.clerk_acting)
    assert reminders.send_due_reminders() == 0
    assert remind_papers_ready.delay(lichfield.meeting.pk).get() == 0
