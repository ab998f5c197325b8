"""A notice's life, as data: draft -> checked (every field its kind requires is there) -> approved (by the lead
commissioner) -> published (immutable; its release recorded; for a contract award notice the standstill starts).
A checked or approved notice can go back to draft to be refreshed from Jointly's facts."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from notices.models import Notice, NoticeStatus
from notices.rules import may_approve, notice_missing, publish_problems
from partners.models import Role

N = NoticeStatus
LEAD_ROLES = frozenset({Role.COMMISSIONER})


def _lead(notice: Notice, by: Actor) -> bool:
    return may_approve(notice, by)


def fields_complete(notice: Notice) -> Iterable[str]:
    return notice_missing(notice)


def publish_ready(notice: Notice) -> Iterable[str]:
    return publish_problems(notice)


def _stamp_checked(notice: Notice, by: Actor) -> None:
    Notice._base_manager.filter(pk=notice.pk).update(checked_at=timezone.now())


def _stamp_approved(notice: Notice, by: Actor) -> None:
    name = (by.user.get_full_name() or by.user.get_username()) if by.user is not None else "Jointly"
    Notice._base_manager.filter(pk=notice.pk).update(approved_at=timezone.now(), approved_by_name=name[:200])


NOTICE_WORKFLOW = Workflow(
    "notice",
    NoticeStatus,
    [
        Transition(
            "check",
            (N.DRAFT,),
            N.CHECKED,
            "Check the notice",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(fields_complete,),
            effects=(_stamp_checked,),
        ),
        Transition(
            "approve",
            (N.CHECKED,),
            N.APPROVED,
            "Approve the notice",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(fields_complete,),
            effects=(_stamp_approved,),
        ),
        Transition(
            "publish",
            (N.APPROVED,),
            N.PUBLISHED,
            "Publish the notice",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(fields_complete, publish_ready),
            effects=("record_publication",),
        ),
        Transition(
            "return_to_draft",
            (N.CHECKED, N.APPROVED),
            N.DRAFT,
            "Return to draft",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
        ),
    ],
    terminal=(N.PUBLISHED,),
    colours={N.DRAFT: "grey", N.CHECKED: "blue", N.APPROVED: "green", N.PUBLISHED: "turquoise"},
)
