"""Every page route of contract monitoring: the one place that includes the packages' routes."""

from monitoring.contracts.urls import urlpatterns as contract_urls
from monitoring.kpis.urls import urlpatterns as kpi_urls
from monitoring.oversight.urls import urlpatterns as oversight_urls
from monitoring.returns.urls import urlpatterns as return_urls
from monitoring.reviews.urls import urlpatterns as review_urls

urlpatterns = [*contract_urls, *kpi_urls, *return_urls, *oversight_urls, *review_urls]
