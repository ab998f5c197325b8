"""The tendering API's one router: each subpackage's viewsets, registered under their paths."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from procurement.award.api import ContractViewSet, RecommendationViewSet
from procurement.bids.api import BidViewSet
from procurement.evaluation.api import EvaluatorViewSet, ScoreSheetViewSet
from procurement.tenders.api import ClarificationViewSet, TenderViewSet

router = SimpleRouter(trailing_slash=True)
urlpatterns: list = []


router.register("tenders", TenderViewSet, basename="tender")
router.register("bids", BidViewSet, basename="bid")
router.register("clarifications", ClarificationViewSet, basename="clarification")
router.register("evaluators", EvaluatorViewSet, basename="evaluator")
router.register("scoresheets", ScoreSheetViewSet, basename="scoresheet")
router.register("award-recommendations", RecommendationViewSet, basename="award-recommendation")
router.register("contracts", ContractViewSet, basename="contract")
