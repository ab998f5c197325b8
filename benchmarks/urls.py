"""The app's URLs plus a minimal Django view: the benchmark's baseline (same middleware, no work)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/minimal/", minimal, name="bench-minimal"), *app_urlpatterns]
