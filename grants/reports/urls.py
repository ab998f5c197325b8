"""Page routes of end-of-grant reports and closing a grant (gathered by ``grants.urls``)."""

from django.urls import path

from grants.reports import views

urlpatterns = [
    path("grants/awards/<uuid:grant_id>/report/", views.ReportView.as_view(), name="grant-report"),
    path(
        "grants/awards/<uuid:grant_id>/report/step/",
        views.ReportTransitionView.as_view(),
        name="grant-report-transition",
    ),
    path("grants/awards/<uuid:grant_id>/close/", views.CloseGrantView.as_view(), name="grant-close"),
]
