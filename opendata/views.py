"""The Open data page: what Jointly publishes, under which licence, the OCDS endpoints with examples, and the
Transparency Code contracts file (a form: organisation and quarter)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from core.views import PublicTemplateView
from opendata.ocds import selectors as ocds_selectors
from opendata.ocds.standard import LICENSE_URL, SCHEMA_URL, VERSION
from opendata.transparency.forms import ContractsFileForm
from opendata.transparency.rules import quarter_of


class OpenDataView(PublicTemplateView):
    template_name = "opendata/index.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "quarter" in request.GET or "organisation" in request.GET:
            form = ContractsFileForm(request.GET)
            if form.is_valid():
                data = form.cleaned_data
                route = "transparency-contracts-xlsx" if data["format"] == "xlsx" else "transparency-contracts-csv"
                query = f"organisation={data['organisation'].pk}&quarter={data['quarter'].code}"
                return redirect(f"{reverse(route)}?{query}")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", ContractsFileForm(initial={"quarter": quarter_of(timezone.localdate()).code}))
        latest = ocds_selectors.releases().values("ocid", "release_id", "date", "tags").first()
        return super().get_context_data(
            version=VERSION,
            schema_url=SCHEMA_URL,
            license_url=LICENSE_URL,
            latest=latest,
            **kwargs,
        )
