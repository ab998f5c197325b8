"""Page routes of grant payments (gathered by ``grants.urls``)."""

from django.urls import path

from grants.payments import views

urlpatterns = [
    path("grants/payments/", views.OurPaymentsView.as_view(), name="grant-payments-ours"),
    path("grants/awards/<uuid:grant_id>/payments/", views.GrantPaymentsView.as_view(), name="grant-payments"),
    path(
        "grants/awards/<uuid:grant_id>/payments/schedule/",
        views.ScheduleView.as_view(),
        name="grant-payment-schedule",
    ),
    path("grants/instalments/<int:instalment_id>/pay/", views.PayView.as_view(), name="grant-instalment-pay"),
]
