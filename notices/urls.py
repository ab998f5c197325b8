"""Notice pages. Public once published: a notice's page and its JSON."""

from django.urls import path

from notices import views

urlpatterns = [
    path("tenders/<int:tender_id>/notices/", views.TenderNoticesView.as_view(), name="tender-notices"),
    path("tenders/<int:tender_id>/notices/new/", views.NoticePrepareView.as_view(), name="notice-prepare"),
    path("notices/<int:published_notice_id>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:published_notice_id>.json", views.NoticeJsonView.as_view(), name="notice-json"),
    path("notices/<int:notice_id>/find-a-tender/", views.FilingView.as_view(), name="notice-filing"),
    path("notices/<int:notice_id>/find-a-tender.json", views.FilingJsonView.as_view(), name="notice-filing-json"),
    path("notices/<int:notice_id>/step/", views.NoticeStepView.as_view(), name="notice-transition"),
    path("notices/<int:notice_id>/refresh/", views.NoticeRefreshView.as_view(), name="notice-refresh"),
    path("notices/<int:notice_id>/correct/", views.NoticeCorrectView.as_view(), name="notice-correct"),
]
