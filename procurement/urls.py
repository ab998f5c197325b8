"""Tendering pages. Public: the opportunities portal, its feeds, opportunity pages and tender documents."""

from django.urls import path

from procurement.award import views as award_views
from procurement.bids import views as bid_views
from procurement.conflicts import views as conflicts_views
from procurement.evaluation import views as evaluation_views
from procurement.tenders import views as tender_views

urlpatterns = [
    # The public portal
    path("opportunities/", tender_views.PortalView.as_view(), name="opportunities"),
    path("opportunities/feed.atom", tender_views.FeedView.as_view(), name="opportunities-feed"),
    path("opportunities/feed.rss", tender_views.RssFeedView.as_view(), name="opportunities-rss"),
    path("opportunities/<int:opportunity_id>/", tender_views.OpportunityView.as_view(), name="opportunity-detail"),
    path(
        "opportunities/<int:opportunity_id>/interest/", tender_views.InterestView.as_view(), name="opportunity-interest"
    ),
    path("opportunities/<int:opportunity_id>/ask/", tender_views.AskView.as_view(), name="clarification-ask"),
    path("opportunities/<int:opportunity_id>/bid/", bid_views.BidStartView.as_view(), name="bid-start"),
    path(
        "tender-documents/<int:tender_document_id>/", tender_views.TenderDocumentView.as_view(), name="tender-document"
    ),
    # Providers
    path("provider-profile/", bid_views.ProfileView.as_view(), name="provider-profile"),
    path(
        "provider-profile/documents/<int:profile_document_id>/",
        bid_views.ProfileDocumentView.as_view(),
        name="profile-document",
    ),
    path(
        "provider-profile/documents/<int:profile_document_id>/remove/",
        bid_views.ProfileDocumentRemoveView.as_view(),
        name="profile-document-remove",
    ),
    path("bids/", bid_views.BidListView.as_view(), name="bids"),
    path("bids/<uuid:bid_id>/", bid_views.BidEditView.as_view(), name="bid-edit"),
    path("bids/<uuid:bid_id>/autosave/", bid_views.BidAutosaveView.as_view(), name="bid-autosave"),
    path("bids/<uuid:bid_id>/submit/", bid_views.BidSubmitView.as_view(), name="bid-submit"),
    path("bids/<uuid:bid_id>/withdraw/", bid_views.BidWithdrawView.as_view(), name="bid-withdraw"),
    path("bids/<uuid:bid_id>/receipt/", bid_views.BidReceiptView.as_view(), name="bid-receipt"),
    path("bids/<uuid:bid_id>/letter/", award_views.BidLetterView.as_view(), name="bid-letter"),
    path("bids/<uuid:bid_id>/partners/", bid_views.BidPartnerAddView.as_view(), name="bid-partner-add"),
    path("bids/<uuid:bid_id>/social-value/", bid_views.BidSocialValueAddView.as_view(), name="bid-social-value-add"),
    path(
        "bid-social-value/<uuid:commitment_id>/remove/",
        bid_views.BidSocialValueRemoveView.as_view(),
        name="bid-social-value-remove",
    ),
    path(
        "bids/<uuid:bid_id>/profile-documents/",
        bid_views.BidProfileDocumentsView.as_view(),
        name="bid-profile-documents",
    ),
    path(
        "bid-partners/<uuid:bid_partner_id>/remove/",
        bid_views.BidPartnerRemoveView.as_view(),
        name="bid-partner-remove",
    ),
    path("bid-files/<uuid:attachment_id>/", bid_views.BidAttachmentView.as_view(), name="bid-attachment"),
    path(
        "bid-files/<uuid:attachment_id>/remove/",
        bid_views.BidAttachmentRemoveView.as_view(),
        name="bid-attachment-remove",
    ),
    # The lead's tenders
    path("tenders/", tender_views.TenderListView.as_view(), name="tenders"),
    path("tenders/report.csv", tender_views.TenderReportView.as_view(), name="tenders-report"),
    path("tenders/new/", tender_views.TenderCreateView.as_view(), name="tender-create"),
    path("tenders/<int:tender_id>/", tender_views.TenderDetailView.as_view(), name="tender-detail"),
    path("tenders/<int:tender_id>/edit/", tender_views.TenderEditView.as_view(), name="tender-edit"),
    path("tenders/<int:tender_id>/documents/", tender_views.TenderDocumentsView.as_view(), name="tender-documents"),
    path("tenders/<int:tender_id>/method/", tender_views.MethodView.as_view(), name="tender-method"),
    path("tenders/<int:tender_id>/publish/", tender_views.PublishView.as_view(), name="tender-publish"),
    path("tenders/<int:tender_id>/step/", tender_views.TenderStepView.as_view(), name="tender-step"),
    path(
        "tenders/<int:tender_id>/clarifications/",
        tender_views.ClarificationsView.as_view(),
        name="tender-clarifications",
    ),
    path("tenders/<int:tender_id>/bids/", bid_views.TenderBidsView.as_view(), name="tender-bids"),
    path("tenders/<int:tender_id>/shortlist/", evaluation_views.ShortlistView.as_view(), name="tender-shortlist"),
    path("tenders/<int:tender_id>/panel/", evaluation_views.PanelView.as_view(), name="tender-panel"),
    path("tenders/<int:tender_id>/moderation/", evaluation_views.ModerationView.as_view(), name="tender-moderation"),
    path(
        "tenders/<int:tender_id>/recommendation/",
        award_views.RecommendationView.as_view(),
        name="tender-recommendation",
    ),
    path("tenders/<int:tender_id>/award/", award_views.AwardView.as_view(), name="tender-award"),
    # The conflicts assessment (Procurement Act 2023 s.83)
    path("tenders/<int:tender_id>/conflicts/", conflicts_views.TenderConflictsView.as_view(), name="tender-conflicts"),
    path(
        "conflicts-assessments/<int:conflicts_assessment_id>/",
        conflicts_views.AssessmentView.as_view(),
        name="conflicts-assessment",
    ),
    path(
        "conflicts-assessments/<int:conflicts_assessment_id>/people/new/",
        conflicts_views.PersonAddView.as_view(),
        name="conflicts-person-add",
    ),
    path(
        "conflicts-assessments/<int:conflicts_assessment_id>/sign/",
        conflicts_views.SignView.as_view(),
        name="conflicts-sign",
    ),
    path("conflicts-entries/<int:conflicts_entry_id>/", conflicts_views.EntryView.as_view(), name="conflicts-entry"),
    path(
        "tender-documents/<int:tender_document_id>/remove/",
        tender_views.TenderDocumentRemoveView.as_view(),
        name="tender-document-remove",
    ),
    path(
        "clarifications/<int:clarification_id>/answer/", tender_views.AnswerView.as_view(), name="clarification-answer"
    ),
    path("submissions/<uuid:submission_id>/", bid_views.SubmissionView.as_view(), name="submission-detail"),
    # Contracts
    path("contracts/", award_views.ContractListView.as_view(), name="contracts"),
    path("contracts/<int:signed_contract_id>/", award_views.ContractDetailView.as_view(), name="contract-detail"),
    path(
        "contracts/<int:signed_contract_id>/variations/new/",
        award_views.VariationAddView.as_view(),
        name="contract-variation-add",
    ),
    path("contracts/<int:signed_contract_id>/end/", award_views.ContractEndView.as_view(), name="contract-end"),
    path(
        "contract-documents/<int:contract_document_id>/",
        award_views.ContractDocumentView.as_view(),
        name="contract-document",
    ),
    # Evaluators
    path("evaluations/", evaluation_views.EvaluationsView.as_view(), name="evaluations"),
    path("evaluations/<int:evaluator_id>/", evaluation_views.EvaluatorPanelView.as_view(), name="evaluation-panel"),
    path("scoresheets/<uuid:scoresheet_id>/", evaluation_views.ScoreSheetView.as_view(), name="scoresheet"),
]
