from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.agreements.models import PartnershipAgreement
from commissioning.commissions.models import Contribution, JointCommission
from commissioning.money.models import ContributionChange
from commissioning.money.services import contribution_set
from commissioning.service_map.models import ContractImport, EvidenceItem, MappedContract, Outcome, ServiceArea
from commissioning.service_map.services import contracts_import, evidence_add, mapped_contract_create, outcome_add
from commissioning.timetable.models import Stage
from commissioning.timetable.services import calendar_feed_for, timetable_from_template
from tests.factories.commissioning import Lichfield, lichfield_example, pdf_upload
from tests.route_targets import Target


def _example(w: Any) -> Lichfield:
    """The Lichfield worked example in sign-up, the district's agreement signed, a timetable, a mapped contract."""
    if "commissioning" not in w.extras:
        ex = lichfield_example(w)
        ex.sign()
        timetable_from_template(commission=ex.commission, begins_on=dt.date(2026, 11, 1), by=ex.county_lead)
        mapped_contract_create(
            service_area=ex.area,
            provider_name="Age UK South Staffordshire",
            title="Help at home",
            annual_value=Decimal("23750.00"),
            start_date=dt.date(2024, 4, 1),
            end_date=dt.date(2027, 3, 31),
            funding_source="Core budget",
            alignable=True,
            by=ex.county_lead,
        )
        w.extras["commissioning"] = ex
    return w.extras["commissioning"]  # type: ignore[no-any-return]


def _contract(w: Any) -> MappedContract:
    return MappedContract.objects.filter(service_area=_example(w).area, funder=w.county).first()  # type: ignore[return-value]


def _contribution(w: Any) -> Contribution:
    ex = _example(w)
    return Contribution.objects.get(
        commission=ex.commission, organisation=w.county, financial_year=ex.commission.financial_years[1]
    )


def _change(w: Any) -> ContributionChange:
    """A change to the county's second-year indicative figure (the old one kept)."""
    if "commissioning-change" not in w.extras:
        ex = _example(w)
        c = _contribution(w)
        contribution_set(
            commission=ex.commission,
            organisation=w.county,
            financial_year=c.financial_year,
            amount=c.amount + Decimal("50.00"),
            reason="Inflation uplift",
            by=ex.county_lead,
        )
        w.extras["commissioning-change"] = ContributionChange.objects.unscoped(reason="test set-up").get(contribution=c)
    return w.extras["commissioning-change"]  # type: ignore[no-any-return]


def _agreement(w: Any) -> PartnershipAgreement:
    return PartnershipAgreement.objects.get(commission=_example(w).commission)


def _stage(w: Any) -> Stage:
    return Stage.objects.filter(commission=_example(w).commission).order_by("position").first()  # type: ignore[return-value]


def _import(w: Any) -> ContractImport:
    if "commissioning-import" not in w.extras:
        ex = _example(w)
        upload = SimpleUploadedFile(
            "contracts.csv",
            b"Service area,Provider,Annual value,Start date,End date,Funding source\n"
            b"Supporting older people to live independently,Age UK South Staffordshire,1000,2025-04-01,2027-03-31,Core\n",
        )
        w.extras["commissioning-import"] = contracts_import(
            partnership=ex.area.partnership, upload=upload, by=ex.county_lead
        )
    return w.extras["commissioning-import"]  # type: ignore[no-any-return]


def _evidence(w: Any) -> EvidenceItem:
    if "commissioning-evidence" not in w.extras:
        ex = _example(w)
        w.extras["commissioning-evidence"] = evidence_add(
            partnership=ex.area.partnership,
            title="Joint Strategic Needs Assessment",
            document=pdf_upload("jsna.pdf", "JSNA"),
            tags=["needs assessment"],
            by=ex.county_lead,
        )
    return w.extras["commissioning-evidence"]  # type: ignore[no-any-return]


def _outcome(w: Any) -> Outcome:
    ex = _example(w)
    found = Outcome.objects.filter(partnership=ex.area.partnership).first()
    return found or outcome_add(
        partnership=ex.area.partnership, kind="outcome", title="A community which is healthy", by=ex.county_lead
    )


def _feed_token(w: Any) -> str:
    _example(w)
    return calendar_feed_for(user=w.lead_commissioner).token


KWARGS = {
    "service_area_id": lambda w: Target(_example(w).area.pk, w.county),
    "contract_id": lambda w: Target(_contract(w).pk, w.county),
    "import_id": lambda w: Target(_import(w).pk, w.county),
    "evidence_id": lambda w: Target(_evidence(w).pk, w.county),
    "commission_id": lambda w: Target(_example(w).commission.pk, w.county),
    "contribution_id": lambda w: Target(_contribution(w).pk, w.county),
    "change_id": lambda w: Target(_change(w).pk, w.county),
    "agreement_id": lambda w: Target(_agreement(w).pk, w.district),
    "stage_id": lambda w: Target(_stage(w).pk, w.county),
    "feed_token": lambda w: Target(_feed_token(w), None),
}

API_OBJECTS = {
    ServiceArea: lambda w: Target(_example(w).area.pk, w.county),
    MappedContract: lambda w: Target(_contract(w).pk, w.county),
    EvidenceItem: lambda w: Target(_evidence(w).pk, w.county),
    Outcome: lambda w: Target(_outcome(w).pk, w.county),
    JointCommission: lambda w: Target(_example(w).commission.pk, w.county),
    Contribution: lambda w: Target(_contribution(w).pk, w.county),
    ContributionChange: lambda w: Target(_change(w).pk, w.county),
    PartnershipAgreement: lambda w: Target(_agreement(w).pk, w.district),
    Stage: lambda w: Target(_stage(w).pk, w.county),
}
