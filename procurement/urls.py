"""Tendering pages. Public: the opportunities portal, its feeds, opportunity pages and tender documents."""

from django.urls import path

from procurement import views

urlpatterns = [
    # The public portal
    path("opportunities/", views.PortalView.as_view(), name="opportunities"),
    path("opportunities/feed.atom", views.FeedView.as_view(), name="opportunities-feed"),
    path("opportunities/feed.rss", views.RssFeedView.as_view(), name="opportunities-rss"),
    path("opportunities/follow/", views.FollowView.as_view(), name="opportunity-follows"),
    path("opportunities/<int:opportunity_id>/", views.OpportunityView.as_view(), name="opportunity-detail"),
    path("opportunities/<int:opportunity_id>/interest/", views.InterestView.as_view(), name="opportunity-interest"),
    path("opportunities/<int:opportunity_id>/ask/", views.AskView.as_view(), name="clarification-ask"),
    path("opportunities/<int:opportunity_id>/bid/", views.BidStartView.as_view(), name="bid-start"),
    path("tender-documents/<int:tender_document_id>/", views.TenderDocumentView.as_view(), name="tender-document"),
    # Providers
    path("provider-profile/", views.ProfileView.as_view(), name="provider-profile"),
    path(
        "provider-profile/documents/<int:profile_document_id>/",
        views.ProfileDocumentView.as_view(),
        name="profile-document",
    ),
    path(
        "provider-profile/documents/<int:profile_document_id>/remove/",
        views.ProfileDocumentRemoveView.as_view(),
        name="profile-document-remove",
    ),
    path("bids/", views.BidListView.as_view(), name="bids"),
    path("bids/<uuid:bid_id>/", views.BidEditView.as_view(), name="bid-edit"),
    path("bids/<uuid:bid_id>/autosave/", views.BidAutosaveView.as_view(), name="bid-autosave"),
    path("bids/<uuid:bid_id>/submit/", views.BidSubmitView.as_view(), name="bid-submit"),
    path("bids/<uuid:bid_id>/withdraw/", views.BidWithdrawView.as_view(), name="bid-withdraw"),
    path("bids/<uuid:bid_id>/receipt/", views.BidReceiptView.as_view(), name="bid-receipt"),
    path("bids/<uuid:bid_id>/letter/", views.BidLetterView.as_view(), name="bid-letter"),
    path("bids/<uuid:bid_id>/partners/", views.BidPartnerAddView.as_view(), name="bid-partner-add"),
    path(
        "bids/<uuid:bid_id>/profile-documents/", views.BidProfileDocumentsView.as_view(), name="bid-profile-documents"
    ),
    path("bid-partners/<uuid:bid_partner_id>/remove/", views.BidPartnerRemoveView.as_view(), name="bid-partner-remove"),
    path("bid-files/<uuid:attachment_id>/", views.BidAttachmentView.as_view(), name="bid-attachment"),
    path(
        "bid-files/<uuid:attachment_id>/remove/", views.BidAttachmentRemoveView.as_view(), name="bid-attachment-remove"
    ),
    # The lead's tenders
    path("tenders/", views.TenderListView.as_view(), name="tenders"),
    path("tenders/report.csv", views.TenderReportView.as_view(), name="tenders-report"),
    path("tenders/new/", views.TenderCreateView.as_view(), name="tender-create"),
    path("tenders/<int:tender_id>/", views.TenderDetailView.as_view(), name="tender-detail"),
    path("tenders/<int:tender_id>/edit/", views.TenderEditView.as_view(), name="tender-edit"),
    path("tenders/<int:tender_id>/documents/", views.TenderDocumentsView.as_view(), name="tender-documents"),
    path("tenders/<int:tender_id>/method/", views.MethodView.as_view(), name="tender-method"),
    path("tenders/<int:tender_id>/publish/", views.PublishView.as_view(), name="tender-publish"),
    path("tenders/<int:tender_id>/step/", views.TenderStepView.as_view(), name="tender-step"),
    path("tenders/<int:tender_id>/clarifications/", views.ClarificationsView.as_view(), name="tender-clarifications"),
    path("tenders/<int:tender_id>/bids/", views.TenderBidsView.as_view(), name="tender-bids"),
    path("tenders/<int:tender_id>/shortlist/", views.ShortlistView.as_view(), name="tender-shortlist"),
    path("tenders/<int:tender_id>/panel/", views.PanelView.as_view(), name="tender-panel"),
    path("tenders/<int:tender_id>/moderation/", views.ModerationView.as_view(), name="tender-moderation"),
    path("tenders/<int:tender_id>/recommendation/", views.RecommendationView.as_view(), name="tender-recommendation"),
    path("tenders/<int:tender_id>/award/", views.AwardView.as_view(), name="tender-award"),
    path(
        "tender-documents/<int:tender_document_id>/remove/",
        views.TenderDocumentRemoveView.as_view(),
        name="tender-document-remove",
    ),
    path("clarifications/<int:clarification_id>/answer/", views.AnswerView.as_view(), name="clarification-answer"),
    path("submissions/<uuid:submission_id>/", views.SubmissionView.as_view(), name="submission-detail"),
    # Contracts
    path("contracts/", views.ContractListView.as_view(), name="contracts"),
    path("contracts/<int:signed_contract_id>/", views.ContractDetailView.as_view(), name="contract-detail"),
    path(
        "contract-documents/<int:contract_document_id>/", views.ContractDocumentView.as_view(), name="contract-document"
    ),
    # Evaluators
    path("evaluations/", views.EvaluationsView.as_view(), name="evaluations"),
    path("evaluations/<int:evaluator_id>/", views.EvaluatorPanelView.as_view(), name="evaluation-panel"),
    path("scoresheets/<uuid:scoresheet_id>/", views.ScoreSheetView.as_view(), name="scoresheet"),
]
