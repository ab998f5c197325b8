"""What 360Giving data may say about grants, gathered once: only awarded grants, only what is public.

This is the only module of open data that reads grants. A grant is published once it is awarded and offered (the
applicant told): an application that is sealed, undecided, refused, unsuccessful or whose offer was declined never
appears, and nothing of an application is read but its public facts (the project's title and summary, the amounts,
the dates). The funders are the partners whose contributions pay it: their shares are the ones fixed with the
payment schedule, else (before it) the same rule on the partners' confirmed contributions. Reads cross tenants on
purpose (open data says the same to everyone), so each query says so.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from grants.applications.models import ApplicationStatus, DecisionOutcome, GrantApplication
from grants.payments.models import GrantFundingShare, GrantInstalment, InstalmentPart, InstalmentStatus
from grants.payments.rules import award_shares
from grants.payments.services import confirmed_contributions
from opendata.threesixty.build import FunderShare, GrantFacts, Payment
from partners.models import Organisation

READS = "open data publishes what is public about awarded grants, the same to everyone"

# Awarded, and the applicant told: the grant exists (or did) whatever happens next.
PUBLISHED = (ApplicationStatus.OFFERED, ApplicationStatus.ACCEPTED, ApplicationStatus.CLOSED)


def published_grants() -> QuerySet[GrantApplication]:
    """Every awarded grant, oldest award first (a fixed number of queries, however many)."""
    return (
        GrantApplication.objects.unscoped(reason=READS)  # type: ignore[type-var]
        .filter(
            status__in=PUBLISHED,
            decision=DecisionOutcome.AWARD,
            amount_awarded__gt=0,
            programme__closes_at__lte=timezone.now(),
        )
        .select_related("organisation", "programme")
        .prefetch_related(
            Prefetch(
                "funding_shares",
                queryset=GrantFundingShare.objects.unscoped(reason=READS).select_related("organisation"),
            ),
            Prefetch(
                "instalments",
                queryset=GrantInstalment.objects.unscoped(reason=READS)
                .filter(status=InstalmentStatus.PAID)
                .prefetch_related(Prefetch("parts", queryset=InstalmentPart.objects.unscoped(reason=READS))),
                to_attr="paid_instalments",
            ),
        )
        .order_by("decided_at", "id")
    )


def _funders(application: GrantApplication, organisations: dict[int, Organisation]) -> tuple[FunderShare, ...]:
    assert application.amount_awarded is not None
    stored = {s.organisation_id: s.amount for s in application.funding_shares.all()}
    shares = stored or award_shares(confirmed_contributions(application), application.amount_awarded)
    payments: dict[int, list[Payment]] = defaultdict(list)
    for instalment in sorted(application.paid_instalments, key=lambda i: (i.paid_on, i.number)):  # type: ignore[attr-defined]
        for part in instalment.parts.all():
            if part.amount > 0:
                payments[part.organisation_id].append(
                    Payment(
                        key=str(instalment.number),
                        paid_on=instalment.paid_on,
                        amount=part.amount,
                        description=f"Instalment {instalment.number}",
                    )
                )
    return tuple(
        FunderShare(organisations[k], amount, tuple(payments.get(k, ())))
        for k, amount in sorted(shares.items(), key=lambda kv: organisations[kv[0]].name)
        if amount > 0
    )


def grant_facts(applications: list[GrantApplication] | None = None) -> list[GrantFacts]:
    rows = list(published_grants()) if applications is None else applications
    funder_ids: set[int] = set()
    for a in rows:
        funder_ids.update(s.organisation_id for s in a.funding_shares.all())
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=funder_ids)}
    out = []
    for a in rows:
        if not a.funding_shares.all():
            missing = set(confirmed_contributions(a)) - set(organisations)
            organisations.update({o.pk: o for o in Organisation.objects.filter(pk__in=missing)})
        programme = a.programme
        decided = timezone.localtime(a.decided_at).date() if a.decided_at else timezone.localdate(a.updated_at)
        out.append(
            GrantFacts(
                key=a.public_id.hex,
                title=a.project_title or programme.title,
                description=a.project_summary or programme.description[:500],
                recipient=a.organisation,
                amount_awarded=a.amount_awarded or Decimal("0"),
                award_date=decided,
                funders=_funders(a, organisations),
                programme_code=f"programme-{programme.pk}",
                programme_title=programme.title,
                amount_applied_for=a.amount_requested,
                modified=a.updated_at,
            )
        )
    return out
