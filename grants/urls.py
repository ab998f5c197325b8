"""Every page route of grant rounds, in one place; the views live in the packages that own them."""

from django.urls import URLPattern, path

from grants.assessment import views as assessment_views
from grants.decisions import views as decision_views

urlpatterns: list[URLPattern] = []

# Deciding grants: assessment by a panel, the decision, offers and letters.
urlpatterns += [
    path(
        "grants/rounds/<int:assessed_round_id>/assessment/",
        assessment_views.AssessmentView.as_view(),
        name="grant-assessment",
    ),
    path(
        "grants/rounds/<int:assessed_round_id>/assessment/panel/add/",
        assessment_views.AssessorAddView.as_view(),
        name="grant-assessor-add",
    ),
    path(
        "grants/panel/<int:grant_assessor_id>/declaration/",
        assessment_views.DeclareView.as_view(),
        name="grant-declare",
    ),
    path("grants/score/<uuid:scored_application_id>/", assessment_views.ScoreView.as_view(), name="grant-score"),
    path(
        "grants/moderate/<uuid:assessed_application_id>/",
        assessment_views.ModerateView.as_view(),
        name="grant-moderate",
    ),
    path(
        "grants/rounds/<int:assessed_round_id>/decision/", decision_views.DecisionView.as_view(), name="grant-decision"
    ),
    path(
        "grants/rounds/<int:assessed_round_id>/decision/prepare/",
        decision_views.DecisionPrepareView.as_view(),
        name="grant-decision-prepare",
    ),
    path(
        "grants/recommend/<uuid:assessed_application_id>/",
        decision_views.RecommendView.as_view(),
        name="grant-recommend",
    ),
    path(
        "grants/decisions/<int:grant_decision_id>/step/",
        decision_views.DecisionStepView.as_view(),
        name="grant-decision-step",
    ),
    path("grants/rounds/<int:assessed_round_id>/offers/", decision_views.OffersView.as_view(), name="grant-offers"),
    path("grants/letters/<uuid:grant_letter_id>/", decision_views.LetterView.as_view(), name="grant-letter"),
    path(
        "grants/letters/<uuid:grant_letter_id>/respond/",
        decision_views.OfferStepView.as_view(),
        name="grant-offer-step",
    ),
]
