"""The REST API's one router: every subpackage's viewsets and paths, mounted under ``/api/v1/``."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from commissioning.agreements.api import AgreementViewSet
from commissioning.lifecycle.api import CommissionViewSet
from commissioning.money.api import ContributionChangeViewSet, ContributionReportView, ContributionViewSet
from commissioning.service_map.api import (
    CommissioningSettingsView,
    ContractImportView,
    EvidenceViewSet,
    MappedContractViewSet,
    OutcomeViewSet,
    ServiceAreaViewSet,
)
from commissioning.timetable.api import StageViewSet

router = SimpleRouter(trailing_slash=True)


router.register("service-areas", ServiceAreaViewSet, basename="service-area")


router.register("mapped-contracts", MappedContractViewSet, basename="mapped-contract")


router.register("evidence", EvidenceViewSet, basename="evidence")


router.register("outcomes", OutcomeViewSet, basename="outcome")


router.register("commissions", CommissionViewSet, basename="commission")


router.register("contributions", ContributionViewSet, basename="contribution")
router.register("contribution-changes", ContributionChangeViewSet, basename="contribution-change")


router.register("agreements", AgreementViewSet, basename="agreement")


router.register("stages", StageViewSet, basename="stage")


urlpatterns: list[Any] = [
    path(
        "commissioning-settings/<int:partnership_id>/",
        CommissioningSettingsView.as_view(),
        name="commissioning-settings",
    ),
    path("mapped-contracts/import/", ContractImportView.as_view(), name="mapped-contract-import"),
    path("reports/contributions/", ContributionReportView.as_view(), name="contribution-report"),
]
