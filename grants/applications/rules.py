"""Pure checks on an application: who is the applicant, word limits, what is missing before submitting, late
submission, and the canonical content whose SHA-256 is the receipt."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from core.actors import Actor
from core.errors import DomainError
from core.money import format_gbp
from grants.applications.models import ApplicationAnswer, ApplicationStatus, GrantApplication
from grants.programmes.models import ApplicationQuestion, GrantProgramme
from grants.programmes.rules import APPLICANT_ROLES
from procurement.bids.models import ProviderProfile

EDITABLE = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN})
PROFILE = "the applicant's own profile facts, read to build its application"


class LateSubmission(DomainError):
    """A submission after the closing time: refused, and recorded as a refused late application."""


def is_applicant(application: GrantApplication, by: Actor) -> bool:
    return (
        by.user is not None
        and by.organisation is not None
        and by.organisation.pk == application.organisation_id
        and by.has_role(*APPLICANT_ROLES)
    )


def word_count(text: str) -> int:
    return len(text.split())


def word_limit_problem(question: ApplicationQuestion, text: str) -> str | None:
    words = word_count(text)
    if words > question.word_limit:
        over = words - question.word_limit
        return (
            f"Your answer to '{question.text}' is {words} words: the limit is {question.word_limit}. "
            f"Cut {over} word{'s' if over != 1 else ''}"
        )
    return None


def late_message(programme: GrantProgramme) -> str:
    local = timezone.localtime(programme.closes_at)
    return (
        f"Applications closed at {local:%H:%M:%S} on {local:%A %-d %B %Y}. Your application was not submitted: late "
        "applications cannot be accepted."
    )


def before_closing(application: GrantApplication) -> Iterator[str]:
    if application.programme.has_closed():
        yield late_message(application.programme)


def after_closing(application: GrantApplication) -> Iterator[str]:
    if not application.programme.has_closed():
        yield "The programme has not closed yet"


@dataclass(frozen=True)
class Working:
    questions: list[ApplicationQuestion]
    answers: dict[int, str]


def working_copy(application: GrantApplication) -> Working:
    questions = list(
        ApplicationQuestion.objects.unscoped(reason=PROFILE)
        .filter(section__programme_id=application.programme_id)
        .select_related("section")
        .order_by("section__position", "section__id", "position", "id")
    )
    answers = dict(
        ApplicationAnswer.objects.unscoped(reason=PROFILE)
        .filter(application=application)
        .values_list("question_id", "text")
    )
    return Working(questions=questions, answers=answers)


def submission_problems(application: GrantApplication, working: Working) -> list[str]:
    programme = application.programme
    problems: list[str] = []
    if not application.project_title.strip():
        problems.append("Give your project a title")
    if application.amount_requested is None:
        problems.append("Say how much you are asking for")
    elif not programme.amount_min <= application.amount_requested <= programme.amount_max:
        problems.append(
            f"Ask for between {format_gbp(programme.amount_min)} and {format_gbp(programme.amount_max)}: you asked "
            f"for {format_gbp(application.amount_requested)}"
        )
    for q in working.questions:
        text = working.answers.get(q.pk, "").strip()
        if q.required and not text:
            problems.append(f"Answer '{q.text}'")
        problem = word_limit_problem(q, text)
        if problem:
            problems.append(problem)
    return problems


def profile_facts(application: GrantApplication) -> dict[str, Any]:
    """The applicant's facts, from its organisation and profile: shown on the form, never typed again."""
    organisation = application.organisation
    profile = ProviderProfile.objects.unscoped(reason=PROFILE).filter(organisation=organisation).first()
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.get_kind_display(),
        "charity_number": organisation.charity_number,
        "company_number": organisation.company_number,
        "area": organisation.area,
        "website": organisation.website,
        "annual_income": str(profile.annual_income) if profile and profile.annual_income is not None else None,
    }


def canonical_content(application: GrantApplication, working: Working, *, contact: Any) -> dict[str, Any]:
    """What is submitted and hashed: the project, every answer, the applicant's facts and its contact."""
    programme = application.programme
    return {
        "format": 1,
        "programme": {"id": programme.pk, "title": programme.title},
        "applicant": profile_facts(application),
        "contact": {
            "name": getattr(contact, "full_name", "") or "",
            "email": getattr(contact, "email", "") or "",
        },
        "project": {
            "title": application.project_title,
            "summary": application.project_summary,
            "amount_requested": str(application.amount_requested),
        },
        "answers": [
            {
                "question_id": q.pk,
                "section": q.section.title,
                "question": q.text,
                "word_limit": q.word_limit,
                "text": working.answers.get(q.pk, ""),
            }
            for q in working.questions
        ],
    }


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
