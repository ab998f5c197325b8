"""Page routes of this package (included by ``monitoring.urls``)."""

from django.urls import path

from monitoring.kpis.views import (
    KpiAddView,
    KpiEditView,
    KpiRemoveView,
    KpiSetCreateView,
    KpiSetDetailView,
    KpiSetEditView,
    KpiSetListView,
    KpiSetRespondView,
    KpiSetTransitionView,
)

urlpatterns = [
    path("monitoring/kpis/", KpiSetListView.as_view(), name="kpi-sets"),
    path("monitoring/kpis/new/", KpiSetCreateView.as_view(), name="kpi-set-create"),
    path("monitoring/kpis/<int:kpi_set_id>/", KpiSetDetailView.as_view(), name="kpi-set"),
    path("monitoring/kpis/<int:kpi_set_id>/edit/", KpiSetEditView.as_view(), name="kpi-set-edit"),
    path("monitoring/kpis/<int:kpi_set_id>/add/", KpiAddView.as_view(), name="kpi-add"),
    path("monitoring/kpis/<int:kpi_set_id>/respond/", KpiSetRespondView.as_view(), name="kpi-set-respond"),
    path("monitoring/kpis/<int:kpi_set_id>/step/", KpiSetTransitionView.as_view(), name="kpi-set-transition"),
    path("monitoring/kpi/<int:kpi_id>/edit/", KpiEditView.as_view(), name="kpi-edit"),
    path("monitoring/kpi/<int:kpi_id>/remove/", KpiRemoveView.as_view(), name="kpi-remove"),
]
