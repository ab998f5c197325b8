"""The tendering API's one router: each subpackage's viewsets, registered under their paths."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from procurement.award.api import ContractViewSet, RecommendationViewSet, TenderStepsViewSet
from procurement.bids.api import BidSocialValueViewSet, BidViewSet
from procurement.conflicts.api import ConflictsAssessmentViewSet
from procurement.evaluation.api import BidStepsViewSet, EvaluatorViewSet, ScoreSheetViewSet
from procurement.tenders.api import ClarificationViewSet, TenderViewSet

router = SimpleRouter(trailing_slash=True)
urlpatterns: list = []


router.register("tenders", TenderViewSet, basename="tender")
router.register("bids", BidViewSet, basename="bid")
router.register("bid-social-value", BidSocialValueViewSet, basename="bid-social-value")
router.register("clarifications", ClarificationViewSet, basename="clarification")
router.register("evaluators", EvaluatorViewSet, basename="evaluator")
router.register("scoresheets", ScoreSheetViewSet, basename="scoresheet")
router.register("award-recommendations", RecommendationViewSet, basename="award-recommendation")
router.register("contracts", ContractViewSet, basename="contract")
router.register("conflicts-assessments", ConflictsAssessmentViewSet, basename="conflicts-assessment")
# The steps of the tender's and the bid's workflows ({id}/transition/, {id}/transitions/), on the same paths, served by
# the packages that reach every step.
router.register("tenders", TenderStepsViewSet, basename="tender-steps")
router.register("bids", BidStepsViewSet, basename="bid-steps")
