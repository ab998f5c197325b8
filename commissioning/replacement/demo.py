"""Demo data for what a commission replaces (called from ``commissioning.demo.load`` after the running commission
exists; idempotent): the county-wide advice commission replaces nine of the partners' mapped contracts (seed 000:
"new contract replaces 11 existing contracts"), a saving recorded, one provider given three months' notice with an
impact note, Tamworth keeps its ring-fenced homelessness grant as it is, East Staffordshire will look at a stand-alone
model later, and an options appraisal weighs the seed's options and in-house delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.replacement.models import OptionsAppraisal, ProviderNotice, ReplacedContract
from commissioning.replacement.services import (
    appraisal_choose,
    appraisal_option_set,
    appraisal_start,
    contracts_replace,
    impact_record,
    provider_notice_send,
    replaced_contract_saving,
)
from commissioning.service_map.models import MapDecision, MappedContract, ServiceArea
from commissioning.service_map.services import map_decision_record
from partners.acting import Acting
from partners.models import Organisation

# (funder, the contract's title) the county-wide commission replaces
REPLACED = [
    ("Staffordshire County Council", "County-wide debt advice line"),
    ("Staffordshire County Council", "Welfare benefits casework"),
    ("Staffordshire County Council", "Money management courses"),
    ("Tamworth Borough Council", "Core debt and generalist advice"),
    ("Lichfield District Council", "Core advice service"),
    ("Lichfield District Council", "Benefits advice for older people"),
    ("Cannock Chase District Council", "Core advice service"),
    ("Cannock Chase District Council", "Community money advice"),
    ("East Staffordshire Borough Council", "Debt advice in Burton"),
]
OPTIONS = [
    (
        "aligned",
        "Partners keep their own priorities and budgets; one shared process reduces commissioning costs; contract and "
        "performance management are done once.",
        "Harder to commission against outcomes when each partner prescribes its own delivery requirements.",
    ),
    (
        "standalone",
        "Simple to set up, with local examples already working.",
        "Unlikely that more than three organisations will partner, so little return on investment.",
    ),
    (
        "do_nothing",
        "No change required.",
        "Existing arrangements are not equitable or transparent; no efficiencies or economies of scale.",
    ),
    (
        "in_house",
        "Direct control of the service and its staff.",
        "Loses the voluntary sector's reach and volunteers; the highest cost of the options.",
    ),
]


def load(*, area: ServiceArea, commissioner_of: Callable[[Organisation], Acting]) -> None:
    commission = JointCommission.objects.filter(service_area=area, model="aligned").order_by("pk").first()
    if commission is None or ReplacedContract.objects.filter(commission=commission).exists():
        return
    orgs = {o.name: o for o in Organisation.objects.filter(name__in={f for f, _ in REPLACED} | _DECIDERS)}
    links: list[ReplacedContract] = []
    for funder_name in dict.fromkeys(f for f, _ in REPLACED):
        funder = orgs[funder_name]
        titles = [t for f, t in REPLACED if f == funder_name]
        contracts = list(MappedContract.objects.filter(service_area=area, funder=funder, title__in=titles))
        links += contracts_replace(commission=commission, contracts=contracts, by=commissioner_of(funder))
    county = orgs["Staffordshire County Council"]
    lead = commissioner_of(county)
    for link in links:
        if link.organisation_id == county.pk:
            replaced_contract_saving(
                link=link,
                saving=Decimal("2500.00"),
                note="Ten days of officer time at £250 a day not spent re-tendering",
                by=lead,
            )
    casework = next(link.contract for link in links if link.contract.title == "Welfare benefits casework")
    if not ProviderNotice.objects.filter(contract=casework).exists():
        provider_notice_send(
            contract=casework,
            reason="The county-wide joint advice contract replaces this contract from 1 April 2025.",
            sent_on=dt.date(2024, 12, 1),
            by=lead,
        )
        impact_record(
            contract=casework,
            who_is_affected="About 600 residents a year receive benefits casework",
            service_users="Open cases transfer to the new provider with the client's consent",
            staff="Two caseworkers; TUPE may apply if the provider changes",
            mitigation="A three-month handover and a joint letter to clients",
            by=lead,
        )
    _decisions(area, orgs, commissioner_of)
    _appraisal(area, commission, lead)


_DECIDERS = {"Tamworth Borough Council", "East Staffordshire Borough Council"}


def _decisions(
    area: ServiceArea, orgs: dict[str, Organisation], commissioner_of: Callable[[Organisation], Acting]
) -> None:
    if MapDecision.objects.filter(service_area=area).exists():
        return
    review = max(dt.date(2027, 10, 1), timezone.localdate() + dt.timedelta(days=90))
    tamworth = orgs["Tamworth Borough Council"]
    grant = MappedContract.objects.filter(
        service_area=area, funder=tamworth, title="Homelessness prevention advice"
    ).first()
    map_decision_record(
        service_area=area,
        contract=grant,
        kind=MapDecision.Kind.KEEP,
        reason="A ring-fenced homelessness grant with no further budget: keep as it is until the grant ends.",
        review_on=review,
        by=commissioner_of(tamworth),
    )
    east = orgs["East Staffordshire Borough Council"]
    map_decision_record(
        service_area=area,
        kind=MapDecision.Kind.STANDALONE_LATER,
        reason="Our generalist advice contract ends in 2028: look at a stand-alone partnership with Burton's funders.",
        review_on=review,
        by=commissioner_of(east),
    )


def _appraisal(area: ServiceArea, commission: JointCommission, lead: Acting) -> None:
    if OptionsAppraisal.objects.filter(service_area=area).exists():
        return
    appraisal = appraisal_start(
        service_area=area, title="Shared commissioning options for advice services", commission=commission, by=lead
    )
    for model, pros, cons in OPTIONS:
        appraisal_option_set(appraisal=appraisal, model=model, advantages=pros, disadvantages=cons, by=lead)
    appraisal_choose(
        appraisal=appraisal,
        model="aligned",
        reason="A number of organisations wish to commission broadly similar services (seed recommendation 1).",
        by=lead,
    )
