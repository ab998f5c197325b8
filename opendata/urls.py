"""Open data pages and files: public, no sign-in."""

from django.urls import path

from opendata import views
from opendata.ocds import views as ocds
from opendata.threesixty import views as threesixty
from opendata.transparency import views as transparency

urlpatterns = [
    path("open-data/", views.OpenDataView.as_view(), name="open-data"),
    path("open-data/ocds/releases.json", ocds.ReleasePackageView.as_view(), name="ocds-releases"),
    path("open-data/ocds/records/<str:ocid>.json", ocds.RecordPackageView.as_view(), name="ocds-record"),
    path("open-data/360giving/grants.json", threesixty.GrantsPackageView.as_view(), name="threesixty-grants"),
    path("open-data/360giving/grants.csv", threesixty.GrantsCsvView.as_view(), name="threesixty-grants-csv"),
    path(
        "open-data/transparency/contracts.csv",
        transparency.ContractsFileView.as_view(),
        name="transparency-contracts-csv",
    ),
    path(
        "open-data/transparency/contracts.xlsx",
        transparency.ContractsFileXlsxView.as_view(),
        name="transparency-contracts-xlsx",
    ),
]
