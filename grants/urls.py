"""Every page route of grant rounds, in one place; the views live in the packages that own them."""

from django.urls import path

from grants.applications import views as applications
from grants.assessment import views as assessment_views
from grants.decisions import views as decision_views
from grants.payments.urls import urlpatterns as payments_urls
from grants.programmes import views as programmes
from grants.reports.urls import urlpatterns as reports_urls

urlpatterns = [
    # Public: open grant rounds
    path("grants/", programmes.PublicProgrammeListView.as_view(), name="grant-programmes-public"),
    path("grants/<int:grant_round_id>/", programmes.PublicProgrammeView.as_view(), name="grant-programme-public"),
    path(
        "grants/<int:grant_round_id>/apply/",
        applications.ApplicationStartView.as_view(),
        name="grant-application-start",
    ),
    # The lead commissioner: programmes
    path("grants/programmes/", programmes.ProgrammeListView.as_view(), name="grant-programmes"),
    path("grants/programmes/new/", programmes.ProgrammeCreateView.as_view(), name="grant-programme-create"),
    path("grants/programmes/<int:programme_id>/", programmes.ProgrammeView.as_view(), name="grant-programme"),
    path(
        "grants/programmes/<int:programme_id>/edit/",
        programmes.ProgrammeEditView.as_view(),
        name="grant-programme-edit",
    ),
    path(
        "grants/programmes/<int:programme_id>/criteria/new/",
        programmes.CriterionAddView.as_view(),
        name="grant-criterion-add",
    ),
    path(
        "grants/programmes/<int:programme_id>/sections/new/",
        programmes.SectionAddView.as_view(),
        name="grant-section-add",
    ),
    path(
        "grants/programmes/<int:programme_id>/step/",
        programmes.ProgrammeTransitionView.as_view(),
        name="grant-programme-transition",
    ),
    path(
        "grants/sections/<int:grant_section_id>/questions/new/",
        programmes.QuestionAddView.as_view(),
        name="grant-question-add",
    ),
    # Applying
    path("grants/applications/", applications.ApplicationListView.as_view(), name="grant-applications"),
    path(
        "grants/applications/<uuid:application_id>/", applications.ApplicationView.as_view(), name="grant-application"
    ),
    path(
        "grants/applications/<uuid:application_id>/project/",
        applications.ProjectView.as_view(),
        name="grant-application-project",
    ),
    path(
        "grants/applications/<uuid:application_id>/form/",
        applications.OnePageView.as_view(),
        name="grant-application-form",
    ),
    path(
        "grants/applications/<uuid:application_id>/sections/<int:section_id>/",
        applications.SectionView.as_view(),
        name="grant-application-section",
    ),
    path(
        "grants/applications/<uuid:application_id>/check/",
        applications.CheckAnswersView.as_view(),
        name="grant-application-check",
    ),
    path(
        "grants/applications/<uuid:application_id>/withdraw/",
        applications.WithdrawView.as_view(),
        name="grant-application-withdraw",
    ),
    path(
        "grants/applications/<uuid:application_id>/copy.pdf",
        applications.ApplicationCopyView.as_view(),
        name="grant-application-copy",
    ),
    # After the award: payments, the end-of-grant report, closing
    *payments_urls,
    *reports_urls,
]

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
