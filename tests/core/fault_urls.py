"""A one-page site for the PostgreSQL-restart fault test: the page reads from the database, nothing else."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path


def ping(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return HttpResponse(f"ok {pid}", content_type="text/plain")


urlpatterns = [path("ping/", ping, name="fault-ping")]
